"""virtualenv: environments for any installed interpreter, with a pinned release for
old targets (see rules.yaml for the sources of each pin)."""

from __future__ import annotations

from pickenv.errors import Fix
from pickenv.tools import ci
from pickenv.tools.base import EnvTool, Evidence, ToolContext
from pickenv.tools.launcher import launcher
from pickenv.tools.steps import Plan, Step, pip_install_and_test, venv_python
from pickenv.tools.venv import PIP_OFFLINE, REQUIREMENTS_EVIDENCE, WINDOWS_ACTIVATION, pip_ci
from pickenv.versions import PythonVersion

# (newest target of the range, the release range that still creates it)
_PINS = (
    (PythonVersion(3, 6), "virtualenv<20.22"),  # 20.22.0 dropped creating 2.7 and 3.6
    (PythonVersion(3, 7), "virtualenv<20.27"),  # 20.27.0 dropped 3.7 from its bundled wheels
    (PythonVersion(3, 8), "virtualenv<21.5"),  # 21.5.0 creates only 3.9+
)


def requirement_for(version: PythonVersion) -> str:
    """The virtualenv release range that can create ``version`` environments."""
    for newest, requirement in _PINS:
        if version <= newest:
            return requirement
    return "virtualenv"


class VirtualenvTool(EnvTool):
    name = "virtualenv"
    summary = "virtual environments for any installed Python, 2.7 included"
    dependency_files = ("requirements.txt", "requirements-dev.txt")
    evidence = (
        *REQUIREMENTS_EVIDENCE,
        Evidence(
            ".venv/pyvenv.cfg", "weak", contains="virtualenv = ", note="written by virtualenv (or pipenv)"
        ),
    )
    reserved_names = ("virtualenv",)
    oldest = PythonVersion(2, 7)

    def install_commands(self, version: PythonVersion) -> tuple[str, ...]:
        return (f"pipx install '{requirement_for(version)}'",)

    def plan(self, ctx: ToolContext) -> Plan:
        python = ctx.python or f"python{ctx.version}"
        requirement = requirement_for(ctx.version)
        command: tuple[str, ...] = ("virtualenv",)
        prepare: tuple[Step, ...] = ()
        if ctx.probe:
            # A pinned release always comes from pickenv's cache: the user's own
            # virtualenv, if any, is the current one and cannot create old targets.
            pinned = requirement != "virtualenv"
            command, prepare = launcher(ctx, requirement, "virtualenv", pinned=pinned)
        create = Step(
            "Creating .venv with virtualenv",
            (*command, "-p", python, ".venv"),
            shown=f"virtualenv -p python{ctx.version} .venv",
        )
        install, test = pip_install_and_test(venv_python(".venv"))
        if ctx.python is None:
            return Plan(
                prepare,
                (create, install),
                test,
                False,
                f"Python {ctx.version} was not found",
                Fix.GIVE_INTERPRETER,
            )
        return Plan(prepare, (create, install), test)

    def notes(self, version: PythonVersion, project_name: str) -> tuple[str, ...]:
        requirement = requirement_for(version)
        notes = ["Install virtualenv once; pipx keeps it apart from your projects."]
        if requirement != "virtualenv":
            notes.append(
                f"The pin matters: `{requirement}` is the newest virtualenv that still creates "
                f"working Python {version} environments (see pickenv's rules.yaml for the source)."
            )
        notes.append(f"On Windows create it with `virtualenv -p {version} .venv`. {WINDOWS_ACTIVATION}")
        return tuple(notes)

    def offline_note(self, project_name: str) -> str:
        return PIP_OFFLINE

    def ci(self, version: PythonVersion, project_name: str) -> dict[str, object]:
        requirement = requirement_for(version)
        return pip_ci(
            version,
            [
                ci.run(
                    "Create the environment",
                    f"python -m pip install '{requirement}' && python -m virtualenv .venv",
                )
            ],
        )
