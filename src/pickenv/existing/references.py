"""The lines of a project that still name its old tool or a file a switch removed.

After a switch, a Dockerfile's ``RUN pipenv install --deploy``, a CI workflow's
``pip install -r requirements.txt``, a Makefile or a README keep calling what is gone. These
are found by reading every tracked text file (the paths git lists, given by the caller; nothing
is run), so the caller can list them as ``file:line``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pickenv.formats.files import FileError, ProjectFiles, mask

FILE_LIMIT = 1 << 20  # 1 MiB: larger tracked files are data, not instructions
REFERENCE_LIMIT = 200
TEXT_LIMIT = 120
# Never text: skipped without being read.
_BINARY = re.compile(
    r"\.(?:png|jpe?g|gif|ico|bmp|webp|pdf|zip|gz|tgz|bz2|xz|7z|whl|egg|tar|jar|so|dylib|dll|exe|pyc|pyd"
    r"|o|a|class|woff2?|ttf|otf|eot|mp[34]|mov|avi|wav|ogg|sqlite3?|db|pkl|npy|npz|parquet|h5)$",
    re.IGNORECASE,
)
# Before a file name: not part of a longer name or of another folder's path (docs/requirements.txt
# is not requirements.txt), but ./, a root placeholder's {toxinidir}/ or $(CURDIR)/, or a glob's */.
_NAME_START = r"(?:(?<=[*})]/)|(?<![\w.\-/$]))(?:\./)?"
_NAME_END = r"(?![\w-]|\.\w)"  # requirements.txt, but not requirements.txt.bak


@dataclass(frozen=True)
class Mention:
    """What to look for: ``pattern`` (a regex) and what a match names ("pipenv", "Pipfile (removed)")."""

    pattern: str
    what: str
    # Text every match contains, in any case: a file without it is passed over without running
    # the regex (Python's regex engine reads about 20 MB/s with lookbehinds, str.lower 200).
    literal: str = ""


@dataclass(frozen=True)
class Reference:
    path: str  # posix, relative to the project
    line: int  # 1-based
    text: str  # the line, stripped, credentials masked, at most 120 characters
    mention: Mention  # the first of the caller's mentions the line names

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text}"


@dataclass(frozen=True)
class References:
    """Sorted by path then line; at most ``REFERENCE_LIMIT`` of them, ``more`` left out."""

    found: tuple[Reference, ...]
    more: int = 0
    unread: tuple[str, ...] = ()  # tracked files not searched: larger than 1 MiB

    def __iter__(self) -> Iterator[Reference]:
        return iter(self.found)

    def __len__(self) -> int:
        return len(self.found)


def mentions_for(tool_words: Sequence[str], removed: Sequence[str]) -> tuple[Mention, ...]:
    """Case-insensitive mentions of each tool word as a whole word (``\\bpipenv\\b``), then of each
    removed file by its path from the project's root: not inside a longer name
    (dev-requirements.txt, requirements.txt.bak) nor under another folder (docs/requirements.txt,
    a URL's .../requirements.txt), but after ``./``, ``{toxinidir}/``, ``$(CURDIR)/`` or ``**/``."""
    mentions = [Mention(rf"(?i:(?<!\w){re.escape(w)}(?!\w))", w, w) for w in tool_words if w]
    for path in removed:
        name = PurePosixPath(path).as_posix().removeprefix("./")
        pattern = rf"(?i:{_NAME_START}{re.escape(name)}{_NAME_END})"
        mentions.append(Mention(pattern, f"{name} (removed)", name))
    return tuple(dict.fromkeys(mentions))


def find_references(
    root: Path,
    words: Sequence[Mention],
    tracked: Sequence[str],
    skip: frozenset[str] = frozenset(),
    limit: int = REFERENCE_LIMIT,
) -> References:
    """Every line of the ``tracked`` text files (but those in ``skip``: the files the switch
    wrote) that names one of ``words``. Binary, unreadable and removed files are passed over."""
    if not words:
        return References(())
    patterns = [re.compile(mention.pattern) for mention in words]
    needles = [mention.literal.lower() for mention in words]
    try:
        anywhere = re.compile("|".join(f"(?:{mention.pattern})" for mention in words))
    except re.error:  # a caller's pattern with global flags ("(?i)..."): every line is tried
        anywhere = re.compile(r"(?m)^")
    files = ProjectFiles(root, limit=FILE_LIMIT)
    found: list[Reference] = []
    more, unread = 0, []
    for path in sorted(set(tracked) - skip):
        if _BINARY.search(path) or not files.exists(path):
            continue
        try:
            size = (files.root / path).stat().st_size
        except OSError:  # gone since it was listed
            continue
        if size > FILE_LIMIT:
            unread.append(path)
            continue
        try:
            # A fresh reader for each file: ProjectFiles keeps what it read, and a repository's
            # text would all stay in memory.
            text = ProjectFiles(files.root, limit=FILE_LIMIT).text(path)
        except FileError:  # binary, not UTF-8, or gone meanwhile: names nothing to fix
            continue
        if all(needles):
            lower = text.lower()
            if not any(needle in lower for needle in needles):
                continue
            lines: Iterable[tuple[int, str]] = (
                (number, line)
                for number, line in enumerate(text.split("\n"), start=1)
                if any(needle in line.lower() for needle in needles)
            )
        else:
            lines = _lines_naming(anywhere, text)
        for number, line in lines:
            mention = next((m for m, p in zip(words, patterns, strict=True) if p.search(line)), None)
            if mention is not None and len(found) < limit:
                found.append(Reference(path, number, _excerpt(line), mention))
            else:
                more += mention is not None
    return References(tuple(found), more, tuple(unread))


def _lines_naming(pattern: re.Pattern[str], text: str) -> Iterator[tuple[int, str]]:
    """(number, line) of each line with a match: one scan of the text (in C), lines counted only
    up to each match, so a large file that names nothing costs one search."""
    number, at, end = 1, 0, -1
    for match in pattern.finditer(text):
        if match.start() <= end:  # another match on a line already given
            continue
        number += text.count("\n", at, match.start())
        start = text.rfind("\n", 0, match.start()) + 1
        end = text.find("\n", match.start())
        end = len(text) if end == -1 else end
        at = start
        yield number, text[start:end]


def _excerpt(line: str) -> str:
    # Masked before it is cut, so a cut cannot leave part of a password unmasked.
    text = mask(line.strip())
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


__all__ = ["Mention", "Reference", "References", "find_references", "mentions_for"]
