"""A tool installed by pip into pickenv's cache, used when it is not installed.

virtualenv (pinned for old targets), pipenv and uv are each one pip package. When a
user's machine lacks them, pickenv installs the right release into a private venv
under its cache folder and runs it from there: the user's own installs stay
untouched, and the next project reuses it. The venv is built in a private folder
and published by one rename, so two pickenv runs never share a half-installed entry
(the loser discards its copy).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from pickenv.tools.base import ToolContext
from pickenv.tools.steps import Step, venv_python

_PUBLISH = """
import os, shutil, sys
private, home = sys.argv[1:]
try:
    os.rename(private, home)
except OSError:  # another run published first: use theirs
    shutil.rmtree(private, ignore_errors=True)
"""


def _slug(requirement: str) -> str:
    return requirement.replace("<", "-lt-").replace(">", "-gt-").replace("=", "").replace(",", "-")


def has_module(python: str, module: str) -> bool:
    result = subprocess.run(
        [python, "-c", f"import {module}"], capture_output=True, check=False, stdin=subprocess.DEVNULL
    )
    return result.returncode == 0


def launcher(
    ctx: ToolContext, requirement: str, module: str, *, executable: str = "", pinned: bool = False
) -> tuple[tuple[str, ...], tuple[Step, ...]]:
    """The command that runs ``module``, and the steps that install it first if needed.

    Looks for ``executable`` on PATH, then the module in pickenv's own interpreter
    (unless ``pinned``: then only the cached release of ``requirement`` will do), then
    pickenv's cache.
    """
    if not pinned:
        found = shutil.which(executable, path=ctx.env.get("PATH")) if executable else None
        if found:
            return (found,), ()
        if has_module(ctx.host_python, module):
            return (ctx.host_python, "-m", module), ()
    home = ctx.cache_dir / "tools" / _slug(requirement)
    python = venv_python(home, ctx.platform)
    command = (python, "-m", module)
    if Path(python).exists() and has_module(python, module):
        return command, ()
    private = home.with_name(f"{home.name}.{os.getpid()}")
    return command, (
        Step(
            f"Preparing {requirement} in pickenv's cache",
            (ctx.host_python, "-m", "venv", "--clear", str(private)),
        ),
        Step(
            f"Installing {requirement}",
            (venv_python(private, ctx.platform), "-m", "pip", "install", "-q", requirement),
        ),
        Step(
            f"Publishing {requirement} in pickenv's cache",
            (ctx.host_python, "-c", _PUBLISH, str(private), str(home)),
        ),
    )
