"""What moving a project to another tool would change, as files: the old tool's files
that would go and the new tool's that would be written, from the same reading and
layout `pickenv switch` uses (``detect --recommend`` says it; ``switch`` does it)."""

from __future__ import annotations

from dataclasses import dataclass

from pickenv.errors import PickenvError
from pickenv.existing.detect import Detection


@dataclass(frozen=True)
class SwitchOutline:
    target: str
    replace: tuple[str, ...]  # the detected tool's files in the project
    write: tuple[str, ...]  # the target's dependency and lock files
    refusal: str = ""  # why the target cannot take the project ("" when it can)


def switch_outline(found: Detection, target: str) -> SwitchOutline | None:
    """The outline, or None where switch cannot move the project (a tool outside the
    registry, no tool at all, files that cannot be read: detect says why)."""
    from pickenv.formats.files import ProjectFiles
    from pickenv.formats.package import read_package
    from pickenv.tools import get_tool, tool_names

    if found.tool is None or found.tool not in tool_names() or target == found.tool:
        return None
    files = ProjectFiles(found.path)
    old_tool, new_tool = get_tool(found.tool), get_tool(target)
    try:
        package = read_package(files)
        old = old_tool.read_environment(files, package)
        layout = new_tool.layout(package, old)
    except PickenvError:
        return None
    if layout.refusal:
        return SwitchOutline(target, (), (), layout.refusal)
    write = tuple(
        dict.fromkeys((*layout.paths, *(new_tool.lock_files(True) if any(old.locks.values()) else ())))
    )
    going = tuple(
        p for p in dict.fromkeys((*old.files, *old.lock_files)) if p not in write and p != "pyproject.toml"
    )
    return SwitchOutline(target, going, write)
