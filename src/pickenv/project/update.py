"""`pickenv update`'s service: bring a project to a newer version of its template with
copier's own update (a three-way merge of the old render, the new render and the
project), keeping the user's edits and every answer.

Projects made by pickenv record its template history (``project.history``); projects
made by pickenv 0.1.0 recorded the installed template folder and no version: they are
linked to the 0.1.0 tag as part of their first update. On any failure or signal the
work tree is put back exactly as it was (``project.worktree``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Literal

from pickenv.context import Context, expand_user
from pickenv.errors import Fix, ProjectError, TemplateError, UsageError
from pickenv.inputs import ANSWERS_LIMIT, InputError, read_text
from pickenv.project.history import REPO_NAME, Git, ensure_history, release_key
from pickenv.project.template import failure_text, template_failures
from pickenv.project.worktree import WorkTree

ANSWERS_FILE = ".copier-answers.yml"
FIRST_RELEASE = "0.1.0"  # pickenv before its template had a history
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
    data: Mapping[str, str] = field(default_factory=dict)  # answers the user asked to change


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

    @property
    def available(self) -> bool:
        return self.old != self.new


@dataclass(frozen=True)
class _Source:
    """Where the old and the new template come from."""

    recorded: str  # the project's _src_path
    old: str  # the project's _commit
    src: str  # what copier renders the new version from (and records)
    new: str
    linked: bool  # the old reference is not the recorded one
    trusted: bool = False  # the user allowed what the new version runs
    builtin: bool = False  # pickenv's own template (it runs nothing)


def update_project(request: UpdateRequest, ctx: Context) -> UpdateResult:
    project = request.project
    answers_path = project / ANSWERS_FILE
    if not answers_path.is_file():
        raise ProjectError(
            f"{project} has no {ANSWERS_FILE}: it was not made from a template", fixes=[Fix.NOT_A_PROJECT]
        )
    answers = _read_answers(answers_path)
    if "tool" in request.data:
        raise UsageError(
            "an update never changes the tool: switching moves the dependencies, which an update does not",
            fixes=[],
        )
    unknown = [k for k in request.data if k not in answers or k.startswith("_")]
    if unknown:
        raise UsageError(f"{answers_path.name} records no answer {unknown[0]!r} to change", fixes=[])
    tree = WorkTree.of(project, ctx.env)
    source = _source(answers, request.to, ctx, tree, request.pins)
    if release_key(source.old) is not None and release_key(source.new) is not None:
        old_key, new_key = release_key(source.old), release_key(source.new)
        assert old_key is not None and new_key is not None
        if old_key > new_key:
            raise ProjectError(
                f"{project} is at template {source.old}, newer than {source.new}: pickenv never downgrades",
                fixes=[Fix.UPGRADE_PICKENV],
                facts={"version": source.old.split("+")[0]},
            )
    if source.old == source.new and not request.data:
        return UpdateResult(project, source.recorded, source.old, source.new, False, (), (), (), checked=True)
    source = _with_consent(source, request, ctx)
    if request.check:
        tree.head()  # a project without a commit has nothing to compare with
        return _check(request, source, tree, ctx)
    head = tree.require_clean()
    ignored = tree.ignored()
    try:
        _run_copier(project, tree, source, request.conflict, request.data)
        return _result(request, source, tree, project, ignored)
    except BaseException:
        tree.restore(head, ignored)
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
    answers = _read_answers(project / ANSWERS_FILE)
    at = str(answers.get("_commit") or FIRST_RELEASE)
    source = _source(answers, at, ctx, tree, {})
    request = UpdateRequest(project, at, check=False, conflict="inline", allow=change.allow)
    data: dict[str, object] = {"tool": change.tool}
    old_data: dict[str, object] = {}
    if source.builtin and change.reasons is not None:
        old_data["reasons"], data["reasons"] = (list(r) for r in change.reasons)
    _run_copier(project, tree, _with_consent(source, request, ctx), "inline", data, old_data)
    return tuple(tree.unmerged())


def recorded_answers(project: Path) -> Mapping[str, object] | None:
    """The answers of a project made from a template (None: it was not)."""
    path = project / ANSWERS_FILE
    return _read_answers(path) if path.is_file() else None


def _with_consent(source: _Source, request: UpdateRequest, ctx: Context) -> _Source:
    """pickenv's own template runs nothing; a team's version is read first."""
    if source.builtin:
        return source
    from pickenv.project.source import inspect, resolve_source

    info = inspect(resolve_source(source.recorded, source.new, ctx), ctx)
    return replace(source, trusted=request.allow(info.unsafe, source.recorded))


def _read_answers(path: Path) -> Mapping[str, object]:
    import yaml

    try:
        data = yaml.safe_load(read_text(path, ANSWERS_LIMIT))
    except InputError as exc:
        raise ProjectError(f"{path} {exc}", fixes=[Fix.NOT_A_PROJECT]) from None
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0]
        raise ProjectError(f"{path} is not valid YAML ({first})", fixes=[Fix.NOT_A_PROJECT]) from None
    if not isinstance(data, dict) or not isinstance(data.get("_src_path"), str):
        raise ProjectError(f"{path} records no template (_src_path)", fixes=[Fix.NOT_A_PROJECT])
    return data


def is_builtin(answers: Mapping[str, object]) -> bool:
    """pickenv's own template: its history repository, or (pickenv 0.1.0) the
    templates/project folder of an installed pickenv or a checkout, recorded without a
    version, in a project with pickenv's questions answered."""
    parts = PurePosixPath(str(answers["_src_path"]).replace("\\", "/")).parts
    if parts[-2:] == ("pickenv", REPO_NAME):
        return True
    unversioned = "_commit" not in answers and answers.keys() >= _PICKENV_ANSWERS
    return parts[-2:] == ("templates", "project") and unversioned


_PICKENV_ANSWERS = {"tool", "domain", "python_version", "project_name"}


def _same(a: str, b: str, ctx: Context) -> bool:
    """Two spellings of one template source (``~/x`` and ``/home/me/x``)."""

    def norm(text: str) -> str:
        if text.startswith(("~", "/")) or Path(text).is_absolute():
            return str(expand_user(text, ctx.home).resolve())
        return text.rstrip("/").removesuffix(".git")

    return norm(a) == norm(b)


def _source(
    answers: Mapping[str, object], to: str | None, ctx: Context, tree: WorkTree, pins: Mapping[str, str]
) -> _Source:
    recorded = str(answers["_src_path"])
    commit = answers.get("_commit")
    if is_builtin(answers):
        from pickenv.resources import project_template

        history = ensure_history(ctx, project_template())
        tags = Git(history.repo, ctx.env).tags()
        new = to or history.tag
        if new not in tags:
            raise ProjectError(
                f"pickenv's template has no version {new}",
                fixes=[Fix.KNOWN_REF],
                facts={"versions": ", ".join(sorted(tags, key=lambda t: release_key(t) or 0))},
            )
        old = str(commit) if commit else FIRST_RELEASE
        linked = recorded != history.recorded or not commit
        return _Source(recorded, old, history.recorded, new, linked, builtin=True)
    if not commit:
        raise ProjectError(
            f"the project records its template ({recorded}) but no version (_commit): "
            "it was copied from a folder and cannot be updated",
            fixes=[],
        )
    src = str(expand_user(recorded, ctx.home)) if recorded.startswith("~") else recorded
    pinned = next((ref for where, ref in pins.items() if _same(where, recorded, ctx)), None)
    new = to or pinned or _latest_tag(src, tree)
    return _Source(recorded, str(commit), src, new, linked=False)


def _latest_tag(src: str, tree: WorkTree) -> str:
    """The template's newest release tag by PEP 440, pre-releases left out (copier's
    own choice when no version is given)."""
    from pickenv.project.source import git_url

    out = tree.run("ls-remote", "--tags", "--refs", git_url(src), check=False)
    tags = [line.split("refs/tags/", 1)[1] for line in out.splitlines() if "refs/tags/" in line]
    releases = [(key, tag) for tag in tags if (key := release_key(tag)) is not None and not key.is_prerelease]
    if not releases:
        raise ProjectError(f"the template {src} has no version tags to update to", fixes=[])
    return max(releases)[1]


def _run_copier(
    project: Path,
    tree: WorkTree,
    source: _Source,
    conflict: ConflictMode,
    data: Mapping[str, object],
    old_data: Mapping[str, object] | None = None,
) -> None:
    """copier's update. A project whose answers file does not record the history as it
    is on this machine (made by pickenv 0.1.0, or on another machine) is linked first:
    copier reads the old template's place from that file, so the link is committed
    for the update and taken out of the history afterwards. ``old_data`` (values the
    old render needs that the file does not record) goes the same way: copier renders
    the old version with the file's answers."""
    import copier

    answers_path = project / ANSWERS_FILE
    head = tree.head()
    aside = source.linked or bool(old_data)
    if aside:
        _link(answers_path, source, old_data or {})
        tree.commit_aside(answers_path, f"pickenv: link to the template history at {source.old}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            copier.run_update(
                project,
                data=dict(data),  # only the answers the user asked to change
                vcs_ref=source.new,
                settings=copier.Settings(trust=[source.src]) if source.trusted else None,
                defaults=True,  # an update never changes an answer
                overwrite=True,
                quiet=True,
                conflict=conflict,
                unsafe=False,
                skip_answered=True,
            )
    except template_failures() as exc:
        raise TemplateError(f"updating from the template failed: {failure_text(exc)}") from None
    finally:
        if aside:
            tree.keep_tree(head, answers_path)


def _link(answers_path: Path, source: _Source, extra: Mapping[str, object]) -> None:
    import yaml

    data = dict(_read_answers(answers_path))
    data.update(extra, _src_path=source.src, _commit=source.old)
    text = yaml.safe_dump(data, default_flow_style=False, allow_unicode=True, sort_keys=True)
    answers_path.write_text(f"# Changes here will be overwritten by Copier; do NOT edit manually\n{text}")


def _result(
    request: UpdateRequest, source: _Source, tree: WorkTree, project: Path, ignored: set[str]
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


def _check(request: UpdateRequest, source: _Source, tree: WorkTree, ctx: Context) -> UpdateResult:
    """The update run in a throwaway clone of the project's last commit."""
    with tree.scratch_clone("pickenv-update-") as clone:
        copy_project = clone / request.project.relative_to(tree.top)
        scratch = WorkTree.of(copy_project, ctx.env)
        _run_copier(copy_project, scratch, source, request.conflict, request.data)
        return _result(request, source, scratch, request.project, set())
