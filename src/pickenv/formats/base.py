"""The base class of every dependency format: the one place that knows a file kind.

A format reads a file into the model (``pickenv.formats.model.Declared``) exactly as
its own tool reads it, and renders the model back into that file, keeping what the
file already says (comments, other tables, line endings). Which files a tool keeps
its dependencies in is the tool registry's to say (``pickenv.tools``); a format only
knows its own grammar.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import ClassVar, Literal

from pickenv.formats.files import ProjectFiles
from pickenv.formats.model import Declared

MARK = "pickenv switch"  # how a line pickenv wrote says so


@dataclass(frozen=True)
class RenderOptions:
    """What a format needs besides the declarations to write a file."""

    project_name: str  # the Pipfile key of the project itself, conda's environment name
    python: str = ""  # "3.11": the Python the new file asks for, where the format says one
    # Which file holds each group, for formats whose files include each other
    # (requirements files: ``-r requirements.txt``).
    group_files: Mapping[str, str] = field(default_factory=dict)
    origin: str = ""  # what the content is moved from, for a comment ("Pipfile")
    # The final text of the manifest a lock file belongs to (the Pipfile of a
    # Pipfile.lock, whose hash the lock records); "" for other files.
    companion: str = ""


class DependencyFormat:
    """Base class: one subclass per format. Subclasses set the class attributes."""

    name: ClassVar[str]
    summary: ClassVar[str]  # one line for the README and errors
    # Relative posix paths the format claims (fnmatch, case-sensitive).
    patterns: ClassVar[tuple[str, ...]] = ()
    role: ClassVar[Literal["manifest", "lock"]] = "manifest"

    def claims(self, files: ProjectFiles, path: str) -> bool:
        """Whether ``path`` is a file of this format (by name; a format may look inside)."""
        del files
        return any(fnmatchcase(path, pattern) for pattern in self.patterns)

    def read(self, files: ProjectFiles, path: str) -> Declared:
        """What the file declares, as its own tool reads it; ``FileError`` where the tool
        would refuse the file."""
        raise NotImplementedError  # pragma: no cover - abstract

    def render(self, existing: str | None, path: str, part: Declared, options: RenderOptions) -> str:
        """The file's new text: ``existing`` (None: a new file) with everything in
        ``part`` it does not say yet added, and nothing it says removed. What the format
        cannot say is left out: reading the result back shows it missing."""
        raise NotImplementedError  # pragma: no cover - abstract
