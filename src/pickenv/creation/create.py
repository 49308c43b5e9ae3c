"""`pickenv new`'s service: a validated request in, a frozen result out.

Rendering, placing, creating the environment and committing happen in that order,
under a lock on the destination (see ``runs``), and any failure or signal undoes
all of it: exactly what pickenv made, nothing anyone else did (see ``placement``).
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pickenv.context import Context
from pickenv.creation.name import ProjectName, package_name
from pickenv.creation.ownership import signals_deferred
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
from pickenv.templating.answers import PICKENV_ANSWERS, pickenv_answers_text
from pickenv.templating.history import template_ref
from pickenv.templating.offer import Offer
from pickenv.templating.render import render, run_tasks
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
    # A team template: how pickenv's answers meet its questions (None: pickenv's own
    # template, which takes them all), values for its own questions, whether the user
    # trusted what it runs, whether copier may ask, and whether its tasks are skipped.
    offer: Offer | None = None
    extra_data: Mapping[str, str] = field(default_factory=dict)
    trusted: bool = False
    ask_template: bool = False
    force: bool = False  # --force: an existing, non-empty destination takes the files
    # The user trusts the template (--trust, a trust list) even if it runs nothing: its
    # links may then lead outside the project (copier's _preserve_symlinks).
    trust_links: bool = False
    skip_tasks: bool = False
    tasks: bool = False  # the template has tasks (run in the project's folder once it is in place)
    answers_file: str | None = None  # the template's own `_answers_file`
    # pickenv's fields nobody gave (its defaults): not recorded aside as if decided
    unrecorded: frozenset[str] = frozenset()

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
    # The template sets up its own environment tool (``tool`` is what its files are, as
    # `pickenv detect` reads them; "" when they name none): pickenv chose none.
    tool_by_template: bool = False


def template_data(request: NewRequest, record: Mapping[str, str] | None = None) -> dict[str, object]:
    """The copier answers: every questionnaire answer plus the project's own, and what
    the answers file records as the template (see ``project.history``). A team
    template gets the answers to the questions it declares, and its own (--data)."""
    data = _all_data(request, record)
    if request.offer is None:
        return data
    return {**request.offer.data(data), **request.extra_data}


def kept_aside(request: NewRequest) -> dict[str, object]:
    """pickenv's answers a team template does not take (see ``templating.offer``)."""
    if request.offer is None:
        return {}
    data = _all_data(request, None)
    ours = {k: v for k, v in data.items() if k not in ("template_record", "reasons", *request.unrecorded)}
    return request.offer.kept_aside(ours)


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


# files, what was placed, environment steps, git outcome, timings, the template's own tool
Built = tuple[list[str], Placement, tuple[StepResult, ...], str, list[tuple[str, float]], str]


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
        data = template_data(request, record)
        owned = _render(request, data, tree, tasks=False)
        files = list_files(tree)
        place(tree, placement)
        if request.tasks and not request.skip_tasks:
            progress("Running the template's tasks")
            # With the answers copier asked for itself (the template's own questions).
            asked = _answers_recorded(request, destination)
            files += _tasks_in_place(request, {**data, **asked}, placement)
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
    return files, placement, steps, outcome, timings, owned


_FULL = {errno.ENOSPC, errno.EDQUOT}


def _tasks_in_place(request: NewRequest, data: Mapping[str, object], placement: Placement) -> list[str]:
    """Run the template's tasks where the project now is; what they add is recorded as
    pickenv's (the user allowed them), so that a later failure takes it back too.
    Returns the files they added (not those in a repository they made)."""
    destination = placement.destination
    before = set(_entries(destination))
    added: list[str] = []
    try:
        run_tasks(request.template, data, destination)
    finally:  # a task that failed half-way: what it made is taken back with the rest
        with signals_deferred():
            for path in _entries(destination):  # parents first: a rollback empties them first
                if path not in before and not placement.ledger.owns(path):
                    placement.ledger.record(path)
                    relative = path.relative_to(destination)
                    if path.is_file() and ".git" not in relative.parts:
                        added.append(str(relative))
    return added


def _answers_recorded(request: NewRequest, project: Path) -> dict[str, object]:
    """The answers the render recorded, as copier reads them back (``_`` keys left out)."""
    from pickenv.templating.answers import read_answers

    name = str(request.answers_file or ".copier-answers.yml")
    if "{{" in name or not (project / name).is_file():
        return {}
    return {k: v for k, v in read_answers(project, name).items() if not k.startswith("_")}


def _entries(root: Path) -> list[Path]:
    found = []
    for folder, dirs, files in os.walk(root):  # never into a link
        dirs.sort()
        found += [Path(folder, name) for name in [*dirs, *sorted(files)]]
    return found


def _render(request: NewRequest, data: Mapping[str, object], target: Path, *, tasks: bool) -> str:
    """Render into ``target``, and refuse links out of the project nobody trusted. What
    a team template does not ask is recorded beside its files (``templating.offer``).
    Returns the tool of a template that owns it, as its files say ("" otherwise)."""
    render(request.template, data, target, trusted=request.trusted, ask=request.ask_template,
           skip_tasks=not tasks)  # fmt: skip
    if not (request.trusted or request.trust_links):
        refuse_outside_links(target, request.template.location)
    aside = kept_aside(request)
    if aside and not (target / PICKENV_ANSWERS).exists():  # a template of its own may write one
        (target / PICKENV_ANSWERS).write_text(pickenv_answers_text(aside), encoding="utf-8")
    if request.offer is None or not request.offer.owns_tool:
        return ""
    from pickenv.existing.detect import detect

    return detect(target).tool or ""


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
        owned = _render(request, template_data(request), Path(scratch), tasks=False)  # writes nothing
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
