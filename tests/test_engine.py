"""The rule engine on concrete answers, with winners that follow from rules.yaml."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from helpers import BUILTIN_RULES, TEAM_EXCLUDE_ALL_ON_HPC, answers_with, oracle
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
        "python-3-11-end-of-life",  # fires; its warning waits for October 2027
        "venv-in-standard-library",
        "venv-on-debian",
        "small-tools-stay-simple",
        "anaconda-licence",
    )
    assert not recommend(builtin_rules, answers_with(), today="2026-12-05").warnings
    (passed,) = recommend(builtin_rules, answers_with(), today="2027-11-01").warnings
    assert passed.rule == "python-3-11-end-of-life"  # the date passed: a warning, without an edit
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


@pytest.mark.parametrize(("version", "pin"), [("3.6", "<20.22"), ("3.7", "<20.27"), ("3.8", "<21.5")])
def test_each_old_target_gets_its_own_virtualenv_pin(builtin_rules: RuleSet, version: str, pin: str) -> None:
    """The advice and the tool module name the same release range."""
    from pickenv.tools.pins import requirement_for
    from pickenv.versions import PythonVersion

    result = recommend(builtin_rules, answers_with(python_version=version, domain="library"))
    assert f"`virtualenv{pin}`" in advice(result, "virtualenv")
    assert requirement_for(PythonVersion.parse(version)) == f"virtualenv{pin}"
    assert excluded(result) == {"pipenv"}


def test_python_3_9_excludes_pipenv_and_locks_with_pip_tools(builtin_rules: RuleSet) -> None:
    # pipenv needs Python 3.10 since 2025.1.1; the last release that still ran in a 3.9
    # environment misses the security fixes of 2026.7.1, so venv + pip-tools locks it.
    result = recommend(builtin_rules, answers_with(python_version="3.9", lockfile=True, domain="web"))
    assert result.recommendation == "venv" and "pipenv" in excluded(result)
    assert "3.10" in next(a for a in result.ranking if a.tool == "pipenv").excluded_by[0].because


def test_binary_dependencies_give_conda(builtin_rules: RuleSet) -> None:
    # An answers file's `binary_deps: true` still works: it means no-wheels, as its hint said.
    result = recommend(builtin_rules, answers_with(binary_deps=True))
    assert result.recommendation == "conda"
    assert scores(result)["conda"] == 10
    assert "binary-deps-need-conda" in result.fired_rules
    assert dict(result.answers)["binary_deps"] == "no-wheels"


def test_wheels_are_scored_on_their_own(builtin_rules: RuleSet) -> None:
    result = recommend(builtin_rules, answers_with(binary_deps="wheels"))
    assert result.recommendation == "venv"
    assert scores(result)["conda"] == 1 and "compiled-wheels-from-pypi" in result.fired_rules


def test_data_science_on_windows_with_binaries(builtin_rules: RuleSet) -> None:
    result = recommend(builtin_rules, answers_with(domain="data-science", binary_deps=True, windows=True))
    assert result.recommendation == "conda"
    assert scores(result)["conda"] == 10 + 4 + 2
    assert "Scripts" in advice(result, "venv")  # windows activation advice, still attached


def test_heroku_excludes_conda_even_when_it_scores_highest(builtin_rules: RuleSet) -> None:
    result = recommend(
        builtin_rules,
        answers_with(deploy="heroku", binary_deps=True, domain="library", lockfile=True, offline=True),
    )
    assert "conda" in excluded(result)
    assert scores(result)["conda"] == 10 + 1 > scores(result)[result.recommendation]
    # pipenv's +5 for the lock file is spent on a library (-3) on Heroku (-2).
    assert (result.recommendation, scores(result)["venv"], scores(result)["pipenv"]) == ("venv", 4, 0)


def test_heroku_below_python_3_10_is_a_warning_whatever_the_tool(builtin_rules: RuleSet) -> None:
    result = recommend(builtin_rules, answers_with(deploy="heroku", python_version="3.9"), today="2026-12-05")
    assert [w.rule for w in result.warnings] == [
        "heroku-needs-python-3-10",
        "python-3-9-and-older-end-of-life",
    ]
    # One target, said once: 3.11 or later (the buildpack deprecated 3.10).
    assert "3.11 or later" in result.warnings[0].text and "3.10 or later" not in result.warnings[0].text
    deprecated = recommend(builtin_rules, answers_with(deploy="heroku", python_version="3.10")).warnings
    assert [w.rule for w in deprecated] == ["heroku-python-3-10-deprecated", "python-3-10-end-of-life"]
    assert not recommend(
        builtin_rules, answers_with(deploy="heroku", python_version="3.11"), today="2026-12-05"
    ).warnings


def test_lockfile_web_small_team_on_3_12_gives_pipenv(builtin_rules: RuleSet) -> None:
    result = recommend(
        builtin_rules, answers_with(lockfile=True, python_version="3.12", domain="web", team_size="small")
    )
    assert result.recommendation == "pipenv"
    assert scores(result)["pipenv"] == 5 + 4
    assert [a.tool for a in result.ranking][:2] == ["pipenv", "venv"]


def test_lockfile_on_3_8_excludes_pipenv(builtin_rules: RuleSet) -> None:
    result = recommend(
        builtin_rules, answers_with(lockfile=True, python_version="3.8", domain="web", team_size="small")
    )
    assert "pipenv" in excluded(result)
    assert result.recommendation == "venv"
    assert scores(result)["pipenv"] == 9  # the score is there; the exclusion wins


@pytest.mark.parametrize(
    ("overrides", "winner", "tie"),
    [
        ({"deploy": "hpc"}, "venv", False),  # a script on a cluster: venv 5 > virtualenv 4 > conda -3
        ({"deploy": "hpc", "domain": "data-science"}, "virtualenv", False),  # virtualenv 4 > venv 3
        ({"manage_python": True}, "conda", False),  # conda installs Python: 6 > venv 5 (needs pyenv)
        ({"manage_python": True, "domain": "web"}, "conda", False),  # conda 6 > venv 3 > pipenv 2
        ({"domain": "library"}, "venv", False),  # a task runner makes the test matrix: venv 3 > virtualenv 1
        ({"domain": "data-science"}, "venv", False),  # wheels exist: venv 3 > conda 2
        ({"domain": "data-science", "binary_deps": "wheels"}, "venv", True),  # venv 3 = conda 2+1: a tie
        ({"domain": "data-science", "binary_deps": "no-wheels"}, "conda", False),  # conda 10+2 > venv 3
        ({"binary_deps": "no-wheels", "deploy": "serverless"}, "venv", False),  # venv 5+4 > conda 10-14
        ({"offline": True, "lockfile": True}, "venv", False),  # venv 5+1 > pipenv 5
        (
            {"os_packages": True, "binary_deps": "no-wheels"},
            "venv",
            False,
        ),  # conda cannot see the OS's modules
        ({"domain": "cli", "binary_deps": "wheels", "manage_python": True, "deploy": "hpc"}, "venv", False),
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


def test_conda_always_carries_the_licence_note_for_the_organisation(builtin_rules: RuleSet) -> None:
    for answers in (answers_with(binary_deps=True), answers_with()):
        result = recommend(builtin_rules, answers)
        assert "conda-forge" in advice(result, "conda") and "200" in advice(result, "conda")
    # The licence is about the organisation, not the team: a large one gets a `needs` line.
    large = recommend(builtin_rules, answers_with(organisation="large", binary_deps=True))
    conda = next(a for a in large.ranking if a.tool == "conda")
    assert [r.rule for r in conda.needs] == ["anaconda-licence-large-organisation"]
    assert "paid" in (conda.needs[0].needs or "") and "conda-forge" in (conda.needs[0].needs or "")
    school = recommend(builtin_rules, answers_with(organisation="education", binary_deps=True))
    assert "mirroring" in advice(school, "conda")
    assert scores(large)["conda"] == scores(school)["conda"] == 10  # no score moves for it
    assert scores(recommend(builtin_rules, answers_with(team_size="large", binary_deps=True)))["conda"] == 10


TIE = {"domain": "data-science", "binary_deps": "wheels"}  # venv 3 = conda 2 + 1


def test_a_tie_says_so_and_why(builtin_rules: RuleSet) -> None:
    tie = recommend(builtin_rules, answers_with(**TIE))
    assert (tie.recommendation, tie.tie_break, tie.tied) == ("venv", True, ("venv", "conda"))
    assert scores(tie)["venv"] == scores(tie)["conda"] == 3
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
        ("binary_deps", "no-wheels", "conda", False),
        ("manage_python", True, "conda", False),  # a stated need the winner cannot meet moves it
    ]
    assert list(result.what_would_change) == brute_force_changes(builtin_rules, answers_with())


def test_what_would_change_marks_answers_that_end_in_a_tie(builtin_rules: RuleSet) -> None:
    answers = answers_with(**{**TIE, "manage_python": True})
    result = recommend(builtin_rules, answers)
    assert result.recommendation == "conda"
    back = next(c for c in result.what_would_change if (c.question, c.value) == ("manage_python", False))
    assert (back.recommendation, back.tie) == ("venv", True)


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"python_version": "2.7"},
        {"binary_deps": "no-wheels", "deploy": "heroku"},
        {"binary_deps": "wheels", "deploy": "hpc", "domain": "data-science"},
        {"os_packages": True, "manage_python": True, "python_version": "3.14t"},
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
    answers = answers_with(windows=True, binary_deps="no-wheels", offline=True)
    result = recommend(builtin_rules, answers)
    conda = next(a for a in result.ranking if a.tool == "conda")
    assert [(r.rule, r.effect) for r in conda.reasons] == [
        ("binary-deps-need-conda", "+10"),
        ("windows-binary-packages", "+4"),
        ("offline-installs", "advice"),
        ("anaconda-licence", "advice"),
    ]
    assert "conda-pack" in (conda.reasons[2].advice or "")
    assert all(r.because and r.source.startswith("https://") for r in conda.reasons)
    assert Decider(builtin_rules).assess(answers, "conda") == conda
