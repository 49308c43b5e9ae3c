"""One pass over every answer combination: each one's fired rules and decision.

``rules check`` needs, for all ~337 000 combinations, the set of rules that fire and
who wins. Team files of thousands of rules fire a different set in nearly every
combination, so nothing may cost "rules x combinations" in Python steps. Two things
keep the pass cheap:

- Scores are added up in bulk. A rule's conditions form a box (a set of values per
  question), so the questions are split into a short prefix, walked one combination
  at a time, and a block of the rest, held as one big integer with a lane per block
  combination and two fields per tool (its points, how many rules exclude it). A rule's
  block part becomes a lane pattern once; its prefix part says which prefix tables
  it is added to. Each prefix combination then sums a handful of table entries and
  reads every lane's scores at once. Decisions depend only on differences of points,
  so each rule's points are shifted to be non-negative (fields never borrow).
- Each lane's fired rules are the prefix's mask ANDed with the lane's; the decision is
  looked up by the lane's fields, so each distinct score state is decided once, and
  the merging of combinations that fire the same rules is left to Counter and dict
  (C loops).

Combinations are visited in the answer order of QUESTIONS (values in their order), so
the first combination seen with a set of fired rules is the first in that order.
"""

from __future__ import annotations

import itertools
import operator
import struct
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple, cast

from pickenv.questionnaire.questions import QUESTIONS, Value
from pickenv.rules.engine import Decider
from pickenv.rules.model import RuleSet

# Lanes per block: big enough that the prefix walk is short, small enough that a
# rule's block pattern (one big integer) is cheap to build and add.
_BLOCK_LANES = 2048
_FIELD_CODES = {8: "B", 16: "H", 32: "I", 64: "Q"}  # struct's code for a field of that many bits


class Outcome(NamedTuple):
    """The decision for one score state, and the state itself (points shifted by a
    constant per fired rule: only differences between tools mean anything). A named
    tuple: one is made for every distinct state, and they are made fast."""

    winner: int  # index of the winner in the tool order; len(tools) when none
    # The winner's lead over the runner-up: 0 is a tie (settled by the tool order), 1 a
    # near tie; None: no runner-up (or no winner).
    lead: int | None
    scores: tuple[int, ...]
    excluders: tuple[int, ...]  # how many fired rules exclude each tool


@dataclass(frozen=True)
class Sweep:
    counts: Counter[int]  # fired-rule mask -> how many combinations fire exactly it, in the order first seen
    outcomes: dict[int, Outcome]  # fired-rule mask -> its outcome, in the same order
    # Per combination, in the answer order: the winner's index (len(tools): none). A byte
    # each: the tools are the registry's handful.
    winners: bytes
    sizes: tuple[int, ...]  # values per question
    masks: dict[str, dict[Value, int]]  # Decider.masks: per question and value, the rules that admit it
    walk: Callable[[], Iterator[list[int]]]  # every combination's fired rules again, a prefix at a time

    def answers(self, index: int) -> tuple[Value, ...]:
        """The combination at ``index`` in the answer order."""
        values: list[Value] = []
        for question, size in zip(reversed(QUESTIONS), reversed(self.sizes), strict=True):
            index, digit = divmod(index, size)
            values.append(question.values[digit])
        return tuple(reversed(values))

    def first(self, wanted: Collection[int]) -> dict[int, tuple[Value, ...]]:
        """The first combination that fires each of these sets of rules. Only examples need
        one, so the space is walked again (until each is seen) rather than remembered."""
        left, found, start = set(wanted), {}, 0
        for fired in self.walk():
            for mask in left.intersection(fired):
                found[mask] = self.answers(start + fired.index(mask))
            left -= found.keys()
            if not left:
                break
            start += len(fired)
        return found

    def shares(self, tools: int) -> dict[tuple[int, int], list[int]]:
        """For every (question, value) by index: how many of the combinations with that
        value each tool wins (by index in the tool order)."""
        # The combinations with one value of a question are runs of ``stride`` in every
        # ``stride * size``: one mask of such runs per value, one of each tool's wins.
        won = [int.from_bytes(self.winners.translate(_keep(t)), "little") for t in range(tools)]
        out = {}
        stride = len(self.winners)
        for q, size in enumerate(self.sizes):
            stride //= size
            for v in range(size):
                runs = _runs(len(self.winners), stride * size, v * stride, stride)
                out[q, v] = [(runs & wins).bit_count() for wins in won]
        return out


def _keep(winner: int) -> bytes:
    """A bytes.translate table: 1 for that winner's index, 0 for any other."""
    return bytes(1 if code == winner else 0 for code in range(256))


def _runs(total: int, period: int, start: int, length: int) -> int:
    """``total`` bytes (little-endian, as one integer): 1 in bytes ``start`` to
    ``start + length`` of every ``period``, 0 elsewhere."""
    one = b"\x00" * start + b"\x01" * length + b"\x00" * (period - start - length)
    return int.from_bytes(one * (total // period), "little")


class _Layout:
    """The prefix questions and the block, and the block's lane patterns."""

    def __init__(self, sizes: Sequence[int], field_bits: int, fields: int) -> None:
        self.prefix = 0
        block = 1
        for size in sizes:
            block *= size
        while self.prefix < len(sizes) - 1 and block > _BLOCK_LANES:
            block //= sizes[self.prefix]
            self.prefix += 1
        self.sizes = tuple(sizes)
        self.lanes = block
        self.lane_bytes = field_bits * fields // 8
        self.ones = _runs(block * self.lane_bytes, self.lane_bytes, 0, 1)
        self._patterns: dict[tuple[int, frozenset[int]], int] = {}

    def stride(self, question: int) -> int:
        """Lanes between one value of a block question and the next."""
        stride = 1
        for size in self.sizes[question + 1 :]:
            stride *= size
        return stride

    def pattern(self, question: int, values: frozenset[int]) -> int:
        """One in every lane whose block combination has one of ``values`` for ``question``."""
        key = (question, values)
        found = self._patterns.get(key)
        if found is None:
            stride, size, width = self.stride(question), self.sizes[question], self.lane_bytes
            found = 0
            for value in values:
                found |= _runs(
                    self.lanes * width, stride * size * width, value * stride * width, stride * width
                )
            found &= self.ones
            self._patterns[key] = found
        return found


def _effects(ruleset: RuleSet) -> tuple[list[int | None], int, int]:
    """Per rule, its shifted points and exclusions as fields (None: no effect on any
    decision), the field width in bits and the number of fields."""
    tools = ruleset.tools
    index = {tool: i for i, tool in enumerate(tools)}
    raw: list[list[int] | None] = []
    totals = [0] * (2 * len(tools))
    for rule in ruleset.rules:
        fields = [0] * (2 * len(tools))
        delta = [0] * len(tools)
        for tool, points in rule.score:
            delta[index[tool]] += points
        low = min(delta)
        for t, points in enumerate(delta):
            fields[2 * t] = points - low
        for tool in set(rule.exclude):
            fields[2 * index[tool] + 1] = 1
        raw.append(fields if any(fields) else None)
        if any(fields):
            totals = [a + b for a, b in zip(totals, fields, strict=True)]
    # Points are between -100 and 100 (the loader says so), so 64 bits hold the sum of
    # billions of rules' points; most files need 16.
    bits = next(b for b in _FIELD_CODES if max(totals) < 1 << b)
    packed: list[int | None] = []
    for fields_or_none in raw:
        if fields_or_none is None:
            packed.append(None)
            continue
        value = 0
        for f, amount in enumerate(fields_or_none):
            value |= amount << (f * bits)
        packed.append(value)
    return packed, bits, 2 * len(tools)


def _allowed(ruleset: RuleSet) -> list[dict[int, frozenset[int]]]:
    """Per rule: for each question it reads, the indexes of the values it admits."""
    position = {question.id: q for q, question in enumerate(QUESTIONS)}
    out = []
    for rule in ruleset.rules:
        per_question: dict[int, frozenset[int]] = {}
        for condition in rule.when:
            q = position[condition.question]
            admitted = frozenset(i for i, v in enumerate(QUESTIONS[q].values) if v in condition.allowed)
            per_question[q] = per_question.get(q, admitted) & admitted
        out.append(per_question)
    return out


Box = tuple[tuple[int, frozenset[int]], ...]  # (question, indexes of the values admitted), by question


def _tables(
    ruleset: RuleSet, layout: _Layout, effects: list[int | None]
) -> dict[tuple[int, ...], dict[tuple[int, ...], int]]:
    """Per set of prefix questions: prefix values -> the block vector of the rules whose
    prefix conditions are exactly those questions and admit those values."""
    # Rules with the same box add up as small numbers first.
    boxes: dict[tuple[Box, Box], int] = {}
    for effect, allowed in zip(effects, _allowed(ruleset), strict=True):
        if effect is None or not all(allowed.values()):
            continue  # changes no decision, or never fires
        ordered = sorted(allowed.items(), key=operator.itemgetter(0))
        prefix = tuple((q, v) for q, v in ordered if q < layout.prefix)
        block = tuple((q, v) for q, v in ordered if q >= layout.prefix)
        boxes[prefix, block] = boxes.get((prefix, block), 0) + effect
    vectors: dict[Box, int] = {}
    for (prefix, block), effect in boxes.items():
        lanes = layout.ones
        for q, admitted in block:
            lanes &= layout.pattern(q, admitted)
        vectors[prefix] = vectors.get(prefix, 0) + lanes * effect
    tables: dict[tuple[int, ...], dict[tuple[int, ...], int]] = {}
    for box, vector in vectors.items():
        table = tables.setdefault(tuple(q for q, _ in box), {})
        for combo in itertools.product(*(sorted(v) for _, v in box)):
            table[combo] = table.get(combo, 0) + vector
    return tables


def sweep(ruleset: RuleSet, progress: Callable[[float], None] | None = None) -> Sweep:
    """Visit every combination once (see the module docstring)."""
    tools = ruleset.tools
    width = len(tools)
    masks = Decider(ruleset).masks
    sizes = tuple(len(q.values) for q in QUESTIONS)
    per_value = [[masks[q.id][v] for v in q.values] for q in QUESTIONS]
    effects, bits, fields = _effects(ruleset)
    layout = _Layout(sizes, bits, fields)
    tables = [(tuple(qs), table) for qs, table in _tables(ruleset, layout, effects).items()]
    total_bytes = layout.lanes * layout.lane_bytes
    block_masks = [
        _and(per_value[layout.prefix + q][v] for q, v in enumerate(combo))
        for combo in itertools.product(*(range(n) for n in sizes[layout.prefix :]))
    ]
    known: dict[tuple[int, ...], Outcome] = {}
    # Every lane's fields, in lane order (struct runs in C).
    unpack = struct.Struct(f"<{fields}{_FIELD_CODES[bits]}").iter_unpack

    def learn(numbers: tuple[int, ...]) -> Outcome:
        scores, excluders = numbers[0::2], numbers[1::2]
        # engine.decide's rule, inlined (it runs for every distinct state): the highest
        # score among the eligible, the tool order between equals. Points are never
        # negative here, so -1 marks an excluded tool.
        ranked = (
            scores if not any(excluders) else [-1 if x else s for s, x in zip(scores, excluders, strict=True)]
        )
        top = max(ranked)
        if top < 0:
            outcome = Outcome(width, None, scores, excluders)
        else:
            second = sorted(ranked)[-2] if width > 1 else -1
            outcome = Outcome(ranked.index(top), top - second if second >= 0 else None, scores, excluders)
        known[numbers] = outcome
        return outcome

    prefixes = list(itertools.product(*(range(n) for n in sizes[: layout.prefix])))

    def walk() -> Iterator[list[int]]:
        for prefix in prefixes:
            here = _and(per_value[q][v] for q, v in enumerate(prefix))
            yield [here & mask for mask in block_masks]

    counts: Counter[int] = Counter()
    outcomes: dict[int, Outcome] = {}
    winners: list[bytes] = []
    winner_of = operator.attrgetter("winner")
    for node, (prefix, fired) in enumerate(zip(prefixes, walk(), strict=True)):
        if progress is not None:
            progress(node / len(prefixes))
        vector = 0
        for questions, table in tables:
            vector += table.get(tuple(prefix[q] for q in questions), 0)
        states = list(unpack(vector.to_bytes(total_bytes, "little")))
        looked = list(map(known.get, states))
        found = cast(list[Outcome], looked)
        if None in looked:
            found = [outcome or learn(state) for outcome, state in zip(looked, states, strict=True)]
        counts.update(fired)  # these three run in C: no Python step per combination
        outcomes.update(zip(fired, found, strict=True))
        winners.append(bytes(map(winner_of, found)))
    return Sweep(counts, outcomes, b"".join(winners), sizes, masks, walk)


def _and(masks: Iterable[int]) -> int:
    result = -1
    for mask in masks:
        result &= mask
    return result
