"""The rule engine: answers in, a ranked and explained recommendation out.

``Decider`` compiles a RuleSet into bitmasks so the same decision function serves a
single ``recommend`` call and the exhaustive ``rules check`` over every answer
combination: a set of fired rules (an int, one bit per rule) fully determines each
tool's score and exclusion, so decisions are cached per fired set.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from functools import lru_cache

from pickenv.errors import Fix, NoToolError
from pickenv.questionnaire.questions import QUESTIONS, Value, format_value
from pickenv.records import Record
from pickenv.rules.model import NotConsidered, Rule, RuleSet


# Records, not frozen dataclasses: every `pickenv recommend` defines them (pickenv.records).
class Reason(Record):
    rule: str
    effect: str  # "excluded", "+3", "-2", "needs" or "advice"
    because: str
    source: str
    advice: str | None = None
    needs: str | None = None  # what the tool needs besides itself to meet the answers


class Assessment(Record):
    """What the rules say about one tool for one set of answers."""

    tool: str
    eligible: bool
    score: int
    reasons: tuple[Reason, ...]  # every fired rule that affects the tool

    @property
    def excluded_by(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.effect == "excluded")

    @property
    def advice(self) -> tuple[str, ...]:
        return tuple(r.advice for r in self.reasons if r.advice)

    @property
    def needs(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.needs)


class Decision(Record):
    winner: str | None
    tied: tuple[str, ...] = ()  # every eligible tool sharing the top score, when more than one
    margin: int | None = None  # the winner's lead over the runner-up (None: no runner-up)

    @property
    def tie_break(self) -> bool:
        """The declared tool order, not the scores, picked the winner."""
        return len(self.tied) > 1


class Change(Record):
    question: str
    value: Value
    recommendation: str | None  # None: that answer would leave no tool
    tie: bool = False  # that answer would leave a tie, settled by the tool order


class Warning(Record):
    """A fired rule's `warn`: something the user must know whatever tool they pick."""

    rule: str
    text: str
    source: str


class Recommendation(Record):
    answers: tuple[tuple[str, Value], ...]
    recommendation: str
    ranking: tuple[Assessment, ...]  # eligible by score, then excluded
    fired_rules: tuple[str, ...]
    what_would_change: tuple[Change, ...]
    tied: tuple[str, ...]  # the tools sharing the top score, when it is a tie
    margin: int | None  # the winner's lead over the runner-up
    tie_break_reason: str  # why the declared order settles ties ("": undeclared)
    warnings: tuple[Warning, ...]
    not_considered: tuple[NotConsidered, ...]
    rules_files: tuple[str, ...]

    @property
    def tie_break(self) -> bool:
        return len(self.tied) > 1

    @property
    def near_tie(self) -> bool:
        """Won by a single point: one rule more or less would change the answer."""
        return self.margin == 1


def decide(tools: Sequence[str], scores: Sequence[int], excluded: Sequence[bool]) -> Decision:
    """The winner among the eligible tools (``ranked``), as a Decision."""
    return Decision(*ranked(tools, scores, excluded))


def ranked(
    tools: Sequence[str], scores: Sequence[int], excluded: Sequence[bool]
) -> tuple[str | None, tuple[str, ...], int | None]:
    """The winner among the eligible tools (None: none is), the tools sharing the top
    score when more than one, and the winner's lead over the runner-up (None: no
    runner-up). The highest score wins; equal scores fall back to the declared tool order
    (``tools``). The one place that rule is written. A plain tuple: `rules check` asks it
    for hundreds of thousands of answer combinations."""
    ordered = sorted((i for i in range(len(tools)) if not excluded[i]), key=lambda i: (-scores[i], i))
    if not ordered:
        return None, (), None
    top = scores[ordered[0]]
    tied = tuple(tools[i] for i in ordered if scores[i] == top)
    margin = top - scores[ordered[1]] if len(ordered) > 1 else None
    return tools[ordered[0]], tied if len(tied) > 1 else (), margin


class Decider:
    """A RuleSet compiled for fast, repeated decisions."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.tools = ruleset.tools
        self.rules = ruleset.rules
        # masks[question][value]: rules whose condition on that question admits the value
        # (a rule that says nothing about a question admits every value). Built from the
        # conditions (a few per rule), not by asking every rule about every value: team
        # files hold thousands of rules.
        everything = (1 << len(self.rules)) - 1
        denied: dict[str, dict[Value, int]] = {q.id: dict.fromkeys(q.values, 0) for q in QUESTIONS}
        for index, rule in enumerate(self.rules):
            for condition in rule.when:
                per_value = denied.get(condition.question, {})
                for value in per_value:
                    if value not in condition.allowed:
                        per_value[value] |= 1 << index
        self.masks: dict[str, dict[Value, int]] = {}
        for question in QUESTIONS:
            masks = {value: everything & ~rules for value, rules in denied[question.id].items()}
            for before, now in question.legacy:  # old answers mean what they mean now
                masks[before] = masks[now]
            self.masks[question.id] = masks
        self._tool_index = {tool: i for i, tool in enumerate(self.tools)}
        self.decide = lru_cache(maxsize=None)(self._decide)

    def fired(self, answers: Mapping[str, Value]) -> int:
        mask = (1 << len(self.rules)) - 1
        for question_id, per_value in self.masks.items():
            mask &= per_value[answers[question_id]]
        return mask

    def scores(self, fired: int) -> tuple[list[int], list[bool]]:
        scores = [0] * len(self.tools)
        excluded = [False] * len(self.tools)
        while fired:  # from one set bit to the next: a few rules fire among thousands
            low = fired & -fired
            rule = self.rules[low.bit_length() - 1]
            for tool in rule.exclude:
                excluded[self._tool_index[tool]] = True
            for tool, points in rule.score:
                scores[self._tool_index[tool]] += points
            fired ^= low
        return scores, excluded

    def _decide(self, fired: int) -> Decision:
        scores, excluded = self.scores(fired)
        return decide(self.tools, scores, excluded)

    def rule_ids(self, fired: int) -> tuple[str, ...]:
        return tuple(r.id for i, r in enumerate(self.rules) if fired >> i & 1)

    def assess(self, answers: Mapping[str, Value], tool: str) -> Assessment:
        return self.assess_all(self.fired(answers))[self._tool_index[tool]]

    def assess_all(self, fired: int) -> list[Assessment]:
        """Every tool's assessment for one set of fired rules, in declared order."""
        scores, excluded = self.scores(fired)
        return [self._assess(fired, scores, excluded, tool) for tool in self.tools]

    def _assess(self, fired: int, scores: list[int], excluded: list[bool], tool: str) -> Assessment:
        index = self._tool_index[tool]
        reasons = tuple(
            _reason(rule, tool) for i, rule in enumerate(self.rules) if fired >> i & 1 and tool in rule.tools
        )
        return Assessment(tool, not excluded[index], scores[index], reasons)


def _reason(rule: Rule, tool: str) -> Reason:
    return Reason(
        rule.id, rule.effect_on(tool), rule.because, rule.source, rule.advice_for(tool), rule.needs_for(tool)
    )


def what_would_change(decider: Decider, answers: Mapping[str, Value]) -> tuple[Change, ...]:
    """Every single-answer change that gives a different winner."""
    current = decider.decide(decider.fired(answers)).winner
    changes: list[Change] = []
    for question in QUESTIONS:
        for value in question.values:
            if value == answers[question.id]:
                continue
            changed = {**answers, question.id: value}
            decision = decider.decide(decider.fired(changed))
            if decision.winner != current:
                changes.append(Change(question.id, value, decision.winner, decision.tie_break))
    return tuple(changes)


def recommend(ruleset: RuleSet, answers: Mapping[str, Value], today: str | None = None) -> Recommendation:
    """Rank every tool for complete, validated ``answers``; raise NoToolError if none fits.
    ``today`` (ISO date, default: the clock's) decides which end-of-life warnings apply."""
    if today is None:
        # The local date, as datetime.date.today().isoformat() gives it: importing datetime
        # cost 4.7 M instructions of every `pickenv recommend` (valgrind), time nothing.
        today = time.strftime("%Y-%m-%d")
    answers = {q.id: q.migrate(answers[q.id]) for q in QUESTIONS}  # type: ignore[misc]
    decider = Decider(ruleset)
    fired = decider.fired(answers)
    decision = decider.decide(fired)
    assessments = decider.assess_all(fired)  # declared order, so the sort below is stable
    ranking = sorted(assessments, key=lambda a: (not a.eligible, -a.score))
    if decision.winner is None:
        why = "; ".join(f"{a.tool}: {', '.join(r.rule for r in a.excluded_by)}" for a in assessments)
        shown = ", ".join(f"{k}={format_value(v)}" for k, v in answers.items())
        raise NoToolError(f"the rules exclude every tool for {shown} ({why})", fixes=[Fix.CHECK_RULES])
    return Recommendation(
        answers=tuple((q.id, answers[q.id]) for q in QUESTIONS),
        recommendation=decision.winner,
        ranking=tuple(ranking),
        fired_rules=decider.rule_ids(fired),
        what_would_change=what_would_change(decider, answers),
        tied=decision.tied,
        margin=decision.margin,
        tie_break_reason=ruleset.tie_break,
        warnings=tuple(
            Warning(r.id, r.warn, r.source)
            for i, r in enumerate(decider.rules)
            if fired >> i & 1 and r.warns_on(today)
        ),
        not_considered=ruleset.unranked,
        rules_files=ruleset.files,
    )
