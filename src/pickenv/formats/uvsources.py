"""uv's ``[tool.uv]`` table of pyproject.toml, as uv reads it: its sources change what a
requirement installs (``project_dependencies``: ``[project].dependencies`` with them
applied), its indexes are the project's sources, its other settings are notes; and the
same written back into the table (``render_sources``, ``render_settings``) with tomlkit.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import tomlkit
from packaging.utils import canonicalize_name

from pickenv.formats.files import FileError, ProjectFiles
from pickenv.formats.model import DEFAULT, Declared, Note, Req, Source, group_name
from pickenv.formats.package import (
    FILE,
    checked_req,
    checked_reqs,
    checked_strings,
    checked_table,
    checked_text,
    project_table,
    table_at,
    uv_table,
)

# [tool.uv] keys read into the model rather than noted.
_UNDERSTOOD = frozenset(
    {"package", "required-version", "workspace", "dev-dependencies", "sources", "index", "index-url"}
    | {"extra-index-url"}
)
# [tool.uv] keys that change how uv works, not what it installs: no note.
_HOW = frozenset(
    {"cache-dir", "cache-keys", "check-url", "compile-bytecode", "concurrent-builds", "concurrent-downloads"}
    | {"concurrent-installs", "link-mode", "managed", "native-tls", "no-cache", "offline", "preview"}
    | {"publish-url", "trusted-publishing", "python-downloads", "python-downloads-json-url", "pip"}
    | {"python-install-mirror", "pypy-install-mirror", "python-preference", "keyring-provider"}
    | {"build-backend", "add-bounds", "upgrade", "upgrade-package", "reinstall", "reinstall-package"}
)


# ---- uv's sources ----------------------------------------------------------------------
def uv_sources(uv: Mapping[str, Any], path: str) -> dict[str, tuple[str, Mapping[str, Any]]]:
    """[tool.uv.sources]: normalised name -> (name as written, its one source table)."""
    found: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for name, value in checked_table(uv.get("sources"), path, "[tool.uv.sources]").items():
        entries = value if isinstance(value, list) else [value]
        tables = [checked_table(entry, path, f"[tool.uv.sources] {name}") for entry in entries]
        found[str(canonicalize_name(name))] = (name, tables[0] if len(tables) == 1 else {"several": tables})
    return found


def toml_inline(value: object) -> str:
    """A TOML value on one line, for a note."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_inline(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{key} = {toml_inline(item)}" for key, item in value.items()) + " }"
    return str(value)


def _sourced(req: Req, name: str, source: Mapping[str, Any], group: str, path: str) -> Req | Note | None:
    """What uv installs for ``req`` under its source: another Req, a local Note, or
    None when the source does not apply (another group, an extra, a marker)."""
    origin = f"{path} [tool.uv.sources] {name}"
    if "several" in source or "marker" in source or "extra" in source:
        return None  # per-platform or per-extra sources: noted as written instead
    if "group" in source and group_name(str(source["group"])) != group:
        return None
    if source.get("workspace") is True:
        return Note(origin, f"{req.name}: workspace member", "local", group)
    if "path" in source:
        editable = " (editable)" if source.get("editable") else ""
        return Note(
            origin, f"{req.name}: {checked_text(source['path'], path, origin)}{editable}", "local", group
        )
    if "index" in source:
        return replace(req, index=checked_text(source["index"], path, origin))
    if "git" in source or "url" in source:
        if "git" in source:
            rev = next((source[k] for k in ("rev", "tag", "branch") if isinstance(source.get(k), str)), "")
            url = "git+" + checked_text(source["git"], path, origin) + (f"@{rev}" if rev else "")
        else:
            url = checked_text(source["url"], path, origin)
        if isinstance(source.get("subdirectory"), str):
            url += f"#subdirectory={source['subdirectory']}"
        parsed = req.parsed
        extras = f"[{','.join(sorted(parsed.extras))}]" if parsed.extras else ""
        marker = f" ; {parsed.marker}" if parsed.marker else ""
        return replace(
            req, text=str(checked_req(f"{parsed.name}{extras} @ {url}{marker}", path, origin).text)
        )
    raise FileError(
        path, f"[tool.uv.sources] {name} is not a source uv knows (git, url, path, index, workspace)"
    )


def apply_sources(
    reqs: tuple[Req, ...], sources: Mapping[str, tuple[str, Mapping[str, Any]]], group: str, path: str
) -> tuple[tuple[Req, ...], tuple[Note, ...], set[str]]:
    kept: list[Req] = []
    notes: list[Note] = []
    used: set[str] = set()
    for req in reqs:
        name, source = sources.get(req.name, ("", {}))
        result = _sourced(req, name, source, group, path) if name else None
        if result is None:
            kept.append(req)
            continue
        used.add(req.name)
        if isinstance(result, Note):
            notes.append(result)
        else:
            kept.append(result)
    return tuple(kept), tuple(notes), used


def project_dependencies(files: ProjectFiles, path: str = FILE) -> tuple[Req, ...]:
    """[project].dependencies with uv's git, url and index sources applied (a path or
    workspace source leaves its requirement out: ``PyprojectFormat.read`` notes it)."""
    data = files.toml(path)
    project = project_table(data, path) or {}
    if "dependencies" in checked_strings(project.get("dynamic"), path, "[project] dynamic"):
        raise FileError(path, "[project] dependencies are dynamic: only building the project gives them")
    reqs = checked_reqs(project.get("dependencies"), path, "[project] dependencies")
    return apply_sources(reqs, uv_sources(uv_table(data, path), path), DEFAULT, path)[0]


def source_note(key: str, name: str, source: Mapping[str, Any], path: str) -> Note:
    origin = f"{path} [tool.uv.sources] {name}"
    if source.get("workspace") is True:
        return Note(origin, f"{key}: workspace member", "local")
    if "path" in source and "several" not in source:
        return Note(
            origin, f"{key}: {source['path']}" + (" (editable)" if source.get("editable") else ""), "local"
        )
    return Note(origin, f"{name} = {toml_inline(source.get('several', source))}", "setting")


def uv_indexes(uv: Mapping[str, Any], path: str) -> tuple[tuple[Source, ...], list[Note]]:
    """uv's indexes as sources; how one is searched (``explicit``, ``format``) as notes."""
    sources: list[Source] = []
    notes: list[Note] = []
    entries = uv.get("index", [])
    if not isinstance(entries, list):
        raise FileError(path, "[[tool.uv.index]] is not an array of tables")
    for number, entry in enumerate(entries, 1):
        table = checked_table(entry, path, "[[tool.uv.index]]")
        name = checked_text(table.get("name"), path, "[[tool.uv.index]] name")
        url = checked_text(table.get("url"), path, "[[tool.uv.index]] url")
        if not url:
            raise FileError(path, f"[[tool.uv.index]] {name or number} has no url")
        origin = f"{path} [[tool.uv.index]] {name or url}"
        sources.append(Source(name, url, table.get("default") is True, origin))
        notes += [
            Note(origin, f"index {name or url}: {key} = {toml_inline(table[key])}", "setting")
            for key in ("explicit", "format")
            if key in table
        ]
    if "index-url" in uv:
        url = checked_text(uv["index-url"], path, "[tool.uv] index-url")
        sources.append(Source("", url, True, f"{path} [tool.uv] index-url"))
    for url in checked_strings(uv.get("extra-index-url"), path, "[tool.uv] extra-index-url"):
        sources.append(Source("", url, False, f"{path} [tool.uv] extra-index-url"))
    return tuple(sources), notes


def uv_settings(uv: Mapping[str, Any], path: str) -> list[Note]:
    """The [tool.uv] settings that change what uv installs, each a note (``key = value``)."""
    return [
        Note(f"{path} [tool.uv] {key}", f"{key} = {toml_inline(value)}", "setting")
        for key, value in uv.items()
        if key not in _UNDERSTOOD | _HOW
    ]


# ---- writing [tool.uv] ------------------------------------------------------------------
def render_settings(doc: Any, part: Declared) -> None:
    """uv settings the notes say as ``key = value`` (``prerelease = "allow"`` for pip's
    --pre): set in [tool.uv] where the file does not set that key already."""
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    for note in part.notes:
        if note.kind != "setting":
            continue
        try:
            values = tomllib.loads(note.text)
        except tomllib.TOMLDecodeError:
            continue  # a note in words, not a setting uv reads
        table = tool_uv(doc)
        for key, value in values.items():
            if key not in table:
                table[key] = value


def new_table(inline: bool = False, **values: Any) -> Any:
    table: Any = tomlkit.inline_table() if inline else tomlkit.table()
    table.update(values)
    return table


def tool_uv(doc: Any, only_tables: bool = False) -> Any:
    if "tool" not in doc:
        doc["tool"] = tomlkit.table(is_super_table=True)
    if "uv" not in doc["tool"]:
        doc["tool"]["uv"] = tomlkit.table(is_super_table=only_tables)
    return doc["tool"]["uv"]


def render_sources(doc: Any, part: Declared) -> None:
    indexes = [i for i in table_at(doc, "tool", "uv").get("index", []) if isinstance(i, Mapping)]
    known = {str(i.get("name", "")) for i in indexes} | {str(i.get("url", "")) for i in indexes}
    for source in part.sources:
        if source.url in known or (source.name and source.name in known):
            continue
        uv = tool_uv(doc, only_tables=True)
        if "index" not in uv:
            uv["index"] = tomlkit.aot()
        table = new_table(name=source.name, url=source.url) if source.name else new_table(url=source.url)
        if source.default:
            table["default"] = True
        uv["index"].append(table.add(tomlkit.nl()))
        known |= {source.url, source.name}
    pinned = {r.name: r.index for g in part.groups for r in g.requirements if r.index and r.index in known}
    written = {str(canonicalize_name(k)) for k in table_at(doc, "tool", "uv", "sources")}
    fresh: Any = None
    for name, index in pinned.items():
        if name not in written:
            uv = tool_uv(doc, only_tables=True)
            if "sources" not in uv:
                uv["sources"] = fresh = tomlkit.table()
            uv["sources"][name] = new_table(True, index=index)
    if fresh is not None:
        fresh.add(tomlkit.nl())
