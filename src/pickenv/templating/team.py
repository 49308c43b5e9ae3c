"""A team file: one YAML file per team that bundles its template (source and pinned
version), its rules layers, the answers it fixes and the defaults it prefers, values
for its template's own questions, and which template sources it trusts to run tasks.

    schema_version: 1
    name: acme
    template: {source: gh:acme/python-template, ref: v2.0.0}
    rules: [acme-rules.yaml]
    answers: {deploy: docker}        # never asked
    defaults: {team_size: small}     # asked (or taken by --defaults) with this default
    data: {ci_provider: github}      # the template's own questions
    questions: {project_name: project_slug}  # pickenv's answer -> the template's question
    projects: [../billing, gh:acme/shop]     # the fleet `pickenv update --check` checks
    trust: [gh:acme/]                # copier-style: a prefix ends with /

It is chosen by ``--team`` (a path, or a git URL whose repository holds
``pickenv-team.yaml`` at its root), else ``PICKENV_TEAM``, else the user config's
``team:``. Relative paths in it are relative to the file, and stay inside the team's
own repository (or its folder, outside git): a team file handed around cannot make
pickenv read ``../../.ssh/id_rsa``. A team file read from git names nothing on this
computer: its rules are files of that repository, read from git's objects (never
through a symlink), and its template is a URL. It is read like every YAML input
(``pickenv.inputs``, ``pickenv.yamlio``): bounded, without aliases, and its errors
are one line that never shows more than an excerpt of a value, nor a credential.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pickenv.context import Context, expand_user
from pickenv.errors import Fix, UsageError
from pickenv.inputs import CONFIG_LIMIT, RULES_LIMIT, InputError, read_text
from pickenv.questionnaire.questions import Value, get_question

TEAM_FILE_NAME = "pickenv-team.yaml"
_KEYS = (
    "schema_version",
    "name",
    "template",
    "rules",
    "answers",
    "defaults",
    "data",
    "questions",
    "trust",
    "projects",
)


@dataclass(frozen=True)
class TeamFile:
    path: str  # as given (a path or a URL, its credentials masked)
    name: str
    template: str | None = None  # a template source: local paths absolute, URLs without credentials
    ref: str | None = None
    rules: tuple[Path, ...] = ()
    answers: Mapping[str, Value] = field(default_factory=dict)
    defaults: Mapping[str, Value] = field(default_factory=dict)
    data: Mapping[str, str] = field(default_factory=dict)
    trust: tuple[str, ...] = ()
    # pickenv's answer -> the question of the team's template it fills (``templating.offer``)
    questions: Mapping[str, str] = field(default_factory=dict)
    # The team's projects (folders, relative ones to the file; git URLs): the fleet check's.
    projects: tuple[str, ...] = ()


# The template and git machinery (pickenv.templating.source, hashlib, subprocess, tempfile)
# is imported inside the functions below, not at the top: a team file is read on few runs.
# Whether one is in force at all is the user config's to say (``config.chosen_team``), so
# that a run without a team does not import this module.


def load_team(given: str, ctx: Context) -> TeamFile:
    from pickenv.templating.source import is_remote

    if is_remote(given):
        return _from_git(given, ctx)
    path = expand_user(given, ctx.home)
    path = path if path.is_absolute() else ctx.cwd / path
    if path.is_dir():
        path = path / TEAM_FILE_NAME
    try:
        text = read_text(path, CONFIG_LIMIT)
    except InputError as exc:
        raise _fail(given, f"{path} {exc}") from None
    base = path.parent
    try:
        root = _enclosing_repository(base.resolve())
    except (OSError, RuntimeError):
        raise _fail(given, f"{base} is a symlink loop") from None

    def inside(value: str, key: str) -> Path:
        """A path written in the local team file: absolute (or ``~/``) as written, else
        relative to the file and inside its repository or folder."""
        written = expand_user(value, ctx.home)
        if written.is_absolute():
            return written
        try:
            try:
                target = (base / written).resolve(strict=True)
            except FileNotFoundError:  # said by whoever reads it
                target = (base / written).resolve()
        except (OSError, RuntimeError):  # a loop (Python 3.13 resolves one without strict)
            raise _fail(given, f"`{key}` {_short(value)} is a symlink loop") from None
        if not target.is_relative_to(root):
            where = "repository" if (root / ".git").exists() else "folder"
            raise _fail(given, f"`{key}` {_short(value)} leads outside the team's {where} {root}")
        return target

    def project(value: str) -> str:
        """A project of the fleet: a URL as it is, a folder relative to the file (anywhere)."""
        from pickenv.templating.source import is_remote

        if is_remote(value):
            return value
        written = expand_user(value, ctx.home)
        return str(written if written.is_absolute() else (base / written).resolve())

    return _parse(text, given, path.stem, rules=lambda v: inside(v, "rules"),
                  template=lambda v: str(inside(v, "template")), project=project)  # fmt: skip


def _enclosing_repository(folder: Path) -> Path:
    """The work tree ``folder`` is in (the nearest folder with ``.git``), else ``folder``."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder


def _fail(where: str, message: str) -> UsageError:
    from pickenv.formats.files import mask

    return UsageError(f"the team file {mask(where)}: {mask(message)}", fixes=[Fix.TEAM_FILE])


def _short(value: object) -> str:
    from pickenv.yamlio import excerpt

    return excerpt(value)


def _parse(
    text: str,
    given: str,
    stem: str,
    *,
    rules: Callable[[str], Path],
    template: Callable[[str], str],
    project: Callable[[str], str] = lambda value: value,
) -> TeamFile:
    from pickenv.formats.files import mask
    from pickenv.yamlio import load_located, plain

    root, problems = load_located(text, "")
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise _fail(given, f"line {first.line}, column {first.column}: {first.message}{more}")
    if root is None or not isinstance(root.value, dict):
        raise _fail(given, "must be a mapping (schema_version, name, template, rules, answers, ...)")
    data: dict[str, Any] = {key: plain(node) for key, node in root.value.items()}
    unknown = [k for k in data if k not in _KEYS]
    if unknown:
        raise _fail(given, f"unknown key {_short(unknown[0])}; allowed: {', '.join(_KEYS)}")
    if data.get("schema_version") != 1 or isinstance(data.get("schema_version"), bool):
        raise _fail(given, "schema_version must be 1")
    source, ref = _template(root.value.get("template"), given, template)
    return TeamFile(
        path=mask(given),
        name=str(data.get("name") or stem),
        template=source,
        ref=ref,
        rules=tuple(rules(r) for r in _strings(data.get("rules"), "rules", given)),
        answers=_answers(data.get("answers"), "answers", given),
        defaults=_answers(data.get("defaults"), "defaults", given),
        data={str(k): str(v) for k, v in _mapping(data.get("data"), "data", given).items()},
        trust=tuple(_strings(data.get("trust"), "trust", given)),
        questions=_questions(data.get("questions"), given),
        projects=tuple(project(v) for v in _strings(data.get("projects"), "projects", given)),
    )


def _questions(value: Any, given: str) -> dict[str, str]:
    from pickenv.templating.offer import pickenv_names, suggestion

    out: dict[str, str] = {}
    known = pickenv_names()
    for ours, theirs in _mapping(value, "questions", given).items():
        if str(ours) not in known:
            raise _fail(
                given, f"`questions`: pickenv has no answer {_short(ours)}{suggestion(str(ours), known)}"
            )
        if not isinstance(theirs, str) or not theirs.strip() or theirs.startswith("_"):
            raise _fail(given, f"`questions`: {ours} must name a question of the template")
        out[str(ours)] = theirs.strip()
    return out


def _template(node: Any, given: str, local: Callable[[str], str]) -> tuple[str | None, str | None]:
    if node is None or node.value is None:
        return None, None
    fields = node.value if isinstance(node.value, dict) else {"source": node}
    source = fields.get("source")
    if source is None or not isinstance(source.value, str) or not source.value.strip():
        raise _fail(given, "`template` must be a source, or a mapping with `source` and `ref`")
    written = fields.get("ref")
    if written is not None and isinstance(written.value, list | dict | bool):
        raise _fail(given, "`template`'s `ref` must be a tag or a commit")
    ref = None if written is None or written.value is None else written.text or str(written.value)
    from pickenv.templating.source import is_remote, public_url

    value = source.value.strip()
    return (public_url(value) if is_remote(value) else local(value)), ref


def _strings(value: Any, key: str, given: str) -> list[str]:
    items = [] if value is None else value if isinstance(value, list) else [value]
    if not all(isinstance(i, str) and i.strip() for i in items):
        raise _fail(given, f"`{key}` must be a list of text")
    return [i.strip() for i in items]


def _mapping(value: Any, key: str, given: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(given, f"`{key}` must be a mapping of QUESTION: VALUE")
    return value


def _answers(value: Any, key: str, given: str) -> dict[str, Value]:
    from pickenv.formats.files import mask
    from pickenv.questionnaire.answers import coerce_bounded

    out: dict[str, Value] = {}
    for name, raw in _mapping(value, key, given).items():
        try:
            question = get_question(str(name))
            out[str(name)] = coerce_bounded(question, raw, origin=f"team file {mask(given)} ({key})")
        except Exception as exc:  # AnswerError: re-worded as the team file's problem
            raise _fail(given, f"`{key}`: {getattr(exc, 'message', _short(str(exc)))}") from None
    return out


# ---- a team file from git -----------------------------------------------------------


def _from_git(url: str, ctx: Context) -> TeamFile:
    import atexit
    import shutil
    import tempfile

    from pickenv.repo.git import Git, last_complaint
    from pickenv.templating.source import git_tree, git_url, unreadable_entry

    # Never prompting for a password: it would wait forever.
    git = Git.needed(ctx.env, "a team file from git needs it", error=UsageError, GIT_TERMINAL_PROMPT="0")

    def run(*args: str, cwd: Path) -> bytes:
        done = git.run(*args, cwd=cwd, check=False)
        if not done.ok:
            raise _fail(url, f"cannot be read: {last_complaint(done.stderr.decode('utf-8', 'replace'))}")
        return done.stdout

    with tempfile.TemporaryDirectory(prefix="pickenv-team-") as scratch:
        repo = Path(scratch) / "team.git"
        # Bare: nothing is checked out, so no symlink of the repository ever points
        # into this computer; files are read from git's objects by their tree entry.
        run("clone", "-q", "--bare", "--depth", "1", "--filter=blob:none", "--", git_url(url), str(repo),
            cwd=Path(scratch))  # fmt: skip
        tree = git_tree(run("ls-tree", "-r", "-l", "-z", "HEAD", cwd=repo).decode("utf-8", "replace"))

        def read(path: str, limit: int, what: str) -> bytes:
            if path not in tree:
                raise _fail(url, f"{what} {_short(path)} is not in the repository")
            mode, sha, size = tree[path]
            why = unreadable_entry(mode, size, limit)
            if why is not None:
                raise _fail(url, f"{what} {_short(path)} {why}")
            return run("cat-file", "blob", sha, cwd=repo)

        keep = Path(tempfile.mkdtemp(prefix="pickenv-team-rules-"))
        atexit.register(shutil.rmtree, keep, True)  # the rules outlive the clone, not this process

        def rules(value: str) -> Path:
            path = _in_repository(value, url)
            target = keep / f"{len(list(keep.iterdir()))}-{posixpath.basename(path)}"
            target.write_bytes(read(path, RULES_LIMIT, "the rules file"))
            return target

        def template(value: str) -> str:
            raise _fail(url, f"template {_short(value)} must be a git URL in a team file read from git")

        def project(value: str) -> str:
            from pickenv.templating.source import is_remote

            if not is_remote(value):
                raise _fail(url, f"project {_short(value)} must be a git URL in a team file read from git")
            return value

        try:
            text = read(TEAM_FILE_NAME, CONFIG_LIMIT, "the team file").decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _fail(url, f"{TEAM_FILE_NAME} is not UTF-8 text") from None
        return _parse(text, url, "pickenv-team", rules=rules, template=template, project=project)


def _in_repository(value: str, url: str) -> str:
    """A rules path of a team file from git, as a path inside its repository: an
    absolute path, ``~`` or a ``..`` out of it would name a file on this computer."""
    normal = posixpath.normpath(value.replace("\\", "/"))
    if value.startswith(("/", "~", "\\")) or (len(value) > 1 and value[1] == ":") or normal.startswith(".."):
        raise _fail(
            url,
            f"`rules` {_short(value)} is not a path inside the team's repository "
            "(a team file from git names nothing on this computer)",
        )
    return normal
