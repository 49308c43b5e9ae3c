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
    trust: [gh:acme/]                # copier-style: a prefix ends with /

It is chosen by ``--team`` (a path, or a git URL whose repository holds
``pickenv-team.yaml`` at its root), else ``PICKENV_TEAM``, else the user config's
``team:``. Relative paths in it are relative to the file.
"""

from __future__ import annotations

import atexit
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pickenv.context import Context, expand_user
from pickenv.errors import Fix, UsageError
from pickenv.inputs import CONFIG_LIMIT, InputError, read_text
from pickenv.project.git import last_complaint
from pickenv.project.source import git_url, is_remote
from pickenv.questionnaire.questions import Value, coerce, get_question

TEAM_ENV = "PICKENV_TEAM"
TEAM_FILE_NAME = "pickenv-team.yaml"
_KEYS = ("schema_version", "name", "template", "rules", "answers", "defaults", "data", "trust")


@dataclass(frozen=True)
class TeamFile:
    path: str  # as given (a path or a URL)
    name: str
    template: str | None = None  # a template source; local paths made absolute
    ref: str | None = None
    rules: tuple[Path, ...] = ()
    answers: Mapping[str, Value] = field(default_factory=dict)
    defaults: Mapping[str, Value] = field(default_factory=dict)
    data: Mapping[str, str] = field(default_factory=dict)
    trust: tuple[str, ...] = ()


def chosen_team(flag: str | None, ctx: Context) -> str | None:
    """The team file in force: --team, then PICKENV_TEAM, then the user config."""
    if flag:
        return flag
    if ctx.env.get(TEAM_ENV):
        return ctx.env[TEAM_ENV]
    from pickenv.config import read_user_config

    config = read_user_config(ctx.config_dir, ctx.home)
    return config.team if config else None


def load_team(given: str, ctx: Context) -> TeamFile:
    if is_remote(given):
        with _cloned(given, ctx) as folder:
            # Rules are read now, while the clone exists; a template must be a URL.
            return _parse(folder / TEAM_FILE_NAME, given, ctx, remote=True)
    path = expand_user(given, ctx.home)
    path = path if path.is_absolute() else ctx.cwd / path
    if path.is_dir():
        path = path / TEAM_FILE_NAME
    return _parse(path, given, ctx, remote=False)


def _fail(where: str, message: str) -> UsageError:
    return UsageError(f"the team file {where}: {message}", fixes=[Fix.TEAM_FILE])


def _parse(path: Path, given: str, ctx: Context, *, remote: bool) -> TeamFile:
    import yaml

    try:
        data = yaml.safe_load(read_text(path, CONFIG_LIMIT))
    except InputError as exc:
        raise _fail(given, f"{path} {exc}") from None
    except yaml.YAMLError as exc:
        raise _fail(given, f"is not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise _fail(given, "must be a mapping (schema_version, name, template, rules, answers, ...)")
    unknown = [k for k in data if k not in _KEYS]
    if unknown:
        raise _fail(given, f"unknown key {unknown[0]!r}; allowed: {', '.join(_KEYS)}")
    if data.get("schema_version") != 1:
        raise _fail(given, "schema_version must be 1")
    base = path.parent
    template, ref = _template(data.get("template"), given, base, remote, ctx)
    rules = tuple(_local(str(r), base, ctx) for r in _strings(data.get("rules"), "rules", given))
    return TeamFile(
        path=given,
        name=str(data.get("name") or path.stem),
        template=template,
        ref=ref,
        rules=_copied(rules) if remote else rules,
        answers=_answers(data.get("answers"), "answers", given),
        defaults=_answers(data.get("defaults"), "defaults", given),
        data={str(k): str(v) for k, v in _mapping(data.get("data"), "data", given).items()},
        trust=tuple(_strings(data.get("trust"), "trust", given)),
    )


def _template(
    value: Any, given: str, base: Path, remote: bool, ctx: Context
) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    if isinstance(value, str):
        value = {"source": value}
    if not isinstance(value, dict) or not isinstance(value.get("source"), str):
        raise _fail(given, "`template` must be a source, or a mapping with `source` and `ref`")
    source, ref = value["source"], value.get("ref")
    if not is_remote(source):
        if remote:
            raise _fail(given, f"template {source!r} must be a git URL in a team file read from git")
        source = str(_local(source, base, ctx))
    return source, str(ref) if ref is not None else None


def _local(value: str, base: Path, ctx: Context) -> Path:
    path = expand_user(value, ctx.home)
    return path if path.is_absolute() else (base / path).resolve()


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
    out: dict[str, Value] = {}
    for name, raw in _mapping(value, key, given).items():
        try:
            out[str(name)] = coerce(get_question(str(name)), raw, origin=f"team file {given} ({key})")
        except Exception as exc:  # AnswerError: re-worded as the team file's problem
            raise _fail(given, f"`{key}`: {getattr(exc, 'message', exc)}") from None
    return out


def _copied(rules: tuple[Path, ...]) -> tuple[Path, ...]:
    """Rules of a cloned team repository outlive the clone: kept in a temporary folder
    that lasts as long as this process."""
    keep = Path(tempfile.mkdtemp(prefix="pickenv-team-rules-"))
    atexit.register(shutil.rmtree, keep, True)
    copies = []
    for index, rule in enumerate(rules):
        target = keep / f"{index}-{rule.name}"
        shutil.copyfile(rule, target)
        copies.append(target)
    return tuple(copies)


@contextmanager
def _cloned(url: str, ctx: Context) -> Iterator[Path]:
    git = shutil.which("git", path=ctx.env.get("PATH"))
    if git is None:
        raise UsageError("git is not installed; a team file from git needs it", fixes=[Fix.INSTALL_GIT])
    with tempfile.TemporaryDirectory(prefix="pickenv-team-") as scratch:
        done = subprocess.run(
            [git, "clone", "-q", "--depth", "1", git_url(url), scratch],
            capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL,
            env={**ctx.env, "GIT_TERMINAL_PROMPT": "0"},
        )  # fmt: skip
        if done.returncode != 0:
            raise _fail(url, f"cannot be read: {last_complaint(done.stderr)}")
        yield Path(scratch)
