"""How reports show a project's paths: as the user can type them from where they stand,
and a changed path's git status as one word a reader knows."""

from __future__ import annotations

from pathlib import Path

# git's two-letter status, as one word a reader knows.
_KIND = {"A": "added", "M": "changed", "D": "deleted", "R": "renamed", "U": "conflict"}


def shown_path(path: Path, cwd: Path) -> str:
    """The project's path as the user can type it from where they stand."""
    try:
        return str(path.relative_to(cwd)) or "."
    except ValueError:
        return str(path)


def named_path(path: Path, cwd: Path) -> str:
    """``shown_path``, but the folder's own name when it is the one the user stands in."""
    where = shown_path(path, cwd)
    return path.name if where == "." else where


def shown_location(location: str, cwd: Path) -> str:
    """A template's or project's place as given or recorded: a local absolute path as
    ``shown_path``, anything else (a URL, a ``~/`` path) as it is."""
    return shown_path(Path(location), cwd) if Path(location).is_absolute() else location


def kind(code: str) -> str:
    """git status's code (``M ``, ``??``, ``UU``) as a word."""
    if code == "??":
        return "added"
    if "U" in code or code in ("AA", "DD"):
        return "conflict"
    letter = code.strip()[:1]
    return _KIND.get(letter, "changed")
