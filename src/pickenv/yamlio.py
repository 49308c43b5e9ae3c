"""Strict, located YAML reading for rules and answers files.

PyYAML follows YAML 1.1, where ``yes`` is a boolean and ``3.10`` is the float 3.1.
Files written by people must not be silently misread, so this module composes the
YAML node tree and resolves scalars itself: only ``true``/``false`` are booleans,
YAML 1.1 booleans such as ``yes``/``on`` are reported, and every value keeps its
``file:line:column`` so problems can point at it. Duplicate keys are reported too
(PyYAML would keep the last one silently).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from pickenv.errors import Problem

try:  # the C parser is several times faster when libyaml is available
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}
_NULLS = {"", "~", "null"}
_STR_TAG = "tag:yaml.org,2002:str"

Scalar = str | bool | int | float | None


@dataclass(frozen=True)
class Located:
    """A YAML value with where it was written.

    ``value`` is a Scalar, a ``list[Located]`` or a ``dict[str, Located]``.
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

    def describe(self) -> str:
        if isinstance(self.value, dict):
            return "a mapping"
        if isinstance(self.value, list):
            return "a list"
        if self.value is None:
            return "nothing (null)"
        return repr(self.value)


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
        problems.append(
            Problem(
                file,
                line,
                column,
                f"ambiguous value {text!r}: YAML 1.1 reads it as a boolean; "
                f'write true or false, or quote it ("{text}")',
            )
        )
        return Located(text, file, line, column)
    if _INT.match(text):
        return Located(int(text), file, line, column, text=text)
    if _FLOAT.match(text):
        return Located(float(text), file, line, column, text=text)
    return Located(text, file, line, column)


def _convert(node: yaml.Node, file: str, problems: list[Problem], seen: set[int], source: str) -> Located:
    mark = node.start_mark
    line, column = mark.line + 1, mark.column + 1
    if id(node) in seen:
        # An alias (*name) is the same node met again. Expanding aliases lets a tiny
        # file grow without bound ("billion laughs") or loop forever, so they are refused.
        problems.append(
            Problem(file, line, column, "YAML aliases (*name) are not supported; write the value out")
        )
        return Located(None, file, line, column)
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        return _resolve(node, file, problems, source)
    if isinstance(node, yaml.SequenceNode):
        return Located([_convert(n, file, problems, seen, source) for n in node.value], file, line, column)
    assert isinstance(node, yaml.MappingNode)
    values: dict[str, Located] = {}
    keys: dict[str, Located] = {}
    for key_node, value_node in node.value:
        key = _convert(key_node, file, problems, seen, source)
        if not isinstance(key.value, str):
            problems.append(key.problem(f"keys must be text, not {key.describe()}"))
            continue
        if key.value in values:
            problems.append(key.problem(f"duplicate key {key.value!r}"))
            continue
        keys[key.value] = key
        values[key.value] = _convert(value_node, file, problems, seen, source)
    return Located(values, file, line, column, keys=keys)


def load_located(text: str, file: str) -> tuple[Located | None, list[Problem]]:
    """Parse ``text`` and return the located tree (``None`` for an empty file) and problems."""
    problems: list[Problem] = []
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = exc.problem or exc.context or "invalid YAML"
        return None, [Problem(file, line, column, f"invalid YAML: {reason}")]
    except yaml.YAMLError as exc:
        return None, [Problem(file, 1, 1, f"invalid YAML: {exc}")]
    if node is None:
        return None, problems
    return _convert(node, file, problems, set(), text), problems


def plain(located: Located) -> object:
    """Strip locations: the plain Python value."""
    if isinstance(located.value, list):
        return [plain(v) for v in located.value]
    if isinstance(located.value, dict):
        return {k: plain(v) for k, v in located.value.items()}
    return located.value
