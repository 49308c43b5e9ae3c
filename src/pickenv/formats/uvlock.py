"""uv.lock, read by uv itself: ``uv export --frozen`` gives each group's environment
as a compiled requirements file (pins with markers and hashes), parsed here. The lock's
TOML is read only for what export does not say: the groups, whether it locks a
workspace, which package a local path is and which named index a pin comes from.

uv's lock format has no specification beyond uv's code, and which packages a group
installs follows from markers, extras and forks resolved across the whole graph: only
uv computes that exactly, so without uv the file is refused rather than guessed at.
"""

from __future__ import annotations

import importlib.util
import os
import posixpath
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import PurePosixPath
from typing import Any

from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from pickenv.formats.base import DependencyFormat, RenderOptions
from pickenv.formats.files import FileError, ProjectFiles, as_mapping
from pickenv.formats.model import DEFAULT, Declared, Pin, group_name

TIMEOUT = 120  # seconds for one export: a 300 KB lock exports in about 0.06 s
PYPI = "https://pypi.org/simple"
_COMMENT = re.compile(r"(^|\s)#.*$")  # pip's comment rule: '#' at the start or after a space
_FOLDER = re.compile(r"(?:-e|--editable)[=\s]\s*(.*)|((?:\.{1,2}|~)?/.*|file:.*)")
_HASH = re.compile(r"\s--hash[=\s]\s*(\S+)")


def uv_command() -> list[str] | None:
    """uv on PATH, else the uv package of the running interpreter (``python -m uv``)."""
    found = shutil.which("uv")
    if found:
        return [found]
    if importlib.util.find_spec("uv") is not None:
        return [sys.executable, "-m", "uv"]
    return None


def export(uv: list[str], folder: str, group: str | None) -> subprocess.CompletedProcess[str]:
    """``uv export`` of the lock in ``folder``: the project's dependencies (not its
    extras, not itself) and, with ``group``, that group, as ``uv sync
    --no-default-groups --group G`` installs them. Never resolves nor touches the network."""
    command = [*uv, "export", "--frozen", "--offline", "--format", "requirements.txt", "--no-header"]
    command += ["--no-annotate", "--no-emit-project", "--no-default-groups", "--directory", folder]
    if group is not None:
        command += ["--group", group]
    # UV_NO_DEV, UV_NO_GROUP and the like would change what is exported.
    env = {key: value for key, value in os.environ.items() if not key.startswith("UV_")}
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=env,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def compiled_lines(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """A compiled requirements file's logical lines: (requirement or option, hashes)."""
    found: list[tuple[str, tuple[str, ...]]] = []
    pending = ""
    for raw in text.splitlines():
        line = _COMMENT.sub("", raw)
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        hashes = tuple(_HASH.findall(" " + line))
        rest = _HASH.sub("", " " + line).strip()
        if rest:
            found.append((rest, hashes))
    return found


class UvLockFormat(DependencyFormat):
    name = "uv-lock"
    summary = "uv.lock: each group's pinned environment, as uv export gives it"
    patterns = ("uv.lock",)
    role = "lock"

    def read(self, files: ProjectFiles, path: str) -> Declared:
        data = files.toml(path)  # bounded and valid TOML before uv is given it
        folder = str(PurePosixPath(path).parent)
        packages = [as_mapping(p) for p in _list(data.get("package"))]
        root = next((p for p in packages if _local(p) == "."), None)
        members = [str(m) for m in _list(as_mapping(data.get("manifest")).get("members"))]
        own = root.get("name") if root else _project_name(files, folder)
        others = sorted(set(members) - {str(own)})
        if others:
            raise FileError(
                path, f"locks the uv workspace of {', '.join(others)}: switch each member on its own"
            )
        if root is None:
            raise FileError(path, "has no package for the project in its folder (a cut or foreign lock?)")
        uv = uv_command()
        if uv is None:
            raise FileError(path, "can only be read by uv; install uv")
        metadata = as_mapping(root.get("metadata"))
        names = [*as_mapping(root.get("dev-dependencies")), *as_mapping(metadata.get("requires-dev"))]
        groups = list(dict.fromkeys(group_name(n) for n in names))
        target = str(files.root / folder)
        try:
            with ThreadPoolExecutor(max_workers=min(4, len(groups) + 1)) as pool:
                done = list(pool.map(lambda g: export(uv, target, g), [None, *groups]))
        except subprocess.TimeoutExpired:
            raise FileError(path, f"was not exported by uv within {TIMEOUT} s") from None
        except OSError as exc:
            raise FileError(path, f"cannot be read: uv does not run ({exc.strerror})") from None
        local = {posixpath.normpath(_local(p)): str(p.get("name")) for p in packages if _local(p)}
        indexes = _index_names(files, folder, packages)
        locks: dict[str, tuple[Pin, ...]] = {}
        for group, result in zip([DEFAULT, *groups], done, strict=True):
            if result.returncode != 0:
                said = [line for line in result.stderr.splitlines() if line.strip()]
                first = next((line for line in said if line.startswith("error")), said[0] if said else "")
                first = first.strip() if len(first.strip()) <= 200 else first.strip()[:197] + "..."
                raise FileError(path, f"cannot be read by uv ({first})")
            lines = compiled_lines(result.stdout)
            locks[group] = tuple(_pin(line, hashes, local, indexes, path) for line, hashes in lines)
        python = str(data.get("requires-python", ""))
        return Declared(locks=locks, python=python, files=(path,), lock_files=(path,))

    def render(self, existing: str | None, path: str, part: Declared, options: RenderOptions) -> str:
        raise NotImplementedError(
            "uv.lock is written by uv itself: run `uv lock` after writing pyproject.toml"
        )


def _project_name(files: ProjectFiles, folder: str) -> str:
    pyproject = str(PurePosixPath(folder) / "pyproject.toml")
    if not files.exists(pyproject):
        return ""
    return str(as_mapping(files.toml(pyproject).get("project")).get("name", ""))


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _local(package: Mapping[str, Any]) -> str:
    """The folder of a package uv builds from the project's files ("" for others)."""
    source = as_mapping(package.get("source"))
    for key in ("editable", "virtual", "directory", "path"):
        if isinstance(source.get(key), str):
            return str(source[key])
    return ""


Indexes = dict[tuple[str, str], str]


def _index_names(files: ProjectFiles, folder: str, packages: list[Mapping[str, Any]]) -> Indexes:
    """(name, version) -> the index a pin comes from: its [[tool.uv.index]] name, else
    its URL; nothing for PyPI."""
    pyproject = str(PurePosixPath(folder) / "pyproject.toml")
    named: dict[str, str] = {}
    if files.exists(pyproject):
        uv = as_mapping(as_mapping(files.toml(pyproject).get("tool")).get("uv"))
        entries = uv.get("index")
        for entry in map(as_mapping, entries if isinstance(entries, list) else []):
            if isinstance(entry.get("url"), str) and isinstance(entry.get("name"), str):
                named[entry["url"].rstrip("/")] = entry["name"]
    found: Indexes = {}
    for package in packages:
        registry = as_mapping(package.get("source")).get("registry")
        if isinstance(registry, str) and registry.rstrip("/") != PYPI:
            key = (str(canonicalize_name(str(package.get("name")))), str(package.get("version", "")))
            found[key] = named.get(registry.rstrip("/"), registry)
    return found


def _pin(line: str, hashes: tuple[str, ...], local: Mapping[str, str], indexes: Indexes, path: str) -> Pin:
    folder = _FOLDER.match(line)
    if folder:  # a path dependency (editable or not): its name is the lock's
        target, _, marker = (folder.group(1) or folder.group(2)).partition(" ;")
        name = local.get(posixpath.normpath(target.strip()), target.strip())
        return Pin(
            str(canonicalize_name(name)), "", _marker(marker.strip()), tuple(sorted(hashes)), target.strip()
        )
    try:
        req = Requirement(line)
    except InvalidRequirement:
        raise FileError(path, f"exports (uv export) a line pickenv cannot read ({line[:60]!r})") from None
    name = str(canonicalize_name(req.name))
    version = next((s.version for s in req.specifier if s.operator in ("==", "===")), "")
    marker = str(req.marker) if req.marker else ""
    return Pin(name, version, marker, tuple(sorted(hashes)), req.url or "", indexes.get((name, version), ""))


def _marker(text: str) -> str:
    return str(Marker(text)) if text else ""
