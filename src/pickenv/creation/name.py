"""Project names: a valid distribution name, a folder name and an import name at once."""

from __future__ import annotations

import keyword
import re
import sys
from typing import NewType

from pickenv.errors import DestinationError, Fix

ProjectName = NewType("ProjectName", str)  # a name validate_project_name accepted

# PEP 508 names, restricted to what is also a sensible folder and import name.
_VALID = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*$")
MAX_LENGTH = 64  # leaves room for the temporary folder's name and deep paths inside
# Import names the generated project could not use: the standard library's test
# package (missing from sys.stdlib_module_names), and what the template installs.
# The tools' own names come from the registry.
_TEMPLATE_PACKAGES = frozenset(
    {
        "test",
        "tests",
        "flask",
        "numpy",
        "pandas",
        "pytest",
        "jupyterlab",
        "matplotlib",
        "pip",
        "setuptools",
        "wheel",
    }
)


def package_name(project: str) -> str:
    """The import name: lower case, runs of '-', '_' and '.' become one '_'.

    PEP 503 normalisation with '_' for '-'. packaging.utils.canonicalize_name does the
    same with '-', but importing it costs 20-30 ms (it pulls in packaging.tags).
    """
    return re.sub(r"[-_.]+", "_", project).lower()


def _taken() -> frozenset[str]:
    from pickenv.tools import reserved_names

    return _TEMPLATE_PACKAGES | reserved_names()


def suggest(project: str) -> str:
    """A valid name close to ``project``."""
    words = re.findall(r"[A-Za-z0-9]+", project)
    name = "-".join(words).lower() or "my-project"
    if not name[0].isalpha():
        name = f"project-{name}"
    name = name[: MAX_LENGTH - len("-project")].rstrip("-")
    if _unusable(package_name(name)):
        name = f"{name}-project"
    return name


def usable_name(name: str) -> str:
    """``name`` where it is a valid project name, else a valid one close to it (a
    project's folder is called anything: ``acme+shop``)."""
    return name if _VALID.match(name) and len(name) <= MAX_LENGTH else suggest(name)


def _unusable(import_name: str) -> bool:
    return keyword.iskeyword(import_name) or import_name in sys.stdlib_module_names or import_name in _taken()


def validate_project_name(project: str) -> ProjectName:
    """Return the name, or raise DestinationError naming a valid alternative."""
    name = project.strip()
    problem = None
    fixes = [Fix.TRY_NAME]
    if not name:
        problem = "the project name is empty"
    elif "/" in name or "\\" in name or name in (".", ".."):
        problem, fixes = f"{project!r} is a path, not a name", [Fix.SPLIT_PATH, Fix.TRY_NAME]
    elif len(name) > MAX_LENGTH:
        problem = f"the project name is longer than {MAX_LENGTH} characters"
    elif not _VALID.match(name):
        problem = (
            f"{project!r} is not a valid project name: use letters and digits, separated by single "
            "'-', '_' or '.', starting with a letter"
        )
    elif keyword.iskeyword(package_name(name)):
        problem = f"{project!r} would be imported as the Python keyword {package_name(name)!r}"
    elif package_name(name) in sys.stdlib_module_names or package_name(name) == "test":
        problem = f"{project!r} would shadow the standard library module {package_name(name)!r}"
    elif package_name(name) in _taken():
        problem = f"{project!r} is the name of a package the project itself installs or uses"
    if problem:
        raise DestinationError(problem, fixes=fixes, facts={"suggestion": suggest(name)})
    return ProjectName(name)
