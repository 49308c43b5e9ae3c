"""Reading the manifests of pipenv, conda and PEP 621: a Pipfile's ``[packages]`` and
``[dev-packages]`` (with its sources), an environment.yml's conda list and ``pip:``
section, and pyproject.toml's dependencies with its dev extra or group. Each package
is a ``Dependency`` with its origin; what no other format can say is a ``Leftover``
(see ``project.deps``, which reads requirements files and holds the model).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from pickenv.project.deps import (
    CONDA_ONLY,
    CONDA_TO_PYPI,
    DEFAULT_INDEX,
    Dependencies,
    Group,
    Leftover,
    dependency,
    load_toml,
    load_yaml,
    parse_requirement,
    relative,
    requirement_line,
    unreadable,
    unreadable_entry,
)

# What a conda environment.yml lists that is not a dependency of the project.
_CONDA_BASE = frozenset({"python", "pip"})
_DEFAULT_CHANNELS = frozenset({"conda-forge", "defaults", "nodefaults"})

# ---- Pipfile -------------------------------------------------------------------------
_PIPFILE_TABLES = {"source", "packages", "dev-packages", "requires", "pipenv", "scripts"}
_MARKER_KEYS = ("os_name", "sys_platform", "platform_machine", "platform_system", "python_version")


def read_pipfile(path: Path, root: Path) -> Dependencies:
    data = load_toml(path)
    name = relative(path, root)
    found = Dependencies(())
    for source in data.get("source", []) or []:
        url = str(source.get("url", ""))
        if url.rstrip("/") != DEFAULT_INDEX:
            found += Dependencies(
                (),
                (
                    Leftover(
                        f"{name} [[source]] {source.get('name', '')}",
                        url,
                        "a custom index: declare it for the new tool by hand",
                    ),
                ),
            )
    categories = [t for t in data if t not in _PIPFILE_TABLES and isinstance(data[t], dict)]
    for table in ("packages", "dev-packages", *categories):
        group: Group = "runtime" if table == "packages" else "dev"
        for package, spec in (data.get(table) or {}).items():
            found += _pipfile_entry(str(package), spec, group, f"{name} [{table}] {package}")
    if data.get("scripts"):
        found += Dependencies(
            (),
            (Leftover(f"{name} [scripts]", ", ".join(data["scripts"]), "pipenv's scripts have no carrier"),),
        )
    return found


def _pipfile_entry(package: str, spec: object, group: Group, origin: str) -> Dependencies:
    if isinstance(spec, str):
        text = package if spec.strip() in ("*", "") else f"{package}{spec}"
        return _parsed(text, group, origin)
    if not isinstance(spec, dict):
        raise unreadable_entry(origin, str(spec))
    if spec.get("path") in (".", "./"):
        return Dependencies(
            (), project_extras=frozenset(canonicalize_name(e) for e in spec.get("extras", []))
        )
    extras = f"[{','.join(spec['extras'])}]" if spec.get("extras") else ""
    markers = [str(spec["markers"])] if spec.get("markers") else []
    markers += [f"{key} {value}" for key, value in spec.items() if key in _MARKER_KEYS]
    where = ""
    if spec.get("git"):
        git = str(spec["git"])
        where = f" @ {git if git.startswith('git+') else 'git+' + git}"
        where += f"@{spec['ref']}" if spec.get("ref") else ""
        where += f"#subdirectory={spec['subdirectory']}" if spec.get("subdirectory") else ""
    elif spec.get("file") and "://" in str(spec["file"]):
        where = f" @ {spec['file']}"
    elif spec.get("path") or spec.get("file"):
        return Dependencies((), (Leftover(origin, str(spec), "a local path: add it by hand"),))
    version = "" if where or str(spec.get("version", "*")) == "*" else str(spec["version"])
    text = f"{package}{extras}{version}{where}" + (f"; {' and '.join(markers)}" if markers else "")
    found = _parsed(text, group, origin)
    if spec.get("index"):
        why = f"comes from the index {spec['index']!r}: declare it for the new tool by hand"
        found += Dependencies((), (Leftover(origin, str(spec["index"]), why),))
    if spec.get("editable"):
        found += Dependencies((), (Leftover(origin, "editable", "installed as a normal package now"),))
    return found


def _parsed(text: str, group: Group, origin: str) -> Dependencies:
    requirement = parse_requirement(text)
    if requirement is None:  # the file's own tool would refuse it too
        raise unreadable_entry(origin, text)
    return Dependencies((dependency(requirement, group, origin),))


# ---- environment.yml -------------------------------------------------------------------
_CONDA_SPEC = re.compile(r"^(?P<name>[A-Za-z0-9_.\-]+)\s*(?P<version>[^\s=<>!~]*[=<>!~][^\s]*|\s\S+)?\s*$")


def read_environment(path: Path, root: Path, dev_names: frozenset[str]) -> Dependencies:
    """conda's list and its ``pip:`` section. environment.yml has no dev section: a
    package is dev when pyproject.toml's dev extra or group names it too."""
    data = load_yaml(path)
    name = relative(path, root)
    found = Dependencies(())
    for channel in data.get("channels", []) or []:
        if str(channel) not in _DEFAULT_CHANNELS:
            why = "a conda channel: pip installs from PyPI only"
            found += Dependencies((), (Leftover(f"{name} channels", str(channel), why),))
    for index, entry in enumerate(_listed(data, "dependencies", path), 1):
        origin = f"{name} dependencies[{index}]"
        if isinstance(entry, dict):
            seen: set[Path] = set()
            for line in _listed(entry, "pip", path):
                line = str(line).strip()
                requirement = parse_requirement(line)
                group = _group(requirement.name if requirement else "", dev_names)
                found += requirement_line(line, f"{name} pip:", group, path.parent, root, seen)
            continue
        found += _conda_entry(str(entry).strip(), origin, dev_names)
    return found


def _listed(data: Mapping[str, Any], key: str, path: Path) -> list[Any]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise unreadable(path, f"its {key} is not a list")
    return value


def conda_to_pip(entry: str) -> str | None:
    """A conda match spec as a PEP 508 requirement, or None when it has no such form.
    conda's ``=1.2`` means 1.2.*; a build string (``=1.2=py310_0``) is conda's own."""
    spec = entry.split("::")[-1].strip()
    match = _CONDA_SPEC.match(spec)
    if match is None:
        return None
    name, version = match["name"], (match["version"] or "").strip()
    if version.count("=") >= 2 and not re.search(r"[<>!~]=|==", version):
        return None  # name=version=build
    if re.fullmatch(r"=?\d[\w.]*\*?", version.lstrip("=")) and not version.startswith("=="):
        bare = version.lstrip("=").removesuffix(".*").removesuffix("*")
        version = f"=={bare}.*" if bare else ""
    text = f"{name}{version}"
    return text if parse_requirement(text) is not None else None


def _conda_entry(entry: str, origin: str, dev_names: frozenset[str]) -> Dependencies:
    name = canonicalize_name(re.split(r"[\s=<>!~]", entry.split("::")[-1], maxsplit=1)[0])
    if name in _CONDA_BASE:
        return Dependencies(())
    if name in CONDA_ONLY:
        return Dependencies((), (Leftover(origin, entry, "a conda package with no PyPI counterpart"),))
    text = conda_to_pip(entry)
    leftovers: tuple[Leftover, ...] = ()
    if text is None and (build := re.fullmatch(r"(.+?)=([^=\s]+)=\S+", entry.split("::")[-1].strip())):
        text = conda_to_pip(f"{build[1]}=={build[2]}")  # the version, without conda's build
        leftovers = (Leftover(origin, entry, "the build string is conda's own; the version is carried"),)
    if text is None:  # valid for conda (`libblas=*=*openblas`), but not pip's
        return Dependencies((), (Leftover(origin, entry, "a conda match spec pip has no form for"),))
    requirement = Requirement(text)
    if (pypi := CONDA_TO_PYPI.get(canonicalize_name(requirement.name))) is not None:
        requirement = Requirement(f"{pypi}{text[len(requirement.name) :]}")
    item = dependency(requirement, _group(requirement.name, dev_names), origin)
    return Dependencies((item,), leftovers)


def _group(name: str, dev_names: frozenset[str]) -> Group:
    return "dev" if name and canonicalize_name(name) in dev_names else "runtime"


# ---- pyproject.toml --------------------------------------------------------------------
def read_pyproject(
    path: Path,
    root: Path,
    dev: Literal["extra", "group", "both"] = "both",
    extras: frozenset[str] = frozenset(),
) -> Dependencies:
    """The [project] table's dependencies, its dev extra or dev group, and the other
    ``extras`` the files install the project with (read as development too)."""
    data = load_toml(path)
    name = relative(path, root)
    project = data.get("project") or {}
    found = Dependencies(())
    for text in project.get("dependencies", []) or []:
        found += _parsed(str(text), "runtime", f"{name} [project] dependencies")
    lists: list[tuple[str, list[Any]]] = []
    if dev in ("extra", "both"):
        lists += [(f"[project.optional-dependencies] {k}", v) for k, v in _dev_lists(project, "optional")]
    optional = project.get("optional-dependencies") or {}
    for key in sorted(extras - set(_DEV_KEYS)):
        if isinstance(optional.get(key), list):
            lists.append((f"[project.optional-dependencies] {key}", optional[key]))
    if dev in ("group", "both"):
        lists += [(f"[dependency-groups] {k}", v) for k, v in _dev_lists(data, "groups")]
        legacy = (data.get("tool") or {}).get("uv", {}).get("dev-dependencies")
        if isinstance(legacy, list):  # uv before dependency groups (PEP 735)
            lists.append(("[tool.uv] dev-dependencies", legacy))
    for where, texts in lists:
        for text in texts:
            if isinstance(text, str):  # not {include-group = ...}
                found += _parsed(text, "dev", f"{name} {where}")
    return found


_DEV_KEYS = ("dev", "test", "tests")


def _dev_lists(data: Mapping[str, Any], kind: str) -> list[tuple[str, list[Any]]]:
    table = data.get("optional-dependencies" if kind == "optional" else "dependency-groups") or {}
    return [(key, table[key]) for key in _DEV_KEYS if isinstance(table.get(key), list)]


def pyproject_dev_names(root: Path) -> frozenset[str]:
    path = root / "pyproject.toml"
    return read_pyproject(path, root).names("dev") if path.is_file() else frozenset()
