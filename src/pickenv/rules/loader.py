"""Read rules files and layer them: built-in rules.yaml first, then team files.

Every problem is collected with its ``file:line:column`` and reported together, so
a person fixing a rules file sees all of them at once. A team layer may add rules
(``rules``), replace a rule by id (``override``, explicitly: re-using an id under
``rules`` is an error), turn rules off (``disable``) and reorder or add tools
(``tools``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pickenv.errors import Fix, Problem, RulesError
from pickenv.questionnaire.questions import QUESTION_IDS, Value, did_you_mean, format_value, get_question
from pickenv.rules.model import Condition, Rule, RuleSet, describe_values
from pickenv.versions import KNOWN_VERSIONS, select_versions
from pickenv.yamlio import Located, load_located

SCHEMA_VERSION = 1
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_BASE_KEYS = ("schema_version", "tools", "rules")
_LAYER_KEYS = (*_BASE_KEYS, "override", "disable")
_RULE_KEYS = ("id", "when", "exclude", "score", "advice", "because", "source")


@dataclass(frozen=True)
class RulesSource:
    """One layer: its text and the name to show in messages."""

    name: str
    text: str

    @classmethod
    def from_path(cls, path: Path) -> RulesSource:
        try:
            return cls(str(path), path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise RulesError([Problem(str(path), 1, 1, "rules file not found; check the path")]) from None
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise RulesError([Problem(str(path), 1, 1, f"cannot read rules file: {reason}")]) from None


class _Reader:
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems

    def error(self, where: Located, message: str) -> None:
        self.problems.append(where.problem(message))

    def text(self, node: Located, what: str) -> str | None:
        if isinstance(node.value, str) and node.value.strip():
            return node.value.strip()
        self.error(node, f"{what} must be non-empty text, not {node.describe()}")
        return None

    def tool(self, node: Located, tools: Sequence[str]) -> str | None:
        name = self.text(node, "a tool name")
        if name is None:
            return None
        if name not in tools:
            self.error(
                node,
                f"unknown tool {name!r}{did_you_mean(name, tools)}; tools are: {', '.join(tools)}"
                " (a team file may add tools under `tools:`)",
            )
            return None
        return name

    def str_list(self, node: Located, what: str) -> list[tuple[str, Located]]:
        items = node.value if isinstance(node.value, list) else [node]
        out = []
        for item in items:
            text = self.text(item, what)
            if text is not None:
                out.append((text, item))
        return out

    def mapping(self, node: Located, what: str, keys: Sequence[str]) -> dict[str, Located] | None:
        if not isinstance(node.value, dict):
            self.error(node, f"{what} must be a mapping, not {node.describe()}")
            return None
        result: dict[str, Located] = node.value
        for key in result:
            if key not in keys:
                self.problems.append(
                    node.key_problem(
                        key,
                        f"unknown key {key!r} in {what}{did_you_mean(key, keys)}; allowed: {', '.join(keys)}",
                    )
                )
        return result

    def condition(self, question_id: str, node: Located) -> Condition | None:
        question = get_question(question_id)
        negate = False
        body = node
        if isinstance(node.value, dict):
            inner = self.mapping(node, f"the condition on {question_id}", ("not",))
            if inner is None or "not" not in inner:
                if inner is not None:
                    self.error(node, f"a condition mapping needs `not:` (e.g. {question_id}: {{not: ...}})")
                return None
            negate, body = True, inner["not"]
        items = body.value if isinstance(body.value, list) else [body]
        if not items:
            self.error(body, f"empty list of values for {question_id}")
            return None
        allowed: set[Value] = set()
        written: list[Value] = []
        for item in items:
            values = self._values(question_id, item)
            if values is None:
                continue
            allowed |= values
            written.append(item.value)  # type: ignore[arg-type]
        if len(written) != len(items):
            return None
        if negate:
            allowed = set(question.values) - allowed
        text = ("not " if negate else "") + describe_values(written)
        if not allowed:
            self.error(node, f"the condition on {question_id} ({text}) matches no value")
            return None
        return Condition(question_id, frozenset(allowed), text)

    def _values(self, question_id: str, item: Located) -> frozenset[Value] | None:
        question = get_question(question_id)
        if question.kind == "version":
            if not isinstance(item.value, str):
                fix = f'"{item.text}"' if item.text is not None else '">=3.10"'
                self.error(
                    item,
                    f"python_version conditions must be quoted text such as {fix} "
                    f"(YAML reads an unquoted 3.10 as the number 3.1)",
                )
                return None
            try:
                versions = select_versions(item.value)
            except ValueError as exc:
                self.error(item, f"bad python_version specifier: {exc}")
                return None
            if not versions:
                self.error(
                    item,
                    f"python_version {item.value!r} matches none of {', '.join(KNOWN_VERSIONS)}",
                )
                return None
            return frozenset(versions)
        if item.value not in question.values or isinstance(item.value, bool) != (question.kind == "bool"):
            allowed = ", ".join(format_value(v) for v in question.values)
            shown = item.value if item.value is not None else "null"
            self.error(
                item,
                f"invalid value {shown!r} for {question_id}"
                f"{did_you_mean(str(shown), [format_value(v) for v in question.values])}; "
                f"allowed: {allowed}",
            )
            return None
        return frozenset([item.value])

    def rule(self, node: Located, tools: Sequence[str]) -> Rule | None:
        fields = self.mapping(node, "a rule", _RULE_KEYS)
        if fields is None:
            return None
        before = len(self.problems)
        rule_id = self.text(fields["id"], "id") if "id" in fields else None
        if "id" not in fields:
            self.error(node, "rule has no `id`; add a unique kebab-case id such as `id: my-rule`")
        elif rule_id is not None and not _ID.match(rule_id):
            self.error(fields["id"], f"rule id {rule_id!r} must be kebab-case: a-z, 0-9 and '-'")
        for required in ("because", "source"):
            if required not in fields:
                self.error(node, f"rule {rule_id or '?'} has no `{required}`; every rule needs one")
        because = self.text(fields["because"], "because") if "because" in fields else ""
        source = self.text(fields["source"], "source") if "source" in fields else ""
        when: list[Condition] = []
        if "when" in fields and fields["when"].value is not None:
            conditions = self.mapping(fields["when"], "`when`", QUESTION_IDS)
            for question_id, cond_node in (conditions or {}).items():
                if question_id in QUESTION_IDS:
                    condition = self.condition(question_id, cond_node)
                    if condition is not None:
                        when.append(condition)
        exclude: list[str] = []
        effects_before = len(self.problems)
        if "exclude" in fields:
            for _, item in self.str_list(fields["exclude"], "a tool name"):
                name = self.tool(item, tools)
                if name is not None:
                    exclude.append(name)
        score = self._per_tool(fields.get("score"), tools, "score")
        advice = self._per_tool(fields.get("advice"), tools, "advice")
        # Not when an effect was written but is invalid: that problem is already reported.
        no_effect = not exclude and not score and not advice
        if no_effect and "id" in fields and len(self.problems) == effects_before:
            self.error(node, f"rule {rule_id} has no effect: give it `exclude`, `score` or `advice`")
        if len(self.problems) != before or rule_id is None:
            return None
        return Rule(
            id=rule_id,
            when=tuple(when),
            exclude=tuple(exclude),
            score=tuple((t, v) for t, v in score if isinstance(v, int)),
            advice=tuple((t, v) for t, v in advice if isinstance(v, str)),
            because=because or "",
            source=source or "",
            origin=f"{node.file}:{node.line}",
        )

    def _per_tool(self, node: Located | None, tools: Sequence[str], what: str) -> list[tuple[str, int | str]]:
        if node is None:
            return []
        fields = self.mapping(node, f"`{what}`", tools)
        out: list[tuple[str, int | str]] = []
        for tool, value in (fields or {}).items():
            if tool not in tools:
                continue  # reported by mapping()
            if what == "score":
                if isinstance(value.value, bool) or not isinstance(value.value, int):
                    self.error(value, f"score for {tool} must be a whole number such as 3 or -2")
                elif not -100 <= value.value <= 100:
                    self.error(value, f"score for {tool} must be between -100 and 100")
                else:
                    out.append((tool, value.value))
            else:
                text = self.text(value, f"advice for {tool}")
                if text is not None:
                    out.append((tool, text))
        return out


def _layer(
    source: RulesSource,
    base: RuleSet | None,
    problems: list[Problem],
) -> RuleSet | None:
    root, parse_problems = load_located(source.text, source.name)
    problems.extend(parse_problems)
    if root is None:
        if not parse_problems:
            problems.append(Problem(source.name, 1, 1, "empty rules file; see rules.yaml for the format"))
        return None
    reader = _Reader(problems)
    keys = _BASE_KEYS if base is None else _LAYER_KEYS
    fields = reader.mapping(root, "the rules file", keys)
    if fields is None:
        return None
    version = fields.get("schema_version")
    if version is None:
        reader.error(root, f"missing `schema_version: {SCHEMA_VERSION}` at the top of the file")
    elif isinstance(version.value, bool) or version.value != SCHEMA_VERSION:
        reader.error(
            version, f"unsupported schema_version {version.value!r}; this pickenv reads {SCHEMA_VERSION}"
        )

    tools = _tools(reader, fields.get("tools"), base, root)
    if tools is None:
        return None
    rules: dict[str, Rule] = {r.id: r for r in base.rules} if base else {}
    disabled: list[str] = list(base.disabled) if base else []
    # Each id may appear once per file, whichever section: two mentions are a mistake.
    mentioned: dict[str, Located] = {}

    def first_mention(rule_id: str, item: Located) -> bool:
        if rule_id in mentioned:
            earlier = mentioned[rule_id]
            reader.error(
                item, f"rule id {rule_id!r} appears twice in this file (also at line {earlier.line})"
            )
            return False
        mentioned[rule_id] = item
        return True

    if "disable" in fields:
        for rule_id, item in reader.str_list(fields["disable"], "a rule id"):
            if not first_mention(rule_id, item):
                continue
            if rule_id not in rules:
                reader.error(item, f"cannot disable unknown rule {rule_id!r}{did_you_mean(rule_id, rules)}")
            else:
                del rules[rule_id]
                disabled.append(rule_id)
    for section in ("override", "rules"):
        node = fields.get(section)
        if node is None:
            continue
        if not isinstance(node.value, list):
            reader.error(node, f"`{section}` must be a list of rules, not {node.describe()}")
            continue
        for item in node.value:
            rule = reader.rule(item, tools)
            if rule is None or not first_mention(rule.id, item):
                continue
            if section == "override" and rule.id not in rules:
                reader.error(item, f"cannot override unknown rule {rule.id!r}{did_you_mean(rule.id, rules)}")
            elif section == "rules" and rule.id in rules:
                reader.error(
                    item,
                    f"rule id {rule.id!r} already exists ({rules[rule.id].origin}); "
                    "to replace it, put it under `override:`",
                )
            else:
                rules[rule.id] = rule
    files = (*base.files, source.name) if base else (source.name,)
    return RuleSet(tools=tools, rules=tuple(rules.values()), files=files, disabled=tuple(disabled))


def _tools(
    reader: _Reader, node: Located | None, base: RuleSet | None, root: Located
) -> tuple[str, ...] | None:
    if node is None:
        if base is None:
            reader.error(root, "missing `tools:` list")
            return None
        return base.tools
    if not isinstance(node.value, list) or not node.value:
        reader.error(node, f"`tools` must be a non-empty list, not {node.describe()}")
        return None
    names: list[str] = []
    for name, item in reader.str_list(node, "a tool name"):
        if not _ID.match(name):
            reader.error(item, f"tool name {name!r} must be lower-case: a-z, 0-9 and '-'")
        elif name in names:
            reader.error(item, f"tool {name!r} is listed twice")
        else:
            names.append(name)
    if base is not None:
        missing = [t for t in base.tools if t not in names]
        if missing:
            reader.error(
                node,
                f"`tools` must keep every tool of the layer below (missing: {', '.join(missing)}); "
                "to rule a tool out, add a rule that excludes it",
            )
    return tuple(names)


def load_rules(sources: Sequence[RulesSource]) -> RuleSet:
    """Layer ``sources`` (built-in first) into one RuleSet or raise RulesError."""
    problems: list[Problem] = []
    ruleset: RuleSet | None = None
    for index, source in enumerate(sources):
        layer = _layer(source, ruleset, problems)
        if layer is None or problems:
            if not problems:  # pragma: no cover - _layer always explains a None
                problems.append(Problem(source.name, 1, 1, "invalid rules file"))
            raise RulesError(problems, fixes=[Fix.CHECK_RULES_FILE])
        ruleset = layer
        del index
    if ruleset is None:
        raise RulesError([Problem("rules", 1, 1, "no rules files given")])
    return ruleset
