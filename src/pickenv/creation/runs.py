"""What a run of `pickenv new` holds while it runs, and what a killed run leaves.

- The destination lock, ``.NAME.pickenv-lock`` beside the destination: two runs for
  one destination would otherwise both render and race to place. The file is locked
  with ``flock``, which the kernel drops when its process ends in any way, so a killed
  run never leaves a destination locked; the holder writes its pid into it so that
  the other run can say who holds it.
- The staging folder ``.NAME.PID-XXXXXXXX.pickenv-tmp`` the project is rendered in
  (``project/`` inside it is moved into place). It holds ``owner``, locked the same
  way for as long as its run lives, with the run's pid.
- ``sweep``: a run killed with SIGKILL cannot remove its staging folder. The next run
  in that folder removes each one whose owner is gone (its ``owner`` lock is free),
  never one whose owner still runs, and reports those whose owner it cannot know.
- ``staged``: all three for one run (`pickenv new`, `pickenv template init`).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pickenv.creation.ownership import signals_deferred
from pickenv.creation.placement import Placement
from pickenv.errors import DestinationError, Fix

STAGING_SUFFIX = ".pickenv-tmp"
LOCK_SUFFIX = ".pickenv-lock"
OWNER = "owner"
TREE = "project"
# .NAME.PID-XXXXXXXX.pickenv-tmp, and .NAME.XXXXXXXX.pickenv-tmp of pickenv 0.x (no owner file).
_STAGING = re.compile(r"^\..+\.(?:(?P<pid>\d+)-)?[a-z0-9_]{8}\.pickenv-tmp$")
_NO_LINK = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_OPEN = os.O_RDWR | _NO_LINK


def _try_lock(fd: int) -> bool:
    """Take the lock on an open file without waiting; False when another holds it."""
    if sys.platform == "win32":  # pragma: no cover - released when the process ends, too
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _wait_lock(fd: int) -> None:
    if sys.platform == "win32":  # pragma: no cover
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_EX)


def _read_pid(fd: int) -> int | None:
    text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    return int(text) if text.isdigit() else None


def _write_pid(fd: int) -> None:
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)


def _alive(pid: int) -> bool:
    if pid == os.getpid():  # a pid reused (as in containers): the run that had it is gone
        return False
    if sys.platform == "win32":  # pragma: no cover - os.kill(pid, 0) would send Ctrl-C there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: it exists
        return True
    return True


def _same_file(fd: int, path: Path) -> bool:
    """The open file is still the one at ``path`` (not removed or replaced meanwhile)."""
    try:
        now = os.lstat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino)


def _open_regular(path: Path, flags: int = 0) -> int:
    fd = os.open(path, _OPEN | flags, 0o644)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise DestinationError(
            f"{path} is not a regular file; pickenv keeps its lock there", fixes=[Fix.MOVE_AWAY]
        )
    return fd


def lock_path(destination: Path) -> Path:
    return destination.parent / f".{destination.name}{LOCK_SUFFIX}"


@dataclass
class DestinationLock:
    """Held while one run creates ``destination``; ``release`` removes the file."""

    path: Path
    fd: int

    @classmethod
    def acquire(cls, destination: Path) -> DestinationLock:
        """Lock ``destination``, or refuse at once when another live run holds it."""
        path = lock_path(destination)
        while True:
            with signals_deferred():
                fd = _open_regular(path, os.O_CREAT)
                if not _try_lock(fd):
                    holder = _read_pid(fd)
                    if holder is not None and _alive(holder):
                        os.close(fd)
                        raise DestinationError(
                            f"another pickenv run (pid {holder}) is creating {destination} right now",
                            fixes=[Fix.OTHER_NAME],
                        )
            try:
                # No live pid in it: a run that has just taken it and not written its pid
                # yet, or ``sweep`` removing a dead run's file; either lets go soon or ends.
                if not _try_lock(fd):
                    _wait_lock(fd)
            except BaseException:
                os.close(fd)
                raise
            with signals_deferred():
                if _same_file(fd, path):
                    _write_pid(fd)
                    return cls(path, fd)
                os.close(fd)  # removed while we waited: lock the file that is there now

    def release(self) -> None:
        with signals_deferred():
            if _same_file(self.fd, self.path):
                with contextlib.suppress(OSError):
                    os.unlink(self.path)  # while still holding it (see ``acquire``)
            os.close(self.fd)


@dataclass
class Staging:
    """A run's private folder beside (or inside) the destination: same filesystem,
    so that placing the rendered project is a rename."""

    folder: Path
    fd: int  # the locked owner file

    @property
    def tree(self) -> Path:
        return self.folder / TREE

    @classmethod
    def create(cls, where: Path, name: str) -> Staging:
        with signals_deferred():  # never a folder without its owner
            folder = Path(
                tempfile.mkdtemp(prefix=f".{name}.{os.getpid()}-", suffix=STAGING_SUFFIX, dir=where)
            )
            fd = os.open(folder / OWNER, _OPEN | os.O_CREAT | os.O_EXCL, 0o600)
            _try_lock(fd)  # nobody else knows this folder yet
            _write_pid(fd)
            # mkdtemp's folder is private (0700); the project gets the usual mode.
            (folder / TREE).mkdir()
        return cls(folder, fd)

    def remove(self) -> None:
        with signals_deferred():
            shutil.rmtree(self.folder, ignore_errors=True)
            os.close(self.fd)


@contextlib.contextmanager
def staged(
    destination: Path, recheck: Callable[[], object], disk_error: Callable[[OSError], Exception]
) -> Iterator[tuple[Placement, Staging, tuple[str, ...]]]:
    """Lock ``destination``, check it again (``recheck``: another run may have made it
    since it was first checked), clear what killed runs left there, and give this run a
    staging folder beside it (inside it, for a folder that exists): the placement to
    record into, the staging folder, and notes on leftovers. All of it is released after.
    ``disk_error`` words an OSError of the lock or the staging folder."""
    try:
        lock = DestinationLock.acquire(destination)
    except OSError as exc:
        raise disk_error(exc) from None
    try:
        recheck()
        leftovers = sweep(destination.parent, keep=lock.path)
        if destination.is_dir():
            leftovers += sweep(destination)
        placement = Placement.start(destination)
        try:
            staging = Staging.create(
                destination.parent if placement.created_root else destination, destination.name
            )
        except OSError as exc:
            raise disk_error(exc) from None
        try:
            yield placement, staging, leftovers
        finally:
            staging.remove()
    finally:
        lock.release()


def sweep(folder: Path, keep: Path | None = None) -> tuple[str, ...]:
    """Remove what killed runs left in ``folder``; one note per staging folder found
    that is not a live run's (removed, or left for the user when its owner is unknown)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return ()
    notes = []
    for entry in entries:
        path = Path(entry.path)
        if entry.name.endswith(STAGING_SUFFIX) and entry.is_dir(follow_symlinks=False):
            if note := _sweep_staging(path):
                notes.append(note)
        elif entry.name.endswith(LOCK_SUFFIX) and path != keep and entry.is_file(follow_symlinks=False):
            _sweep_lock(path)
    return tuple(notes)


def _sweep_staging(path: Path) -> str:
    match = _STAGING.match(path.name)
    named = int(match["pid"]) if match and match["pid"] else None
    try:
        fd = os.open(path / OWNER, os.O_RDONLY | _NO_LINK)
    except FileNotFoundError:
        if named is None:  # an older pickenv's, or not pickenv's at all
            return f"{path} looks left by an interrupted pickenv run; remove it if no pickenv runs there"
        if _alive(named):
            return ""  # a run that has just made it
        return _remove_left(path, named)
    except PermissionError:
        return ""  # another user's (mkdtemp makes it 0700): neither ours to judge nor to remove
    except OSError:
        return f"{path} looks left by an interrupted pickenv run, but cannot be read; remove it yourself"
    try:
        if not _try_lock(fd):
            return ""  # its run still goes on: never touched
        return _remove_left(path, _read_pid(fd) or named)  # holding its lock: nobody decides meanwhile
    finally:
        os.close(fd)


def _remove_left(path: Path, pid: int | None) -> str:
    with signals_deferred():
        shutil.rmtree(path, ignore_errors=True)
    run = f"a pickenv run that was killed (pid {pid or '?'})"
    if os.path.lexists(path):
        return f"{path} was left by {run} and cannot be removed; remove it yourself"
    return f"removed {path}, left by {run}"


def _sweep_lock(path: Path) -> None:
    try:
        fd = os.open(path, _OPEN)
    except OSError:
        return
    try:
        holder = _read_pid(fd)
        if holder is not None and _alive(holder):
            return
        with signals_deferred():
            if _try_lock(fd) and _same_file(fd, path):
                os.unlink(path)
    finally:
        os.close(fd)
