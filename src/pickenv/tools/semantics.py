"""How the tools read a project's files: each file by the format that claims it, and
what a tool adds to what its files say (pipenv installs [packages] with its dev
packages; a pip project with only a setup.py installs the project itself). The tool
classes call these; the layouts that write files are in ``tools.homes``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from pickenv.formats.files import ProjectFiles
from pickenv.formats.model import DEFAULT, DEV_EXTRAS, Declared, Group, Package, SelfInstall


def read_paths(files: ProjectFiles, paths: Iterable[str], among: tuple[str, ...] | None = None) -> Declared:
    """What the files declare, each read by the format that claims it."""
    from pickenv.formats import format_of

    total = Declared()
    for path in paths:
        if path in total.files:
            continue  # included by a file read before
        fmt = format_of(files, path, among)
        if fmt is not None:
            total += fmt.read(files, path)
    return total


def pip_files(files: ProjectFiles) -> tuple[str, ...]:
    """requirements files at the top and in requirements/ (pip-tools' .in files too);
    files another tool exported (``uv export``) are that tool's."""
    found: list[str] = []
    for pattern in ("*requirements*.txt", "*requirements*.in", "requirements/*.txt", "requirements/*.in"):
        found += [p for p in files.glob(pattern) if p not in found]
    return tuple(p for p in found if not exported(files, p))


def exported(files: ProjectFiles, path: str) -> bool:
    """A requirements file `uv export` wrote from a uv.lock: the uv project's, not pip's
    (`uv pip compile` writes pip-tools' kind of lock, a pip project's)."""
    from pickenv.formats.requirements import compile_command, compiled_by

    text = files.text(path)
    return compiled_by(text) == "uv" and compile_command(text).split()[:2] == ["uv", "export"]


def including(declared: Declared, group: str, name: str) -> Declared:
    """``group`` installs ``name``'s environment with its own (pipenv's dev packages)."""
    found = declared.group(group)
    if found is None or name in found.includes or declared.group(name) is None:
        return declared
    groups = tuple(
        replace(g, includes=(name, *g.includes)) if g.name == group else g for g in declared.groups
    )
    return replace(declared, groups=groups)


def split_dev(declared: Declared, files: ProjectFiles, package: Package) -> Declared:
    """The packages of the default group that pyproject.toml's dev extra or dev group
    names are a dev group installed with the default one (pickenv's conda template)."""
    from pickenv.formats import get_format
    from pickenv.formats.model import extra_name

    default = declared.group(DEFAULT)
    if default is None or not files.exists("pyproject.toml"):
        return declared
    names = {r.name for r in (package.extras or {}).get(extra_name("dev"), ())}
    grouped = get_format("pyproject").read(files, "pyproject.toml").group("dev")
    names |= {r.name for r in grouped.requirements} if grouped is not None else set()
    dev = tuple(r for r in default.requirements if r.name in names)
    if not dev:
        return declared
    rest = replace(default, requirements=tuple(r for r in default.requirements if r.name not in names))
    moved = Declared((rest,)) + Declared((Group("dev", dev, (DEFAULT,), None, default.file),))
    others = tuple(g for g in declared.groups if g.name != DEFAULT)
    # environment-dev.yml's own dev group, if any, gets them too
    return replace(declared, groups=moved.groups[:1]) + Declared(others) + Declared(moved.groups[1:])


def split_dev_extras(declared: Declared) -> Declared:
    """environment.yml is conda's one environment: the development sets among the
    extras its pip: section installs the project with (``-e .[test]``, pickenv's
    template) are a dev group that comes with the rest, as ``split_dev``'s packages are;
    the project itself, and any other extra, stay the default group's."""
    default = declared.group(DEFAULT)
    install = default.self_install if default is not None else None
    if default is None or install is None or not install.extras & DEV_EXTRAS:
        return declared
    kept = replace(install, extras=install.extras - DEV_EXTRAS)
    dev = Group("dev", (), (DEFAULT,), replace(install, extras=install.extras & DEV_EXTRAS), default.file)
    groups = tuple(replace(g, self_install=kept) if g.name == DEFAULT else g for g in declared.groups)
    return replace(declared, groups=groups) + Declared((dev,))


def installs_itself(declared: Declared, package: Package) -> Declared:
    """A package with no requirements files (a setup.py alone) has one environment: the
    project itself, as `pip install -e .` makes it."""
    if declared.groups or not package.is_package:
        return declared
    where = package.metadata_file or "setup.py"
    return replace(declared, groups=(Group(DEFAULT, (), (), SelfInstall(origin=where), where),))


def compiled_groups(declared: Declared, files: ProjectFiles, package: Package | None = None) -> Declared:
    """A lock compiled from the project's own metadata (``pip-compile --extra dev
    pyproject.toml``, or ``--all-extras`` as pickenv's locked template does) declares its
    group: the project with those extras (``--all-extras``: every one ``package`` has)."""
    import shlex

    from pickenv.formats.model import extra_name
    from pickenv.formats.requirements import compile_command, group_of

    added = []
    for path in declared.lock_files:
        name = group_of(path)
        if declared.group(name) is not None or not files.exists(path):
            continue
        try:
            words = shlex.split(compile_command(files.text(path)))
        except ValueError:
            continue
        if not any(w.endswith(("pyproject.toml", "setup.cfg", "setup.py")) for w in words):
            continue
        named = _option_values(words, "--extra")
        if "--all-extras" in words and package is not None:
            named += list(package.extras or {})
        extras = frozenset(extra_name(e) for e in named)
        added.append(Group(name, (), (), SelfInstall(extras, True, path), path))
    return replace(declared, groups=declared.groups + tuple(added)) if added else declared


def _option_values(words: list[str], option: str) -> list[str]:
    """The values of ``option`` in a command line (``--extra dev``, ``--extra=dev``)."""
    values = []
    for index, word in enumerate(words):
        if word.startswith(option + "="):
            values.append(word.split("=", 1)[1])
        elif word == option and index + 1 < len(words):
            values.append(words[index + 1])
    return values
