"""The tool registry: one small class per environment tool, the one place that knows it.

Built-in tools are listed here by import path (importing one is cheap, importing all
is never needed). Other packages may add tools through the ``pickenv.tools``
entry-point group (``name = "package.module:ToolClass"``, a subclass of
``pickenv.tools.base.EnvTool``); they are looked up only when a name is not built in
or when every tool is listed.
"""

from __future__ import annotations

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


def tool_names() -> tuple[str, ...]:
    """Every tool pickenv knows: built-in first, then plugins."""
    from pickenv.plugins import entry_points_of

    return (*BUILTIN, *sorted(entry_points_of(ENTRY_POINT_GROUP, tuple(BUILTIN))))


def get_tool(name: str) -> EnvTool:
    from pickenv.plugins import load_class, lookup
    from pickenv.tools.base import EnvTool

    path = lookup(name, BUILTIN, ENTRY_POINT_GROUP)
    if path is None:
        raise UnknownToolError(name)
    return load_class(path, EnvTool, name)()


def reserved_names() -> frozenset[str]:
    """Import names that belong to the tools themselves."""
    return frozenset(n for name in tool_names() for n in get_tool(name).reserved_names)


__all__ = ["BUILTIN", "UnknownToolError", "get_tool", "reserved_names", "tool_names"]
