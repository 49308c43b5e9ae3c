"""conda (or mamba / micromamba): environment.yml from conda-forge, a named environment."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pickenv.errors import EnvironmentCreationError
from pickenv.tools.base import EnvTool, Plan, Progress, Step, StepResult, ToolContext

# Preferred order: the faster solvers first; all read the same environment.yml.
FRONTENDS = ("mamba", "micromamba", "conda")


@dataclass
class CondaTool(EnvTool):
    def __post_init__(self) -> None:
        self.name = "conda"
        self.writes = ()  # the environment lives in conda's own folder

    def needs_interpreter(self) -> bool:
        return False  # conda installs Python itself

    def frontend(self, ctx: ToolContext) -> str | None:
        for name in FRONTENDS:
            found = shutil.which(name, path=ctx.env.get("PATH"))
            if found:
                return found
        return None

    def plan(self, ctx: ToolContext) -> Plan:
        found = self.frontend(ctx)
        exe = found or "conda"
        name = ctx.project_name
        create = (
            (exe, "create", "-y", "-n", name, "-f", "environment.yml")
            if exe.endswith("micromamba")
            else (exe, "env", "create", "-n", name, "-f", "environment.yml")
        )
        steps = (
            Step(f"Creating the conda environment {name}", create),
            Step(
                "Running the project's tests",
                (exe, "run", "-n", name, "python", "-m", "pytest", "-q", "-p", "no:cacheprovider"),
                (("PYTHONDONTWRITEBYTECODE", "1"),),
                f"conda run -n {name} python -m pytest",
            ),
        )
        cleanup = (Step(f"Removing the conda environment {name}", (exe, "env", "remove", "-y", "-n", name)),)
        if found is None:
            return Plan(
                steps, available=False, missing="no conda, mamba or micromamba on PATH (install Miniforge)"
            )
        return Plan(steps, available=True, cleanup=cleanup)

    def create(
        self, project: Path, ctx: ToolContext, progress: Progress, plan: Plan | None = None
    ) -> list[StepResult]:
        # Refuse an existing environment of the same name: a failed or interrupted run
        # removes the environment it created, and must never remove someone else's.
        frontend = self.frontend(ctx)
        if frontend is not None and ctx.project_name in _existing_environments(frontend, ctx):
            raise EnvironmentCreationError(
                f"a conda environment named {ctx.project_name} already exists; remove it "
                f"(conda env remove -n {ctx.project_name}) or choose another project name"
            )
        return super().create(project, ctx, progress, plan)


def _existing_environments(frontend: str, ctx: ToolContext) -> set[str]:
    result = subprocess.run(
        [frontend, "env", "list", "--json"],
        capture_output=True,
        text=True,
        env=dict(ctx.env),
        stdin=subprocess.DEVNULL,
        check=False,
    )
    try:
        prefixes = json.loads(result.stdout).get("envs", [])
    except (ValueError, AttributeError):
        return set()
    return {Path(prefix).name for prefix in prefixes}
