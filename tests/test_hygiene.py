"""The suite runs with HOME and the XDG folders in a temporary folder (conftest's
``isolated_home``); pickenv's own writes land there, never in the developer's home."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import REAL_HOME
from pickenv.context import Context


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
