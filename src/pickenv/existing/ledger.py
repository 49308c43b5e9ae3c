"""The loss ledger of a switch: everything the old files declared, and what became of it.

Both sides are read the same way, each by its own tool's semantics (the tool
registry's ``read_environment``), and compared as the environments they build: a
group's *effective* requirements are its own, those of the groups it includes, and
the project's own dependencies where it installs the project itself. Requirements
are compared as pip compares them (``packaging``: name, extras, specifier, marker,
URL), pins by version, marker and hashes, indexes by URL. Whatever is not carried
into the group that now installs it is an entry that stops the switch unless the user
accepts it; so is anything the project's runtime environment or metadata would gain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Literal

from packaging.utils import canonicalize_name

from pickenv.formats.environments import Atom, atom_of, effective, effective_pins
from pickenv.formats.model import DEFAULT, DEV_EXTRAS, Declared, Group, Package, Req, SelfInstall

Status = Literal["carried", "changed", "lost", "added"]
What = Literal["requirement", "project", "pin", "source", "index", "note", "metadata", "group", "python"]


@dataclass(frozen=True)
class Entry:
    status: Status  # carried: as it was; changed: kept, but not the same; lost; added: new
    what: What
    group: str  # the old group ("" for what belongs to no group)
    text: str  # what the old files said (credentials are masked only when shown)
    origin: str = ""  # where they said it
    where: str = ""  # where it is now: a file, or "group dev"
    why: str = ""  # for anything but carried

    @property
    def blocking(self) -> bool:
        """A loss or change the user must accept (an addition to a development group
        is said, not refused: its environment only gains what it installs with)."""
        if self.status in ("changed", "lost"):
            return True
        # the project itself in its own environment is not a dependency (uv installs it)
        return (
            self.status == "added"
            and self.what != "project"
            and (self.group == DEFAULT or self.what == "metadata")
        )


@dataclass(frozen=True)
class Ledger:
    entries: tuple[Entry, ...]
    # Each old group and the new group that installs it now (a fragment folded into the
    # groups that included it: the first of them, the default one if it is one).
    groups: tuple[tuple[str, str], ...] = ()

    @property
    def blocking(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.blocking)

    def count(self, status: Status) -> int:
        return sum(1 for e in self.entries if e.status == status)


# ---- the comparison -------------------------------------------------------------------------
def compare(
    old: Declared,
    new: Declared,
    old_package: Package,
    new_package: Package,
    group_map: Mapping[str, str],
) -> Ledger:
    """Every requirement, pin, index and note of ``old`` with what became of it in
    ``new``; ``group_map`` names the new group that installs each old group's
    environment (a group maps to itself unless the new tool names it otherwise)."""
    entries = _metadata(old_package, new_package, _moved_sets(old, new, old_package, new_package))
    mapped: list[tuple[str, str]] = []
    targets: dict[str, list[str]] = {}
    includers = {i: [g.name for g in old.groups if i in g.includes] for g in old.groups for i in g.includes}
    for group in old.groups:
        target = group_map.get(group.name, group.name)
        if new.group(target) is None and includers.get(group.name) and group.name not in (DEFAULT, "dev"):
            # a part of other groups' environments (requirements/base.txt), written into them
            tops = _tops(group.name, includers, new, group_map)
            where = ", ".join(f"group {t}" for t in tops) or "no group"
            entries.append(Entry("carried", "group", group.name, group.file or group.name, group.file, where))
            target = group_map.get(tops[0], tops[0]) if tops else target
            mapped.append((group.name, target))
            entries += _group(old, new, group, target, old_package, new_package)
            continue
        mapped.append((group.name, target))
        targets.setdefault(target, []).append(group.name)
        entries += _group(old, new, group, target, old_package, new_package)
    for target, sources in targets.items():
        if len(sources) == 1 and new.group(target) is not None:
            entries += _added(old, new, sources[0], target, old_package, new_package)
    for name in old.locks:
        entries += _pins(old, new, name, group_map.get(name, name))
    entries += _sources(old, new)
    entries += _notes(old, new)
    return Ledger(tuple(entries), tuple(mapped))


def _tops(
    name: str, includers: Mapping[str, list[str]], new: Declared, group_map: Mapping[str, str]
) -> list[str]:
    """The groups of the new files that install an old fragment (through its includers)."""
    tops: list[str] = []
    seen: set[str] = set()
    todo = list(includers.get(name, []))
    while todo:
        current = todo.pop(0)
        if current in seen:
            continue
        seen.add(current)
        if new.group(group_map.get(current, current)) is not None:
            tops.append(current)
        else:
            todo += includers.get(current, [])
    return sorted(tops, key=lambda t: t != DEFAULT)  # what the project runs with, first


def _moved_sets(old: Declared, new: Declared, old_package: Package, new_package: Package) -> dict[str, Entry]:
    """Development sets a template's render moved between an extra and a dependency
    group of the same name, with the same requirements (pickenv's template keeps its
    test tools in uv's groups, in the other tools' extras): nothing installs less."""
    old_extras, new_extras = dict(old_package.extras or {}), dict(new_package.extras or {})
    moved: dict[str, Entry] = {}
    for name in sorted((old_extras.keys() ^ new_extras.keys()) & DEV_EXTRAS):
        extra, group, where = (
            (old_extras[name], new.group(name), f"[dependency-groups] {name}")
            if name in old_extras
            else (new_extras[name], old.group(name), f"[project.optional-dependencies] {name}")
        )
        if group is None or set(group.includes) - {DEFAULT} or _reqs(extra) != _reqs(group.requirements):
            continue
        text = f"the {name} set ({len(extra)} requirement{'s' * (len(extra) != 1)})"
        moved[name] = Entry(
            "carried", "metadata", "", text, old_package.metadata_file, f"pyproject.toml {where}"
        )
    return moved


def _metadata(old: Package, new: Package, moved: Mapping[str, Entry]) -> list[Entry]:
    """The package's own metadata is published with it: a switch never changes it (but
    for the development sets a template's render moved, ``moved``). (An application's
    [project] dependencies are its environment, compared as a group.)"""
    if not old.is_package:
        return []  # whether anything installs it now is the groups' to say
    if not new.is_package:
        why = "the project would no longer be built"
        return [
            Entry("changed", "metadata", "", "the project's build", old.metadata_file, new.metadata_file, why)
        ]
    entries = []
    if _reqs(old.dependencies) != _reqs(new.dependencies):
        entries.append(
            Entry("changed", "metadata", "", "[project] dependencies", old.metadata_file,
                  new.metadata_file, "the package's published dependencies would change")
        )  # fmt: skip
    old_extras = {k: v for k, v in (old.extras or {}).items() if k not in moved}
    new_extras = {k: v for k, v in (new.extras or {}).items() if k not in moved}
    entries += moved.values()
    if (old.extras is None) != (new.extras is None) or {k: _reqs(v) for k, v in old_extras.items()} != {
        k: _reqs(v) for k, v in new_extras.items()
    }:
        entries.append(
            Entry("changed", "metadata", "", "[project] optional-dependencies", old.metadata_file,
                  new.metadata_file, "the package's published extras would change")
        )  # fmt: skip
    if old.dynamic != new.dynamic:
        entries.append(
            Entry("changed", "metadata", "", "[project] dynamic", old.metadata_file, new.metadata_file,
                  "fields the build backend computes would be written statically")
        )  # fmt: skip
    return entries


def _reqs(items: Iterable[Req] | None) -> frozenset[str] | None:
    return None if items is None else frozenset(str(r.parsed) for r in items)


def _group(
    old: Declared, new: Declared, group: Group, target: str, old_package: Package, new_package: Package
) -> list[Entry]:
    """Each requirement of the old group, found (or not) in the new group's environment;
    and what the group installed through its includes, where the new one does not."""
    mine = [atom_of(r, old_package) for r in group.requirements]
    if group.self_install is not None:
        mine.append(Atom(None, group.self_install.extras, group.self_install))
    if new.group(target) is None:
        return [
            _entry("lost", a, group.name, "", f"no group of the new files installs {group.name}")
            for a in mine
        ]
    theirs = effective(new, target, new_package)
    where = target if target == group.name else f"group {target}"
    entries = [_atom_entry(atom, theirs, group.name, where, old_package) for atom in mine]
    # what the old group's includes brought (pipenv's dev packages come with [packages];
    # requirements-dev.txt's `-r requirements.txt`): checked, and said only when missing
    own = {id(a.source) for a in mine}
    for atom in effective(old, group.name, old_package):
        if id(atom.source) in own:
            continue
        entry = _atom_entry(atom, theirs, group.name, where, old_package)
        if entry.status != "carried":
            why = f"{group.name} installed it with {_origin_group(old, atom)}; {entry.why}"
            entries.append(replace(entry, why=why))
    return entries


def _atom_entry(atom: Atom, theirs: list[Atom], group: str, where: str, package: Package) -> Entry:
    if atom.requirement is None:
        return _project_entry(atom, theirs, group, where, package)
    same = next((t for t in theirs if t.requirement == atom.requirement), None)
    if same is not None:
        return _entry("carried", atom, group, _home(same, where))
    name = canonicalize_name(atom.requirement.name)
    other = [t for t in theirs if t.requirement is not None and canonicalize_name(t.requirement.name) == name]
    if other:
        why = "the new files ask for " + " and ".join(sorted({str(t.requirement) for t in other}))
        return _entry("changed", atom, group, _home(other[0], where), why)
    return _entry("lost", atom, group, "", f"not installed by {where} of the new files")


def _origin_group(old: Declared, atom: Atom) -> str:
    """The group whose files declare an atom an include brought in."""
    for group in old.groups:
        if any(r is atom.source for r in group.requirements) or group.self_install is atom.source:
            return group.name
    return "the project's own dependencies"


def _project_entry(atom: Atom, theirs: list[Atom], group: str, where: str, package: Package) -> Entry:
    installs = [t for t in theirs if t.requirement is None]
    if not installs:
        return _entry("lost", atom, group, "", "the new files do not install the project itself")
    extras = frozenset().union(*(t.extras for t in installs))
    if atom.extras <= extras:
        return _entry("carried", atom, group, _home(installs[0], where))
    # an extra whose packages the group installs itself (pipenv's dev packages) is there
    listed = package.extras or {}
    present = {str(t.requirement) for t in theirs if t.requirement is not None}
    if package.extras is not None and all(
        str(r.parsed) in present for extra in atom.extras - extras for r in listed.get(extra, ())
    ):
        return _entry("carried", atom, group, _home(installs[0], where))
    missing = ", ".join(sorted(atom.extras - extras))
    return _entry("changed", atom, group, where, f"the project is installed without its extras {missing}")


def _added(
    old: Declared, new: Declared, group: str, target: str, old_package: Package, new_package: Package
) -> list[Entry]:
    """What the new group's environment installs that the old one did not."""
    before = effective(old, group, old_package)
    entries = []
    seen: set[str] = set()
    for atom in effective(new, target, new_package):
        key = str(atom.requirement) if atom.requirement is not None else f"<project>{sorted(atom.extras)}"
        if key in seen:
            continue
        seen.add(key)
        if atom.requirement is None:
            if not any(b.requirement is None and atom.extras <= b.extras for b in before):
                entries.append(
                    _entry("added", atom, group, target, "the new files install the project itself")
                )
        elif not any(b.requirement == atom.requirement for b in before) and not any(
            b.requirement is not None and b.requirement.name == atom.requirement.name for b in before
        ):
            entries.append(_entry("added", atom, group, _home(atom, target), f"{target} installs it too"))
    return entries


def _entry(status: Status, atom: Atom, group: str, where: str, why: str = "") -> Entry:
    source = atom.source
    if isinstance(source, SelfInstall):
        extras = f"[{','.join(sorted(atom.extras))}]" if atom.extras else ""
        return Entry(status, "project", group, f"the project itself{extras}", source.origin, where, why)
    return Entry(status, "requirement", group, source.text, source.origin, where, why)


def _home(atom: Atom, fallback: str) -> str:
    """The file (and table) an origin names: "requirements.txt:3" -> "requirements.txt",
    "Pipfile [dev-packages] pytest" -> "Pipfile [dev-packages]"."""
    origin = atom.source.origin
    if not origin:
        return fallback
    if " [" in origin and "]" in origin:  # a table: "Pipfile [packages] django"
        return origin[: origin.index("]", origin.index(" [")) + 1]
    return origin.split(":")[0].split(" ")[0]


def _pins(old: Declared, new: Declared, group: str, target: str) -> list[Entry]:
    before, after = effective_pins(old, group), effective_pins(new, target)
    lock = ", ".join(new.lock_files) or ""
    entries = []
    for key, pin in sorted(before.items()):
        text = f"{pin.name}=={pin.version}" if pin.version else f"{pin.name} @ {pin.url}"
        text += f"; {pin.marker}" if pin.marker else ""
        origin = ", ".join(old.lock_files)
        now = after.get(key)
        if now is None:
            why = "no lock file of the new tool pins it" if not after else "the new lock file does not pin it"
            entries.append(Entry("lost", "pin", group, text, origin, "", why))
        elif (now.version, now.url) != (pin.version, pin.url):
            entries.append(
                Entry("changed", "pin", group, text, origin, lock, f"pinned to {now.version or now.url}")
            )
        elif not set(pin.hashes) <= set(now.hashes):
            entries.append(Entry("changed", "pin", group, text, origin, lock, "its hashes are not all kept"))
        else:
            entries.append(Entry("carried", "pin", group, text, origin, lock))
    return entries


def _sources(old: Declared, new: Declared) -> list[Entry]:
    entries = []
    urls = {s.url.rstrip("/"): s for s in new.sources}
    for source in old.sources:
        now = urls.get(source.url.rstrip("/"))
        role = "the default index" if source.default else "an extra index"
        if now is None:
            entries.append(
                Entry("lost", "source", "", source.url, source.origin, "", f"{role} of the old files")
            )
        elif now.default != source.default:
            why = "now searched besides PyPI" if source.default else "now replaces PyPI"
            entries.append(Entry("changed", "source", "", source.url, source.origin, now.origin, why))
        else:
            entries.append(Entry("carried", "source", "", source.url, source.origin, now.origin))
    by_name_old = {s.name: s.url.rstrip("/") for s in old.sources if s.name}
    by_name_new = {s.name: s.url.rstrip("/") for s in new.sources if s.name}
    for group in old.groups:
        for req in group.requirements:
            if not req.index:
                continue
            url = by_name_old.get(req.index, req.index)
            found = _find(new, req)
            if found is not None and by_name_new.get(found.index, found.index) == url:
                entries.append(Entry("carried", "index", group.name, f"{req.name} from {url}", req.origin))
            else:
                why = "it comes only from that index; the new files let every index offer it"
                entries.append(
                    Entry("changed", "index", group.name, f"{req.name} from {url}", req.origin, "", why)
                )
    return entries


def _find(declared: Declared, req: Req) -> Req | None:
    for group in declared.groups:
        for other in group.requirements:
            if other.name == req.name:
                return other
    return None


def _notes(old: Declared, new: Declared) -> list[Entry]:
    entries = []
    for note in old.notes:
        same = next((n for n in new.notes if (n.kind, n.text) == (note.kind, note.text)), None)
        if same is not None:
            entries.append(Entry("carried", "note", note.group, note.text, note.origin, same.origin))
        elif note.kind == "variable":
            continue  # said by the requirement that holds it, which is carried as written
        else:
            entries.append(
                Entry("lost", "note", note.group, note.text, note.origin, "", _NOTE_WHY[note.kind])
            )
    return entries


_NOTE_WHY = {
    "option": "a pip option the new files have no place for",
    "constraint": "a constraints file the new tool does not read",
    "script": "a pipenv script: the new tool has no scripts",
    "channel": "a conda channel: the new tool installs from PyPI",
    "build": "conda's own part of a spec (a build string or an OR)",
    "conda-only": "a conda package with no PyPI counterpart",
    "local": "a local path or workspace package: add it by hand",
    "setting": "a setting of the old tool with no counterpart",
    "variable": "",
    "stale": "the lock is out of date with its manifest: the old tool would lock again, as will the new one",
}
