"""`pickenv switch`'s service: move an existing project to another environment tool
without losing a dependency.

The dependencies are carried by pickenv itself, never left to a template: copier's
update drops a package the user added to a file the new tool does not use, and
``pipenv install -r`` rewrites ``.`` as a machine's absolute path. So the packages
are read from the files that go away (``project.deps``), the project's template is
rendered again with the new tool when it has one (``project.update.retool``, so the
README, CI workflow and .gitignore follow), the old tool's files are removed, and
every package the new files do not declare yet is written into them
(``project.depfiles``). The result is read back: a package missing from it is a bug
and stops the switch. A dirty tree is refused; on any failure or signal the tree is
put back as it was (``project.worktree``), a created environment included.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path

from pickenv.context import Context
from pickenv.errors import (
    AnswerError,
    EnvironmentCreationError,
    Fix,
    PickenvError,
    ProjectError,
    UsageError,
)
from pickenv.project.carry import declared, old_files, read_old, write_missing
from pickenv.project.choice import ToolChoice
from pickenv.project.depfiles import Skeleton
from pickenv.project.deps import Dependency, Leftover, has_project_table, installable, origin_file
from pickenv.project.detect import Detection, detect
from pickenv.project.worktree import WorkTree
from pickenv.questionnaire.questions import Value
from pickenv.tools.base import EnvTool
from pickenv.tools.steps import Progress, StepResult, run_steps
from pickenv.versions import PythonVersion


@dataclass(frozen=True)
class SwitchRequest:
    project: Path
    to: str
    dry_run: bool = False
    create_env: bool = False
    python: str | None = None  # the interpreter for --create-env (default: found on PATH)
    cli_rules: Sequence[Path] = ()
    layers: Sequence[str] = ()
    given: dict[str, Value] | None = None  # answers the user gave (--answer)
    allow: Callable[[tuple[str, ...], str], bool] = lambda unsafe, location: False


@dataclass(frozen=True)
class SwitchResult:
    path: Path
    old: str
    new: str
    rerendered: bool  # the project's template was rendered again with the new tool
    dependencies: tuple[Dependency, ...]  # every package the old files declared
    written: tuple[tuple[str, Dependency], ...]  # (file, package) written by pickenv
    removed: tuple[str, ...]  # the old tool's files
    changes: tuple[tuple[str, str], ...]  # (git status, path)
    conflicts: tuple[str, ...]
    leftovers: tuple[Leftover, ...]  # what the new files cannot say
    unused: tuple[str, ...]  # files only the removed ones included (their packages moved)
    old_env: str  # the command that removes the old environment ("" when there is none)
    next: tuple[str, ...]  # how to create the new environment
    created: tuple[StepResult, ...] = ()
    env_note: str = ""  # why the environment asked for was not created
    diff: str = ""  # --dry-run: the change as a diff
    dry_run: bool = False


def switch_project(request: SwitchRequest, ctx: Context, progress: Progress) -> SwitchResult:
    from pickenv.project.update import is_builtin, recorded_answers
    from pickenv.tools import get_tool, tool_names

    project = request.project
    found = detect(project)
    if found.tool is None:
        raise ProjectError(
            f"{project} has no dependency files of a tool pickenv knows "
            "(requirements*.txt, Pipfile, environment.yml, pyproject.toml)",
            fixes=[Fix.NOT_A_PROJECT],
        )
    if found.tool not in tool_names():
        raise ProjectError(f"{project} uses {found.tool}, whose files pickenv cannot carry yet", fixes=[])
    if found.confidence != "high":  # which files to carry would be a guess
        why = found.findings[0].split(";")[0] if found.findings else "only an environment folder names it"
        raise ProjectError(f"which tool {project} uses is not clear: {why}", fixes=[Fix.ONE_TOOL])
    others = [t for t in tool_names() if t != found.tool]
    if request.to == found.tool:
        raise UsageError(
            f"{project} uses {found.tool} already",
            fixes=[Fix.OTHER_TARGET],
            facts={"tools": ", ".join(others)},
        )
    recorded = recorded_answers(project)
    template = recorded is not None and "tool" in recorded
    team = template and recorded is not None and not is_builtin(recorded)
    if team and request.create_env:
        raise UsageError(
            "pickenv creates environments for its own template only; the project's README says how",
            fixes=[Fix.SKIP_ENV_TEAM],
        )
    answers = _answers(found, recorded, request.given or {})
    offered = _offered(recorded, ctx) if team and recorded is not None else None
    choice = _judge(request, ctx, answers, found.tool, offered)
    version = choice.version
    target = get_tool(request.to)
    locked = bool(answers.get("lockfile")) and target.can_lock(version)
    if (
        locked
        and "pyproject.toml" in target.dependency_homes(True)["runtime"]
        and not has_project_table(project)
    ):
        locked = False  # the lock would be compiled from a [project] table the project lacks
    _check_target(project, target, locked, request.python if request.create_env else None, version)
    name = str(answers.get("project_name") or project.name)
    tree = WorkTree.of(project, ctx.env)
    head = tree.require_clean()
    reasons = (choice.reasons(found.tool), choice.reasons(target.name))
    plan = _Plan(found, target, version, locked, name, template, reasons, team)
    if request.create_env:
        _check_env_paths(project, target, locked, get_tool(found.tool).removal(project, name))
    if request.dry_run:
        return _dry_run(plan, request, tree, ctx)
    ignored = tree.ignored()
    env_paths = [project / p for p in target.writes if not (project / p).exists()]
    try:
        result = _apply(plan, project, tree, ctx, request.allow)
        if request.create_env:
            result = _create(result, plan, request, ctx, progress)
        return result
    except BaseException:
        tree.restore(head, ignored, every_new=True)
        for path in env_paths:  # ignored by .gitignore, so not restored by git
            shutil.rmtree(path, ignore_errors=True)
        raise


@dataclass(frozen=True)
class _Plan:
    found: Detection
    target: EnvTool
    version: PythonVersion
    locked: bool
    name: str
    template: bool  # a project made from a template that records its tool
    reasons: tuple[tuple[str, ...], tuple[str, ...]]  # why the old tool, why the new one
    team: bool = False  # a team's template: its README says how to set the project up


def _answers(found: Detection, recorded: object, given: dict[str, Value]) -> dict[str, Value]:
    """The recorded answers of a template's project, else what the files say."""
    answers: dict[str, Value] = dict(found.inferred.answers)
    if isinstance(recorded, dict):
        answers.update({k: v for k, v in recorded.items() if not k.startswith("_")})
    return {**answers, **given}


def _offered(recorded: Mapping[str, object], ctx: Context) -> tuple[str, ...]:
    """The tools a team's template scaffolds, at the version the project is at."""
    from pickenv.project.source import inspect, resolve_source

    commit = recorded.get("_commit")
    source = resolve_source(str(recorded["_src_path"]), str(commit) if commit else None, ctx)
    return inspect(source, ctx).tools


def _judge(
    request: SwitchRequest,
    ctx: Context,
    answers: dict[str, Value],
    old: str,
    offered: tuple[str, ...] | None = None,
) -> ToolChoice:
    """The rules must allow the new tool for this project, as `pickenv new --tool` does."""
    from pickenv.questionnaire.questions import QUESTIONS
    from pickenv.rules.engine import Assessment
    from pickenv.rules.service import assess_with_layer, recommend_for
    from pickenv.tools import tool_names

    given = {q.id: answers[q.id] for q in QUESTIONS if q.id in answers}
    result = recommend_for(
        ctx, cli_rules=request.cli_rules, layers=request.layers, given=given, use_defaults=True, ask=None
    )
    rated = dict(result.answers)

    def outside(tool: str) -> Assessment | None:
        return assess_with_layer(ctx, request.cli_rules, request.layers, rated, tool)

    known = tool_names()
    usable = [t for t in known if offered is None or t in offered]
    choice = ToolChoice(result, usable, known, outside)
    if request.to not in usable:
        raise ProjectError(
            f"the project's template offers {', '.join(usable)}; not {request.to}",
            fixes=[Fix.OTHER_TARGET],
            facts={"tools": ", ".join(t for t in choice.allowed() if t != old) or "none"},
        )
    why = choice.refusal(request.to)
    if why:
        allowed = [t for t in choice.allowed() if t != old]
        raise ProjectError(
            f"{request.to} does not fit this project: {why}",
            fixes=[Fix.OTHER_TARGET],
            facts={"tools": ", ".join(allowed) or "none"},
        )
    return choice


def _check_target(
    project: Path, target: EnvTool, locked: bool, python: str | None, version: PythonVersion
) -> None:
    """What would stop the switch half-way, found before anything changes."""
    for group, homes in target.dependency_homes(locked).items():
        if homes == ("pyproject.toml",) and not has_project_table(project):
            raise ProjectError(
                f"{target.name} reads the {group} dependencies from pyproject.toml's [project] table, "
                "which the project has not",
                fixes=[Fix.ADD_PROJECT_TABLE],
            )
    if python is not None:
        from pickenv.tools.interpreters import interpreter_version

        found = interpreter_version(python)
        if found is None:
            raise UsageError(
                f"{python} is not a working Python interpreter",
                fixes=[Fix.GIVE_INTERPRETER],
                facts={"version": str(version)},
            )
        if found != version:  # the new files name the project's version
            raise AnswerError(
                f"{python} is Python {found}, but the project targets {version}",
                fixes=[Fix.MATCH_VERSION],
                facts={"version": str(version), "found": str(found)},
            )


def _check_env_paths(project: Path, target: EnvTool, locked: bool, removal: str) -> None:
    for path in (*target.writes, *target.lock_files(locked)):
        if path in target.files(locked):
            continue
        if (project / path).exists():
            raise ProjectError(
                f"{project / path} exists (the old environment) and {target.name} would create its own there",
                fixes=[Fix.REMOVE_OLD_ENV],
                facts={"command": removal or f"rm -rf {path}"},
            )


# ---- the change ------------------------------------------------------------------------------
def _apply(
    plan: _Plan, project: Path, tree: WorkTree, ctx: Context, allow: Callable[[tuple[str, ...], str], bool]
) -> SwitchResult:
    from pickenv.tools import get_tool

    old = get_tool(plan.found.tool or "")
    old_env = old.removal(project, plan.name)  # before its files go
    target = plan.target
    target_files = {*target.files(plan.locked), *target.lock_files(plan.locked)}
    kept = old_files(plan.found, old)
    going = kept - target_files - {"pyproject.toml"}
    # a team's template says how its pyproject.toml is installed; pickenv's own and
    # ordinary projects get its lists carried where the new tool would not install them
    carried = read_old(project, kept, old, target, pyproject=not plan.team)
    conflicts: tuple[str, ...] = ()
    if plan.template:
        from pickenv.project.update import Retool, retool

        conflicts = retool(project, tree, Retool(target.name, allow, plan.reasons), ctx)
        homes = {name for names in target.dependency_homes(plan.locked).values() for name in names}
        blocking = [path for path in conflicts if path in homes]
        if blocking:  # the packages cannot be read from a file with conflict markers
            raise ProjectError(
                f"rendering the template for {target.name} conflicts with your edits in "
                f"{', '.join(blocking)}",
                fixes=[Fix.MERGE_BY_HAND],
            )
    removed = []
    for name in sorted(going):
        path = project / name
        if path.is_file():
            path.unlink()
            removed.append(name)
    try:
        skeleton = Skeleton(str(plan.version), plan.name, installable(project), target.dev_dependencies)
        written, differing = write_missing(
            project, carried.items, target, plan.locked, skeleton, plan.template
        )
        now = declared(project, target, plan.locked).names()
    except ProjectError as exc:
        if not plan.template:
            raise
        # the files were readable before: copier's merge of the new render made them not
        raise ProjectError(
            f"rendering the template for {target.name} left a file pickenv cannot read: {exc.message}",
            fixes=[Fix.MERGE_BY_HAND],
        ) from None
    missing = [d.name for d in carried.items if d.name not in now]
    if missing:  # the writers must have placed every package: never report a loss as a switch
        raise PickenvError(f"switching would lose {', '.join(missing)}; nothing was changed")
    manual = (
        ("# set it up as its README says",)
        if plan.team
        else target.manual(plan.version, plan.name, plan.locked)
    )
    included = {origin_file(d.origin) for d in carried.items} - going - target_files
    unused = tuple(name for name in sorted(included - {"pyproject.toml"}) if (project / name).is_file())
    return SwitchResult(
        path=project,
        old=old.name,
        new=target.name,
        rerendered=plan.template,
        dependencies=carried.items,
        written=tuple(written),
        removed=tuple(sorted(set(removed) | _gone(tree, going))),
        changes=tuple(tree.status()),
        conflicts=conflicts,
        leftovers=carried.leftovers + tuple(differing),
        unused=unused,
        old_env=old_env,
        next=manual,
    )


def _gone(tree: WorkTree, going: set[str]) -> set[str]:
    """Files of the old tool that the template's render removed already."""
    return {path for code, path in tree.status() if "D" in code and path in going}


# ---- the environment --------------------------------------------------------------------------
def _create(
    result: SwitchResult, plan: _Plan, request: SwitchRequest, ctx: Context, progress: Progress
) -> SwitchResult:
    from pickenv.tools.base import ToolContext
    from pickenv.tools.interpreters import find_interpreter

    target = plan.target
    python = None
    if target.interpreter != "unused":
        python = request.python or find_interpreter(
            plan.version, ctx.env, ctx.home, (ctx.host_python, ctx.host_version)
        )
    tool_ctx = ToolContext(
        env=ctx.env,
        cache_dir=ctx.cache_dir,
        host_python=ctx.host_python,
        python=python,
        version=plan.version,
        project_name=plan.name,
        probe=True,
        locked=plan.locked,
    )
    steps = target.plan(tool_ctx)
    if not steps.available:
        return replace(result, env_note=f"{steps.missing}; create it with the commands below")
    try:
        created = target.create(result.path, tool_ctx, progress, steps)
    except BaseException:
        if steps.cleanup:
            with suppress(EnvironmentCreationError):
                run_steps(steps.cleanup, result.path.parent, ctx.env, lambda _: None)
        raise
    tree = WorkTree.of(result.path, ctx.env)
    return replace(result, created=tuple(created), changes=tuple(tree.status()))


# ---- --dry-run --------------------------------------------------------------------------------
def _dry_run(plan: _Plan, request: SwitchRequest, tree: WorkTree, ctx: Context) -> SwitchResult:
    """The switch made in a throwaway clone of the last commit, shown as a diff."""
    from pickenv.tools import get_tool

    with tree.scratch_clone("pickenv-switch-") as clone:
        copy = clone / request.project.relative_to(tree.top)
        scratch_tree = WorkTree.of(copy, ctx.env)
        moved = replace(plan, found=replace(plan.found, path=copy))
        result = _apply(moved, copy, scratch_tree, ctx, request.allow)
        scratch_tree.run("add", "-A")
        diff = scratch_tree.run("-c", "core.quotepath=off", "diff", "--cached", "--no-color", "HEAD")
    return replace(
        result,
        path=request.project,
        old_env=get_tool(result.old).removal(request.project, plan.name),
        diff=diff,
        dry_run=True,
    )
