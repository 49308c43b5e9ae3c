"""The suite runs with HOME and the XDG folders in a temporary folder (conftest's
``isolated_home``); pickenv's own writes land there, never in the developer's home, and
so do those of the tools it runs: each is asked where it writes under the suite's
environment (a check nothing else on the machine can upset, unlike comparing the real
home's mtimes, which failed runs whenever anything else wrote there)."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import GIT_EMAIL, GIT_NAME, REAL_HOME, Result
from pickenv.context import Context

BIN = Path(sys.executable).parent
_VIRTUALENV = "from virtualenv.run import session_via_cli as s; print(s(['x']).seeder.app_data.lock.path)"
# Where each tool pickenv runs keeps its files, as the tool itself says (git: its global config).
WHERE: dict[str, list[str]] = {
    "pip": [sys.executable, "-m", "pip", "cache", "dir"],
    "pipenv": [
        sys.executable,
        "-c",
        "from pipenv.environments import Setting; print(Setting().PIPENV_CACHE_DIR)",
    ],
    "uv": [str(BIN / "uv"), "cache", "dir"],
    "virtualenv": [sys.executable, "-c", _VIRTUALENV],
    "pipx": [str(BIN / "pipx"), "environment", "--value", "PIPX_HOME"],
    "git": ["git", "config", "--global", "--show-origin", "user.name"],  # file:PATH<tab>NAME
}


def test_home_and_xdg_folders_point_into_the_session_folder(isolated_home: Path) -> None:
    assert Path(os.environ["HOME"]) == isolated_home != REAL_HOME
    ctx = Context.from_environment(os.environ)
    assert ctx.home == isolated_home
    assert isolated_home in ctx.config_dir.parents and isolated_home in ctx.cache_dir.parents


def _files(folder: Path) -> dict[str, float]:
    return {str(p): p.stat().st_mtime for p in folder.rglob("*")} if folder.is_dir() else {}


def test_a_real_run_writes_its_cache_under_the_session_home(isolated_home: Path) -> None:
    real_cache = _files(REAL_HOME / ".cache" / "pickenv")
    subprocess.run(
        [sys.executable, "-m", "pickenv", "recommend", "--defaults"], check=True, capture_output=True
    )
    assert list((isolated_home / ".cache" / "pickenv" / "rules").glob("*.marshal"))
    assert _files(REAL_HOME / ".cache" / "pickenv") == real_cache


@pytest.mark.parametrize("tool", list(WHERE))
def test_the_tools_pickenv_runs_write_under_the_run_folders(
    tool: str, isolated_home: Path, shared_cache_env: dict[str, str]
) -> None:
    if shutil.which(WHERE[tool][0]) is None:
        pytest.skip(f"{WHERE[tool][0]} is not installed")
    said = subprocess.run(WHERE[tool], capture_output=True, text=True, check=True).stdout
    where = Path(said.strip().split("\t")[0].removeprefix("file:"))
    ours = [isolated_home, *(Path(folder) for folder in shared_cache_env.values())]
    assert any(where == folder or folder in where.parents for folder in ours), (tool, where)
    assert REAL_HOME not in where.parents or REAL_HOME in isolated_home.parents, (tool, where)


def test_every_environment_the_suite_gives_has_the_one_home_and_its_git_identity(
    isolated_home: Path,
    isolated_env: dict[str, str],
    subprocess_env: dict[str, str],
    run_cli: Callable[..., Result],
) -> None:
    assert Path(isolated_env["HOME"]) == Path(subprocess_env["HOME"]) == isolated_home
    for env in (dict(os.environ), subprocess_env):
        name = subprocess.run(
            ["git", "config", "user.name"], env=env, capture_output=True, text=True, check=True
        )
        email = subprocess.run(
            ["git", "config", "user.email"], env=env, capture_output=True, text=True, check=True
        )
        assert (name.stdout.strip(), email.stdout.strip()) == (GIT_NAME, GIT_EMAIL)


def test_no_test_module_imports_another() -> None:
    """What test modules share lives in helpers.py: a test module imported by another runs
    its module-level code twice and ties the two together."""
    tests = Path(__file__).parent
    found = []
    for path in sorted(tests.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            found += [f"{path.name}:{node.lineno} imports {n}" for n in names if n.startswith("test_")]
    assert found == []
