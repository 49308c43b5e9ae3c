"""Fixtures: the home every test runs in, the real built-in rules, the real CLI (in-process
and as a subprocess). What test modules share besides fixtures is in helpers.py.

Nothing here fakes a pickenv component. For the whole session HOME, XDG_CONFIG_HOME and
XDG_CACHE_HOME point into a temporary home with a git identity (as in copier's and
virtualenv's suites). HOME means that folder everywhere: in os.environ, so in every
subprocess a test starts, and in ``run_cli``'s and ``run_subprocess``'s environment, whose
config and cache folders are the test's own. pip, pipenv, uv and virtualenv keep one cache
for the whole run, shared by the xdist workers (``helpers.shared_caches``).

Each test is guarded, as virtualenv's are: it leaves os.environ and the working folder as
it found them, or it fails (a test that moved HOME and did not put it back would send the
next tests' writes into a home of its choosing). test_hygiene.py asks pickenv and the
tools it runs where they write under this environment: never in the developer's home.
(A session-wide comparison of the real home's mtimes failed runs in which every test
passed whenever anything else on the machine wrote there.)

``run_cli`` calls ``pickenv.cli.main`` with in-memory streams and a per-test environment;
``run_subprocess`` runs ``python -m pickenv`` the same way.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from helpers import (  # the names test modules once imported from here; new ones import helpers
    BUILTIN_RULES,
    INTERPRETER,
    LOCATED,
    POSIX_ONLY,
    REAL_HOME,
    RULE_TAIL,
    TEAM_EXCLUDE_ALL_ON_HPC,
    TEAM_NO_VENV_ON_HEROKU,
    OracleDecision,
    Result,
    TTYOutput,
    answers_with,
    check_envelope,
    make_home,
    oracle,
    oracle_decide,
    rules_problems,
    run_folder,
    shared_caches,
)
from pickenv.cli import main
from pickenv.rules.loader import RulesSource, load_rules
from pickenv.rules.model import RuleSet

__all__ = [
    "BUILTIN_RULES",
    "INTERPRETER",
    "LOCATED",
    "REAL_HOME",
    "RULE_TAIL",
    "TEAM_EXCLUDE_ALL_ON_HPC",
    "TEAM_NO_VENV_ON_HEROKU",
    "OracleDecision",
    "Result",
    "TTYOutput",
    "answers_with",
    "oracle",
    "oracle_decide",
    "rules_problems",
]

# The pyenv interpreters stay reachable with HOME elsewhere (its shims read PYENV_ROOT).
PYENV_ROOT = os.environ.get("PYENV_ROOT") or str(REAL_HOME / ".pyenv")
# Variables that would make a run depend on the developer's shell.
_LEAKY_FOR_SESSION = (
    "PICKENV_RULES",
    "NO_COLOR",
    "FORCE_COLOR",
    "VIRTUAL_ENV",
    "PIPENV_ACTIVE",
    "CONDA_PREFIX",
)
_LEAKY = (
    "PICKENV_RULES",
    "NO_COLOR",
    "FORCE_COLOR",
    "XDG_CONFIG_HOME",
    "XDG_CACHE_HOME",
    "APPDATA",
    "LOCALAPPDATA",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if sys.platform == "win32":
        skip = pytest.mark.skip(reason=f"{POSIX_ONLY}; this is Windows")
        for item in items:
            if item.get_closest_marker("posix"):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def shared_cache_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The cache variables of the run (one folder for every xdist worker)."""
    return shared_caches(run_folder(tmp_path_factory) / "caches")


@pytest.fixture(scope="session", autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, shared_cache_env: dict[str, str]
) -> Iterator[Path]:
    """HOME (with the git identity) and the XDG folders in a temporary folder for every
    test, in-process and in every subprocess the tests start."""
    home = make_home(tmp_path_factory.mktemp("home"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
        patch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
        patch.setenv("PYENV_ROOT", PYENV_ROOT)
        for name, value in shared_cache_env.items():
            patch.setenv(name, value)
        for name in _LEAKY_FOR_SESSION:
            patch.delenv(name, raising=False)
        yield home


@pytest.fixture(autouse=True)
def _leaves_environ_and_cwd_alone() -> Iterator[None]:
    """The guard virtualenv's suite puts on every test: after it, os.environ and the
    working folder are as they were (pytest's own PYTEST_* variables aside)."""
    environ, cwd = dict(os.environ), os.getcwd()
    yield
    now = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    was = {k: v for k, v in environ.items() if not k.startswith("PYTEST_")}
    changed = sorted(k for k in now.keys() | was.keys() if now.get(k) != was.get(k))
    if changed:
        os.environ.clear()
        os.environ.update(environ)  # the next tests run in the suite's environment again
        pytest.fail(f"the test changed os.environ and left it so: {changed} (use monkeypatch)")
    if os.getcwd() != cwd:
        os.chdir(cwd)
        pytest.fail(f"the test changed the working folder and left it so: {cwd} (use monkeypatch.chdir)")


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
def isolated_env(tmp_path: Path, isolated_home: Path, shared_cache_env: dict[str, str]) -> dict[str, str]:
    """The environment of ``run_cli`` (all of it) and ``run_subprocess`` (over os.environ):
    the session's home, and config and cache folders of the test's own."""
    config = tmp_path / "xdg-config"
    config.mkdir()
    return {
        "XDG_CONFIG_HOME": str(config),
        "XDG_CACHE_HOME": str(tmp_path / "xdg-cache"),
        "HOME": str(isolated_home),
        "TERM": "dumb",
        **shared_cache_env,
    }


class _Input(io.StringIO):
    """stdin for in-process runs; ``tty`` makes isatty() answer True (for colour checks)."""

    def __init__(self, text: str = "", tty: bool = False) -> None:
        super().__init__(text)
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


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
        check_envelope(out.getvalue())  # every JSON output of the suite meets its published schema
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
        check_envelope(proc.stdout)
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return _run
