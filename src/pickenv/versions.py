"""Python versions as versions: "3.10" > "3.9", never compared as strings or floats.

``PythonVersion`` is the one type for a MAJOR.MINOR Python version (the host
interpreter, a project's target). Answers keep the public text form ("3.11").
Specifiers in rules files are PEP 440 specifiers read by ``packaging``; it is
imported only when a rules file is parsed, never on `pickenv recommend`'s cached path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pickenv.errors import AnswerError

_VERSION = re.compile(r"^(\d+)\.(\d+)$")
_BARE = re.compile(r"^\s*\d")  # a clause that is only a version, e.g. "3.11"


class PythonVersion(tuple[int, int]):
    """A pair of ints, ordered as versions are. Written out, not a typing.NamedTuple:
    that compiles its fields' annotations, and the first compile() of a process builds
    the ast module's types, 9.3 M instructions of `pickenv recommend` (pickenv.records)."""

    __slots__ = ()

    def __new__(cls, major: int, minor: int) -> PythonVersion:
        return super().__new__(cls, (major, minor))

    def __getnewargs__(self) -> tuple[int, int]:  # copy and pickle call __new__ with these
        return (self[0], self[1])

    @property
    def major(self) -> int:
        return self[0]

    @property
    def minor(self) -> int:
        return self[1]

    def __repr__(self) -> str:
        return f"PythonVersion(major={self[0]}, minor={self[1]})"

    @classmethod
    def parse(cls, text: str) -> PythonVersion:
        """``"3.10"`` -> ``PythonVersion(3, 10)``; ``ValueError`` on anything else."""
        match = _VERSION.match(text.strip())
        if not match and _FREE_THREADED.match(text):
            raise FreeThreadedTarget(
                f"pickenv recommends for a free-threaded {text.strip()} but scaffolds and creates "
                f"environments for {base_version(text)}: answer python_version={base_version(text)} "
                f"and pass the free-threaded interpreter with --python python{text.strip()}"
            )
        if not match:
            raise ValueError(f'{text!r} is not a MAJOR.MINOR Python version such as "3.12"')
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"


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
    "3.15",
)

# Free-threaded builds (PEP 703; supported from 3.14, PEP 779) are answers of their
# own: a "3.14t" target is version 3.14 for every version comparison, and only a
# rule that names "3.14t" tells it apart. They are not in KNOWN_VERSIONS: the tools
# create their environments from whichever 3.14 interpreter they are given.
FREE_THREADED: tuple[str, ...] = ("3.14t", "3.15t")
TARGETS: tuple[str, ...] = (*KNOWN_VERSIONS, *FREE_THREADED)
_FREE_THREADED = re.compile(r"^\s*(\d+\.\d+)t\s*$")


class FreeThreadedTarget(AnswerError, ValueError):
    """A free-threaded target where only a MAJOR.MINOR version will do (pickenv new):
    a user's answer, so worded as one (never an internal error)."""


def base_version(target: str) -> str:
    """``"3.14t"`` -> ``"3.14"``; any other target unchanged."""
    match = _FREE_THREADED.match(target)
    return match.group(1) if match else target


def parse_version(text: str) -> PythonVersion:
    return PythonVersion.parse(text)


def select_versions(specifier: str, versions: Iterable[str] = TARGETS) -> frozenset[str]:
    """The versions that satisfy a PEP 440 specifier such as ``">=3.6,<3.10"``.

    A bare version (``"3.11"``) means ``==3.11``; a free-threaded target (``"3.14t"``)
    matches a specifier as its version does, and ``"3.14t"`` alone selects only it.
    Empty clauses (``">=3.6,"``) are refused, although ``packaging`` would skip them:
    in a file people edit they are a mistake. Raises ``ValueError`` naming the problem.
    """
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    if _FREE_THREADED.match(specifier):
        return frozenset(v for v in versions if v == specifier.strip())
    clauses = specifier.split(",")
    if any(not clause.strip() for clause in clauses):
        raise ValueError(f"empty clause in version specifier {specifier!r}")
    written = ",".join(f"=={c.strip()}" if _BARE.match(c) else c for c in clauses)
    try:
        spec = SpecifierSet(written)
    except InvalidSpecifier:
        raise ValueError(f'malformed version specifier {specifier!r} (PEP 440, e.g. ">=3.6,<3.10")') from None
    return frozenset(v for v in versions if spec.contains(base_version(v), prereleases=True))


def closest_known(version: PythonVersion) -> str:
    """The newest known version not newer than ``version`` (the oldest known if older)."""
    candidates = [v for v in KNOWN_VERSIONS if PythonVersion.parse(v) <= version]
    return candidates[-1] if candidates else KNOWN_VERSIONS[0]
