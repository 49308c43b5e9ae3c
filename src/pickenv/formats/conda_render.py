"""Writing conda environment files: a new environment.yml for what a project declares, or
an existing one with only what it lacks added, every byte it has kept where its layout is
plain block YAML (else through ruamel.yaml's round trip). ``EnvironmentFormat.render``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any

from packaging.utils import canonicalize_name

from pickenv.formats.base import RenderOptions
from pickenv.formats.condanames import CONDA_LIST, CONDA_TO_PYPI, PIP_PATH, conda_spelling, group_of
from pickenv.formats.files import FileError, load_yaml
from pickenv.formats.matchspec import SpecError, parse_matchspec
from pickenv.formats.model import Declared, Group, Req


def render_environment(
    existing: str | None, path: str, part: Declared, options: RenderOptions, patterns: tuple[str, ...]
) -> str:
    """A new file for ``part``, or ``existing`` with what it lacks added; ``patterns`` are the
    environment files' (a pip: list includes none of them)."""
    if existing is None:
        return _new_file(path, _additions(part, path, options, patterns), options)
    data = load_yaml(existing, path)
    if not isinstance(data, dict):
        raise FileError(path, "is not a conda environment (a mapping with name, channels and dependencies)")
    add = _lacking(path, data, _additions(_not_included(part, data, path), path, options, patterns))
    if not add:
        return existing
    return _insert(existing, data, add) or _ruamel(existing, add)


@dataclass(frozen=True)
class _Additions:
    """What a file is to say, as conda's and pip's own lines."""

    python: str = ""  # "python=3.12"
    channels: tuple[str, ...] = ()
    conda: tuple[str, ...] = ()
    pip: tuple[str, ...] = ()
    variables: tuple[tuple[str, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.python or self.channels or self.conda or self.pip or self.variables)


def _additions(part: Declared, path: str, options: RenderOptions, patterns: tuple[str, ...]) -> _Additions:
    from fnmatch import fnmatchcase
    from posixpath import dirname, relpath

    name = group_of(path)
    group = part.group(name) or (part.groups[0] if len(part.groups) == 1 else Group(name))
    notes = [n for n in part.notes if n.group == group.name]
    # A conda entry PEP 508 cannot say goes back as it was written (the Req it kept goes with it).
    verbatim = {
        n.origin: n.text
        for n in notes
        if n.kind in ("build", "conda-only") or (n.kind == "channel" and CONDA_LIST in n.origin)
    }
    conda = list(dict.fromkeys(verbatim.values()))
    pip = [f"--{'' if s.default else 'extra-'}index-url {s.url}" for s in part.sources]
    # An option Note with a requirement's origin is that requirement's (--config-settings): on its line.
    reqs = {r.origin for r in group.requirements}
    attached = {n.origin: n.text for n in notes if n.kind == "option" and n.origin in reqs}
    pip += [n.text for n in notes if n.kind in ("option", "constraint", "local") and n.origin not in attached]
    for included in group.includes:
        file = options.group_files.get(included, "")
        if file and not any(fnmatchcase(file, p) for p in patterns):  # conda includes no environment file
            pip.append(f"-r {relpath(file, dirname(path) or '.')}")
    if (own := group.self_install) is not None:
        extras = f"[{','.join(sorted(own.extras))}]" if own.extras else ""
        pip.append(f"{'-e ' if own.editable else ''}{relpath('.', dirname(path) or '.')}{extras}")
    for req in group.requirements:
        if req.origin in verbatim:
            continue
        spelled = conda_spelling(req) if CONDA_LIST in req.origin and req.origin not in attached else None
        if spelled:
            conda.append(spelled)
        else:
            pip.append(
                " ".join([_pip_text(req), *([attached[req.origin]] if req.origin in attached else [])])
            )
    python = options.python or part.python
    python = f"python{'=' if python[:1].isdigit() else ''}{python}" if python else ""
    if python and _name_of(python) != "python":  # a constraint conda cannot say (poetry's ^3.9)
        python = ""
    variables = [
        n.text.split("=", 1) for n in notes if n.kind == "setting" and n.origin.endswith(" variables")
    ]
    return _Additions(
        python,
        tuple(n.text for n in notes if n.kind == "channel" and CONDA_LIST not in n.origin),
        tuple(conda),
        tuple(dict.fromkeys(pip)),
        tuple((k, v) for k, v in variables),
    )


def _pip_text(req: Req) -> str:
    url = req.parsed.url
    if req.editable and url:
        return f"-e {url}{'&' if '#' in url else '#'}egg={req.parsed.name}"
    return " ".join([req.text, *(f"--hash={h}" for h in req.hashes)])


def _pip_lines(data: dict[str, Any]) -> list[str]:
    return [str(p) for d in data.get("dependencies") or [] if isinstance(d, dict) for p in d.get("pip") or []]


def _not_included(part: Declared, data: dict[str, Any], path: str) -> Declared:
    """``part`` without what the files the pip: list includes (``-r FILE``) say already."""
    from posixpath import dirname, join, normpath

    found = [re.match(r"(?:-r|--requirement)\s*=?\s*(\S+)", line.strip()) for line in _pip_lines(data)]
    included = {normpath(join(dirname(path), f[1])) for f in found if f}

    def here(origin: str) -> bool:
        return origin.rpartition(":")[0] not in included

    groups = tuple(
        replace(g, requirements=tuple(r for r in g.requirements if here(r.origin))) for g in part.groups
    )
    sources = tuple(s for s in part.sources if here(s.origin))
    return replace(part, groups=groups, notes=tuple(n for n in part.notes if here(n.origin)), sources=sources)


def _lacking(path: str, data: dict[str, Any], add: _Additions) -> _Additions:
    """Only what the file does not say yet: a package it names (in either list) is not added."""
    conda = [str(d).strip() for d in data.get("dependencies") or [] if isinstance(d, str)]
    lines = [line.strip() for line in _pip_lines(data)]
    said = {*conda, *lines}
    named = {_name_of(c) for c in conda} | {_name_of_pip(path, line) for line in lines}

    def lacks(line: str, conda: bool) -> bool:
        name = _name_of(line) if conda else _name_of_pip(path, line)
        return line not in said and (name or line) not in named

    return _Additions(
        add.python if add.python and "python" not in named else "",
        tuple(c for c in add.channels if c not in [str(x) for x in data.get("channels") or []]),
        tuple(c for c in add.conda if lacks(c, True)),
        tuple(p for p in add.pip if lacks(p, False)),
        tuple((k, v) for k, v in add.variables if k not in (data.get("variables") or {})),
    )


def _name_of(entry: str) -> str:
    """The PyPI name a conda entry installs ("python", "pip"; "" when it is not a spec)."""
    try:
        name = parse_matchspec(entry).name
    except SpecError:
        return ""
    return name if name in ("python", "pip") else str(canonicalize_name(CONDA_TO_PYPI.get(name, name)))


def _name_of_pip(path: str, line: str) -> str:
    """The name a pip: line installs: "." for the project (relative to ``path``'s folder, where
    conda runs pip), "" for what is not a requirement."""
    from posixpath import dirname, join, normpath

    from pickenv.formats.requirements import read_text

    if local := PIP_PATH.fullmatch(re.sub(r"(^|\s+)#.*$", "", line).strip()):
        where = normpath(join(dirname(path), local["path"].removeprefix("file:") or "."))
        return "." if where == "." else ""
    try:
        read = read_text(None, path, line, lock=False)
    except FileError:
        return ""
    return next((r.name for g in read.groups for r in g.requirements), "")


def _scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain where YAML reads it back unchanged, else quoted."""
    try:
        plain = load_yaml(f"- {text}\n", "") == [text]
    except FileError:
        plain = False
    return text if plain else json.dumps(text)


def _new_file(path: str, add: _Additions, options: RenderOptions) -> str:
    moved = f" (moved from {options.origin} by pickenv switch)" if options.origin else ""
    lines = [
        f"# The conda environment: conda env create -f {path}{moved}",
        f"name: {_scalar(options.project_name)}",
    ]
    lines += ["channels:", *(f"  - {_scalar(c)}" for c in (*add.channels, "conda-forge", "nodefaults"))]
    lines += [
        "dependencies:",
        f"  - {_scalar(add.python or 'python')}",
        *(f"  - {_scalar(c)}" for c in add.conda),
    ]
    lines += ["  - pip", *(["  - pip:", *(f"      - {_scalar(p)}" for p in add.pip)] if add.pip else [])]
    lines += (
        ["variables:", *(f"  {_scalar(k)}: {_scalar(v)}" for k, v in add.variables)] if add.variables else []
    )
    return "\n".join(lines) + "\n"


def _modify(data: dict[str, Any], add: _Additions) -> None:
    """The additions, made to a loaded file (plain data, or ruamel.yaml's round-trip data)."""
    if add.channels:
        data["channels"] = data.get("channels") or []
        data["channels"].extend(add.channels)
    data["dependencies"] = deps = data.get("dependencies") or []
    if add.python:
        deps.insert(0, add.python)
    pip = next((d for d in deps if isinstance(d, dict) and "pip" in d), None)
    new: list[Any] = list(add.conda)
    if add.pip and pip is None:
        new += ([] if "pip" in [str(d).strip() for d in deps] else ["pip"]) + [{"pip": list(add.pip)}]
    elif add.pip and pip is not None:
        pip["pip"] = pip["pip"] or []
        pip["pip"].extend(add.pip)
    at = next((i for i, d in enumerate(deps) if isinstance(d, dict)), len(deps))
    deps[at:at] = new
    if add.variables:
        data["variables"] = data.get("variables") or {}
        data["variables"].update(add.variables)


def _insert(text: str, data: dict[str, Any], add: _Additions) -> str | None:
    """``add`` written into ``text`` as new lines beside the ones like them, every existing byte
    kept (ruamel.yaml's dump re-indents the common ``- pip:`` list and respaces comments);
    None where the layout is not plain block YAML, or the result does not read as meant."""
    import yaml

    try:
        from yaml import CSafeLoader as Loader
    except ImportError:  # pragma: no cover - depends on how PyYAML was built
        from yaml import SafeLoader as Loader  # type: ignore[assignment]
    root = yaml.compose(text, Loader=Loader)
    if not isinstance(root, yaml.MappingNode):
        return None
    nodes = {k.value: v for k, v in root.value}
    lines = text.splitlines(keepends=True)
    inserts: list[tuple[int, list[str]]] = []

    def block(node: Any) -> list[Any]:
        ok = isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value
        return list(node.value) if ok else []

    def dash(item: Any) -> str:  # "  - ": what is before an item on its line ("" if not that)
        before = lines[item.start_mark.line][: item.start_mark.column]
        return before if re.fullmatch(r" *- +", before) else ""

    def after(item: Any) -> int:
        return int(item.end_mark.line + (1 if item.end_mark.column else 0))

    seq = block(deps := nodes.get("dependencies"))
    prefix = dash(seq[0]) if seq else "  - " if deps is None else ""
    pip = next(
        (v for n in seq if isinstance(n, yaml.MappingNode) for k, v in n.value if k.value == "pip"), None
    )
    items = [f"{prefix}{_scalar(c)}" for c in add.conda]
    if add.pip and pip is None:
        items += [] if "pip" in [str(d).strip() for d in data.get("dependencies") or []] else [f"{prefix}pip"]
        items += [f"{prefix}pip:", *(f"{' ' * len(prefix)}  - {_scalar(p)}" for p in add.pip)]
    if not prefix and (items or add.python):
        return None
    if deps is None:
        python = [f"{prefix}{_scalar(add.python)}"] if add.python else []
        inserts.append((len(lines), ["dependencies:", *python, *items]))
    elif items or add.python:
        if add.python:
            inserts.append((seq[0].start_mark.line, [f"{prefix}{_scalar(add.python)}"]))
        first_map = next((n for n in seq if isinstance(n, yaml.MappingNode)), None)
        inserts.append((first_map.start_mark.line if first_map else after(seq[-1]), items))
    if add.pip and pip is not None:
        if not (pip_items := block(pip)) or not (pip_dash := dash(pip_items[-1])):
            return None
        inserts.append((after(pip_items[-1]), [f"{pip_dash}{_scalar(p)}" for p in add.pip]))
    if add.channels:
        channels = nodes.get("channels")
        if channels is None:
            at = next((k.start_mark.line for k, _ in root.value if k.value == "dependencies"), len(lines))
            inserts.append((at, ["channels:", *(f"{prefix or '  - '}{_scalar(c)}" for c in add.channels)]))
        elif not (seq := block(channels)) or not (channel_dash := dash(seq[-1])):
            return None
        else:
            inserts.append((after(seq[-1]), [f"{channel_dash}{_scalar(c)}" for c in add.channels]))
    if add.variables:
        variables = nodes.get("variables")
        pairs = [f"{_scalar(k)}: {_scalar(v)}" for k, v in add.variables]
        if variables is None:
            inserts.append((len(lines), ["variables:", *(f"  {p}" for p in pairs)]))
        elif not isinstance(variables, yaml.MappingNode) or variables.flow_style or not variables.value:
            return None
        else:
            key, value = variables.value[-1]
            inserts.append((after(value), [f"{' ' * key.start_mark.column}{p}" for p in pairs]))
    newline = "\r\n" if "\r\n" in text else "\n"
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    out: list[str] = []
    for number, line in enumerate([*lines, ""]):
        out += [f"{new}{newline}" for at, group in inserts if at == number for new in group]
        out.append(line)
    expected = json.loads(json.dumps(data))
    _modify(expected, add)
    try:
        return "".join(out) if load_yaml("".join(out), "") == expected else None
    except FileError:
        return None


def _ruamel(text: str, add: _Additions) -> str:
    """The additions made through ruamel.yaml's round trip (comments, order and quoting kept,
    indentation guessed), for the layouts ``_insert`` does not write into (flow lists)."""
    import io

    from ruamel.yaml import YAML
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString
    from ruamel.yaml.util import load_yaml_guess_indent

    def q(value: str) -> str:  # quoted where YAML 1.1 would read it otherwise (on, 3.10, *x)
        return value if _scalar(value) == value else DoubleQuotedScalarString(value)

    add = _Additions(
        q(add.python),
        tuple(map(q, add.channels)),
        tuple(map(q, add.conda)),
        tuple(map(q, add.pip)),
        tuple((q(k), q(v)) for k, v in add.variables),
    )
    data, indent, offset = load_yaml_guess_indent(text)
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=max(indent or 2, (offset or 0) + 2), offset=offset or 0)
    _modify(data, add)
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue().replace("\n", "\r\n") if "\r\n" in text else buffer.getvalue()
