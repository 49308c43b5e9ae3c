"""virtualenv: creates environments for any installed interpreter, with a pinned
release for old targets (20.21.1 is the last that creates 2.7 and 3.6 environments,
21.4.x the last for 3.7 and 3.8; see rules.yaml)."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pickenv.tools.base import EnvTool, Plan, Step, ToolContext, install_and_test_steps, venv_python
from pickenv.versions import parse_version


def requirement_for(python_version: str) -> str:
    """The virtualenv release range that can create ``python_version`` environments."""
    version = parse_version(python_version)
    if version <= (3, 6):
        return "virtualenv<20.22"
    if version <= (3, 8):
        return "virtualenv<21.5"
    return "virtualenv"


_PUBLISH = """
import os, shutil, sys
private, home = sys.argv[1:]
try:
    os.rename(private, home)
except OSError:  # another run published first: use theirs
    shutil.rmtree(private, ignore_errors=True)
"""


def _slug(requirement: str) -> str:
    return requirement.replace("<", "-lt-").replace(">", "-gt-").replace("=", "")


def _has_virtualenv(python: str) -> bool:
    result = subprocess.run(
        [python, "-c", "import virtualenv"], capture_output=True, check=False, stdin=subprocess.DEVNULL
    )
    return result.returncode == 0


@dataclass
class VirtualenvTool(EnvTool):
    def __post_init__(self) -> None:
        self.name = "virtualenv"

    def launcher(self, ctx: ToolContext) -> tuple[tuple[str, ...], tuple[Step, ...]]:
        """The virtualenv command, and the steps that install a pinned one first if needed."""
        requirement = requirement_for(ctx.python_version)
        if not ctx.probe:
            return ("virtualenv",), ()
        if requirement == "virtualenv" and _has_virtualenv(ctx.host_python):
            return (ctx.host_python, "-m", "virtualenv"), ()
        # A private, cached install of the right release: the user's own virtualenv
        # (if any) stays untouched, and the next project reuses it.
        home = ctx.cache_dir / _slug(requirement)
        python = venv_python(home)
        command = (python, "-m", "virtualenv")
        if Path(python).exists() and _has_virtualenv(python):
            return command, ()
        # Built in a private folder and published by one rename, so two pickenv runs
        # never share a half-installed cache entry (the loser discards its copy).
        private = home.with_name(f"{home.name}.{os.getpid()}")
        return command, (
            Step(
                f"Preparing {requirement} in pickenv's cache",
                (ctx.host_python, "-m", "venv", "--clear", str(private)),
            ),
            Step(
                f"Installing {requirement}", (venv_python(private), "-m", "pip", "install", "-q", requirement)
            ),
            Step(
                f"Publishing {requirement} in pickenv's cache",
                (ctx.host_python, "-c", _PUBLISH, str(private), str(home)),
            ),
        )

    def plan(self, ctx: ToolContext) -> Plan:
        python = ctx.python or f"python{ctx.python_version}"
        command, prepare = self.launcher(ctx)
        create = Step("Creating .venv with virtualenv", (*command, "-p", python, ".venv"))
        return Plan(
            (*prepare, create, *install_and_test_steps(venv_python(".venv"))),
            available=ctx.python is not None,
            missing="" if ctx.python else f"Python {ctx.python_version} was not found (pass --python)",
        )

    def manual(self, plan: Plan, ctx: ToolContext) -> tuple[str, ...]:
        # pickenv's cached launcher is an implementation detail: show the public way.
        python = ctx.python or f"python{ctx.python_version}"
        return (
            f"pipx install '{requirement_for(ctx.python_version)}'",
            f"virtualenv -p {python} .venv",
            *(s.display() for s in plan.steps if s.title.startswith(("Installing the project", "Running"))),
        )
