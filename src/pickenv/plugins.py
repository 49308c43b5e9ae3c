"""What the registries share (tools, dependency formats): built-in entries by import
path, others from an entry-point group, each loaded only when asked for.

Scanning the installed distributions for entry points costs ~10 ms: it happens once
per run for every group together (`pickenv new` asks for tools and formats), and only
when a name is not built in or every name is listed.
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
    from importlib.metadata import distributions

    groups: dict[str, dict[str, str]] = {}
    for dist in distributions():  # as entry_points() does: the first on sys.path wins
        for ep in dist.entry_points:
            if ep.group.startswith("pickenv."):
                groups.setdefault(ep.group, {}).setdefault(ep.name, ep.value)
    return groups


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
