"""`pickenv switch --create-env`: create the new tool's environment for the switched
project and run the project's own tests in it.

The switch is judged by whether the environment builds and installs: a failure there
raises, and the caller puts the project back. The tests are the project's own command
(tox's, nox's, a Makefile's, pytest or unittest: see ``existing.testcommand``); when
they fail the switch stays and the failure is reported, since they may have failed
before too (a test that needs the network), unless the user asked for passing tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path

from pickenv.context import Context
from pickenv.errors import EnvironmentCreationError
from pickenv.tools.base import EnvTool, ToolContext
from pickenv.tools.steps import Progress, StepResult, run_steps
from pickenv.versions import PythonVersion


@dataclass(frozen=True)
class TestRun:
    command: str  # as a person types it
    source: str  # where the project declares it
    passed: bool
    output: str = ""  # the end of the output when they failed


@dataclass(frozen=True)
class Made:
    """What creating the environment did."""

    created: tuple[StepResult, ...] = ()
    tests: TestRun | None = None
    note: str = ""  # why it was not created (a tool or the Python version is missing)


def tool_context(
    version: PythonVersion,
    name: str,
    setup: Mapping[str, object],
    ctx: Context | None = None,
    python: str | None = None,
) -> ToolContext:
    """The switched project's ToolContext (``ctx`` None: the commands as a person types them)."""
    if ctx is None:
        base = ToolContext.for_text(version, name)
    else:
        base = ToolContext(ctx.env, ctx.cache_dir, ctx.host_python, python, version, name, probe=True)
    return replace(base, **setup)  # type: ignore[arg-type]


def create_environment(
    project: Path,
    target: EnvTool,
    context: tuple[PythonVersion, str, Mapping[str, object]],
    ctx: Context,
    progress: Progress,
    *,
    python: str | None = None,
    test_source: str = "",
    tests_must_pass: bool = False,
) -> Made:
    """Create ``target``'s environment in ``project`` (version, name and the layout's
    setup in ``context``) and run the tests; raise when the environment cannot be made."""
    from pickenv.tools.interpreters import find_interpreter

    version, name, setup = context
    if target.interpreter != "unused" and python is None:
        python = find_interpreter(version, ctx.env, ctx.home, (ctx.host_python, ctx.host_version))
    steps = target.plan(tool_context(version, name, setup, ctx, python))
    if not steps.available:
        return Made(note=f"{steps.missing}; create it with the commands below")
    try:
        created = run_steps((*steps.prepare, *steps.create), project, ctx.env, progress)
    except BaseException:
        if steps.cleanup:
            with suppress(EnvironmentCreationError):
                run_steps(steps.cleanup, project.parent, ctx.env, lambda _: None)
        raise
    source = test_source or "pytest, the default"
    try:
        created += run_steps((steps.test,), project, ctx.env, progress)
        tests = TestRun(steps.test.display(), source, True)
    except EnvironmentCreationError as exc:
        if tests_must_pass:
            raise
        tests = TestRun(steps.test.display(), source, False, exc.message)
    return Made(tuple(created), tests)
