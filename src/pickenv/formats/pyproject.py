"""pyproject.toml's environment groups (PEP 735 ``[dependency-groups]``, uv's legacy
``dev-dependencies``, PDM's ``dev-dependencies``), read as uv reads them and written back
with tomlkit, keeping everything else. The package's own metadata (``[project]``,
setup.cfg) is ``pickenv.formats.package``; uv's ``[tool.uv]`` sources, indexes and
settings, read and written, are ``pickenv.formats.uvsources``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import tomlkit
import tomlkit.exceptions
from packaging.utils import canonicalize_name
from tomlkit.items import Whitespace

from pickenv.formats.base import DependencyFormat, RenderOptions
from pickenv.formats.files import FileError, ProjectFiles
from pickenv.formats.model import (
    DEFAULT,
    Declared,
    Group,
    Note,
    Req,
    SelfInstall,
    extra_name,
    group_name,
    parse,
)
from pickenv.formats.package import (
    checked_req,
    checked_reqs,
    checked_strings,
    checked_table,
    checked_text,
    excerpt,
    project_table,
    table_at,
    uv_table,
)
from pickenv.formats.uvsources import (
    apply_sources,
    new_table,
    render_settings,
    render_sources,
    source_note,
    toml_inline,
    tool_uv,
    uv_indexes,
    uv_settings,
    uv_sources,
)

INDENT = "    "  # uv writes one requirement per line, four spaces in


# ---- dependency groups -------------------------------------------------------------------
_NAME = re.compile(r"\s*([a-z0-9._-]*)", re.IGNORECASE)


def _name_of(text: str) -> str:
    """A requirement's name, without parsing it all (to compare)."""
    found = _NAME.match(text)
    return str(canonicalize_name(found.group(1))) if found else ""


_GROUP_NAME = re.compile(r"^([a-z0-9]|[a-z0-9][a-z0-9._-]*[a-z0-9])$", re.IGNORECASE)


def _pep735(data: Mapping[str, Any], path: str) -> dict[str, tuple[str, list[Any]]]:
    """[dependency-groups] checked as PEP 735 says: names valid and unique once
    normalised, entries strings or ``{include-group}``, includes known and acyclic."""
    groups: dict[str, tuple[str, list[Any]]] = {}
    for key, value in checked_table(data.get("dependency-groups"), path, "[dependency-groups]").items():
        if not _GROUP_NAME.match(key):
            raise FileError(path, f"[dependency-groups] {excerpt(key)} is not a valid group name")
        if group_name(key) in groups:
            raise FileError(path, f"[dependency-groups] names the group {group_name(key)!r} twice")
        if not isinstance(value, list):
            raise FileError(path, f"[dependency-groups] {key} is not a list")
        groups[group_name(key)] = (key, value)
    edges: dict[str, list[str]] = {}
    for name, (key, items) in groups.items():
        edges[name] = []
        for item in items:
            if isinstance(item, str):
                continue
            if not (isinstance(item, Mapping) and list(item) == ["include-group"]):
                raise FileError(
                    path, f"[dependency-groups] {key} holds {toml_inline(item)[:60]}, not a requirement"
                )
            target = group_name(
                checked_text(item["include-group"], path, f"[dependency-groups] {key} include-group")
            )
            if target not in groups:
                raise FileError(path, f"[dependency-groups] {key} includes {target!r}, which is not a group")
            edges[name].append(target)
    _acyclic(edges, path)
    return groups


def _acyclic(edges: Mapping[str, list[str]], path: str) -> None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in edges:
        stack = [(start, iter(edges[start]))]
        state.setdefault(start, 1)
        if state[start] == 2:
            continue
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                raise FileError(path, f"[dependency-groups] {child} includes itself (through {node})")
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(edges[child])))


class _Draft:
    """A group being gathered from the tables that may declare it."""

    def __init__(self) -> None:
        self.reqs: list[Req] = []
        self.includes: list[str] = []
        self.self_install: SelfInstall | None = None

    def add(self, req: Req, own: str) -> None:
        if own and req.name == own:  # the project itself, with extras (PEP 735, uv)
            extras = frozenset(extra_name(e) for e in req.parsed.extras)
            old = self.self_install.extras if self.self_install else frozenset()
            self.self_install = SelfInstall(old | extras, True, req.origin)
        else:
            self.reqs.append(req)


class PyprojectFormat(DependencyFormat):
    name = "pyproject"
    summary = "pyproject.toml: PEP 735 dependency groups, uv's and PDM's dev lists, uv's sources and indexes"
    patterns = ("pyproject.toml",)

    def read(self, files: ProjectFiles, path: str) -> Declared:
        data = files.toml(path)
        project = project_table(data, path) or {}
        own = str(canonicalize_name(checked_text(project.get("name"), path, "[project] name")))
        uv = uv_table(data, path)
        drafts: dict[str, _Draft] = {}
        notes: list[Note] = []
        for name, (key, items) in _pep735(data, path).items():
            draft = drafts.setdefault(name, _Draft())
            for item in items:
                if isinstance(item, str):
                    draft.add(checked_req(item, path, f"[dependency-groups] {key}"), own)
                else:
                    draft.includes.append(group_name(item["include-group"]))
        if "dev-dependencies" in uv:  # uv before PEP 735: the "dev" group
            for text in checked_strings(uv["dev-dependencies"], path, "[tool.uv] dev-dependencies"):
                drafts.setdefault("dev", _Draft()).add(
                    checked_req(text, path, "[tool.uv] dev-dependencies"), own
                )
        pdm = checked_table(checked_table(data.get("tool"), path, "[tool]").get("pdm"), path, "[tool.pdm]")
        for key, value in checked_table(
            pdm.get("dev-dependencies"), path, "[tool.pdm.dev-dependencies]"
        ).items():
            where = f"[tool.pdm.dev-dependencies] {key}"
            draft = drafts.setdefault(group_name(key), _Draft())
            for text in checked_strings(value, path, where):
                if text.startswith("-e"):  # PDM's editable entries: pip's syntax, not PEP 508
                    folder, bracket, extras = text[2:].strip().partition("[")
                    if own and folder.rstrip("/") in (".", "file:///${PROJECT_ROOT}"):
                        draft.add(checked_req(own + bracket + extras, path, where), own)
                    else:
                        notes.append(Note(f"{path} {where}", text, "local", group_name(key)))
                else:
                    draft.add(checked_req(text, path, where), own)
        sources = uv_sources(uv, path)
        groups: list[Group] = []
        used: set[str] = set()
        for name, draft in drafts.items():
            reqs, local, applied = apply_sources(tuple(draft.reqs), sources, name, path)
            used |= applied
            notes += local
            includes = tuple(dict.fromkeys(draft.includes))
            groups.append(Group(name, reqs, includes, draft.self_install, path))
        if "dependencies" not in checked_strings(project.get("dynamic"), path, "[project] dynamic"):
            # [project].dependencies are not a group here, but a source may change them
            local, applied = apply_sources(
                checked_reqs(project.get("dependencies"), path, "[project] dependencies"),
                sources,
                DEFAULT,
                path,
            )[1:]
            notes += local
            used |= applied
        notes += [
            source_note(key, name, source, path) for key, (name, source) in sources.items() if key not in used
        ]
        indexes, index_notes = uv_indexes(uv, path)
        notes += index_notes
        notes += uv_settings(uv, path)
        python = checked_text(project.get("requires-python"), path, "[project] requires-python")
        notes = list(dict.fromkeys(notes))
        return Declared(tuple(groups), sources=indexes, notes=tuple(notes), python=python, files=(path,))

    def render(self, existing: str | None, path: str, part: Declared, options: RenderOptions) -> str:
        """Groups into [dependency-groups], the default group into [project].dependencies
        (an application's only: a package's dependencies are its metadata), sources into
        [[tool.uv.index]] and [tool.uv.sources]; nothing the file says is changed."""
        return _render(existing, path, part, options)


# ---- writing -------------------------------------------------------------------------------
def _render(existing: str | None, path: str, part: Declared, options: RenderOptions) -> str:
    crlf = existing is not None and "\r\n" in existing
    doc = _document(existing, path) if existing is not None else tomlkit.document()
    default = part.group(DEFAULT)
    created: Any = None
    if existing is None or (default is not None and default.requirements):
        if _is_package(doc):
            raise ValueError("a package's dependencies are its metadata")
        if "project" not in doc:  # what ``uv init --app --no-package`` writes
            created = new_table(name=options.project_name, version="0.1.0")
            if options.python or part.python:  # the target, or the bound the old files gave
                created["requires-python"] = f">={options.python}" if options.python else part.python
        project = doc["project"] if created is None else created
        if "dependencies" in checked_strings(project.get("dynamic"), path, "[project] dynamic"):
            raise ValueError("[project] dependencies are dynamic")
        if "dependencies" not in project:
            project["dependencies"] = tomlkit.array()
        _extend(project["dependencies"], [r.text for r in default.requirements] if default else [])
        if created is not None and existing is None:
            doc["project"] = created.add(tomlkit.nl())
    # the project installing itself in a group: only a project with a [project] table can
    own = options.project_name if created is not None else str(table_at(doc, "project").get("name", ""))
    fresh: Any = None
    names = {g.name for g in part.groups} | {group_name(k) for k in table_at(doc, "dependency-groups")}
    for group in part.groups:
        if group.name == DEFAULT:
            continue  # uv installs [project].dependencies with every group
        if "dependency-groups" not in doc:
            doc["dependency-groups"] = fresh = tomlkit.table()
        table = doc["dependency-groups"]
        key = next((k for k in table if group_name(k) == group.name), group.name)
        if key not in table:
            table[key] = tomlkit.array()
        entries: list[Any] = [r.text for r in group.requirements]
        if group.self_install is not None and own:
            extras = ",".join(sorted(group.self_install.extras))
            entries.append(own + (f"[{extras}]" if extras else ""))
        entries += [new_table(True, **{"include-group": i}) for i in group.includes if i in names - {DEFAULT}]
        _extend(table[key], entries)
    if fresh is not None:
        fresh.add(tomlkit.nl())
    if created is not None:
        tool_uv(doc).add("package", False).add(tomlkit.nl())  # an application: uv never builds it
    render_sources(doc, part)
    render_settings(doc, part)
    text = tomlkit.dumps(doc)
    if created is not None and existing is not None:  # [project] first, as uv writes it
        text = tomlkit.dumps({"project": created.add(tomlkit.nl())}) + text.lstrip("\n")
    if existing is None or not existing.endswith("\n\n"):
        text = text.rstrip("\n") + "\n"
    return text.replace("\n", "\r\n") if crlf else text


def _document(text: str, path: str) -> Any:
    """The existing file for tomlkit, checked the way reading checks it."""
    try:
        doc = tomlkit.parse(text.replace("\r\n", "\n"))
    except tomlkit.exceptions.ParseError as exc:
        raise FileError(path, f"is not valid TOML ({exc})") from None
    for keys in (("project",), ("dependency-groups",), ("tool",), ("tool", "uv"), ("tool", "uv", "sources")):
        checked_table(table_at(doc, *keys[:-1]).get(keys[-1]), path, f"[{'.'.join(keys)}]")
    arrays = [("[project] dependencies", table_at(doc, "project").get("dependencies", []))]
    arrays += [(f"[dependency-groups] {k}", v) for k, v in table_at(doc, "dependency-groups").items()]
    arrays += [("[[tool.uv.index]]", table_at(doc, "tool", "uv").get("index", []))]
    for where, value in arrays:
        if not isinstance(value, list):
            raise FileError(path, f"{where} is not a list")
    return doc


def _is_package(doc: Any) -> bool:
    """uv builds and installs the project: a [build-system], unless ``package = false``."""
    package = table_at(doc, "tool", "uv").get("package")
    return package if isinstance(package, bool) else "build-system" in doc


def _string(entry: Any) -> Any:
    """A requirement as a TOML string: literal (single quotes) when it holds double
    quotes, as markers do, so that none is escaped."""
    if isinstance(entry, str) and '"' in entry and "'" not in entry:
        return tomlkit.string(entry, literal=True)
    return entry


def _extend(array: Any, entries: list[Any]) -> None:
    """Add the entries the array does not hold yet, one per line as uv writes them."""
    wanted = {_name_of(e) for e in entries if isinstance(e, str)}
    held = list(array)
    # only entries that may equal a new one are parsed: a long array stays linear and fast
    seen = {str(parse(i) or i) for i in held if isinstance(i, str) and _name_of(i) in wanted}
    new = []
    for entry in entries:
        if isinstance(entry, str):
            key = str(parse(entry) or entry)
            if key in seen:
                continue
            seen.add(key)
        elif any(isinstance(item, Mapping) and dict(item) == dict(entry) for item in held):
            continue
        new.append(_string(entry))
    if not new:
        return
    one_line = "\n" not in array.as_string()
    if one_line:  # one line (or empty): written again, one per line
        array.clear()
        new = [*held, *new]
    lines = [line for line in array.as_string().splitlines()[1:] if line.strip() not in ("", "]")]
    indent = lines[0][: len(lines[0]) - len(lines[0].lstrip())] if lines else INDENT
    # one add_line for all of them: tomlkit's add_line costs the array's length each time
    items: list[Any] = []
    for entry in new:
        items += [Whitespace(f"\n{indent}"), entry, Whitespace(",")]
    array.add_line(*items[1:], indent=indent, add_comma=False)
    if one_line:
        array.add_line(indent="")


def without_table(text: str, dotted: str) -> str:
    """``text`` without the table ``dotted`` ("tool.uv") and its sub-tables; a parent
    table left empty that the file never wrote as a header goes too."""
    crlf = "\r\n" in text
    doc: Any = tomlkit.parse(text.replace("\r\n", "\n"))
    keys = dotted.split(".")
    chain = [doc]
    for key in keys[:-1]:
        child = chain[-1].get(key)
        if not isinstance(child, Mapping):
            return text
        chain.append(child)
    if keys[-1] not in chain[-1]:
        return text
    del chain[-1][keys[-1]]
    for depth in range(len(chain) - 1, 0, -1):
        table = chain[depth]
        if len(table) == 0 and getattr(table, "is_super_table", lambda: False)():
            del chain[depth - 1][keys[depth - 1]]
    result = tomlkit.dumps(doc)
    return result.replace("\n", "\r\n") if crlf else result
