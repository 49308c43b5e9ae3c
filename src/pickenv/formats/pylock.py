"""pylock.toml (PEP 751): the packages a lock installs, as pins, per group.

A multi-use lock says which packages a group installs with markers on
``dependency_groups`` (``'dev' in dependency_groups``); installing with no group asked
for sets it to ``default-groups``. Each group's environment here is what installing
``default-groups`` plus that group selects: the group parts of every marker are decided,
and what is left of the marker (``sys_platform == "win32"``) stays on the pin. A lock
whose markers also choose by ``extras`` (or cannot be split) gives every package under
the default group with its marker as written, and a note saying so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any

from packaging.markers import InvalidMarker, Marker
from packaging.utils import canonicalize_name

from pickenv.formats.base import DependencyFormat, RenderOptions
from pickenv.formats.files import FileError, ProjectFiles
from pickenv.formats.model import DEFAULT, Declared, Note, Pin, group_name

PYPI = "https://pypi.org/simple"
_NAME = re.compile(r"pylock\.([^.]+\.)?toml")  # PEP 751's file names


class _Unsplittable(Exception):
    """A marker whose group part pickenv cannot decide on its own."""


class PylockFormat(DependencyFormat):
    name = "pylock"
    summary = "pylock.toml (PEP 751): the pinned packages of each dependency group"
    patterns = ("pylock.toml", "pylock.*.toml")
    role = "lock"

    def claims(self, files: ProjectFiles, path: str) -> bool:
        return super().claims(files, path) and bool(_NAME.fullmatch(PurePosixPath(path).name))

    def read(self, files: ProjectFiles, path: str) -> Declared:
        data = files.toml(path)
        version = data.get("lock-version")
        if not isinstance(version, str) or version.split(".")[0] != "1":
            raise FileError(path, f"has lock-version {version!r}; pickenv reads version 1 (PEP 751)")
        packages = data.get("packages")
        if not isinstance(packages, list) or not all(isinstance(p, Mapping) for p in packages):
            raise FileError(path, "has no [[packages]] array of tables")
        defaults = _strings(data, "default-groups", path)
        named = [g for g in _strings(data, "dependency-groups", path) if g not in defaults]
        notes: list[Note] = []
        environments = _strings(data, "environments", path)
        if environments:  # where the lock may be installed at all
            notes.append(Note(f"{path} environments", f"environments = {environments}", "setting"))
        pins: list[Pin] = []
        for number, package in enumerate(packages, 1):
            pin, note = _package(package, number, path)
            pins.append(pin)
            if note is not None:
                notes.append(note)
        selections = {DEFAULT: frozenset(defaults)} | {
            group_name(g): frozenset([*defaults, g]) for g in named
        }
        try:
            locks = {group: _select(pins, chosen) for group, chosen in selections.items()}
        except _Unsplittable:
            locks = {DEFAULT: tuple(pins)}
            why = "has markers that choose by extras or that pickenv cannot split into groups"
            notes.append(Note(path, f"{path} {why}: every package is under the default group", "setting"))
        python = data.get("requires-python")
        return Declared(
            locks=locks,
            notes=tuple(notes),
            python=python if isinstance(python, str) else "",
            files=(path,),
            lock_files=(path,),
        )

    def render(self, existing: str | None, path: str, part: Declared, options: RenderOptions) -> str:
        raise NotImplementedError(
            "pylock.toml is not written: PEP 751 needs every file's URL or path with its hashes, "
            "which pins read from other lock files do not carry"
        )


def _strings(data: Mapping[str, Any], key: str, path: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise FileError(path, f"{key} is not a list of strings")
    return value


def _package(package: Mapping[str, Any], number: int, path: str) -> tuple[Pin, Note | None]:
    """One [[packages]] entry: its pin (with its whole marker), a note for a local folder."""
    name = package.get("name")
    if not isinstance(name, str) or not name:
        raise FileError(path, f"[[packages]] entry {number} has no name")
    where = f"[[packages]] {name}"
    text = package.get("marker", "")
    try:
        marker = _marker(text) if isinstance(text, str) and text else None
    except InvalidMarker:
        raise FileError(path, f"{where} has an invalid marker ({str(text)[:60]!r})") from None
    files = [package.get("sdist"), package.get("archive"), *_list(package.get("wheels"))]
    hashes = sorted(
        {f"{k}:{v}" for f in files if isinstance(f, Mapping) for k, v in _map(f.get("hashes")).items()}
    )
    url, note = "", None
    vcs, archive, folder = (
        _map(package.get("vcs")),
        _map(package.get("archive")),
        _map(package.get("directory")),
    )
    if vcs:
        url = f"{vcs.get('type', 'git')}+{vcs.get('url') or vcs.get('path', '')}"
        url += f"@{vcs['commit-id']}" if isinstance(vcs.get("commit-id"), str) else ""
    elif archive:
        url = str(archive.get("url") or archive.get("path", ""))
    elif folder:
        url = str(folder.get("path", ""))
        editable = " (editable)" if folder.get("editable") else ""
        note = Note(f"{path} {where}", f"{canonicalize_name(name)}: {url}{editable}", "local")
    subdirectory = (vcs or archive).get("subdirectory")
    if url and isinstance(subdirectory, str):
        url += f"#subdirectory={subdirectory}"
    index = package.get("index")
    pin = Pin(
        name=str(canonicalize_name(name)),
        version=str(package.get("version", "")) if not url else "",
        marker=str(marker) if marker else "",
        hashes=tuple(hashes),
        url=url,
        index=index.rstrip("/") if isinstance(index, str) and index.rstrip("/") != PYPI else "",
    )
    return pin, note


def _map(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _select(pins: Iterable[Pin], chosen: frozenset[str]) -> tuple[Pin, ...]:
    """The pins installing the groups ``chosen`` selects, each with the marker that is
    left once the groups are decided."""
    found = []
    chosen = frozenset(group_name(g) for g in chosen)
    for pin in pins:
        rest = _rest(pin.marker, chosen) if pin.marker else True
        if rest is not False:
            found.append(replace(pin, marker="" if rest is True else rest))
    return tuple(found)


@lru_cache(maxsize=4096)  # a lock repeats its markers: each is parsed once
def _marker(text: str) -> Marker:
    return Marker(text)


@lru_cache(maxsize=4096)
def _rest(text: str, chosen: frozenset[str]) -> bool | str:
    rest = _decide(getattr(_marker(text), "_markers", None), chosen)
    return rest if isinstance(rest, bool) else str(_marker(rest))


def _decide(tree: object, chosen: frozenset[str]) -> bool | str:
    """A parsed marker (packaging's tree: atoms, "and", "or", nested lists) with every
    ``dependency_groups`` atom decided: True, False, or the marker text that is left."""
    if not isinstance(tree, list):
        raise _Unsplittable
    alternatives: list[list[Any]] = [[]]
    for item in tree:
        if item == "or":
            alternatives.append([])
        elif item != "and":
            alternatives[-1].append(item)
    left: list[str] = []
    for conjunction in alternatives:
        parts: list[str] = []
        for item in conjunction:
            value = _decide(item, chosen) if isinstance(item, list) else _atom(item, chosen)
            if value is False:
                break
            if value is not True:
                parts.append(f"({value})" if " or " in value else value)
        else:
            if not parts:
                return True
            left.append(" and ".join(parts))
    return " or ".join(left) if left else False


def _atom(item: object, chosen: frozenset[str]) -> bool | str:
    if not (isinstance(item, tuple) and len(item) == 3 and all(hasattr(n, "serialize") for n in item)):
        raise _Unsplittable
    lhs, op, rhs = item
    variables = {type(n).__name__ == "Variable" and n.value for n in (lhs, rhs)}
    if "extras" in variables:
        raise _Unsplittable  # an extra of the project: not a group a switch carries
    if "dependency_groups" not in variables:
        return f"{lhs.serialize()} {op.serialize()} {rhs.serialize()}"
    if type(rhs).__name__ != "Variable" or type(lhs).__name__ != "Value" or op.value not in ("in", "not in"):
        raise _Unsplittable
    inside = group_name(str(lhs.value)) in chosen
    return inside if op.value == "in" else not inside
