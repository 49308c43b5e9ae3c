"""venv: the standard library's environments (Python 3.3+, PEP 405)."""

from __future__ import annotations

from pickenv.errors import Fix
from pickenv.tools import ci
from pickenv.tools.base import EnvTool, Evidence, ToolContext
from pickenv.tools.steps import Plan, Step, pip_install_and_test, venv_python
from pickenv.versions import PythonVersion

# Shared by the tools whose projects are a requirements file and pip (venv, virtualenv).
REQUIREMENTS_EVIDENCE = (
    Evidence("requirements.txt", "strong", note="pip requirements: a venv or virtualenv project"),
    Evidence("requirements-dev.txt", "strong", note="pip requirements: a venv or virtualenv project"),
)
PIP_OFFLINE = (
    "On a connected machine: `python -m pip download -d wheelhouse -r requirements.txt`. "
    "On the offline machine: `python -m pip install --no-index --find-links wheelhouse -r requirements.txt`."
)
WINDOWS_ACTIVATION = (
    "On Windows activate with `.venv\\Scripts\\activate` (PowerShell: `.venv\\Scripts\\Activate.ps1`)."
)


def pip_ci(version: PythonVersion, create: list[ci.Step]) -> dict[str, object]:
    """CI for a requirements-file project: create .venv, install, run the tests."""
    install = ci.run(
        "Install and run the tests",
        f'{ci.VENV_PYTHON}; "$PY" -m pip install -r requirements-dev.txt && "$PY" -m pytest',
    )
    return ci.job(version, [*ci.setup_python(version), *create, install])


class VenvTool(EnvTool):
    name = "venv"
    summary = "the standard library's virtual environments"
    dependency_files = ("requirements.txt", "requirements-dev.txt")
    evidence = (
        *REQUIREMENTS_EVIDENCE,
        Evidence(".venv/pyvenv.cfg", "weak", note="written by `python -m venv` (no virtualenv or uv key)"),
    )
    oldest = PythonVersion(3, 3)

    def plan(self, ctx: ToolContext) -> Plan:
        python = ctx.python or f"python{ctx.version}"
        create = Step(
            "Creating .venv with venv",
            (python, "-m", "venv", ".venv"),
            shown=f"python{ctx.version} -m venv .venv",
        )
        install, test = pip_install_and_test(venv_python(".venv"))
        if ctx.python is None:
            return Plan(
                (),
                (create, install),
                test,
                False,
                f"Python {ctx.version} was not found",
                Fix.GIVE_INTERPRETER,
            )
        return Plan((), (create, install), test)

    def notes(self, version: PythonVersion, project_name: str) -> tuple[str, ...]:
        return (
            f"venv ships with Python {version}; nothing to install.",
            f"On Windows create it with `py -{version} -m venv .venv`. {WINDOWS_ACTIVATION}",
        )

    def offline_note(self, project_name: str) -> str:
        return PIP_OFFLINE

    def ci(self, version: PythonVersion, project_name: str) -> dict[str, object]:
        return pip_ci(version, [ci.run("Create the environment", "python -m venv .venv")])
