"""Writing dependencies into each format, keeping what the file already says.

Each writer adds the packages a file lacks and leaves every other line, comment and
table alone: requirements files as text (pip's own format is lines), TOML through
tomlkit and YAML through ruamel.yaml's round trip, both of which keep comments and
layout where they do not edit. A file that does not exist yet is written whole, as
a person would start it. Which file takes which group is the tool's to say
(``EnvTool.dependency_homes``); this module only knows the formats, by file name.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from packaging.requirements import Requirement

from pickenv.errors import Fix, ProjectError
from pickenv.project.deps import (
    DEFAULT_INDEX,
    Dependencies,
    Dependency,
    Group,
    origin_file,
    read_requirements,
)
from pickenv.project.manifests import read_environment, read_pipfile, read_pyproject

MARK = "pickenv switch"


@dataclass(frozen=True)
class Skeleton:
    """What a new dependency file needs besides the packages."""

    python_version: str
    env_name: str  # conda's environment name
    installs_project: bool  # the project is installable: the file installs it (`.`)
    dev_style: Literal["extra", "group"]


Format = Literal["pipfile", "environment", "pyproject", "requirements"]


def _format(name: str) -> Format | None:
    """The format of a dependency file, by its name (None: not one this module knows)."""
    if name == "Pipfile":
        return "pipfile"
    if name in ("environment.yml", "environment.yaml"):
        return "environment"
    if name == "pyproject.toml":
        return "pyproject"
    return "requirements" if "requirements" in name and name.endswith(".txt") else None


def readable(name: str) -> bool:
    """A dependency file this module reads and writes."""
    return _format(name) is not None


def read_file(
    root: Path,
    name: str,
    group: Group,
    dev_style: Literal["extra", "group", "both"],
    extras: frozenset[str] = frozenset(),
) -> Dependencies:
    """What one dependency file declares, read as the tool that owns it reads it."""
    path = root / name
    if not path.is_file():
        return Dependencies(())
    kind = _format(name)
    if kind == "pipfile":
        return read_pipfile(path, root)
    if kind == "environment":
        from pickenv.project.manifests import pyproject_dev_names

        return read_environment(path, root, pyproject_dev_names(root))
    if kind == "pyproject":
        return read_pyproject(path, root, dev_style, extras)
    return read_requirements(path, root, group)


def write(
    root: Path, name: str, group: Group, items: Sequence[Dependency], skeleton: Skeleton
) -> list[Dependency]:
    """Add to the file the ``items`` it does not name yet, and return those; a file that
    does not exist is started even with none."""
    path = root / name
    kind = _format(name)
    if path.exists():
        there = read_file(root, name, group, skeleton.dev_style)
        # pyproject.toml has a list per group; the other files install all they name
        named = there.names(group) if kind == "pyproject" else there.names()
        items = [i for i in items if i.name not in named]
    if not items and (path.exists() or kind == "pyproject"):
        return []
    if kind == "pipfile":
        _pipfile(path, group, items, skeleton)
    elif kind == "environment":
        _environment(path, items, skeleton)
    elif kind == "pyproject":
        _pyproject(path, group, items, skeleton)
    else:
        _requirements(path, group, items, skeleton)
    return list(items)


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8").replace("\r\n", "\n")


def _save(path: Path, text: str) -> None:
    """Write with the file's own line endings (CRLF where it had them): only the
    lines pickenv adds show in a diff."""
    crlf = path.exists() and b"\r\n" in path.read_bytes()
    path.write_bytes((text.replace("\n", "\r\n") if crlf else text).encode("utf-8"))


def _origins(items: Sequence[Dependency]) -> str:
    files = dict.fromkeys(origin_file(item.origin) for item in items)
    return ", ".join(files)


# ---- requirements files -----------------------------------------------------------------
def _requirements(path: Path, group: Group, items: Sequence[Dependency], skeleton: Skeleton) -> None:
    lines = [f"# Moved from {_origins(items)} by {MARK}", *(i.requirement for i in items)] if items else []
    if path.exists():
        text = _read(path)
        _save(path, text + ("" if text.endswith("\n") or not text else "\n") + "\n".join(lines) + "\n")
        return
    if group == "runtime":
        head = ["# Runtime dependencies: pip install -r requirements.txt"]
        tail = ["."] if skeleton.installs_project else []
    else:
        head = ["# Development: what the project runs with, plus test tools.", "-r requirements.txt"]
        tail = []
    _save(path, "\n".join([*head, *lines, *tail]) + "\n")


# ---- Pipfile --------------------------------------------------------------------------------
def _pipfile(path: Path, group: Group, items: Sequence[Dependency], skeleton: Skeleton) -> None:
    import tomlkit

    if path.exists():
        document = tomlkit.parse(_read(path))
    else:
        document = tomlkit.document()
        source = tomlkit.aot()
        source.append(tomlkit.table().add("url", DEFAULT_INDEX).add("verify_ssl", True).add("name", "pypi"))
        document["source"] = source
        packages = tomlkit.table()
        if skeleton.installs_project:
            packages[_project_key(path.parent)] = (
                tomlkit.inline_table().add("path", ".").add("editable", True)
            )
        document["packages"] = packages
        document["dev-packages"] = tomlkit.table()
        document["requires"] = tomlkit.table().add("python_version", skeleton.python_version)
    section = "packages" if group == "runtime" else "dev-packages"
    if section not in document:
        document[section] = tomlkit.table()
    table: Any = document[section]
    for item in items:
        table[item.parsed.name] = _pipfile_value(item.parsed)
    _save(path, tomlkit.dumps(document))


def _project_key(root: Path) -> str:
    from pickenv.project.deps import load_toml

    pyproject = root / "pyproject.toml"
    name = load_toml(pyproject).get("project", {}).get("name") if pyproject.is_file() else None
    return str(name or root.name)


def _pipfile_value(requirement: Requirement) -> Any:
    """pipenv's form: "*", a specifier, or a table when there is more to say."""
    import tomlkit

    if not (requirement.extras or requirement.marker or requirement.url):
        return str(requirement.specifier) or "*"
    table = tomlkit.inline_table()
    if requirement.url and requirement.url.startswith("git+"):
        # pipenv's git entries: the URL, its ref and subdirectory as keys of their own
        rest, _, fragment = requirement.url[4:].partition("#")
        base, at, ref = rest.rpartition("@")
        url, ref = (base, ref) if at and "/" not in ref else (rest, "")
        table.add("git", url)
        if ref:
            table.add("ref", ref)
        for key, _, value in (part.partition("=") for part in fragment.split("&") if part):
            if key == "subdirectory":
                table.add("subdirectory", value)
    elif requirement.url:
        table.add("file", requirement.url)
    else:
        table.add("version", str(requirement.specifier) or "*")
    if requirement.extras:
        table.add("extras", sorted(requirement.extras))
    if requirement.marker:
        table.add("markers", str(requirement.marker))
    return table


# ---- environment.yml ------------------------------------------------------------------------
def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()  # round trip: comments and order stay
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    return yaml


def _environment(path: Path, items: Sequence[Dependency], skeleton: Skeleton) -> None:
    """conda-forge's names differ from PyPI's for some packages (torch is pytorch
    there), so carried packages go where their names are sure: the pip section."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    yaml = _yaml()
    if path.exists():
        data = yaml.load(_read(path))
    else:
        data = CommentedMap()
        data["name"] = skeleton.env_name
        data["channels"] = CommentedSeq(["conda-forge", "nodefaults"])
        data["dependencies"] = CommentedSeq([f"python={skeleton.python_version}", "pip"])
    dependencies = data.setdefault("dependencies", CommentedSeq())
    pip = next((e["pip"] for e in dependencies if isinstance(e, dict) and "pip" in e), None)
    if pip is None:
        if "pip" not in [str(e).strip() for e in dependencies]:
            dependencies.append("pip")
        pip = CommentedSeq(["-e ."] if skeleton.installs_project else [])
        dependencies.append(CommentedMap(pip=pip))
    for item in items:
        pip.append(item.requirement)
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    _save(path, buffer.getvalue())


# ---- pyproject.toml --------------------------------------------------------------------------
def _pyproject(path: Path, group: Group, items: Sequence[Dependency], skeleton: Skeleton) -> None:
    import tomlkit

    document = tomlkit.parse(_read(path)) if path.exists() else tomlkit.document()
    project: Any = document.get("project")
    if project is None:
        raise ProjectError(
            f"{path.name} has no [project] table for the dependencies",
            fixes=[Fix.FIX_FILE],
            facts={"file": path.name},
        )
    if group == "runtime":
        target = project.setdefault("dependencies", tomlkit.array())
    elif skeleton.dev_style == "group":
        groups: Any = document.setdefault("dependency-groups", tomlkit.table())
        target = groups.setdefault("dev", tomlkit.array())
    else:
        extras: Any = project.setdefault("optional-dependencies", tomlkit.table())
        target = extras.setdefault("dev", tomlkit.array())
    empty = len(target) == 0
    for item in items:
        target.add_line(item.requirement, indent="  ")
    if empty:
        target.add_line(indent="")  # the closing bracket on its own line
    _save(path, tomlkit.dumps(document))
