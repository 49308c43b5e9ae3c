"""Exhaustive checks of a rule set over the whole answer space.

The space is ~29 000 combinations. Values of one question that every rule treats
alike (same rule bitmask) are merged into one class first, so the walk visits only
distinguishable combinations, each with its weight (how many real combinations it
stands for). The built-in rules check in a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from pickenv.questionnaire.questions import QUESTIONS, Value
from pickenv.rules.engine import Decider
from pickenv.rules.model import Rule, RuleSet

_EXAMPLES = 3


@dataclass(frozen=True)
class Finding:
    """A set of answer combinations that share a problem, with a few examples."""

    count: int
    examples: tuple[tuple[tuple[str, Value], ...], ...]


@dataclass(frozen=True)
class CheckReport:
    files: tuple[str, ...]
    combinations: int
    distinct_cases: int  # combinations after merging indistinguishable values
    no_tool: Finding
    never_fire: tuple[str, ...]
    never_change_winner: tuple[str, ...]
    tie_break: Finding  # combinations decided by the tool order
    tie_break_reason: str  # why that order: when declared, ties are not a warning
    near_tie: Finding  # combinations won by a single point
    winners: tuple[tuple[str, int], ...]  # how many combinations each tool wins, in tool order

    @property
    def errors(self) -> int:
        return 1 if self.no_tool.count else 0

    @property
    def undeclared_ties(self) -> bool:
        return bool(self.tie_break.count) and not self.tie_break_reason

    @property
    def warnings(self) -> int:
        return len(self.never_fire) + len(self.never_change_winner) + (1 if self.undeclared_ties else 0)


def _classes(decider: Decider) -> list[list[tuple[int, Value, int]]]:
    """Per question: (rule mask, representative value, number of values) per class."""
    out = []
    for question in QUESTIONS:
        groups: dict[int, list[Value]] = {}
        for value in question.values:
            groups.setdefault(decider.masks[question.id][value], []).append(value)
        out.append([(mask, values[0], len(values)) for mask, values in groups.items()])
    return out


def _walk(decider: Decider) -> dict[int, tuple[int, tuple[Value, ...]]]:
    """Fired-rule mask -> (how many combinations fire exactly it, one example)."""
    classes = _classes(decider)
    results: dict[int, tuple[int, tuple[Value, ...]]] = {}
    chosen: list[Value] = []
    last = len(classes)

    def visit(level: int, mask: int, weight: int) -> None:
        if level == last:
            seen = results.get(mask)
            if seen is None:
                results[mask] = (weight, tuple(chosen))
            else:
                results[mask] = (seen[0] + weight, seen[1])
            return
        for class_mask, value, size in classes[level]:
            chosen.append(value)
            visit(level + 1, mask & class_mask, weight * size)
            chosen.pop()

    visit(0, (1 << len(decider.rules)) - 1, 1)
    return results


def _finding(cases: list[tuple[int, tuple[Value, ...]]]) -> Finding:
    ids = [q.id for q in QUESTIONS]
    examples = tuple(tuple(zip(ids, values, strict=True)) for _, values in cases[:_EXAMPLES])
    return Finding(sum(count for count, _ in cases), examples)


def check_rules(ruleset: RuleSet, judged: Collection[str] | None = None) -> CheckReport:
    """Check every combination. Rules that never fire or never change a winner are
    reported for the layers in ``judged`` (file names; None: every layer): a layer is
    judged with what lies under it, not blamed for rules another layer makes moot."""
    decider = Decider(ruleset)
    cases = _walk(decider)
    no_tool: list[tuple[int, tuple[Value, ...]]] = []
    tie_break: list[tuple[int, tuple[Value, ...]]] = []
    near_tie: list[tuple[int, tuple[Value, ...]]] = []
    wins = dict.fromkeys(ruleset.tools, 0)
    ever_fired = 0
    for mask, case in cases.items():
        decision = decider.decide(mask)
        ever_fired |= mask
        if decision.winner is None:
            no_tool.append(case)
            continue
        wins[decision.winner] += case[0]
        if decision.tie_break:
            tie_break.append(case)
        elif decision.margin == 1:
            near_tie.append(case)

    def is_judged(rule: Rule) -> bool:
        return judged is None or rule.origin.rsplit(":", 1)[0] in judged

    never_fire = tuple(
        rule.id for i, rule in enumerate(ruleset.rules) if not ever_fired >> i & 1 and is_judged(rule)
    )
    never_change = []
    for i, rule in enumerate(ruleset.rules):
        if not is_judged(rule):
            continue
        if rule.advice_only or rule.id in never_fire:
            continue  # advice changes no winner by design; unfired rules are reported above
        bit = 1 << i
        if all(
            decider.decide(mask).winner == decider.decide(mask & ~bit).winner for mask in cases if mask & bit
        ):
            never_change.append(rule.id)
    total = 1
    for question in QUESTIONS:
        total *= len(question.values)
    # Most frequent first so the examples shown are the ones users hit most.
    for finding in (no_tool, tie_break, near_tie):
        finding.sort(key=lambda c: -c[0])
    return CheckReport(
        files=ruleset.files,
        combinations=total,
        distinct_cases=len(cases),
        no_tool=_finding(no_tool),
        never_fire=never_fire,
        never_change_winner=tuple(never_change),
        tie_break=_finding(tie_break),
        tie_break_reason=ruleset.tie_break,
        near_tie=_finding(near_tie),
        winners=tuple(wins.items()),
    )
