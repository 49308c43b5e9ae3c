"""Reading the files people point pickenv at (answers, rules, the user config).

Only regular files (or standard input, for ``-``) of a bounded size are read, and the
size is checked before reading: `--answers-file /dev/zero` or a multi-gigabyte file
must be refused at once, not read until memory runs out. The limits are documented
in the README ("Input files").
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import TextIO

# Generous for people's YAML (the built-in rules.yaml is ~20 KB): far below what
# would strain memory.
ANSWERS_LIMIT = 1 << 20  # 1 MiB
RULES_LIMIT = 4 << 20  # 4 MiB
CONFIG_LIMIT = 1 << 20  # 1 MiB
STDIN = "-"


class InputError(Exception):
    """Why a file could not be read, as a phrase: "is a folder", "is larger than 1 MiB"."""


def _size(limit: int) -> str:
    return f"{limit >> 20} MiB"


def read_text(path: Path | str, limit: int, stdin: TextIO | None = None) -> str:
    """The UTF-8 text of ``path`` (``-``: ``stdin``), or InputError saying why not."""
    if str(path) == STDIN and stdin is not None:
        text = stdin.read(limit + 1)
        if len(text) > limit:
            raise InputError(f"is larger than {_size(limit)} (standard input)")
        return text
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError("not found") from None
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError("is not a regular file (a device, pipe or socket)")
    if info.st_size > limit:
        raise InputError(f"is larger than {_size(limit)}")
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)  # it may have grown since stat()
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}") from None
    if len(data) > limit:
        raise InputError(f"is larger than {_size(limit)}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("is not UTF-8 text") from None
