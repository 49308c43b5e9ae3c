"""pipenv: Pipfile + Pipfile.lock, environment kept in the project's .venv."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

from pickenv.tools.base import EnvTool, Plan, Step, ToolContext

# Keep the environment in the project (.venv, like the other tools), never reuse the
# virtualenv pickenv itself may be running in, and never prompt.
_PIPENV_ENV = (
    ("PIPENV_VENV_IN_PROJECT", "1"),
    ("PIPENV_IGNORE_VIRTUALENVS", "1"),
    ("PIPENV_YES", "1"),
    ("PIPENV_NOSPIN", "1"),
)


@dataclass
class PipenvTool(EnvTool):
    def __post_init__(self) -> None:
        self.name = "pipenv"
        self.writes = (".venv", "Pipfile", "Pipfile.lock")

    def command(self, ctx: ToolContext) -> tuple[str, ...] | None:
        found = shutil.which("pipenv", path=ctx.env.get("PATH"))
        if found:
            return (found,)
        if not ctx.probe:
            return None
        probe = subprocess.run(
            [ctx.host_python, "-c", "import pipenv"],
            capture_output=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        return (ctx.host_python, "-m", "pipenv") if probe.returncode == 0 else None

    def plan(self, ctx: ToolContext) -> Plan:
        command = self.command(ctx)
        python = ctx.python or f"python{ctx.python_version}"
        shown = command or ("pipenv",)
        env = _PIPENV_ENV
        steps = (
            Step(
                "Creating .venv and Pipfile.lock with pipenv",
                (*shown, "install", "--dev", "--python", python),
                env,
                f"PIPENV_VENV_IN_PROJECT=1 pipenv install --dev --python {ctx.python_version}",
            ),
            Step(
                "Running the project's tests",
                (*shown, "run", "python", "-m", "pytest", "-q", "-p", "no:cacheprovider"),
                (*env, ("PYTHONDONTWRITEBYTECODE", "1")),
                "pipenv run python -m pytest",
            ),
        )
        if command is None:
            return Plan(steps, available=False, missing="pipenv is not installed (pipx install pipenv)")
        if ctx.python is None:
            return Plan(
                steps, available=False, missing=f"Python {ctx.python_version} was not found (pass --python)"
            )
        return Plan(steps, available=True)
