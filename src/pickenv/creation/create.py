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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pickenv.context import Context
from pickenv.creation.name import ProjectName, package_name
from pickenv.creation.placement import (
    Destination,
    Placement,
    check_conflicts,
    check_destination,
    kept_files,
    list_files,
    place,
    refuse_outside_links,
)
from pickenv.creation.runs import DestinationLock, Staging, sweep
from pickenv.errors import DestinationError, Fix, UsageError
from pickenv.questionnaire.questions import Value
from pickenv.repo import git
from pickenv.templating.history import template_ref
from pickenv.templating.render import render
from pickenv.templating.source import TemplateSource
from pickenv.tools.base import EnvTool, ToolContext
from pickenv.tools.environments import (
    create_environment,
    refuse_replacing,
    remove_environment,
    target_interpreter,
    tool_context,
)
from pickenv.tools.steps import Plan, Progress, StepResult
from pickenv.versions import PythonVersion


@dataclass(frozen=True)
class NewRequest:
    name: ProjectName
    destination: Destination
    template: TemplateSource
    answers: Mapping[str, Value]  # the questionnaire's, complete
    tool: EnvTool
    recommended: str  # what the rules recommended
    reasons: tuple[str, ...]  # why this tool (written to the project's README)
    description: str
    author: str
    license: str
    create_env: bool
    python: str | None  # an interpreter given by the user
    dry_run: bool
    # A team template: the questions it declares (only those get data), values for its
    # own questions, whether the user trusted what it runs, and whether copier may ask.
    declared: frozenset[str] = frozenset()
    extra_data: Mapping[str, str] = field(default_factory=dict)
    trusted: bool = False
    ask_template: bool = False
    force: bool = False  # --force: an existing, non-empty destination takes the files
    # The user trusts the template (--trust, a trust list) even if it runs nothing: its
    # links may then lead outside the project (copier's _preserve_symlinks).
    trust_links: bool = False

    @property
    def version(self) -> PythonVersion:
        return PythonVersion.parse(str(self.answers["python_version"]))

    @property
    def locked(self) -> bool:
        """A lock file was asked for and the tool can write one for this target."""
        return bool(self.answers["lockfile"]) and self.tool.can_lock(self.version)


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


def template_data(request: NewRequest, record: Mapping[str, str] | None = None) -> dict[str, object]:
    """The copier answers: every questionnaire answer plus the project's own, and what
    the answers file records as the template (see ``project.history``). A team
    template gets the answers to the questions it declares, and its own (--data)."""
    data = _all_data(request, record)
    if request.template.kind == "builtin":
        return data
    return {**{k: v for k, v in data.items() if k in request.declared}, **request.extra_data}


def _all_data(request: NewRequest, record: Mapping[str, str] | None) -> dict[str, object]:
    return {
        "template_record": dict(record or {}),
        **dict(request.answers),
        "project_name": request.name,
        "description": request.description,
        "author": request.author,
        "license": request.license,
        "tool": request.tool.name,
        "reasons": list(request.reasons),
    }


def _tool_outputs(request: NewRequest) -> tuple[str, ...]:
    """What creating the environment adds to the project: the tool's own paths, its
    lock files, and the build's (setuptools writes NAME.egg-info beside the package;
    a legacy setup.py build/ and .eggs/)."""
    names = sorted({request.name, request.name.replace("-", "_"), package_name(request.name)})
    eggs = [f"{where}{name}.egg-info" for name in names for where in ("", "src/")]
    return (*request.tool.writes, *request.tool.lock_files(request.locked), *eggs, "build", ".eggs")


Built = tuple[list[str], Placement, tuple[StepResult, ...], str, list[tuple[str, float]]]


def _materialise(
    request: NewRequest, ctx: Context, tool_ctx: ToolContext, plan: Plan, progress: Progress
) -> tuple[Built, tuple[str, ...]]:
    """Lock the destination, clear what killed runs left there, and build the project
    in a staging folder of this run's. Returns what was built, and notes on leftovers."""
    destination = request.destination
    try:
        lock = DestinationLock.acquire(destination)
    except OSError as exc:
        raise _disk_error(exc, destination, request.template) from None
    try:
        # Another run may have made it since it was checked, before the questions.
        check_destination(destination, request.force)
        leftovers = sweep(destination.parent, keep=lock.path)
        if destination.is_dir():
            leftovers += sweep(destination)
        placement = Placement.start(destination)
        try:
            staging = Staging.create(
                destination.parent if placement.created_root else destination, destination.name
            )
        except OSError as exc:
            raise _disk_error(exc, destination, request.template) from None
        try:
            return _build(request, ctx, tool_ctx, plan, progress, placement, staging), leftovers
        finally:
            staging.remove()
    finally:
        lock.release()


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
        _render(request, template_data(request, record), tree, ctx.cache_dir)
        files = list_files(tree)
        place(tree, placement)
        timings.append(("render", time.monotonic() - started))
        steps: tuple[StepResult, ...] = ()
        if request.create_env and plan.available:
            for name in _tool_outputs(request):
                placement.claim(name)
            steps = create_environment(destination, request.tool, tool_ctx, plan, progress)
            env_made = True
            timings += [(s.title, s.seconds) for s in steps]
        git_started = time.monotonic()
        if not placement.was_empty:
            outcome = "skipped: the folder already had files"
        elif not placement.only_ours(staging.folder):  # `git add -A` would commit them: not pickenv's to do
            outcome = "skipped: files pickenv did not make appeared in the folder"
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
    return files, placement, steps, outcome, timings


_FULL = {errno.ENOSPC, errno.EDQUOT}


def _render(
    request: NewRequest, data: Mapping[str, object], target: Path, cache_dir: Path | None = None
) -> None:
    """Render into ``target``, and refuse links out of the project nobody trusted."""
    render(
        request.template, data, target, trusted=request.trusted, ask=request.ask_template, cache_dir=cache_dir
    )
    if not (request.trusted or request.trust_links):
        refuse_outside_links(target, request.template.location)


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


def _dry_run(request: NewRequest) -> tuple[list[str], tuple[str, ...], list[tuple[str, float]]]:
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        _render(request, template_data(request), Path(scratch))
        files = list_files(Path(scratch))
        if request.destination.exists():
            check_conflicts(Path(scratch), request.destination)
    kept = tuple(kept_files(files, request.destination)) if request.destination.exists() else ()
    return files, kept, [("render", time.monotonic() - started)]


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
        files, kept, timings = _dry_run(request)
        merge: tuple[str, ...] = ()
        outcome = "skipped: dry run"
    else:
        (files, placement, steps, outcome, timings), leftovers = _materialise(
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
        tool=request.tool.name,
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
    )
