"""pipenv's Pipfile.lock, read as pipenv reads it and written as ``pipenv lock`` writes it.

A lock entry becomes the pin ``requirement_from_lockfile`` installs. The lock's hash is
computed as ``Pipfile.calculate_hash`` computes it, so ``pipenv verify`` accepts a lock
written here; a lock whose hash is not its Pipfile's is stale (``stale_lock``).
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import replace
from typing import Any, NoReturn
from urllib.parse import urlsplit

import tomlkit
from packaging.markers import Marker
from packaging.utils import canonicalize_name

from pickenv.formats.base import DependencyFormat, RenderOptions
from pickenv.formats.files import FileError, ProjectFiles
from pickenv.formats.model import DEFAULT, Declared, Note, Pin, group_name
from pickenv.formats.pip_lines import split_vcs
from pickenv.formats.pipfile import (
    PYPI_SOURCE,
    RESERVED,
    TABLES,
    TYPES,
    URLS,
    VCS,
    checked_marker,
    failing,
    group_of,
    is_local_checkout,
    is_root,
    kind_of,
    pipenv_markers,
    pipenv_quotes,
    pipenv_source,
    read_sources,
    short,
    source_dict,
    with_vcs,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

HASHED_APART = RESERVED - {"build-system"} | {"packages", "dev-packages", "default", "develop"}
SECTIONS = {DEFAULT: "default", "dev": "develop"}  # the lock's sections of the Pipfile's tables


def _without_groups(items: list[Any]) -> str | None:
    """A marker (packaging's parsed form) with each ``'dev' in dependency_groups`` term true,
    as pipenv installs a lock (routines/install.py counts a marker it cannot evaluate as
    met): the section already says the group, and pip cannot evaluate it. None: true."""
    disjuncts, conjunction = [], list[str | None]()
    for item in [*items, "or"]:  # "and" binds tighter than "or"
        if item == "or" and not [t for t in conjunction if t is not None]:
            return None
        if item == "or":
            disjuncts.append(" and ".join(t for t in conjunction if t is not None))
            conjunction = []
        elif isinstance(item, list):
            inner = _without_groups(item)
            conjunction.append(None if inner is None else f"({inner})")
        elif item != "and":
            grouped = any(type(p).__name__ == "Variable" and str(p) == "dependency_groups" for p in item)
            conjunction.append(None if grouped else " ".join(p.serialize() for p in item))
    return " or ".join(disjuncts)


def lock_pin(
    files: ProjectFiles, path: str, section: str, key: str, entry: object, default_index: str = "pypi"
) -> tuple[Pin | None, list[Note]]:
    """One Pipfile.lock entry as ``requirement_from_lockfile`` installs it; the project
    itself gives no pin, another local path a note. An ``index`` naming the first source is ""."""
    name, group, origin = str(canonicalize_name(key)), group_of(section), f"{path} [{section}] {key}"
    fail = failing(path, f"[{short(section)}] {short(key)}: ")
    if isinstance(entry, str):
        return Pin(name, "" if entry == "*" else entry.removeprefix("==")), []
    if not isinstance(entry, dict):
        fail(f"must be an object, not {kind_of(entry)}")
    for field, kind in TYPES.items():
        if field in entry and not isinstance(entry[field], kind):
            fail(f"'{field}' must be {kind_of(kind())}, not {kind_of(entry[field])}")
    if not all(isinstance(h, str) for h in entry.get("hashes", ())):
        fail("'hashes' must be an array of strings")
    marker = pipenv_markers(entry, fail)
    if entry.get("os_markers"):
        os_markers = checked_marker(entry["os_markers"], fail)
        marker = checked_marker(f"({marker}) and ({os_markers})" if marker else os_markers, fail)
    if "dependency_groups" in marker:
        marker = (
            checked_marker(simpler, fail) if (simpler := _without_groups(Marker(marker)._markers)) else ""
        )
    vcs, location = next((v for v in VCS if v in entry), None), entry.get("file", entry.get("path"))
    url = location if location is not None and location.startswith(URLS) else ""
    if vcs is not None:
        vcs_url, ref = entry[vcs].split("#egg=")[0], entry.get("ref") or ""
        if "@" in urlsplit(vcs_url).path:  # pipenv's normalize_vcs_url: a ref in the URL
            vcs_url, _, in_url = vcs_url.rpartition("@")
            ref = ref or in_url
        if is_local_checkout(files, vcs_url):
            return None, [Note(origin, f"-e {with_vcs(vcs, vcs_url)}", "local", group)]
        sub = f"#subdirectory={entry['subdirectory']}" if entry.get("subdirectory") else ""
        url = with_vcs(vcs, vcs_url) + (f"@{ref}" if ref else "") + sub
    elif location is not None and is_root(files, location):
        return None, []
    elif location is not None and not url:
        return None, [Note(origin, f"{'-e ' * bool(entry.get('editable'))}{location}", "local", group)]
    version = "" if url else entry.get("version", "")
    if version not in ("", "*") and not version.startswith("=="):
        fail(f"version '{short(version)}' is not an exact '==' pin")
    version = "" if version == "*" else version.removeprefix("===").removeprefix("==")
    index = "" if entry.get("index") == default_index else entry.get("index", "")
    extras = tuple(sorted(str(e) for e in entry.get("extras", ()) if isinstance(e, str)))
    return Pin(name, version, marker, tuple(sorted(entry.get("hashes", ()))), url, index, extras), []


class PipfileLockFormat(DependencyFormat):
    name = "pipfile-lock"
    summary = "pipenv's Pipfile.lock: every package of each Pipfile section, pinned with hashes"
    patterns = ("Pipfile.lock",)
    role = "lock"

    def read(self, files: ProjectFiles, path: str) -> Declared:
        data = files.json(path)
        if not isinstance(data, dict):
            raise FileError(path, f"must hold a JSON object, not {kind_of(data)}")
        meta = data.get("_meta", {})
        requires = meta.get("requires", {}) if isinstance(meta, dict) else None
        if not isinstance(requires, dict):
            raise FileError(path, "'_meta' must be an object whose 'requires' is an object")
        sources, default_index = read_sources(meta.get("sources", []), path, "_meta.sources")
        locks: dict[str, tuple[Pin, ...]] = {DEFAULT: ()}  # pipenv reads a missing section as empty
        notes: list[Note] = []
        for section, entries in data.items():
            if section == "_meta":
                continue
            if not isinstance(entries, dict):
                raise FileError(path, f"section '{short(section)}' must be an object, not {kind_of(entries)}")
            pins = list(locks.get(group_of(section), ()))
            for key, entry in entries.items():
                pin, found = lock_pin(files, path, section, key, entry, default_index)
                pins += [pin] if pin else []
                notes += found
            locks[group_of(section)] = tuple(pins)
        python = requires.get("python_full_version") or requires.get("python_version") or ""
        python = python if isinstance(python, str) and python != "*" else ""
        return Declared(
            locks=locks, sources=sources, notes=tuple(notes), python=python, files=(path,), lock_files=(path,)
        )

    def render(self, existing: str | None, path: str, part: Declared, options: RenderOptions) -> str:
        return render_lock(existing, part, options)


def pipfile_hash(text: str) -> str:
    """``_meta.hash.sha256`` of a Pipfile as pipenv's ``Pipfile.calculate_hash`` computes it:
    plette's ``get_hash`` (pipenv's default [[source]] when the file has none) over package
    names normalised by PEP 503. ``ValueError`` if pipenv could not hash the text either."""
    try:
        raw = tomllib.loads(text)
        if "source" not in raw:  # plette prepends its default source as text: it takes in any
            # key/value lines before the first table, so only then is the text parsed again
            first = next((ln.strip() for ln in text.splitlines() if ln.strip()[:1] not in ("", "#")), "[")
            prefix = tomlkit.dumps({"source": [PYPI_SOURCE]}) + ("" if text.startswith("\n") else "\n")
            raw = {"source": [PYPI_SOURCE], **raw} if first.startswith("[") else tomllib.loads(prefix + text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"the Pipfile is not TOML ({exc})") from None
    data = {"_meta": {"sources": raw["source"], "requires": raw.get("requires", {})}}
    tables = {"default": raw.get("packages", {}), "develop": raw.get("dev-packages", {})}
    tables.update({k: v for k, v in raw.items() if k not in HASHED_APART})
    data.update({k: {str(canonicalize_name(name)): v for name, v in t.items()} for k, t in tables.items()})
    try:
        content = json.dumps(data, sort_keys=True, separators=(",", ":"))
    except TypeError as exc:  # a TOML date
        raise ValueError(f"pipenv cannot hash this Pipfile ({exc})") from None
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def stale_lock(declared: Declared, files: ProjectFiles) -> Declared:
    """A Pipfile.lock whose recorded hash is not its Pipfile's describes another Pipfile:
    pipenv would lock again, so its pins are not the project's (a Note says so)."""
    if not (declared.locks and files.exists("Pipfile") and files.exists("Pipfile.lock")):
        return declared
    meta = files.json("Pipfile.lock").get("_meta", {}) if isinstance(files.json("Pipfile.lock"), dict) else {}
    recorded = meta.get("hash", {}).get("sha256") if isinstance(meta.get("hash"), dict) else None
    try:
        current = pipfile_hash(files.text("Pipfile"))
    except ValueError:
        current = None
    if recorded == current:
        return declared
    note = Note("Pipfile.lock", "Pipfile.lock (its _meta hash is not the Pipfile's)", "stale")
    return replace(declared, locks={}, notes=(*declared.notes, note))


def _lock_entry(pin: Pin, default_index: str) -> dict[str, Any]:
    vcs, url, ref, sub = split_vcs(pin.url)
    entry: dict[str, Any] = {vcs: url} if vcs else {"file": pin.url} if pin.url else {}
    entry.update({"ref": ref} if ref else {})
    entry.update({"subdirectory": sub} if sub else {})
    if not pin.url:
        entry.update(version=f"=={pin.version}" if pin.version else "*", index=pin.index or default_index)
    entry.update({"extras": list(pin.extras)} if pin.extras else {})
    entry.update({"hashes": sorted(pin.hashes)} if pin.hashes else {})
    entry.update({"markers": pipenv_quotes(str(Marker(pin.marker)))} if pin.marker else {})
    return entry


def render_lock(existing: str | None, part: Declared, options: RenderOptions) -> str:
    """A whole new Pipfile.lock for ``options.companion`` (the final Pipfile), as ``pipenv
    lock`` writes it: ``_meta`` from that Pipfile, a section per group of ``part.locks``."""
    if not options.companion.strip():
        raise ValueError("a Pipfile.lock is written for a Pipfile: options.companion is empty")
    digest, pipfile = pipfile_hash(options.companion), tomllib.loads(options.companion)

    def fail(why: str) -> NoReturn:
        raise ValueError(f"the Pipfile of the lock: {why}")

    sources = [pipenv_source(s, "[[source]]", fail) for s in pipfile.get("source") or [PYPI_SOURCE]]
    sources += [source_dict(s) for s in part.sources if s.name and s.name not in {s["name"] for s in sources}]
    meta = {"hash": {"sha256": digest}, "pipfile-spec": 6, "requires": pipfile.get("requires", {})}
    tables = {group_name(k): k for k in pipfile if k not in RESERVED and group_of(k) not in TABLES}
    lock: dict[str, Any] = {"_meta": {**meta, "sources": sources}, "default": {}, "develop": {}}
    for group, pins in part.locks.items():
        section = SECTIONS.get(group) or tables.get(group, group)
        lock[section] = {pin.name: _lock_entry(pin, sources[0]["name"]) for pin in pins}
    text = json.dumps(lock, indent=4, separators=(",", ": "), sort_keys=True) + "\n"
    return text.replace("\n", "\r\n") if existing and "\r\n" in existing else text
