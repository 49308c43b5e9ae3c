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


def kind(code: str) -> str:
    """git status's code (``M ``, ``??``, ``UU``) as a word."""
    if code == "??":
        return "added"
    if "U" in code or code in ("AA", "DD"):
        return "conflict"
    letter = code.strip()[:1]
    return _KIND.get(letter, "changed")
