"""The answer space as weighted cells, for maps and shares of the winners.

Only rules that score or exclude decide a winner, so the values of a question that
those rules treat alike (python_version 3.10 to 3.15t, say) are one group, and every
combination of groups is one cell, weighted by the combinations it stands for. The
built-in rules' ~337 000 combinations become a few thousand cells: the decision map
(``rules show --format mermaid|dot``), the README's quick guide and the shares of each
answer are computed from them, exactly, in well under a second.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from pickenv.questionnaire.questions import QUESTIONS, Value
from pickenv.rules.engine import Decider
from pickenv.rules.model import RuleSet


@dataclass(frozen=True)
class Cell:
    groups: tuple[int, ...]  # per question, the index of its value group
    weight: int  # how many answer combinations it stands for
    winner: str | None


@dataclass(frozen=True)
class Space:
    questions: tuple[str, ...]
    groups: tuple[tuple[tuple[Value, ...], ...], ...]  # per question: its value groups
    cells: tuple[Cell, ...]

    @property
    def total(self) -> int:
        return sum(c.weight for c in self.cells)

    def winners(self) -> Counter[str]:
        found: Counter[str] = Counter()
        for cell in self.cells:
            if cell.winner is not None:
                found[cell.winner] += cell.weight
        return found

    def shares(self) -> dict[tuple[str, Value], Counter[str]]:
        """For every single answer, how many of the combinations with it each tool wins."""
        out: dict[tuple[str, Value], Counter[str]] = {}
        for q, question in enumerate(self.questions):
            for g, values in enumerate(self.groups[q]):
                size = len(values)
                per_value: Counter[str] = Counter()
                for cell in self.cells:
                    if cell.groups[q] == g and cell.winner is not None:
                        per_value[cell.winner] += cell.weight // size
                for value in values:
                    out[question, value] = per_value
        return out


def value_groups(
    ruleset: RuleSet, masks: Mapping[str, Mapping[Value, int]]
) -> list[list[tuple[int, tuple[Value, ...]]]]:
    """Per question, its values grouped by the scoring rules that admit them (``masks``:
    Decider.masks), in the order first seen: (those rules, the values)."""
    scoring = 0
    for bit, rule in enumerate(ruleset.rules):
        if not rule.advice_only:
            scoring |= 1 << bit
    groups: list[list[tuple[int, tuple[Value, ...]]]] = []
    for question in QUESTIONS:
        by_mask: dict[int, list[Value]] = {}
        for value in question.values:
            by_mask.setdefault(masks[question.id][value] & scoring, []).append(value)
        groups.append([(mask, tuple(values)) for mask, values in by_mask.items()])
    return groups


def answer_space(ruleset: RuleSet) -> Space:
    decider = Decider(ruleset)
    scoring = 0
    for bit, rule in enumerate(ruleset.rules):
        if not rule.advice_only:
            scoring |= 1 << bit
    groups = value_groups(ruleset, decider.masks)
    cells = []
    for combo in itertools.product(*(range(len(g)) for g in groups)):
        fired = scoring
        weight = 1
        for q, g in enumerate(combo):
            mask, values = groups[q][g]
            fired &= mask
            weight *= len(values)
        cells.append(Cell(combo, weight, decider.decide(fired).winner))  # cached by fired rules
    return Space(
        questions=tuple(q.id for q in QUESTIONS),
        groups=tuple(tuple(values for _, values in g) for g in groups),
        cells=tuple(cells),
    )


@dataclass(frozen=True)
class Branch:
    """One node of the decision map: the answers that lead here, how many combinations
    they stand for, who wins them, and (unless a leaf) the question asked next."""

    answers: tuple[tuple[str, tuple[Value, ...]], ...]  # the path: question, values taken
    weight: int
    winners: tuple[tuple[str, int], ...]  # most combinations first
    question: str = ""  # asked next ("" for a leaf)
    children: tuple[Branch, ...] = ()

    @property
    def usual(self) -> str:
        return self.winners[0][0] if self.winners else "no tool"

    @property
    def right(self) -> int:
        """Combinations the usual winner wins."""
        return self.winners[0][1] if self.winners else 0

    def leaves(self) -> list[Branch]:
        return [self] if not self.children else [leaf for c in self.children for leaf in c.leaves()]

    @property
    def accuracy(self) -> float:
        """The share of this branch's combinations its leaves' usual winners get right."""
        return sum(leaf.right for leaf in self.leaves()) / self.weight if self.weight else 0.0


def decision_tree(space: Space, depth: int) -> Branch:
    """The tree of at most ``depth`` questions whose leaves, each taken by its usual
    winner, are right for the most combinations (found exhaustively: a few thousand
    cells make that cheap). Sibling leaves with the same usual winner are merged."""
    memo: dict[tuple[frozenset[tuple[int, int]], int], tuple[int, int]] = {}
    return _build(space, list(range(len(space.cells))), (), frozenset(), depth, memo)


def _tally(space: Space, cells: list[int]) -> tuple[tuple[str, int], ...]:
    found: Counter[str] = Counter()
    for index in cells:
        cell = space.cells[index]
        if cell.winner is not None:
            found[cell.winner] += cell.weight
    return tuple(sorted(found.items(), key=lambda item: (-item[1], item[0])))


def _split(space: Space, cells: list[int], q: int) -> dict[int, list[int]]:
    parts: dict[int, list[int]] = {}
    for index in cells:
        parts.setdefault(space.cells[index].groups[q], []).append(index)
    return parts


Memo = dict[tuple[frozenset[tuple[int, int]], int], tuple[int, int]]


def _best(
    space: Space, cells: list[int], fixed: frozenset[tuple[int, int]], depth: int, memo: Memo
) -> tuple[int, int]:
    """(combinations right, question to ask or -1) for the best subtree of ``depth``."""
    key = (fixed, depth)
    if key in memo:
        return memo[key]
    tally = _tally(space, cells)
    found = (tally[0][1] if tally else 0, -1)
    if depth > 0 and len(tally) > 1:
        asked = {q for q, _ in fixed}
        for q in range(len(space.questions)):
            if q in asked:
                continue
            parts = _split(space, cells, q)
            if len(parts) < 2:
                continue
            right = sum(_best(space, part, fixed | {(q, g)}, depth - 1, memo)[0] for g, part in parts.items())
            if right > found[0]:
                found = (right, q)
    memo[key] = found
    return found


def _build(
    space: Space,
    cells: list[int],
    path: tuple[tuple[str, tuple[Value, ...]], ...],
    fixed: frozenset[tuple[int, int]],
    depth: int,
    memo: Memo,
) -> Branch:
    weight = sum(space.cells[i].weight for i in cells)
    winners = _tally(space, cells)
    _, q = _best(space, cells, fixed, depth, memo)
    if q < 0:
        return Branch(path, weight, winners)
    question = space.questions[q]
    children = [
        _build(space, part, (*path, (question, space.groups[q][g])), fixed | {(q, g)}, depth - 1, memo)
        for g, part in sorted(_split(space, cells, q).items())
    ]
    merged: list[Branch] = []
    for child in children:
        twin = next(
            (m for m in merged if not m.children and not child.children and m.usual == child.usual), None
        )
        if twin is None:
            merged.append(child)
            continue
        tally: Counter[str] = Counter(dict(twin.winners))
        tally.update(dict(child.winners))
        merged[merged.index(twin)] = Branch(
            (*path, (question, (*twin.answers[-1][1], *child.answers[-1][1]))),
            twin.weight + child.weight,
            tuple(sorted(tally.items(), key=lambda item: (-item[1], item[0]))),
        )
    if len(merged) == 1:
        return Branch(path, weight, winners)  # every answer leads to the same usual winner
    merged.sort(key=lambda b: -b.weight)
    return Branch(path, weight, winners, question, tuple(merged))


@dataclass(frozen=True)
class Decisive:
    """One answer that decides too much: it always gives ``tool`` ("always"), or ``tool``
    wins nowhere without it ("only") although no hard constraint says so."""

    kind: str  # "always" or "only"
    tool: str
    question: str
    value: Value


def decisive_answers(
    shares: Mapping[tuple[str, Value], Counter[str]], wins: Counter[str], ruleset: RuleSet
) -> tuple[Decisive, ...]:
    """Single answers that decide a tool's whole share (``shares``: Space.shares, in its
    order; ``wins``: Space.winners). An answer whose other values exclude the tool by a
    rule on that question alone (os_packages: true excludes conda) is a hard
    constraint, not a weight, and is not reported."""
    found = []
    for (question, value), tally in shares.items():
        total = sum(tally.values())
        for tool, count in tally.items():
            others_ruled_out = all(
                _excluded_by(ruleset, other, question, value) for other in ruleset.tools if other != tool
            )
            if total and count == total and not others_ruled_out:
                found.append(Decisive("always", tool, question, value))
        for tool in ruleset.tools:
            if (
                wins[tool]
                and tally[tool] == wins[tool]
                and not _excluded_elsewhere(ruleset, tool, question, value)
            ):
                found.append(Decisive("only", tool, question, value))
    return tuple(found)


def _excluded_by(ruleset: RuleSet, tool: str, question: str, value: Value) -> bool:
    """A rule on ``question`` alone excludes ``tool`` for ``value`` (a hard constraint)."""
    return any(
        tool in rule.exclude
        and len(rule.when) == 1
        and rule.when[0].question == question
        and value in rule.when[0].allowed
        for rule in ruleset.rules
    )


def _excluded_elsewhere(ruleset: RuleSet, tool: str, question: str, value: Value) -> bool:
    """Every other value of ``question`` excludes ``tool`` through a rule on that question alone."""
    others = [v for v in next(q for q in QUESTIONS if q.id == question).values if v != value]
    return all(_excluded_by(ruleset, tool, question, other) for other in others)
