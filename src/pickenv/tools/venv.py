"""venv: the standard library's tool (Python 3.3+)."""

from __future__ import annotations

from dataclasses import dataclass

from pickenv.tools.base import EnvTool, Plan, Step, ToolContext, install_and_test_steps, venv_python


@dataclass
class VenvTool(EnvTool):
    def __post_init__(self) -> None:
        self.name = "venv"

    def plan(self, ctx: ToolContext) -> Plan:
        python = ctx.python or f"python{ctx.python_version}"
        steps = (Step("Creating .venv with venv", (python, "-m", "venv", ".venv")),)
        return Plan(
            steps + install_and_test_steps(venv_python(".venv")),
            available=ctx.python is not None,
            missing="" if ctx.python else f"Python {ctx.python_version} was not found (pass --python)",
        )

    def manual(self, plan: Plan, ctx: ToolContext) -> tuple[str, ...]:
        # Show the interpreter as people type it, not pickenv's own path to it.
        return (
            f"python{ctx.python_version} -m venv .venv",
            *(s.display() for s in plan.steps[1:]),
        )
