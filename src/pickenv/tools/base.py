"""The base class of every environment tool: the one place that knows a tool.

A tool class declares what pickenv needs to know about it, as plain data and small
methods: the files it writes, where its environment lives, how to activate it per
OS, the commands that create it and run the project's tests (as argv for
``--create-env`` and as text for "Next:" and the generated README), its lock file, the
evidence that reveals it in an existing project, and the facts the project template
renders (``facts``). Nothing outside ``pickenv.tools`` decides anything by a tool's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

from pickenv.errors import EnvironmentCreationError
from pickenv.platforms import POSIX, WINDOWS, Platform
from pickenv.tools.ci import lint_job
from pickenv.tools.steps import Plan, Progress, StepResult, run_steps
from pickenv.versions import KNOWN_VERSIONS, PythonVersion

if TYPE_CHECKING:  # the formats are read by detect and switch only
    from pickenv.formats.files import ProjectFiles
    from pickenv.formats.model import Declared, Package, Pin
    from pickenv.tools.deploy import DockerRecipe, Heroku, LambdaRequirements
    from pickenv.tools.homes import Layout


@dataclass(frozen=True)
class ToolContext:
    """What creating an environment may look at: passed in, never read from globals."""

    env: Mapping[str, str]
    cache_dir: Path
    host_python: str  # the interpreter running pickenv
    python: str | None  # the target interpreter (None: not found, or the tool brings its own)
    version: PythonVersion  # the project's target
    project_name: str
    # False when only the commands are wanted (no --create-env, template facts): skip
    # the probes that run interpreters, which would slow `pickenv new` down for nothing.
    probe: bool = True
    locked: bool = False  # the project wants a lock file (and the tool can write one)
    # A switched project's own files, where they are not the template's: what to install
    # (pip: these requirements files, in order; conda: this environment file), whether
    # pip installs the project after them (a hashed lock cannot hold `-e .`), and the
    # project's own test command, after `python` (("-m", "unittest")).
    install: tuple[str, ...] = ()
    install_project: bool = False
    test: tuple[str, ...] = ()
    # The platform's conventions: the venv's layout pickenv runs, the shell the commands
    # are shown for. Callers pass the Context's (``ctx.system``); a caller that does not
    # gets the running OS's, from sys.platform alone (no shell read from the environment).
    platform: Platform = field(default_factory=Platform.running)

    @classmethod
    def for_text(
        cls, version: PythonVersion, project_name: str, locked: bool = False, platform: Platform = POSIX
    ) -> ToolContext:
        """A context for the commands as a person types them in ``platform``'s shell (the
        generated README's are POSIX's): no machine, no probes."""
        return cls(
            {}, Path(), "python3", None, version, project_name, probe=False, locked=locked, platform=platform
        )


@dataclass(frozen=True)
class Evidence:
    """A file (or a text inside it) that reveals the tool in an existing project."""

    path: str  # relative to the project root (a glob: requirements*.txt, requirements/*.txt)
    strength: Literal["strong", "weak"]
    contains: str = ""  # the file must contain this text (empty: existing is enough)
    note: str = ""
    lacks: tuple[str, ...] = ()  # ...and none of these (venv's pyvenv.cfg has no tool key)
    # The file, read as TOML, has this table or key ("tool.pdm.scripts"): a tool's own
    # settings, told apart from a build backend's ([tool.pdm.build] is pdm-backend's).
    table: str = ""
    # The tool runs tasks in environments of its own (tox, nox, hatch): named beside the
    # project's environment tool, never its rival; the answer only when nothing else is.
    runner: bool = False
    # The requirements files the file names (``- -r requirements.txt`` in environment.yml's
    # pip: section), and what they include, are part of this tool's environment.
    owns_includes: bool = False
    # Tools whose files beside this one serve their own users, not a rival: requirements
    # files beside an environment.yml are for pip users of a conda project.
    outranks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Activation:
    """How a shell enters the environment: a venv's activate script (``venv``: its
    folder) or a tool's own command, the same everywhere (``pipenv shell``)."""

    posix: str
    windows: str  # cmd.exe and PowerShell
    venv: str = ""

    @classmethod
    def script(cls, env_dir: str) -> Activation:
        return cls(POSIX.activate(env_dir), WINDOWS.activate(env_dir), env_dir)

    def line(self, platform: Platform) -> str:
        """The line for ``platform``'s shell (Git Bash sources the Scripts folder's)."""
        if self.venv:
            return platform.activate(self.venv)
        return self.windows if platform.family == "windows" else self.posix


class EnvTool:
    """Base class: one subclass per tool. Subclasses set the class attributes."""

    name: ClassVar[str]
    summary: ClassVar[str]  # one line for menus and help
    # The environment's folder in the project ("" when it lives elsewhere, as conda's).
    env_dir: ClassVar[str] = ".venv"
    # Paths in the project the tool creates or rewrites besides its lock files; with
    # --force they must not exist yet, or creating the environment would touch the
    # user's files.
    writes: ClassVar[tuple[str, ...]] = (".venv",)
    # The lock file the tool always writes ("" when it writes none on its own).
    lock_file: ClassVar[str] = ""
    # Template files that carry the dependencies (one template file per name).
    dependency_files: ClassVar[tuple[str, ...]] = ()
    # How pyproject.toml declares dev dependencies: an extra ("extra") or a PEP 735
    # dependency group ("group").
    dev_dependencies: ClassVar[Literal["extra", "group"]] = "extra"
    # The tool reads the project's [project] table itself, so the project cannot keep
    # its metadata in setup.cfg (the layout 2.7 and 3.6 installs need).
    needs_project_table: ClassVar[bool] = False
    # Dependabot's package ecosystem for the tool's dependency files ("": none it
    # reads); the generated .github/dependabot.yml lists it beside github-actions.
    dependabot: ClassVar[str] = ""
    evidence: ClassVar[tuple[Evidence, ...]] = ()
    # A table of pyproject.toml only this tool reads, with where packages come from
    # (its "sources" and "index"): `pickenv switch` reports them when leaving the tool.
    settings_table: ClassVar[str] = ""
    # Words that name the tool in other files (a Dockerfile's `RUN pipenv install`):
    # `pickenv switch` lists the lines that still say them.
    mentions: ClassVar[tuple[str, ...]] = ()
    # Import names a generated project must not take (the tool's own packages).
    reserved_names: ClassVar[tuple[str, ...]] = ()
    # The target interpreter: pickenv must find it ("required"), passes it when found
    # ("optional": the tool can install Python itself), or never looks ("unused").
    interpreter: ClassVar[Literal["required", "optional", "unused"]] = "required"
    # The oldest target Python the tool can create an environment for.
    oldest: ClassVar[PythonVersion] = PythonVersion(3, 3)
    # The tool reads the project's Python version from .python-version (uv's convention);
    # the template writes the file then, and for Heroku, whose buildpack reads it too.
    python_version_file: ClassVar[bool] = False

    def supports(self, version: PythonVersion) -> bool:
        return version >= self.oldest

    def can_lock(self, version: PythonVersion) -> bool:
        """Whether the project gets a lock file when it asks for one."""
        del version
        return bool(self.lock_file)

    def files(self, locked: bool) -> tuple[str, ...]:
        """The template files that carry the dependencies."""
        del locked
        return self.dependency_files

    # ---- an existing project's files (``pickenv detect`` and ``switch``) -----------------
    def environment_files(self, files: ProjectFiles) -> tuple[str, ...]:
        """The files this tool keeps a project's environment in, manifests and locks."""
        names = (*self.dependency_files, *self.lock_files(True), *self.lock_files(False))
        return tuple(dict.fromkeys(n for n in names if files.exists(n)))

    def read_environment(self, files: ProjectFiles, package: Package) -> Declared:
        """What the tool installs for each group, read from its files with its own
        semantics (what it installs besides what a file says)."""
        from pickenv.tools.semantics import read_paths

        del package
        return read_paths(files, self.environment_files(files))

    def layout(self, package: Package, old: Declared) -> Layout:
        """Which of this tool's files takes each group of ``old`` (``pickenv switch``)."""
        raise NotImplementedError  # pragma: no cover - abstract

    def lock_pins(self, folder: Path, pins: tuple[Pin, ...], ctx: ToolContext) -> str:
        """Write the lock file the tool writes itself (uv.lock) for the files in ``folder``,
        at the versions of ``pins``: "" when done, else why not (the ledger then shows
        the pins lost). A lock pickenv writes as a format (Pipfile.lock) is the layout's."""
        del folder, pins, ctx
        return f"{self.name} has no lock of its own that pickenv can write"

    def removal(self, project: Path, project_name: str, platform: Platform = POSIX) -> str:
        """The command that removes the project's environment ("" when there is none)."""
        del project_name
        return platform.remove_folder(self.env_dir) if (project / self.env_dir).exists() else ""

    def lock_with(self, locked: bool) -> str:
        """A second tool that writes the lock file, configured in pyproject.toml ("" for none)."""
        del locked
        return ""

    def lock_files(self, locked: bool) -> tuple[str, ...]:
        """The lock files creating the environment writes (and git then commits)."""
        del locked
        return (self.lock_file,) if self.lock_file else ()

    def install_commands(self, version: PythonVersion) -> tuple[str, ...]:
        """How a person installs the tool itself (nothing for venv)."""
        del version
        return ()

    def activation(self, project_name: str) -> Activation:
        del project_name
        return Activation.script(self.env_dir)

    def run_prefix(self, project_name: str) -> str:
        """What runs a command in the environment from a fresh shell, without activating
        it: `.venv/bin/` for the environment's own scripts, `pipenv run ` and so on (in
        the generated README, which writes POSIX commands)."""
        del project_name
        return POSIX.path(self.env_dir, POSIX.venv_bin) + POSIX.shown_separator

    def plan(self, ctx: ToolContext) -> Plan:  # pragma: no cover - abstract
        raise NotImplementedError

    def notes(self, version: PythonVersion, project_name: str, locked: bool) -> tuple[str, ...]:
        """Markdown paragraphs for the README's "Set up" section."""
        del version, project_name, locked
        return ()

    def build_system(self, version: PythonVersion) -> dict[str, str] | None:
        """The project's [build-system] as {"requires": ..., "backend": ...}; None: the
        template's setuptools, which every installer of every target can build."""
        del version
        return None

    def offline_note(self, project_name: str) -> str:
        """How to install the project on a machine without a network (Markdown)."""
        del project_name
        return ""

    # ---- where a generated project declares each kind of dependency (issue 20, item 7) ----
    # One place per kind: "runtime" (what the project runs with), "test" (what its tests
    # need: the only set CI installs) and "notebooks" (a data-science project's notebook
    # tools, for the developer's own environment). The template names the place in the
    # README and in each file's header; ``add`` holds the tool's own command for a kind
    # (NAME stands for the package), ``apply`` what brings the environment up to date
    # after the file is edited.
    def dependency_places(self, version: PythonVersion, project_name: str, locked: bool) -> dict[str, object]:
        del version, project_name, locked
        return {"runtime": "metadata", "add": {}, "apply": [], "ci_installs": "test"}

    def test_matrix(self, version: PythonVersion) -> dict[str, object]:
        """How a library or 2/3-compatible project tests every Python it supports."""
        from pickenv.tools.matrix import tox

        return tox(version, groups=self.dev_dependencies == "group")

    def legacy_test_matrix(self) -> dict[str, object] | None:
        """The matrix of 2/3-compatible code, from Python 2.7 up (None: the tool's
        projects cannot install on 2.7, so they get the usual one)."""
        from pickenv.tools.matrix import tox

        return tox(PythonVersion(2, 7))

    def ci(self, version: PythonVersion, project_name: str, locked: bool) -> dict[str, object]:
        """GitHub Actions: ``shell``, ``container`` (an image, or "") and ``steps``."""
        raise NotImplementedError  # pragma: no cover - abstract

    def release(self) -> dict[str, object]:
        """A library's release workflow: how it builds and checks its sdist and wheel
        (``python -m build``, unless the tool has a build command of its own)."""
        from pickenv.tools.ci_release import pip_build

        return pip_build()

    # ---- where the project runs (the template's ``deploy`` answer; see tools.deploy) ----
    def docker(self, version: PythonVersion, locked: bool) -> DockerRecipe:
        """The build stage of the project's Dockerfile: /app/.venv from the tool's lock."""
        raise NotImplementedError  # pragma: no cover - abstract

    def heroku(self, locked: bool) -> Heroku:
        """What Heroku's Python buildpack reads of the tool's files."""
        raise NotImplementedError  # pragma: no cover - abstract

    def lambda_requirements(self, locked: bool) -> LambdaRequirements:
        """The pinned requirements a Lambda zip installs (none: the project's own)."""
        from pickenv.tools.deploy import LambdaRequirements

        del locked
        return LambdaRequirements()

    def cluster_module(self, version: PythonVersion) -> str:
        """The environment module a cluster job loads (names vary by site; this is the usual)."""
        return f"python/{version}"

    def cluster_python(self, project_name: str) -> str:
        """The environment's Python, run from a batch job without activating anything."""
        if self.env_dir:
            return POSIX.path(self.env_dir, POSIX.venv_bin, "python")
        return self.run_prefix(project_name) + "python"

    def deployment(self, version: PythonVersion, project_name: str, locked: bool) -> dict[str, object]:
        recipe = self.docker(version, locked)
        return {
            "docker": recipe.facts(),
            "images": recipe.images(),
            "heroku": self.heroku(locked).facts(),
            "lambda": self.lambda_requirements(locked).facts(),
            "cluster_python": self.cluster_python(project_name),
            "cluster_module": self.cluster_module(version),
        }

    def create(self, project: Path, ctx: ToolContext, progress: Progress, plan: Plan) -> list[StepResult]:
        """Run the plan inside ``project``; raise on failure."""
        if not plan.available:
            raise EnvironmentCreationError(f"{plan.missing}; run the commands yourself")
        return run_steps(plan.steps, project, ctx.env, progress, ctx.platform)

    def manual(
        self,
        version: PythonVersion,
        project_name: str,
        locked: bool = False,
        ctx: ToolContext | None = None,
        platform: Platform = POSIX,
    ) -> tuple[str, ...]:
        """Every command a person runs to install the tool, create the environment and
        run the tests: the "Next:" of `pickenv new` when pickenv did not create it, in
        the shell of ``platform`` (of ``ctx``'s when given)."""
        ctx = ctx or ToolContext.for_text(version, project_name, locked, platform)
        plan = self.plan(ctx)
        shown = (*plan.create, plan.test)
        return (*self.install_commands(version), *(s.display(ctx.platform) for s in shown))

    def facts(self, version: PythonVersion, project_name: str, locked: bool = False) -> dict[str, object]:
        """What the project template renders for this tool, as plain data."""
        plan = self.plan(ToolContext.for_text(version, project_name, locked))
        activation = self.activation(project_name)
        return {
            "name": self.name,
            "env_dir": self.env_dir or project_name,
            "files": list(self.files(locked)),
            "dev_dependencies": self.dev_dependencies,
            "lock_files": list(self.lock_files(locked)),
            "lock_with": self.lock_with(locked),
            "install": list(self.install_commands(version)),
            "create": [s.display() for s in plan.create],
            "test": plan.test.display(),
            "activate": activation.posix,
            "activate_windows": activation.windows,
            "run": self.run_prefix(project_name),
            "notes": list(self.notes(version, project_name, locked)),
            "offline": self.offline_note(project_name),
            "dependencies": self.dependency_places(version, project_name, locked),
            "ci": self.ci(version, project_name, locked),
            "lint": lint_job(),  # the same for every tool: pre-commit makes its own environments
            "release": self.release(),
            "dependabot": self.dependabot,
            "matrix": self.test_matrix(version),
            "legacy_matrix": self.legacy_test_matrix(),
            "needs_project_table": self.needs_project_table,
            "build_system": self.build_system(version),
            "python_versions": [v for v in KNOWN_VERSIONS if self.supports(PythonVersion.parse(v))],
            "python_version_file": self.python_version_file,
            **{f"deploy_{k}": v for k, v in self.deployment(version, project_name, locked).items()},
        }
