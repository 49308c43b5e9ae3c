"""Exhaustive checks of a rule set over the whole answer space.

The space is ~29 000 combinations, and team files can hold thousands of rules, so
nothing here costs "rules x combinations" in Python loops:

- The walk is depth-first over the questions, carrying the set of rules still
  possible as one integer (a bit per rule): each step is a single AND. Values of a
  question that every rule treats alike are merged first, and combinations that fire
  the same rules are decided once, with a weight.
- A tool's score for a fired set is a handful of popcounts: rule points are split
  into powers of two, one bitmask per tool and power.
- "Never changes the winner" needs, for each fired rule, the decision without it.
  Rules with the same effect are grouped, and a group is only tried where the
  winner's lead is small enough for that effect to overturn it; rules already seen
  changing a winner are not tried again.

tests/test_rules_check.py compares every figure with a plain evaluation of each
combination.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from pickenv.questionnaire.questions import QUESTIONS, Value
from pickenv.rules.engine import Decider, ranked
from pickenv.rules.model import Rule, RuleSet
from pickenv.rules.space import Decisive, answer_space, decisive_answers

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


class _Compiled:
    """A rule set as bitmasks for the walk (see the module docstring)."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.tools = ruleset.tools
        self.rules = ruleset.rules
        self.everything = (1 << len(self.rules)) - 1
        self.masks = Decider(ruleset).masks
        index = {tool: i for i, tool in enumerate(self.tools)}
        width = len(self.tools)
        # points[t]: (weight, mask) pairs; score of t = sum(weight * popcount(fired & mask))
        powers: dict[tuple[int, int], int] = {}
        self.excluders = [0] * width
        # effect -> rules with it: (points per tool, excluded tools)
        effects: dict[tuple[tuple[int, ...], tuple[int, ...]], int] = {}
        self.scoring = 0
        for bit, rule in enumerate(self.rules):
            if rule.advice_only:
                continue
            self.scoring |= 1 << bit
            delta = [0] * width
            for tool, points in rule.score:
                delta[index[tool]] += points
            for t, points in enumerate(delta):
                sign, size, power = (1 if points > 0 else -1), abs(points), 0
                while size:
                    if size & 1:
                        powers[t, sign << power] = powers.get((t, sign << power), 0) | 1 << bit
                    size >>= 1
                    power += 1
            for tool in rule.exclude:
                self.excluders[index[tool]] |= 1 << bit
            key = (tuple(delta), tuple(sorted(index[tool] for tool in set(rule.exclude))))
            effects[key] = effects.get(key, 0) | 1 << bit
        self.points: list[list[tuple[int, int]]] = [[] for _ in self.tools]
        for (t, weight), mask in powers.items():
            self.points[t].append((weight, mask))
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

    def classes(self) -> list[list[tuple[int, Value, int]]]:
        """Per question: (rule mask, representative value, number of values) per class."""
        out = []
        for question in QUESTIONS:
            groups: dict[int, list[Value]] = {}
            for value in question.values:
                groups.setdefault(self.masks[question.id][value], []).append(value)
            out.append([(mask, values[0], len(values)) for mask, values in groups.items()])
        return out

    def walk(self) -> dict[int, tuple[int, tuple[Value, ...]]]:
        """Fired-rule mask -> (how many combinations fire exactly it, one example)."""
        classes = self.classes()
        results: dict[int, tuple[int, tuple[Value, ...]]] = {}
        chosen: list[Value] = []
        last = len(classes)

        def visit(level: int, mask: int, weight: int) -> None:
            if level == last:
                seen = results.get(mask)
                results[mask] = (weight, tuple(chosen)) if seen is None else (seen[0] + weight, seen[1])
                return
            for class_mask, value, size in classes[level]:
                chosen.append(value)
                visit(level + 1, mask & class_mask, weight * size)
                chosen.pop()

        visit(0, self.everything, 1)
        return results

    def state(self, fired: int) -> tuple[list[int], list[int]]:
        """Every tool's score and how many fired rules exclude it."""
        scores = [
            sum(weight * (fired & mask).bit_count() for weight, mask in self.points[t])
            for t in range(len(self.tools))
        ]
        return scores, [(fired & mask).bit_count() for mask in self.excluders]

    def pivotal(
        self, fired: int, candidates: int, scores: list[int], excluders: list[int], winner: str | None
    ) -> int:
        """The rules among ``candidates`` (fired) whose removal alone changes the winner."""
        found = 0
        excluded = [count > 0 for count in excluders]
        tools = self.tools
        if winner is not None:
            w = tools.index(winner)
            others = [scores[t] for t in range(len(tools)) if t != w and not excluded[t]]
            # Without another eligible tool, no change of points can unseat the winner.
            lead = scores[w] - max(others) if others else None
            for reach, mask, delta in self.score_effects[w]:
                if lead is None or reach < lead:
                    break  # this and every later effect leaves the winner ahead
                if candidates & mask:
                    after = [s - d for s, d in zip(scores, delta, strict=True)]
                    if ranked(tools, after, excluded)[0] != winner:
                        found |= candidates & mask
                        candidates &= ~mask
        for mask, delta, dropped in self.exclude_effects:
            if candidates & mask:
                after = [s - d for s, d in zip(scores, delta, strict=True)]
                still = [excluders[t] - (t in dropped) > 0 for t in range(len(tools))]
                if ranked(tools, after, still)[0] != winner:
                    found |= candidates & mask
        return found


def _finding(cases: list[tuple[int, tuple[Value, ...]]]) -> Finding:
    ids = [q.id for q in QUESTIONS]
    examples = tuple(tuple(zip(ids, values, strict=True)) for _, values in cases[:_EXAMPLES])
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
    compiled = _Compiled(ruleset)
    cases = compiled.walk()
    no_tool: list[tuple[int, tuple[Value, ...]]] = []
    tie_break: list[tuple[int, tuple[Value, ...]]] = []
    near_tie: list[tuple[int, tuple[Value, ...]]] = []
    wins = dict.fromkeys(ruleset.tools, 0)
    ever_fired = 0
    unproven = compiled.scoring  # rules not yet seen changing a winner
    step = max(len(cases) // 100, 1)
    for done, (fired, case) in enumerate(cases.items()):
        if progress is not None and done % step == 0:
            progress(done / len(cases))
        scores, excluders = compiled.state(fired)
        winner, tied, margin = ranked(ruleset.tools, scores, [count > 0 for count in excluders])
        ever_fired |= fired
        if fired & unproven:
            unproven &= ~compiled.pivotal(fired, fired & unproven, scores, excluders, winner)
        if winner is None:
            no_tool.append(case)
            continue
        wins[winner] += case[0]
        if tied:  # a tie, settled by the tool order (Decision.tie_break)
            tie_break.append(case)
        elif margin == 1:
            near_tie.append(case)

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
        never_change_winner=never_change,
        tie_break=_finding(tie_break),
        tie_break_reason=ruleset.tie_break,
        near_tie=_finding(near_tie),
        winners=tuple(wins.items()),
        decisive=decisive_answers(answer_space(ruleset), ruleset),
    )
