"""`pickenv new`'s service: a validated request in, a frozen result out.

Rendering, placing, creating the environment and committing happen in that order,
under a lock on the destination (see ``runs``), and any failure or signal undoes
all of it: exactly what pickenv made, nothing anyone else did (see ``placement``).
"""

from __future__ import annotations

import errno
import shutil
import tempfile
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from pickenv.context import Context
from pickenv.creation.name import package_name
from pickenv.creation.placement import (
    Placement,
    check_conflicts,
    check_destination,
    kept_files,
    list_files,
    place,
)
from pickenv.creation.rendering import answers_recorded, render_project, tasks_in_place
from pickenv.creation.request import NewRequest, template_data
from pickenv.creation.runs import Staging, staged
from pickenv.errors import DestinationError, Fix, UsageError
from pickenv.repo import git
from pickenv.templating.history import template_ref
from pickenv.templating.source import TemplateSource
from pickenv.tools.base import ToolContext
from pickenv.tools.environments import (
    create_environment,
    refuse_replacing,
    remove_environment,
    target_interpreter,
    tool_context,
)
from pickenv.tools.steps import Plan, Progress, StepResult


@dataclass(frozen=True)
class EnvironmentReport:
    requested: bool
    created: bool
    steps: tuple[StepResult, ...]
    commands: tuple[str, ...]  # the commands that create it by hand
    note: str  # why it was not created, if it was requested
    fix: Fix | None = None  # what the user can do about it
    fix_facts: tuple[tuple[str, str], ...] = ()
    activate: str = ""  # how to enter it once created


@dataclass(frozen=True)
class NewResult:
    path: Path
    tool: str
    recommended: str
    reasons: tuple[str, ...]
    files: tuple[str, ...]
    kept: tuple[str, ...]  # pre-existing files left alone (--force)
    merge: tuple[str, ...]  # kept files with pickenv's differing version beside them (NAME.pickenv-new)
    environment: EnvironmentReport
    git: str
    dry_run: bool
    timings: tuple[tuple[str, float], ...]
    template: str = ""  # the template's source, as the project records it
    updatable: bool = True  # False: made from a plain folder, it can never be updated
    # What killed runs had left where the project was made: removed, or for the user.
    leftovers: tuple[str, ...] = ()
    # The template sets up its own environment tool (``tool`` is what its files are, as
    # `pickenv detect` reads them; "" when they name none): pickenv chose none.
    tool_by_template: bool = False


def _tool_outputs(request: NewRequest) -> tuple[str, ...]:
    """What creating the environment adds to the project: the tool's own paths, its
    lock files, and the build's (setuptools writes NAME.egg-info beside the package;
    a legacy setup.py build/ and .eggs/)."""
    names = sorted({request.name, request.name.replace("-", "_"), package_name(request.name)})
    eggs = [f"{where}{name}.egg-info" for name in names for where in ("", "src/")]
    return (*request.tool.writes, *request.tool.lock_files(request.locked), *eggs, "build", ".eggs")


# files, what was placed, environment steps, git outcome, timings, the template's own tool
Built = tuple[list[str], Placement, tuple[StepResult, ...], str, list[tuple[str, float]], str]


def _materialise(
    request: NewRequest, ctx: Context, tool_ctx: ToolContext, plan: Plan, progress: Progress
) -> tuple[Built, tuple[str, ...]]:
    """Lock the destination, clear what killed runs left there, and build the project
    in a staging folder of this run's. Returns what was built, and notes on leftovers."""
    destination = request.destination

    def disk_error(exc: OSError) -> DestinationError:
        return _disk_error(exc, destination, request.template)

    # Another run may have made it since it was checked, before the questions.
    recheck = partial(check_destination, destination, request.force)
    with staged(destination, recheck, disk_error) as (placement, staging, leftovers):
        return _build(request, ctx, tool_ctx, plan, progress, placement, staging), leftovers


def _build(
    request: NewRequest,
    ctx: Context,
    tool_ctx: ToolContext,
    plan: Plan,
    progress: Progress,
    placement: Placement,
    staging: Staging,
) -> Built:
    """Render, place, create the environment and commit; on any failure undo it all.

    Returns (files, what was placed, environment steps, git outcome, timings).
    """
    destination, tree = request.destination, staging.tree
    timings: list[tuple[str, float]] = []
    started = time.monotonic()
    env_made = False  # the environment exists: a later failure removes it too
    try:
        progress(f"Rendering the project into {destination}")
        record = None
        if request.template.kind == "builtin" and request.template.folder is not None:
            ref = template_ref(ctx, request.template.folder)
            record = {"_src_path": ref.recorded, "_commit": ref.tag}
        data = template_data(request, record)
        owned = render_project(request, data, tree, tasks=False, cache_dir=ctx.cache_dir)
        files = list_files(tree)
        place(tree, placement)
        if request.tasks and not request.skip_tasks:
            progress("Running the template's tasks")
            # With the answers copier asked for itself (the template's own questions).
            asked = answers_recorded(request, destination)
            files += tasks_in_place(request, {**data, **asked}, placement)
        timings.append(("render", time.monotonic() - started))
        steps: tuple[StepResult, ...] = ()
        if request.create_env and plan.available:
            for name in _tool_outputs(request):
                placement.claim(name)
            steps = create_environment(destination, request.tool, tool_ctx, plan, progress)
            env_made = True
            timings += [(s.title, s.seconds) for s in steps]
        git_started = time.monotonic()
        if (destination / ".git").exists() and placement.ledger.owns(destination / ".git"):
            outcome = "skipped: the template's tasks made the repository"
        elif not placement.was_empty:
            outcome = "skipped: the folder already had files"
        elif foreign := placement.foreign(staging.folder):  # `git add -A` would commit them: not ours to
            shown = ", ".join(sorted(foreign)[:3]) + (
                f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
            )
            outcome = f"skipped: files pickenv did not make appeared in the folder ({shown})"
        else:
            placement.claim(".git")
            outcome = git.initialise(destination, ctx.env)
        timings.append(("git", time.monotonic() - git_started))
    except BaseException as exc:
        placement.rollback()
        if env_made:
            remove_environment(plan, destination, ctx.env)
        if isinstance(exc, OSError):
            raise _disk_error(exc, destination, request.template) from None
        raise
    return files, placement, steps, outcome, timings, owned


_FULL = {errno.ENOSPC, errno.EDQUOT}


def _disk_error(exc: OSError, destination: Path, template: TemplateSource) -> DestinationError:
    """The user's disk, not a bug: say which folder, and how much room it needs."""
    where = destination.parent
    if exc.errno in _FULL:
        folder = template.folder or destination
        needed = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and ".git" not in p.parts)
        free = shutil.disk_usage(where).free
        return DestinationError(
            f"no space left on the device holding {where} ({_size(free)} free; the project "
            f"needs about {_size(needed)}, its environment more)",
            fixes=[Fix.FREE_SPACE],
        )
    reason = exc.strerror or str(exc)
    return DestinationError(f"cannot write in {where}: {reason}", fixes=[Fix.WRITABLE_FOLDER])


def _size(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1 << 20 else f"{size / (1 << 20):.1f} MB"


def _dry_run(request: NewRequest) -> tuple[list[str], tuple[str, ...], list[tuple[str, float]], str]:
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        owned = render_project(request, template_data(request), Path(scratch), tasks=False)  # writes nothing
        files = list_files(Path(scratch))
        if request.destination.exists():
            check_conflicts(Path(scratch), request.destination)
    kept = tuple(kept_files(files, request.destination)) if request.destination.exists() else ()
    return files, kept, [("render", time.monotonic() - started)], owned


def create_project(request: NewRequest, ctx: Context, progress: Progress) -> NewResult:
    """Scaffold the project (or, for a dry run, only say what would be done)."""
    if request.create_env and request.template.kind != "builtin":
        raise UsageError(
            "pickenv creates environments for its own template only; "
            f"the README of {request.template.location} says how to set up its projects",
            fixes=[Fix.SKIP_ENV_TEAM],
        )
    python = None
    if request.create_env:
        refuse_replacing(request.destination, request.tool, request.locked)
        python = target_interpreter(request.tool, request.version, ctx, request.python)
    tool_ctx = tool_context(
        ctx, request.version, request.name, python, probe=request.create_env, locked=request.locked
    )
    plan = request.tool.plan(tool_ctx)
    builtin = request.template.kind == "builtin"
    steps: tuple[StepResult, ...] = ()
    leftovers: tuple[str, ...] = ()
    if request.dry_run:
        files, kept, timings, owned = _dry_run(request)
        merge: tuple[str, ...] = ()
        outcome = "skipped: dry run"
    else:
        (files, placement, steps, outcome, timings, owned), leftovers = _materialise(
            request, ctx, tool_ctx, plan, progress
        )
        kept, merge = tuple(placement.kept), tuple(placement.merge)
    note, fix = "", None
    if request.dry_run:
        note = "dry run: nothing was created"
    elif request.create_env and not plan.available:
        note, fix = (
            f"{plan.missing}; the project is complete: create the environment with the commands below",
            plan.fix,
        )
    return NewResult(
        path=request.destination,
        tool=owned if request.offer is not None and request.offer.owns_tool else request.tool.name,
        recommended=request.recommended,
        reasons=request.reasons,
        files=tuple(files),
        kept=kept,
        merge=merge,
        environment=EnvironmentReport(
            requested=request.create_env,
            created=bool(steps),
            steps=steps,
            # A team template's files are its own: its README says how to set it up.
            commands=(
                f"cd {request.name}",
                *(
                    request.tool.manual(request.version, request.name, request.locked, platform=ctx.system)
                    if builtin
                    else ()
                ),
            ),
            note=note,
            fix=fix,
            fix_facts=(("version", str(request.version)),),
            activate=request.tool.activation(request.name).line(ctx.system),
        ),
        git=outcome,
        dry_run=request.dry_run,
        timings=tuple(timings),
        template=request.template.location,
        updatable=request.template.updatable,
        leftovers=leftovers,
        tool_by_template=request.offer is not None and request.offer.owns_tool,
    )
