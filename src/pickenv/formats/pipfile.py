"""pipenv's Pipfile, read as pipenv reads it and written as pipenv writes it.

A Pipfile entry becomes the requirement pipenv hands pip (``convert_deps_to_pip``,
``translate_markers`` in pipenv.utils.dependencies); the checks are those of pipenv's
vendored plette, through which ``pipenv lock`` and ``install`` load the file. Pipfile.lock
is ``pickenv.formats.pipfile_lock``, which shares this module's reading of entries,
markers and sources.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, NoReturn
from urllib.parse import unquote, urlsplit

import tomlkit
from packaging.markers import InvalidMarker, Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from pickenv.formats.base import DependencyFormat, RenderOptions
from pickenv.formats.files import FileError, ProjectFiles
from pickenv.formats.model import DEFAULT, Declared, Group, Note, NoteKind, Req, SelfInstall, Source
from pickenv.formats.model import group_name as _group_name
from pickenv.formats.pip_lines import split_vcs

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

Fail = Callable[[str], NoReturn]
PYPI = re.compile(r"^https?://pypi(?:\.python)?\.org/simple/?$")  # pipenv.utils.internet.is_pypi_url
PYPI_SOURCE = {"url": "https://pypi.org/simple", "verify_ssl": True, "name": "pypi"}  # pipenv's default
NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")  # PEP 508
COMPARE_OP = re.compile(r"^(<=?|>=?|={2,3}|[~!]=)\s*")  # distlib's: a version without one gets "=="
VCS = ("git", "svn", "hg", "bzr")  # pipenv's VCS_LIST, in the order pipenv looks for them
URLS = ("http:", "https:", "ftp:", "file:")  # a `file`/`path` pip fetches as a URL
# The keys translate_markers makes markers of: the vendored packaging's default_environment().
MARKER_KEYS = frozenset({"implementation_name", "implementation_version", "os_name", "platform_machine"})
MARKER_KEYS |= {"platform_release", "platform_system", "platform_version", "python_full_version"}
MARKER_KEYS |= {"platform_python_implementation", "python_version", "sys_platform"}
# plette's KNOWN_PACKAGE_KEYS (any other key makes pipenv refuse the Pipfile) and its types.
TYPES: dict[str, type] = {"editable": bool, "version": str, "extras": list, "pip_args": list, "hashes": list}
TYPES.update(dict.fromkeys(("index", "ref", "subdirectory", "file", "path", "os_markers", *VCS), str))
KNOWN_KEYS = MARKER_KEYS | set(TYPES) | {"name", "markers", "no_binary", "skip_resolver"}
# Entry keys that tell pip or pipenv something besides the requirement: carried as notes.
CARRIED: dict[str, NoteKind] = {"pip_args": "option", "no_binary": "option", "skip_resolver": "setting"}
# Tables that are not package categories: pipenv's NON_CATEGORY_SECTIONS and plette's PIPFILE_SECTIONS.
SETTINGS = "pipenv"  # the Pipfile's own [pipenv] table of settings (allow_prereleases...)
RESERVED = frozenset({"source", "requires", "scripts", SETTINGS, "build-system", "pipfile"})
TABLES = {DEFAULT: "packages", "dev": "dev-packages"}
NEW_PIPFILE = (
    "[[source]]\nurl = {url}\nverify_ssl = {verify_ssl}\nname = {name}\n\n[packages]\n\n[dev-packages]\n"
)


def group_of(table: str) -> str:
    """The group of a Pipfile table or of a Pipfile.lock section."""
    named = {"packages": DEFAULT, "default": DEFAULT, "dev-packages": "dev", "develop": "dev"}
    return named.get(table) or _group_name(table)


def failing(path: str, where: str = "") -> Fail:
    def fail(why: str) -> NoReturn:
        raise FileError(path, f"{where}{why}")

    return fail


def kind_of(value: object) -> str:
    kinds = {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "an array"}
    return kinds.get(type(value), "a table" if isinstance(value, dict) else type(value).__name__)


def short(text: object) -> str:
    return str(text) if len(str(text)) <= 60 else str(text)[:57] + "..."


def _item(value: Any) -> Any:
    """A value for tomlkit, a table inline."""
    if not isinstance(value, Mapping):
        return value
    inline = tomlkit.inline_table()
    inline.update(value)
    return inline


def _toml_line(key: str, value: Any) -> str:
    doc = tomlkit.document()
    doc.add(key, _item(value))
    return tomlkit.dumps(doc).strip()


@lru_cache(maxsize=4096)  # a file repeats its markers and specifiers: each is parsed once
def _normal(text: str, marker: bool) -> str | None:
    """packaging's form of a marker, or of what follows a requirement's name; None if pip refuses it."""
    try:
        return str(Marker(text)) if marker else str(Requirement("x" + text))[1:]
    except (InvalidMarker, InvalidRequirement):
        return None


def checked_marker(text: str, fail: Fail) -> str:
    normal = _normal(text, True)
    return fail(f"has markers pip refuses: '{short(text)}'") if normal is None else normal


def pipenv_markers(entry: Mapping[str, Any], fail: Fail) -> str:
    """The marker pipenv gives an entry. translate_markers: ``markers`` unless it names an
    extra, and each marker key, sorted and joined with ``and`` (without parentheses, as
    pipenv does); then the ``os_name`` key, which translate_markers skips and pipenv's
    locker adds to the locked entry (resolver/schema.py ``_merge_markers``)."""
    found = {checked_marker(f"{k} {entry[k]}", fail) for k in MARKER_KEYS - {"os_name"} if k in entry}
    written = entry.get("markers")
    if written and not isinstance(written, str):
        fail(f"'markers' must be a string, not {kind_of(written)}")
    if written and "extra" not in checked_marker(written, fail):
        found.add(checked_marker(written, fail))
    text = checked_marker(" and ".join(sorted(found)), fail).replace('"', "'") if found else ""
    if "os_name" in entry:
        os_name = f"os_name {entry['os_name']}"
        text = os_name if not text else text if os_name in text else f"({text}) and ({os_name})"
    return checked_marker(text, fail) if text else ""


def pipenv_source(raw: object, where: str, fail: Fail) -> dict[str, Any]:
    """A [[source]] completed as pipenv's ``populate_source`` completes it, with plette's types."""
    if not isinstance(raw, Mapping):
        fail(f"{where} must be a table, not {kind_of(raw)}")
    url, name, verify = raw.get("url"), raw.get("name"), raw.get("verify_ssl")
    if not isinstance(url, str):
        fail(f"{where} needs a 'url' string")
    if name is None:  # pipenv names it after the host (plette's own check would refuse it)
        name = urlsplit(url).hostname or unquote(urlsplit(url).path.rstrip("/")).rpartition("/")[2]
    if not isinstance(name, str) or not isinstance(verify, (bool, type(None))):
        fail(f"{where}: 'name' must be a string and 'verify_ssl' true or false")
    return {**raw, "name": name, "url": url, "verify_ssl": "https://" in url if verify is None else verify}


def read_sources(raw: object, path: str, where: str) -> tuple[tuple[Source, ...], str]:
    """Every source but PyPI (the first replaces PyPI: pip's --index-url; the others are
    searched too), and the name of the first: the index packages come from by default."""
    if not isinstance(raw, list):
        raise FileError(path, f"{where} must be an array of tables, not {kind_of(raw)}")
    found = [pipenv_source(item, f"{where} {n}", failing(path)) for n, item in enumerate(raw, 1)] or [
        PYPI_SOURCE
    ]
    return tuple(
        Source(s["name"], s["url"], n == 0, f"{path} {where} {s['name']}", s["verify_ssl"])
        for n, s in enumerate(found)
        if not PYPI.match(s["url"])
    ), found[0]["name"]


def is_root(files: ProjectFiles, location: str) -> bool:
    location = unquote(urlsplit(location).path) if location.startswith("file:") else location
    try:
        return location in (".", "./", "") or (files.root / location).resolve() == files.root
    except (OSError, RuntimeError, ValueError):
        return False


def is_local_checkout(files: ProjectFiles, url: str) -> bool:
    """A VCS "URL" that is a checkout on disk (pipenv's ``is_editable_path``)."""
    return url.startswith((".", "/", "~")) or files.is_dir(url)


def with_vcs(vcs: str, url: str) -> str:
    return url if f"{vcs}+" in url else f"{vcs}+{url}"


def pipfile_entry(
    files: ProjectFiles, path: str, table: str, name: str, value: object, default_index: str = "pypi"
) -> tuple[Req | SelfInstall | None, list[Note]]:
    """One entry of a package table as pipenv installs it: a requirement, the project
    itself, or a note (a local path, pip options); ``FileError`` where pipenv refuses it.
    An ``index`` naming the first source (``default_index``) is the default index ("")."""
    group, origin = group_of(table), f"{path} [{table}] {name}"
    fail = failing(path, f"[{short(table)}] {short(name)}: ")

    def req(tail: str, **kw: Any) -> Req:
        normal = _normal(tail, False) if NAME.fullmatch(name) else None
        if normal is None:
            fail(f"pipenv makes '{short(name + tail)}' of it, which pip refuses")
        return Req(name + normal, origin, **kw)

    if isinstance(value, str):
        return req("" if value == "*" else ("" if COMPARE_OP.match(value) else "==") + value), []
    if not isinstance(value, dict):
        fail(f"must be a version string or a table, not {kind_of(value)}")
    if set(value) - KNOWN_KEYS:
        fail(f"pipenv does not know the key(s) {short(', '.join(sorted(set(value) - KNOWN_KEYS)))}")
    for key, kind in TYPES.items():
        if key in value and not isinstance(value[key], kind):
            fail(f"'{key}' must be {kind_of(kind())}, not {kind_of(value[key])}")
        if kind is list and not all(isinstance(item, str) for item in value.get(key, ())):
            fail(f"'{key}' must be an array of strings")
    notes = [Note(origin, _toml_line(k, value[k]), kind, group) for k, kind in CARRIED.items() if k in value]
    markers, editable = pipenv_markers(value, fail), bool(value.get("editable"))
    extras = f"[{','.join(value['extras'])}]" if "extras" in value else ""
    when = f"; {markers}" if markers else ""
    url_when = f" ; {markers}" if markers else ""  # pip splits "url; marker" itself: packaging needs " ;"
    vcs = next((v for v in VCS if v in value), None)
    location = value.get("file", value.get("path"))
    if vcs is not None:
        url, ref = value[vcs].split("#egg=")[0], f"@{value['ref']}" if value.get("ref") else ""
        sub = f"#subdirectory={value['subdirectory']}" if "subdirectory" in value else ""
        if is_local_checkout(files, url):
            return None, [*notes, Note(origin, f"-e {with_vcs(vcs, url)}{ref}#egg={name}", "local", group)]
        if "file://" in url:  # pipenv's legacy "-e vcs+file://...#egg=" line: editable, no markers
            return req(f"{extras} @ {with_vcs(vcs, url)}{ref}{sub}", editable=True), notes
        return req(f"{extras} @ {with_vcs(vcs, url)}{ref}{sub}{url_when}", editable=editable), notes
    if location is not None and is_root(files, location):
        extra_names = frozenset(canonicalize_name(e) for e in value.get("extras", ()))
        return SelfInstall(extra_names, editable, origin), notes
    if location is not None and location.startswith(URLS):
        return req(f"{extras} @ {location}{url_when}"), notes
    if location is not None:
        return None, [*notes, Note(origin, f"{'-e ' * editable}{location}{extras}{when}", "local", group)]
    version = value.get("version") or "*"
    spec = "" if version == "*" else version if COMPARE_OP.match(version) else f"=={version}"
    index = "" if value.get("index") == default_index else value.get("index", "")
    return req(f"{extras}{spec}{when}", hashes=tuple(sorted(value.get("hashes", ()))), index=index), notes


def _table_notes(path: str, table: str, body: dict[str, Any], fail: Fail) -> list[Note]:
    """[scripts] commands and the settings of [pipenv] (and of [build-system], [pipfile])."""
    if table == "scripts":
        bad = [k for k, v in body.items() if not v or not isinstance(v, (str, list, dict))]
        if bad:
            fail(f"[scripts] {short(bad[0])} must be a command: a string, an array or a table")
        return [Note(f"{path} [scripts] {k}", _toml_line(k, v), "script") for k, v in body.items()]
    if table == SETTINGS and not isinstance(body.get("allow_prereleases", False), bool):
        fail("[pipenv] allow_prereleases must be true or false")
    if table == SETTINGS and not re.match(r"^\d+d$", str(body.get("cool-down-period", "0d"))):
        fail("[pipenv] cool-down-period must be a number of days such as '30d'")
    prefix = "" if table == SETTINGS else f"[{table}] "  # shown, not written back: see _add_note
    return [Note(f"{path} [{table}] {k}", prefix + _toml_line(k, v), "setting") for k, v in body.items()]


class PipfileFormat(DependencyFormat):
    name = "pipfile"
    summary = "pipenv's Pipfile: [packages], [dev-packages], categories, [[source]], [requires]"
    patterns = ("Pipfile",)

    def read(self, files: ProjectFiles, path: str) -> Declared:
        data, fail = files.toml(path), failing(path)
        sources, default_index = read_sources(data.get("source", []), path, "[[source]]")
        groups: dict[str, Group] = {DEFAULT: Group(DEFAULT, file=path)}
        notes: list[Note] = []
        python = ""
        for table, body in data.items():
            if table in ("sources", "default", "develop"):  # plette's hash breaks, or collides, on them
                fail(f"has a [{table}] table: pipenv cannot lock it (write [[source]] or another name)")
            if not isinstance(body, dict) and table != "source":
                fail(f"has '{short(table)}' = {kind_of(body)}, where pipenv expects a table")
            if table == "requires":
                versions = [body.get(k, "") for k in ("python_full_version", "python_version")]
                if not all(isinstance(v, str) for v in versions):
                    fail("[requires] python_version and python_full_version must be strings")
                python = "" if (versions[0] or versions[1]) == "*" else versions[0] or versions[1]
            elif table in RESERVED - {"source", "requires"}:
                notes += _table_notes(path, table, body, fail)
            elif table != "source":
                name, reqs, self_install = group_of(table), list[Req](), None
                for key, value in body.items():
                    found, carried = pipfile_entry(files, path, table, key, value, default_index)
                    notes += carried
                    reqs += [found] if isinstance(found, Req) else []
                    self_install = found if isinstance(found, SelfInstall) else self_install
                old = groups.get(name, Group(name))
                includes = (DEFAULT,) if name == "dev" else ()  # pipenv install --dev installs both
                groups[name] = Group(
                    name, old.requirements + tuple(reqs), includes, self_install or old.self_install, path
                )
        kept = tuple(g for g in groups.values() if g.name == DEFAULT or g.requirements or g.self_install)
        return Declared(kept, sources=sources, notes=tuple(notes), python=python, files=(path,))

    def render(self, existing: str | None, path: str, part: Declared, options: RenderOptions) -> str:
        return render_pipfile(existing, part, options)


def pipenv_quotes(marker: str) -> str:
    """A marker as pipenv writes one, in single quotes (unless a value holds one)."""
    return marker if "'" in marker else marker.replace('"', "'")


# ---- writing a Pipfile -------------------------------------------------------------------
def pipfile_value(req: Req) -> str | dict[str, Any]:
    """A requirement in pipenv's shortest Pipfile form: "*", "==1.2" or an inline table."""
    parsed = req.parsed
    vcs, url, ref, sub = split_vcs(parsed.url or "")
    value: dict[str, Any] = {vcs: url} if vcs else {"file": parsed.url} if parsed.url else {}
    value.update({"ref": ref} if ref else {})
    value.update({"subdirectory": sub} if sub else {})
    value.update({"editable": True} if vcs and req.editable else {})
    if not parsed.url and not (parsed.extras or parsed.marker or req.index):
        return str(parsed.specifier) or "*"
    value.update({} if parsed.url else {"version": str(parsed.specifier) or "*"})
    value.update({"extras": sorted(parsed.extras)} if parsed.extras else {})
    value.update({"markers": pipenv_quotes(str(parsed.marker))} if parsed.marker else {})
    return {**value, "index": req.index} if req.index else value


def source_dict(source: Source) -> dict[str, Any]:
    return {
        "url": source.url,
        "verify_ssl": source.verify_ssl,
        "name": source.name or urlsplit(source.url).hostname,
    }


def _source_table(source: Mapping[str, Any]) -> Any:
    table = tomlkit.table()
    for key in ("url", "verify_ssl", "name"):
        table.add(key, source[key])
    return table


def _add_sources(doc: Any, sources: tuple[Source, ...]) -> str:
    """Add the [[source]] entries the file lacks (by URL or name), a default one first.
    Returns the text to put before a file that has none (pipenv's PyPI first, unless a
    default source replaces it)."""
    have = doc.get("source")
    known = {str(s.get(k, "")).rstrip("/") for s in have or () for k in ("url", "name")}
    ordered = sorted(sources, key=lambda s: not s.default)
    missing = [s for s in ordered if s.url.rstrip("/") not in known and s.name not in known]
    if missing and have is None:
        block = [] if missing[0].default else [PYPI_SOURCE]
        return "".join(
            f"[[source]]\n{tomlkit.dumps(_source_table(s))}\n" for s in [*block, *map(source_dict, missing)]
        )
    for n, source in enumerate(missing):
        table = _source_table(source_dict(source))
        table.add(tomlkit.nl())
        if source.default:  # the first source is pip's --index-url
            have.insert(n, table)
        else:
            have.append(table)
    return ""


def _add_note(doc: Any, note: Note) -> None:
    """A [scripts] command or a [pipenv] setting the file lacks; pip's ``--pre`` is pipenv's
    ``allow_prereleases``. A setting of another table ("[build-system] requires = [...]")
    is not written: plette refuses a Pipfile with it."""
    text = "allow_prereleases = true" if note.kind == "option" and note.text.strip() == "--pre" else note.text
    if (note.kind not in ("script", "setting") and text == note.text) or text.startswith("["):
        return
    table = "scripts" if note.kind == "script" else SETTINGS
    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return  # not a TOML line: nothing pipenv could read
    if values and table not in doc:
        doc.add(table, tomlkit.table())
    for key, value in values.items():
        if key not in doc[table]:
            doc[table].add(key, _item(value))


def render_pipfile(existing: str | None, part: Declared, options: RenderOptions) -> str:
    """The Pipfile with ``part`` added: every existing line kept, only what a table lacks added."""
    python = options.python or part.python
    python = python if re.fullmatch(r"\d+\.\d+(\.\d+)?", python) else ""
    if existing is None:  # as ``pipenv install`` creates it, with the default source
        first = next((source_dict(s) for s in part.sources if s.default), PYPI_SOURCE)
        existing = NEW_PIPFILE.format(**{k: tomlkit.item(v).as_string() for k, v in first.items()})
    doc = tomlkit.parse(existing)
    prepend = _add_sources(doc, part.sources)
    tables = {_group_name(k): k for k in doc if k not in RESERVED and group_of(k) not in TABLES}
    for group in part.groups:
        name = TABLES.get(group.name) or tables.get(group.name, group.name)
        table = doc[name] if name in doc else doc.add(name, tomlkit.table())[name]
        present = {canonicalize_name(k) for k in table}
        for req in group.requirements:  # a second requirement for a name is more than a Pipfile says
            if req.name not in present:
                present.add(canonicalize_name(req.name))
                table.add(req.parsed.name, _item(pipfile_value(req)))
        own = any(isinstance(v, dict) and v.get("path", v.get("file")) in (".", "./") for v in table.values())
        if group.self_install and not own and canonicalize_name(options.project_name) not in present:
            value = {"path": ".", "editable": True} if group.self_install.editable else {"path": "."}
            extras = sorted(group.self_install.extras)
            table.add(options.project_name, _item({**value, "extras": extras} if extras else value))
    if python and not {"python_version", "python_full_version"} & set(doc.get("requires", {})):
        requires = doc["requires"] if "requires" in doc else doc.add("requires", tomlkit.table())["requires"]
        requires.add("python_version", ".".join(python.split(".")[:2]))
        if python.count(".") == 2 and options.python:  # as pipenv records a full version it is given
            requires.add("python_full_version", python)
    for note in part.notes:
        _add_note(doc, note)
    text = prepend + tomlkit.dumps(doc)
    return re.sub(r"(?<!\r)\n", "\r\n", text) if "\r\n" in existing else text
