"""Carrying a project's packages from one tool's files to another's (``pickenv
switch``): which files are the old tool's, what they declare, what the new tool's
files install, and writing in what they lack. What each tool's files are is the
registry's to say (``EnvTool.files``, ``dependency_homes``); the formats are read and
written by ``project.deps``, ``project.manifests`` and ``project.depfiles``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pickenv.project.depfiles import Skeleton, read_file, write
from pickenv.project.deps import Dependencies, Dependency, load_toml, unique
from pickenv.project.detect import Detection
from pickenv.tools.base import EnvTool


def has_table(project: Path) -> bool:
    """pyproject.toml has a [project] table (PEP 621), which can take dependencies."""
    pyproject = project / "pyproject.toml"
    return pyproject.is_file() and bool(load_toml(pyproject).get("project"))


def old_files(found: Detection, old: EnvTool) -> set[str]:
    """The old tool's files in the project: its evidence (not the answers file) and
    the files the tool declares."""
    files = {
        e.path
        for e in found.evidence
        if e.tool == found.tool and e.strength == "strong" and not e.path.startswith(".copier-answers")
    }
    files |= {f for f in (*old.files(False), *old.lock_files(True), *old.lock_files(False))}
    return {f for f in files if "/" not in f and (found.path / f).is_file()}


def read_old(project: Path, going: set[str], old: EnvTool, target: EnvTool) -> Dependencies:
    """Every package the files that go away declare. pyproject.toml stays; only its
    dev list moves when the new tool reads another one (an extra or a group)."""
    found = Dependencies(())
    for name in sorted(going, key=lambda n: n != "requirements.txt"):
        if name in old.lock_files(True) + old.lock_files(False) and name not in old.files(False):
            continue  # a lock file repeats its manifest: the new tool locks again
        # requirements.txt is what the project runs with; other requirements files are
        # development (Pipfile and environment.yml say it themselves)
        found += read_file(project, name, "runtime" if name == "requirements.txt" else "dev", "extra")
    if old.dev_dependencies != target.dev_dependencies and (project / "pyproject.toml").is_file():
        dev = read_file(project, "pyproject.toml", "dev", old.dev_dependencies)
        found += Dependencies(tuple(d for d in dev.items if d.group == "dev"))
    return Dependencies(unique(found.items), found.leftovers, found.project_extras)


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
        reads_it = any("pyproject.toml" in names for names in homes.values())
        extras = found.project_extras
        if reads_it or extras is not None:
            listed = read_file(project, "pyproject.toml", "runtime", target.dev_dependencies)
            dev_too = (
                "pyproject.toml" in homes["dev"]
                or target.dev_dependencies == "group"
                or "dev" in (extras or frozenset())
            )
            found += Dependencies(tuple(d for d in listed.items if d.group == "runtime" or dev_too))
    return found


def write_missing(
    project: Path,
    items: Sequence[Dependency],
    target: EnvTool,
    locked: bool,
    skeleton: Skeleton,
    template: bool,
) -> list[tuple[str, Dependency]]:
    """Write each package the new tool's files do not declare yet into its home files.
    A file that does not exist is started (a template's render brings its own)."""
    written: list[tuple[str, Dependency]] = []
    for group in ("runtime", "dev"):
        present = declared(project, target, locked)
        have = present.names("runtime") if group == "runtime" else present.names()
        todo = [d for d in items if d.group == group and d.name not in have]
        homes = target.dependency_homes(locked)[group]
        for name in homes:
            if not todo and template:
                continue  # a template's render brings the files it wants; nothing to add
            if name == "pyproject.toml" and len(homes) > 1 and not has_table(project):
                continue  # pyproject.toml is a second home, for projects with a [project] table
            write(project, name, group, todo, skeleton)
            written += [(name, d) for d in todo]
    return written
