"""Carrying a project's groups into another tool's files, in a folder that is a copy:
write the layout the new tool gives (``EnvTool.layout``), remove the old tool's files,
read the result back with the new tool's own semantics, and compare (the ledger).

Nothing here touches the user's project: ``pickenv.existing.switch`` runs it in a
scratch clone and moves the result over only when the ledger allows it, so a dry run
and the real run are one code path.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from pickenv.errors import Fix, ProjectError
from pickenv.existing.ledger import Ledger, compare
from pickenv.formats.base import RenderOptions
from pickenv.formats.files import ProjectFiles
from pickenv.formats.model import DEFAULT, Declared, Group, Package, Pin, Req
from pickenv.tools.base import EnvTool, ToolContext
from pickenv.tools.homes import Home, Layout, as_extras


@dataclass(frozen=True)
class Carried:
    ledger: Ledger
    old: Declared  # the old tool's files, read with its semantics
    new: Declared  # the new tool's files, read back the same way
    written: tuple[str, ...]  # files pickenv wrote (created or changed)
    removed: tuple[str, ...]  # the old tool's files that went
    package: Package  # the project's metadata after the switch (the same, unless an application got one)
    layout: Layout  # where the new tool took each group


def carry(
    folder: Path,
    old_tool: EnvTool,
    target: EnvTool,
    old: Declared,
    package: Package,
    options: RenderOptions,
    *,
    tool_ctx: ToolContext,
    template: bool = False,
) -> Carried:
    """Write ``old``'s groups into ``target``'s files in ``folder``. ``template``: the
    project's template was rendered for the new tool there already; the files it wrote
    only get what they lack."""
    from pickenv.formats.package import read_package

    # a template's render may have moved development sets between groups and extras:
    # the layout follows the rendered metadata (the ledger still compares with the old)
    rendered_package = read_package(ProjectFiles(folder)) if template else package
    layout = target.layout(rendered_package, as_extras(old, rendered_package) if template else old)
    if layout.refusal:
        fixes = [layout.fix] if layout.fix is not None else []
        raise ProjectError(f"{target.name} cannot take this project: {layout.refusal}", fixes=fixes)
    rendered = frozenset(h.path for h in layout.homes if template and (folder / h.path).is_file())
    # a lock that records its manifest's hash (Pipfile.lock) is written once the manifest is whole
    first = [h for h in layout.homes if not h.companion]
    written = _write_homes(folder, first, old, rendered, replace(options, group_files=layout.group_files))
    removed = _remove_old(folder, old, old_tool, target, layout, rendered)
    new_package = read_package(ProjectFiles(folder))
    new = target.read_environment(ProjectFiles(folder), new_package)
    written += _fill(folder, old, new, package, new_package, layout, options)
    last = [h for h in layout.homes if h.companion]
    written += _write_homes(folder, last, old, rendered, replace(options, group_files=layout.group_files))
    why = ""
    if any(old.locks.values()) and not any(h.part.locks for h in layout.homes):
        # a tool that writes its lock itself (uv): at the old lock's versions
        why = target.lock_pins(folder, _all_pins(old), tool_ctx)
        written += [] if why else [p for p in target.lock_files(True) if (folder / p).is_file()]
    new = target.read_environment(ProjectFiles(folder), new_package)
    ledger = _renamed(compare(old, new, package, new_package, layout.group_map), layout, new)
    if why:
        ledger = _lock_why(ledger, why)
    return Carried(ledger, old, new, tuple(dict.fromkeys(written)), removed, new_package, layout)


def _write_homes(
    folder: Path, homes: list[Home], old: Declared, rendered: frozenset[str], options: RenderOptions
) -> list[str]:
    """Write each home; the paths whose text changed."""
    written = []
    for home in homes:
        if home.path in rendered:
            continue  # the template's version of the file; the fill adds what it lacks
        if home.path in old.lock_files and (folder / home.path).is_file():
            continue  # a lock both tools read (pip-tools' between venv and virtualenv) stays as it is
        before = _read(folder / home.path)
        # the Python the old files ask for (">=3.12") where no one version is the target
        home = replace(home, part=replace(home.part, python=home.part.python or old.python))
        if _render(folder, home, options) != before:
            written.append(home.path)
    return written


def _render(folder: Path, home: Home, options: RenderOptions) -> str:
    from pickenv.formats import get_format

    path = _inside(folder, home.path)
    existing = _read(path)
    if home.companion:
        options = replace(options, companion=_read(_inside(folder, home.companion)) or "")
    text = get_format(home.format).render(existing, home.path, home.part, options)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))  # the format kept the file's own line endings
    return text


def _inside(folder: Path, relative: str) -> Path:
    """A path the switch may write: in the project, and not through a symlink (which
    could lead anywhere, and whose target git would not show changed)."""
    path = folder / relative
    for parent in (path, *path.parents):
        if parent == folder:
            break
        if parent.is_symlink():
            raise ProjectError(
                f"{relative} is a symlink; pickenv writes only the project's own files",
                fixes=[Fix.FIX_FILE],
                facts={"file": relative},
            )
    return path


def _read(path: Path) -> str | None:
    if not path.is_file():
        return None
    return path.read_bytes().decode("utf-8")


def _remove_old(
    folder: Path, old: Declared, old_tool: EnvTool, target: EnvTool, layout: Layout, rendered: frozenset[str]
) -> tuple[str, ...]:
    """The old tool's files that the new one does not use (a template's render may have
    removed them already), and its own table of pyproject.toml."""
    keep = set(layout.paths) | set(rendered) | {"pyproject.toml"}
    removed = []
    for name in sorted(set(old.files) | set(old.lock_files)):
        if name in keep:
            continue
        path = _inside(folder, name)
        if path.is_file():
            path.unlink()
        removed.append(name)
        _prune(folder, path.parent)
    table = old_tool.settings_table
    pyproject = folder / "pyproject.toml"
    if table and table != target.settings_table and pyproject.is_file():
        from pickenv.formats.pyproject import without_table

        text = pyproject.read_bytes().decode("utf-8")
        stripped = without_table(text, table)
        if stripped != text:
            _inside(folder, "pyproject.toml").write_bytes(stripped.encode("utf-8"))
            removed.append(f"pyproject.toml [{table}]")
    return tuple(removed)


def _prune(folder: Path, path: Path) -> None:
    """Remove folders the removals emptied (requirements/), never the project's."""
    while path != folder and folder in path.parents:
        try:
            path.rmdir()
        except OSError:
            return
        path = path.parent


def _fill(
    folder: Path,
    old: Declared,
    new: Declared,
    package: Package,
    new_package: Package,
    layout: Layout,
    options: RenderOptions,
) -> list[str]:
    """Add to the home of each group what its environment lost: what a template's render
    did not bring (a package the user added to a file the new tool does not read, a
    package of the dev extra where the new tool installs the project without it). A
    package the new files name with another requirement is left for the ledger."""
    from pickenv.formats.environments import effective

    fragments = {i for g in old.groups for i in g.includes} - {g for g in layout.group_map} - {DEFAULT, "dev"}
    written = []
    for group in old.groups:
        target = layout.group_map.get(group.name, group.name)
        home = next((h for h in layout.homes if h.part.group(target) is not None), None)
        if home is None or (group.name in fragments and new.group(target) is None):
            continue
        theirs = effective(new, target, new_package)
        present = {str(a.requirement) for a in theirs if a.requirement is not None}
        names = {a.requirement.name.lower() for a in theirs if a.requirement is not None}
        # what the group's environment installed: its own, its includes', its extras'
        wanted = [a.source for a in effective(old, group.name, package) if isinstance(a.source, Req)]
        missing = [r for r in wanted if str(r.parsed) not in present and r.parsed.name.lower() not in names]
        if not missing:
            continue
        part = Declared((Group(target, tuple(dict.fromkeys(missing))),))
        _render(folder, replace(home, part=part), replace(options, group_files=layout.group_files))
        written.append(home.path)
    return written


def _all_pins(old: Declared) -> tuple[Pin, ...]:
    """Every group's locked environment, the default group's first."""
    from pickenv.tools.homes import ordered, pins_of

    names = [g.name for g in ordered(old)] + [n for n in old.locks if old.group(n) is None]
    return tuple(pin for name in dict.fromkeys(names) for pin in pins_of(old, name))


def _lock_why(ledger: Ledger, why: str) -> Ledger:
    """Pins lost because the new tool's lock could not be written say why."""
    entries = tuple(
        replace(e, why=f"{e.why}: {why}") if e.what == "pin" and e.status == "lost" else e
        for e in ledger.entries
    )
    return Ledger(entries, ledger.groups)


def _renamed(ledger: Ledger, layout: Layout, new: Declared) -> Ledger:
    """Notes the new files say in their own words (``--pre`` as pipenv's
    ``allow_prereleases``) count as carried where the new files say them."""
    if not layout.renamed_notes:
        return ledger
    said = {(n.kind, n.text) for n in new.notes}
    entries = []
    for entry in ledger.entries:
        if entry.what == "note" and entry.status == "lost":
            found = next((to for (_, text), to in layout.renamed_notes.items() if text == entry.text), None)
            if found is not None and found in said:
                entry = replace(entry, status="carried", where=found[1], why="")
        entries.append(entry)
    return Ledger(tuple(entries), ledger.groups)
