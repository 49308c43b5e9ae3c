"""uv: pyproject.toml with PEP 735 dependency groups, a uv.lock, and .venv, made by
`uv sync`. Opt-in in the ranking (`--with uv`), usable with `--tool uv` always."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pickenv.tools import ci
from pickenv.tools.base import EnvTool, Evidence, ToolContext
from pickenv.tools.launcher import launcher
from pickenv.tools.steps import NO_LITTER, TEST_TITLE, Plan, Step, test_command
from pickenv.versions import PythonVersion

# Progress bars are for terminals; pickenv captures the output.
_ENV = (("UV_NO_PROGRESS", "1"),)
UV_BUILD = "uv_build>=0.13,<0.14"
_TEST_ONLY = (
    "--no-default-groups --group test"  # uv 0.4.27 and later  # the uv pickenv is tested with is 0.13
)

if TYPE_CHECKING:
    from pathlib import Path

    from pickenv.formats.files import ProjectFiles
    from pickenv.formats.model import Declared, Package, Pin
    from pickenv.tools.deploy import DockerRecipe, Heroku, LambdaRequirements
    from pickenv.tools.homes import Layout


class UvTool(EnvTool):
    name = "uv"
    dependabot = "uv"
    summary = "pyproject.toml, a cross-platform uv.lock and .venv, managed by uv"
    writes = (".venv", "uv.lock")
    lock_file = "uv.lock"
    dependency_files = ()  # everything is in pyproject.toml
    dev_dependencies = "group"
    settings_table = "tool.uv"
    needs_project_table = True
    python_version_file = True  # `uv init` writes it; `uv sync` and `uv run` read it
    evidence = (
        Evidence("uv.lock", "strong", note="uv's lock file"),
        Evidence("pyproject.toml", "strong", table="tool.uv", note="[tool.uv]: uv's settings"),
        Evidence("uv.toml", "strong", note="uv's settings"),
        Evidence(".venv/pyvenv.cfg", "weak", contains="uv = ", note="an environment uv created"),
        # requirements files `uv export` wrote (for dependabot, Docker): uv's, not pip's
        Evidence("*requirements*.txt", "weak", contains="#    uv export ", note="written by `uv export`"),
        Evidence("requirements/*.txt", "weak", contains="#    uv export ", note="written by `uv export`"),
    )
    mentions = ("uv sync", "uv run", "uv lock", "uv add", "uv pip", "uv export", "uvx", "setup-uv")
    reserved_names = ("uv", "uv_build")
    interpreter = "optional"  # `uv sync --python X.Y` finds one, or installs it
    # uv itself creates 3.6+ environments (docs.astral.sh/uv/reference/policies/python);
    # pickenv's uv projects keep metadata in [project], which setuptools reads from
    # 61.0, and setuptools 61 needs Python 3.7.
    oldest = PythonVersion(3, 7)

    def environment_files(self, files: ProjectFiles) -> tuple[str, ...]:
        return tuple(n for n in ("pyproject.toml", "uv.lock") if files.exists(n))

    def read_environment(self, files: ProjectFiles, package: Package) -> Declared:
        """uv installs the project (an application: its [project] dependencies) with
        every group: `uv sync --group G`."""
        from dataclasses import replace

        from pickenv.formats.model import DEFAULT, Group, SelfInstall
        from pickenv.formats.uvsources import project_dependencies

        found = super().read_environment(files, package)
        if not files.exists("pyproject.toml"):
            return found  # a folder of uv projects (a monorepo's root) has no environment of its own
        if package.uv_package:
            default = Group(DEFAULT, (), (), SelfInstall(origin="pyproject.toml [project]"), "pyproject.toml")
        else:
            default = Group(DEFAULT, project_dependencies(files), (), None, "pyproject.toml")
        groups = tuple(replace(g, includes=(DEFAULT, *g.includes)) for g in found.groups)
        return replace(found, groups=(default, *groups))

    def layout(self, package: Package, old: Declared) -> Layout:
        from pickenv.tools.homes import uv_layout

        return uv_layout(package, old)

    def lock_pins(self, folder: Path, pins: tuple[Pin, ...], ctx: ToolContext) -> str:
        """uv.lock at the old lock's versions: `uv lock` with them as constraints, then again
        without (uv keeps the versions a lock has where they still fit), so the lock holds
        the pins and pyproject.toml holds no constraint of pickenv's."""
        from pickenv.tools.uvpins import lock_at

        return lock_at(folder, pins, ctx.env, ctx.python)

    def build_system(self, version: PythonVersion) -> dict[str, str] | None:
        """uv's own backend, as `uv init` chooses: uv builds the project inside itself,
        where setuptools needs a build environment and two Python processes (`uv sync`
        of a new project: about 200 ms against 820 ms, bench/uv_ready.py). The range
        stops before the next minor release, as uv's documentation and `uv init` write
        it (a minor release may change the backend's settings); a uv whose own version
        is in the range builds without fetching uv_build. uv_build runs on 3.8 and
        later, so 3.7 projects keep setuptools."""
        if version < PythonVersion(3, 8):
            return None
        return {"requires": UV_BUILD, "backend": "uv_build"}

    def install_commands(self, version: PythonVersion) -> tuple[str, ...]:
        return ("pipx install uv",)

    def run_prefix(self, project_name: str) -> str:
        return "uv run "

    def plan(self, ctx: ToolContext) -> Plan:
        command: tuple[str, ...] = ("uv",)
        prepare: tuple[Step, ...] = ()
        if ctx.probe:
            command, prepare = launcher(ctx, "uv", "uv", executable="uv")
        # An interpreter pickenv found is passed as a path; otherwise uv looks for
        # X.Y itself and may install it (`uv python install`).
        python = ctx.python or str(ctx.version)
        create = Step(
            "Creating .venv and uv.lock with uv",
            (*command, "sync", "--python", python),
            _ENV,
            f"uv sync --python {ctx.version}",
        )
        argv, shown = test_command(ctx.test)
        test = Step(
            TEST_TITLE,
            (*command, "run", "--frozen", "python", *argv),
            (*_ENV, *NO_LITTER),
            f"uv run python {shown}",
        )
        return Plan(prepare, (create,), test)

    def notes(self, version: PythonVersion, project_name: str, locked: bool) -> tuple[str, ...]:
        return (
            "Install uv once (pipx, or see https://docs.astral.sh/uv/getting-started/installation/). "
            f"`uv sync` creates `.venv`, installs Python {version} if it is missing "
            "(`uv python install`), and writes `uv.lock`.",
            "Add a dependency with `uv add` (see Dependencies below), which updates "
            "`pyproject.toml` and `uv.lock` together. Commit `uv.lock`; deployments and Docker images "
            "install exactly it with `uv sync --locked` (or `--frozen`).",
        )

    def dependency_places(self, version: PythonVersion, project_name: str, locked: bool) -> dict[str, object]:
        # PEP 735 groups: test, notebooks and dev (both, by include-group), the group
        # `uv sync` installs by default.
        return {
            "runtime": "metadata",
            "add": {
                "runtime": "uv add NAME",
                "test": "uv add --group test NAME",
                "notebooks": "uv add --group notebooks NAME",
            },
            "apply": ["uv sync"],
            "ci_installs": "test",
        }

    def offline_note(self, project_name: str) -> str:
        return (
            "Run `uv sync` once on a connected machine to fill uv's cache, then copy the cache "
            "(`uv cache dir`) and run `uv sync --offline` on the offline machine."
        )

    def test_matrix(self, version: PythonVersion) -> dict[str, object]:
        from pickenv.tools.matrix import tox

        return tox(version, groups=True, uv=True)  # tox-uv: uv makes tox's environments

    def legacy_test_matrix(self) -> dict[str, object] | None:
        return None  # uv makes no 2.7 environments, and its projects need [project]

    def release(self) -> dict[str, object]:
        from pickenv.tools.ci_release import job

        # No cache in a workflow that publishes (setup-uv caches by default on GitHub's runners).
        setup: ci.Step = {"uses": ci.SETUP_UV, "with": {"enable-cache": False}}
        return job([setup], "uv build", "uvx twine check --strict dist/*")

    def docker(self, version: PythonVersion, locked: bool) -> DockerRecipe:
        from pickenv.tools.deploy import PIP_ENV, UV_RELEASE, DockerRecipe, python_image

        # uv's Docker guide: exactly uv.lock (--frozen), no dev group, the project as a
        # wheel (--no-editable), bytecode compiled at build time, the image's Python
        # (no download) and no cache in the layer.
        image = python_image(version)
        env = (
            *PIP_ENV,
            ("UV_COMPILE_BYTECODE", "1"),
            ("UV_LINK_MODE", "copy"),
            ("UV_NO_CACHE", "1"),
            ("UV_PYTHON_DOWNLOADS", "never"),
        )
        run = (
            f"python -m pip install --no-cache-dir uv=={UV_RELEASE}",
            "uv sync --frozen --no-dev --no-editable",
        )
        return DockerRecipe(image, image, env, run)

    def heroku(self, locked: bool) -> Heroku:
        from pickenv.tools.deploy import Heroku

        return Heroku(True, ("uv.lock", ".python-version"))

    def lambda_requirements(self, locked: bool) -> LambdaRequirements:
        from pickenv.tools.deploy import LambdaRequirements

        export = "uv export --frozen --no-dev --no-emit-project --quiet --output-file build/requirements.txt"
        return LambdaRequirements("build/requirements.txt", export)

    def ci(self, version: PythonVersion, project_name: str, locked: bool) -> dict[str, object]:
        # setup-uv's cache is keyed on pyproject.toml and uv.lock by default.
        setup: ci.Step = {"uses": ci.SETUP_UV, "with": {"python-version": str(version), "enable-cache": True}}
        job = ci.job(
            version,
            [
                setup,
                # The test group only: `uv sync` alone installs the dev group, which
                # includes a data-science project's notebook tools.
                ci.run(
                    "Create the environment",
                    f"if [ -f uv.lock ]; then uv sync --locked {_TEST_ONLY}; else uv sync {_TEST_ONLY}; fi",
                ),
                ci.run("Run the tests", "uv run python -m pytest"),
            ],
        )
        job["container"] = ""  # setup-uv installs any Python version itself
        return job
