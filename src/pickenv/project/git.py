"""Put a new project under git with a first commit."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from pickenv import __version__


def initialise(destination: Path, env: Mapping[str, str]) -> str:
    """Initialise a repository with a first commit, unless git is missing or a repo
    encloses the folder. Returns what happened, for the report."""
    git = shutil.which("git", path=env.get("PATH"))
    if git is None:
        return "skipped: git is not installed"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [git, *args],
            cwd=destination,
            env=dict(env),
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )

    # A project created inside another repository belongs to it: no nested repository.
    # (Looked up here rather than with `git rev-parse`: one process less on every run.)
    if any((folder / ".git").exists() for folder in destination.parents):
        return "skipped: the folder is already inside a git repository"
    run("-c", "init.defaultBranch=main", "init", "-q")
    run("add", "-A")
    commit = run("commit", "-q", "--no-verify", "-m", f"Initial commit from pickenv {__version__}")
    if commit.returncode != 0:
        return "initialised, not committed: set git's user.name and user.email, then `git commit`"
    return "initialised with a first commit"
