"""How a project runs its own tests, read from what it declares, never by running anything.

Looked at in this order: tox (tox.ini, setup.cfg ``[tox:tox]``, pyproject.toml ``[tool.tox]``,
tox.toml), noxfile.py (read with ``ast``), hatch scripts, a Makefile ``test:`` target, Pipfile
and pdm scripts; then pytest's configuration and unittest-only test files. The first declared
command that maps onto the environment's Python wins. A declared command that does not (a shell
script, ``make docs``) comes back uncertain with its text, so the caller asks or skips rather
than running something else in its name.
"""

from __future__ import annotations

import itertools
import os
import re
import shlex
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pickenv.existing import runners
from pickenv.existing.runners import DROP, Command, Opaque
from pickenv.formats.files import FileError, ProjectFiles, as_mapping, mask


@dataclass(frozen=True)
class TestCommand:
    """``argv`` follows the environment's ``python`` (``("-m", "pytest", "-rfsxX")``); it is
    empty when the declared command (``text``) cannot be run that way."""

    __test__ = False  # a result, not a pytest test class

    argv: tuple[str, ...]
    source: str  # where it was read: "tox.ini [testenv] commands"
    certain: bool  # False: ask before running it, or skip it
    text: str  # the command as the project declares it, one masked line of at most 120 chars
    env: tuple[tuple[str, str], ...] = ()  # leading NAME=value words of the command
    note: str = ""  # why it is not certain

    def line(self, python: str = "python") -> str:
        return shlex.join((python, *self.argv)) if self.argv else self.text


_RUN, _SKIP, _OTHER = "run", "skip", "other"
_PYTHON = re.compile(r"(?:python|pypy)(?:\d+(?:\.\d+)*t?)?(?:\.exe)?")
# Test runners' console scripts, and the module `python -m` runs each as.
_MODULES = {"pytest": "pytest", "py.test": "pytest", "coverage": "coverage", "nosetests": "nose"}
_MODULES |= {"nose2": "nose2", "zope-testrunner": "zope.testrunner", "trial": "twisted.trial"}
_MODULES["django-admin"] = "django"
# Installing into the environment is the new tool's job; coverage's bookkeeping runs no test.
# (Command names as people write them in their scripts, whatever tool the project uses.)
_SETUP: dict[str, set[str]] = dict(
    [
        ("uv", {"sync", "lock", "pip"}),
        *(
            (name, {"install", "sync", "lock", "update"})
            for name in ("poetry", "pdm", "pipenv", "conda", "mamba")
        ),
        ("coverage", {"erase", "combine", "report", "html", "xml", "json", "lcov", "annotate", "debug"}),
    ]
)
_HARMLESS = {"echo", "printf", "rm", "mkdir", "true", ":"}
_WRAPPERS = {"poetry", "pipenv", "pdm", "uv", "rye"}  # `X run cmd`: cmd in the tool's environment
_NAMED_RUNNERS = {"conda", "mamba", "micromamba"}  # `X run -n NAME cmd`: options before the command
_ASSIGN = re.compile(r"([A-Za-z_]\w*)=(.*)", re.DOTALL)


Found = list[tuple[str, list[Command]]]  # (where, commands) a source declares
Reader = Callable[[ProjectFiles, Mapping[str, Any]], Found]


def find_test_command(files: ProjectFiles) -> TestCommand | None:
    """The project's own test command, or None when it declares none and has no test files."""
    pyproject = files.toml("pyproject.toml") if files.exists("pyproject.toml") else {}
    nox: Reader = lambda files, _: runners.nox_commands(files)  # noqa: E731
    # A later declaration that runs with the environment's Python beats an earlier one that does
    # not (pdm's tox.ini runs `test`, a pdm script); any declaration beats pytest's configuration.
    unsure = None
    for read in (runners.tox_commands, nox, _hatch, _makefile, _pipfile, _pdm):
        for where, commands in read(files, pyproject):
            found = _decide(commands, where)
            if found is not None and found.certain:
                return found
            unsure = unsure or found
    return unsure or _pytest_config(files, pyproject) or _test_files(files)


# ---- deciding among a source's commands -------------------------------------------------------
def _decide(commands: Iterable[Command], source: str) -> TestCommand | None:
    """The first command that runs with the environment's Python; certain unless a command the
    environment cannot run comes before it (it may prepare what the tests need)."""
    before: list[str] = []
    for raw in commands:
        kind, argv, env = _classify(raw)
        text = raw.text if isinstance(raw, Opaque) else raw if isinstance(raw, str) else shlex.join(raw)
        text = _excerpt(text.replace(DROP, "…"))
        if kind == _RUN:
            note = f"the project runs {before[0]!r} first" if before else ""
            return TestCommand(argv, source, not before, text, env, note)
        before += [text] if kind == _OTHER else []
    note = "not a command of the environment's Python"
    return TestCommand((), source, False, before[0], note=note) if before else None


def _classify(raw: Command) -> tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]]:
    try:
        words = [] if isinstance(raw, Opaque) else shlex.split(raw) if isinstance(raw, str) else list(raw)
    except ValueError:  # an unclosed quote
        words = []
    words = words[1:] if words[:1] in (["-"], ["!"]) else words  # tox, hatch: "- cmd" ignores its exit
    env = []
    while len(words) > 1 and (assign := _ASSIGN.fullmatch(words[0])):
        env.append((assign[1], assign[2]))
        words = words[1:]
    words = _unwrap(words)
    if not words or DROP in words[0]:
        return _OTHER, (), ()
    args = tuple(_without_placeholders(words[1:]))
    program = words[0].rsplit("/", 1)[-1]
    if _PYTHON.fullmatch(program):
        module, sub = (args[1], args[2:3]) if args[:1] == ("-m",) and len(args) > 1 else ("", ())
        if module == "pip" or (sub and sub[0] in _SETUP.get(module, ())):
            return _SKIP, (), ()
        unsafe = not args or args[0].startswith(("/", "..")) or args[0] == "setup.py"  # `setup.py test`: gone
        return (_OTHER if unsafe else _RUN), args, tuple(env)
    if program.rstrip("0123456789.") == "pip" or (args[:1] and args[0] in _SETUP.get(program, ())):
        return _SKIP, (), ()
    if program in _MODULES:
        return _RUN, ("-m", _MODULES[program], *args), tuple(env)
    return (_SKIP if program in _HARMLESS else _OTHER), (), ()


def _unwrap(words: list[str]) -> list[str]:
    """`pipenv run pytest` is pytest in the environment, whichever tool keeps it now."""
    if len(words) > 2 and words[1] == "run" and words[0] in _WRAPPERS:
        rest = words[2:]
        while rest and rest[0] in ("--frozen", "--locked", "--no-sync", "--active", "-q", "--quiet"):
            rest = rest[1:]
        return [] if rest and rest[0].startswith("-") else rest
    if len(words) > 2 and words[1] == "run" and words[0] in _NAMED_RUNNERS:
        rest = words[2:]
        while rest and rest[0].startswith("-"):
            rest = rest[2:] if rest[0] in ("-n", "--name", "-p", "--prefix") else rest[1:]
        return rest
    return words


def _without_placeholders(args: list[str]) -> list[str]:
    kept: list[str] = []
    for arg in args:
        if DROP not in arg:
            kept.append(arg)
        elif kept and kept[-1].startswith("-") and "=" not in kept[-1] and not arg.startswith("-"):
            kept.pop()  # `--junitxml {work_dir}/junit.xml`: the option goes with its value
    return kept


def _shell(text: str) -> Command:
    """A command a shell runs (Makefile, hatch): opaque if the shell would change its words."""
    quote = ""
    for char in text:
        if quote == "'":
            quote = "" if char == "'" else quote
        elif char in "$`\\" or (not quote and char in "|&;<>()*?~#\n"):
            return Opaque(text)
        elif char == '"' or (char == "'" and not quote):
            quote = "" if quote == char else char
    return text


def _excerpt(text: str) -> str:
    line = " ".join(mask(text).split())
    return line if len(line) <= 120 else line[:119] + "…"


def _expand(path: str, text: str, lookup: runners.Lookup) -> str:
    try:
        return runners.substitute(text, lookup)
    except RecursionError as exc:
        raise FileError(path, f"cannot be read: {exc}") from None


# ---- hatch, Makefile, Pipfile and pdm scripts --------------------------------------------------
def _hatch(files: ProjectFiles, pyproject: Mapping[str, Any]) -> Found:
    hatch = as_mapping(as_mapping(pyproject.get("tool")).get("hatch"))
    hatch_toml = files.toml("hatch.toml") if files.exists("hatch.toml") else {}
    for path, where, data in (("hatch.toml", "", hatch_toml), ("pyproject.toml", "tool.hatch.", hatch)):
        envs = as_mapping(data.get("envs"))
        for env, name in itertools.product(("default", "test", "tests"), ("test", "tests")):
            scripts = as_mapping(as_mapping(envs.get(env)).get("scripts"))
            if name in scripts:  # hatch runs scripts with a shell, {args} filled
                lines = _hatch_script(scripts, name, 0)
                commands = [_shell(_expand(path, line, runners.placeholder)) for line in lines]
                return [(f"{path} [{where}envs.{env}.scripts] {name}", commands)]
        if "hatch-test" in envs:  # `hatch test` runs pytest in that environment
            return [(f"{path} [{where}envs.hatch-test]", [("pytest",)])]
    return []


def _hatch_script(scripts: Mapping[str, Any], name: str, depth: int) -> list[str]:
    """A script's commands; one naming another script becomes that script's commands with the
    words after the name appended to each, as hatch expands them."""
    value = scripts.get(name)
    out = []
    for command in [value] if isinstance(value, str) else value if isinstance(value, list) else []:
        first, _, args = str(command).removeprefix("- ").strip().partition(" ")
        if first in scripts and first != name and depth < 8:
            out += [f"{c} {args}".strip() for c in _hatch_script(scripts, first, depth + 1)]
        else:
            out.append(str(command))
    return out


_MAKE_ASSIGN = re.compile(r"(?:export\s+|override\s+)?([A-Za-z_][\w.-]*)\s*(\?=|::?=|\+=|!=|=)\s*(.*)")
_MAKE_REF = re.compile(r"\$(?:\(([^()$]*)\)|\{([^{}$]*)\}|([^({]))")


def _makefile(files: ProjectFiles, pyproject: Mapping[str, Any]) -> Found:
    """The recipe of ``test:`` (or ``tests:``), after its prerequisites' recipes, with the file's
    own variables expanded; make runs each line with a shell."""
    path = next((p for p in ("GNUmakefile", "makefile", "Makefile") if files.exists(p)), "")
    variables: dict[str, str] = {}
    rules: dict[str, tuple[list[str], list[str]]] = {}
    recipe: list[str] | None = None
    for line in files.text(path).replace("\\\n", " ").splitlines() if path else []:
        if line.startswith("\t"):
            if recipe is not None:  # without make's echo and ignore-errors marks
                recipe.append(line.strip().lstrip("@-+ "))
        elif line.strip() and not line.lstrip().startswith("#"):
            recipe = None
            if assign := _MAKE_ASSIGN.match(line):
                name, operator, value = assign.groups()
                value = f"{variables.get(name, '')} {value}".strip() if operator == "+=" else value
                if operator != "?=" or name not in variables:
                    variables[name] = value if operator != "!=" else "$(shell)"
                continue
            targets, colon, rest = line.partition(":")
            prerequisites, _, inline = rest.lstrip(":").partition(";")
            if colon and not rest.startswith("=") and "=" not in prerequisites:
                recipe = [inline.strip()] if inline.strip() else []
                for target in targets.split():
                    rules.setdefault(target, (prerequisites.partition("#")[0].split(), recipe))

    def commands(target: str, depth: int) -> list[Command]:
        prerequisites, lines = rules.get(target, ([], []))
        first = [c for p in prerequisites if depth < 3 for c in commands(p, depth + 1)]
        return first + [_shell(_make_expand(line, variables, 0)) for line in lines]

    return [(f"{path} {t}:", commands(t, 0)) for t in ("test", "tests") if t in rules][:1]


def _make_expand(text: str, variables: Mapping[str, str], depth: int) -> str:
    """Make's variables from the file's own assignments; anything else stays (and reads as shell)."""

    def value(match: re.Match[str]) -> str:
        name = next(g for g in match.groups() if g is not None)
        if name in variables and depth < 8 and len(text) < runners.LIMIT:
            return _make_expand(variables[name], variables, depth + 1)
        return match[0]

    return _MAKE_REF.sub(value, text)


def _pipfile(files: ProjectFiles, pyproject: Mapping[str, Any]) -> Found:
    """pipenv's [scripts]: split as pipenv splits them (no shell); a call as pipenv rewrites it."""
    scripts = as_mapping(files.toml("Pipfile").get("scripts")) if files.exists("Pipfile") else {}
    for name in ("test", "tests"):
        value = scripts.get(name)
        if isinstance(value, Mapping) and isinstance(value.get("call"), str):
            module, _, func = value["call"].partition(":")
            value = ("python", "-c", f"import {module} as _m; _m.{func if '(' in func else func + '()'}")
        if isinstance(value, (str, tuple)):
            return [(f"Pipfile [scripts] {name}", [value])]
        if isinstance(value, list):
            return [(f"Pipfile [scripts] {name}", [c for c in value if isinstance(c, str)])]
    return []


def _pdm(files: ProjectFiles, pyproject: Mapping[str, Any]) -> Found:
    scripts = as_mapping(as_mapping(as_mapping(pyproject.get("tool")).get("pdm")).get("scripts"))
    found = [n for n in ("test", "tests") if n in scripts][:1]
    return [(f"pyproject.toml [tool.pdm.scripts] {n}", _pdm_script(scripts, n, "", 0)) for n in found]


def _pdm_script(scripts: Mapping[str, Any], name: str, args: str, depth: int) -> list[Command]:
    """pdm's forms: a command (split, no shell; {args} filled), shell, call, composite."""
    value = scripts.get(name)
    table = as_mapping(value)
    cmd = value if isinstance(value, str) else table.get("cmd")

    def args_only(expr: str, depth: int) -> str | None:  # pdm fills {args} and nothing else
        name, _, default = expr.partition(":")
        return runners.substitute(default, args_only, depth + 1) if name == "args" else None

    if isinstance(cmd, str):
        extra = f" {args}" if args and "{args" not in cmd else ""  # pdm appends them when not placed
        return [_expand("pyproject.toml", cmd, args_only) + extra]
    if isinstance(cmd, list):
        return [tuple(str(word) for word in cmd) + tuple(shlex.split(args))]
    if isinstance(table.get("shell"), str):
        return [_shell(table["shell"])]
    if isinstance(table.get("call"), str):
        module, _, func = table["call"].partition(":")
        call = func if "(" in func else f"{func}()"
        return [("python", "-c", f"import sys, {module} as _1; sys.exit(_1.{call})")]
    out: list[Command] = []
    for item in table.get("composite", []) if depth < 8 else []:
        first, _, rest = str(item).partition(" ")
        out += _pdm_script(scripts, first, rest, depth + 1) if first in scripts else [str(item)]
    return out


# ---- inferred: pytest's configuration, test files ---------------------------------------------
def _pytest_config(files: ProjectFiles, pyproject: Mapping[str, Any]) -> TestCommand | None:
    pytest = as_mapping(as_mapping(pyproject.get("tool")).get("pytest"))
    table = "tool.pytest.ini_options" if "ini_options" in pytest else "tool.pytest"
    found = [f"pyproject.toml [{table}]"] if pytest else []
    found += [p for p in ("pytest.ini", ".pytest.ini") if files.exists(p)]
    for path, section in (("setup.cfg", "tool:pytest"), ("tox.ini", "pytest")):
        if files.exists(path) and re.search(rf"^\[{section}\]", files.text(path), re.MULTILINE):
            found.append(f"{path} [{section}]")
    found += [p for p in ("conftest.py", "tests/conftest.py", "test/conftest.py") if files.exists(p)]
    return TestCommand(("-m", "pytest"), found[0], True, "pytest") if found else None


_SKIP_DIRS = {"node_modules", "build", "dist", "site-packages", "__pycache__", "venv", "env", "docs"}
_DEPENDENCY_FILES = ("pyproject.toml", "setup.cfg", "setup.py", "Pipfile", "*.txt", "*.in", "requirements/*")
_IMPORTS = r"^\s*(?:import|from)\s+{}\b"


def _test_files(files: ProjectFiles) -> TestCommand | None:
    """Test files with no runner declared: unittest's discovery when they use only unittest."""
    found, seen = [], 0
    for folder, dirs, names in os.walk(files.root):
        rel = os.path.relpath(folder, files.root).replace(os.sep, "/")
        prefix = "" if rel == "." else f"{rel}/"
        dirs[:] = sorted(d for d in dirs if prefix.count("/") < 6 and d[0] != "." and d not in _SKIP_DIRS)
        found += [prefix + n for n in sorted(names) if re.fullmatch(r"test.*\.py|.*_test\.py", n)]
        seen += len(names)
        if seen > 20_000 or len(found) > 200:  # a project's tests show well before that
            break
    if not found:
        return None
    texts = "\n".join(_read(files, path) for path in found[:100])
    deps = "\n".join(_read(files, p) for pattern in _DEPENDENCY_FILES for p in files.glob(pattern)[:50])
    if re.search(_IMPORTS.format("pytest"), texts, re.MULTILINE) or re.search(r"\bpytest\b", deps):
        return TestCommand(("-m", "pytest"), "test files, pytest in the dependencies", True, "pytest")
    if not re.search(_IMPORTS.format("unittest"), texts, re.MULTILINE):
        note = "no test runner declared; pytest also runs unittest's tests"
        return TestCommand(("-m", "pytest"), f"test files ({found[0]})", False, "pytest", note=note)
    names = [path.rsplit("/", 1)[-1] for path in found]
    pattern = () if all(n.startswith("test") for n in names) else ("-p", "*_test.py")
    pattern = ("-p", "*test*.py") if pattern and not all(n.endswith("_test.py") for n in names) else pattern
    top = found[0].partition("/")[0]
    alone = all(path.startswith(f"{top}/") for path in found) and not files.exists(f"{top}/__init__.py")
    argv = ("-m", "unittest", "discover", *(("-s", top) if alone else ()), *pattern)
    source = "test files using unittest, no pytest in the dependencies"
    return TestCommand(argv, source, True, shlex.join(argv[1:]))


def _read(files: ProjectFiles, path: str) -> str:
    try:
        return files.text(path)
    except FileError:  # an unreadable file says nothing about the test runner
        return ""


__all__: Sequence[str] = ["TestCommand", "find_test_command"]
