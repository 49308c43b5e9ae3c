"""Reading one rule, condition or list out of a located YAML tree, collecting every
problem with its ``file:line:column`` instead of stopping at the first."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pickenv.errors import Problem
from pickenv.questionnaire.questions import QUESTION_IDS, Value, did_you_mean, format_value, get_question
from pickenv.rules.model import Condition, Fact, NotConsidered, Rule, describe_values
from pickenv.versions import TARGETS, select_versions
from pickenv.yamlio import EXCERPT, Located, excerpt

ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
RULE_KEYS = (
    "id", "when", "exclude", "score", "advice", "needs", "warn", "end_of_life", "because", "source", "facts"
)  # fmt: skip
# A fact names what it claims, when it was checked, and one machine check (see model.Fact).
FACT_KEYS = (
    "claim", "checked", "source", "pypi", "release", "requires_python", "released", "last_for",
    "latest_requires_python", "wheels", "end_of_life", "tool", "contains",
)  # fmt: skip
_CHECKS = (
    "requires_python",
    "released",
    "last_for",
    "latest_requires_python",
    "wheels",
    "end_of_life",
    "tool",
)
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NOT_CONSIDERED_KEYS = ("tool", "when", "source", "include")


class Reader:
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
                f"unknown tool {excerpt(name)}{did_you_mean(name, tools)}; tools are: {', '.join(tools)}"
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
                        f"unknown key {excerpt(key)} in {what}{did_you_mean(key, keys)}; "
                        f"allowed: {', '.join(keys)}",
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
        migrated = question.migrate(item.value)
        if migrated != item.value:  # a value an earlier pickenv took (binary_deps: true)
            return frozenset([migrated])  # type: ignore[list-item]
        if question.kind == "version":
            if not isinstance(item.value, str):
                fix = f'"{item.text}"' if item.text is not None else '">=3.10"'
                self.error(
                    item,
                    f"python_version conditions must be quoted text such as {fix} "
                    f"(YAML reads an unquoted 3.10 as the number 3.1)",
                )
                return None
            if len(item.value) > EXCERPT:
                self.error(item, f"python_version {excerpt(item.value)} is longer than any specifier")
                return None
            try:
                versions = select_versions(item.value)
            except ValueError as exc:
                self.error(item, f"bad python_version specifier: {exc}")
                return None
            if not versions:
                self.error(
                    item,
                    f"python_version {excerpt(item.value)} matches none of {', '.join(TARGETS)}",
                )
                return None
            return frozenset(versions)
        if item.value not in question.values or isinstance(item.value, bool) != (question.kind == "bool"):
            allowed = ", ".join(format_value(v) for v in question.values)
            shown = item.value if item.value is not None else "null"
            self.error(
                item,
                f"invalid value {excerpt(shown)} for {question_id}"
                f"{did_you_mean(str(shown), [format_value(v) for v in question.values])}; "
                f"allowed: {allowed}",
            )
            return None
        return frozenset([item.value])

    def rule(self, node: Located, tools: Sequence[str]) -> Rule | None:
        fields = self.mapping(node, "a rule", RULE_KEYS)
        if fields is None:
            return None
        before = len(self.problems)
        rule_id = self.text(fields["id"], "id") if "id" in fields else None
        if "id" not in fields:
            self.error(node, "rule has no `id`; add a unique kebab-case id such as `id: my-rule`")
        elif rule_id is not None and not ID.match(rule_id):
            self.error(fields["id"], f"rule id {excerpt(rule_id)} must be kebab-case: a-z, 0-9 and '-'")
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
        needs = self._per_tool(fields.get("needs"), tools, "needs")
        warn = (self.text(fields["warn"], "warn") or "") if "warn" in fields else ""
        end_of_life = self._date(fields["end_of_life"], "end_of_life") if "end_of_life" in fields else ""
        if end_of_life and (exclude or score or not warn):
            # A date must never change a winner: `rules check` judges the rules as of any day.
            self.error(
                fields["end_of_life"],
                "a rule with `end_of_life` only warns: give it `warn`, no score or exclude",
            )
        facts = self._facts(fields["facts"]) if "facts" in fields else []
        # Not when an effect was written but is invalid: that problem is already reported.
        no_effect = not exclude and not score and not advice and not needs and not warn
        if no_effect and "id" in fields and len(self.problems) == effects_before:
            self.error(
                node, f"rule {rule_id} has no effect: give it `exclude`, `score`, `advice`, `needs` or `warn`"
            )
        if len(self.problems) != before or rule_id is None:
            return None
        return Rule(
            id=rule_id,
            when=tuple(when),
            exclude=tuple(exclude),
            score=tuple((t, v) for t, v in score if isinstance(v, int)),
            advice=tuple((t, v) for t, v in advice if isinstance(v, str)),
            needs=tuple((t, v) for t, v in needs if isinstance(v, str)),
            end_of_life=end_of_life or "",
            facts=tuple(facts),
            warn=warn,
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
                text = self.text(value, f"{what} for {tool}")
                if text is not None:
                    out.append((tool, text))
        return out

    def _date(self, node: Located, what: str) -> str | None:
        text = node.value if isinstance(node.value, str) else ""
        if not DATE.match(text.strip()):
            self.error(node, f"{what} must be a date such as 2026-12-05, not {node.describe()}")
            return None
        return text.strip()

    def _facts(self, node: Located) -> list[Fact]:
        if not isinstance(node.value, list):
            self.error(node, f"`facts` must be a list, not {node.describe()}")
            return []
        facts = []
        for item in node.value:
            fields = self.mapping(item, "a fact", FACT_KEYS)
            if fields is None:
                continue
            missing = [key for key in ("claim", "checked") if key not in fields]
            kinds = [key for key in _CHECKS if key in fields]
            if missing or len(kinds) != 1:
                need = f"needs {', '.join(f'`{k}`' for k in missing)}" if missing else ""
                how = "" if len(kinds) == 1 else f"one check ({', '.join(_CHECKS)})"
                self.error(item, f"a fact {need}{' and ' if need and how else ''}{how}")
                continue
            if kinds[0] not in ("end_of_life", "tool") and "pypi" not in fields:
                self.error(item, f"a `{kinds[0]}` fact names its package with `pypi`")
                continue
            checked = self._date(fields["checked"], "checked")
            values: dict[str, str] = {}
            for key, value in fields.items():
                if key in ("claim", "checked"):
                    continue
                if isinstance(value.value, list):
                    values[key] = " ".join(str(v.value) for v in value.value)
                elif isinstance(value.value, str | int | float) and not isinstance(value.value, bool):
                    values[key] = str(value.value)
                else:
                    self.error(value, f"fact key `{key}` takes text, not {value.describe()}")
            if "end_of_life" in values and self._date(fields["end_of_life"], "end_of_life") is None:
                continue
            claim = self.text(fields["claim"], "claim")
            if claim and checked:
                facts.append(Fact(claim, checked, tuple(values.items())))
        return facts

    def not_considered(self, node: Located) -> list[NotConsidered]:
        if not isinstance(node.value, list):
            self.error(node, f"`not_considered` must be a list, not {node.describe()}")
            return []
        notes = []
        for item in node.value:
            fields = self.mapping(item, "a `not_considered` entry", NOT_CONSIDERED_KEYS)
            if fields is None:
                continue
            missing = [key for key in ("tool", "when", "source") if key not in fields]
            if missing:
                self.error(item, f"a `not_considered` entry needs {', '.join(f'`{k}`' for k in missing)}")
                continue
            values = {
                key: self.text(value, key) for key, value in fields.items() if key in NOT_CONSIDERED_KEYS
            }
            if all(values.values()):
                notes.append(NotConsidered(**{k: v or "" for k, v in values.items()}))
        return notes
