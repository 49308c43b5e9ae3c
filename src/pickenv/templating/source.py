"""Where a project template comes from, and what it says about itself.

A source is pickenv's own template (the shipped folder, versioned by
``project.history``), a team's git repository (local, or a URL with copier's
``gh:``/``gl:`` shortcuts), or a plain folder, which copies but can never update.
What a project records (``_src_path``) is portable and clean: local paths absolute or
``~/…``, never relative to where the command ran, and URLs without credentials (git
gets those through a one-run ``url.<with>.insteadOf <without>`` rewrite instead).

``TemplateInfo`` is read from the template's ``copier.yml`` at the ref that will be
rendered, before anything is asked or written: the tools it scaffolds, the questions
it declares, and what it would run (tasks, migrations, Jinja extensions) that needs
the user's trust. It is read as copier reads it, ``!include`` files too (their tasks
must reach the consent list), but bounded (sizes, alias expansion: ``pickenv.yamlio``)
and from the template's own files only (git's objects, never a symlink or ``..`` out):
a bad copier.yml is one line (exit 9) before copier, whose reading is unbounded, sees it.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pickenv.context import Context, expand_user
from pickenv.errors import AnswerError, Fix, PickenvError, ProjectError, TemplateError
from pickenv.formats.files import mask
from pickenv.inputs import TEMPLATE_LIMIT, InputError, decode, read_inside, size_text
from pickenv.questionnaire.questions import Value
from pickenv.repo.git import Git, GitRun, last_complaint
from pickenv.templating.history import recorded_path, release_key
from pickenv.templating.unsafe import runs_of

Kind = Literal["builtin", "folder", "git"]
CONFIG_NAMES = ("copier.yml", "copier.yaml")
_ALIASES = {"gh": "https://github.com/", "gl": "https://gitlab.com/"}
# copier's shortcuts, a URL with a scheme, or git's scp-like user@host:path.
_REMOTE = re.compile(r"^(gh|gl):|^[a-z][a-z0-9+.-]*://|^[\w.-]+@[\w.-]+:")
FILE_COUNT = 100_000  # files of a template listed (a template is a few dozen)
QUESTION_COUNT = 1_000  # questions of a template (a large one asks about fifty; copier takes 3 ms each)
# URLs with credentials (from the user or a team file) by the URL without: git gets them for
# this run, while records, messages and comparisons (a team's pin) see the clean URL.
_SECRETS: dict[str, str] = {}


def is_remote(source: str) -> bool:
    """A git URL rather than a local path (templates, team files)."""
    return _REMOTE.match(source) is not None


def public_url(url: str) -> str:
    """``url`` without credentials (``https://user:secret@host/x`` -> ``https://host/x``);
    the credentials are kept for git alone, for this run (``resolve_source``)."""
    parts = urlsplit(url) if "://" in url else None
    if parts is None or not (parts.username or parts.password):
        return url
    host = parts.hostname or ""
    clean = urlunsplit(parts._replace(netloc=host + (f":{parts.port}" if parts.port else "")))
    _SECRETS[clean] = url
    return clean


@dataclass(frozen=True)
class TemplateSource:
    location: str  # what copier is given and records as _src_path
    kind: Kind
    ref: str | None = None  # the git ref to render (None: copier's choice, the newest tag)
    folder: Path | None = None  # the local folder or repository, if it is local
    rewrite: tuple[tuple[str, str], ...] = ()  # (with credentials, without): for git only

    @property
    def updatable(self) -> bool:
        return self.kind != "folder"

    @contextmanager
    def credentials(self) -> Iterator[None]:
        """git sees the URL with credentials while copier clones; nothing records it.
        copier runs git through plumbum, whose environment is its own copy."""
        if not self.rewrite:
            yield
            return
        from plumbum import local

        secret, clean = self.rewrite[0]
        with local.env(
            GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0=f"url.{secret}.insteadOf", GIT_CONFIG_VALUE_0=clean
        ):
            yield


def builtin_source() -> TemplateSource:
    from pickenv.resources import project_template

    folder = project_template()
    return TemplateSource(str(folder), "builtin", folder=folder)


def resolve_source(given: str, ref: str | None, ctx: Context) -> TemplateSource:
    """A team's template as the user named it: URL, local repository or folder."""
    if is_remote(given):
        return _remote(given, ref)
    path = expand_user(given, ctx.home)
    try:
        path = (path if path.is_absolute() else ctx.cwd / path).resolve()
    except (OSError, RuntimeError):
        raise TemplateError(f"the template {given} is a symlink loop", fixes=[Fix.TEMPLATE_SOURCE]) from None
    if path.exists() and not path.is_dir():
        raise TemplateError(
            f"the template {given} is a file, not a folder or a git repository", fixes=[Fix.TEMPLATE_SOURCE]
        )
    if not path.is_dir():
        raise TemplateError(f"the template {given} does not exist ({path})", fixes=[Fix.TEMPLATE_SOURCE])
    location = recorded_path(path, ctx)
    git = Git.find(ctx.env, error=TemplateError)
    if git is None and ((path / ".git").exists() or (path / "HEAD").is_file()):
        # Without git the work tree is all there is: rendering it would pass an
        # uncommitted state off as a version, and `check` would call it a folder.
        raise TemplateError(
            f"git is not installed; the template {given} is a git repository and its versions need git",
            fixes=[Fix.INSTALL_GIT],
        )
    if git is not None and _is_repo_root(path, git):
        return TemplateSource(location, "git", ref=ref, folder=path)
    if ref:
        raise TemplateError(f"the template {path} is a folder, not a git repository: it has no versions",
                            fixes=[Fix.TEMPLATE_REPO])  # fmt: skip
    return TemplateSource(location, "folder", folder=path)


def _remote(given: str, ref: str | None) -> TemplateSource:
    clean = public_url(given)
    secret = _SECRETS.get(clean)
    if secret is not None:
        return TemplateSource(clean, "git", ref=ref, rewrite=((secret, clean),))
    return TemplateSource(given, "git", ref=ref)


def _is_repo_root(path: Path, git: Git) -> bool:
    """A work tree's top folder, or a bare repository (a team's mirror, a server's copy)."""
    bare = git.run("rev-parse", "--is-bare-repository", "--absolute-git-dir", cwd=path, check=False)
    if bare.ok and bare.out.split()[:1] == ["true"]:
        return Path(bare.out.split("\n")[1].strip()).resolve() == path
    found = git.run("rev-parse", "--show-toplevel", cwd=path, check=False)
    return found.ok and Path(found.out.strip()).resolve() == path


@dataclass(frozen=True)
class TemplateInfo:
    """What a template's copier.yml declares, at the ref that will be rendered."""

    source: TemplateSource
    config: Mapping[str, Any]  # the parsed copier.yml
    ref: str | None  # the ref read (None: a folder)
    tags: tuple[str, ...] = ()
    files: tuple[str, ...] = ()  # every file of the template at that ref
    unsafe: tuple[str, ...] = field(default=())  # what it runs, as "task: ..." lines

    @property
    def questions(self) -> dict[str, Mapping[str, Any]]:
        return {
            k: v if isinstance(v, Mapping) else {"default": v}
            for k, v in self.config.items()
            if not k.startswith("_")
        }

    @property
    def tools(self) -> tuple[str, ...]:
        choices = self.questions.get("tool", {}).get("choices", ())
        if isinstance(choices, Mapping):
            choices = list(choices.values())
        return tuple(str(c) for c in choices)

    def choices(self, question: str) -> tuple[str, ...]:
        """The values the template allows for a question (empty: any)."""
        choices = self.questions.get(question, {}).get("choices") or ()
        values = choices.values() if isinstance(choices, Mapping) else choices
        return tuple(str(v) for v in values)

    def shared_defaults(self) -> dict[str, Value]:
        """Defaults for pickenv's questions that the template limits to choices that
        exclude pickenv's own default: the template's default, else its first choice."""
        from pickenv.questionnaire.questions import QUESTIONS, coerce

        out: dict[str, Value] = {}
        for question in QUESTIONS:
            allowed = self.choices(question.id)
            if not allowed:
                continue
            default = self.questions[question.id].get("default")
            raw = default if default is not None and str(default) in allowed else allowed[0]
            try:
                out[question.id] = coerce(question, raw, origin=f"the template's {question.id} choices")
            except PickenvError:
                continue  # a value pickenv's question does not take: the check after answering says so
        return out

    def refuse(self, answers: Mapping[str, Value]) -> None:
        """An AnswerError for an answer the template does not offer."""
        from pickenv.questionnaire.questions import format_value

        for question, value in answers.items():
            allowed = self.choices(question)
            if allowed and format_value(value) not in allowed:
                raise AnswerError(
                    f"the template {self.source.location} offers {question}: {', '.join(allowed)}; "
                    f"not {format_value(value)}",
                    fixes=[Fix.ANSWER_TEMPLATE],
                    facts={"question": question, "choices": "|".join(allowed)},
                )

    @property
    def runs_on_copy(self) -> tuple[str, ...]:
        """What a first render runs: copier's `copy` runs tasks and loads extensions, and
        never a migration (those run on update, and are asked for then)."""
        return tuple(u for u in self.unsafe if not u.startswith("migration"))


def inspect(source: TemplateSource, ctx: Context) -> TemplateInfo:
    """Read the template's copier.yml (and its file list) without rendering it."""
    if source.kind != "git":
        assert source.folder is not None
        folder = source.folder
        name = next((n for n in CONFIG_NAMES if os.path.lexists(folder / n)), None)
        if name is None:  # said before any listing: `template check /` answers at once
            raise TemplateError(f"{source.location} has no copier.yml: it is not a copier template",
                                fixes=[Fix.TEMPLATE_SOURCE])  # fmt: skip

        def read(path: str) -> str:
            try:
                return read_inside(folder, path, TEMPLATE_LIMIT)
            except InputError as exc:
                raise TemplateError(f"the template {source.location}: {path} {exc}") from None

        return _info(source, name, read, None, (), tuple(_listing(folder, source.location)))
    with _bare_clone(source, ctx) as (git, repo):
        tags = tuple(t for t in git(repo, "tag", "--list").split() if t)
        ref = source.ref or newest_of(tags) or "HEAD"
        if not git(repo, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}", check=False):
            versions = ", ".join(sorted(tags, key=lambda t: (release_key(t) is None, release_key(t) or 0, t)))
            raise TemplateError(f"the template {source.location} has no version {ref}",
                                fixes=[Fix.KNOWN_REF], facts={"versions": versions or "none"})  # fmt: skip
        tree = git_tree(git(repo, "ls-tree", "-r", "-l", "-z", f"{ref}^{{commit}}", "--"))
        name = next((n for n in CONFIG_NAMES if n in tree), None)
        if name is None:
            raise TemplateError(f"{source.location} has no copier.yml at {ref}: it is not a copier template",
                                fixes=[Fix.TEMPLATE_SOURCE])  # fmt: skip

        def blob(path: str) -> str:
            mode, sha, size = tree[path]
            why = unreadable_entry(mode, size, TEMPLATE_LIMIT)
            if why is None:
                try:
                    return decode(git.run(repo, "cat-file", "blob", sha).stdout)
                except InputError as exc:
                    why = str(exc)
            raise TemplateError(f"the template {source.location}: {path} at {ref} {why}")

        return _info(source, name, blob, ref, tags, tuple(tree))


def _listing(folder: Path, location: str) -> list[str]:
    """The template folder's files (symlinks to folders not followed), bounded."""
    files: list[str] = []
    for top, folders, names in os.walk(folder):
        folders[:] = [f for f in folders if f != ".git"]
        base = Path(top).relative_to(folder)
        files.extend((base / n).as_posix() for n in names)
        if len(files) > FILE_COUNT:
            raise TemplateError(f"the template {location} has more than {FILE_COUNT:,} files")
    return files


def git_tree(listing: str) -> dict[str, tuple[str, str, int]]:
    """``git ls-tree -r -l -z``'s output as path -> (mode, object, size)."""
    tree: dict[str, tuple[str, str, int]] = {}
    for entry in listing.split("\0"):
        meta, tab, path = entry.partition("\t")
        fields = meta.split()
        if tab and len(fields) == 4:
            tree[path] = (fields[0], fields[2], int(fields[3]) if fields[3].isdigit() else 0)
    return tree


def unreadable_entry(mode: str, size: int, limit: int) -> str | None:
    """Why a file of a git tree is not read, or None: a symlink (checked out, it may
    point anywhere on this computer), a submodule, or a file over ``limit`` bytes."""
    if mode == "120000":
        return "is a symlink; only the repository's own files are read"
    if not mode.startswith("100"):
        return "is not a file (a submodule)"
    return f"is larger than {size_text(limit)}" if size > limit else None


def newest_of(tags: tuple[str, ...]) -> str | None:
    releases = [(key, tag) for tag in tags if (key := release_key(tag)) is not None and not key.is_prerelease]
    return max(releases)[1] if releases else None


def _info(source: TemplateSource, name: str, read: Callable[[str], str], ref: str | None,
          tags: tuple[str, ...], files: tuple[str, ...]) -> TemplateInfo:  # fmt: skip
    from pickenv.yamlio import YAMLInputError, copier_config

    try:
        config, documents = copier_config(name, read, files)
    except YAMLInputError as exc:
        raise TemplateError(f"the template {source.location}: {exc}") from None
    asked = sum(1 for key in config if not str(key).startswith("_"))
    if asked > QUESTION_COUNT:
        raise TemplateError(
            f"the template {source.location}: {name} declares {asked:,} questions, more than the "
            f"{QUESTION_COUNT:,} pickenv renders; is it a copier.yml?",
            fixes=[Fix.TEMPLATE_SOURCE],
        )
    unsafe = runs_of(documents)
    return TemplateInfo(source, config, ref, tags, files, tuple(unsafe))


class _Git:
    """git, run for reading a template: never prompting, every failure one line."""

    def __init__(self, git: Git, location: str) -> None:
        self.git, self.location = git, location

    def run(self, repo: Path, *args: str, check: bool = True) -> GitRun:
        done = self.git.run(*args, cwd=repo, check=False)
        if check and not done.ok:
            complaint = mask(last_complaint(done.stderr.decode("utf-8", "replace")))
            raise TemplateError(
                f"reading the template {self.location} failed: {complaint}", fixes=[Fix.TEMPLATE_SOURCE]
            )
        return done

    def __call__(self, repo: Path, *args: str, check: bool = True) -> str:
        done = self.run(repo, *args, check=check)
        return done.stdout.decode("utf-8", "replace") if done.ok else ""


def _reading_git(ctx: Context, why: str, error: type[PickenvError]) -> Git:
    """git for reading a template: it never prompts for a password (it would wait forever)."""
    return Git.needed(ctx.env, why, error=error, GIT_TERMINAL_PROMPT="0")


@contextmanager
def _bare_clone(source: TemplateSource, ctx: Context) -> Iterator[tuple[_Git, Path]]:
    git = _Git(_reading_git(ctx, "a template from git needs it", TemplateError), source.location)
    if (
        source.folder is not None
        and git.run(source.folder, "rev-parse", "--git-dir", check=False).returncode == 0
    ):
        # A repository on this machine is read in place (tags, a tree, blobs: git writes
        # nothing for those), which spares a clone: 0.1 s of `pickenv new --template`.
        # One git refuses to read (another user's) is cloned, as a remote one is.
        yield git, source.folder
        return
    url = str(source.folder) if source.folder else git_url((source.rewrite or ((source.location, ""),))[0][0])
    with tempfile.TemporaryDirectory(prefix="pickenv-template-") as scratch:
        repo = Path(scratch) / "template.git"
        git(Path(scratch), "clone", "-q", "--bare", "--filter=blob:none", "--", url, str(repo))
        yield git, repo


def newest_release(location: str, ctx: Context) -> str:
    """The newest release tag (PEP 440, no pre-release) of the template a project
    records (its ``_src_path``), asked of the template itself. A template that is gone,
    or that git cannot read, is said so (ProjectError: the project cannot be updated
    from it), never taken for one without version tags."""
    newest = newest_of(release_tags(location, ctx))
    if newest is None:
        raise ProjectError(f"the template {mask(location)} has no version tags to update to", fixes=[])
    return newest


def release_tags(location: str, ctx: Context) -> tuple[str, ...]:
    """Every tag of the template at ``location`` (``git ls-remote``: nothing is cloned)."""
    src = str(expand_user(location, ctx.home)) if location.startswith("~") else location
    if not is_remote(src) and not Path(src).is_dir():
        raise ProjectError(f"the template {location} no longer exists ({src}): the project cannot be "
                           "updated from it until the template is back there", fixes=[])  # fmt: skip
    git = _Git(_reading_git(ctx, "updating a project needs it", ProjectError), mask(location))
    done = git.run(
        ctx.cwd, "ls-remote", "--tags", "--refs", "--", git_url(_SECRETS.get(src, src)), check=False
    )
    if done.returncode != 0:
        complaint = mask(last_complaint(done.stderr.decode("utf-8", "replace")))
        raise ProjectError(f"the template {mask(location)} cannot be read: {complaint}", fixes=[])
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    return tuple(line.split("refs/tags/", 1)[1] for line in lines if "refs/tags/" in line)


def git_url(location: str) -> str:
    """What git itself takes: copier's shortcuts expanded, its git+ marker dropped."""
    return re.sub(r"^(gh|gl):/?", lambda m: _ALIASES[m[1]], location).removeprefix("git+")
