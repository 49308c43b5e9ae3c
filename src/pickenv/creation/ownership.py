"""What pickenv made, so that undoing a run removes exactly that.

Other programs (and the user) may write into a project while pickenv builds it: an
editor saves a file, a second terminal creates the folder. Telling their paths from
pickenv's afterwards is guesswork, so pickenv records each path as it makes it, with
the identity (device and inode) the path had then, and a rollback removes a path only
while it is still that object. Folders are removed only once empty, so anything that
appeared inside one of pickenv's folders keeps the folder too.

Paths the tools pickenv runs will create (``.venv``, a lock file) cannot be recorded
by identity beforehand: they are *claimed* while they do not exist yet, and whatever
is there at rollback is the tool's.

A signal arriving between making a path and recording it would leave it unrecorded:
``signals_deferred`` holds the stop signals over such steps and delivers them after.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import signal
import stat
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import cast

# Ctrl-C, `kill`, a closed terminal, Ctrl-\ (the signals the CLI turns into an interrupt).
_STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT") if hasattr(signal, name)
)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold the stop signals for the duration of the block, then act on the first one.

    The Python handlers are swapped rather than the signals masked: a masked signal may
    still be taken by another thread (the progress line's), whose C handler would then
    run the Python handler in the main thread anyway.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be changed in the main thread
        return
    caught: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        caught.append(signum)

    previous = {signum: signal.signal(signum, hold) for signum in _STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if caught:
            _deliver(caught[0], previous[caught[0]])


def _deliver(signum: int, handler: object) -> None:
    if callable(handler):
        handler(signum, None)  # the CLI's: raises KeyboardInterrupt
    elif handler == signal.SIG_DFL:
        os.kill(os.getpid(), signum)  # what the signal would have done


# Device, inode and, for a file or a link, the time its inode last changed: a file
# someone rewrote in place, or made anew where pickenv's was (the inode number may be
# reused), is not pickenv's any more. A folder's own time changes with every entry
# added in it; it is removed only once empty anyway.
Identity = tuple[int, int, int]


def identity(path: Path) -> Identity:
    info = os.lstat(path)
    changed = 0 if stat.S_ISDIR(info.st_mode) else info.st_ctime_ns
    return (info.st_dev, info.st_ino, changed)


def _identity_or_none(path: Path) -> Identity | None:
    try:
        return identity(path)
    except OSError:
        return None


@dataclass(frozen=True)
class Made:
    """One path pickenv made, as it was when made."""

    path: Path
    identity: Identity
    folder: bool


@dataclass
class Ledger:
    """Every path pickenv made or claimed in one run, in the order it did."""

    made: list[Made] = field(default_factory=list)
    claimed: list[Path] = field(default_factory=list)

    def record(self, path: Path) -> None:
        """Record ``path``, just made by pickenv (call it with signals deferred)."""
        self.made.append(Made(path, identity(path), stat.S_ISDIR(os.lstat(path).st_mode)))

    def record_tree(self, entries: list[Made]) -> None:
        """Record a tree moved into place whole (see ``tree_entries``)."""
        self.made.extend(entries)

    def owns(self, path: Path) -> bool:
        now = _identity_or_none(path)
        return any(m.path == path and m.identity == now for m in self.made)

    def claim(self, path: Path) -> bool:
        """Claim a path a tool pickenv runs will create. Only a path that does not exist,
        or that pickenv made, can be claimed: anything else is someone else's."""
        if os.path.lexists(path) and not self.owns(path):
            return False
        self.claimed.append(path)
        return True

    def foreign(self, root: Path, besides: Path) -> list[Path]:
        """The paths under ``root`` pickenv neither made nor claimed: written by others
        meanwhile (or there before). ``besides``: pickenv's staging folder."""
        made = {m.path: m.identity for m in self.made}
        claimed = {*self.claimed, besides}
        found = []
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if Path(folder, d) not in claimed]
            for name in [*dirs, *files]:
                path = Path(folder, name)
                if path not in claimed and made.get(path) != _identity_or_none(path):
                    found.append(path)
        return found

    def rollback(self) -> None:
        """Remove what was claimed, then what was made while it is still pickenv's,
        newest first: a folder only once empty."""
        with signals_deferred():
            for path in reversed(self.claimed):
                _remove(path)
            for made in reversed(self.made):
                try:
                    if identity(made.path) != made.identity:
                        continue  # rewritten or replaced since: not pickenv's any more
                    if made.folder:
                        os.rmdir(made.path)  # fails when something else is inside: kept
                    else:
                        os.unlink(made.path)
                except OSError:
                    continue
            self.made.clear()
            self.claimed.clear()


def tree_entries(staging: Path, root: Path) -> list[Made]:
    """The entries of the tree ``staging`` as they will be at ``root`` after a rename,
    parents before their contents (so a rollback, newest first, empties folders first)."""
    entries = [Made(root, identity(staging), True)]
    for parent, dirs, files in os.walk(staging):  # never into a link
        dirs.sort()
        for name in [*dirs, *sorted(files)]:
            path = Path(parent, name)
            # Renaming the tree's root changes no entry's inode inside it. A link to a
            # folder is listed among the folders, but it is a link.
            is_folder = stat.S_ISDIR(os.lstat(path).st_mode)
            entries.append(Made(root / path.relative_to(staging), identity(path), is_folder))
    return entries


def _remove(path: Path) -> None:
    try:
        info = os.lstat(path)
    except OSError:
        return
    if stat.S_ISDIR(info.st_mode):
        shutil.rmtree(path, ignore_errors=True)  # never follows a link inside
    else:
        with contextlib.suppress(OSError):
            os.unlink(path)


# ---- moving a path into place without replacing what is there ---------------------------

_RENAME_NOREPLACE = 1
_AT_FDCWD = -100


def _load_renameat2() -> Callable[[int, bytes, int, bytes, int], int] | None:
    """glibc's renameat2 (Linux 3.15+, glibc 2.28+): a rename that fails instead of
    replacing its target, in one step. Looked up among the symbols the process has
    loaded (libc's among them): ctypes.util.find_library runs `ldconfig -p`, a process
    at every start."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    function.restype = ctypes.c_int
    return cast(Callable[[int, bytes, int, bytes, int], int], function)


_renameat2 = _load_renameat2()
# The filesystem cannot do it (some network and FUSE filesystems): fall back.
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP}


def move_exclusive(source: Path, target: Path) -> None:
    """Move ``source`` to ``target``, never replacing anything: FileExistsError when
    ``target`` exists (a file, a link or a folder, empty or not)."""
    if _renameat2 is not None:
        result = _renameat2(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(target), _RENAME_NOREPLACE)
        if result == 0:
            return
        code = ctypes.get_errno()
        if code not in _UNSUPPORTED:
            raise OSError(code, os.strerror(code), str(target))  # EEXIST: FileExistsError
    if stat.S_ISDIR(os.lstat(source).st_mode):
        # No exclusive rename for folders here: rename fails on a folder that has
        # anything in it, and one that has nothing loses nothing.
        if os.path.lexists(target) and not _empty_folder(target):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target))
        try:
            os.rename(source, target)
        except OSError as exc:
            if exc.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR, errno.EISDIR):
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target)) from None
            raise
        return
    os.link(source, target, follow_symlinks=False)  # FileExistsError when taken
    os.unlink(source)


def _empty_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode) and not any(os.scandir(path))
    except OSError:
        return False
