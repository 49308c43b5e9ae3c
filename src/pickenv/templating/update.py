"""`pickenv update`'s service: bring a project to a newer version of its template with
copier's own update (a three-way merge of the old render, the new render and the
project), keeping the user's edits and every answer.

Projects made by pickenv record its template history (``project.history``); projects
made by pickenv 0.1.0 recorded the installed template folder and no version: they are
linked to the 0.1.0 tag as part of their first update. On any failure or signal the
work tree is put back exactly as it was (``project.worktree``).

pickenv never commits on the user's branch. copier reads the old template's place from
the committed answers file, so a project that must be linked first is updated in a
scratch clone (where the link is committed) and the result carried over to the work
tree and index; every other update is copier's own, in place, which writes no ref
either. A run killed half-way leaves either nothing or a changed answers file, and the
next run refuses to call such a tree up to date (``WorkTree.unfinished_update``).
"""

from __future__ import annotations

import os
import tempfile
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from pickenv.context import Context
from pickenv.errors import Fix, PickenvError, ProjectError, TemplateError, UsageError
from pickenv.repo.git import disk_trouble, probe, shown
from pickenv.repo.worktree import WorkTree, require_usable_temp
from pickenv.templating.answers import ANSWERS_FILE, read_answers
from pickenv.templating.history import release_key
from pickenv.templating.render import failure_text, template_failures
from pickenv.templating.team import TeamFile
from pickenv.templating.update_answers import added_answers, find_answers_file, refuse_unknown
from pickenv.templating.update_source import FIRST_RELEASE, UpdateSource, update_source, with_consent

ConflictMode = Literal["inline", "rej"]
CONFLICT_MODES: tuple[ConflictMode, ...] = ("inline", "rej")


@dataclass(frozen=True)
class UpdateRequest:
    project: Path
    to: str | None  # a tag of the template (default: the newest)
    check: bool  # only say what would change
    conflict: ConflictMode  # conflict markers in the files, or .rej files beside them
    # Asked with what the new version runs (tasks, migrations, extensions) and where it
    # is from: True to allow it (raises when the user does not).
    allow: Callable[[tuple[str, ...], str], bool] = lambda unsafe, location: False
    pins: Mapping[str, str] = field(default_factory=dict)  # a team's template source -> its pinned ref
    data: Mapping[str, object] = field(default_factory=dict)  # answers the user asked to change (or to give)
    # The team file's values for questions a new version of the template adds: its
    # `data`, then its fixed answers, then pickenv's answers recorded aside, then its
    # defaults (the last three through its `questions` mapping).
    team: TeamFile | None = None
    skip_tasks: bool = False  # run none of the template's tasks (--check never runs them)
    recopy: bool = False  # copier's recopy: render the version again over the project, no merge
    answers_file: str | None = None  # the answers file, relative to the project (None: found)

    @property
    def without_tasks(self) -> bool:
        """--check never runs the template's tasks: it changes nothing, anywhere."""
        return self.skip_tasks or self.check


@dataclass(frozen=True)
class UpdateResult:
    path: Path
    template: str  # the template's source, as the project records it
    old: str  # the template version the project was at
    new: str  # the version it is (or would be) at
    linked: bool  # a pickenv 0.1.0 project linked to the template history
    changes: tuple[tuple[str, str], ...]  # (git status, path) of each changed file
    conflicts: tuple[str, ...]  # files with conflict markers
    rejects: tuple[str, ...]  # .rej files of hunks that did not apply
    checked: bool  # --check: nothing was changed
    added: tuple[tuple[str, str, str], ...] = ()  # (question, value, from where) for questions it adds
    notes: tuple[str, ...] = ()
    again: tuple[str, ...] = ()  # the flags that repeat this run (for the "Next:" command)

    @property
    def available(self) -> bool:
        return self.old != self.new


def update_project(request: UpdateRequest, ctx: Context) -> UpdateResult:
    project = request.project
    name = request.answers_file or find_answers_file(project)
    answers_path = project / name
    if not answers_path.is_file():
        raise ProjectError(
            f"{shown(project)} has no {name}: it was not made from a template",
            fixes=[Fix.NOT_A_PROJECT],
        )
    answers = read_answers(project, name)
    if "tool" in request.data:
        raise UsageError(
            "an update never changes the tool: switching moves the dependencies, which an update does not",
            fixes=[],
        )
    tree = WorkTree.of(project, ctx.env)
    unfinished = tree.unfinished_update(under=project, answers_file=name)
    if unfinished:  # never "up to date" on the answers of an update nobody committed
        raise ProjectError(unfinished)
    source = update_source(answers, request.to, ctx, request.pins)
    if release_key(source.old) is not None and release_key(source.new) is not None:
        old_key, new_key = release_key(source.old), release_key(source.new)
        assert old_key is not None and new_key is not None
        if old_key > new_key:
            raise ProjectError(
                f"{shown(project)} is at template {source.old}, newer than {source.new}: "
                "pickenv never downgrades",
                fixes=[Fix.UPGRADE_PICKENV] if source.builtin else [],
                facts={"version": source.old.split("+")[0]},
            )
    notes = (source.note,) if source.note else ()
    if source.old == source.new and not request.data and not request.recopy:
        return UpdateResult(
            project, source.recorded, source.old, source.new, False, (), (), (), checked=True, notes=notes
        )
    source, asked = with_consent(source, request.allow, request.without_tasks, ctx)
    refuse_unknown(request.data, answers, asked)
    added = added_answers(request.team, request.data, answers, asked, project, name)
    data = {**{q: v for q, (v, _) in added.items()}, **request.data}
    request = replace(request, data=data)
    tree.head()  # a project without a commit has nothing to compare with
    if not tree.committed(answers_path):  # the scratch clone would not have it
        raise ProjectError(
            f"{shown(project)} is not committed in the git repository at {shown(tree.top)}",
            fixes=[Fix.COMMIT_FIRST, Fix.GIT_INIT],
        )
    require_usable_temp()
    shown_added = tuple((q, str(v), where) for q, (v, where) in added.items())
    if request.check:
        return replace(_check(request, source, tree, ctx, name), added=shown_added, notes=notes)
    head = tree.require_clean()
    tree.require_writable()
    ignored = tree.ignored()
    try:
        # The link is a commit: made in a scratch clone, never on the branch. So is the
        # update of a repository whose folder has a line break (see require_usable_temp).
        if source.linked or "\n" in str(tree.top):
            _update_aside(request, source, tree, ctx, name)
        else:
            _run_copier(project, tree, source, _Run.of(request, name), scratch=False)
        return replace(_result(request, source, tree, project, ignored), added=shown_added, notes=notes)
    except BaseException as exc:
        _undo(tree, head, ignored, exc)
        raise


@dataclass(frozen=True)
class Retool:
    """What ``pickenv switch`` renders the project's template again with."""

    tool: str
    allow: Callable[[tuple[str, ...], str], bool]
    # Why each tool (pickenv's template shows it in the README; it is not recorded):
    # the old render must show the old tool's reasons, or copier takes the README's
    # paragraph for the user's edit and makes it a conflict.
    reasons: tuple[Sequence[str], Sequence[str]] | None = None


def retool(project: Path, tree: WorkTree, change: Retool, ctx: Context) -> tuple[str, ...]:
    """Render the project's template again, at the version the project is at, with
    another ``tool`` answer: copier's three-way merge keeps the user's edits in the
    README, CI workflow and the rest. Returns the files with conflicts. The caller
    restores the tree on failure."""
    answers = read_answers(project)
    at = str(answers.get("_commit") or FIRST_RELEASE)
    source = update_source(answers, at, ctx, {})
    request = UpdateRequest(project, at, check=False, conflict="inline", allow=change.allow)
    data: dict[str, object] = {"tool": change.tool}
    old_data: dict[str, object] = {}
    if source.builtin and change.reasons is not None:
        old_data["reasons"], data["reasons"] = (list(r) for r in change.reasons)
    run = _Run("inline", data, ANSWERS_FILE, skip_tasks=False, old_data=old_data)
    _run_copier(project, tree, with_consent(source, request.allow, False, ctx)[0], run, scratch=True)
    return tuple(tree.unmerged())


@dataclass(frozen=True)
class _Run:
    """How copier's update is run."""

    conflict: ConflictMode
    data: Mapping[str, object]  # answers to change or to give
    answers_file: str  # relative to the project
    skip_tasks: bool
    # values the old render needs that the answers file does not record (see _run_copier)
    old_data: Mapping[str, object] = field(default_factory=dict)
    recopy: bool = False  # copier's recopy: the new version's files as they are, answers kept

    @classmethod
    def of(cls, request: UpdateRequest, answers_file: str) -> _Run:
        return cls(request.conflict, request.data, answers_file, request.without_tasks, recopy=request.recopy)


def _run_copier(project: Path, tree: WorkTree, source: UpdateSource, run: _Run, *, scratch: bool) -> None:
    """copier's update. A project whose answers file does not record the history as it
    is on this machine (made by pickenv 0.1.0, or on another machine) is linked first:
    copier reads the old template's place from that file, so the link is committed
    for the update and taken out of the history afterwards. ``old_data`` (values the
    old render needs that the file does not record) goes the same way: copier renders
    the old version with the file's answers. Both only in a ``scratch`` clone: a kill
    between the commit and its removal would leave the commit on the branch."""
    import copier

    answers_path = project / run.answers_file
    head = tree.head()
    aside = source.linked or bool(run.old_data)
    if aside and not scratch:
        raise AssertionError("pickenv commits only in a scratch clone, never on the user's branch")
    if aside:
        _link(answers_path, source, run.old_data)
        tree.commit_aside(answers_path, f"pickenv: link to the template history at {source.old}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            common: dict[str, object] = {
                "data": dict(run.data),  # only the answers to change, and to new questions
                "answers_file": run.answers_file,
                "vcs_ref": source.new,
                "settings": copier.Settings(trust=[source.src]) if source.trusted else None,
                "defaults": True,  # an update never changes an answer
                "overwrite": True,
                "quiet": True,
                "unsafe": False,
                "skip_answered": True,
                "skip_tasks": run.skip_tasks,
                "exclude": [".git"],  # see templating.render: never the template's repository
            }
            if run.recopy:  # the template's files as the new version has them; git shows the rest
                copier.run_recopy(project, **common)  # type: ignore[arg-type]
            else:
                copier.run_update(project, conflict=run.conflict, **common)  # type: ignore[arg-type]
    except template_failures() as exc:
        stderr = getattr(exc, "stderr", None)  # a git command of copier's that could not write
        trouble = disk_trouble(tree.top, stderr) if isinstance(stderr, str) else None
        if trouble:
            raise ProjectError(trouble) from None
        raise TemplateError(f"updating from the template failed: {failure_text(exc)}") from None
    except OSError as exc:  # copier writing into the project, or into its temporary folders
        trouble = disk_trouble(_written_in(exc, tree.top), exc.strerror or "", exc.errno)
        if trouble:
            raise ProjectError(trouble) from None
        raise TemplateError(f"updating from the template failed: {exc.strerror or exc}") from None
    finally:
        if aside:
            tree.keep_tree(head, answers_path)


def _written_in(exc: OSError, top: Path) -> Path:
    """Where copier failed to write: the project, or the folder of the file the error
    names; without a name, the project where its disk is in trouble, else the
    temporary folder (copier renders both versions there)."""
    if exc.filename:
        name = Path(os.path.abspath(os.fsdecode(exc.filename)))
        return top if top in name.parents else name.parent
    return top if probe(top) else Path(tempfile.gettempdir())


def _update_aside(
    request: UpdateRequest, source: UpdateSource, tree: WorkTree, ctx: Context, name: str
) -> None:
    """The update made in a scratch clone of the last commit, where the link may be
    committed, then carried into the work tree and index: the answers file first."""
    with tree.scratch_clone("pickenv-update-") as clone:
        copy = clone / request.project.relative_to(tree.top)
        scratch = WorkTree.of(copy, ctx.env)
        _run_copier(copy, scratch, source, _Run.of(request, name), scratch=True)
        change = scratch.take_change(copy / name)
    tree.make(change)


def _undo(tree: WorkTree, head: str, ignored: set[str], cause: BaseException) -> None:
    """Put the tree back after a failure or a signal; where even that fails (the disk
    full or gone read-only), one line says so and how to finish it by hand."""
    try:
        tree.restore(head, ignored)
    except ProjectError as undo:
        why = "interrupted" if isinstance(cause, KeyboardInterrupt) else type(cause).__name__
        if isinstance(cause, PickenvError):
            why = cause.message.split("; ")[0]  # the problem; the fix is the one below
        undone = undo.message.split("; ")[0]
        reasons = f"({why})" if why == undone else f"({why}; then {undone})"
        raise ProjectError(
            f"the update stopped half-way and could not be undone {reasons}: once that is fixed, "
            f"`git restore --staged --worktree .` and `git clean -n` in {shown(tree.top)} undo it"
        ) from None


def _link(answers_path: Path, source: UpdateSource, extra: Mapping[str, object]) -> None:
    import yaml

    data = read_answers(answers_path.parent, answers_path.name)
    data.update(extra, _src_path=source.src, _commit=source.old)
    text = yaml.safe_dump(data, default_flow_style=False, allow_unicode=True, sort_keys=True)
    answers_path.write_text(f"# Changes here will be overwritten by Copier; do NOT edit manually\n{text}")


def _result(
    request: UpdateRequest, source: UpdateSource, tree: WorkTree, project: Path, ignored: set[str]
) -> UpdateResult:
    changes = tuple(tree.status())
    added = {p for _, p in changes} | (tree.ignored() - ignored)  # *.rej may be ignored
    rejects = tuple(sorted(p for p in added if p.endswith(".rej")))
    return UpdateResult(
        path=project,
        template=source.src,
        old=source.old,
        new=source.new,
        linked=source.linked,
        changes=tuple((code, path) for code, path in changes if not path.endswith(".rej")),
        conflicts=tuple(tree.unmerged()),
        rejects=rejects,
        checked=request.check,
    )


def _check(
    request: UpdateRequest, source: UpdateSource, tree: WorkTree, ctx: Context, name: str
) -> UpdateResult:
    """The update run in a throwaway clone of the project's last commit, without tasks."""
    with tree.scratch_clone("pickenv-update-") as clone:
        copy_project = clone / request.project.relative_to(tree.top)
        scratch = WorkTree.of(copy_project, ctx.env)
        _run_copier(copy_project, scratch, source, _Run.of(request, name), scratch=True)
        return _result(request, source, scratch, request.project, set())
