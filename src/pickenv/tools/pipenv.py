"""pipenv: Pipfile + Pipfile.lock, with the environment kept in the project's .venv."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pickenv.errors import Fix
from pickenv.platforms import POSIX, WINDOWS, Platform
from pickenv.tools import ci
from pickenv.tools.base import Activation, EnvTool, Evidence, ToolContext
from pickenv.tools.launcher import launcher
from pickenv.tools.steps import NO_LITTER, TEST_TITLE, Plan, Step, test_command
from pickenv.versions import PythonVersion

if TYPE_CHECKING:
    from pickenv.formats.files import ProjectFiles
    from pickenv.formats.model import Declared, Package
    from pickenv.tools.deploy import DockerRecipe, Heroku, LambdaRequirements
    from pickenv.tools.homes import Layout

# Keep the environment in the project (.venv, like the other tools), never reuse the
# virtualenv pickenv itself may be running in, and never prompt.
_PIPENV_ENV = (
    ("PIPENV_VENV_IN_PROJECT", "1"),
    ("PIPENV_IGNORE_VIRTUALENVS", "1"),
    ("PIPENV_YES", "1"),
    ("PIPENV_NOSPIN", "1"),
)
_IN_PROJECT = _PIPENV_ENV[:1]  # the one a person sets (the others only quiet pipenv)
# What the CI test job installs: the project and the Pipfile's test category.
TEST_CATEGORIES = '--categories "packages test"'


def requirement_for(version: PythonVersion) -> str:
    """The pipenv releases that can install into ``version`` environments: from 2026.1.0
    pipenv runs code of its own inside the environment that needs Python 3.10."""
    return "pipenv<2026.1" if version < PythonVersion(3, 10) else "pipenv"


class PipenvTool(EnvTool):
    name = "pipenv"
    dependabot = "pip"  # Dependabot's pip ecosystem reads Pipfile and Pipfile.lock
    summary = "Pipfile and a hashed Pipfile.lock, environment in .venv"
    writes = (".venv", "Pipfile")
    lock_file = "Pipfile.lock"
    dependency_files = ("Pipfile",)
    evidence = (
        Evidence("Pipfile.lock", "strong", note="pipenv's lock file"),
        Evidence("Pipfile", "strong", note="pipenv's dependency file"),
    )
    mentions = ("pipenv",)
    reserved_names = ("pipenv",)
    oldest = PythonVersion(3, 10)  # see rules.yaml: pipenv-needs-python-3-10

    def install_commands(self, version: PythonVersion) -> tuple[str, ...]:
        requirement = requirement_for(version)
        return (f"pipx install '{requirement}'" if requirement != "pipenv" else "pipx install pipenv",)

    def read_environment(self, files: ProjectFiles, package: Package) -> Declared:
        from pickenv.formats.model import DEFAULT
        from pickenv.formats.pipfile_lock import stale_lock
        from pickenv.tools.semantics import including

        # `pipenv install --dev` installs [packages] with [dev-packages]; a Pipfile.lock
        # whose hash is not the Pipfile's is one pipenv would write again
        return including(stale_lock(super().read_environment(files, package), files), "dev", DEFAULT)

    def layout(self, package: Package, old: Declared) -> Layout:
        from pickenv.tools.homes import pipfile_layout

        return pipfile_layout(package, old)

    def removal(self, project: Path, project_name: str, platform: Platform = POSIX) -> str:
        # pickenv's projects keep it in .venv; elsewhere pipenv knows where it is
        return "pipenv --rm"

    def activation(self, project_name: str) -> Activation:
        return Activation("pipenv shell", "pipenv shell")

    def run_prefix(self, project_name: str) -> str:
        return "pipenv run "

    def plan(self, ctx: ToolContext) -> Plan:
        command: tuple[str, ...] = ("pipenv",)
        prepare: tuple[Step, ...] = ()
        if ctx.probe:
            requirement = requirement_for(ctx.version)
            pinned = requirement != "pipenv"  # the user's own pipenv is the current one
            command, prepare = launcher(ctx, requirement, "pipenv", executable="pipenv", pinned=pinned)
        python = ctx.python or f"python{ctx.version}"
        create = Step(
            "Creating .venv and Pipfile.lock with pipenv",
            (*command, "install", "--dev", "--python", python),
            _PIPENV_ENV,
            ctx.platform.command(("pipenv", "install", "--dev", "--python", str(ctx.version)), _IN_PROJECT),
        )
        argv, shown = test_command(ctx.test, ctx.platform)
        test = Step(
            TEST_TITLE,
            (*command, "run", "python", *argv),
            (*_PIPENV_ENV, *NO_LITTER),
            f"pipenv run python {shown}",
        )
        if ctx.python is None:
            return Plan(
                prepare, (create,), test, False, f"Python {ctx.version} was not found", Fix.GIVE_INTERPRETER
            )
        return Plan(prepare, (create,), test)

    def notes(self, version: PythonVersion, project_name: str, locked: bool) -> tuple[str, ...]:
        pin: tuple[str, ...] = ()
        if requirement_for(version) != "pipenv":
            pin = (
                f"The pin matters: pipenv 2026.1 and later run code of their own inside the "
                f"environment that needs Python 3.10, so they cannot install into a Python {version} "
                "one (see pickenv's rules.yaml for the source).",
            )
        return (
            "Install pipenv once (it runs on Python 3.10 or later); pipx keeps it apart from your projects.",
            *pin,
            f"On Windows (PowerShell) set the variable first: `{WINDOWS.command((), _IN_PROJECT)}`.",
            "Commit `Pipfile.lock`; deployments install exactly it with `pipenv install --deploy`.",
        )

    def dependency_places(self, version: PythonVersion, project_name: str, locked: bool) -> dict[str, object]:
        # The Pipfile installs the project (editable, with its extras per category), so
        # its metadata is the one place, as for pip: tox and nox read the same extras.
        # pipenv does not read PEP 735 groups; its categories are its groups. The
        # Pipfile's hash does not change when pyproject.toml does: lock again by hand.
        return {
            "runtime": "metadata",
            "add": {},
            "apply": ["pipenv lock", "pipenv sync --dev"],
            "ci_installs": "test",
        }

    def offline_note(self, project_name: str) -> str:
        return (
            "On a connected machine: `pipenv requirements > requirements.txt`, then "
            "`python -m pip download -d wheelhouse -r requirements.txt`. On the offline machine: "
            "`PIP_NO_INDEX=1 PIP_FIND_LINKS=wheelhouse pipenv sync --dev`."
        )

    def docker(self, version: PythonVersion, locked: bool) -> DockerRecipe:
        from pickenv.tools.deploy import PIP_ENV, PIPENV_RELEASE, DockerRecipe, python_image

        # `--deploy` fails when Pipfile.lock is missing or older than the Pipfile, and
        # installs [packages] only; the project is one of them (editable: the final
        # stage has src/ at the same path).
        image = python_image(version)
        return DockerRecipe(
            image,
            image,
            (*PIP_ENV, _IN_PROJECT[0]),
            (f"python -m pip install --no-cache-dir pipenv=={PIPENV_RELEASE}", "pipenv install --deploy"),
        )

    def heroku(self, locked: bool) -> Heroku:
        from pickenv.tools.deploy import Heroku

        return Heroku(
            True,
            ("Pipfile.lock",),
            note=(
                "Heroku's classic Python buildpack installs `Pipfile.lock` with `pipenv install --deploy`; "
                "its Cloud Native Buildpack reads no Pipfile: there, commit the export of "
                "`pipenv requirements > requirements.txt` instead."
            ),
        )

    def lambda_requirements(self, locked: bool) -> LambdaRequirements:
        from pickenv.tools.deploy import LambdaRequirements

        # The lock's [packages] with their hashes, without the project's own `-e .` line
        # (the zip gets the project's wheel).
        return LambdaRequirements(
            "build/requirements.txt", "pipenv requirements --hash | grep -v '^-e ' > build/requirements.txt"
        )

    def ci(self, version: PythonVersion, project_name: str, locked: bool) -> dict[str, object]:
        return ci.job(
            version,
            [
                # setup-python's pipenv cache is the folder of pipenv's environments, so
                # the environment stays there (not .venv) and a cache hit restores it.
                *ci.setup_python(version, "pipenv", "Pipfile*"),
                ci.run("Install pipenv", f"python -m pip install '{requirement_for(version)}'"),
                # The Pipfile's test category (the project with its test extra), not
                # --dev: a data-science project's dev packages include the notebook tools.
                # Categories need pipenv 2022.10.9; --deploy honours them (run 2026-12-05
                # with pipenv 2026.10.3).
                ci.run(
                    "Create the environment",
                    f"if [ -f Pipfile.lock ]; then pipenv install --deploy {TEST_CATEGORIES}; "
                    f"else pipenv install {TEST_CATEGORIES}; fi",
                ),
                ci.run("Run the tests", "pipenv run python -m pytest"),
            ],
        )
