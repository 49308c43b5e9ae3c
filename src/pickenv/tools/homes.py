"""Where each tool keeps a project's dependencies, and how it reads them: the homes
``pickenv switch`` writes a project's groups into, per tool family.

A tool's files are read by the formats (``pickenv.formats``); what a tool adds to
what the files say is its *semantics*: pipenv installs ``[packages]`` with its dev
packages, uv installs the project (or, for an application, its ``[project]``
dependencies) with every group. A *layout* is the other way round: which file of the
new tool takes each group of the old files, so that every group's environment stays
what it was. What a layout cannot place is left out on purpose: the switch reads the
written files back and the ledger (``pickenv.existing.ledger``) shows it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from pickenv.errors import Fix
from pickenv.formats.model import DEFAULT, DEV_EXTRAS, Declared, Group, Note, Package, Pin, Req, SelfInstall


@dataclass(frozen=True)
class Home:
    """One file the switch writes."""

    path: str
    format: str  # the format's registry name
    part: Declared  # what goes into it
    companion: str = ""  # a home written first whose text this one records (Pipfile.lock's Pipfile)


@dataclass(frozen=True)
class Layout:
    homes: tuple[Home, ...] = ()
    # The new group that installs each old group's environment (identity when absent).
    group_map: Mapping[str, str] = field(default_factory=dict)
    # Notes the new files say in their own words: (kind, text) of the old -> of the new.
    renamed_notes: Mapping[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    refusal: str = ""  # why the tool cannot take this project ("" when it can)
    fix: Fix | None = None  # what would let it
    group_files: Mapping[str, str] = field(default_factory=dict)  # group -> the file that declares it
    # What creating the development environment installs, where it is not the tool's
    # usual file (``ToolContext.install``), and whether pip installs the project after it.
    install: tuple[str, ...] = ()
    install_project: bool = False

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(h.path for h in self.homes)


# ---- flattening ---------------------------------------------------------------------------
def flatten(declared: Declared, name: str, *, skip: frozenset[str] = frozenset()) -> Group:
    """Group ``name`` with the requirements of every group it includes (except ``skip``)
    written into it: for files that cannot include one another."""
    group = declared.group(name) or Group(name)
    requirements: list[Req] = []
    install: SelfInstall | None = None
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop(0)
        if current in seen or (current in skip and current != name):
            continue
        seen.add(current)
        part = declared.group(current)
        if part is None:
            continue
        requirements += [r for r in part.requirements if not any(r.same(o) for o in requirements)]
        install = _union(install, part.self_install)
        todo += list(part.includes)
    kept = tuple(i for i in group.includes if i in skip)
    return Group(name, tuple(requirements), kept, install, group.file)


def _union(a: SelfInstall | None, b: SelfInstall | None) -> SelfInstall | None:
    if a is None or b is None:
        return a or b
    return SelfInstall(a.extras | b.extras, a.editable or b.editable, a.origin or b.origin)


def notes_of(declared: Declared, group: str, kinds: frozenset[str]) -> tuple[Note, ...]:
    return tuple(n for n in declared.notes if n.group == group and n.kind in kinds)


def ordered(declared: Declared, *, folded: bool = False) -> tuple[Group, ...]:
    """The default group first, then dev, then the rest by name; ``folded``: without the
    fragments, whose requirements the groups that include them carry."""
    skip = fragments(declared) if folded else frozenset()
    groups = [g for g in declared.groups if g.name not in skip]
    return tuple(sorted(groups, key=lambda g: (g.name != DEFAULT, g.name != "dev", g.name)))


def fragments(declared: Declared) -> frozenset[str]:
    """Groups that other groups include (requirements/base.txt, included by
    requirements.txt and requirements/dev.txt): parts of environments, not environments
    of their own, in formats whose groups cannot include one another. The default and
    dev groups are environments whoever includes them."""
    included = {i for g in declared.groups for i in g.includes}
    return frozenset(included - {DEFAULT, "dev"})


def as_extras(declared: Declared, package: Package) -> Declared:
    """Groups that install the project and, beyond it, only what its development extras
    list (uv's ``test`` and ``dev`` groups, where a template's render has just moved their
    requirements into the package's ``test`` extra) said as the project with those extras:
    how a tool that installs extras (pip, pipenv, conda) takes them. A group nothing
    else tells apart then shares a file with its twin (``homes.duplicates``)."""
    extras = {
        n: {str(r.parsed) for r in reqs} for n, reqs in (package.extras or {}).items() if n in DEV_EXTRAS
    }
    if not extras or not package.is_package:
        return declared
    base = flatten(declared, DEFAULT)
    runtime = {str(r.parsed) for r in base.requirements}
    changed: dict[str, Group] = {}
    for group in declared.groups:
        flat = flatten(declared, group.name)
        rest = {str(r.parsed) for r in flat.requirements} - runtime
        if group.name == DEFAULT or flat.self_install is None or not rest:
            continue
        covering = frozenset(n for n, listed in extras.items() if listed & rest)
        if not rest <= set().union(*(extras[n] for n in covering)):
            continue
        install = replace(flat.self_install, extras=flat.self_install.extras | covering)
        changed[group.name] = replace(group, requirements=(), includes=(DEFAULT,), self_install=install)
    groups = tuple(changed.get(g.name, g) for g in declared.groups)
    return replace(declared, groups=groups) if changed else declared


def duplicates(declared: Declared) -> dict[str, str]:
    """Groups whose environment another group's is exactly: the project with the same
    extras and nothing else to tell them apart (pipenv's ``[test]`` category beside
    ``[dev-packages]``, both the project with its test extra). One file installs both;
    no other group includes them. Each maps to the first such group (default, dev, ...)."""
    included = {i for g in declared.groups for i in g.includes}
    seen: list[Group] = []
    found: dict[str, str] = {}
    for group in ordered(declared):
        flat = flatten(declared, group.name)
        same = next((s for s in seen if _same_environment(s, flat)), None)
        if same is not None and group.name not in included and group.name != DEFAULT:
            found[group.name] = same.name
        else:
            seen.append(flat)
    return found


def _same_environment(a: Group, b: Group) -> bool:
    if a.self_install is None or b.self_install is None or a.self_install.extras != b.self_install.extras:
        return False
    return len(a.requirements) == len(b.requirements) and all(
        any(r.same(o) for o in b.requirements) for r in a.requirements
    )


def pins_of(declared: Declared, name: str) -> tuple[Pin, ...]:
    """The whole locked environment of group ``name`` (its includes' pins too)."""
    from pickenv.formats.environments import effective_pins

    return tuple(sorted(effective_pins(declared, name).values(), key=lambda p: (p.name, p.marker)))


# Notes with a home in another tool's own words.
PRE = ("option", "--pre")
PIPENV_PRE = ("setting", "allow_prereleases = true")
UV_PRE = ("setting", 'prerelease = "allow"')


# ---- pip: requirements files -------------------------------------------------------------------
_PIP_NOTES = frozenset({"option", "constraint", "local", "variable"})


def pip_layout(package: Package, old: Declared) -> Layout:
    """A requirements file per group (requirements.txt, requirements-dev.txt,
    requirements-docs.txt), including each other as the groups did; a group that was a
    requirements file already keeps its file. A locked project gets pip-tools' pair per
    group: the ``.in`` file is the manifest, the ``.txt`` file the lock with the same
    pins and hashes, which pip installs checking them."""
    locked = any(old.locks.values())
    manifest = ".in" if locked else ".txt"
    same = {} if locked else duplicates(old)  # a lock per group keeps each group's file
    group_files = {
        g.name: _pip_file(g.file, _pip_stem(g.name) + manifest) for g in old.groups if g.name not in same
    }
    lock_files = {name: _lock_file(old, name) for name in old.locks} if locked else {}
    homes: list[Home] = []
    renamed: dict[tuple[str, str], tuple[str, str]] = {}
    for index, group in enumerate(g for g in ordered(old) if g.name not in same):
        install = group.self_install if package.is_package else None
        notes = notes_of(old, group.name, _PIP_NOTES)
        if index == 0:
            for before in (PIPENV_PRE, UV_PRE):
                if any((n.kind, n.text) == before for n in old.notes):
                    notes += (Note(group.file, PRE[1], "option", group.name),)
                    renamed[before] = PRE
        part = Declared(
            groups=(replace(group, self_install=install),),
            sources=old.sources if index == 0 else (),
            notes=notes,
        )
        homes.append(Home(group_files[group.name], "requirements", part))
    for name, path in sorted(lock_files.items()):
        homes.append(
            Home(path, "requirements", Declared(locks={name: pins_of(old, name)}, sources=old.sources))
        )
    # the development environment: the dev group's file, else the default's (their locks)
    names = [*group_files, *lock_files]
    main = "dev" if "dev" in names else DEFAULT if DEFAULT in names else next(iter(names), "")
    installs = (lock_files.get(main) or group_files[main],) if main else ()
    project = locked and package.is_package and any(g.self_install for g in old.groups)
    return Layout(
        tuple(homes),
        group_map=same,
        renamed_notes=renamed,
        group_files=group_files,
        install=installs,
        install_project=project,
    )


def _pip_file(path: str, fallback: str) -> str:
    """A group read from a requirements file stays in it."""
    from pickenv.formats.requirements import is_requirements_file

    return path if is_requirements_file(path) else fallback


def _lock_file(old: Declared, name: str) -> str:
    """The compiled requirements file that locked group ``name`` (a pip-tools project's),
    else requirements[-NAME].txt beside its manifest."""
    from pickenv.formats.requirements import group_of

    for path in old.lock_files:
        if path.endswith(".txt") and group_of(path) == name:
            return path
    group = old.group(name)
    if group is not None and group.file.endswith(".in"):
        return group.file[: -len(".in")] + ".txt"
    return _pip_stem(name) + ".txt"


def _pip_stem(name: str) -> str:
    return "requirements" if name == DEFAULT else f"requirements-{name}"


# ---- pipenv: Pipfile and Pipfile.lock ---------------------------------------------------------
def pipfile_layout(package: Package, old: Declared) -> Layout:
    """[packages], [dev-packages] (which pipenv installs with [packages]) and a category
    per other group, each holding what its group's includes held (a Pipfile's tables
    cannot include one another). The pins go into a Pipfile.lock with their hashes."""
    groups = []
    for group in ordered(old, folded=True):
        # dev packages come with [packages]; a category comes alone, so it carries them
        skip = frozenset({DEFAULT}) if group.name in (DEFAULT, "dev") else frozenset()
        flat = flatten(old, group.name, skip=skip)
        install = flat.self_install if package.is_package else None
        groups.append(replace(flat, includes=(), self_install=install))
    notes = [n for n in old.notes if n.kind in ("script", "setting") and (n.kind, n.text) != UV_PRE]
    renamed: dict[tuple[str, str], tuple[str, str]] = {}
    for before in (PRE, UV_PRE):
        if any((n.kind, n.text) == before for n in old.notes):
            notes.append(Note("Pipfile", PIPENV_PRE[1], "setting"))
            renamed[before] = PIPENV_PRE
    homes = [Home("Pipfile", "pipfile", Declared(tuple(groups), sources=old.sources, notes=tuple(notes)))]
    if any(old.locks.values()):
        locks: dict[str, tuple[Pin, ...]] = {}
        default = {(p.name, p.marker): p for p in pins_of(old, DEFAULT)}
        for name in sorted({*old.locks, *(g.name for g in old.groups)}):
            pins = pins_of(old, name)
            if name == "dev":  # Pipfile.lock's develop holds what default does not
                pins = tuple(p for p in pins if default.get((p.name, p.marker)) != p)
            if pins or name in old.locks:
                locks[name] = pins
        homes.append(
            Home("Pipfile.lock", "pipfile-lock", Declared(locks=locks, sources=old.sources), "Pipfile")
        )
    files = {g.name: "Pipfile" for g in groups}
    return Layout(tuple(homes), renamed_notes=renamed, group_files=files)


# ---- conda: environment.yml ----------------------------------------------------------------
def conda_layout(package: Package, old: Declared) -> Layout:
    """environment.yml for the default group; each other group gets an environment file
    of its own (environment-dev.yml), a whole environment, as conda's files are."""
    homes = []
    files = {}
    folded = _dev_extras_only(old, package, DEV_EXTRAS)
    for group in ordered(old, folded=True):
        if group.name in folded:
            continue
        flat = flatten(old, group.name)
        install = flat.self_install if package.is_package else None
        if group.name == DEFAULT and install is not None:
            extras = frozenset().union(*folded.values())
            install = replace(install, extras=install.extras | extras)
        path = "environment.yml" if group.name == DEFAULT else f"environment-{group.name}.yml"
        # conda's own notes, and pip's: the pip: section is a requirements file pip reads
        notes = notes_of(old, group.name, frozenset({"channel", "build", "conda-only"}) | _PIP_NOTES)
        sources = old.sources if group.name == DEFAULT else ()
        part = Declared((replace(flat, includes=(), self_install=install),), sources=sources, notes=notes)
        homes.append(Home(path, "environment", part))
        files[group.name] = path
    dev = (files["dev"],) if "dev" in files else ()  # a whole environment, tools included
    group_map = dict.fromkeys(folded, "dev")
    return Layout(tuple(homes), group_map=group_map, group_files=files, install=dev)


def _dev_extras_only(
    old: Declared, package: Package, dev_extras: frozenset[str]
) -> dict[str, frozenset[str]]:
    """Groups that are the default environment and development extras of the project
    (requirements-dev.txt's ``-e .[test]``): environment.yml's pip: section installs the
    project with them, as pickenv's template does, and conda reads them back as its dev
    group (``semantics.split_dev_extras``); no environment file of their own. Each with
    the extras it adds."""
    default = flatten(old, DEFAULT) if old.group(DEFAULT) is not None else None
    if default is None or default.self_install is None or not package.is_package:
        return {}
    base = default.self_install.extras
    found: dict[str, frozenset[str]] = {}
    for group in ordered(old, folded=True):
        if group.name == DEFAULT:
            continue
        flat = flatten(old, group.name)
        install = flat.self_install
        if install is None or not install.extras - base or not (install.extras - base) <= dev_extras:
            continue
        if all(any(r.same(o) for o in default.requirements) for r in flat.requirements):
            found[group.name] = install.extras - base
    return found


# ---- uv: pyproject.toml ----------------------------------------------------------------------
def uv_layout(package: Package, old: Declared) -> Layout:
    """pyproject.toml: an application's default group is its [project] dependencies; a
    package's are its published metadata, never grown, so what its environment added
    (tools, the project's extras) goes into the dev group, which uv installs by default.
    Every other group is a PEP 735 dependency group; indexes go to [[tool.uv.index]]."""
    if package.workspace:
        return Layout(refusal="it is a uv workspace", fix=Fix.SWITCH_MEMBERS)
    if (package.buildable or package.build_system) and not package.has_project_table:
        where = package.metadata_file or "setup.py"
        return Layout(
            refusal=f"uv reads the project's metadata from pyproject.toml's [project] table, not {where}",
            fix=Fix.ADD_PROJECT_TABLE,
        )
    groups: dict[str, Group] = {}
    group_map: dict[str, str] = {}
    notes: list[Note] = []
    # uv builds only a project with a [build-system]: one pip installs from its [project]
    # table alone gets `package = true`, so that uv installs it as the old files did
    builds = package.uv_package or (package.is_package and any(g.self_install for g in old.groups))
    if builds and not package.uv_package:
        notes.append(Note("pyproject.toml", "package = true", "setting"))
    runtime = {str(r.parsed) for r in package.dependencies or ()}
    for group in ordered(old):
        # PEP 735 groups include one another: every group stays one (requirements/base.txt
        # too), except the default one, whose [project] dependencies cannot include groups
        own = flatten(old, DEFAULT) if group.name == DEFAULT else group
        if group.name == DEFAULT and builds:
            rest = tuple(r for r in own.requirements if str(r.parsed) not in runtime)
            install = own.self_install
            if not rest and (install is None or not install.extras):
                continue  # uv installs the project, and with it what it depends on
            own = Group("dev", rest, own.includes, install, group.file)
            group_map[DEFAULT] = "dev"
        elif not builds:
            own = replace(own, self_install=None)
        # uv installs the default group (the project) with every group
        own = replace(own, includes=tuple(i for i in own.includes if i != DEFAULT))
        groups[own.name] = own if own.name not in groups else _merged(groups[own.name], own)
    renamed: dict[tuple[str, str], tuple[str, str]] = {}
    for before in (PRE, PIPENV_PRE):
        if any((n.kind, n.text) == before for n in old.notes):
            notes.append(Note("pyproject.toml", UV_PRE[1], "setting"))
            renamed[before] = UV_PRE
    part = Declared(tuple(groups.values()), sources=old.sources, notes=tuple(notes))
    files = {name: "pyproject.toml" for name in groups}
    homes = (Home("pyproject.toml", "pyproject", part),)
    return Layout(homes, group_map=group_map, renamed_notes=renamed, group_files=files)


def _merged(a: Group, b: Group) -> Group:
    requirements = a.requirements + tuple(
        r for r in b.requirements if not any(r.same(o) for o in a.requirements)
    )
    return Group(a.name, requirements, tuple(dict.fromkeys(a.includes + b.includes)),
                 _union(a.self_install, b.self_install), a.file)  # fmt: skip
