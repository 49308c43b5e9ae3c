"""Project names: a valid distribution name, a folder name and an import name at once."""

from __future__ import annotations

import keyword
import re
import sys

from pickenv.errors import DestinationError

# PEP 508 names, restricted to what is also a sensible folder and import name.
_VALID = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*$")


def package_name(project: str) -> str:
    """The import name: lower case, runs of '-', '_' and '.' become one '_' (PEP 503 style)."""
    return re.sub(r"[-_.]+", "_", project).lower()


def suggest(project: str) -> str:
    """A valid name close to ``project``."""
    words = re.findall(r"[A-Za-z0-9]+", project)
    name = "-".join(words).lower() or "my-project"
    if not name[0].isalpha():
        name = f"project-{name}"
    if keyword.iskeyword(package_name(name)) or package_name(name) in sys.stdlib_module_names:
        name = f"{name}-project"
    return name


def validate_project_name(project: str) -> str:
    """Return the name, or raise DestinationError naming a valid alternative."""
    name = project.strip()
    problem = None
    if not name:
        problem = "the project name is empty"
    elif "/" in name or "\\" in name or name in (".", ".."):
        problem = f"{project!r} is a path, not a name (use --output-dir for the folder it goes in)"
    elif not _VALID.match(name):
        problem = (
            f"{project!r} is not a valid project name: use letters and digits, separated by single "
            "'-', '_' or '.', starting with a letter"
        )
    elif keyword.iskeyword(package_name(name)):
        problem = f"{project!r} would be imported as the Python keyword {package_name(name)!r}"
    elif package_name(name) in sys.stdlib_module_names:
        problem = f"{project!r} would shadow the standard library module {package_name(name)!r}"
    if problem:
        raise DestinationError(f"{problem}; try `pickenv new {suggest(name)}`")
    return name
