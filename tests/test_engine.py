"""The rule engine on concrete answers, with winners that follow from rules.yaml."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conftest import BUILTIN_RULES, TEAM_EXCLUDE_ALL_ON_HPC, answers_with, oracle
from pickenv.commands.wording import WORDING
from pickenv.errors import EXIT_NO_TOOL, Fix, NoToolError
from pickenv.questionnaire.questions import QUESTIONS, Value
from pickenv.rules.engine import Change, Decider, Recommendation, recommend
from pickenv.rules.model import RuleSet


def scores(result: Recommendation) -> dict[str, int]:
    return {a.tool: a.score for a in result.ranking}


def excluded(result: Recommendation) -> set[str]:
    return {a.tool for a in result.ranking if not a.eligible}


def advice(result: Recommendation, tool: str) -> str:
    return " ".join(next(a for a in result.ranking if a.tool == tool).advice)


def test_defaults_for_a_3_11_script_give_venv(builtin_rules: RuleSet) -> None:
    result = recommend(builtin_rules, answers_with())
    assert result.recommendation == "venv"
    assert scores(result) == {"venv": 5, "virtualenv": 0, "pipenv": 0, "conda": 0}
    assert result.fired_rules == ("venv-in-standard-library", "small-tools-stay-simple")
    assert not result.tie_break
    assert excluded(result) == set()
    assert result.answers == tuple((q.id, answers_with()[q.id]) for q in QUESTIONS)
    assert result.rules_files == (str(BUILTIN_RULES),)


def test_python_2_7_gets_virtualenv_with_the_version_pin(builtin_rules: RuleSet) -> None:
    result = recommend(builtin_rules, answers_with(python_version="2.7"))
    assert result.recommendation == "virtualenv"
    assert excluded(result) == {"venv", "pipenv"}
    by_tool = {a.tool: a for a in result.ranking}
    assert [r.rule for r in by_tool["venv"].excluded_by] == ["venv-needs-python-3-3"]
    assert [r.rule for r in by_tool["pipenv"].excluded_by] == ["pipenv-needs-python-3-10"]
    assert "`virtualenv<20.22`" in advice(result, "virtualenv")
    # Excluded tools rank last whatever their score (venv still collects its +5).
    assert [a.tool for a in result.ranking] == ["virtualenv", "conda", "venv", "pipenv"]
    assert scores(result)["venv"] == 5 > scores(result)["conda"]


def test_legacy_python2_defaults_to_2_7_and_virtualenv(builtin_rules: RuleSet) -> None:
    answers = answers_with(domain="legacy-python2")
    assert answers["python_version"] == "2.7"
    result = recommend(builtin_rules, answers)
    assert result.recommendation == "virtualenv"
    assert scores(result)["virtualenv"] == 14  # +8 for 2.7, +6 for legacy Python 2 code


def test_python_3_7_gets_the_other_virtualenv_pin(builtin_rules: RuleSet) -> None:
    result = recommend(builtin_rules, answers_with(python_version="3.7", domain="library"))
    assert result.recommendation == "virtualenv"
    assert "`virtualenv<21.5`" in advice(result, "virtualenv")
    assert "20.22" not in advice(result, "virtualenv")
    assert excluded(result) == {"pipenv"}


def test_binary_dependencies_give_conda(builtin_rules: RuleSet) -> None:
    result = recommend(builtin_rules, answers_with(binary_deps=True))
    assert result.recommendation == "conda"
    assert scores(result)["conda"] == 12
    assert "binary-deps-need-conda" in result.fired_rules


def test_data_science_on_windows_with_binaries(builtin_rules: RuleSet) -> None:
    result = recommend(builtin_rules, answers_with(domain="data-science", binary_deps=True, windows=True))
    assert result.recommendation == "conda"
    assert scores(result)["conda"] == 12 + 4 + 6
    assert "Scripts" in advice(result, "venv")  # windows activation advice, still attached


def test_heroku_excludes_conda_even_when_it_scores_highest(builtin_rules: RuleSet) -> None:
    result = recommend(
        builtin_rules,
        answers_with(deploy="heroku", binary_deps=True, domain="library", lockfile=True, offline=True),
    )
    assert "conda" in excluded(result)
    assert result.recommendation != "conda"
    assert scores(result)["conda"] == 12 > scores(result)[result.recommendation]
    # virtualenv 6+2 = pipenv 8+4-4, virtualenv listed first
    assert result.recommendation == "virtualenv" and result.tie_break


def test_lockfile_web_small_team_on_3_12_gives_pipenv(builtin_rules: RuleSet) -> None:
    result = recommend(
        builtin_rules, answers_with(lockfile=True, python_version="3.12", domain="web", team_size="small")
    )
    assert result.recommendation == "pipenv"
    assert scores(result)["pipenv"] == 12
    assert [a.tool for a in result.ranking][:2] == ["pipenv", "venv"]


def test_lockfile_on_3_9_excludes_pipenv(builtin_rules: RuleSet) -> None:
    result = recommend(
        builtin_rules, answers_with(lockfile=True, python_version="3.9", domain="web", team_size="small")
    )
    assert "pipenv" in excluded(result)
    assert result.recommendation == "venv"
    assert scores(result)["pipenv"] == 12  # the score is there; the exclusion wins


@pytest.mark.parametrize(
    ("overrides", "winner", "tie"),
    [
        ({"deploy": "hpc"}, "conda", False),  # conda 8 > venv 5
        ({"manage_python": True}, "conda", False),  # conda 10 > venv 5
        ({"domain": "library"}, "virtualenv", False),  # virtualenv 6 > venv 3
        ({"domain": "data-science"}, "conda", False),  # conda 6 > venv 3
        ({"domain": "data-science", "deploy": "serverless"}, "venv", False),  # venv 3+4 > conda 6-6
        ({"binary_deps": True, "deploy": "docker"}, "venv", False),  # venv 5+4 > conda 12-4
        ({"offline": True, "lockfile": True}, "venv", False),  # venv 5+2 > pipenv 8-4
        # virtualenv 6 = conda 8-2 (> venv 3): declared order
        ({"domain": "library", "team_size": "large", "deploy": "hpc"}, "virtualenv", True),
    ],
)
def test_winners_follow_from_rules_yaml(
    builtin_rules: RuleSet, overrides: dict[str, Value], winner: str, tie: bool
) -> None:
    answers = answers_with(**overrides)
    result = recommend(builtin_rules, answers)
    assert (result.recommendation, result.tie_break) == (winner, tie)
    expected = oracle(builtin_rules, answers)  # the naive computation agrees, scores included
    assert (expected.winner, expected.tie, expected.scores) == (winner, tie, scores(result))


def test_large_team_gets_the_conda_licence_advice(builtin_rules: RuleSet) -> None:
    result = recommend(builtin_rules, answers_with(team_size="large", binary_deps=True))
    assert result.recommendation == "conda"
    assert scores(result)["conda"] == 10
    assert "conda-forge" in advice(result, "conda") and "200" in advice(result, "conda")


def test_tie_break_flag(builtin_rules: RuleSet) -> None:
    tie = recommend(builtin_rules, answers_with(lockfile=True, deploy="hpc"))
    assert (tie.recommendation, tie.tie_break) == ("pipenv", True)
    assert scores(tie)["pipenv"] == scores(tie)["conda"] == 8
    assert not recommend(builtin_rules, answers_with(lockfile=True)).tie_break


def brute_force_changes(rules: RuleSet, answers: dict[str, Value]) -> list[Change]:
    """Every single-answer change that flips the winner, found by calling recommend."""
    current = recommend(rules, answers).recommendation
    found = []
    for question in QUESTIONS:
        for value in question.values:
            if value == answers[question.id]:
                continue
            changed = {**answers, question.id: value}
            try:
                winner: str | None = recommend(rules, changed).recommendation
            except NoToolError:
                winner = None
            if winner != current:
                found.append(Change(question.id, value, winner))
    return found


def test_what_would_change_for_the_defaults_is_exactly_this(builtin_rules: RuleSet) -> None:
    result = recommend(builtin_rules, answers_with())
    shown = [(c.question, c.value, c.recommendation) for c in result.what_would_change]
    assert shown == [
        ("domain", "data-science", "conda"),
        ("domain", "legacy-python2", "virtualenv"),
        ("domain", "library", "virtualenv"),
        ("python_version", "2.7", "virtualenv"),
        ("lockfile", True, "pipenv"),
        ("binary_deps", True, "conda"),
        ("manage_python", True, "conda"),
        ("deploy", "hpc", "conda"),
    ]
    assert list(result.what_would_change) == brute_force_changes(builtin_rules, answers_with())


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"python_version": "2.7"},
        {"binary_deps": True, "deploy": "heroku"},
        {"lockfile": True, "python_version": "3.12", "domain": "web", "team_size": "small"},
        {"lockfile": True, "python_version": "3.9"},
        {"domain": "data-science", "windows": True, "offline": True, "team_size": "large"},
        {"domain": "cli", "deploy": "serverless", "manage_python": True},
    ],
)
def test_what_would_change_matches_brute_force(builtin_rules: RuleSet, overrides: dict[str, Value]) -> None:
    answers = answers_with(**overrides)
    result = recommend(builtin_rules, answers)
    assert list(result.what_would_change) == brute_force_changes(builtin_rules, answers)
    assert all(c.recommendation != result.recommendation for c in result.what_would_change)


def test_no_tool_error_when_a_team_rule_excludes_every_tool(team: Callable[..., RuleSet]) -> None:
    rules = team(TEAM_EXCLUDE_ALL_ON_HPC)
    with pytest.raises(NoToolError) as info:
        recommend(rules, answers_with(deploy="hpc"))
    message = str(info.value)
    assert info.value.exit_code == EXIT_NO_TOOL
    assert "the rules exclude every tool" in message
    assert "deploy=hpc" in message
    assert "venv: no-clusters-here" in message and "conda: no-clusters-here" in message
    assert Fix.CHECK_RULES in info.value.fixes  # worded by the CLI with its flags:
    assert "pickenv rules check" in info.value.lines(WORDING)[0]
    # One answer away, what_would_change says that no tool would fit.
    fine = recommend(rules, answers_with())
    assert Change("deploy", "hpc", None) in fine.what_would_change
    assert list(fine.what_would_change) == brute_force_changes(rules, answers_with())


def test_exclusion_beats_any_score(team: Callable[..., RuleSet]) -> None:
    rules = team(
        "schema_version: 1\nrules:\n  - id: venv-forever\n    score: {venv: 100}\n"
        "    because: b\n    source: s\n"
    )
    result = recommend(rules, answers_with(python_version="2.7"))
    assert result.recommendation == "virtualenv"
    assert scores(result)["venv"] == 105


def test_reasons_list_every_fired_rule_touching_a_tool(builtin_rules: RuleSet) -> None:
    answers = answers_with(windows=True, binary_deps=True, offline=True)
    result = recommend(builtin_rules, answers)
    conda = next(a for a in result.ranking if a.tool == "conda")
    assert [(r.rule, r.effect) for r in conda.reasons] == [
        ("binary-deps-need-conda", "+12"),
        ("windows-binary-packages", "+4"),
        ("offline-conda-pack", "advice"),
    ]
    assert "conda-pack" in (conda.reasons[-1].advice or "")
    assert all(r.because and r.source.startswith("https://") for r in conda.reasons)
    assert Decider(builtin_rules).assess(answers, "conda") == conda
