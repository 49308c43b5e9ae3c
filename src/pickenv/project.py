"""`pickenv new`'s core: validated request in, frozen result out."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pickenv import __version__
from pickenv.engine import Recommendation
from pickenv.errors import AnswerError, DestinationError, EnvironmentCreationError, UsageError
from pickenv.project_name import validate_project_name
from pickenv.questions import Value
from pickenv.scaffold import (
    Placement,
    check_conflicts,
    check_destination,
    kept_files,
    list_files,
    place,
    render,
    staging_dir,
)
from pickenv.tools import get_tool
from pickenv.tools.base import Plan, StepResult, ToolContext, run_steps
from pickenv.tools.interpreters import find_interpreter, interpreter_version

Progress = Callable[[str], None]


@dataclass(frozen=True)
class NewContext:
    env: Mapping[str, str]
    home: Path
    cache_dir: Path
    template: Path
    host_python: str
    host_version: str  # "3.11"


@dataclass(frozen=True)
class NewRequest:
    name: str
    output_dir: Path
    answers: Mapping[str, Value]
    recommendation: Recommendation
    tool: str
    description: str
    author: str
    license: str
    create_env: bool
    python: str | None
    force: bool
    dry_run: bool


@dataclass(frozen=True)
class EnvironmentReport:
    requested: bool
    created: bool
    steps: tuple[StepResult, ...]
    commands: tuple[str, ...]  # the commands that create it by hand
    note: str  # why it was not created, if it was requested


@dataclass(frozen=True)
class NewResult:
    path: Path
    tool: str
    recommended: str
    reasons: tuple[str, ...]  # why this tool (also written to the project's README)
    files: tuple[str, ...]
    kept: tuple[str, ...]  # pre-existing files left alone (--force)
    environment: EnvironmentReport
    git: str
    dry_run: bool
    timings: tuple[tuple[str, float], ...]


def reasons_for(request: NewRequest) -> tuple[str, ...]:
    """Why the chosen tool: the rules that raised its score (and the override, if any)."""
    reasons = [
        r.because
        for a in request.recommendation.ranking
        if a.tool == request.tool
        for r in a.reasons
        if r.effect.startswith("+")
    ]
    if request.tool != request.recommendation.recommendation:
        chosen = f"Chosen instead of the recommended {request.recommendation.recommendation}."
        reasons.insert(0, chosen)
    return tuple(reasons)


def template_data(request: NewRequest) -> dict[str, object]:
    """The copier answers: every questionnaire answer plus the project's own."""
    return {
        **dict(request.answers),
        "project_name": request.name,
        "description": request.description,
        "author": request.author,
        "license": request.license,
        "tool": request.tool,
        "reasons": list(reasons_for(request)),
    }


def _tool_context(request: NewRequest, ctx: NewContext) -> ToolContext:
    tool = get_tool(request.tool)
    version = str(request.answers["python_version"])
    python: str | None = None
    if tool.needs_interpreter() and request.create_env:
        if request.python:
            found = interpreter_version(request.python)
            if found is None:
                raise UsageError(
                    f"--python {request.python} is not a working Python interpreter; pass the path of one"
                )
            if found != version:
                raise AnswerError(
                    f"--python {request.python} is Python {found}, but the project targets {version}; "
                    f"pass a Python {version} or --answer python_version={found}"
                )
            python = request.python
        else:
            python = find_interpreter(version, ctx.env, ctx.home, (ctx.host_python, ctx.host_version))
    return ToolContext(
        ctx.env, ctx.cache_dir, ctx.host_python, python, version, request.name, probe=request.create_env
    )


def _git(destination: Path, env: Mapping[str, str]) -> str:
    """Initialise a repository with a first commit, unless git is missing or a repo encloses it."""
    git = shutil.which("git", path=env.get("PATH"))
    if git is None:
        return "skipped: git is not installed"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [git, *args],
            cwd=destination,
            env=dict(env),
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )

    # A project created inside another repository belongs to it: no nested repository.
    # (Looked up here rather than with `git rev-parse`: one process less on every run.)
    if any((folder / ".git").exists() for folder in destination.parents):
        return "skipped: the folder is already inside a git repository"
    run("-c", "init.defaultBranch=main", "init", "-q")
    run("add", "-A")
    commit = run("commit", "-q", "--no-verify", "-m", f"Initial commit from pickenv {__version__}")
    if commit.returncode != 0:
        return "initialised, not committed: set git's user.name and user.email, then `git commit`"
    return "initialised with a first commit"


def _manual_commands(name: str, plan: Plan, tool_name: str, ctx: ToolContext) -> tuple[str, ...]:
    return (f"cd {name}", *get_tool(tool_name).manual(plan, ctx))


def _materialise(
    request: NewRequest,
    ctx: NewContext,
    destination: Path,
    tool_ctx: ToolContext,
    plan: Plan,
    progress: Progress,
) -> tuple[list[str], tuple[str, ...], tuple[StepResult, ...], str, str, list[tuple[str, float]]]:
    """Render, place, create the environment and commit; on any failure undo it all.

    Returns (files, kept, environment steps, environment note, git outcome, timings).
    """
    timings: list[tuple[str, float]] = []
    started = time.monotonic()
    placement = Placement.start(destination)
    staging = staging_dir(placement)
    env_started = False
    try:
        progress(f"Rendering the project into {destination}")
        render(ctx.template, template_data(request), staging)
        files = list_files(staging)
        place(staging, placement)
        timings.append(("render", time.monotonic() - started))
        steps: tuple[StepResult, ...] = ()
        note = ""
        if request.create_env and plan.available:
            env_started = True
            steps = tuple(get_tool(request.tool).create(destination, tool_ctx, progress, plan))
            timings += [(s.title, s.seconds) for s in steps]
        elif request.create_env:
            note = f"{plan.missing}; the project is complete: create the environment with the commands below"
        git_started = time.monotonic()
        git = _git(destination, ctx.env) if placement.was_empty else "skipped: the folder already had files"
        timings.append(("git", time.monotonic() - git_started))
    except BaseException:
        placement.rollback()
        if env_started and plan.cleanup:
            # Best effort: the original error is the one to report.
            with contextlib.suppress(EnvironmentCreationError):
                run_steps(plan.cleanup, destination.parent, ctx.env, lambda _: None)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return files, tuple(placement.kept), steps, note, git, timings


def create_project(request: NewRequest, ctx: NewContext, progress: Progress) -> NewResult:
    """Scaffold the project (or, for a dry run, only say what would be done)."""
    name = validate_project_name(request.name)
    destination = (request.output_dir / name).absolute()
    check_destination(destination, request.force)
    tool = get_tool(request.tool)
    if request.create_env:
        for name in tool.writes:
            if (destination / name).exists() or (destination / name).is_symlink():
                raise DestinationError(
                    f"{destination / name} exists and creating the {tool.name} environment would "
                    "replace it; remove it or run without --create-env"
                )
    tool_ctx = _tool_context(request, ctx)
    plan = tool.plan(tool_ctx)
    commands = _manual_commands(name, plan, request.tool, tool_ctx)
    if request.dry_run:
        started = time.monotonic()
        with tempfile.TemporaryDirectory() as scratch:
            render(ctx.template, template_data(request), Path(scratch))
            files = list_files(Path(scratch))
            if destination.exists():
                check_conflicts(Path(scratch), destination)
        kept = tuple(kept_files(files, destination)) if destination.exists() else ()
        steps: tuple[StepResult, ...] = ()
        note, git = "dry run: nothing was created", "skipped: dry run"
        timings = [("render", time.monotonic() - started)]
    else:
        files, kept, steps, note, git, timings = _materialise(
            request, ctx, destination, tool_ctx, plan, progress
        )
    return NewResult(
        path=destination,
        tool=request.tool,
        recommended=request.recommendation.recommendation,
        reasons=reasons_for(request),
        files=tuple(files),
        kept=kept,
        environment=EnvironmentReport(request.create_env, bool(steps), steps, commands, note),
        git=git,
        dry_run=request.dry_run,
        timings=tuple(timings),
    )
