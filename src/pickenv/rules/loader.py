"""Read rules files and layer them: built-in rules.yaml first, then team files.

Every problem is collected with its ``file:line:column`` and reported together, so
a person fixing a rules file sees all of them at once. A team layer may add rules
(``rules``), replace a rule by id (``override``, explicitly: re-using an id under
``rules`` is an error), turn rules off (``disable``) and reorder or add tools
(``tools``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pickenv.errors import Fix, Problem, RulesError
from pickenv.inputs import RULES_LIMIT, InputError, read_text
from pickenv.questionnaire.questions import did_you_mean
from pickenv.rules.model import Rule, RuleSet
from pickenv.rules.reader import ID, Reader
from pickenv.yamlio import Located, excerpt, foreign, load_located, trimmed

SCHEMA_VERSION = 1
_BASE_KEYS = ("schema_version", "tools", "tie_break", "not_considered", "rules")
_LAYER_KEYS = (*_BASE_KEYS, "override", "disable")


@dataclass(frozen=True)
class RulesSource:
    """One layer: its text and the name to show in messages."""

    name: str
    text: str

    @classmethod
    def from_path(cls, path: Path) -> RulesSource:
        try:
            return cls(str(path), read_text(path, RULES_LIMIT))
        except InputError as exc:
            if str(exc) == "not found":
                raise RulesError([Problem(str(path), 1, 1, "rules file not found; check the path")]) from None
            raise RulesError([Problem(str(path), 1, 1, f"this rules file {exc}")]) from None


def _layer(
    source: RulesSource,
    base: RuleSet | None,
    problems: list[Problem],
) -> RuleSet | None:
    root, parse_problems = load_located(source.text, source.name)
    keys = _BASE_KEYS if base is None else _LAYER_KEYS
    # A file that is not a rules file at all (prose, /etc/passwd, a JSON document) is one
    # problem: what its values get wrong as YAML, or its keys, would only print it back.
    if root is not None and not isinstance(root.value, dict):
        message = f"the rules file must be a mapping (schema_version, rules...), not {root.kind()}"
        problems.append(root.problem(message))
        return None
    unrelated = foreign(root, keys, "a rules file") if root is not None else None
    if unrelated is not None:
        problems.append(unrelated)
        return None
    problems.extend(parse_problems)
    if root is None:
        if not parse_problems:
            problems.append(Problem(source.name, 1, 1, "empty rules file; see rules.yaml for the format"))
        return None
    reader = Reader(problems)
    fields = reader.mapping(root, "the rules file", keys)
    if fields is None:
        return None
    version = fields.get("schema_version")
    if version is None:
        reader.error(root, f"missing `schema_version: {SCHEMA_VERSION}` at the top of the file")
    elif isinstance(version.value, bool) or version.value != SCHEMA_VERSION:
        reader.error(
            version,
            f"unsupported schema_version {excerpt(version.value)}; this pickenv reads {SCHEMA_VERSION}",
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
                item, f"rule id {excerpt(rule_id)} appears twice in this file (also at line {earlier.line})"
            )
            return False
        mentioned[rule_id] = item
        return True

    if "disable" in fields:
        for rule_id, item in reader.str_list(fields["disable"], "a rule id"):
            if not first_mention(rule_id, item):
                continue
            if rule_id not in rules:
                reader.error(
                    item, f"cannot disable unknown rule {excerpt(rule_id)}{did_you_mean(rule_id, rules)}"
                )
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
                reader.error(
                    item, f"cannot override unknown rule {excerpt(rule.id)}{did_you_mean(rule.id, rules)}"
                )
            elif section == "rules" and rule.id in rules:
                reader.error(
                    item,
                    f"rule id {excerpt(rule.id)} already exists ({rules[rule.id].origin}); "
                    "to replace it, put it under `override:`",
                )
            else:
                rules[rule.id] = rule
    files = (*base.files, source.name) if base else (source.name,)
    # The tie-break reason explains an order: a layer that reorders the tools must
    # give its own, or ties are settled by an order nobody explained.
    tie_break = base.tie_break if base is not None and "tools" not in fields else ""
    if "tie_break" in fields:
        tie_break = reader.text(fields["tie_break"], "`tie_break`") or ""
    notes = {n.tool: n for n in (base.not_considered if base else ())}
    if "not_considered" in fields:
        notes.update({n.tool: n for n in reader.not_considered(fields["not_considered"])})
    return RuleSet(
        tools=tools,
        rules=tuple(rules.values()),
        files=files,
        disabled=tuple(disabled),
        tie_break=tie_break,
        not_considered=tuple(notes.values()),
    )


def _tools(
    reader: Reader, node: Located | None, base: RuleSet | None, root: Located
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
        if not ID.match(name):
            reader.error(item, f"tool name {excerpt(name)} must be lower-case: a-z, 0-9 and '-'")
        elif name in names:
            reader.error(item, f"tool {excerpt(name)} is listed twice")
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
            raise trimmed(RulesError(problems, fixes=[Fix.CHECK_RULES_FILE]))
        ruleset = layer
        del index
    if ruleset is None:
        raise RulesError([Problem("rules", 1, 1, "no rules files given")])
    return ruleset
