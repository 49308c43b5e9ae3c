"""The real CLI: `rules check`, `rules show`, colour, --version, usage errors and exit codes."""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

import pickenv
from helpers import BUILTIN_RULES, TEAM_NO_VENV_ON_HEROKU, Result, TTYOutput
from pickenv import errors
from pickenv.questionnaire.questions import QUESTIONS

Run = Callable[..., Result]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


# ----- rules check -------------------------------------------------------------------------


def test_rules_check_builtin_is_clean(run_cli: Run) -> None:
    result = run_cli("rules", "check")
    assert (result.code, result.err) == (0, "")
    lines = result.out.splitlines()
    assert lines[0].startswith("Checked built-in rules.yaml: 336960 answer combinations (")
    assert re.fullmatch(r"Winners: venv [\d.]+%, virtualenv [\d.]+%, pipenv [\d.]+%, conda [\d.]+%", lines[1])
    assert lines[-1] == "0 errors, 0 warnings"
    assert not any(line.startswith(("error", "warning")) for line in lines)
    # Ties are counted and explained, not hidden: the declared order settles them.
    assert any(line.startswith("Ties: ") and "the simpler tool wins a tie" in line for line in lines)


def test_rules_check_strict_passes_on_the_shipped_rules(run_cli: Run) -> None:
    for layers in ((), ("--with", "uv")):
        result = run_cli("rules", "check", "--strict", *layers)
        assert result.code == 0, result.out
        assert result.out.splitlines()[-1] == "0 errors, 0 warnings"


def test_rules_check_strict_fails_on_undeclared_ties(run_cli: Run, write: Callable[..., Path]) -> None:
    # A team that reorders the tools without saying why turns ties into warnings.
    path = write("team.yaml", "schema_version: 1\ntools: [conda, venv, virtualenv, pipenv]\n")
    result = run_cli("rules", "check", "--strict", str(path))
    assert result.code == errors.EXIT_RULES
    assert "decided only by the tool order" in result.out
    assert result.out.splitlines()[-1] == "0 errors, 1 warnings"


def test_rules_check_the_builtin_file_by_path_is_standalone(run_cli: Run) -> None:
    result = run_cli("rules", "check", str(BUILTIN_RULES))
    assert result.code == 0 and result.out.startswith("Checked built-in rules.yaml:")


def test_rules_check_a_team_file_with_no_tool_combinations(run_cli: Run, write: Callable[..., Path]) -> None:
    path = write("team.yaml", TEAM_NO_VENV_ON_HEROKU)
    result = run_cli("rules", "check", str(path))
    assert result.code == 4 and result.err == ""
    lines = result.out.splitlines()
    assert lines[0].startswith(f"Checked built-in rules.yaml, {path}: 336960 answer combinations")
    assert "error: 25920 combinations leave no tool:" in lines  # Heroku and Python below 3.10
    examples = [line for line in lines if line.startswith("      e.g. ") and "deploy=heroku" in line]
    assert examples and all(re.search(r"python_version=(2\.7|3\.[6-9]) ", e) for e in examples)
    assert lines[-1].startswith("1 errors, ")


def test_rules_check_json(run_cli: Run, write: Callable[..., Path]) -> None:
    doc = json.loads(run_cli("rules", "check", "--format", "json").out)
    assert list(doc) == [
        "schema", "schema_version", "pickenv_version", "files", "combinations", "distinct_cases",
        "errors", "warnings", "winners", "no_tool", "never_fire", "never_change_winner",
        "tie_break", "near_tie", "decisive",
    ]  # fmt: skip
    assert (doc["schema"], doc["schema_version"], doc["pickenv_version"]) == (
        "pickenv/rules-check",
        1,
        pickenv.__version__,
    )
    assert (doc["errors"], doc["warnings"], doc["combinations"]) == (0, 0, 336960)
    assert list(doc["winners"]) == ["venv", "virtualenv", "pipenv", "conda"]
    assert sum(doc["winners"].values()) == 336960
    assert doc["tie_break"]["declared_reason"].startswith("the simpler tool wins a tie")
    assert doc["no_tool"] == {"count": 0, "examples": []}
    assert doc["tie_break"]["count"] > 0 and len(doc["tie_break"]["examples"]) == 3
    assert list(doc["tie_break"]["examples"][0]) == [q.id for q in QUESTIONS]
    broken = run_cli("rules", "check", "--format", "json", str(write("team.yaml", TEAM_NO_VENV_ON_HEROKU)))
    assert broken.code == 4
    report = json.loads(broken.out)
    assert report["errors"] == 1 and report["no_tool"]["count"] == 25920
    assert all(e["deploy"] == "heroku" for e in report["no_tool"]["examples"])


def test_rules_check_of_an_invalid_team_file(run_cli: Run, write: Callable[..., Path]) -> None:
    path = write("team.yaml", "schema_version: 1\ndisable: [no-such-rule]\n")
    result = run_cli("rules", "check", str(path))
    assert result.code == 4 and result.out == ""
    lines = result.err.splitlines()
    assert lines[0] == f"pickenv: error: {path}:2:11: cannot disable unknown rule 'no-such-rule'"
    assert "checked as a team layer over the built-in rules" in lines[1] and "--standalone" in lines[1]


def test_rules_check_standalone(run_cli: Run, write: Callable[..., Path]) -> None:
    complete = write("copy.yaml", BUILTIN_RULES.read_text(encoding="utf-8"))
    result = run_cli("rules", "check", "--standalone", str(complete))
    assert result.code == 0 and result.out.startswith(f"Checked {complete}:")
    # As a team layer the same file is wrong: every id already exists.
    layered = run_cli("rules", "check", str(complete))
    assert layered.code == 4 and "already exists" in layered.err


def test_rules_check_without_file_checks_the_effective_rules(
    run_cli: Run, write: Callable[..., Path]
) -> None:
    path = write("team.yaml", TEAM_NO_VENV_ON_HEROKU)
    via_flag = run_cli("rules", "check", "--rules", str(path))
    via_env = run_cli("rules", "check", env={"PICKENV_RULES": str(path)})
    for result in (via_flag, via_env):
        assert result.code == 4
        assert f"built-in rules.yaml, {path}" in result.out.splitlines()[0]


@pytest.mark.slow  # over 1 s: out of the fast suite (issue 17's 2-minute goal)
def test_rules_check_in_a_subprocess(run_subprocess: Run, write: Callable[..., Path]) -> None:
    assert run_subprocess("rules", "check").code == 0
    assert run_subprocess("rules", "check", "--strict").code == 0
    assert run_subprocess("rules", "check", str(write("team.yaml", TEAM_NO_VENV_ON_HEROKU))).code == 4


# ----- rules show --------------------------------------------------------------------------


def test_rules_show_text(run_cli: Run, builtin_rules: object) -> None:
    result = run_cli("rules", "show")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[:3] == [
        "Rules: built-in rules.yaml",
        "Tools (tie-break order): venv, virtualenv, pipenv, conda",
        "Ties: the simpler tool wins a tie: venv comes with Python, virtualenv is one package, pipenv "
        "adds a workflow on top of them, conda brings its own distribution",
    ]
    assert re.match(r"rule +when +venv +virtualenv +pipenv +conda +warns$", lines[4])
    assert re.match(
        r"pipenv-needs-python-3-10 +python_version <3\.10 +excluded$",
        next(x for x in lines if x.startswith("pipenv-needs")),
    )
    assert re.match(
        r"heroku-needs-python-3-10 +deploy heroku and python_version <3\.10 +yes$",
        next(x for x in lines if x.startswith("heroku-needs")),
    )
    assert re.match(
        r"docker-slim-images +deploy docker +\+4 +-4$", next(x for x in lines if x.startswith("docker-slim"))
    )
    ids = [r.id for r in builtin_rules.rules]  # type: ignore[attr-defined]
    assert all(any(line.startswith(f"  {rule_id}: ") for line in lines) for rule_id in ids)


def test_rules_show_markdown(run_cli: Run) -> None:
    lines = run_cli("rules", "show", "--format", "markdown").out.splitlines()
    assert lines[0] == "# Rules (built-in rules.yaml)"
    assert "| rule | when | venv | virtualenv | pipenv | conda | warns |" in lines
    assert "| heroku-has-no-conda | deploy heroku |  |  |  | excluded |  |" in lines
    assert "## Because" in lines


def test_rules_show_json_with_a_team_layer(run_cli: Run, write: Callable[..., Path]) -> None:
    team = write(
        "team.yaml",
        "schema_version: 1\ntools: [venv, virtualenv, pipenv, conda, uv]\ndisable: [offline-installs]\n",
    )
    doc = json.loads(run_cli("rules", "show", "--format", "json", "--rules", str(team)).out)
    assert (doc["schema"], doc["schema_version"]) == ("pickenv/rules", 1)
    assert doc["files"] == [str(BUILTIN_RULES), str(team)]
    assert doc["tools"] == ["venv", "virtualenv", "pipenv", "conda", "uv"]
    assert doc["disabled"] == ["offline-installs"]
    assert "offline-installs" not in [r["id"] for r in doc["rules"]]
    assert doc["tie_break"] == ""  # the team reordered nothing, but restated the list: no reason carried
    assert [n["tool"] for n in doc["not_considered"]] == ["uv", "pixi", "Hatch", "PDM", "Poetry"]
    web = next(r for r in doc["rules"] if r["id"] == "web-team-pipenv")
    assert web["when"] == {"domain": "web", "team_size": "[small, large]"}
    assert (
        web["score"] == {"pipenv": 4}
        and web["exclude"] == []
        and web["origin"].startswith(f"{BUILTIN_RULES}:")
    )
    text = run_cli("rules", "show", "--rules", str(team)).out
    assert "Disabled: offline-installs" in text.splitlines()


# ----- colour ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "env", "coloured"),
    [
        ((), {}, True),  # auto on a terminal
        ((), {"NO_COLOR": "1"}, False),
        ((), {"NO_COLOR": ""}, True),  # no-color.org: only a non-empty value counts
        ((), {"TERM": "dumb"}, False),
        (("--color", "never"), {}, False),
        (("--color", "always"), {"NO_COLOR": "1"}, True),  # an explicit flag beats the variable
    ],
)
def test_colour_on_a_terminal(
    run_cli: Run, argv: tuple[str, ...], env: dict[str, str], coloured: bool
) -> None:
    result = run_cli("recommend", "--defaults", *argv, env={"TERM": "xterm", **env}, stdout=TTYOutput())
    assert result.code == 0
    assert bool(ANSI.search(result.out)) == coloured
    assert ANSI.sub("", result.out).startswith("Recommended: ")
    if coloured:
        assert "\x1b[1;32m" in result.out.splitlines()[0]  # the winner in bold green


@pytest.mark.parametrize("argv", [("--color", "always", "recommend"), ("recommend", "--color", "always")])
def test_color_always_before_or_after_the_command(run_cli: Run, argv: tuple[str, ...]) -> None:
    result = run_cli(*argv, "--defaults", env={"NO_COLOR": "1"})  # not a terminal either
    assert ANSI.search(result.out)


def test_colour_never_touches_json(run_cli: Run) -> None:
    result = run_cli("recommend", "--defaults", "--format", "json", "--color", "always", stdout=TTYOutput())
    assert not ANSI.search(result.out) and json.loads(result.out)


def test_no_color_in_a_subprocess(run_subprocess: Run) -> None:
    assert not ANSI.search(run_subprocess("recommend", "--defaults", env={"NO_COLOR": "1"}).out)
    assert ANSI.search(run_subprocess("recommend", "--defaults", "--color", "always").out)


# ----- version, usage, exit codes ------------------------------------------------------------


def test_version(run_cli: Run, run_subprocess: Run) -> None:
    for run in (run_cli, run_subprocess):
        result = run("--version")
        assert (result.code, result.out, result.err) == (0, f"pickenv {pickenv.__version__}\n", "")


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (("recommend", "--format", "yaml"), "invalid choice: 'yaml'"),
        (("rules", "check", "--format", "markdown"), "invalid choice: 'markdown'"),
        (("recommend", "--bogus"), "unrecognized arguments: --bogus"),
        (("completion", "powershell"), "invalid choice: 'powershell'"),
        (("frobnicate",), "invalid choice: 'frobnicate'"),
    ],
)
def test_usage_errors_exit_2_with_one_line(run_cli: Run, argv: tuple[str, ...], needle: str) -> None:
    result = run_cli(*argv)
    assert result.code == errors.EXIT_USAGE == 2
    assert result.out == ""
    (line,) = result.err.splitlines()
    assert needle in line and line.endswith("--help`)")


@pytest.mark.parametrize(("argv", "first"), [((), "usage: pickenv "), (("rules",), "usage: pickenv rules ")])
def test_missing_command_prints_help_and_exits_2(run_cli: Run, argv: tuple[str, ...], first: str) -> None:
    result = run_cli(*argv)
    assert result.code == 2 and result.err.startswith(first) and result.out == ""  # help on stderr


def test_help_goes_to_the_given_stdout(run_cli: Run) -> None:
    result = run_cli("recommend", "--help")
    assert result.code == 0 and result.err == "" and "--answers-file" in result.out
    assert "domain=web|data-science|legacy-python2" in re.sub(r"\s+", "", result.out)  # help wraps at hyphens


def test_exit_code_table_is_unique_and_complete() -> None:
    constants = {
        name: value
        for name, value in vars(errors).items()
        if name.startswith("EXIT_") and isinstance(value, int)
    }
    assert len(set(constants.values())) == len(constants), "two exit codes share a number"
    assert set(errors.EXIT_CODES) == set(constants.values())
    assert all(text.strip() for text in errors.EXIT_CODES.values())
    assert len(set(errors.EXIT_CODES.values())) == len(errors.EXIT_CODES)
    classes = [
        c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, errors.PickenvError)
    ]
    assert all(c.exit_code in errors.EXIT_CODES for c in classes)
    assert errors.RulesError([]).exit_code == 4 and errors.AnswersFileError([]).exit_code == 3
    assert errors.ConfigError([]).exit_code == 2
