"""`pickenv template init FOLDER`: a team's template repository, started from pickenv's
own template, ready for `pickenv template check` and for projects.

Decisions:

- What it holds: the built-in template as this pickenv ships it (``copier.yml``,
  ``template/``, ``tools/``), unchanged, so that it passes `pickenv template check` as
  it is; ``TEAM-README.md``, ``pickenv-team.yaml`` and a CI workflow
  (``templating.scaffold_files``). The team file names the template by the folder's
  ``~/`` path under the home folder, else its absolute path (what projects record), and
  pins the first tag, v1.0.0; ``--name`` names the team (default: the folder's name).
  Before anything is placed, the team file is read back as `pickenv new` reads it.
- The folder: a new one, or an empty one. An existing folder with files in it is
  refused (exit 7), unless --force: pickenv's files then go beside the user's, and if
  any of them is there already, it refuses before writing anything. Nothing of the
  user's is ever replaced, moved or committed.
- All or nothing, as `pickenv new` does it (``creation.runs``, ``creation.placement``):
  a lock beside the folder, a staging folder of this run's in which everything is
  built, git included, then one rename that never replaces a folder that appeared
  meanwhile (or, into an existing folder, a move entry by entry, each recorded). A
  failure or a stop signal at any moment before the end leaves nothing: the staging
  folder is removed, what was placed is taken back, and so is a release made in the
  user's repository (``repo.release``). Staging folders of killed runs are swept.
- git (``repo.release``): a new repository on branch main, one commit of every file
  ("Template from pickenv X.Y.Z") tagged v1.0.0 (annotated). No hook runs, global or
  not. Under --force into a folder that is a git repository already, pickenv's files
  are committed there, on its branch, and only they; a detached HEAD or a v1.0.0 tag
  there is refused before anything is written. A folder inside another repository
  still becomes a repository of its own: a template is versioned by its own tags.
- Exit codes: 0 made, committed and tagged; 2 git does not know who commits (user.name
  and user.email), said before anything is written; 7 the folder (not empty, not
  writable, a file of pickenv's there already under --force, another run making it) or
  a git command that failed (everything is taken back); 18 git is not installed: the
  folder is made, without a repository, and the report prints the commands that make
  it one; 130 interrupted: nothing is left.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from pickenv.context import Context
from pickenv.creation.placement import Placement, check_conflicts, check_destination, kept_files, place
from pickenv.creation.runs import Staging, staged
from pickenv.errors import DestinationError, Fix, UsageError
from pickenv.repo import release
from pickenv.repo.git import Git
from pickenv.templating.history import recorded_path
from pickenv.templating.scaffold_files import FIRST_TAG, commit_message, write_files
from pickenv.templating.team import TEAM_FILE_NAME


@dataclass(frozen=True)
class TemplateInit:
    path: Path  # the template repository, absolute
    name: str  # the team's name, as the team file says it
    source: str  # the template, as the team file names it (``~/…`` or absolute)
    tag: str  # the version the team file pins (and the repository's tag, when git made one)
    files: tuple[str, ...]  # what pickenv wrote, relative to ``path``, sorted (not .git)
    git: str  # what became of git, one phrase for the report
    repository: bool  # the template is in a git repository with its first release
    branch: str = ""  # the branch the release is on (main, or the existing repository's)
    commit: str = ""
    existing_repository: bool = False  # committed into a repository that was there (--force)
    leftovers: tuple[str, ...] = ()  # what killed runs had left beside it: removed, or for the user

    @property
    def team_file(self) -> Path:
        return self.path / TEAM_FILE_NAME


def init_template(
    folder: Path, name: str | None, force: bool, ctx: Context, progress: Callable[[str], None]
) -> TemplateInit:
    # Normalised (``..`` collapsed, links kept as the user named them): the folder's name
    # is the team's by default and names the staging folder beside it.
    destination = _checked(Path(os.path.normpath(ctx.cwd / folder)), force)
    team = _team_name(name, destination)
    git = release.release_git(ctx.env)
    existing = force and os.path.lexists(destination / ".git")
    if git is not None:  # before anything is written: a commit git would refuse
        release.require_identity(git, destination if destination.is_dir() else destination.parent)
    recheck = partial(_checked, destination, force)  # another run may have made it meanwhile
    with staged(destination, recheck, partial(_disk_error, destination=destination)) as (
        placement,
        staging,
        leftovers,
    ):
        made = _build(destination, team, git, existing, placement, staging, ctx, progress)
    return replace(made, leftovers=leftovers)


def _build(
    destination: Path,
    team: str,
    git: Git | None,
    existing: bool,
    placement: Placement,
    staging: Staging,
    ctx: Context,
    progress: Callable[[str], None],
) -> TemplateInit:
    tree = staging.tree
    source = recorded_path(destination.parent.resolve() / destination.name, ctx)
    made: release.Release | None = None
    try:
        progress(f"Copying pickenv's template into {destination}")
        files = write_files(tree, team, source)
        _read_back(tree / TEAM_FILE_NAME, ctx)
        if not placement.was_empty:
            _refuse_clashes(tree, files, destination)
        index = staging.folder / "index"  # the release's own git index (``repo.release``)
        if git is not None and placement.was_empty:  # the repository is built in the staging folder
            progress("Committing it and tagging v1.0.0")
            release.initialise(git, tree)
            made = release.Release.prepare(git, tree, FIRST_TAG)
            made.make(files, commit_message(), index)
        elif git is not None and existing:
            made = release.Release.prepare(git, destination, FIRST_TAG)  # refusals first
        place(tree, placement)
        if git is not None and not placement.was_empty:
            progress("Committing it and tagging v1.0.0")
            if not existing:
                placement.claim(".git")
                release.initialise(git, destination)
                made = release.Release.prepare(git, destination, FIRST_TAG)
            assert made is not None
            made.make(files, commit_message(), index)
    except BaseException as exc:
        if made is not None and made.root == destination:
            made.undo()  # in the user's repository; in a staging folder it goes with the folder
        placement.rollback()
        if isinstance(exc, OSError):
            raise _disk_error(exc, destination) from None
        raise
    return TemplateInit(
        path=destination,
        name=team,
        source=source,
        tag=FIRST_TAG,
        files=tuple(files),
        git=_git_words(made, existing),
        repository=made is not None,
        branch=made.branch.removeprefix("refs/heads/") if made else "",
        commit=made.commit if made else "",
        existing_repository=existing and made is not None,
    )


def _git_words(made: release.Release | None, existing: bool) -> str:
    if made is None:
        return "skipped: git is not installed"
    branch = made.branch.removeprefix("refs/heads/")
    where = (
        f"committed on {branch} of the repository that was there"
        if existing
        else (f"a new repository, committed on {branch}")
    )
    return f"{where} and tagged {made.tag}"


def _checked(folder: Path, force: bool) -> Path:
    """``check_destination``'s refusals, worded for a template (its fixes name `new`'s flags)."""
    try:
        return check_destination(folder, force)
    except DestinationError as exc:
        raise _reworded(exc) from None


_FIXES = {
    Fix.OTHER_FOLDER: Fix.PLACE_FOLDER,
    Fix.WRITABLE_FOLDER: Fix.PLACE_WRITABLE,
    Fix.ALLOW_EXISTING: Fix.ADD_BESIDE,
    Fix.FREE_SPACE: Fix.PLACE_SPACE,
}


def _reworded(exc: DestinationError) -> DestinationError:
    return DestinationError(exc.message, fixes=[_FIXES.get(f, f) for f in exc.fixes], facts=exc.facts)


def _team_name(name: str | None, destination: Path) -> str:
    team = destination.name if name is None else name.strip()
    if not team or not team.isprintable():
        raise UsageError("--name must be the team's name: one line of text, not empty")
    return team


def _read_back(path: Path, ctx: Context) -> None:
    """The team file as `pickenv new --team` reads it: a file pickenv writes and cannot
    read would be found here, not by the team's first project."""
    from pickenv.templating.team import load_team

    load_team(str(path), ctx)


def _refuse_clashes(tree: Path, files: list[str], destination: Path) -> None:
    """--force adds beside the user's files, never over them: refuse before writing."""
    clashes = kept_files(files, destination)
    if clashes:
        more = f" (and {len(clashes) - 1} more)" if len(clashes) > 1 else ""
        raise DestinationError(
            f"{destination / clashes[0]} is there already{more}; pickenv never replaces a file",
            fixes=[Fix.MOVE_AWAY, Fix.OTHER_NAME],
        )
    try:
        check_conflicts(tree, destination)
    except DestinationError as exc:
        raise _reworded(exc) from None


_FULL = {errno.ENOSPC, errno.EDQUOT}


def _disk_error(exc: OSError, destination: Path) -> DestinationError:
    """The user's disk, not a bug: say which folder."""
    where = destination.parent
    if exc.errno in _FULL:
        return DestinationError(f"no space left on the device holding {where}", fixes=[Fix.PLACE_SPACE])
    reason = exc.strerror or str(exc)
    return DestinationError(f"cannot write in {where}: {reason}", fixes=[Fix.PLACE_WRITABLE])
