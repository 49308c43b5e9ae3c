"""Strict, located, bounded YAML reading for the files people write (rules, answers,
team files, the user config) and for a template's copier.yml.

PyYAML follows YAML 1.1, where ``yes`` is a boolean and ``3.10`` is the float 3.1.
Files written by people must not be silently misread, so ``load_located`` composes the
YAML node tree and resolves scalars itself: only ``true``/``false`` are booleans,
YAML 1.1 booleans such as ``yes``/``on`` are reported, and every value keeps its
``file:line:column`` so problems can point at it. Duplicate keys are reported too
(PyYAML would keep the last one silently).

Every reader here is bounded in time and memory whatever the input: composing a YAML
tree never expands aliases (an alias is the same node met again), so ``load_located``
refuses aliases with one problem, and ``load_documents`` (copier.yml, where templates
may share a value with an anchor) counts the values aliases would expand to, refusing
more than ``NODE_LIMIT``: an alias bomb of a few hundred bytes is one line at once.
Nesting is bounded too (deeper, building the value would exhaust Python's stack).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import yaml

from pickenv.errors import FileProblemsError, Problem
from pickenv.excerpts import EXCERPT as EXCERPT  # re-exported: readers import them from here
from pickenv.excerpts import excerpt as excerpt
from pickenv.excerpts import parser_reason

try:  # the C parser is several times faster when libyaml is available
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}
_NULLS = {"", "~", "null"}
_STR_TAG = "tag:yaml.org,2002:str"

MAX_DEPTH = 64  # nesting levels: rules files use 6, copier.yml files fewer than 10
MAX_SHOWN = 10  # located problems printed before "and N more"
NODE_LIMIT = 100_000  # values of a copier.yml and its includes, aliases expanded
INCLUDE_DEPTH = 8  # a copier.yml including a file that includes a file ...

E = TypeVar("E", bound=FileProblemsError)


@dataclass(frozen=True)
class Located:
    """A YAML value with where it was written.

    ``value`` is text, a bool, a number, None, a ``list[Located]`` or a ``dict[str, Located]``.
    ``text`` keeps an unquoted number as written, so callers can ask for quotes
    and show "3.10" rather than the 3.1 YAML made of it.
    """

    value: object
    file: str
    line: int
    column: int
    keys: dict[str, Located] = field(default_factory=dict, compare=False)
    text: str | None = field(default=None, compare=False)  # a plain number as written

    @property
    def plain_number(self) -> bool:
        return self.text is not None

    def problem(self, message: str) -> Problem:
        return Problem(self.file, self.line, self.column, message)

    def key_problem(self, key: str, message: str) -> Problem:
        where = self.keys.get(key, self)
        return where.problem(message)

    def kind(self) -> str:
        """What the value is, without it: for a whole file, whose one value may be the
        whole content of a file that is not YAML at all (/etc/passwd)."""
        if isinstance(self.value, bool):
            return "true or false"
        if isinstance(self.value, int | float):
            return "a number"
        return "text" if isinstance(self.value, str) else self.describe()

    def describe(self) -> str:
        if isinstance(self.value, dict):
            return "a mapping"
        if isinstance(self.value, list):
            return "a list"
        if self.value is None:
            return "nothing (null)"
        return excerpt(self.value)


def foreign(root: Located, keys: Sequence[str], what: str) -> Problem | None:
    """The one problem of a mapping with none of ``keys`` at its top: not ``what`` at all (a
    JSON document, ``name: value`` lines); listing its keys as unknown would print it back."""
    if not isinstance(root.value, dict) or not root.value or set(root.value) & set(keys):
        return None
    first = excerpt(next(iter(root.value)), 40)
    return root.problem(f"not {what}: none of its top-level keys ({first}, ...) is one of {', '.join(keys)}")


def _explicit_str(node: yaml.ScalarNode, source: str) -> bool:
    # The node does not say whether its tag was written or inferred; the text does.
    return node.tag == _STR_TAG and source[node.start_mark.index : node.start_mark.index + 1] == "!"


def _resolve(node: yaml.ScalarNode, file: str, problems: list[Problem], source: str) -> Located:
    mark = node.start_mark
    line, column = mark.line + 1, mark.column + 1
    text = node.value
    if node.style or _explicit_str(node, source):  # quoted, block or `!!str`: always a string
        return Located(text, file, line, column)
    lowered = text.lower()
    if lowered in _NULLS:
        return Located(None, file, line, column)
    if lowered in ("true", "false"):
        return Located(lowered == "true", file, line, column)
    if lowered in _YAML11_BOOLS:
        why = f"ambiguous value {text!r}: YAML 1.1 reads it as a boolean; "
        why += f'write true or false, or quote it ("{text}")'
        problems.append(Problem(file, line, column, why))
        return Located(text, file, line, column)
    if len(text) > 64:  # not a number anyone writes (and int() refuses 4,300 digits)
        return Located(text, file, line, column)
    if _INT.match(text):
        return Located(int(text), file, line, column, text=text)
    if _FLOAT.match(text):
        return Located(float(text), file, line, column, text=text)
    return Located(text, file, line, column)


class _Refused(Exception):
    """The whole file is refused (an alias, nesting too deep): ``problem`` says why, alone."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def _convert(node: yaml.Node, file: str, problems: list[Problem], seen: set[int], source: str,
             depth: int = 0) -> Located:  # fmt: skip
    mark = node.start_mark
    line, column = mark.line + 1, mark.column + 1
    if id(node) in seen:
        # An alias (*name) is the same node met again. Expanding aliases lets a tiny file
        # grow without bound ("billion laughs") or loop forever, so they are refused; an
        # alias node is the anchored one, so where the alias is written only events say.
        first_line, first_column, count = _first_alias(source)
        also = f" (and {count - 1} more alias{'es' if count > 2 else ''})" if count > 1 else ""
        message = f"YAML aliases (*name) are not supported; write the value out{also}"
        raise _Refused(Problem(file, first_line, first_column, message))
    seen.add(id(node))
    if depth > MAX_DEPTH:
        raise _Refused(Problem(file, line, column, f"nested deeper than {MAX_DEPTH} levels"))
    if isinstance(node, yaml.ScalarNode):
        return _resolve(node, file, problems, source)
    if isinstance(node, yaml.SequenceNode):
        items = [_convert(n, file, problems, seen, source, depth + 1) for n in node.value]
        return Located(items, file, line, column)
    assert isinstance(node, yaml.MappingNode)
    values: dict[str, Located] = {}
    keys: dict[str, Located] = {}
    for key_node, value_node in node.value:
        key = _convert(key_node, file, problems, seen, source, depth + 1)
        if not isinstance(key.value, str):
            problems.append(key.problem(f"keys must be text, not {key.describe()}"))
            continue
        if key.value in values:
            problems.append(key.problem(f"duplicate key {excerpt(key.value)}"))
            continue
        keys[key.value] = key
        values[key.value] = _convert(value_node, file, problems, seen, source, depth + 1)
    return Located(values, file, line, column, keys=keys)


def _first_alias(text: str) -> tuple[int, int, int]:
    """Line and column of the first alias in ``text``, and how many there are."""
    where, count = (1, 1), 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                if not count and event.start_mark is not None:
                    where = (event.start_mark.line + 1, event.start_mark.column + 1)
                count += 1
    except yaml.YAMLError:
        pass  # invalid YAML after its aliases: reported by whoever parses it
    return where[0], where[1], count


def load_located(text: str, file: str) -> tuple[Located | None, list[Problem]]:
    """Parse ``text`` and return the located tree and problems; the tree is ``None`` for an
    empty file and for one refused whole (invalid YAML, aliases)."""
    problems: list[Problem] = []
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [Problem(file, line, column, f"invalid YAML: {parser_reason(exc)}")]
    except yaml.YAMLError as exc:
        return None, [Problem(file, 1, 1, f"invalid YAML: {parser_reason(exc)}")]
    if node is None:
        return None, problems
    try:
        return _convert(node, file, problems, set(), text), problems
    except _Refused as refused:
        # Refused whole, as invalid YAML is: what else its keys get wrong (an alias
        # bomb's keys are all unknown) would only bury the one line that matters.
        return None, [refused.problem]


def plain(located: Located) -> object:
    """Strip locations: the plain Python value."""
    if isinstance(located.value, list):
        return [plain(v) for v in located.value]
    if isinstance(located.value, dict):
        return {k: plain(v) for k, v in located.value.items()}
    return located.value


# ---- at most a handful of problems -------------------------------------------------


class MoreProblems(Problem):
    """The line that stands for the problems not printed."""

    __slots__ = ()

    def __str__(self) -> str:
        return self.message


def trimmed(error: E) -> E:
    """``error`` printing at most ``MAX_SHOWN`` located problems, then "and N more
    problems": a file with hundreds of mistakes is a screenful, not a scroll. Its
    one-line message still counts them all."""
    if len(error.problems) <= MAX_SHOWN:
        return error
    rest = len(error.problems) - MAX_SHOWN
    shown = error.problems[:MAX_SHOWN]
    more = MoreProblems(shown[-1].file, sys.maxsize, 0, f"and {rest} more problem{'s' if rest > 1 else ''}")
    error.problems = (*shown, more)
    return error


# ---- copier.yml: aliases bounded, !include followed --------------------------------


class YAMLInputError(ValueError):
    """A YAML input pickenv will not read: ``file:line: why``."""


# (pattern, the including file) -> the included files' (name, text), in order
Include = Callable[[str, str], Sequence[tuple[str, str]]]


@dataclass
class _Budget:  # shared by a copier.yml and the files it includes
    nodes: int = NODE_LIMIT


def _where(file: str, node: yaml.Node) -> str:
    return f"{file}:{node.start_mark.line + 1}"


def _spend(node: yaml.Node, file: str, source: str, budget: _Budget) -> None:
    """Count the values ``node`` stands for with every alias expanded, without
    expanding any (each node's size is computed once); refuse loops, deep nesting
    and more than the budget allows."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # the path from the root to the node being counted
    stack: list[tuple[yaml.Node, int, bool]] = [(node, 0, False)]
    while stack:
        current, depth, done = stack.pop()
        key = id(current)
        children: list[yaml.Node] = []
        if isinstance(current, yaml.SequenceNode):
            children = list(current.value)
        elif isinstance(current, yaml.MappingNode):
            children = [n for pair in current.value for n in pair]
        if done:
            open_nodes.discard(key)
            sizes[key] = min(1 + sum(sizes[id(c)] for c in children), budget.nodes + 1)
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise YAMLInputError(f"{_where(file, current)}: a YAML alias refers to the value it is in")
        if depth > MAX_DEPTH:
            raise YAMLInputError(f"{_where(file, current)}: nested deeper than {MAX_DEPTH} levels")
        open_nodes.add(key)
        stack.append((current, depth, True))
        stack.extend((c, depth + 1, False) for c in children if id(c) not in sizes)
    budget.nodes -= sizes[id(node)]
    if budget.nodes < 0:
        line, _, _ = _first_alias(source)
        raise YAMLInputError(
            f"{file}:{line}: more than {NODE_LIMIT:,} values once its YAML aliases are expanded "
            "(an alias bomb?); write the values out"
        )


def flatten(items: Any) -> list[Any]:
    """Lists in lists made one list, as copier does with documents and includes."""
    out: list[Any] = []
    for item in items:
        out.extend(flatten(item) if isinstance(item, list | tuple) else [item])
    return out


def load_documents(
    text: str,
    file: str,
    include: Include | None = None,
    budget: _Budget | None = None,
    chain: tuple[str, ...] = (),
) -> list[Any]:
    """The documents of a copier.yml, as copier reads them (``!include PATTERN``: the
    documents of the files it matches, flattened into a list), bounded: aliases within
    ``NODE_LIMIT`` values over the file and everything it includes, includes at most
    ``INCLUDE_DEPTH`` deep and never in a loop. Raises YAMLInputError."""
    budget = budget or _Budget()

    class Loader(_Loader):
        """A safe loader for this one file: !include reads through ``include``."""

    def construct_include(loader: yaml.BaseLoader, node: yaml.Node) -> list[Any]:
        if not isinstance(node, yaml.ScalarNode) or not node.value.strip():
            raise YAMLInputError(f"{_where(file, node)}: !include takes a file name or a glob pattern")
        if include is None:
            raise YAMLInputError(f"{_where(file, node)}: !include is not allowed here")
        found: list[Any] = []
        for name, sub in include(str(node.value).strip(), file):
            if name in (*chain, file):
                raise YAMLInputError(f"{_where(file, node)}: !include {name} includes itself (a loop)")
            if len(chain) >= INCLUDE_DEPTH:
                raise YAMLInputError(f"{_where(file, node)}: !include nested more than {INCLUDE_DEPTH} deep")
            found.extend(flatten(d for d in load_documents(sub, name, include, budget, (*chain, file)) if d))
        return found

    Loader.add_constructor("!include", construct_include)
    documents: list[Any] = []
    loader = Loader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            assert node is not None  # check_node() said there is one
            _spend(node, file, text, budget)
            documents.append(loader.construct_document(node))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YAMLInputError(f"{file}:{line}: not valid YAML ({parser_reason(exc)})") from None
    except yaml.YAMLError as exc:
        raise YAMLInputError(f"{file}: not valid YAML ({parser_reason(exc)})") from None
    except RecursionError:  # includes within deeply nested values: Python's stack, not the budget
        raise YAMLInputError(f"{file}: nested too deep with its includes") from None
    finally:
        loader.dispose()
    return documents


# copier merges these lists over all documents; any other key: the last document wins.
_MERGED = ("_exclude", "_jinja_extensions", "_secret_questions", "_skip_if_exists")


def copier_config(
    name: str, read: Callable[[str], str], files: Sequence[str]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A template's copier.yml as copier's ``load_template_config`` reads it, and the
    documents it was merged from: ``!include PATTERN`` (a glob over the template's
    ``files``, relative to its root) brings the documents of the files it matches.
    ``read`` gives a file's text, bounded. Raises YAMLInputError."""
    from pickenv.inputs import glob_match

    def include(pattern: str, parent: str) -> list[tuple[str, str]]:
        if pattern.startswith(("/", "~")) or ".." in pattern.split("/"):
            raise YAMLInputError(f"{parent}: !include {pattern[:EXCERPT]} names files outside the template")
        return [(path, read(path)) for path in sorted(f for f in files if glob_match(pattern, f))]

    documents = flatten(d for d in load_documents(read(name), name, include) if d)
    merged: dict[str, list[Any]] = {}
    for document in documents:
        if not isinstance(document, dict):
            raise YAMLInputError(f"{name}: not a mapping of settings and questions")
        for option in (o for o in _MERGED if o in document):
            if not isinstance(document[option], list | str):  # copier would crash on it
                raise YAMLInputError(f"{name}: {option} must be a list")
            merged.setdefault(option, []).extend(document[option])  # text: its letters, as copier does
    config: dict[str, Any] = {}
    for document in documents:
        config.update(document)
    return {**config, **merged}, documents
