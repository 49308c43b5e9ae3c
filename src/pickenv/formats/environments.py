"""What installing a group of some environment files installs: its requirements, those
of the groups it includes, and the project itself with its own dependencies where the
group installs the project; and the pins of its locked environment. The ledger compares
two projects' files this way, and the layouts carry locks with it."""

from __future__ import annotations

from dataclasses import dataclass, replace

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from pickenv.formats.model import Declared, Package, Pin, Req, SelfInstall


@dataclass(frozen=True)
class Atom:
    """One thing an environment installs: a requirement, or the project itself."""

    requirement: Requirement | None  # None: the project itself
    extras: frozenset[str]  # the project's extras (for the project itself)
    source: Req | SelfInstall


def effective(declared: Declared, name: str, package: Package) -> list[Atom]:
    """What installing group ``name`` installs: its requirements, its includes', and the
    project with its dependencies where it installs the project."""
    atoms: list[Atom] = []
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        group = declared.group(current)
        if group is None:
            continue
        atoms += [atom_of(r, package) for r in group.requirements]
        if group.self_install is not None:
            atoms += _project(group.self_install, package)
        todo += list(group.includes)
    return atoms


def atom_of(req: Req, package: Package) -> Atom:
    """A requirement naming the project itself (geopandas' conda environment lists
    geopandas) installs the project: the same as ``.`` with those extras."""
    parsed = req.parsed
    if package.name and not parsed.url and canonicalize_name(parsed.name) == canonicalize_name(package.name):
        return Atom(None, frozenset(canonicalize_name(e) for e in parsed.extras), req)
    return Atom(parsed, frozenset(), req)


def _project(install: SelfInstall, package: Package) -> list[Atom]:
    atoms = [Atom(None, install.extras, install)]
    if package.dependencies is not None:
        atoms += [Atom(r.parsed, frozenset(), r) for r in package.dependencies]
    extras = package.extras or {}
    for extra in sorted(install.extras):
        atoms += [Atom(r.parsed, frozenset(), r) for r in extras.get(extra, ())]
    return atoms


def effective_pins(declared: Declared, name: str) -> dict[str, Pin]:
    """The locked environment of group ``name``: its pins and its includes', one per
    package and version (locks of two groups may say the same pin with other markers:
    it applies wherever either says it does). A package the group's own lock pins
    otherwise than an included group's is the group's version: pipenv installs a
    Pipfile.lock's develop section after its default one."""
    pins: dict[str, Pin] = {}
    owner: dict[str, int] = {}  # package -> how far from the group its first pin was
    seen: set[str] = set()
    todo = [(name, 0)]
    while todo:
        current, depth = todo.pop(0)
        if current in seen:
            continue
        seen.add(current)
        for pin in declared.locks.get(current, ()):
            if owner.setdefault(pin.name, depth) < depth:
                continue  # pinned closer to the group already
            key = f"{pin.name} {pin.version or pin.url}"
            old = pins.get(key)
            pins[key] = pin if old is None else _either(old, pin)
        group = declared.group(current)
        todo += [(i, depth + 1) for i in group.includes] if group is not None else []
    return {f"{p.name} {marker_text(p.marker)}": p for p in pins.values()}


def _either(a: Pin, b: Pin) -> Pin:
    """One pin where two say it: everywhere if either applies everywhere."""
    hashes = tuple(sorted(set(a.hashes) | set(b.hashes)))
    if not a.marker or not b.marker or marker_text(a.marker) == marker_text(b.marker):
        marker = "" if not a.marker or not b.marker else a.marker
    else:
        marker = str(Marker(f"({a.marker}) or ({b.marker})"))
    return replace(a, marker=marker, hashes=hashes, extras=tuple(sorted(set(a.extras) | set(b.extras))))


def marker_text(text: str) -> str:
    try:
        return str(Marker(text)) if text else ""
    except ValueError:  # an unreadable marker compares as written
        return text
