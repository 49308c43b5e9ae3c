"""One class per environment tool, each with ``assess`` and ``create``."""

from __future__ import annotations

from pickenv.tools.base import EnvTool
from pickenv.tools.conda import CondaTool
from pickenv.tools.pipenv import PipenvTool
from pickenv.tools.venv import VenvTool
from pickenv.tools.virtualenv import VirtualenvTool


def get_tool(name: str) -> EnvTool:
    tools: dict[str, type[EnvTool]] = {
        "venv": VenvTool,
        "virtualenv": VirtualenvTool,
        "pipenv": PipenvTool,
        "conda": CondaTool,
    }
    return tools[name]()


__all__ = ["CondaTool", "EnvTool", "PipenvTool", "VenvTool", "VirtualenvTool", "get_tool"]
