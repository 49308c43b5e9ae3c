"""Place a rendered project, and undo exactly what pickenv did on failure.

The project is rendered in a staging folder beside the destination (same filesystem,
see ``runs``), then moved into place: a new destination in one rename that never
replaces a folder that appeared meanwhile, an existing one (--force) entry by entry,
each move refusing to replace what is there. Environments are not relocatable (their
scripts hold absolute paths), so they are created after the move. A ``Placement``
records each path as it places it, and claims those the environment's tools will
create (``ownership.Ledger``): a failure or a signal at any point removes them while
they are still pickenv's, and nothing else: not the files that were there, nor those
anyone writes meanwhile.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NewType

from pickenv.creation.ownership import Ledger, move_exclusive, signals_deferred, tree_entries
from pickenv.errors import DestinationError, Fix, UntrustedError


@dataclass
class Placement:
    """What pickenv added to the destination, so that it can take exactly that back."""

    destination: Path
    created_root: bool  # the destination folder itself is pickenv's
    was_empty: bool  # new, or an existing folder with nothing in it
    ledger: Ledger = field(default_factory=Ledger)
    kept: list[str] = field(default_factory=list)  # files that existed and were left alone
    # Kept files whose generated version differs: it is written beside them as
    # NAME.pickenv-new, for the user to merge (the setup steps need what it says).
    merge: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, destination: Path) -> Placement:
        """Note how the destination is, before anything is written."""
        if not os.path.lexists(destination):
            return cls(destination, created_root=True, was_empty=True)
        return cls(destination, created_root=False, was_empty=not any(destination.iterdir()))

    def claim(self, relative: str) -> None:
        """A path in the project a tool pickenv runs will create (see ``Ledger.claim``)."""
        self.ledger.claim(self.destination / relative)

    def foreign(self, staging: Path) -> list[str]:
        """What in the destination is not pickenv's (``staging`` is its staging folder):
        written there meanwhile by someone else, relative to the destination."""
        return [str(p.relative_to(self.destination)) for p in self.ledger.foreign(self.destination, staging)]

    def rollback(self) -> None:
        """Remove what pickenv created; never anything that was there or came from elsewhere."""
        self.ledger.rollback()


Destination = NewType("Destination", Path)  # an absolute path check_destination accepted


def check_destination(destination: Path, force: bool) -> Destination:
    """Refuse unusable destinations before anything is written."""
    destination = destination.absolute()
    parent = destination.parent
    if not parent.is_dir():
        what = "is not a folder" if parent.exists() else "does not exist"
        raise DestinationError(f"{parent} {what}", fixes=[Fix.OTHER_FOLDER])
    if not os.access(parent, os.W_OK):
        raise _not_writable(parent, [Fix.WRITABLE_FOLDER])
    if destination.exists() or destination.is_symlink():
        if not destination.is_dir():
            raise DestinationError(f"{destination} exists and is not a folder", fixes=[Fix.OTHER_NAME])
        if any(destination.iterdir()) and not force:
            raise DestinationError(
                f"{destination} exists and is not empty", fixes=[Fix.OTHER_NAME, Fix.ALLOW_EXISTING]
            )
        if not os.access(destination, os.W_OK):
            raise _not_writable(destination, [Fix.OTHER_NAME, Fix.WRITABLE_FOLDER])
    return Destination(destination)


def _not_writable(folder: Path, fixes: list[Fix]) -> DestinationError:
    read_only = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    why = "a read-only file system" if read_only else "no permission"
    return DestinationError(f"cannot write in {folder} ({why})", fixes=fixes)


def list_files(root: Path) -> list[str]:
    return sorted(
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(root).parts
    )


def _walk(root: Path) -> Iterator[tuple[Path, bool]]:
    """Every entry under ``root``, parents first, sorted, and whether it is a folder
    (a link to a folder is a link: never followed)."""
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in [*dirs, *sorted(files)]:
            path = Path(folder, name)
            yield path, stat.S_ISDIR(os.lstat(path).st_mode)


def _real_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _needs_folder(target: Path) -> DestinationError:
    return DestinationError(
        f"{target} is a file or a link where the project needs a folder",
        fixes=[Fix.MOVE_AWAY, Fix.OTHER_NAME],
    )


def check_conflicts(staging: Path, destination: Path) -> None:
    """Refuse project folders that exist in ``destination`` as files or links.

    pickenv never writes through a link (it could land outside the project) and never
    replaces a file by a folder, so these stop generation before anything is moved.
    """
    for source, folder in _walk(staging):
        target = destination / source.relative_to(staging)
        if folder and os.path.lexists(target) and not _real_folder(target):
            raise _needs_folder(target)


def kept_files(files: list[str], destination: Path) -> list[str]:
    """The generated files that --force would leave alone because they exist."""
    return [f for f in files if (destination / f).exists() or (destination / f).is_symlink()]


MERGE_SUFFIX = ".pickenv-new"


def _differs(generated: Path, existing: Path) -> bool:
    """Whether the user's file differs from pickenv's. Only a regular file of the same
    size is read: a FIFO would block, a device never end."""
    try:
        mine, theirs = os.lstat(generated), os.lstat(existing)
        if (
            not (stat.S_ISREG(mine.st_mode) and stat.S_ISREG(theirs.st_mode))
            or mine.st_size != theirs.st_size
        ):
            return True
        return generated.read_bytes() != existing.read_bytes()
    except OSError:  # unreadable: the user must look anyway
        return True


def place(tree: Path, placement: Placement) -> None:
    """Move the rendered ``tree`` into the destination, recording each path placed.

    Signals wait while it runs, so that nothing is placed and not recorded.
    """
    destination = placement.destination
    if placement.created_root:
        with signals_deferred():
            entries = tree_entries(tree, destination)
            try:
                move_exclusive(tree, destination)
            except FileExistsError:
                raise DestinationError(
                    f"{destination} appeared while pickenv was rendering the project; "
                    "nothing in it was touched",
                    fixes=[Fix.OTHER_NAME],
                ) from None
            placement.ledger.record_tree(entries)
        return
    check_conflicts(tree, destination)
    with signals_deferred():
        for source, folder in _walk(tree):
            relative = source.relative_to(tree)
            target = destination / relative
            if folder:
                try:
                    target.mkdir()
                except FileExistsError:
                    if not _real_folder(target):  # it became a file or a link meanwhile
                        raise _needs_folder(target) from None
                else:
                    placement.ledger.record(target)
                continue
            try:
                move_exclusive(source, target)
            except FileExistsError:
                _keep(source, target, str(relative), placement)
            else:
                placement.ledger.record(target)


def _keep(source: Path, target: Path, relative: str, placement: Placement) -> None:
    """``target`` is there already: leave it, with pickenv's version beside it when it differs."""
    placement.kept.append(relative)
    if not _differs(source, target):
        return
    beside = target.with_name(target.name + MERGE_SUFFIX)
    try:
        move_exclusive(source, beside)
    except FileExistsError:
        return  # the user's own NAME.pickenv-new: left alone too
    placement.ledger.record(beside)
    placement.merge.append(relative)


def outside_links(root: Path) -> list[tuple[str, str]]:
    """The links in the rendered tree at ``root`` that lead outside it, as (path, target):
    absolute ones, and relative ones that resolve (through other links too) outside."""
    inside = os.path.realpath(root)
    found = []
    for path, _ in _walk(root):
        if not path.is_symlink():
            continue
        target = os.readlink(path)
        resolved = os.path.realpath(path)
        if os.path.isabs(target) or os.path.commonpath([inside, resolved]) != inside:
            found.append((str(path.relative_to(root)), target))
    return found


def refuse_outside_links(root: Path, template: str) -> None:
    """UntrustedError when the rendered tree has links that lead outside it (copier's
    ``_preserve_symlinks``): checked before anything is placed."""
    links = outside_links(root)
    if not links:
        return
    path, target = links[0]
    more = f" (and {len(links) - 1} more)" if len(links) > 1 else ""
    raise UntrustedError(
        f"the template {template} links {path} to {_excerpt(target)}, outside the project{more}; "
        "nothing was written",
        fixes=[Fix.TRUST],
    )


def _excerpt(text: str, limit: int = 60) -> str:
    text = text.encode("unicode_escape").decode("ascii")  # a newline in a link target stays one line
    return text if len(text) <= limit else text[: limit - 1] + "…"
