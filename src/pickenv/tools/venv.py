"""venv: the standard library's environments (Python 3.3+, PEP 405)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pickenv.errors import Fix
from pickenv.platforms import WINDOWS
from pickenv.tools import ci, pip_project
from pickenv.tools.base import EnvTool, Evidence, ToolContext
from pickenv.tools.steps import Plan, Step, venv_python
from pickenv.versions import PythonVersion

if TYPE_CHECKING:
    from pickenv.formats.files import ProjectFiles
    from pickenv.formats.model import Declared, Package
    from pickenv.tools.deploy import DockerRecipe, Heroku, LambdaRequirements
    from pickenv.tools.homes import Layout


class PipProjectTool(EnvTool):
    """A tool whose projects pip installs from requirements files (venv, virtualenv)."""

    dependabot = "pip"  # requirements files and pyproject.toml
    dependency_files = pip_project.FILES

    def can_lock(self, version: PythonVersion) -> bool:
        return version >= pip_project.LOCK_OLDEST

    def files(self, locked: bool) -> tuple[str, ...]:
        return () if locked else pip_project.FILES  # pip-compile writes them

    def lock_files(self, locked: bool) -> tuple[str, ...]:
        return pip_project.LOCK_FILES if locked else ()

    def environment_files(self, files: ProjectFiles) -> tuple[str, ...]:
        from pickenv.tools.semantics import pip_files

        return pip_files(files)

    def read_environment(self, files: ProjectFiles, package: Package) -> Declared:
        from pickenv.tools.semantics import compiled_groups, installs_itself

        # pickenv's locked template compiles pyproject.toml: its groups are the extras;
        # a package with no requirements file at all is installed by `pip install .`
        declared = compiled_groups(super().read_environment(files, package), files, package)
        return installs_itself(declared, package)

    def layout(self, package: Package, old: Declared) -> Layout:
        from pickenv.tools.homes import pip_layout

        return pip_layout(package, old)

    def lock_with(self, locked: bool) -> str:
        return "pip-tools" if locked else ""

    def create_step(self, ctx: ToolContext) -> tuple[tuple[Step, ...], Step]:
        """pickenv's own preparation, and the step that creates .venv."""
        raise NotImplementedError  # pragma: no cover - abstract

    def plan(self, ctx: ToolContext) -> Plan:
        prepare, create = self.create_step(ctx)
        python = venv_python(".venv", ctx.platform)
        install = pip_project.install_steps(
            python, ctx.locked, ctx.install, ctx.install_project, ctx.platform
        )
        steps = (create, *install)
        test = pip_project.test_step(python, ctx.test, ctx.platform)
        if ctx.python is None:
            missing = f"Python {ctx.version} was not found"
            return Plan(prepare, steps, test, False, missing, Fix.GIVE_INTERPRETER)
        return Plan(prepare, steps, test)

    def offline_note(self, project_name: str) -> str:
        return pip_project.OFFLINE

    def docker(self, version: PythonVersion, locked: bool) -> DockerRecipe:
        from pickenv.tools.deploy import pip_recipe, venv_create

        return pip_recipe(version, locked, venv_create(version))

    def heroku(self, locked: bool) -> Heroku:
        from pickenv.tools.deploy import Heroku

        # The buildpack runs `pip install -r requirements.txt`: the unlocked file ends with
        # the project itself; a hashed lock cannot name a folder, so the project's code is
        # then run from src/.
        return Heroku(True, ("requirements.txt",), installs_project=not locked)

    def lambda_requirements(self, locked: bool) -> LambdaRequirements:
        from pickenv.tools.deploy import LambdaRequirements

        return LambdaRequirements("requirements.txt") if locked else LambdaRequirements()

    def dependency_places(self, version: PythonVersion, project_name: str, locked: bool) -> dict[str, object]:
        # Extras, not PEP 735 groups: `pip install --group` needs pip 25.1, which runs on
        # Python 3.9 and later only (the template targets 2.7 to 3.15); a requirements
        # file cannot name a group; pip-tools cannot compile one (its --group is an open
        # pull request, jazzband/pip-tools#2175, checked 2026-12-05); tox, nox and every
        # pip read extras.
        return {
            "runtime": "metadata",
            "add": {},
            "apply": pip_project.apply_commands(locked),
            "ci_installs": "test",
        }


class VenvTool(PipProjectTool):
    name = "venv"
    summary = "the standard library's virtual environments"
    evidence = (
        *pip_project.EVIDENCE,
        Evidence(
            ".venv/pyvenv.cfg",
            "weak",
            note="written by `python -m venv` (no virtualenv or uv key)",
            lacks=("virtualenv = ", "uv = "),
        ),
    )
    oldest = PythonVersion(3, 3)

    def create_step(self, ctx: ToolContext) -> tuple[tuple[Step, ...], Step]:
        python = ctx.python or f"python{ctx.version}"
        typed = ctx.platform.join((*ctx.platform.python_command(ctx.version), "-m", "venv", ".venv"))
        create = Step("Creating .venv with venv", (python, "-m", "venv", ".venv"), shown=typed)
        return (), create

    def notes(self, version: PythonVersion, project_name: str, locked: bool) -> tuple[str, ...]:
        windows = (*WINDOWS.python_command(version), "-m", "venv", ".venv")
        notes = (
            f"venv ships with Python {version}; nothing to install.",
            f"On Windows create it with `{WINDOWS.join(windows)}`. {pip_project.WINDOWS_ACTIVATION}",
        )
        return (*notes, pip_project.LOCK_NOTE) if locked else notes

    def ci(self, version: PythonVersion, project_name: str, locked: bool) -> dict[str, object]:
        return pip_project.pip_ci(version, [ci.run("Create the environment", "python -m venv .venv")], locked)
