"""What the registries share (tools, dependency formats): built-in entries by import
path, others from an entry-point group, each loaded only when asked for.

Scanning the installed distributions for entry points costs ~10 ms: it happens once
per run, and only when a name is not built in or every name is listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import import_module
from typing import TypeVar

T = TypeVar("T")


@cache
def entry_points_of(group: str, builtin: tuple[str, ...]) -> dict[str, str]:
    """The group's entries that are not built in: name -> "module:attribute"."""
    from importlib.metadata import entry_points

    return {ep.name: ep.value for ep in entry_points(group=group) if ep.name not in builtin}


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
