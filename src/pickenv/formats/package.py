"""The project's own package, as pyproject.toml's ``[project]`` (or setup.cfg, or setup.py's
presence) describes it, and uv's workspace members; and the checked access to
pyproject.toml's tables that the pyproject modules share (a wrong type is the file's
``FileError``, never an AttributeError).
"""

from __future__ import annotations

import ast
import configparser
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement

from pickenv.formats.files import FileError, ProjectFiles
from pickenv.formats.model import Package, Req, extra_name

FILE = "pyproject.toml"


# ---- checked access: a wrong type is the file's error, never an AttributeError -------
def checked_table(value: object, path: str, where: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise FileError(path, f"{where} is not a table")
    return value


def checked_strings(value: object, path: str, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise FileError(path, f"{where} is not a list of strings")
    return value


def checked_text(value: object, path: str, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FileError(path, f"{where} is not a string")
    return value


def excerpt(text: str) -> str:
    line = (text.strip().splitlines() or [""])[0]
    return repr(line if len(line) <= 60 else line[:57] + "...")


def checked_req(text: str, path: str, where: str) -> Req:
    try:
        parsed = Requirement(text)
    except InvalidRequirement as exc:
        why = str(exc).splitlines()[0] if str(exc) else "invalid"
        raise FileError(path, f"{where}: {excerpt(text)} is not a valid requirement ({why})") from None
    req = Req(str(parsed), f"{path} {where}")
    # Req.parsed is a cached_property: primed here, a group of 100,000 lines is parsed once, not twice
    req.__dict__["parsed"] = parsed
    return req


def checked_reqs(value: object, path: str, where: str) -> tuple[Req, ...]:
    return tuple(checked_req(text, path, where) for text in checked_strings(value, path, where))


def project_table(data: Mapping[str, Any], path: str) -> Mapping[str, Any] | None:
    return checked_table(data["project"], path, "[project]") if "project" in data else None


def uv_table(data: Mapping[str, Any], path: str) -> Mapping[str, Any]:
    return checked_table(checked_table(data.get("tool"), path, "[tool]").get("uv"), path, "[tool.uv]")


def table_at(doc: Any, *keys: str) -> Any:
    """The table at ``keys`` ({} where there is none)."""
    for key in keys:
        doc = doc.get(key) if isinstance(doc, Mapping) else None
    return doc if isinstance(doc, Mapping) else {}


# ---- the package ---------------------------------------------------------------------
def read_package(files: ProjectFiles) -> Package:
    """The project's own metadata, from pyproject.toml, setup.cfg and setup.py's presence."""
    data = files.toml(FILE) if _present(files, FILE) else {}
    project = project_table(data, FILE)
    uv = uv_table(data, FILE)
    package = uv.get("package")
    if package is not None and not isinstance(package, bool):
        raise FileError(FILE, "[tool.uv] package is not true or false")
    build = checked_table(data["build-system"], FILE, "[build-system]") if "build-system" in data else None
    backend = build is not None and bool(
        checked_text(build.get("build-backend"), FILE, "[build-system] build-backend")
    )
    setup_py = files.exists("setup.py")
    cfg = _setup_cfg(files)
    cfg_meta = cfg is not None and (cfg.has_option("metadata", "name") or cfg.has_section("options"))
    legacy = setup_py or (cfg_meta and files.exists(FILE))  # setuptools' legacy build of setup.py/.cfg
    # pip builds a [project] or setup.py/setup.cfg with setuptools when no backend is
    # named; uv builds only a project with a [build-system] (or package = true), and
    # treats any other as a virtual project, never built (``Package.uv_package``).
    buildable = bool(package) or backend or legacy or project is not None
    common: dict[str, Any] = {
        "buildable": buildable,
        "build_system": build is not None or package is True,
        "installs_itself": package is not False,
        "has_project_table": project is not None,
        "workspace": _workspace(files, uv),
    }
    if project is not None:
        dynamic = frozenset(checked_strings(project.get("dynamic"), FILE, "[project] dynamic"))
        optional = checked_table(
            project.get("optional-dependencies"), FILE, "[project.optional-dependencies]"
        )
        where = "[project.optional-dependencies]"
        return Package(
            name=checked_text(project.get("name"), FILE, "[project] name"),
            dependencies=None
            if "dependencies" in dynamic
            else checked_reqs(project.get("dependencies"), FILE, "[project] dependencies"),
            extras=None
            if "optional-dependencies" in dynamic
            else {extra_name(k): checked_reqs(v, FILE, f"{where} {k}") for k, v in optional.items()},
            dynamic=dynamic,
            requires_python=checked_text(project.get("requires-python"), FILE, "[project] requires-python"),
            metadata_file=FILE,
            **common,
        )
    if cfg is not None and cfg_meta:
        return _from_setup_cfg(cfg, setup_py, common, files)
    unknown = buildable  # setup.py, poetry...: metadata this module does not read
    return Package(
        name=_setup_py_name(files) if setup_py else "",
        dependencies=None if unknown else (),
        extras=None if unknown else {},
        metadata_file="setup.py" if setup_py else "",
        **common,
    )


def _setup_py_name(files: ProjectFiles) -> str:
    """The name a setup.py passes to ``setup(name="...")`` as a literal, read without running
    it ("" where it computes the name or cannot be parsed: a name is never guessed)."""
    try:
        tree = ast.parse(files.text("setup.py"))
    except (FileError, SyntaxError, ValueError):
        return ""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "setup":
            for keyword in node.keywords:
                if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                    return keyword.value.value if isinstance(keyword.value.value, str) else ""
    return ""


def _present(files: ProjectFiles, name: str) -> bool:
    """The project has the file, or something by its name that reading will refuse."""
    return files.exists(name) or (files.root / name).is_symlink() or (files.root / name).exists()


def _setup_cfg(files: ProjectFiles) -> configparser.RawConfigParser | None:
    if not _present(files, "setup.cfg"):
        return None
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(files.text("setup.cfg"), "setup.cfg")
    except configparser.Error as exc:
        line = getattr(exc, "lineno", None)
        where = f" at line {line}" if line else ""
        raise FileError("setup.cfg", f"is not a valid setup.cfg{where} ({type(exc).__name__})") from None
    return parser


def _cfg_lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip() and line.strip()[0] not in "#;"]


def _from_setup_cfg(
    cfg: configparser.RawConfigParser, setup_py: bool, common: dict[str, Any], files: ProjectFiles
) -> Package:
    """setup.cfg's declarative metadata; setup.py, when there is one, may add to it."""
    requires = cfg.get("options", "install_requires", fallback=None)
    if requires is None or requires.strip().startswith("file:"):
        dependencies: tuple[Req, ...] | None = None if setup_py or requires else ()
    else:
        dependencies = tuple(
            checked_req(t, "setup.cfg", "[options] install_requires") for t in _cfg_lines(requires)
        )
    extras: dict[str, tuple[Req, ...]] | None = {}
    if cfg.has_section("options.extras_require"):
        extras = {
            extra_name(key): tuple(
                checked_req(t, "setup.cfg", f"[options.extras_require] {key}") for t in _cfg_lines(v)
            )
            for key, v in cfg.items("options.extras_require")
        }
    elif setup_py:
        extras = None
    return Package(
        name=cfg.get("metadata", "name", fallback="") or (_setup_py_name(files) if setup_py else ""),
        dependencies=dependencies,
        extras=extras,
        requires_python=cfg.get("options", "python_requires", fallback="").strip(),
        metadata_file="setup.cfg",
        **common,
    )


def _workspace(files: ProjectFiles, uv: Mapping[str, Any]) -> tuple[str, ...]:
    """uv's workspace members: the folders the globs match that hold a pyproject.toml."""
    table = checked_table(uv.get("workspace"), FILE, "[tool.uv.workspace]")
    where = "[tool.uv.workspace]"

    def folders(key: str) -> set[str]:
        found: set[str] = set()
        for pattern in checked_strings(table.get(key), FILE, f"{where} {key}"):
            try:
                matches = files.glob(f"{pattern.rstrip('/')}/{FILE}")
            except (ValueError, NotImplementedError):  # absolute or outside: not this project's
                continue
            found.update(str(PurePosixPath(match).parent) for match in matches)
        return found

    return tuple(sorted(folders("members") - folders("exclude") - {"."}))
