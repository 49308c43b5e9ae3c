"""Python versions as versions: "3.10" > "3.9", never compared as strings or floats."""

from __future__ import annotations

import re
from collections.abc import Iterable

_VERSION = re.compile(r"^(\d+)\.(\d+)$")
_CLAUSE = re.compile(r"^\s*(==|!=|<=|>=|<|>)?\s*(\S+?)\s*$")

# The public list of target versions (question ``python_version``).
KNOWN_VERSIONS: tuple[str, ...] = (
    "2.7",
    "3.6",
    "3.7",
    "3.8",
    "3.9",
    "3.10",
    "3.11",
    "3.12",
    "3.13",
    "3.14",
)


def parse_version(text: str) -> tuple[int, int]:
    """Parse ``"3.10"`` into ``(3, 10)``; raise ``ValueError`` on anything else."""
    match = _VERSION.match(text.strip())
    if not match:
        raise ValueError(f'{text!r} is not a MAJOR.MINOR Python version such as "3.12"')
    return int(match.group(1)), int(match.group(2))


def _compare(op: str, left: tuple[int, int], right: tuple[int, int]) -> bool:
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    if op == "<":
        return left < right
    if op == "<=":
        return left <= right
    if op == ">":
        return left > right
    return left >= right  # ">="


def select_versions(specifier: str, versions: Iterable[str] = KNOWN_VERSIONS) -> frozenset[str]:
    """Return the versions that satisfy a specifier such as ``">=3.6,<3.10"``.

    A bare version (``"3.11"``) means ``==3.11``. Raises ``ValueError`` naming the bad clause.
    """
    clauses: list[tuple[str, tuple[int, int]]] = []
    for raw in specifier.split(","):
        match = _CLAUSE.match(raw)
        if not raw.strip() or not match:
            raise ValueError(f"empty or malformed clause in version specifier {specifier!r}")
        op = match.group(1) or "=="
        clauses.append((op, parse_version(match.group(2))))
    return frozenset(
        v for v in versions if all(_compare(op, parse_version(v), bound) for op, bound in clauses)
    )


def closest_known(major: int, minor: int) -> str:
    """The newest known version not newer than ``major.minor`` (the oldest known if older)."""
    wanted = (major, minor)
    candidates = [v for v in KNOWN_VERSIONS if parse_version(v) <= wanted]
    return candidates[-1] if candidates else KNOWN_VERSIONS[0]
