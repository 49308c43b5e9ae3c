"""The one model every dependency format reads into and is written from.

A project's environment files declare *groups* of requirements: the ``default`` group
is what the project runs with (requirements.txt, a Pipfile's ``[packages]``, an
environment.yml, the ``[project]`` dependencies of an application), and every other
group is named (``dev``, ``docs``, ``tests``: requirements-dev.txt, ``[dev-packages]``,
a Pipfile category, a PEP 735 dependency group). A group may include other groups
(``-r requirements.txt``, ``{include-group = "tests"}``, pipenv's dev packages that
always come with ``[packages]``) and may install the project itself (``-e .[cli]``).

Lock files give *pins*: for a group, every package its environment installs, with
the exact version, markers and hashes. A package's own metadata (``[project]``
dependencies and extras, published with it) is not an environment file: it is
``Package``, read so that a switch never changes it.

What a file says that is not a requirement (a pip option, an index, a pipenv script,
a conda channel) is a ``Note``; ``Source`` is an index packages come from. A switch
accounts for all of it (``pickenv.existing.ledger``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Literal

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

DEFAULT = "default"  # the group the project runs with

NoteKind = Literal[
    "option",  # a pip option in a requirements file (--pre, --no-binary, -f URL)
    "constraint",  # -c constraints.txt: versions only, no packages
    "script",  # pipenv [scripts]
    "channel",  # a conda channel other than conda-forge
    "build",  # a conda build string, a conda-only spec
    "conda-only",  # a conda package with no PyPI counterpart
    "local",  # a local path or editable install of another folder
    "setting",  # a tool setting with no carrier ([pipenv] allow_prereleases, [tool.uv] ...)
    "variable",  # an environment variable in a requirement (${TOKEN})
    "stale",  # a lock file that does not match its manifest: its pins are not carried
]


def group_name(text: str) -> str:
    """PEP 735's normalised group name ("Dev_Tools" -> "dev-tools")."""
    return re.sub(r"[-_.]+", "-", text).lower()


# Extras that are development sets, not the running project's (pickenv's template
# names them test and notebooks; dev is the older name).
DEV_EXTRAS = frozenset({"dev", "test", "tests", "testing", "notebooks"})


def extra_name(text: str) -> str:
    """PEP 685's normalised extra name."""
    return str(canonicalize_name(text))


@dataclass(frozen=True)
class Req:
    """One requirement as pip reads it (PEP 508), with where it was written."""

    text: str  # normalised by packaging: 'django>=4.2; python_version < "3.12"'
    origin: str  # "requirements.txt:3", "Pipfile [packages] django"
    hashes: tuple[str, ...] = ()  # "sha256:..." (requirements --hash, Pipfile.lock)
    index: str = ""  # the name of the Source it must come from ("": the default index)
    editable: bool = False  # an editable VCS or path requirement

    @cached_property
    def parsed(self) -> Requirement:
        return Requirement(self.text)

    @property
    def name(self) -> str:
        return str(canonicalize_name(self.parsed.name))

    def same(self, other: Req) -> bool:
        """Equal as pip sees them: name, extras, specifier, marker and URL."""
        return self.parsed == other.parsed


def requirement(text: str, origin: str, **kw: object) -> Req:
    """A ``Req`` from PEP 508 text, normalised; ``InvalidRequirement`` if pip would refuse it."""
    return Req(str(Requirement(text)), origin, **kw)  # type: ignore[arg-type]


def parse(text: str) -> Requirement | None:
    try:
        return Requirement(text)
    except InvalidRequirement:
        return None


@dataclass(frozen=True)
class SelfInstall:
    """The group installs the project itself (``.``, ``-e .[cli]``, ``{path = "."}``)."""

    extras: frozenset[str] = frozenset()  # normalised extra names
    editable: bool = True
    origin: str = ""


@dataclass(frozen=True)
class Group:
    name: str  # normalised (``group_name``); DEFAULT for what the project runs with
    requirements: tuple[Req, ...] = ()
    includes: tuple[str, ...] = ()  # other groups installed with this one
    self_install: SelfInstall | None = None
    file: str = ""  # the file that declares it (relative, posix)


@dataclass(frozen=True)
class Source:
    """A package index."""

    name: str  # pipenv's and uv's name for it ("" where the format has none)
    url: str  # as written: may hold credentials or ${VARIABLES} (masked when shown)
    default: bool  # it replaces PyPI (--index-url), else it is searched too (--extra-index-url)
    origin: str
    verify_ssl: bool = True


@dataclass(frozen=True)
class Pin:
    """One package of a locked environment."""

    name: str  # normalised
    version: str  # "4.2.7" ("" for a direct reference)
    marker: str = ""  # where it applies ('sys_platform == "win32"')
    hashes: tuple[str, ...] = ()  # sorted "sha256:..."
    url: str = ""  # a VCS or file reference instead of a version
    index: str = ""  # the Source name it comes from
    extras: tuple[str, ...] = ()  # sorted, as the lock says them (`celery[redis]==5.6.3`)


@dataclass(frozen=True)
class Note:
    """Something a file says that is not a requirement."""

    origin: str
    text: str  # as written (credentials are masked when shown, never here)
    kind: NoteKind
    group: str = DEFAULT  # the group it belongs to, where it has one


@dataclass(frozen=True)
class Declared:
    """What some environment files declare: the unit every format reads and writes."""

    groups: tuple[Group, ...] = ()
    locks: Mapping[str, tuple[Pin, ...]] = field(default_factory=dict)  # group -> its whole environment
    sources: tuple[Source, ...] = ()
    notes: tuple[Note, ...] = ()
    python: str = ""  # the Python the files ask for ("3.11", ">=3.9"; "" when they do not say)
    files: tuple[str, ...] = ()  # every file read (relative, posix), includes too
    lock_files: tuple[str, ...] = ()  # the files that gave the pins

    def group(self, name: str) -> Group | None:
        return next((g for g in self.groups if g.name == name), None)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(g.name for g in self.groups)

    def __add__(self, other: Declared) -> Declared:
        """Both files' declarations; a group both declare is one group with both parts."""
        groups: dict[str, Group] = {g.name: g for g in self.groups}
        for g in other.groups:
            old = groups.get(g.name)
            groups[g.name] = g if old is None else _joined(old, g)
        return Declared(
            tuple(groups.values()),
            {**self.locks, **other.locks},
            _unique(self.sources + other.sources),
            _unique(self.notes + other.notes),
            self.python or other.python,
            tuple(dict.fromkeys(self.files + other.files)),
            tuple(dict.fromkeys(self.lock_files + other.lock_files)),
        )


def _joined(a: Group, b: Group) -> Group:
    """A group declared twice (a file read again through another include) is said once."""
    seen = set(a.requirements)  # a set: joining stays linear in the requirements
    return replace(
        a,
        requirements=a.requirements + tuple(r for r in b.requirements if r not in seen),
        includes=tuple(dict.fromkeys(a.includes + b.includes)),
        self_install=_self_union(a.self_install, b.self_install),
        file=a.file or b.file,
    )


def _self_union(a: SelfInstall | None, b: SelfInstall | None) -> SelfInstall | None:
    if a is None or b is None:
        return a or b
    return SelfInstall(a.extras | b.extras, a.editable or b.editable, a.origin or b.origin)


def _unique(items: Iterable[object]) -> tuple:  # type: ignore[type-arg]
    return tuple(dict.fromkeys(items))


@dataclass(frozen=True)
class Package:
    """The project's own metadata, published with it: never changed by a switch."""

    name: str = ""  # as written ("" when the project names none)
    buildable: bool = False  # pip can build and install it: a build system, setup.py or setup.cfg
    installs_itself: bool = True  # False: uv's ``package = false``, an application
    dependencies: tuple[Req, ...] | None = ()  # None: dynamic, or in setup.py/setup.cfg
    extras: Mapping[str, tuple[Req, ...]] | None = field(default_factory=dict)  # None: dynamic
    dynamic: frozenset[str] = frozenset()
    requires_python: str = ""
    has_project_table: bool = False  # pyproject.toml has a [project] table
    metadata_file: str = ""  # where the metadata lives: "pyproject.toml", "setup.cfg", "setup.py"
    build_system: bool = False  # a [build-system] table (or uv's package = true): uv builds it
    workspace: tuple[str, ...] = ()  # uv workspace members (relative folders)

    @property
    def is_package(self) -> bool:
        """pip installs the project itself: the files may say ``.``."""
        return self.buildable and self.installs_itself

    @property
    def uv_package(self) -> bool:
        """uv builds and installs the project (else it is a virtual project: its
        [project] dependencies are the environment's)."""
        return self.build_system and self.installs_itself


EMPTY = Declared()
