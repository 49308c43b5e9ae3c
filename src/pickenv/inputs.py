"""Reading the files people point pickenv at (answers, rules, the user config, team
files, a template's copier.yml and the files it includes).

Only regular files (or standard input, for ``-``) of a bounded size are read, and the
kind and size are checked before reading: `--answers-file /dev/zero`, a FIFO that
nobody writes to or a multi-gigabyte file must be refused at once, not read until
memory runs out or hung on forever. The file is opened without blocking and checked
again once open, so one swapped in between the two looks is refused too. The limits
are documented in the README ("Input files"). YAML read from these files goes through
``pickenv.yamlio``, which refuses or bounds aliases.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

TYPE_CHECKING = False  # as typing's, without importing typing on every start (README, Speed)
if TYPE_CHECKING:
    from typing import TextIO

# Generous for people's YAML (the built-in rules.yaml is ~20 KB): far below what
# would strain memory.
ANSWERS_LIMIT = 1 << 20  # 1 MiB
RULES_LIMIT = 4 << 20  # 4 MiB
CONFIG_LIMIT = 1 << 20  # 1 MiB (the user config, team files)
TEMPLATE_LIMIT = 1 << 20  # 1 MiB: a template's copier.yml, and each file it includes
STDIN = "-"

# Opening never waits (a FIFO without a writer), never makes a terminal ours.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | os.O_CLOEXEC


class InputError(Exception):
    """Why a file could not be read, as a phrase: "is a folder", "is larger than 1 MiB"."""


def size_text(limit: int) -> str:
    return f"{limit >> 20} MiB" if limit >= 1 << 20 else f"{limit >> 10} KiB"


def _kind(info: os.stat_result) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise InputError("is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError("is not a regular file (a device, pipe or socket)")


def _why(exc: OSError) -> InputError:
    if exc.errno == errno.ELOOP:
        return InputError("is a symlink loop")
    if isinstance(exc, FileNotFoundError):
        return InputError("not found")
    return InputError(f"cannot be read: {exc.strerror or type(exc).__name__}")


def read_bytes(path: Path | str, limit: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them, or InputError."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise _why(exc) from None
    _kind(info)
    if info.st_size > limit:
        raise InputError(f"is larger than {size_text(limit)}")
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise _why(exc) from None
    with open(fd, "rb", closefd=True) as handle:
        try:
            _kind(os.fstat(fd))  # what was opened, not what was looked at before
            data = handle.read(limit + 1)  # it may have grown since stat()
        except OSError as exc:
            raise _why(exc) from None
    if len(data) > limit:
        raise InputError(f"is larger than {size_text(limit)}")
    return data


def decode(data: bytes) -> str:
    """UTF-8 text, a byte-order mark dropped (editors on Windows write one)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("is not UTF-8 text") from None
    if "\0" in text:
        raise InputError("is binary, not text")
    return text


def read_text(path: Path | str, limit: int, stdin: TextIO | None = None) -> str:
    """The UTF-8 text of ``path`` (``-``: ``stdin``), or InputError saying why not."""
    if str(path) == STDIN and stdin is not None:
        text = stdin.read(limit + 1)
        if len(text) > limit:
            raise InputError(f"is larger than {size_text(limit)} (standard input)")
        return text.removeprefix("\ufeff")
    return decode(read_bytes(path, limit))


def read_inside(root: Path, relative: str, limit: int) -> str:
    """The text of the file ``relative`` names under ``root``, read as ``read_text``
    does, refusing one that leads outside ``root`` (a symlink, or ``..``)."""
    try:
        resolved = (root / relative).resolve(strict=True)
    except FileNotFoundError:
        raise InputError("not found") from None
    except (OSError, RuntimeError):
        raise InputError("is a symlink loop") from None
    if not resolved.is_relative_to(root.resolve()):
        raise InputError("leads outside its folder")
    return read_text(resolved, limit)


def glob_match(pattern: str, path: str) -> bool:
    """Whether the relative posix ``path`` of a file matches ``pattern`` as
    ``Path.glob`` matches it: ``**`` any number of folders, ``*``, ``?`` and ``[...]``
    within one name, case-sensitive, hidden files included."""
    from fnmatch import fnmatchcase
    from functools import cache

    wanted = [part for part in pattern.split("/") if part not in ("", ".")]
    parts = path.split("/")
    if not wanted or wanted[-1] == "**":  # ``a/**`` names folders, never a file
        return False

    @cache
    def match(i: int, j: int) -> bool:
        if i == len(wanted):
            return j == len(parts)
        if wanted[i] == "**":
            return any(match(i + 1, k) for k in range(j, len(parts)))
        return j < len(parts) and fnmatchcase(parts[j], wanted[i]) and match(i + 1, j + 1)

    return match(0, 0)
