"""Place a rendered project atomically, and undo everything on failure.

The project is rendered into a temporary folder beside the destination (same
filesystem), then renamed into place in one step. Environments are not relocatable
(their scripts hold absolute paths), so they are created after the move; a
``Placement`` remembers exactly what pickenv created so a failure or Ctrl-C at any
point removes that and nothing else: pre-existing files are never touched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import NewType

from pickenv.errors import DestinationError, Fix


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@dataclass
class Placement:
    """What pickenv added to the destination, so that it can take exactly that back."""

    destination: Path
    created_root: bool  # the destination folder itself is ours
    created: list[Path] = field(default_factory=list)  # files and folders added to an existing folder
    kept: list[str] = field(default_factory=list)  # files that existed and were left alone
    # Kept files whose generated version differs: it is written beside them as
    # NAME.pickenv-new, for the user to merge (the setup steps need what it says).
    merge: list[str] = field(default_factory=list)
    # Every pre-existing folder pickenv writes into, with the entries it had before.
    # Tools add entries of their own (.venv, Pipfile.lock, .git, src/NAME.egg-info).
    before: dict[Path, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def start(cls, destination: Path) -> Placement:
        """Record the destination as it is, before anything is written."""
        if not destination.exists():
            return cls(destination, created_root=True)
        return cls(destination, created_root=False, before={destination: _entries(destination)})

    @property
    def was_empty(self) -> bool:
        return self.created_root or not self.before.get(self.destination)

    def rollback(self) -> None:
        """Remove what pickenv created; never anything that existed before."""
        if self.created_root:
            shutil.rmtree(self.destination, ignore_errors=True)
            return
        for path in reversed(self.created):
            _remove(path)
        for folder, names in self.before.items():
            if folder.is_dir():
                for path in folder.iterdir():
                    if path.name not in names:
                        _remove(path)


def _entries(folder: Path) -> frozenset[str]:
    return frozenset(p.name for p in folder.iterdir())


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


def check_conflicts(staging: Path, destination: Path) -> None:
    """Refuse project folders that exist in ``destination`` as files or links.

    pickenv never writes through a link (it could land outside the project) and never
    replaces a file by a folder, so these stop generation before anything is moved.
    """
    for source in sorted(staging.rglob("*")):
        target = destination / source.relative_to(staging)
        if source.is_dir() and (target.is_symlink() or (target.exists() and not target.is_dir())):
            raise DestinationError(
                f"{target} is a file or a link where the project needs a folder",
                fixes=[Fix.MOVE_AWAY, Fix.OTHER_NAME],
            )


def kept_files(files: list[str], destination: Path) -> list[str]:
    """The generated files that --force would leave alone because they exist."""
    return [f for f in files if (destination / f).exists() or (destination / f).is_symlink()]


MERGE_SUFFIX = ".pickenv-new"


def _differs(generated: Path, existing: Path) -> bool:
    try:
        return generated.read_bytes() != existing.read_bytes()
    except OSError:  # a folder, a dangling link, unreadable: the user must look anyway
        return True


def place(staging: Path, placement: Placement) -> None:
    """Move the rendered ``staging`` folder into the destination, recording what is added."""
    destination = placement.destination
    if placement.created_root:
        os.rename(staging, destination)  # atomic on one filesystem
        return
    check_conflicts(staging, destination)
    for source in sorted(staging.rglob("*")):
        relative = source.relative_to(staging)
        target = destination / relative
        if source.is_dir():
            if target.is_dir():
                placement.before.setdefault(target, _entries(target))
            else:
                target.mkdir()
                placement.created.append(target)
        elif target.exists() or target.is_symlink():
            placement.kept.append(str(relative))
            beside = target.with_name(target.name + MERGE_SUFFIX)
            if _differs(source, target) and not (beside.exists() or beside.is_symlink()):
                os.rename(source, beside)
                placement.created.append(beside)
                placement.merge.append(str(relative))
        else:
            os.rename(source, target)
            placement.created.append(target)


def staging_dir(placement: Placement) -> Path:
    """A temporary folder on the destination's filesystem, so that moves are renames.

    Beside a new destination (then one rename moves it into place); inside an existing
    one, which may be a link to another filesystem.
    """
    destination = placement.destination
    where = destination.parent if placement.created_root else destination
    path = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", suffix=".pickenv-tmp", dir=where))
    # mkdtemp makes the folder private (0700); the project folder gets the usual mode.
    umask = os.umask(0)
    os.umask(umask)
    path.chmod(0o777 & ~umask)
    return path
