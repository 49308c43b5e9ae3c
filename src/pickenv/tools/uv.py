"""uv: pyproject.toml with PEP 735 dependency groups, a uv.lock, and .venv, made by
`uv sync`. Opt-in in the ranking (`--with uv`), usable with `--tool uv` always."""

from __future__ import annotations

from pickenv.tools import ci
from pickenv.tools.base import Activation, EnvTool, Evidence, ToolContext
from pickenv.tools.launcher import launcher
from pickenv.tools.steps import NO_LITTER, TEST_TITLE, Plan, Step
from pickenv.versions import PythonVersion

# Progress bars are for terminals; pickenv captures the output.
_ENV = (("UV_NO_PROGRESS", "1"),)


class UvTool(EnvTool):
    name = "uv"
    summary = "pyproject.toml, a cross-platform uv.lock and .venv, managed by uv"
    writes = (".venv", "uv.lock")
    lock_file = "uv.lock"
    dependency_files = ()  # everything is in pyproject.toml
    dev_dependencies = "group"
    settings_table = "tool.uv"
    needs_project_table = True
    evidence = (
        Evidence("uv.lock", "strong", note="uv's lock file"),
        Evidence("pyproject.toml", "strong", contains="[tool.uv", note="uv settings in pyproject.toml"),
        Evidence(".venv/pyvenv.cfg", "weak", contains="uv = ", note="an environment uv created"),
    )
    reserved_names = ("uv",)
    interpreter = "optional"  # `uv sync --python X.Y` finds one, or installs it
    # uv itself creates 3.6+ environments (docs.astral.sh/uv/reference/policies/python);
    # pickenv's uv projects keep metadata in [project], which setuptools reads from
    # 61.0, and setuptools 61 needs Python 3.7.
    oldest = PythonVersion(3, 7)

    def install_commands(self, version: PythonVersion) -> tuple[str, ...]:
        return ("pipx install uv",)

    def activation(self, project_name: str) -> Activation:
        return Activation("source .venv/bin/activate", ".venv\\Scripts\\activate")

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
        test = Step(
            TEST_TITLE,
            (*command, "run", "--frozen", "python", "-m", "pytest", "-q", "-p", "no:cacheprovider"),
            (*_ENV, *NO_LITTER),
            "uv run python -m pytest",
        )
        return Plan(prepare, (create,), test)

    def notes(self, version: PythonVersion, project_name: str, locked: bool) -> tuple[str, ...]:
        return (
            "Install uv once (pipx, or see https://docs.astral.sh/uv/getting-started/installation/). "
            f"`uv sync` creates `.venv`, installs Python {version} if it is missing "
            "(`uv python install`), and writes `uv.lock`.",
            "Add a dependency with `uv add NAME` (`uv add --dev NAME` for tools), which updates "
            "`pyproject.toml` and `uv.lock` together. Commit `uv.lock`; deployments and Docker images "
            "install exactly it with `uv sync --locked` (or `--frozen`).",
        )

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

    def ci(self, version: PythonVersion, project_name: str, locked: bool) -> dict[str, object]:
        setup: ci.Step = {"uses": ci.SETUP_UV, "with": {"python-version": str(version)}}
        job = ci.job(
            version,
            [
                setup,
                ci.run(
                    "Create the environment",
                    "if [ -f uv.lock ]; then uv sync --locked; else uv sync; fi",
                ),
                ci.run("Run the tests", "uv run python -m pytest"),
            ],
        )
        job["container"] = ""  # setup-uv installs any Python version itself
        return job
