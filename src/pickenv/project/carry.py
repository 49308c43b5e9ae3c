"""Carrying a project's packages from one tool's files to another's (``pickenv
switch``): which files are the old tool's, what they declare, what the new tool's
files install, and writing in what they lack. What each tool's files are is the
registry's to say (``EnvTool.files``, ``dependency_homes``); the formats are read and
written by ``project.deps``, ``project.manifests`` and ``project.depfiles``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pickenv.project.depfiles import Skeleton, read_file, readable, write
from pickenv.project.deps import (
    Dependencies,
    Dependency,
    Leftover,
    has_project_table,
    load_toml,
    requirements_group,
    unique,
)
from pickenv.project.detect import Detection
from pickenv.tools.base import EnvTool


def old_files(found: Detection, old: EnvTool) -> set[str]:
    """The old tool's files in the project: its evidence (not the answers file) and
    the files the tool declares."""
    files = {
        e.path
        for e in found.evidence
        if e.tool == found.tool and e.strength == "strong" and not e.path.startswith(".copier-answers")
    }
    files |= {f for f in (*old.files(False), *old.lock_files(True), *old.lock_files(False))}
    # dependency files and lock files only: a Python 2.7 setup.py is evidence too
    return {f for f in files if "/" not in f and (readable(f) or "lock" in f) and (found.path / f).is_file()}


def read_old(
    project: Path, files: set[str], old: EnvTool, target: EnvTool, *, pyproject: bool = True
) -> Dependencies:
    """Every package the project declares: the old tool's files, and pyproject.toml,
    which stays but whose lists the new tool may not install (pipenv installs the
    project without its dev extra; uv reads a dev group, pip an extra), with the
    extras the old files install the project with."""
    found = Dependencies(())
    for name in sorted(files, key=lambda n: n != "requirements.txt"):  # runtime first
        if not readable(name):
            continue  # a lock file repeats its manifest: the new tool locks again
        # Pipfile and environment.yml say which packages are dev themselves
        found += read_file(project, name, requirements_group(name), "extra")
    if pyproject and (project / "pyproject.toml").is_file():
        extras = found.project_extras or frozenset()
        found += read_file(project, "pyproject.toml", "runtime", "both", extras)
        found += _settings(project, old, target)
    leftovers = tuple(dict.fromkeys(found.leftovers))  # a file included twice says it once
    return Dependencies(unique(found.items), leftovers, found.project_extras)


def _settings(project: Path, old: EnvTool, target: EnvTool) -> Dependencies:
    """Where packages come from, in a table of pyproject.toml only the old tool reads
    (uv's sources and indexes): the new tool would take them from PyPI."""
    if not old.settings_table or old.settings_table == target.settings_table:
        return Dependencies(())
    table: object = load_toml(project / "pyproject.toml")
    for key in old.settings_table.split("."):
        table = table.get(key, {}) if isinstance(table, dict) else {}
    leftovers = []
    for key in ("sources", "index"):
        entries = table.get(key) if isinstance(table, dict) else None
        if entries:
            names = ", ".join(entries) if isinstance(entries, dict) else f"{len(entries)} entries"
            why = f"{old.name}'s own setting: {target.name} would take these packages from PyPI"
            leftovers.append(Leftover(f"pyproject.toml [{old.settings_table}.{key}]", names, why))
    return Dependencies((), tuple(leftovers))


def declared(project: Path, target: EnvTool, locked: bool) -> Dependencies:
    """What the new tool installs: its files, and pyproject.toml's lists where the
    files install the project (with its dev extra) or the tool reads them itself."""
    homes = target.dependency_homes(locked)
    found = Dependencies(())
    for group, names in homes.items():
        for name in names:
            if name != "pyproject.toml":
                found += read_file(project, name, "runtime" if group == "runtime" else "dev", "extra")
    pyproject = project / "pyproject.toml"
    if pyproject.is_file():
        extras = found.project_extras
        listed = read_file(
            project, "pyproject.toml", "runtime", target.dev_dependencies, extras or frozenset()
        )
        # its [project] dependencies: where the tool reads them or the files install
        # the project; its dev list: where the tool reads it itself (uv, pip-compile)
        # or the files install the project with its dev extra
        runtime = "pyproject.toml" in homes["runtime"] or extras is not None
        dev = homes["dev"] == ("pyproject.toml",) or (
            target.dev_dependencies == "extra" and bool(extras and extras - {""})
        )
        found += Dependencies(
            tuple(d for d in listed.items if (d.group == "runtime" and runtime) or (d.group == "dev" and dev))
        )
    return found


def write_missing(
    project: Path,
    items: Sequence[Dependency],
    target: EnvTool,
    locked: bool,
    skeleton: Skeleton,
    template: bool,
) -> tuple[list[tuple[str, Dependency]], list[Leftover]]:
    """Write each package the new tool's files do not declare yet into its home files
    (a file that does not exist is started; a template's render brings its own). A
    package they declare with another requirement (a looser pin) is left as they say
    it, and reported."""
    written: list[tuple[str, Dependency]] = []
    leftovers: list[Leftover] = []
    homes_of = target.dependency_homes(locked)
    if not template:  # start the files first: what they install decides what is missing
        for kind in ("runtime", "dev"):
            for name in homes_of[kind]:
                if name != "pyproject.toml" and not (project / name).exists():
                    write(project, name, kind, [], skeleton)
    for group in ("runtime", "dev"):
        present = {d.name: d for d in declared(project, target, locked).items}
        if group == "runtime":
            present = {n: d for n, d in present.items() if d.group == "runtime"}
        mine = [d for d in items if d.group == group]
        leftovers += [
            Leftover(d.origin, d.requirement, f"the new files ask for {present[d.name].requirement} instead")
            for d in mine
            if d.name in present and _differs(d, present[d.name])
        ]
        homes = homes_of[group]
        # One home: what the tool installs decides what is missing. Several (pip's
        # requirements.txt and pyproject.toml, whose dev install reads only the latter;
        # conda's environment.yml and the pyproject.toml that says what is dev): each
        # file gets every package of its group it does not name.
        todo = mine if len(homes) > 1 else [d for d in mine if d.name not in present]
        for name in homes:
            if name == "pyproject.toml" and len(homes) > 1 and not has_project_table(project):
                if group == "dev" and todo:
                    why = (
                        "has no dev section, and no pyproject.toml says which are dev: "
                        f"{len(todo)} dev packages are installed like the others"
                    )
                    leftovers.append(Leftover(homes[0], "", why))
                continue  # pyproject.toml is a second home, for projects with a [project] table
            if not todo and template:
                continue  # a template's render brings the files it wants; nothing to add
            written += [(name, d) for d in write(project, name, group, todo, skeleton)]
    return written, leftovers


def _differs(carried: Dependency, present: Dependency) -> bool:
    """The carried requirement says more than the declared one (a pin, extras, a URL)."""
    a, b = carried.parsed, present.parsed
    if a.url and a.url != b.url:
        return True
    return bool((a.specifier and str(a.specifier) != str(b.specifier)) or (a.extras - b.extras))
