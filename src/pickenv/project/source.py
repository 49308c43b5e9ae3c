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
the user's trust.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pickenv.context import Context, expand_user
from pickenv.errors import AnswerError, Fix, PickenvError, TemplateError
from pickenv.project.git import last_complaint
from pickenv.project.history import recorded_path, release_key
from pickenv.questionnaire.questions import Value

Kind = Literal["builtin", "folder", "git"]
CONFIG_NAMES = ("copier.yml", "copier.yaml")
# Questions pickenv answers itself: a template must declare them, or copier does not
# record their answers and the project can never be updated with them.
REQUIRED_QUESTIONS = ("project_name", "tool", "python_version")
_ALIASES = {"gh": "https://github.com/", "gl": "https://gitlab.com/"}
# copier's shortcuts, a URL with a scheme, or git's scp-like user@host:path.
_REMOTE = re.compile(r"^(gh|gl):|^[a-z][a-z0-9+.-]*://|^[\w.-]+@[\w.-]+:")


def is_remote(source: str) -> bool:
    """A git URL rather than a local path (templates, team files)."""
    return _REMOTE.match(source) is not None


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
    path = (path if path.is_absolute() else ctx.cwd / path).resolve()
    if not path.is_dir():
        raise TemplateError(f"the template {given} does not exist ({path})", fixes=[Fix.TEMPLATE_SOURCE])
    location = recorded_path(path, ctx)
    if _is_repo_root(path, ctx.env):
        return TemplateSource(location, "git", ref=ref, folder=path)
    if ref:
        raise TemplateError(f"the template {path} is a folder, not a git repository: it has no versions",
                            fixes=[Fix.TEMPLATE_REPO])  # fmt: skip
    return TemplateSource(location, "folder", folder=path)


def _remote(given: str, ref: str | None) -> TemplateSource:
    parts = urlsplit(given) if "://" in given else None
    if parts is not None and (parts.username or parts.password):
        host = parts.hostname or ""
        clean = urlunsplit(parts._replace(netloc=host + (f":{parts.port}" if parts.port else "")))
        return TemplateSource(clean, "git", ref=ref, rewrite=((given, clean),))
    return TemplateSource(given, "git", ref=ref)


def _is_repo_root(path: Path, env: Mapping[str, str]) -> bool:
    git = shutil.which("git", path=env.get("PATH"))
    if git is None:
        return False
    found = subprocess.run(
        [git, "rev-parse", "--show-toplevel"], cwd=path, capture_output=True, text=True, check=False
    )
    return found.returncode == 0 and Path(found.stdout.strip()).resolve() == path


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
    def missing(self) -> tuple[str, ...]:
        """The questions pickenv fills that the template does not declare."""
        declared = self.questions
        missing = [q for q in REQUIRED_QUESTIONS if q not in declared]
        if "tool" in declared and not self.tools:
            missing.append("tool (with choices)")
        return tuple(missing)


def inspect(source: TemplateSource, ctx: Context) -> TemplateInfo:
    """Read the template's copier.yml (and its file list) without rendering it."""
    if source.kind != "git":
        assert source.folder is not None
        config_file = next((source.folder / n for n in CONFIG_NAMES if (source.folder / n).is_file()), None)
        if config_file is None:
            raise TemplateError(f"{source.location} has no copier.yml: it is not a copier template",
                                fixes=[Fix.TEMPLATE_SOURCE])  # fmt: skip
        files = tuple(
            p.relative_to(source.folder).as_posix() for p in source.folder.rglob("*") if p.is_file()
        )
        return _info(source, config_file.read_text(encoding="utf-8"), None, (), files)
    with _bare_clone(source, ctx) as (git, repo):
        tags = tuple(t for t in git(repo, "tag", "--list").split() if t)
        ref = source.ref or _newest(tags) or "HEAD"
        if not git(repo, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}", check=False):
            versions = ", ".join(sorted(tags, key=lambda t: (release_key(t) is None, release_key(t) or 0, t)))
            raise TemplateError(f"the template {source.location} has no version {ref}",
                                fixes=[Fix.KNOWN_REF], facts={"versions": versions or "none"})  # fmt: skip
        files = tuple(git(repo, "ls-tree", "-r", "--name-only", ref).splitlines())
        name = next((n for n in CONFIG_NAMES if n in files), None)
        if name is None:
            raise TemplateError(f"{source.location} has no copier.yml at {ref}: it is not a copier template",
                                fixes=[Fix.TEMPLATE_SOURCE])  # fmt: skip
        return _info(source, git(repo, "show", f"{ref}:{name}"), ref, tags, files)


def _newest(tags: tuple[str, ...]) -> str | None:
    releases = [(key, tag) for tag in tags if (key := release_key(tag)) is not None and not key.is_prerelease]
    return max(releases)[1] if releases else None


def _info(
    source: TemplateSource, text: str, ref: str | None, tags: tuple[str, ...], files: tuple[str, ...]
) -> TemplateInfo:
    config = _load_config(text, source.location)
    unsafe: list[str] = []
    for key, label in (
        ("_tasks", "task"),
        ("_migrations", "migration"),
        ("_jinja_extensions", "Jinja extension"),
    ):
        entries = config.get(key) or []
        for entry in entries if isinstance(entries, list) else [entries]:
            shown = entry.get("command", entry) if isinstance(entry, Mapping) else entry
            unsafe.append(f"{label}: {shown if isinstance(shown, str) else ' '.join(map(str, shown))}")
    return TemplateInfo(source, config, ref, tags, files, tuple(unsafe))


def _load_config(text: str, where: str) -> dict[str, Any]:
    import yaml

    class Loader(yaml.SafeLoader):
        """copier's own tags (!include) are kept as text: only the keys matter here."""

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    try:
        documents = [d for d in yaml.load_all(text, Loader=Loader) if d]
    except yaml.YAMLError as exc:
        raise TemplateError(f"{where}: copier.yml is not valid YAML: {str(exc).splitlines()[0]}") from None
    config: dict[str, Any] = {}
    for document in documents:
        if not isinstance(document, Mapping):
            raise TemplateError(f"{where}: copier.yml is not a mapping of settings and questions")
        config.update(document)
    return config


@contextmanager
def _bare_clone(source: TemplateSource, ctx: Context) -> Iterator[tuple[Any, Path]]:
    git_exe = shutil.which("git", path=ctx.env.get("PATH"))
    if git_exe is None:
        raise TemplateError("git is not installed; a template from git needs it", fixes=[Fix.INSTALL_GIT])

    def git(repo: Path, *args: str, check: bool = True) -> str:
        env = {**ctx.env, "GIT_TERMINAL_PROMPT": "0"}  # a private repository fails, never prompts
        done = subprocess.run([git_exe, *args], cwd=repo, capture_output=True, text=True, check=False,
                              env=env, stdin=subprocess.DEVNULL)  # fmt: skip
        if check and done.returncode != 0:
            raise TemplateError(
                f"reading the template {source.location} failed: {last_complaint(done.stderr)}",
                fixes=[Fix.TEMPLATE_SOURCE],
            )
        return done.stdout if done.returncode == 0 else ""

    url = (
        str(source.folder)
        if source.folder
        else git_url(source.rewrite[0][0] if source.rewrite else source.location)
    )
    with tempfile.TemporaryDirectory(prefix="pickenv-template-") as scratch:
        repo = Path(scratch) / "template.git"
        git(Path(scratch), "clone", "-q", "--bare", "--filter=blob:none", url, str(repo))
        yield git, repo


def git_url(location: str) -> str:
    """What git itself takes: copier's shortcuts expanded, its git+ marker dropped."""
    return re.sub(r"^(gh|gl):/?", lambda m: _ALIASES[m[1]], location).removeprefix("git+")
