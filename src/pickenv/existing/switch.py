"""`pickenv switch`'s service: move an existing project to another environment tool,
losing nothing without the user's word.

The switch is always made in a scratch clone of the project's last commit: the
project's template rendered again for the new tool where it has one (copier's
three-way merge keeps the user's edits), every group carried into the new tool's
files (``existing.carry``), the old tool's files removed, and the result read back and
compared with what the old files declared (``existing.ledger``). A ledger with losses
stops the switch unless the user accepts them. A dry run shows the clone's diff; a
real run applies that diff to the work tree, which had to be clean, so on any failure
or signal the tree is put back exactly. Nothing is ever committed, and pickenv's own
commits (copier's merge needs one) stay in the clone.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from pickenv.answering.policy import Answering
from pickenv.context import Context
from pickenv.creation.choice import ToolChoice
from pickenv.creation.name import usable_name
from pickenv.errors import Fix, ProjectError, UsageError
from pickenv.existing.carry import Carried
from pickenv.existing.environment import TestRun, create_environment, tool_context
from pickenv.existing.ledger import Ledger
from pickenv.formats.model import Declared, Package
from pickenv.questionnaire.questions import Value
from pickenv.repo.worktree import WorkTree
from pickenv.tools.base import EnvTool, ToolContext
from pickenv.tools.environments import checked_interpreter, found_interpreter, refuse_old_environment
from pickenv.tools.steps import Progress, StepResult
from pickenv.versions import PythonVersion


@dataclass(frozen=True)
class SwitchRequest:
    project: Path
    to: str
    dry_run: bool = False
    accept_losses: bool = False  # carry on although the ledger lists losses
    create_env: bool = False
    python: str | None = None  # the interpreter for --create-env (default: found on PATH)
    tests_must_pass: bool = False  # put everything back when the project's tests fail in the new environment
    answering: Answering = field(default_factory=Answering)  # the run's answers and rules
    allow: Callable[[tuple[str, ...], str], bool] = lambda unsafe, location: False


@dataclass(frozen=True)
class SwitchResult:
    path: Path
    old: str
    new: str
    rerendered: bool  # the project's template was rendered again with the new tool
    ledger: Ledger
    groups: tuple[tuple[str, str], ...]  # (old group, the new group that installs it now)
    read: tuple[str, ...]  # every file of the old tool that was read
    written: tuple[str, ...]  # files pickenv wrote
    removed: tuple[str, ...]  # the old tool's files (and tables) that went
    changes: tuple[tuple[str, str], ...]  # (git status, path)
    conflicts: tuple[str, ...]
    references: tuple[
        tuple[str, int, str, str], ...
    ] = ()  # (file, line, text, what): files naming the old tool
    old_env: str = ""  # the command that removes the old environment ("" when there is none)
    next: tuple[str, ...] = ()  # how to create the new environment
    created: tuple[StepResult, ...] = ()
    env_note: str = ""  # why the environment asked for was not created
    tests: TestRun | None = None
    diff: str = ""  # --dry-run, or a refusal: the change as a diff
    dry_run: bool = False
    refused: bool = False  # the ledger lists losses the user did not accept: nothing was changed
    recommended: str = ""  # the tool pickenv recommends for the project's answers (the policy's)


def switch_project(request: SwitchRequest, ctx: Context, progress: Progress) -> SwitchResult:
    from pickenv.existing.detect import detect
    from pickenv.formats.files import ProjectFiles
    from pickenv.formats.package import read_package
    from pickenv.templating.answers import recorded_answers
    from pickenv.templating.update_source import is_builtin
    from pickenv.tools import get_tool, tool_names

    project = request.project
    found = detect(project)
    if found.tool is None:
        raise ProjectError(
            f"{project} has no dependency files of a tool pickenv knows "
            "(requirements*.txt, Pipfile, environment.yml, pyproject.toml with uv)",
            fixes=[Fix.NOT_A_PROJECT],
        )
    if found.tool not in tool_names():
        raise ProjectError(f"{project} uses {found.tool}, whose files pickenv cannot carry yet", fixes=[])
    if found.members and found.confidence != "high":  # a monorepo: which project to move?
        members = ", ".join(found.members)
        raise ProjectError(f"{project} holds projects of their own ({members})", fixes=[Fix.SWITCH_MEMBERS])
    files = ProjectFiles(project)
    package = read_package(files)
    if package.workspace:
        members = ", ".join(package.workspace)
        raise ProjectError(f"{project} is a uv workspace (members: {members})", fixes=[Fix.SWITCH_MEMBERS])
    old_tool, target = get_tool(found.tool), get_tool(request.to)
    old = old_tool.read_environment(files, package)  # a file its tool would refuse stops here
    if found.confidence != "high":  # which files to carry would be a guess
        why = found.findings[0].split(";")[0] if found.findings else "only an environment folder names it"
        raise ProjectError(f"which tool {project} uses is not clear: {why}", fixes=[Fix.ONE_TOOL])
    if request.to == found.tool:
        others = [t for t in tool_names() if t != found.tool]
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
    answering = request.answering.with_project(found.inferred.answers, found.inferred.sources)
    answers = _answers(recorded, answering)
    offered = _offered(recorded, ctx) if team and recorded is not None else None
    choice = _judge(request, ctx, answering, found.tool, offered)
    version = choice.version
    if request.create_env and request.python:  # refused before anything changes
        checked_interpreter(request.python, version)
    name = str(answers.get("project_name") or package.name or usable_name(project.name))
    tree = WorkTree.of(project, ctx.env)
    head = tree.require_clean()
    reasons = (choice.reasons(found.tool), choice.reasons(target.name))
    locked = template and bool(answers.get("lockfile")) and target.can_lock(version)
    stated = found.inferred.python_stated or "python_version" in answering.stated or bool(request.python)
    plan = _Plan(
        old_tool,
        target,
        version,
        name,
        template,
        reasons,
        locked,
        team,
        stated,
        choice.recommendation.recommendation,
    )
    if request.create_env:
        refuse_old_environment(project, target, old_tool.removal(project, name, ctx.system), ctx.system)
    progress(f"Carrying {len(old.groups)} group{'s' * (len(old.groups) != 1)} into {target.name}'s files")
    result, patch, plan = _in_scratch(plan, request, tree, ctx, old, package)
    if result.refused or request.dry_run:
        return result
    ignored = tree.ignored()
    env_paths = [project / p for p in target.writes if not (project / p).exists()]
    try:
        tree.apply(patch)
        result = replace(result, changes=tuple(tree.status()), references=_references(result, tree, old_tool))
        if request.create_env:
            made = create_environment(
                project, target, (plan.version, plan.name, plan.setup), ctx, progress,
                python=request.python, test_source=plan.test_source, tests_must_pass=request.tests_must_pass,
            )  # fmt: skip
            changes = tuple(tree.status())
            result = replace(
                result, created=made.created, tests=made.tests, env_note=made.note, changes=changes
            )
        return result
    except BaseException:
        tree.restore(head, ignored, every_new=True)
        for path in env_paths:  # ignored by .gitignore, so not restored by git
            shutil.rmtree(path, ignore_errors=True)
        raise


@dataclass(frozen=True)
class _Plan:
    old: EnvTool
    target: EnvTool
    version: PythonVersion
    name: str
    template: bool  # a project made from a template that records its tool
    reasons: tuple[tuple[str, ...], tuple[str, ...]]  # why the old tool, why the new one
    locked: bool = False  # a template's project that asked for a lock file
    team: bool = False  # a team's template: its README says how to set the project up
    # The version was given (an answer, --python) or a file names it; else it is the newest
    # a bound admits, and the new files keep the old files' bound instead of pinning it.
    stated: bool = True
    recommended: str = ""
    # How the new files are installed and tested (ToolContext's install, install_project,
    # locked and test), once they are written; and where the test command was read.
    setup: Mapping[str, object] = field(default_factory=dict)
    test_source: str = ""


def _in_scratch(
    plan: _Plan, request: SwitchRequest, tree: WorkTree, ctx: Context, old: Declared, package: Package
) -> tuple[SwitchResult, bytes, _Plan]:
    """The switch made in a throwaway clone of the last commit: its result, the patch
    that makes it in the work tree, and how its environment is made."""
    from pickenv.existing.carry import carry
    from pickenv.formats.base import RenderOptions

    with tree.scratch_clone("pickenv-switch-") as clone:
        copy = clone / request.project.relative_to(tree.top)
        scratch = WorkTree.of(copy, ctx.env)
        conflicts: tuple[str, ...] = ()
        if plan.template:
            from pickenv.templating.update import Retool, retool

            conflicts = retool(copy, scratch, Retool(plan.target.name, request.allow, plan.reasons), ctx)
        python = str(plan.version) if plan.stated else ""
        options = RenderOptions(plan.name, python, origin=", ".join(old.files) or plan.old.name)
        try:
            carried = carry(
                copy, plan.old, plan.target, old, package, options, template=plan.template,
                tool_ctx=_lock_context(plan, request, ctx),
            )  # fmt: skip
        except ProjectError as exc:
            if not plan.template:
                raise
            # the files were readable before: copier's merge of the new render made them not
            why = f"rendering the template for {plan.target.name} left a file pickenv cannot read"
            raise ProjectError(f"{why}: {exc.message}", fixes=[Fix.MERGE_BY_HAND]) from None
        blocking = [c for c in conflicts if c in carried.written or c in carried.removed]
        if blocking:  # the packages cannot be read from a file with conflict markers
            why = f"rendering the template for {plan.target.name} conflicts with your edits"
            raise ProjectError(f"{why} in {', '.join(blocking)}", fixes=[Fix.MERGE_BY_HAND])
        plan = _setup(plan, carried, copy)
        scratch.run("add", "-A")
        patch = scratch.patch()
        diff = scratch.run("-c", "core.quotepath=off", "diff", "--cached", "--no-color", "HEAD")
        changes = tuple((code, path) for code, path in _staged(scratch))
    refused = bool(carried.ledger.blocking) and not request.accept_losses
    result = SwitchResult(
        path=request.project,
        old=plan.old.name,
        new=plan.target.name,
        rerendered=plan.template,
        ledger=carried.ledger,
        groups=carried.ledger.groups,
        read=tuple(dict.fromkeys(old.files + old.lock_files)),
        written=carried.written,
        removed=carried.removed,
        changes=changes,
        conflicts=conflicts,
        old_env=plan.old.removal(request.project, plan.name, ctx.system),
        next=_next(plan),
        diff=diff if request.dry_run else "",
        dry_run=request.dry_run,
        refused=refused,
        recommended=plan.recommended,
    )
    return result, patch, plan


def _setup(plan: _Plan, carried: Carried, folder: Path) -> _Plan:
    """How the switched files are installed and tested: a template's files as the
    template's tool installs them, others as the layout says, with the project's own
    test command."""
    from pickenv.existing.testcommand import find_test_command
    from pickenv.formats.files import ProjectFiles

    found = find_test_command(ProjectFiles(folder))
    test = found.argv if found is not None and found.certain else ()
    source = found.source if found is not None and found.certain else ""
    if plan.template:
        return replace(plan, setup={"locked": plan.locked, "test": test}, test_source=source)
    layout = carried.layout
    setup = {
        "locked": False,
        "install": layout.install,
        "install_project": layout.install_project,
        "test": test,
    }
    return replace(plan, setup=setup, test_source=source)


def _next(plan: _Plan) -> tuple[str, ...]:
    if plan.team:
        return ("# set it up as its README says",)
    ctx = tool_context(plan.version, plan.name, plan.setup)
    return plan.target.manual(plan.version, plan.name, plan.locked, ctx)


def _lock_context(plan: _Plan, request: SwitchRequest, ctx: Context) -> ToolContext:
    """What a tool that locks itself (uv) locks with: the project's Python, where there is one."""
    python = request.python or found_interpreter(plan.version, ctx)
    return tool_context(plan.version, plan.name, {}, ctx, python)


def _staged(tree: WorkTree) -> list[tuple[str, str]]:
    out = tree.run("diff", "--cached", "--name-status", "-z", "HEAD")
    parts = [p for p in out.split("\0") if p]
    rows = []
    index = 0
    while index < len(parts):
        code = parts[index]
        if code[0] in "RC":
            rows.append((code[0] + " ", parts[index + 2]))
            index += 3
        else:
            rows.append((code[0] + " ", parts[index + 1]))
            index += 2
    return rows


def _references(
    result: SwitchResult, tree: WorkTree, old_tool: EnvTool
) -> tuple[tuple[str, int, str, str], ...]:
    """Files that still name the old tool or a removed file: Dockerfile, CI, Makefile, README."""
    from pickenv.existing.references import find_references, mentions_for

    project = result.path
    prefix = project.relative_to(tree.top).as_posix()
    tracked = [
        p[len(prefix) + 1 :] if prefix != "." else p
        for p in tree.run("ls-files", "-z", "--", str(project)).split("\0")
        if p
    ]
    removed = [r for r in result.removed if " [" not in r]
    mentions = mentions_for(old_tool.mentions, removed)
    found = find_references(project, mentions, tracked, skip=frozenset(result.written))
    return tuple((r.path, r.line, r.text, r.mention.what) for r in found)


# ---- answers and rules ------------------------------------------------------------------------
def _answers(recorded: object, answering: Answering) -> dict[str, Value]:
    """The questions' answers as the policy settles them, over the other answers a
    template's project recorded (its name, whether it asked for a lock file)."""
    answers: dict[str, Value] = {}
    if isinstance(recorded, dict):
        answers.update({k: v for k, v in recorded.items() if not k.startswith("_")})
    return {**answers, **answering.given}


def _offered(recorded: Mapping[str, object], ctx: Context) -> tuple[str, ...]:
    """The tools a team's template scaffolds, at the version the project is at."""
    from pickenv.templating.source import inspect, resolve_source

    commit = recorded.get("_commit")
    source = resolve_source(str(recorded["_src_path"]), str(commit) if commit else None, ctx)
    return inspect(source, ctx).tools


def _judge(
    request: SwitchRequest, ctx: Context, answering: Answering, old: str, offered: tuple[str, ...] | None
) -> ToolChoice:
    """The rules must allow the new tool for this project, as `pickenv new --tool` does."""
    from pickenv.rules.engine import Assessment
    from pickenv.rules.service import assess_with_layer
    from pickenv.tools import tool_names

    result = answering.recommend(ctx, use_defaults=True)
    rated = dict(result.answers)

    def outside(tool: str) -> Assessment | None:
        return assess_with_layer(ctx, answering.rules, answering.layers, rated, tool)

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
