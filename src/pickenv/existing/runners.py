"""What the test runners with environments of their own declare, read without importing or
running them: the commands of tox's default environment (after tox's comments, factor
conditions, continuations and substitutions) and of nox's tests session (from its syntax tree).

tox looks for tox.ini, then setup.cfg with ``[tox:tox]``, then ``[tool.tox]`` in pyproject.toml
(native or ``legacy_tox_ini``), then tox.toml; so do we. ``{posargs}`` is what tox gives it when
no arguments are given (its default); a placeholder naming tox's own folders (``{work_dir}``,
``{env_name}``) is ``DROP``, an argument that means nothing outside tox.
"""

from __future__ import annotations

import ast
import configparser
import itertools
import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pickenv.formats.files import FileError, ProjectFiles, as_mapping

DROP = "\x00"
Lookup = Callable[[str, int], str | None]  # a placeholder's value; None keeps the text as written


@dataclass(frozen=True)
class Opaque:
    """A declared command that cannot be split into argv (it needs a shell, or is code)."""

    text: str


Command = str | tuple[str, ...] | Opaque  # an ini line (split as tox does it), an argument list
ENVS = ("py", "test", "tests", "unit", "py3")  # "py" is the default environment: [testenv] as is
LIMIT = 1 << 20  # characters an expansion may reach (references can double at every level)
_COMMENT = re.compile(r"\s*(?<!\\)#.*")
_FACTOR_MARK = re.compile(r":(?:\s|$)")
_FACTOR = re.compile(r"!?[\w.*?\[\]]+")


def tox_commands(files: ProjectFiles, pyproject: Mapping[str, Any]) -> list[tuple[str, list[Command]]]:
    """(where, commands) of tox's default environment, then of one named test, tests, unit, py3:
    each that has commands, from the first tox configuration that has any."""
    found: list[tuple[str, list[Command]]] = []
    if files.exists("tox.ini"):
        found = _ini(files.text("tox.ini"), "tox.ini")
    if not found and files.exists("setup.cfg") and "[tox:tox]" in (text := files.text("setup.cfg")):
        found = _ini(text, "setup.cfg")
    tool = as_mapping(as_mapping(pyproject.get("tool")).get("tox"))
    if not found and isinstance(tool.get("legacy_tox_ini"), str):
        found = _ini(tool["legacy_tox_ini"], "pyproject.toml", " [tool.tox] legacy_tox_ini")
    if not found and tool:
        found = _toml(tool, "pyproject.toml", "pyproject.toml [tool.tox] ")
    if not found and files.exists("tox.toml"):
        found = _toml(files.toml("tox.toml"), "tox.toml", "tox.toml ")
    return found


def substitute(text: str, lookup: Lookup, depth: int = 0) -> str:
    """``{...}`` placeholders (nested, ``\\{`` escaped) replaced by ``lookup``'s values."""
    if depth > 8:
        raise RecursionError("substitutions nested more than 8 deep")
    out, at, size = [], 0, 0
    while (start := text.find("{", at)) != -1:
        if start and text[start - 1] == "\\":
            out.append(text[at : start + 1])
            at = start + 1
            continue
        level, end = 0, -1
        for index in range(start, len(text)):
            level += {"{": 1, "}": -1}.get(text[index], 0)
            if level == 0:
                end = index
                break
        if end == -1:  # unclosed: the rest is text (and scanning stays linear)
            break
        value = lookup(text[start + 1 : end], depth)
        out += [text[at:start], text[start : end + 1] if value is None else value]
        size, at = size + len(out[-2]) + len(out[-1]), end + 1
        if size > LIMIT:
            raise RecursionError("substitutions expand beyond 1 MiB")
    return "".join(out) + text[at:]


def placeholder(expr: str, depth: int, more: Lookup | None = None) -> str | None:
    """tox's (and hatch's) placeholders, as the tool fills them when given no arguments."""
    name, _, rest = expr.partition(":")
    lookup: Lookup = more or placeholder
    if expr in ("/", ":"):
        return "/" if expr == "/" else os.pathsep
    if name in ("posargs", "args"):  # the default, which the tool runs when given no arguments
        return substitute(rest, lookup, depth + 1)
    if name == "env":  # the variable is unknown here: its default, as in a clean environment
        return substitute(rest.partition(":")[2], lookup, depth + 1)
    if not rest and name in ("toxinidir", "tox_root", "root"):
        return "."
    if name in ("envpython", "env_python"):
        return "python"
    return "" if name in ("envbindir", "env_bin_dir") else DROP  # {envbindir}/pytest: pytest


def _ini(text: str, path: str, where: str = "") -> list[tuple[str, list[Command]]]:
    parser = configparser.ConfigParser(interpolation=None)  # as tox reads it
    try:
        parser.read_string(text, path)
    except configparser.Error as exc:
        line = getattr(exc, "lineno", None) or next(iter(getattr(exc, "errors", [])), (None,))[0]
        raise FileError(path, f"is not valid INI{f' (line {line})' if line else ''}") from None
    found: list[tuple[str, list[Command]]] = []
    for env in ENVS:
        section = next((s for s in (f"testenv:{env}", "testenv") if parser.has_option(s, "commands")), "")
        if section and (section != "testenv" or env == "py"):
            factors = {*env.split("-"), sys.platform}  # tox adds the platform's name to the factors
            try:
                value = _ini_value(parser, section, "commands", factors, 0)
            except RecursionError as exc:
                raise FileError(path, f"[{section}] commands cannot be read: {exc}") from None
            commands: list[Command] = [line for line in value.split("\n") if line.strip()]
            found += [(f"{path}{where} [{section}] commands", commands)] if commands else []
    return found


def _ini_value(
    parser: configparser.ConfigParser, section: str, key: str, factors: set[str], depth: int
) -> str:
    def lookup(expr: str, depth: int) -> str | None:
        ref = re.fullmatch(r"\[([^\]]*)\](.+)", expr)  # {[testenv]commands}: another section's value
        if ref is None:
            return placeholder(expr, depth, lookup)
        if not parser.has_option(ref[1] or section, ref[2]):
            return DROP
        return _ini_value(parser, ref[1] or section, ref[2], factors, depth + 1)

    return substitute(_ini_lines(parser.get(section, key), factors), lookup, depth)


def _ini_lines(value: str, factors: set[str]) -> str:
    """tox's reading of a value: comments out, lines of other factors out, continuations joined."""
    kept, skip_continuation = [], False
    for raw in value.split("\n"):
        if raw.startswith("#"):
            continue
        line = _COMMENT.sub("", raw).replace("\\#", "#")
        mark = _FACTOR_MARK.search(line)
        groups = _factor_groups(line[: mark.start()].strip()) if mark else None
        if groups is None or mark is None:
            if not skip_continuation and line:
                kept.append(line)
            skip_continuation = skip_continuation and line.endswith("\\")
        elif any(all((name in factors) != negated for name, negated in group) for group in groups):
            kept.append(line[mark.end() :].strip())
            skip_continuation = False
        else:  # another factor's line, and its continuation lines with it
            skip_continuation = line.endswith("\\")
    return "\n".join(kept).replace("\\\n", "")


def _factor_groups(expr: str) -> list[list[tuple[str, bool]]] | None:
    """``py38,!pypy-{a,b}``: alternatives of factors that must all hold (None: not factors)."""
    if not expr:
        return None
    alternatives: list[list[list[str]]] = [[]]
    for token in re.findall(r"\{[^}]*\}|,|[^{},]+", expr):
        if token == ",":
            alternatives.append([])
        else:
            braced = token.startswith("{")
            alternatives[-1].append([c.strip() for c in token[1:-1].split(",")] if braced else [token])
    groups = []
    for choices in alternatives:
        for variant in itertools.islice(itertools.product(*choices), 256):
            names = "".join(variant).split("-")
            if not all(_FACTOR.fullmatch(name) for name in names):
                return None
            groups.append([(name.lstrip("!"), name.startswith("!")) for name in names])
    return groups


def _toml(root: Mapping[str, Any], path: str, where: str) -> list[tuple[str, list[Command]]]:
    envs = as_mapping(root.get("env"))
    tables = [("env_run_base", as_mapping(root.get("env_run_base")))]
    found: list[tuple[str, list[Command]]] = []
    for name, table in tables + [(f"env.{env}", as_mapping(envs.get(env))) for env in ENVS]:
        if isinstance(table.get("commands"), list):
            try:
                items = _toml_items(table["commands"], root, 0, command_level=True)
            except RecursionError as exc:
                raise FileError(path, f"{name}.commands cannot be read: {exc}") from None
            commands: list[Command] = [tuple(c) for c in items if isinstance(c, list) and c]
            found += [(f"{where}{name}.commands", commands)] if commands else []
    return found


def _toml_items(
    items: list[Any], root: Mapping[str, Any], depth: int, *, command_level: bool = False
) -> list[Any]:
    """tox.toml's commands (lists of arguments) with its ``replace`` tables resolved."""
    out: list[Any] = []
    for item in items:
        if isinstance(item, str):
            out.append(substitute(item, placeholder, depth))
        elif isinstance(item, list) and command_level:
            out.append(_toml_items(item, root, depth))
        elif isinstance(item, Mapping) and depth < 8:
            kind, default = item.get("replace"), item.get("default", [] if command_level else "")
            if kind == "ref":  # of = ["env_run_base", "commands"], or env = "x", key = "commands"
                target: Any = root
                for key in item.get("of", []) or ["env", str(item.get("env")), str(item.get("key"))]:
                    target = as_mapping(target).get(key, [])
                default = target
            elif kind not in ("posargs", "env"):
                default = DROP
            values = default if isinstance(default, list) else [default]
            out += _toml_items(values, root, depth + 1, command_level=command_level)
        else:
            out.append(DROP)
    return out


# ---- nox: noxfile.py read as a syntax tree ----------------------------------------------------
def nox_commands(files: ProjectFiles) -> list[tuple[str, list[Command]]]:
    """(where, commands): the ``session.run(...)`` calls of the session named tests or test (or
    the first whose name starts with test), read from noxfile.py with ``ast``, never run."""
    if not files.exists("noxfile.py"):
        return []
    try:
        tree = ast.parse(files.text("noxfile.py"), "noxfile.py")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        line = getattr(exc, "lineno", None)
        raise FileError("noxfile.py", f"is not valid Python{f' (line {line})' if line else ''}") from None
    sessions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for deco in node.decorator_list:  # @nox.session, @session, @nox.session(name="tests")
            func = deco.func if isinstance(deco, ast.Call) else deco
            if getattr(func, "attr", getattr(func, "id", "")) == "session":
                named = [k.value for k in getattr(deco, "keywords", []) if k.arg == "name"]
                label = named[0].value if named and isinstance(named[0], ast.Constant) else node.name
                sessions.setdefault(str(label), node)
    names = [n for n in ("tests", "test") if n in sessions] + [n for n in sessions if n.startswith("test")]
    if not names:
        return []
    session = sessions[names[0]]
    param = session.args.args[0].arg if session.args.args else "session"
    calls = [
        node
        for node in ast.walk(session)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "run"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == param
    ]
    calls.sort(key=lambda node: (node.lineno, node.col_offset))
    return [(f"noxfile.py session {names[0]}", [_nox_argv(call, param) for call in calls])]


def _nox_argv(call: ast.Call, param: str) -> Command:
    argv: list[str] = []
    for arg in call.args:
        value = arg.value if isinstance(arg, ast.Starred) else arg
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            argv.append(arg.value)
        elif ast.unparse(value) == f"{param}.posargs":
            continue  # nox passes nothing when given no arguments
        elif isinstance(value, ast.BoolOp) and ast.unparse(value.values[0]) == f"{param}.posargs":
            default = value.values[-1]  # `*(session.posargs or ["tests"])`
            if not isinstance(default, (ast.List, ast.Tuple)):
                return Opaque(ast.unparse(call))
            argv += [
                e.value for e in default.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
            ]
        else:
            return Opaque(ast.unparse(call))
    return tuple(argv)


__all__ = [
    "DROP",
    "ENVS",
    "Command",
    "Lookup",
    "Opaque",
    "nox_commands",
    "placeholder",
    "substitute",
    "tox_commands",
]
