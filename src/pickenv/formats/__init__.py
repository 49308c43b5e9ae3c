"""The dependency formats: one module per file kind, each read exactly as its own tool
reads it and written back without loss.

Built-in formats are listed here by import path; other packages add formats through
the ``pickenv.formats`` entry-point group (``name = "package.module:FormatClass"``, a
subclass of ``pickenv.formats.base.DependencyFormat``), looked up only when a name is
not built in or every format is listed. The tool registry (``pickenv.tools``) names
the formats each tool keeps its files in.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pickenv.formats.base import DependencyFormat
    from pickenv.formats.files import ProjectFiles

ENTRY_POINT_GROUP = "pickenv.formats"
BUILTIN: dict[str, str] = {
    "requirements": "pickenv.formats.requirements:RequirementsFormat",
    "pipfile": "pickenv.formats.pipfile:PipfileFormat",
    "pipfile-lock": "pickenv.formats.pipfile_lock:PipfileLockFormat",
    "environment": "pickenv.formats.conda:EnvironmentFormat",
    "pyproject": "pickenv.formats.pyproject:PyprojectFormat",
    "uv-lock": "pickenv.formats.uvlock:UvLockFormat",
    "pylock": "pickenv.formats.pylock:PylockFormat",
}


class UnknownFormatError(KeyError):
    """No built-in format and no installed plugin has this name."""


def format_names() -> tuple[str, ...]:
    from pickenv.plugins import entry_points_of

    return (*BUILTIN, *sorted(entry_points_of(ENTRY_POINT_GROUP, tuple(BUILTIN))))


@cache  # a format holds no state: one instance per run
def get_format(name: str) -> DependencyFormat:
    from pickenv.formats.base import DependencyFormat
    from pickenv.plugins import load_class, lookup

    path = lookup(name, BUILTIN, ENTRY_POINT_GROUP)
    if path is None:
        raise UnknownFormatError(name)
    return load_class(path, DependencyFormat, name)()


def format_of(
    files: ProjectFiles, path: str, among: tuple[str, ...] | None = None
) -> DependencyFormat | None:
    """The format that claims ``path`` (first of ``among``, else of every format)."""
    for name in among if among is not None else format_names():
        fmt = get_format(name)
        if fmt.claims(files, path):
            return fmt
    return None


__all__ = ["BUILTIN", "UnknownFormatError", "format_names", "format_of", "get_format"]
