"""Properties over the whole answer space: hypothesis samples it, itertools walks all of it.

Only facts that rules.yaml really guarantees are asserted; each says which rules make it so.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import BUILTIN_RULES, TEAM_NO_VENV_ON_HEROKU, OracleDecision, oracle, oracle_decide
from pickenv.questionnaire.questions import QUESTIONS, Value
from pickenv.rules.check import check_rules
from pickenv.rules.engine import Decider, recommend
from pickenv.rules.loader import RulesSource, load_rules
from pickenv.rules.model import Rule, RuleSet
from pickenv.versions import select_versions

RULES = load_rules([RulesSource.from_path(BUILTIN_RULES)])
TOOLS = RULES.tools
ALL_ANSWERS = st.fixed_dictionaries({q.id: st.sampled_from(q.values) for q in QUESTIONS})
BELOW_3_9 = select_versions("<3.9")
BELOW_3_10 = select_versions("<3.10")

# The whole space has 336 960 combinations; the exhaustive tests below walk all of them.
SAMPLED = settings(max_examples=150, deadline=None)


def every_combination() -> Iterator[dict[str, Value]]:
    ids = [q.id for q in QUESTIONS]
    for values in itertools.product(*(q.values for q in QUESTIONS)):
        yield dict(zip(ids, values, strict=True))


# ----- hypothesis ----------------------------------------------------------------------------


@SAMPLED
@given(ALL_ANSWERS)
def test_exactly_one_recommendation_never_an_excluded_tool(answers: dict[str, Value]) -> None:
    result = recommend(RULES, answers)
    assert result.recommendation in TOOLS
    assert sorted(a.tool for a in result.ranking) == sorted(TOOLS)  # each tool ranked once
    top = result.ranking[0]
    assert top.tool == result.recommendation and top.eligible
    assert not top.excluded_by


@SAMPLED
@given(ALL_ANSWERS)
def test_winner_has_the_max_score_and_ties_go_to_the_declared_order(answers: dict[str, Value]) -> None:
    result = recommend(RULES, answers)
    eligible = [a for a in result.ranking if a.eligible]
    best = max(a.score for a in eligible)
    by_tool = {a.tool: a for a in result.ranking}
    assert by_tool[result.recommendation].score == best
    top = [t for t in TOOLS if by_tool[t].eligible and by_tool[t].score == best]
    assert result.recommendation == top[0]
    assert result.tie_break == (len(top) > 1)
    # The ranking: eligible tools by score (declared order on ties), then excluded tools.
    assert list(result.ranking) == sorted(
        result.ranking, key=lambda a: (not a.eligible, -a.score, TOOLS.index(a.tool))
    )


@SAMPLED
@given(ALL_ANSWERS)
def test_engine_agrees_with_the_naive_oracle(answers: dict[str, Value]) -> None:
    result = recommend(RULES, answers)
    expected = oracle(RULES, answers)
    assert result.recommendation == expected.winner
    assert result.tie_break == expected.tie
    assert {a.tool: a.score for a in result.ranking} == expected.scores
    assert {a.tool for a in result.ranking if not a.eligible} == expected.excluded
    fired = {r.id for r in RULES.rules if r.matches(answers)}
    assert set(result.fired_rules) == fired


@SAMPLED
@given(ALL_ANSWERS.map(lambda a: {**a, "python_version": "2.7"}))
def test_python_2_7_never_gets_venv_or_pipenv(answers: dict[str, Value]) -> None:
    # venv-needs-python-3-3 and pipenv-needs-python-3-9 exclude them.
    result = recommend(RULES, answers)
    assert result.recommendation not in ("venv", "pipenv")
    assert {a.tool for a in result.ranking if not a.eligible} >= {"venv", "pipenv"}


@SAMPLED
@given(ALL_ANSWERS, st.sampled_from(sorted(BELOW_3_9)))
def test_python_below_3_9_never_gets_pipenv(answers: dict[str, Value], version: str) -> None:
    result = recommend(RULES, {**answers, "python_version": version})
    assert result.recommendation != "pipenv"


@SAMPLED
@given(ALL_ANSWERS.map(lambda a: {**a, "deploy": "heroku"}))
def test_heroku_never_gets_conda(answers: dict[str, Value]) -> None:
    assert recommend(RULES, answers).recommendation != "conda"


@SAMPLED
@given(ALL_ANSWERS)
def test_binary_deps_only_ever_move_the_answer_to_conda(answers: dict[str, Value]) -> None:
    # The binary_deps rules only add points to conda (binary-deps-need-conda,
    # windows-binary-packages) or advice, so saying yes can only make conda win.
    without = recommend(RULES, {**answers, "binary_deps": False}).recommendation
    with_binaries = recommend(RULES, {**answers, "binary_deps": True}).recommendation
    assert with_binaries in (without, "conda")
    if without == "conda":
        assert with_binaries == "conda"


@SAMPLED
@given(
    ALL_ANSWERS.map(lambda a: {**a, "binary_deps": "no-wheels", "manage_python": True, "os_packages": False}),
    st.sampled_from(["none", "hpc"]),
    st.sampled_from(["web", "data-science", "library", "cli", "scripting"]),
    st.sampled_from(sorted(select_versions(">=3.6"))),
)
def test_libraries_without_wheels_and_a_managed_python_off_the_cloud_get_conda(
    answers: dict[str, Value], deploy: str, domain: str, version: str
) -> None:
    # conda >= 10 + 6 - 3 (hpc) = 13; the most any other tool reaches outside Python 2
    # code is pipenv's 5 + 4 + 2 = 11 (lock file, web team, pyenv).
    changed = {**answers, "deploy": deploy, "domain": domain, "python_version": version}
    assert recommend(RULES, changed).recommendation == "conda"


@SAMPLED
@given(ALL_ANSWERS.map(lambda a: {**a, "binary_deps": False, "manage_python": False}))
def test_data_science_or_hpc_alone_never_gets_conda(answers: dict[str, Value]) -> None:
    # Without non-Python binaries or a Python to install, conda collects at most 2
    # (data-science-stack), never more than venv's 3 (venv-in-standard-library).
    assert recommend(RULES, answers).recommendation != "conda"


@SAMPLED
@given(ALL_ANSWERS.map(lambda a: {**a, "manage_python": True}))
def test_a_managed_python_is_never_silently_ignored(answers: dict[str, Value]) -> None:
    # conda installs Python itself; any other winner carries a `needs` line (pyenv,
    # pyenv-win, `py install`) or, where the platform brings Python (Docker, Heroku,
    # Lambda), the advice that says so.
    result = recommend(RULES, answers)
    winner = next(a for a in result.ranking if a.tool == result.recommendation)
    platform = any(r.rule == "the-platform-installs-python" for r in winner.reasons)
    assert winner.tool == "conda" or winner.needs or platform


@SAMPLED
@given(ALL_ANSWERS.map(lambda a: {**a, "deploy": "serverless"}))
def test_serverless_outweighs_a_scientific_stack(answers: dict[str, Value]) -> None:
    # serverless-size-limit takes 14 from conda: all its binary rules add up to 14 + 4.
    result = recommend(RULES, answers)
    assert result.recommendation != "conda" or (answers["manage_python"] and answers["windows"])


@SAMPLED
@given(ALL_ANSWERS)
def test_what_would_change_is_exactly_the_winner_flipping_changes(answers: dict[str, Value]) -> None:
    result = recommend(RULES, answers)
    listed = {(c.question, c.value): c.recommendation for c in result.what_would_change}
    for question in QUESTIONS:
        for value in question.values:
            if value == answers[question.id]:
                assert (question.id, value) not in listed
                continue
            winner = oracle(RULES, {**answers, question.id: value}).winner
            if winner == result.recommendation:
                assert (question.id, value) not in listed
            else:
                assert listed[(question.id, value)] == winner
                assert recommend(RULES, {**answers, question.id: value}).recommendation == winner


# ----- exhaustive ----------------------------------------------------------------------------


@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_every_combination_has_exactly_one_eligible_winner() -> None:
    decider = Decider(RULES)
    total = 0
    winners: Counter[str] = Counter()
    for answers in every_combination():
        decision = decider.decide(decider.fired(answers))
        assert decision.winner is not None, answers
        winners[decision.winner] += 1
        total += 1
    assert total == TOTAL == 336960
    assert set(winners) == set(TOOLS)  # every tool is the answer somewhere


TOTAL = 1
for _question in QUESTIONS:
    TOTAL *= len(_question.values)


@dataclasses.dataclass
class Walk:
    """Every combination with the rules it fires, decided the slow, obvious way. A
    combination's winner depends only on the rules it fires, so combinations that fire
    the same rules are decided once: ``cases`` holds one example of each fired set and
    how many combinations fire it (336 960 combinations, ~112 000 fired sets)."""

    cases: list[tuple[dict[str, Value], tuple[Rule, ...], int]]
    no_tool: list[tuple[dict[str, Value], int]]
    ties: int
    fired_sets: set[frozenset[str]]

    @property
    def combinations(self) -> int:
        return sum(count for *_, count in self.cases)


def brute_force(rules: RuleSet) -> Walk:
    # Each rule is matched against each single answer by Rule.matches itself; a
    # combination fires the rules every one of its answers admits.
    admits: list[list[tuple[Value, int]]] = []
    for question in QUESTIONS:
        per_value = []
        for value in question.values:
            mask = 0
            for bit, rule in enumerate(rules.rules):
                if all(value in c.allowed for c in rule.when if c.question == question.id):
                    mask |= 1 << bit
            per_value.append((value, mask))
        admits.append(per_value)
    everything = (1 << len(rules.rules)) - 1
    counts: dict[int, list[object]] = {}
    for combination in itertools.product(*admits):
        mask = everything
        for _, admitted in combination:
            mask &= admitted
        seen = counts.get(mask)
        if seen is None:
            counts[mask] = [combination, 1]
        else:
            seen[1] += 1  # type: ignore[operator]
    walk = Walk([], [], 0, set())
    ids = [q.id for q in QUESTIONS]
    for mask, (combination, count) in counts.items():
        answers = dict(zip(ids, (value for value, _ in combination), strict=True))  # type: ignore[attr-defined]
        fired = tuple(r for bit, r in enumerate(rules.rules) if mask >> bit & 1)
        assert fired == tuple(r for r in rules.rules if r.matches(answers))
        walk.cases.append((answers, fired, count))  # type: ignore[arg-type]
        walk.fired_sets.add(frozenset(r.id for r in fired))
        decision = oracle_decide(rules.tools, fired)
        if decision.winner is None:
            walk.no_tool.append((answers, count))  # type: ignore[arg-type]
        elif decision.tie:
            walk.ties += count  # type: ignore[operator]
    return walk


def changes_some_winner(rules: RuleSet, walk: Walk, rule_id: str) -> bool:
    """Does removing one rule change the winner of any combination that fires it?"""
    for _, fired, _ in walk.cases:
        if any(r.id == rule_id for r in fired):
            without = [r for r in fired if r.id != rule_id]
            if oracle_decide(rules.tools, fired).winner != oracle_decide(rules.tools, without).winner:
                return True
    return False


def scoring_rules_that_never_change_the_winner(
    rules: RuleSet, walk: Walk, file: Path | None = None
) -> tuple[str, ...]:
    return tuple(
        r.id
        for r in rules.rules
        if not r.advice_only
        and (file is None or r.origin.startswith(f"{file}:"))
        and not changes_some_winner(rules, walk, r.id)
    )


@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_rules_check_of_the_builtin_rules_agrees_with_brute_force() -> None:
    report = check_rules(RULES)
    walk = brute_force(RULES)
    assert report.files == (str(BUILTIN_RULES),)
    assert report.combinations == walk.combinations == TOTAL == 336960
    assert report.errors == 0 and walk.no_tool == []
    assert report.no_tool.count == 0 and report.no_tool.examples == ()
    assert report.never_fire == ()
    assert all(any(r.id in fired for fired in walk.fired_sets) for r in RULES.rules)  # every rule fires
    assert report.never_change_winner == () == scoring_rules_that_never_change_the_winner(RULES, walk)
    assert report.tie_break.count == walk.ties > 0
    # The declared order (tie_break) is explained, so ties are counted, not warned about.
    assert RULES.tie_break and not report.undeclared_ties
    assert report.warnings == 0
    assert sum(count for _, count in report.winners) == TOTAL
    assert report.distinct_cases == len(walk.fired_sets)
    for example in report.tie_break.examples:
        assert oracle(RULES, dict(example)).tie


BROKEN_TEAM = (
    TEAM_NO_VENV_ON_HEROKU
    + """  - id: conda-on-heroku-is-pointless
    when: {deploy: heroku}
    score: {conda: 5}
    because: conda is excluded on Heroku anyway, so this never matters.
    source: https://example.org/policy
"""
)


@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_rules_check_of_a_broken_team_file_agrees_with_brute_force(write: Callable[..., Path]) -> None:
    path = write("team.yaml", BROKEN_TEAM)
    rules = load_rules([RulesSource.from_path(BUILTIN_RULES), RulesSource.from_path(path)])
    report = check_rules(rules, judged=[str(path)])  # as `pickenv rules check team.yaml` judges it
    walk = brute_force(rules)
    # heroku excludes conda, the team excludes venv and virtualenv, and <3.10 excludes pipenv.
    no_tool = sum(count for _, count in walk.no_tool)
    assert no_tool == TOTAL // 5 * len(BELOW_3_10) // 13 == 25920
    assert all(a["deploy"] == "heroku" and a["python_version"] in BELOW_3_10 for a, _ in walk.no_tool)
    assert report.no_tool.count == no_tool
    assert report.errors == 1
    for example in report.no_tool.examples:
        assert oracle(rules, dict(example)).winner is None
    assert report.tie_break.count == walk.ties
    assert report.distinct_cases == len(walk.fired_sets)
    assert report.never_fire == ()
    # On Heroku conda is excluded, so the team's bonus for it never changes a winner;
    # every other scoring rule changes some winner.
    assert report.never_change_winner == ("conda-on-heroku-is-pointless",)
    assert scoring_rules_that_never_change_the_winner(rules, walk, path) == report.never_change_winner
    assert report.warnings == 1  # the useless rule; ties are settled by a declared order


def random_rules(seed: int, count: int) -> str:
    """A complete rules file of ``count`` random rules. Points are small, so ties, one-point
    leads and rules that only matter in a tie are common; a few rules exclude a tool, some
    score two tools at once, some are advice only: every branch of the check is exercised."""
    rng = random.Random(seed)
    lines = ["schema_version: 1", "tools: [venv, virtualenv, pipenv, conda]", "rules:"]
    for number in range(count):
        lines.append(f"  - id: r{number}")
        if number % 9 == 0:
            lines.append("    when: {}")  # an unconditional rule every few
        else:
            lines.append("    when:")
            for question in rng.sample(QUESTIONS, rng.randint(1, 3)):
                values = rng.sample(list(question.values), rng.randint(1, len(question.values) - 1))
                shown = ", ".join(f'"{v}"' if isinstance(v, str) else str(v).lower() for v in values)
                lines.append(f"      {question.id}: [{shown}]")
        roll = rng.random()
        if roll < 0.12:
            lines.append(f"    exclude: {rng.choice(TOOLS)}")
        elif roll < 0.2:
            lines.append(f"    advice: {{{rng.choice(TOOLS)}: Advice {number}.}}")
        else:
            scores = ", ".join(
                f"{t}: {rng.choice([-2, -1, 1, 2, 3])}" for t in rng.sample(TOOLS, rng.randint(1, 2))
            )
            lines.append(f"    score: {{{scores}}}")
        lines += [f"    because: Reason {number}.", "    source: https://example.org/rules"]
    # Points for a tool only where it is excluded: a rule that never changes a winner.
    for rule_id, effect in (("offline-no-conda", "exclude: conda"), ("moot", "score: {conda: 2}")):
        lines += [f"  - id: {rule_id}", "    when: {offline: [true]}", f"    {effect}"]
        lines += ["    because: Reason.", "    source: https://example.org/rules"]
    return "\n".join(lines) + "\n"


def lead(decision: OracleDecision, tools: tuple[str, ...]) -> int | None:
    others = [decision.scores[t] for t in tools if t != decision.winner and t not in decision.excluded]
    return decision.scores[decision.winner] - max(others) if decision.winner and others else None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rules_check_of_random_rules_agrees_with_brute_force(seed: int, write: Callable[..., Path]) -> None:
    rules = load_rules([RulesSource.from_path(write("rules.yaml", random_rules(seed, 24)))])
    report = check_rules(rules)
    walk = brute_force(rules)
    decisions = [(oracle_decide(rules.tools, fired), count) for _, fired, count in walk.cases]
    assert report.no_tool.count == sum(count for _, count in walk.no_tool)
    assert report.tie_break.count == walk.ties
    assert report.near_tie.count == sum(c for d, c in decisions if not d.tie and lead(d, rules.tools) == 1)
    assert dict(report.winners) == {t: sum(c for d, c in decisions if d.winner == t) for t in rules.tools}
    assert report.distinct_cases == len(walk.fired_sets)
    fired_ever = set().union(*walk.fired_sets)
    assert report.never_fire == tuple(r.id for r in rules.rules if r.id not in fired_ever)
    assert report.never_change_winner == tuple(
        r.id
        for r in rules.rules
        if r.id in fired_ever and not r.advice_only and not changes_some_winner(rules, walk, r.id)
    )
    # The sample is only a good test if it holds each kind of finding.
    assert walk.ties and report.near_tie.count and "moot" in report.never_change_winner
