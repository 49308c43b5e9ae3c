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
from dataclasses import dataclass, replace
from pathlib import Path

from pickenv.context import Context
from pickenv.errors import EnvironmentCreationError
from pickenv.tools import environments
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
        return replace(ToolContext.for_text(version, name), **setup)  # type: ignore[arg-type]
    return environments.tool_context(ctx, version, name, python, setup=setup)


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
    setup in ``context``) with ``python`` (checked before the switch began; None: one
    is found) and run the tests; raise when the environment cannot be made."""
    version, name, setup = context
    python = python or environments.target_interpreter(target, version, ctx)
    tool_ctx = tool_context(version, name, setup, ctx, python)
    steps = target.plan(tool_ctx)
    if not steps.available:
        return Made(note=f"{steps.missing}; create it with the commands below")
    created = environments.create_environment(project, target, tool_ctx, steps, progress, tests=False)
    source = test_source or "pytest, the default"
    try:
        created += tuple(run_steps((steps.test,), project, ctx.env, progress, tool_ctx.platform))
        tests = TestRun(steps.test.display(tool_ctx.platform), source, True)
    except BaseException as exc:
        if tests_must_pass or not isinstance(exc, EnvironmentCreationError):
            # The switch is put back: the environment goes too, wherever it lives.
            environments.remove_environment(steps, project, ctx.env)
            raise
        tests = TestRun(steps.test.display(tool_ctx.platform), source, False, exc.message)
    return Made(created, tests)
