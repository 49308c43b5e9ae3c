"""Shared fixtures: the real built-in rules, the real CLI (in-process and as a subprocess).

Nothing here fakes a pickenv component. For the whole session HOME, XDG_CONFIG_HOME and
XDG_CACHE_HOME point into a temporary folder (as in copier's and virtualenv's suites),
so no test reads the developer's config or writes to their home; the session fails if
the real home changed anyway (``pytest_sessionfinish``). ``run_cli`` calls
``pickenv.cli.main`` with in-memory streams and a per-test environment;
``run_subprocess`` runs ``python -m pickenv`` the same way. ``oracle`` is an
independent, naive re-implementation of the decision used to cross-check the engine.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from pickenv.cli import main
from pickenv.errors import EXIT_RULES, RulesError
from pickenv.questionnaire.questions import QUESTIONS, Value, default_for
from pickenv.resources import builtin_rules_path
from pickenv.rules.loader import RulesSource, load_rules
from pickenv.rules.model import Rule, RuleSet
from pickenv.versions import PythonVersion

BUILTIN_RULES = builtin_rules_path()
REAL_HOME = Path(os.path.expanduser("~")).resolve()
# The pyenv interpreters stay reachable with HOME elsewhere (its shims read PYENV_ROOT).
PYENV_ROOT = os.environ.get("PYENV_ROOT") or str(REAL_HOME / ".pyenv")


def _home_state() -> dict[str, float]:
    """What could betray a test writing to the real home: the entries of the home
    folder and of its usual cache, config and data folders, with their mtimes."""
    state: dict[str, float] = {}
    for folder in (REAL_HOME, REAL_HOME / ".cache", REAL_HOME / ".config", REAL_HOME / ".local" / "share"):
        if folder.is_dir():
            for entry in folder.iterdir():
                if entry.name not in _HOME_NOISE:
                    state[str(entry)] = entry.lstat().st_mtime
    return state


# Written by tools outside the suite's control (shell history, the editor, pip's
# own self-check) or by the pytest run itself: not a test's doing.
_HOME_NOISE = {".bash_history", ".python_history", ".viminfo", ".lesshst", ".wget-hsts"}


_HOME_KEY = pytest.StashKey[dict[str, float]]()


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_HOME_KEY] = _home_state()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    before = session.config.stash.get(_HOME_KEY, None)
    if before is None or hasattr(session.config, "workerinput"):
        return  # xdist workers: the controller compares once, after all of them
    after = _home_state()
    changed = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
    if changed:
        session.config.get_terminal_writer().line(
            f"the test run changed the real home folder: {changed}", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session", autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """HOME and the XDG folders in a temporary folder for every test, in-process and
    in every subprocess the tests start."""
    home = tmp_path_factory.mktemp("home")
    (home / ".gitconfig").write_text("[user]\n\tname = Test User\n\temail = test@example.org\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
        patch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
        patch.setenv("PYENV_ROOT", PYENV_ROOT)
        for name in _LEAKY_FOR_SESSION:
            patch.delenv(name, raising=False)
        yield home


_LEAKY_FOR_SESSION = (
    "PICKENV_RULES",
    "NO_COLOR",
    "FORCE_COLOR",
    "VIRTUAL_ENV",
    "PIPENV_ACTIVE",
    "CONDA_PREFIX",
)
# The interpreter the answers default to in these tests (explicit, not the running one).
INTERPRETER = PythonVersion(3, 11)
# Variables that would make a run depend on the developer's shell.
_LEAKY = (
    "PICKENV_RULES",
    "NO_COLOR",
    "FORCE_COLOR",
    "XDG_CONFIG_HOME",
    "XDG_CACHE_HOME",
    "APPDATA",
    "LOCALAPPDATA",
)


# Team rules files several test modules use.
TEAM_EXCLUDE_ALL_ON_HPC = """
schema_version: 1
rules:
  - id: no-clusters-here
    when: {deploy: hpc}
    exclude: [venv, virtualenv, pipenv, conda]
    because: We do not deploy to clusters.
    source: https://example.org/policy
"""
TEAM_NO_VENV_ON_HEROKU = """
schema_version: 1
rules:
  - id: no-venv-on-heroku
    when: {deploy: heroku}
    exclude: [venv, virtualenv]
    because: Our buildpack reads Pipfile.lock only.
    source: https://example.org/policy
"""

LOCATED = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?P<message>.+)$")

RULE_TAIL = """
    because: a reason
    source: https://example.org
"""


def rules_problems(load: Callable[[], object]) -> list[tuple[str, int, int, str]]:
    """Every problem of a failing load as (file, line, column, message), checking the format."""
    with pytest.raises(RulesError) as info:
        load()
    assert info.value.exit_code == EXIT_RULES
    out = []
    for problem in info.value.problems:
        match = LOCATED.match(str(problem))
        assert match, f"not file:line:column: message: {problem}"
        out.append((match["file"], int(match["line"]), int(match["column"]), match["message"]))
    return out


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


def answers_with(**overrides: Value) -> dict[str, Value]:
    """Complete answers: pickenv's defaults for a Python 3.11 interpreter, then overrides."""
    unknown = set(overrides) - {q.id for q in QUESTIONS}
    assert not unknown, f"test bug: unknown questions {unknown}"
    answers: dict[str, Value] = {}
    for question in QUESTIONS:
        if question.id in overrides:
            answers[question.id] = overrides[question.id]
        else:
            answers[question.id] = default_for(question.id, answers, INTERPRETER)
    return answers


@dataclass(frozen=True)
class OracleDecision:
    winner: str | None
    tie: bool
    scores: dict[str, int]
    excluded: frozenset[str]


def oracle(ruleset: RuleSet, answers: Mapping[str, Value]) -> OracleDecision:
    """The decision computed the slow, obvious way (no bitmasks, no caches)."""
    fired = [r for r in ruleset.rules if all(answers[c.question] in c.allowed for c in r.when)]
    return oracle_decide(ruleset.tools, fired)


def oracle_decide(tools: tuple[str, ...], fired: Iterable[Rule]) -> OracleDecision:
    """The decision for a given list of fired rules: sum the scores, drop excluded tools."""
    scores = dict.fromkeys(tools, 0)
    excluded: set[str] = set()
    for rule in fired:
        excluded.update(rule.exclude)
        for tool, points in rule.score:
            scores[tool] += points
    eligible = [t for t in tools if t not in excluded]
    if not eligible:
        return OracleDecision(None, False, scores, frozenset(excluded))
    best = max(scores[t] for t in eligible)
    top = [t for t in eligible if scores[t] == best]  # declared order: first one wins
    return OracleDecision(top[0], len(top) > 1, scores, frozenset(excluded))


@pytest.fixture(scope="session")
def builtin_rules() -> RuleSet:
    return load_rules([RulesSource.from_path(BUILTIN_RULES)])


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write dedented text to tmp_path/NAME and return the path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write


@pytest.fixture
def team(write: Callable[..., Path]) -> Callable[..., RuleSet]:
    """Layer a team rules file (written to tmp_path) over the built-in rules."""

    def _team(text: str, name: str = "team.yaml") -> RuleSet:
        path = write(name, text)
        return load_rules([RulesSource.from_path(BUILTIN_RULES), RulesSource.from_path(path)])

    return _team


@pytest.fixture
def isolated_env(tmp_path: Path) -> dict[str, str]:
    config = tmp_path / "xdg-config"
    config.mkdir()
    return {
        "XDG_CONFIG_HOME": str(config),
        "XDG_CACHE_HOME": str(tmp_path / "xdg-cache"),
        "HOME": str(tmp_path / "home"),
        "TERM": "dumb",
    }


class _Input(io.StringIO):
    """stdin for in-process runs; ``tty`` makes isatty() answer True (for colour checks)."""

    def __init__(self, text: str = "", tty: bool = False) -> None:
        super().__init__(text)
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


class TTYOutput(io.StringIO):
    """An in-memory stdout that says it is a terminal, to test --color auto and NO_COLOR."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def run_cli(isolated_env: dict[str, str]) -> Callable[..., Result]:
    def _run(*argv: str, env: Mapping[str, str] | None = None, stdout: io.StringIO | None = None) -> Result:
        out = stdout if stdout is not None else io.StringIO()
        err = io.StringIO()
        code = main(
            list(argv),
            env={**isolated_env, **(env or {})},
            stdin=_Input(),
            stdout=out,
            stderr=err,
        )
        return Result(code, out.getvalue(), err.getvalue())

    return _run


@pytest.fixture
def subprocess_env(isolated_env: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _LEAKY}
    env.update(isolated_env)
    return env


@pytest.fixture
def run_subprocess(subprocess_env: dict[str, str]) -> Callable[..., Result]:
    def _run(*argv: str, env: Mapping[str, str] | None = None, cwd: Path | None = None) -> Result:
        proc = subprocess.run(
            [sys.executable, "-m", "pickenv", *argv],
            env={**subprocess_env, **(env or {})},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=cwd,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return _run
