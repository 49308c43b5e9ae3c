"""Exhaustive checks of a rule set over the whole answer space.

The space is ~337 000 combinations, and team files can hold thousands of rules, so
nothing here costs "rules x combinations" in Python loops:

- One pass (rules.sweep) gives every combination's fired rules and decision, and
  merges the combinations that fire the same rules into one case with a count. The
  winners per answer, for the decisive answers, are counted from the same pass.
- "Never changes the winner" needs, for each fired rule, the decision without it.
  Rules with the same effect are grouped, and a group is only tried where the
  winner's lead is small enough for that effect to overturn it; rules already seen
  changing a winner are not tried again, nor are groups with no rule left to prove.

tests/test_properties.py (small rule sets) and tests/test_rules_check.py (a team-sized
file) compare every figure with a plain evaluation of each combination.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass

from pickenv.questionnaire.questions import QUESTIONS, Value
from pickenv.rules.engine import decide
from pickenv.rules.model import Rule, RuleSet
from pickenv.rules.space import Decisive, decisive_answers, value_groups
from pickenv.rules.sweep import Outcome, sweep

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
    # Single answers that decide a tool's whole share (rules.space.decisive_answers): a
    # warning, since one answer should not outweigh every other.
    decisive: tuple[Decisive, ...] = ()

    @property
    def errors(self) -> int:
        return 1 if self.no_tool.count else 0

    @property
    def undeclared_ties(self) -> bool:
        return bool(self.tie_break.count) and not self.tie_break_reason

    @property
    def warnings(self) -> int:
        ties = 1 if self.undeclared_ties else 0
        return len(self.never_fire) + len(self.never_change_winner) + ties + len(self.decisive)


class _Effects:
    """A rule set's effects, grouped for the "never changes the winner" test."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.tools = ruleset.tools
        index = {tool: i for i, tool in enumerate(self.tools)}
        width = len(self.tools)
        # effect -> rules with it: (points per tool, excluded tools)
        effects: dict[tuple[tuple[int, ...], tuple[int, ...]], int] = {}
        self.scoring = 0
        for bit, rule in enumerate(ruleset.rules):
            if rule.advice_only:
                continue
            self.scoring |= 1 << bit
            delta = [0] * width
            for tool, points in rule.score:
                delta[index[tool]] += points
            key = (tuple(delta), tuple(sorted(index[tool] for tool in set(rule.exclude))))
            effects[key] = effects.get(key, 0) | 1 << bit
        # Score-only effects, per possible winner, by how far removing one such rule
        # can close the winner's lead over any other tool ("reach"), largest first.
        self.score_effects: list[list[tuple[int, int, tuple[int, ...]]]] = []
        for w in range(width):
            reach = [
                (max((delta[w] - delta[t] for t in range(width) if t != w), default=0), mask, delta)
                for (delta, excluded), mask in effects.items()
                if not excluded
            ]
            self.score_effects.append(sorted(reach, key=lambda r: -r[0]))
        self.exclude_effects = [(mask, delta, excl) for (delta, excl), mask in effects.items() if excl]
        self.only(self.scoring)

    def only(self, unproven: int) -> None:
        """Forget the effect groups with no rule left in ``unproven``: trying them cannot
        prove anything (the lists only shrink, and stay in their order)."""
        self.score_effects = [[e for e in per if e[1] & unproven] for per in self.score_effects]
        self.exclude_effects = [e for e in self.exclude_effects if e[0] & unproven]
        # For a quick look before ``pivotal``: per winner, the largest reach still to try
        # (-1: none), and every rule of the exclusion groups still to try.
        self.reach = [per[0][0] if per else -1 for per in self.score_effects]
        self.excluding = 0
        for mask, _, _ in self.exclude_effects:
            self.excluding |= mask

    def pivotal(self, candidates: int, outcome: Outcome) -> int:
        """The rules among ``candidates`` (fired) whose removal alone changes the winner."""
        found = 0
        scores, excluders = outcome.scores, outcome.excluders
        excluded = [count > 0 for count in excluders]
        tools = self.tools
        winner = tools[outcome.winner] if outcome.winner < len(tools) else None
        if winner is not None:
            # Without another eligible tool (lead None), no change of points can unseat the winner.
            lead = outcome.lead
            for reach, mask, delta in self.score_effects[outcome.winner]:
                if lead is None or reach < lead:
                    break  # this and every later effect leaves the winner ahead
                if candidates & mask:
                    after = [s - d for s, d in zip(scores, delta, strict=True)]
                    if decide(tools, after, excluded).winner != winner:
                        found |= candidates & mask
                        candidates &= ~mask
        for mask, delta, dropped in self.exclude_effects:
            if not candidates & mask:
                continue
            # While another rule still excludes each tool this one does, the eligible
            # tools stay the same: with no winner, or no points, nothing can change.
            if all(excluders[t] > 1 for t in dropped) and (winner is None or not any(delta)):
                continue
            after = [s - d for s, d in zip(scores, delta, strict=True)]
            still = [excluders[t] - (t in dropped) > 0 for t in range(len(tools))]
            if decide(tools, after, still).winner != winner:
                found |= candidates & mask
        return found


def _most_frequent(cases: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``cases`` ((count, fired rules), in the order first seen), most frequent first, so
    the examples shown are the ones users hit most."""
    return sorted(cases, key=lambda c: -c[0])


def _finding(cases: list[tuple[int, int]], first: dict[int, tuple[Value, ...]]) -> Finding:
    ids = [q.id for q in QUESTIONS]
    examples = tuple(tuple(zip(ids, first[fired], strict=True)) for _, fired in cases[:_EXAMPLES])
    return Finding(sum(count for count, _ in cases), examples)


def check_rules(
    ruleset: RuleSet,
    judged: Collection[str] | None = None,
    progress: Callable[[float], None] | None = None,
) -> CheckReport:
    """Check every combination. Rules that never fire or never change a winner are
    reported for the layers in ``judged`` (file names; None: every layer): a layer is
    judged with what lies under it, not blamed for rules another layer makes moot.
    ``progress`` is called now and then with the share of the work done."""
    effects = _Effects(ruleset)
    swept = sweep(ruleset, progress)
    tools = ruleset.tools
    nobody = len(tools)
    no_tool: list[tuple[int, int]] = []
    tie_break: list[tuple[int, int]] = []
    near_tie: list[tuple[int, int]] = []
    unproven = effects.scoring  # rules not yet seen changing a winner
    for fired, outcome in swept.outcomes.items():
        candidates = fired & unproven
        lead = outcome.lead
        # Most leads are out of every score group's reach, and most combinations fire
        # no exclusion still to prove: those need no closer look.
        if candidates and (
            (lead is not None and lead <= effects.reach[outcome.winner]) or candidates & effects.excluding
        ):
            proven = effects.pivotal(candidates, outcome)
            if proven:
                unproven &= ~proven
                effects.only(unproven)
        if outcome.winner == nobody:
            no_tool.append((swept.counts[fired], fired))
        elif lead == 0:
            tie_break.append((swept.counts[fired], fired))
        elif lead == 1:
            near_tie.append((swept.counts[fired], fired))
    # A rule fires somewhere when each question it reads has a value it admits: the
    # space holds every combination of values.
    ever_fired = -1
    for question in QUESTIONS:
        admitted = 0
        for mask in swept.masks[question.id].values():
            admitted |= mask
        ever_fired &= admitted

    def is_judged(rule: Rule) -> bool:
        return judged is None or rule.origin.rsplit(":", 1)[0] in judged

    never_fire = tuple(
        rule.id for i, rule in enumerate(ruleset.rules) if not ever_fired >> i & 1 and is_judged(rule)
    )
    # Advice changes no winner by design; unfired rules are reported above.
    never_change = tuple(
        rule.id
        for i, rule in enumerate(ruleset.rules)
        if unproven >> i & 1 and ever_fired >> i & 1 and is_judged(rule)
    )
    findings = [_most_frequent(cases) for cases in (no_tool, tie_break, near_tie)]
    first = swept.first([fired for cases in findings for _, fired in cases[:_EXAMPLES]])
    wins = {tool: swept.winners.count(t) for t, tool in enumerate(tools)}
    shares = swept.shares(len(tools))
    # In the order rules.space lists them (by group of values the scoring rules treat
    # alike), which is the order decisive answers are reported in.
    by_value = {
        (question.id, value): Counter(
            {tool: n for tool, n in zip(tools, shares[q, question.values.index(value)], strict=True) if n}
        )
        for q, (question, groups) in enumerate(
            zip(QUESTIONS, value_groups(ruleset, swept.masks), strict=True)
        )
        for _, values in groups
        for value in values
    }
    return CheckReport(
        files=ruleset.files,
        combinations=len(swept.winners),
        distinct_cases=len(swept.counts),
        no_tool=_finding(findings[0], first),
        never_fire=never_fire,
        never_change_winner=never_change,
        tie_break=_finding(findings[1], first),
        tie_break_reason=ruleset.tie_break,
        near_tie=_finding(findings[2], first),
        winners=tuple(wins.items()),
        decisive=decisive_answers(by_value, Counter(wins), ruleset),
    )
