"""virtualenv: environments for any installed interpreter, with a pinned release for
old targets (see rules.yaml for the sources of each pin)."""

from __future__ import annotations

from pickenv.platforms import WINDOWS, Platform
from pickenv.tools import ci, pip_project
from pickenv.tools.base import Evidence, ToolContext
from pickenv.tools.launcher import launcher
from pickenv.tools.pins import requirement_for
from pickenv.tools.steps import Step
from pickenv.tools.venv import PipProjectTool
from pickenv.versions import PythonVersion


class VirtualenvTool(PipProjectTool):
    name = "virtualenv"
    summary = "virtual environments for any installed Python, 2.7 included"
    evidence = (
        *pip_project.EVIDENCE,
        Evidence(
            ".venv/pyvenv.cfg", "weak", contains="virtualenv = ", note="written by virtualenv (or pipenv)"
        ),
        # Python 2.7 code that only has a setup.py: venv cannot make a 2.7 environment.
        Evidence("setup.py", "strong", contains="python_requires='>=2.7", note="a setup.py for Python 2.7"),
        Evidence("setup.py", "strong", contains='python_requires=">=2.7', note="a setup.py for Python 2.7"),
    )
    mentions = ("virtualenv",)
    reserved_names = ("virtualenv",)
    oldest = PythonVersion(2, 7)

    def install_commands(self, version: PythonVersion) -> tuple[str, ...]:
        # A pinned release runs with `pipx run --spec` (below) instead: `pipx install`
        # keeps a virtualenv the user already has and silently ignores the pin.
        requirement = requirement_for(version)
        return ("pipx install virtualenv",) if requirement == "virtualenv" else ()

    @staticmethod
    def _typed(version: PythonVersion, platform: Platform) -> str:
        """The create command as a person types it in ``platform``'s shell."""
        requirement = requirement_for(version)
        runner = (
            ("virtualenv",)
            if requirement == "virtualenv"
            else ("pipx", "run", "--spec", requirement, "virtualenv")
        )
        return platform.join((*runner, "-p", platform.interpreter_name(version), ".venv"))

    def create_step(self, ctx: ToolContext) -> tuple[tuple[Step, ...], Step]:
        python = ctx.python or f"python{ctx.version}"
        requirement = requirement_for(ctx.version)
        command: tuple[str, ...] = ("virtualenv",)
        prepare: tuple[Step, ...] = ()
        if ctx.probe:
            # A pinned release always comes from pickenv's cache: the user's own
            # virtualenv, if any, is the current one and cannot create old targets.
            command, prepare = launcher(ctx, requirement, "virtualenv", pinned=requirement != "virtualenv")
        create = Step(
            "Creating .venv with virtualenv",
            (*command, "-p", python, ".venv"),
            shown=self._typed(ctx.version, ctx.platform),
        )
        return prepare, create

    def notes(self, version: PythonVersion, project_name: str, locked: bool) -> tuple[str, ...]:
        requirement = requirement_for(version)
        if requirement == "virtualenv":
            notes = ["Install virtualenv once; pipx keeps it apart from your projects."]
        else:
            notes = [
                f"The pin matters: `{requirement}` is the newest virtualenv that still creates "
                f"working Python {version} environments (see pickenv's rules.yaml for the source). "
                "`pipx run --spec` runs that release without replacing a virtualenv you have installed."
            ]
        windows = self._typed(version, WINDOWS)
        notes.append(f"On Windows create it with `{windows}`. {pip_project.WINDOWS_ACTIVATION}")
        if locked:
            notes.append(pip_project.LOCK_NOTE)
        return tuple(notes)

    def ci(self, version: PythonVersion, project_name: str, locked: bool) -> dict[str, object]:
        requirement = requirement_for(version)
        create = ci.run(
            "Create the environment", f"python -m pip install '{requirement}' && python -m virtualenv .venv"
        )
        return pip_project.pip_ci(version, [create], locked)
