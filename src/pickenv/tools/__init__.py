"""One class per environment tool, each with ``assess`` and ``create``."""

from __future__ import annotations

from pickenv.tools.base import EnvTool


def get_tool(name: str) -> EnvTool:
    """The tool class for ``name``, imported on demand (only one is ever needed)."""
    if name == "venv":
        from pickenv.tools.venv import VenvTool

        return VenvTool()
    if name == "virtualenv":
        from pickenv.tools.virtualenv import VirtualenvTool

        return VirtualenvTool()
    if name == "pipenv":
        from pickenv.tools.pipenv import PipenvTool

        return PipenvTool()
    if name == "conda":
        from pickenv.tools.conda import CondaTool

        return CondaTool()
    raise KeyError(f"pickenv has no environment tool {name!r}")


__all__ = ["EnvTool", "get_tool"]
