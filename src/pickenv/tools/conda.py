"""conda (or mamba / micromamba): environment.yml from conda-forge, a named environment."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from pickenv.errors import EnvironmentCreationError
from pickenv.platforms import POSIX, Platform
from pickenv.tools import ci
from pickenv.tools.base import Activation, EnvTool, Evidence, ToolContext
from pickenv.tools.steps import NO_LITTER, TEST_TITLE, Plan, Progress, Step, StepResult, test_command
from pickenv.versions import PythonVersion

# Preferred order: the faster solvers first; all read the same environment.yml.
FRONTENDS = ("mamba", "micromamba", "conda")

if TYPE_CHECKING:
    from pickenv.formats.files import ProjectFiles
    from pickenv.formats.model import Declared, Package
    from pickenv.tools.deploy import DockerRecipe, Heroku
    from pickenv.tools.homes import Layout


class CondaTool(EnvTool):
    name = "conda"
    summary = "conda-forge packages, Python itself and non-Python libraries included"
    env_dir = ""  # a named environment in conda's own folder
    # No Dependabot ecosystem for environment.yml (dependabot = ""): what its newer
    # conda support reads could not be checked offline; github-actions is listed alone.
    writes = ()
    dependency_files = ("environment.yml",)
    evidence = (
        # environment.yml, and environment-dev.yml beside it (geopandas)
        *(
            Evidence(
                f"environment*.{ext}",
                "strong",
                note="a conda environment file",
                owns_includes=True,  # its pip: section's -r files are conda's
                outranks=("venv", "virtualenv", "pip-tools"),  # requirements beside it serve pip users
            )
            for ext in ("yml", "yaml")
        ),
        Evidence("conda-lock.yml", "strong", note="conda-lock's lock file"),
        # binder/environment.yml, doc/environment.yml: the environment of one part
        Evidence("*/environment.yml", "weak", note="a conda environment file of a subfolder"),
        Evidence("*/environment.yaml", "weak", note="a conda environment file of a subfolder"),
    )
    mentions = ("conda", "mamba", "micromamba", "setup-miniconda")
    reserved_names = ("conda",)
    interpreter = "unused"  # conda installs Python itself
    oldest = PythonVersion(2, 7)

    def environment_files(self, files: ProjectFiles) -> tuple[str, ...]:
        found = [*files.glob("environment.y*ml"), *files.glob("environment[-_]*.y*ml")]
        return tuple(p for p in found if p.endswith((".yml", ".yaml")))

    def read_environment(self, files: ProjectFiles, package: Package) -> Declared:
        """environment.yml has no dev section: pickenv's templates before 0.4.0 listed the
        dev packages there too and named them in pyproject.toml's dev extra (or group),
        which makes them a dev group that comes with the rest (0.4.0's install the
        project's extras from the pip: section instead: those are a dev group too)."""
        from pickenv.tools.semantics import split_dev, split_dev_extras

        return split_dev_extras(split_dev(super().read_environment(files, package), files, package))

    def layout(self, package: Package, old: Declared) -> Layout:
        from pickenv.tools.homes import conda_layout

        return conda_layout(package, old)

    def removal(self, project: Path, project_name: str, platform: Platform = POSIX) -> str:
        """conda's environments live in conda's folder: the one environment.yml names."""
        import yaml

        name = project_name
        for path in (project / "environment.yml", project / "environment.yaml"):
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                continue
            if isinstance(data, dict) and isinstance(data.get("name"), str):
                name = data["name"]
                break
        return platform.join(("conda", "env", "remove", "-n", name))

    def activation(self, project_name: str) -> Activation:
        return Activation(f"conda activate {project_name}", f"conda activate {project_name}")

    def run_prefix(self, project_name: str) -> str:
        return f"conda run -n {project_name} "

    def frontend(self, ctx: ToolContext) -> str | None:
        for name in FRONTENDS:
            found = shutil.which(name, path=ctx.env.get("PATH"))
            if found:
                return found
        return None

    def plan(self, ctx: ToolContext) -> Plan:
        found = self.frontend(ctx) if ctx.probe else None
        exe = found or "conda"
        name = ctx.project_name
        env_file = ctx.install[0] if ctx.install else "environment.yml"  # a switched project's dev file
        create = (
            (exe, "create", "-y", "-n", name, "-f", env_file)
            if exe.endswith("micromamba")
            else (exe, "env", "create", "-n", name, "-f", env_file)
        )
        typed = ctx.platform.join(("conda", "env", "create", "-n", name, "-f", env_file))
        step = Step(f"Creating the conda environment {name}", create, shown=typed)
        argv, shown = test_command(ctx.test, ctx.platform)
        test = Step(
            TEST_TITLE,
            (exe, "run", "-n", name, "python", *argv),
            NO_LITTER,
            f"{ctx.platform.join(('conda', 'run', '-n', name, 'python'))} {shown}",
        )
        cleanup = (Step(f"Removing the conda environment {name}", (exe, "env", "remove", "-y", "-n", name)),)
        if found is None:
            missing = "no conda, mamba or micromamba on PATH (install Miniforge)"
            return Plan((), (step,), test, False, missing)
        return Plan((), (step,), test, cleanup=cleanup)

    def create(self, project: Path, ctx: ToolContext, progress: Progress, plan: Plan) -> list[StepResult]:
        # Refuse an existing environment of the same name: a failed or interrupted run
        # removes the environment it created, and must never remove someone else's.
        frontend = self.frontend(ctx)
        if frontend is not None and ctx.project_name in _existing_environments(frontend, ctx):
            raise EnvironmentCreationError(
                f"a conda environment named {ctx.project_name} already exists; remove it "
                f"(conda env remove -n {ctx.project_name}) or choose another project name"
            )
        return super().create(project, ctx, progress, plan)

    def notes(self, version: PythonVersion, project_name: str, locked: bool) -> tuple[str, ...]:
        return (
            "Install [Miniforge](https://conda-forge.org/download/) (conda with conda-forge as its only "
            "channel). `environment.yml` lists conda-forge and `nodefaults`: Anaconda's `defaults` channel "
            "needs a paid licence for organisations of 200 or more people.",
        )

    def dependency_places(self, version: PythonVersion, project_name: str, locked: bool) -> dict[str, object]:
        # Runtime packages come from conda-forge (the reason to use conda): environment.yml
        # lists them, and the package's metadata (pyproject.toml) names them too, as pip and
        # PyPI read only that; pickenv switch carries them between the two. Leaving them out
        # of the metadata would publish a package that installs without its dependencies
        # and make every switch to conda conflict on them. environment.yml has no groups,
        # so the test and notebook tools are the project's extras, which its pip: section
        # installs (nox's sessions read them too).
        # CI builds the environment from the same file, notebook tools included: a second,
        # CI-only environment file would list the runtime packages a second time, and the
        # pip: section cannot choose extras per machine.
        return {
            "runtime": "environment.yml",
            "add": {},
            "apply": [f"conda env update -n {project_name} -f environment.yml --prune"],
            "ci_installs": "all",
        }

    def offline_note(self, project_name: str) -> str:
        return (
            "Build the environment on a connected machine and move it with "
            f"[conda-pack](https://conda.github.io/conda-pack/): `conda pack -n {project_name}`."
        )

    def test_matrix(self, version: PythonVersion) -> dict[str, object]:
        from pickenv.tools.matrix import nox_conda

        return nox_conda(version)  # tox has no maintained conda support for tox 4

    def legacy_test_matrix(self) -> dict[str, object] | None:
        return None  # conda-forge stopped building for Python 2.7 in 2020

    def docker(self, version: PythonVersion, locked: bool) -> DockerRecipe:
        from pickenv.tools.deploy import CONDA_RUNTIME_IMAGE, MICROMAMBA_IMAGE, PIP_ENV, DockerRecipe

        # micromamba makes environment.yml's environment in /app/.venv (a prefix, so the
        # final stage finds it where the build left it); its own image runs as a user
        # that cannot write /app, so the build stage (only) runs as root.
        run = (
            'micromamba create --yes --prefix "$PWD/.venv" --file environment.yml',
            "micromamba clean --all --yes",
        )
        return DockerRecipe(MICROMAMBA_IMAGE, CONDA_RUNTIME_IMAGE, PIP_ENV, run, build_user="root")

    def cluster_module(self, version: PythonVersion) -> str:
        return "miniforge3"  # conda brings the environment's Python itself

    def heroku(self, locked: bool) -> Heroku:
        from pickenv.tools.deploy import Heroku

        return Heroku(
            False,
            note=(
                "Heroku's Python buildpack does not read `environment.yml`: deploy this project "
                "as a container image (Heroku's container registry, with `deploy=docker`'s "
                "Dockerfile), or move it to a tool the buildpack reads (`pickenv switch uv`)."
            ),
        )

    def ci(self, version: PythonVersion, project_name: str, locked: bool) -> dict[str, object]:
        setup: ci.Step = {
            "uses": ci.SETUP_MINICONDA,
            "with": {
                "miniforge-version": "latest",
                "environment-file": "environment.yml",
                "activate-environment": project_name,
            },
        }
        job = ci.job(version, [setup, ci.run("Run the tests", "python -m pytest")], shell="bash -el {0}")
        job["container"] = ""  # conda brings its own Python on any runner
        return job


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
