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
    assert result.fired_rules == (
        "venv-in-standard-library",
        "venv-on-debian",
        "small-tools-stay-simple",
        "anaconda-licence",
    )
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
    assert [r.rule for r in by_tool["pipenv"].excluded_by] == ["pipenv-needs-python-3-9"]
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


@pytest.mark.parametrize(("version", "pin"), [("3.6", "<20.22"), ("3.7", "<20.27"), ("3.8", "<21.5")])
def test_each_old_target_gets_its_own_virtualenv_pin(builtin_rules: RuleSet, version: str, pin: str) -> None:
    """The advice and the tool module name the same release range."""
    from pickenv.tools.pins import requirement_for
    from pickenv.versions import PythonVersion

    result = recommend(builtin_rules, answers_with(python_version=version, domain="library"))
    assert f"`virtualenv{pin}`" in advice(result, "virtualenv")
    assert requirement_for(PythonVersion.parse(version)) == f"virtualenv{pin}"
    assert excluded(result) == {"pipenv"}


def test_python_3_9_keeps_pipenv_with_its_pin(builtin_rules: RuleSet) -> None:
    from pickenv.tools.pipenv import requirement_for
    from pickenv.versions import PythonVersion

    result = recommend(builtin_rules, answers_with(python_version="3.9", lockfile=True, domain="web"))
    assert result.recommendation == "pipenv" and "pipenv" not in excluded(result)
    assert "`pipenv<2026.1`" in advice(result, "pipenv")
    assert requirement_for(PythonVersion(3, 9)) == "pipenv<2026.1"


def test_binary_dependencies_give_conda(builtin_rules: RuleSet) -> None:
    result = recommend(builtin_rules, answers_with(binary_deps=True))
    assert result.recommendation == "conda"
    assert scores(result)["conda"] == 14
    assert "binary-deps-need-conda" in result.fired_rules


def test_data_science_on_windows_with_binaries(builtin_rules: RuleSet) -> None:
    result = recommend(builtin_rules, answers_with(domain="data-science", binary_deps=True, windows=True))
    assert result.recommendation == "conda"
    assert scores(result)["conda"] == 14 + 4 + 2
    assert "Scripts" in advice(result, "venv")  # windows activation advice, still attached


def test_heroku_excludes_conda_even_when_it_scores_highest(builtin_rules: RuleSet) -> None:
    result = recommend(
        builtin_rules,
        answers_with(deploy="heroku", binary_deps=True, domain="library", lockfile=True, offline=True),
    )
    assert "conda" in excluded(result)
    assert scores(result)["conda"] == 14 - 1 > scores(result)[result.recommendation]
    # pipenv's +5 for the lock file is spent on a library (-3) on Heroku (-2).
    assert (result.recommendation, scores(result)["venv"], scores(result)["pipenv"]) == ("venv", 4, 0)


def test_heroku_below_python_3_10_is_a_warning_whatever_the_tool(builtin_rules: RuleSet) -> None:
    result = recommend(builtin_rules, answers_with(deploy="heroku", python_version="3.9"))
    assert [w.rule for w in result.warnings] == ["heroku-needs-python-3-10", "python-past-end-of-life"]
    assert "3.10" in result.warnings[0].text
    deprecated = recommend(builtin_rules, answers_with(deploy="heroku", python_version="3.10")).warnings
    assert [w.rule for w in deprecated] == ["heroku-python-3-10-deprecated", "python-past-end-of-life"]
    assert not recommend(builtin_rules, answers_with(deploy="heroku", python_version="3.11")).warnings


def test_lockfile_web_small_team_on_3_12_gives_pipenv(builtin_rules: RuleSet) -> None:
    result = recommend(
        builtin_rules, answers_with(lockfile=True, python_version="3.12", domain="web", team_size="small")
    )
    assert result.recommendation == "pipenv"
    assert scores(result)["pipenv"] == 5 + 2
    assert [a.tool for a in result.ranking][:2] == ["pipenv", "venv"]


def test_lockfile_on_3_8_excludes_pipenv(builtin_rules: RuleSet) -> None:
    result = recommend(
        builtin_rules, answers_with(lockfile=True, python_version="3.8", domain="web", team_size="small")
    )
    assert "pipenv" in excluded(result)
    assert result.recommendation == "venv"
    assert scores(result)["pipenv"] == 7  # the score is there; the exclusion wins


@pytest.mark.parametrize(
    ("overrides", "winner", "tie"),
    [
        ({"deploy": "hpc"}, "venv", False),  # a centre's policy, not conda: venv 5 > conda -2
        ({"manage_python": True}, "venv", False),  # venv 5 (with pyenv advice) > pipenv 4 > conda 3
        ({"manage_python": True, "domain": "web"}, "pipenv", False),  # pipenv 4 > venv 3 = conda 3
        ({"domain": "library"}, "venv", False),  # tox makes the test matrix, whatever the tool
        ({"domain": "data-science"}, "venv", False),  # wheels exist: venv 3 > conda 2
        ({"domain": "data-science", "binary_deps": True}, "conda", False),  # conda 14 > venv 3
        ({"binary_deps": True, "deploy": "serverless"}, "venv", False),  # venv 5+4 > conda 12-10
        ({"offline": True, "lockfile": True}, "venv", False),  # venv 5+1 > pipenv 5
        # venv 3+4 = conda 14+4+3-14: the declared order
        (
            {
                "domain": "library",
                "binary_deps": True,
                "windows": True,
                "manage_python": True,
                "deploy": "serverless",
            },
            "venv",
            True,
        ),
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


def test_conda_always_carries_the_licence_advice(builtin_rules: RuleSet) -> None:
    for answers in (answers_with(binary_deps=True), answers_with()):
        result = recommend(builtin_rules, answers)
        assert "conda-forge" in advice(result, "conda") and "200" in advice(result, "conda")
    # The licence is about the organisation, not the team: no score moves for it.
    assert scores(recommend(builtin_rules, answers_with(team_size="large", binary_deps=True)))["conda"] == 14


def test_a_tie_says_so_and_why(builtin_rules: RuleSet) -> None:
    answers = answers_with(
        domain="library", binary_deps=True, windows=True, manage_python=True, deploy="serverless"
    )
    tie = recommend(builtin_rules, answers)
    assert (tie.recommendation, tie.tie_break, tie.tied) == ("venv", True, ("venv", "conda"))
    assert scores(tie)["venv"] == scores(tie)["conda"] == 7
    assert tie.tie_break_reason.startswith("the simpler tool wins a tie")
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
                tie = winner is not None and recommend(rules, changed).tie_break
                found.append(Change(question.id, value, winner, tie))
    return found


def test_what_would_change_for_the_defaults_is_exactly_this(builtin_rules: RuleSet) -> None:
    result = recommend(builtin_rules, answers_with())
    shown = [(c.question, c.value, c.recommendation, c.tie) for c in result.what_would_change]
    assert shown == [
        ("domain", "legacy-python2", "virtualenv", False),
        ("python_version", "2.7", "virtualenv", False),
        ("binary_deps", True, "conda", False),
    ]
    assert list(result.what_would_change) == brute_force_changes(builtin_rules, answers_with())


def test_what_would_change_marks_answers_that_end_in_a_tie(builtin_rules: RuleSet) -> None:
    answers = answers_with(domain="library", binary_deps=True, windows=True, manage_python=True)
    result = recommend(builtin_rules, answers)
    assert result.recommendation == "conda"
    to_lambda = next(c for c in result.what_would_change if (c.question, c.value) == ("deploy", "serverless"))
    assert (to_lambda.recommendation, to_lambda.tie) == ("venv", True)


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"python_version": "2.7"},
        {"binary_deps": True, "deploy": "heroku"},
        {"lockfile": True, "python_version": "3.12", "domain": "web", "team_size": "small"},
        {"lockfile": True, "python_version": "3.8"},
        {"deploy": "heroku", "python_version": "3.9", "lockfile": True},
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
        ("binary-deps-need-conda", "+14"),
        ("windows-binary-packages", "+4"),
        ("offline-installs", "advice"),
        ("anaconda-licence", "advice"),
    ]
    assert "conda-pack" in (conda.reasons[2].advice or "")
    assert all(r.because and r.source.startswith("https://") for r in conda.reasons)
    assert Decider(builtin_rules).assess(answers, "conda") == conda
