"""conda (or mamba / micromamba): environment.yml from conda-forge, a named environment."""

from __future__ import annotations

import shutil
from dataclasses import dataclass

from pickenv.tools.base import EnvTool, Plan, Step, ToolContext

# Preferred order: the faster solvers first; all read the same environment.yml.
FRONTENDS = ("mamba", "micromamba", "conda")


@dataclass
class CondaTool(EnvTool):
    def __post_init__(self) -> None:
        self.name = "conda"

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
