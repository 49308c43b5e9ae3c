"""The tool registry: one small class per environment tool, the one place that knows it.

Built-in tools are listed here by import path (importing one is cheap, importing all
is never needed). Other packages may add tools through the ``pickenv.tools``
entry-point group (``name = "package.module:ToolClass"``, a subclass of
``pickenv.tools.base.EnvTool``); they are looked up only when a name is not built in
or when every tool is listed.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the registry's names are read on every start; the classes only by `new`
    from pickenv.tools.base import EnvTool

ENTRY_POINT_GROUP = "pickenv.tools"
BUILTIN: dict[str, str] = {
    "venv": "pickenv.tools.venv:VenvTool",
    "virtualenv": "pickenv.tools.virtualenv:VirtualenvTool",
    "pipenv": "pickenv.tools.pipenv:PipenvTool",
    "conda": "pickenv.tools.conda:CondaTool",
    "uv": "pickenv.tools.uv:UvTool",
}


class UnknownToolError(KeyError):
    """No built-in tool and no installed plugin has this name."""


def _load(path: str) -> type[EnvTool]:
    from pickenv.tools.base import EnvTool

    module, _, attribute = path.partition(":")
    found = getattr(import_module(module), attribute)
    if not (isinstance(found, type) and issubclass(found, EnvTool)):
        raise TypeError(f"{path} is not an EnvTool subclass")
    return found


@cache  # scanning every installed distribution costs ~10 ms: once per run
def _plugins() -> dict[str, str]:
    from importlib.metadata import entry_points

    return {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name not in BUILTIN}


def tool_names() -> tuple[str, ...]:
    """Every tool pickenv knows: built-in first, then plugins."""
    return (*BUILTIN, *sorted(_plugins()))


def get_tool(name: str) -> EnvTool:
    path = BUILTIN.get(name) or _plugins().get(name)
    if path is None:
        raise UnknownToolError(name)
    tool = _load(path)()
    if tool.name != name:
        raise TypeError(f"{path} names itself {tool.name!r}, registered as {name!r}")
    return tool


def reserved_names() -> frozenset[str]:
    """Import names that belong to the tools themselves."""
    return frozenset(n for name in tool_names() for n in get_tool(name).reserved_names)


__all__ = ["BUILTIN", "UnknownToolError", "get_tool", "reserved_names", "tool_names"]
