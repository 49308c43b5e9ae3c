"""Creating a tool's environment in a project: the steps `pickenv new --create-env` and
`pickenv switch --create-env` share.

Before anything changes: the target interpreter is checked (one the user gave) or
found, and the paths the environment would take are checked to be free. Then the
``ToolContext`` is built from the one ``Context``, the tool's plan runs in the
project, and a failure or a signal removes what the plan created outside the project
(a conda environment, by ``Plan.cleanup``); what it wrote inside is the caller's to
put back, with the rest of its change. The errors here are worded for the user and
keep their exit codes: a --python that is not Python is a usage error (2), one of
another version an answer that does not fit (3).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import replace
from pathlib import Path

from pickenv.context import Context
from pickenv.errors import (
    AnswerError,
    DestinationError,
    EnvironmentCreationError,
    Fix,
    ProjectError,
    UsageError,
)
from pickenv.platforms import POSIX, Platform
from pickenv.tools.base import EnvTool, ToolContext
from pickenv.tools.steps import Plan, Progress, StepResult, run_steps
from pickenv.versions import PythonVersion


def checked_interpreter(python: str, version: PythonVersion) -> str:
    """``python`` (given by the user) when it runs and is Python ``version``: a
    --python that cannot create the environment is refused before anything changes."""
    from pickenv.tools.interpreters import interpreter_version

    found = interpreter_version(python)
    if found is None:
        raise UsageError(
            f"{python} is not a working Python interpreter",
            fixes=[Fix.GIVE_INTERPRETER],
            facts={"version": str(version)},
        )
    if found != version:  # the project's files name its version
        raise AnswerError(
            f"{python} is Python {found}, but the project targets {version}",
            fixes=[Fix.MATCH_VERSION],
            facts={"version": str(version), "found": str(found)},
        )
    return python


def found_interpreter(version: PythonVersion, ctx: Context) -> str | None:
    """An interpreter of ``version`` on this machine: pickenv's own, else on PATH or in
    pyenv (None: none found; the plan then says what is missing)."""
    from pickenv.tools.interpreters import find_interpreter

    return find_interpreter(version, ctx.env, ctx.home, (ctx.host_python, ctx.host_version))


def target_interpreter(
    tool: EnvTool, version: PythonVersion, ctx: Context, given: str | None = None
) -> str | None:
    """The interpreter the environment is created with: the one given (checked, even
    for a tool that brings its own Python), none for such a tool, else one found."""
    if given:
        return checked_interpreter(given, version)
    if tool.interpreter == "unused":
        return None
    return found_interpreter(version, ctx)


def tool_context(
    ctx: Context,
    version: PythonVersion,
    name: str,
    python: str | None,
    *,
    probe: bool = True,
    locked: bool = False,
    setup: Mapping[str, object] | None = None,
) -> ToolContext:
    """What creating the environment may look at, from the one Context: its
    environment, cache and platform, the target ``python`` and ``version``, and
    ``setup`` (a switched project's ``install``, ``install_project``, ``locked``, ``test``)."""
    made = ToolContext(
        ctx.env,
        ctx.cache_dir,
        ctx.host_python,
        python,
        version,
        name,
        probe=probe,
        locked=locked,
        platform=ctx.system,
    )
    return replace(made, **(setup or {}))  # type: ignore[arg-type]


def refuse_replacing(project: Path, tool: EnvTool, locked: bool) -> None:
    """`pickenv new` into a folder with files (--force): creating the environment must
    not replace one of them (the environment's folder, the lock files it writes)."""
    taken = _taken(project, (*tool.writes, *tool.lock_files(locked)))
    if taken is not None:
        raise DestinationError(
            f"{project / taken} exists and creating the {tool.name} environment would replace it",
            fixes=[Fix.REMOVE_OR_SKIP_ENV],
        )


def refuse_old_environment(project: Path, tool: EnvTool, removal: str, platform: Platform = POSIX) -> None:
    """`pickenv switch`: the old tool's environment where the new tool creates its own
    (``.venv``); ``removal`` is the command that removes the old one ("" for none
    known). The dependency files are the switch's to write, so they are not checked."""
    written = (*tool.files(False), *tool.files(True))
    taken = _taken(project, (path for path in tool.writes if path not in written))
    if taken is not None:
        raise ProjectError(
            f"{project / taken} exists (the old environment) and {tool.name} would create its own there",
            fixes=[Fix.REMOVE_OLD_ENV],
            facts={"command": removal or platform.remove_folder(taken)},
        )


def _taken(project: Path, names: Iterable[str]) -> str | None:
    """The first of ``names`` that is already in ``project`` (a dangling link too)."""
    return next((n for n in names if (project / n).exists() or (project / n).is_symlink()), None)


def create_environment(
    project: Path, tool: EnvTool, ctx: ToolContext, plan: Plan, progress: Progress, *, tests: bool = True
) -> tuple[StepResult, ...]:
    """Run ``plan`` in ``project``: the tool's whole creation with the tests, or
    without them (``tests`` False: the caller runs and judges them). On a failure or a
    signal, what the plan created outside the project is removed; then it raises."""
    begun: list[str] = []

    def watched(message: str) -> None:
        begun.append(message)  # run_steps says each step's title as it starts it
        progress(message)

    try:
        if tests:  # the tool's own create: it may refuse first (conda: an environment of that name)
            return tuple(tool.create(project, ctx, watched, plan))
        return tuple(run_steps((*plan.prepare, *plan.create), project, ctx.env, watched, ctx.platform))
    except BaseException:
        # Only once a creating step began: a refusal before it (conda's, of an
        # environment that exists) must leave that environment, someone else's, alone.
        if len(begun) > len(plan.prepare):
            remove_environment(plan, project, ctx.env)
        raise


def remove_environment(plan: Plan, project: Path, env: Mapping[str, str]) -> None:
    """Undo a created environment that lives outside the project (``plan.cleanup``),
    after a later step failed. Best effort: the original error is the one reported."""
    if plan.cleanup:
        with suppress(EnvironmentCreationError):
            run_steps(plan.cleanup, project.parent, env, lambda _: None)
