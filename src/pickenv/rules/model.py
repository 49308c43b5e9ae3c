"""The rule model: what a loaded, validated rules file means.

A rule fires when every condition in its ``when`` holds. A condition is the set of
allowed values of one question (version specifiers are expanded to the known
versions when the file is read), so matching is plain set membership.
"""

from __future__ import annotations

from collections.abc import Mapping

from pickenv.questionnaire.questions import Value, format_value
from pickenv.records import Record


# Records, not frozen dataclasses: every `pickenv recommend` defines them (pickenv.records).
class Condition(Record):
    question: str
    allowed: frozenset[Value]
    text: str  # as written, for people: ">=3.10", "[web, cli]", "not hpc"


class Fact(Record):
    """A versioned fact a rule rests on, the day it was last checked, and how a machine
    checks it again (``pickenv rules check --facts``): ``check`` holds the fact's keys
    as written (``pypi``, ``release``, ``requires_python``, ``released``, ``last_for``,
    ``latest_requires_python``, ``wheels``, ``end_of_life``, ``tool``, ``contains``)."""

    claim: str
    checked: str  # ISO date
    check: tuple[tuple[str, str], ...]

    def get(self, key: str) -> str:
        return dict(self.check).get(key, "")


class Rule(Record):
    id: str
    when: tuple[Condition, ...]
    exclude: tuple[str, ...]
    score: tuple[tuple[str, int], ...]
    advice: tuple[tuple[str, str], ...]
    warn: str  # a warning shown above the ranking when the rule fires ("" for none)
    because: str
    source: str
    origin: str  # "file:line" where the rule was written (or overridden)
    # What a tool needs besides itself to meet the answers (a stated "must" it cannot
    # meet alone): shown with the tool wherever it is ranked, never silent.
    needs: tuple[tuple[str, str], ...] = ()
    # An ISO date from which the warning applies by itself (an end of life): before
    # it the rule warns nothing. Such rules only warn (the loader checks it).
    end_of_life: str = ""
    facts: tuple[Fact, ...] = ()

    def matches(self, answers: Mapping[str, Value]) -> bool:
        return all(answers[c.question] in c.allowed for c in self.when)

    @property
    def tools(self) -> tuple[str, ...]:
        """Every tool this rule affects, in the order written."""
        seen: dict[str, None] = {}
        named = (*self.exclude, *(t for t, _ in self.score), *(t for t, _ in self.needs))
        for tool in (*named, *(t for t, _ in self.advice)):
            seen[tool] = None
        return tuple(seen)

    @property
    def advice_only(self) -> bool:
        """Changes no tool's eligibility or score (advice and warnings only)."""
        return not self.exclude and not self.score

    def when_text(self) -> str:
        if not self.when:
            return "always"
        return " and ".join(f"{c.question} {c.text}" for c in self.when)

    def effect_on(self, tool: str) -> str:
        """Short effect on one tool: ``excluded``, ``+3``, ``-2``, ``needs``, ``advice`` or ``""``."""
        if tool in self.exclude:
            return "excluded"
        for name, points in self.score:
            if name == tool:
                return f"{points:+d}"
        if self.needs_for(tool):
            return "needs"
        for name, _ in self.advice:
            if name == tool:
                return "advice"
        return ""

    def advice_for(self, tool: str) -> str | None:
        for name, text in self.advice:
            if name == tool:
                return text
        return None

    def needs_for(self, tool: str) -> str | None:
        for name, text in self.needs:
            if name == tool:
                return text
        return None

    def warns_on(self, today: str) -> bool:
        """Whether the warning applies on ``today`` (ISO date): always, or from the end of life on."""
        return bool(self.warn) and (not self.end_of_life or today >= self.end_of_life)

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "when": {c.question: c.text for c in self.when},
            "exclude": list(self.exclude),
            "score": dict(self.score),
            "advice": dict(self.advice),
            **({"needs": dict(self.needs)} if self.needs else {}),
            **({"warn": self.warn} if self.warn else {}),
            **({"end_of_life": self.end_of_life} if self.end_of_life else {}),
            **(
                {"facts": [{"claim": f.claim, "checked": f.checked, **dict(f.check)} for f in self.facts]}
                if self.facts
                else {}
            ),
            "because": self.because,
            "source": self.source,
            "origin": self.origin,
        }


class NotConsidered(Record):
    """A tool pickenv does not rank, and when experts pick it."""

    tool: str
    when: str
    source: str
    include: str = ""  # how to rank it anyway, when pickenv can ("--with uv")


class RuleSet(Record):
    tools: tuple[str, ...]  # declared order: the tie-break
    rules: tuple[Rule, ...]
    files: tuple[str, ...]  # the layers read, built-in first
    disabled: tuple[str, ...]  # ids disabled by team layers
    # Why the declared order is the right way to settle a tie ("": ties are only
    # settled by it, and `rules check` warns about each).
    tie_break: str = ""
    not_considered: tuple[NotConsidered, ...] = ()

    @property
    def unranked(self) -> tuple[NotConsidered, ...]:
        """The "Not considered" notes for tools that are not in this ranking."""
        return tuple(n for n in self.not_considered if n.tool not in self.tools)

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def describe_values(values: list[Value]) -> str:
    shown = [format_value(v) for v in values]
    return shown[0] if len(shown) == 1 else "[" + ", ".join(shown) + "]"
