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
    init = run("-c", "init.defaultBranch=main", "init", "-q")
    if init.returncode != 0:
        shutil.rmtree(destination / ".git", ignore_errors=True)  # ours, and half made
        return f"not initialised: {_reason(init)}"
    added = run("add", "-A")
    if added.returncode != 0:
        return f"initialised, nothing committed: {_reason(added)}"
    if not run("config", "user.email").stdout.strip():
        return "initialised, not committed: set git's user.name and user.email, then `git commit`"
    commit = run("commit", "-q", "--no-verify", "-m", f"Initial commit from pickenv {__version__}")
    if commit.returncode != 0:
        return f"initialised, not committed: {_reason(commit)}"
    return "initialised with a first commit"


def _reason(result: subprocess.CompletedProcess[str]) -> str:
    return last_complaint(result.stderr or result.stdout).removeprefix("error: ")


def last_complaint(output: str) -> str:
    """git's own last line of complaint, without its "fatal:" prefix: what every
    pickenv error about a failed git command quotes."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1].removeprefix("fatal: ") if lines else "git failed"
