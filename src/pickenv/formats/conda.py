"""conda environment files (environment.yml), read as ``conda env create`` reads them and
written back without touching what they already say.

Each entry of ``dependencies`` is a conda match spec (``pickenv.formats.matchspec``). A spec
becomes a PEP 508 requirement where PEP 440 says the same (``pickenv.formats.condanames``);
what only conda can say (a build string, ``|``, a channel, a package PyPI does not have) is
a ``Note`` carrying the entry as written. The ``pip:`` list is a requirements file: conda
writes it beside environment.yml and runs pip there. Writing is ``pickenv.formats.conda_render``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import ClassVar

from pickenv.formats.base import DependencyFormat, RenderOptions
from pickenv.formats.conda_render import render_environment
from pickenv.formats.condanames import CONDA_LIST, PIP_PATH, conda_only, group_of, pep508
from pickenv.formats.files import FileError, ProjectFiles, mask
from pickenv.formats.matchspec import SpecError, parse_matchspec
from pickenv.formats.model import Declared, Group, Note, NoteKind, Req, SelfInstall, extra_name

_DEFAULT_CHANNELS = frozenset({"conda-forge", "defaults", "nodefaults"})


# ---- reading -------------------------------------------------------------------------------------
def _excerpt(text: str) -> str:
    text = mask(text)
    return text if len(text) <= 60 else text[:57] + "..."


def _error(files: ProjectFiles, path: str, excerpt: str, why: str) -> FileError:
    """``path:LINE: why`` (the requirements format's shape), LINE where ``excerpt`` is written."""
    error = FileError(path, why)
    lines = files.text(path).splitlines()
    if line := next((n for n, text in enumerate(lines, 1) if excerpt and excerpt in text), 0):
        error.message = f"{path}:{line}: {why}"
        error.args = (error.message,)
    return error


def read_environment(files: ProjectFiles, path: str) -> Declared:
    data = files.yaml(path)
    if not isinstance(data, dict):
        raise FileError(path, "is not a conda environment (a mapping with name, channels and dependencies)")
    for key, kind in (("channels", list), ("dependencies", list), ("variables", dict)):
        if data.get(key) is not None and not isinstance(data[key], kind):
            raise FileError(path, f"has a {key} that is not a {'list' if kind is list else 'mapping'}")
    group, reqs, notes, python, pip = group_of(path), [], [], "", list[str]()

    def note(origin: str, text: str, kind: NoteKind) -> None:
        notes.append(Note(origin, text, kind, group))

    for number, channel in enumerate(data.get("channels") or [], 1):
        if str(channel) not in _DEFAULT_CHANNELS:
            note(f"{path} channels[{number}]", str(channel), "channel")
    for key, value in (data.get("variables") or {}).items():
        note(f"{path} variables", f"{key}={value}", "setting")
    for number, entry in enumerate(data.get("dependencies") or [], 1):
        origin = f"{path}{CONDA_LIST}{number}]"  # counted from 1
        if isinstance(entry, dict):
            for key, value in entry.items():
                if key != "pip":  # another installer's section (a conda plugin's)
                    note(origin, f"{key}: {value}", "setting")
                elif isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
                    pip = [str(v) for v in value]  # conda keeps the last pip: section (a dict update)
                else:
                    raise FileError(
                        path, f"has a pip: section (dependencies[{number}]) that is not a list of lines"
                    )
            continue
        if not isinstance(entry, str):
            raise FileError(
                path, f"has dependencies[{number}] = {_excerpt(str(entry))!r}, not a package spec"
            )
        entry = entry.strip()
        try:
            parsed = parse_matchspec(entry)
            text = pep508(parsed)[0]
        except SpecError as exc:
            raise _error(
                files, path, entry, f"{_excerpt(entry)!r} is not a package spec conda reads ({exc})"
            ) from None
        if parsed.name == "python" and not parsed.url:
            python = python or (parsed.written[1:] if re.match("=[^=]", parsed.written) else parsed.written)
        elif parsed.name != "pip" and not parsed.url and conda_only(parsed.name):
            note(origin, entry, "conda-only")
        elif parsed.name != "pip":
            reqs += [Req(text, origin)] if text is not None else []
            if parsed.channel:
                note(origin, entry, "channel")
            if text is None or parsed.build or parsed.fields:
                note(origin, entry, "build")
    # Joined here, not with Declared's +, which compares every pair of requirements of a group.
    listed = _pip_list(files, path, group, pip) if pip else Declared()
    own = listed.group(group) or Group(group)
    joined = Group(group, (*reqs, *own.requirements), own.includes, own.self_install, path)
    others = tuple(g for g in listed.groups if g.name != group)
    files_read = tuple(dict.fromkeys((path, *listed.files)))
    return Declared(
        (joined, *others), listed.locks, listed.sources, (*notes, *listed.notes), python, files_read
    )


def _pip_number(note: Note) -> int:  # the notes of the pip: list in its order, then its includes'
    found = re.search(r" pip\[(\d+)\]$", note.origin)
    return int(found[1]) if found else 1 << 30


def _pip_list(files: ProjectFiles, path: str, group: str, lines: list[str]) -> Declared:
    """The pip: list, read as pip reads the requirements file conda writes beside ``path``."""
    from pickenv.formats.requirements import read_text

    kept, notes, own = [], [], None
    for number, line in enumerate(lines, 1):
        local = PIP_PATH.fullmatch(re.sub(r"(^|\s+)#.*$", "", line).strip())
        kept.append("" if local else line)  # (the line numbers stay those of the list)
        if local is None:
            continue
        try:
            where = files.relative(local["path"].removeprefix("file:") or ".", start=path)
        except FileError:  # outside the project: pip reads it, pickenv does not
            where = ""
        extras = frozenset(extra_name(e) for e in (local["extras"] or "").split(",") if e.strip())
        if where == ".":
            was = own or SelfInstall(frozenset(), False, f"{path} pip[{number}]")
            own = SelfInstall(was.extras | extras, was.editable or bool(local["e"]), was.origin)
        else:
            notes.append(Note(f"{path} pip[{number}]", line.strip(), "local", group))
    try:
        read = read_text(files, path, "\n".join(kept), group, lock=False)
    except FileError as error:
        found = re.match(rf"{re.escape(path)}:(\d+): (.*)", error.message) if error.path == path else None
        if found is None:
            raise
        raise _error(files, path, lines[int(found[1]) - 1].strip(), found[2]) from None

    def moved(origin: str) -> str:  # "environment.yml:3" (of the list) -> "environment.yml pip[3]"
        number = origin.removeprefix(f"{path}:")
        return f"{path} pip[{number}]" if number.isdigit() else origin

    groups = tuple(
        replace(
            g,
            requirements=tuple(replace(r, origin=moved(r.origin)) for r in g.requirements),
            self_install=own if g.name == group and own else g.self_install,
        )
        for g in read.groups
    )
    return replace(
        read,
        groups=groups,
        notes=tuple(
            sorted([*(replace(n, origin=moved(n.origin)) for n in read.notes), *notes], key=_pip_number)
        ),
        sources=tuple(replace(s, origin=moved(s.origin)) for s in read.sources),
    )


class EnvironmentFormat(DependencyFormat):
    name = "environment"
    summary = "conda environment files (environment.yml): conda packages and a pip: list"
    patterns: ClassVar[tuple[str, ...]] = (
        "environment.yml",
        "environment.yaml",
        "environment-*.yml",
        "environment_*.yml",
        "environment-*.yaml",
        "*/environment.yml",
        "*/environment.yaml",
    )

    def read(self, files: ProjectFiles, path: str) -> Declared:
        return read_environment(files, path)

    def render(self, existing: str | None, path: str, part: Declared, options: RenderOptions) -> str:
        return render_environment(existing, path, part, options, self.patterns)
