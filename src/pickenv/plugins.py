"""What the registries share (tools, dependency formats): built-in entries by import
path, others from an entry-point group, each loaded only when asked for.

Scanning the installed distributions for entry points costs ~10 ms: it happens once
per run for every group together (`pickenv new` asks for tools and formats), and only
when a name is not built in or every name is listed; and only when some distribution's
entry_points.txt names a pickenv group (``_may_declare``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import import_module
from typing import TypeVar

T = TypeVar("T")


@cache
def _all_entry_points() -> dict[str, dict[str, str]]:
    """Every pickenv group's entries, from one scan: group -> name -> "module:attribute"."""
    if not _may_declare():
        return {}
    from importlib.metadata import distributions

    groups: dict[str, dict[str, str]] = {}
    for dist in distributions():  # as entry_points() does: the first on sys.path wins
        for ep in dist.entry_points:
            if ep.group.startswith("pickenv."):
                groups.setdefault(ep.group, {}).setdefault(ep.name, ep.value)
    return groups


def _may_declare() -> bool:
    """Whether an installed distribution may declare one of pickenv's entry points, told
    from the entry_points.txt files alone. Importing importlib.metadata (email, zipfile,
    csv come with it) and reading every distribution cost about 30 ms of `pickenv new`
    (measured with 150 distributions installed), this about 2 ms. True wherever it
    cannot tell for sure: then importlib.metadata reads them all, as before."""
    import os
    import sys
    from importlib.machinery import PathFinder

    if any(f is not PathFinder and hasattr(f, "find_distributions") for f in sys.meta_path):
        return True  # another finder of distributions: only importlib.metadata asks it
    for entry in sys.path:
        folder = entry or "."
        if folder.lower().endswith(".egg"):
            return True
        try:
            names = os.listdir(folder)
        except NotADirectoryError:
            return True  # a zip on sys.path
        except OSError:
            continue  # missing or unreadable: importlib.metadata skips it too
        for name in names:
            if name.lower().endswith((".dist-info", ".egg-info")):
                try:
                    with open(os.path.join(folder, name, "entry_points.txt"), "rb") as file:
                        text = file.read().decode("utf-8", "replace")
                except OSError:
                    continue  # no entry points (or an .egg-info file): nothing declared
                if "pickenv." in text and any(_names_group(line) for line in text.splitlines()):
                    return True
    return False


def _names_group(line: str) -> bool:
    """A section header of a pickenv group, read as importlib.metadata reads it (the
    stripped line, less its brackets: pickenv's own ``pickenv = pickenv.cli:main`` is none)."""
    line = line.strip()
    return line.startswith("[") and line.endswith("]") and line.strip("[]").startswith("pickenv.")


def entry_points_of(group: str, builtin: tuple[str, ...]) -> dict[str, str]:
    """The group's entries that are not built in: name -> "module:attribute"."""
    found = _all_entry_points().get(group, {})
    return {name: value for name, value in found.items() if name not in builtin}


def load_class(path: str, base: type[T], name: str) -> type[T]:
    """The class at ``path`` ("module:Class"), which must be a ``base`` calling itself ``name``."""
    module, _, attribute = path.partition(":")
    found = getattr(import_module(module), attribute)
    if not (isinstance(found, type) and issubclass(found, base)):
        raise TypeError(f"{path} is not a {base.__name__} subclass")
    if getattr(found, "name", None) != name:
        raise TypeError(f"{path} names itself {getattr(found, 'name', None)!r}, registered as {name!r}")
    return found


def lookup(name: str, builtin: Mapping[str, str], group: str) -> str | None:
    """Where the entry ``name`` lives: built in, else a plugin's."""
    return builtin.get(name) or entry_points_of(group, tuple(builtin)).get(name)
