"""The real command line, in-process (pickenv.cli.main) and as `python -m pickenv`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import pickenv
from helpers import BUILTIN_RULES, TEAM_EXCLUDE_ALL_ON_HPC, Result, TTYOutput
from pickenv import errors
from pickenv.questionnaire.questions import QUESTIONS

Run = Callable[..., Result]
HINT = "run `pickenv rules check FILE` to see every problem; the rules format is in rules.yaml"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
PY311 = ("-a", "python_version=3.11")  # pin the default that depends on the running interpreter

TEAM_CONDA = (
    "schema_version: 1\nrules:\n  - id: {id}\n    score: {{conda: 50}}\n    because: b\n    source: s\n"
)
BROKEN = (
    "schema_version: 1\nrules:\n  - id: x\n    when: {python_version: 3.10}\n"
    "    score: {vnev: 1}\n    because: b\n    source: s\n"
)


def one_error_line(result: Result) -> str:
    """The run failed cleanly: nothing on stdout, one `pickenv: error:` line, no traceback."""
    assert result.out == ""
    assert "Traceback" not in result.err
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("pickenv: error: ")
    return lines[0]


# ----- recommend ---------------------------------------------------------------------------


def test_recommend_defaults_text(run_cli: Run) -> None:
    result = run_cli("recommend", "--defaults", *PY311)
    assert (result.code, result.err) == (0, "")
    lines = result.out.splitlines()
    assert lines[0] == "Recommended: venv"
    assert "Ranking" in lines and "What would change the answer" in lines
    assert "  1. venv        score +5" in lines
    assert "  binary_deps=no-wheels -> conda" in lines and "  manage_python=true -> conda" in lines
    assert "  python_version=2.7 -> virtualenv" in lines
    not_considered = result.out.split("\nNot considered\n")[1].split("\n\n")[0].splitlines()
    assert [line.split(":")[0].strip() for line in not_considered] == ["uv", "pixi", "Hatch", "PDM", "Poetry"]
    assert "add --with uv to rank it" in not_considered[0] and not_considered[0].endswith(".html>")
    assert lines[-2] == (
        "Answers: domain=scripting python_version=3.11 team_size=solo organisation=small lockfile=false "
        "binary_deps=none os_packages=false windows=false manage_python=false deploy=none offline=false"
    )
    assert lines[-1] == "Rules: built-in rules.yaml"
    assert not ANSI.search(result.out)  # not a terminal: no colour


def test_recommend_text_shows_excluded_tools_and_advice(run_cli: Run) -> None:
    result = run_cli("recommend", "--defaults", "-a", "python_version=2.7")
    assert result.code == 0
    assert result.out.startswith("Recommended: virtualenv\n")
    excluded = result.out.split("\nExcluded\n")[1].split("\n\n")[0]
    assert (
        "venv" in excluded
        and "[venv-needs-python-3-3]" in excluded
        and "[pipenv-needs-python-3-10]" in excluded
    )
    assert "virtualenv: Install `virtualenv<20.22`" in result.out.split("\nAdvice\n")[1]


# Data science with compiled wheels: venv 3 = conda 2 + 1; conda wins once it must install Python.
TIE = ("-a", "domain=data-science", "-a", "binary_deps=wheels")


def test_recommend_tie_is_explained(run_cli: Run) -> None:
    result = run_cli("recommend", "--defaults", *PY311, *TIE)
    lines = result.out.splitlines()
    assert lines[:2] == [
        "Recommended: venv",
        "  Tie: venv and conda score +3; the tool order picked venv (the simpler tool wins a tie: "
        "venv comes with Python, virtualenv is one package, pipenv adds a workflow on top of "
        "them, conda brings its own distribution)",
    ]
    changes = result.out.split("What would change the answer\n")[1].split("\n\n")[0].splitlines()
    assert changes[0] == "  any rule that favours one of the tied tools (this answer is a tie)"
    for fmt in ("json", "markdown"):
        other = run_cli("recommend", "--defaults", *PY311, *TIE, "--format", fmt)
        assert "Tie: venv and conda score +3" in other.out or '"tied": [' in other.out


def test_a_change_that_ends_in_a_tie_says_so(run_cli: Run) -> None:
    managed = (*TIE, "-a", "manage_python=true")
    result = run_cli("recommend", "--defaults", *PY311, *managed)
    assert result.out.startswith("Recommended: conda\n")
    assert "  manage_python=false -> venv (a tie, settled by the tool order)" in result.out.splitlines()
    doc = json.loads(run_cli("recommend", "--defaults", *PY311, *managed, "--format", "json").out)
    change = next(c for c in doc["what_would_change"] if c["question"] == "manage_python")
    assert change == {"question": "manage_python", "value": False, "recommendation": "venv", "tie": True}


def test_a_one_point_lead_is_called_close(run_cli: Run) -> None:
    result = run_cli("recommend", "--defaults", *PY311, "-a", "manage_python=true")
    assert result.out.splitlines()[1] == "  Close: conda leads venv by one point (+6 to +5)"
    doc = json.loads(
        run_cli("recommend", "--defaults", *PY311, "-a", "manage_python=true", "--format", "json").out
    )
    assert doc["tie"] == {
        "tied": [],
        "margin": 1,
        "near_tie": True,
        "settled_by": "score",
        "tool_order_reason": doc["tie"]["tool_order_reason"],
    }


def test_warnings_come_first_in_every_format(run_cli: Run) -> None:
    argv = ("recommend", "--defaults", "-a", "deploy=heroku", "-a", "python_version=3.9")
    lines = run_cli(*argv).out.splitlines()
    assert lines[1:3] == ["", "Warnings"]
    assert lines[3].startswith("  Heroku's Python buildpack no longer builds Python 3.9 or older")
    assert lines[3].endswith("[heroku-needs-python-3-10]")
    assert lines[4].endswith("[python-3-9-and-older-end-of-life]")
    assert lines.index("Ranking") > 4
    doc = json.loads(run_cli(*argv, "--format", "json").out)
    assert [w["rule"] for w in doc["warnings"]] == [
        "heroku-needs-python-3-10",
        "python-3-9-and-older-end-of-life",
    ]
    assert doc["warnings"][0]["source"].startswith("https://github.com/heroku/")
    markdown = run_cli(*argv, "--format", "markdown").out.splitlines()
    assert markdown[2] == "## Warnings" and markdown[4].startswith("- **Heroku's Python buildpack")


def test_recommend_json_envelope_contract(run_cli: Run) -> None:
    result = run_cli(
        "recommend", "--defaults", "--format", "json", "-a", "python_version=2.7", "-a", "windows=true"
    )
    assert (result.code, result.err) == (0, "")
    doc = json.loads(result.out)
    assert list(doc) == [
        "schema", "schema_version", "pickenv_version", "recommendation", "tie_break", "tie",
        "warnings", "ranking", "advice", "answers", "fired_rules", "what_would_change",
        "not_considered", "rules_files",
    ]  # fmt: skip
    assert doc["schema"] == "pickenv/recommendation"
    assert doc["schema_version"] == 1
    assert doc["pickenv_version"] == pickenv.__version__
    assert doc["recommendation"] == "virtualenv"
    assert doc["tie_break"] is False
    assert [r["rank"] for r in doc["ranking"]] == [1, 2, 3, 4]
    assert [r["tool"] for r in doc["ranking"]] == ["virtualenv", "conda", "venv", "pipenv"]
    for entry in doc["ranking"]:
        assert set(entry) == {"rank", "tool", "score", "excluded", "reasons"}
        assert isinstance(entry["score"], int) and isinstance(entry["excluded"], bool)
        for reason in entry["reasons"]:
            assert (
                {"rule", "effect", "because", "source"}
                <= set(reason)
                <= {"rule", "effect", "because", "source", "advice"}
            )
            if reason["effect"] == "advice":
                assert reason["advice"]  # an advice-only reason always carries its text
            assert isinstance(reason.get("advice", ""), str)
    venv = doc["ranking"][2]
    assert venv["excluded"] is True
    assert {"rule": "venv-needs-python-3-3", "effect": "excluded"}.items() <= venv["reasons"][0].items()
    assert all(set(a) == {"tool", "rule", "text"} for a in doc["advice"])
    assert any(a["tool"] == "virtualenv" and "virtualenv<20.22" in a["text"] for a in doc["advice"])
    assert doc["answers"] == {
        "domain": "scripting", "python_version": "2.7", "team_size": "solo", "organisation": "small",
        "lockfile": False, "binary_deps": "none", "os_packages": False, "windows": True,
        "manage_python": False, "deploy": "none", "offline": False,
    }  # fmt: skip
    assert list(doc["answers"]) == [q.id for q in QUESTIONS]
    assert "python-2-7-needs-virtualenv" in doc["fired_rules"]
    assert all(set(c) == {"question", "value", "recommendation", "tie"} for c in doc["what_would_change"])
    assert {"question": "python_version", "value": "3.11", "recommendation": "venv", "tie": False} in doc[
        "what_would_change"
    ]
    assert [w["rule"] for w in doc["warnings"]] == ["python-3-9-and-older-end-of-life"]
    assert [n["tool"] for n in doc["not_considered"]] == ["uv", "pixi", "Hatch", "PDM", "Poetry"]
    assert all(set(n) == {"tool", "when", "source", "include"} for n in doc["not_considered"])
    assert doc["rules_files"] == [str(BUILTIN_RULES)]


def test_recommend_markdown(run_cli: Run) -> None:
    result = run_cli("recommend", "--defaults", *PY311, "-a", "binary_deps=true", "--format", "markdown")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == "# Recommended: conda"
    assert "| rank | tool | score | excluded |" in lines
    assert "| 1 | conda | +10 | no |" in lines
    assert "## What would change the answer" in lines
    assert "- `binary_deps`: `no-wheels`" in lines  # what `true` means now
    assert any(line.startswith("| conda | +10 | ") and "(https://docs.conda.io/" in line for line in lines)
    assert "## Not considered" in lines


def test_answer_flag_beats_answers_file(run_cli: Run, write: Callable[..., Path]) -> None:
    path = write(
        "answers.yaml",
        'domain: data-science\nbinary_deps: true\npython_version: "3.12"\nproject_name: demo\n',
    )
    from_file = json.loads(
        run_cli("recommend", "--defaults", "--answers-file", str(path), "--format", "json").out
    )
    assert from_file["answers"]["domain"] == "data-science" and from_file["recommendation"] == "conda"
    result = run_cli("recommend", "--answers-file", str(path), "-a", "binary_deps=false", "-a", "domain=web",
                     "--defaults", "--format", "json")  # fmt: skip
    doc = json.loads(result.out)
    assert (
        doc["answers"]["domain"] == "web" and doc["answers"]["binary_deps"] == "none"
    )  # false, as it is now said
    assert doc["answers"]["python_version"] == "3.12"  # still from the file
    assert doc["recommendation"] == "venv"


def test_answers_file_with_unquoted_version_is_a_located_error(
    run_cli: Run, write: Callable[..., Path]
) -> None:
    path = write("answers.yaml", "domain: web\npython_version: 3.10\n")
    result = run_cli("recommend", "--defaults", "--answers-file", str(path))
    assert result.code == errors.EXIT_ANSWER == 3
    line = one_error_line(result)
    assert line.startswith(f"pickenv: error: {path}:2:17: invalid value 3.1 for python_version")
    assert 'write the version in quotes, e.g. "3.10"' in line


@pytest.mark.parametrize(
    ("text", "where", "needle"),
    [
        ("lockfile: yes\n", "1:11", "YAML 1.1 reads it as a boolean"),
        ("domian: web\n", "1:1", "unknown question 'domian' (did you mean 'domain'?)"),
        ("deploy: herku\n", "1:9", "(did you mean 'heroku'?)"),
        ("- domain\n", "1:1", "an answers file is a mapping"),
        ("domain: [web\n", "2:1", "invalid YAML"),
    ],
)
def test_bad_answers_files(
    run_cli: Run, write: Callable[..., Path], text: str, where: str, needle: str
) -> None:
    path = write("answers.yaml", text)
    result = run_cli("recommend", "--defaults", "--answers-file", str(path))
    assert result.code == 3
    line = one_error_line(result)
    assert line.startswith(f"pickenv: error: {path}:{where}: ") and needle in line


def test_missing_answers_file(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("recommend", "--defaults", "--answers-file", str(tmp_path / "nope.yaml"))
    assert result.code == 3 and "not found" in one_error_line(result)


@pytest.mark.parametrize(
    ("answer", "needle"),
    [
        ("domian=web", "unknown question 'domian' (did you mean 'domain'?)"),
        ("deploy=herok", "invalid value 'herok' for deploy (--answer deploy=herok) (did you mean 'heroku'?)"),
        ("python_version=3.1", "choose one of: 3.15, 3.15t, 3.14"),
        ("lockfile=maybe", "answer true or false"),
        ("deploy", "must look like QUESTION=VALUE"),
    ],
)
def test_bad_answers_on_the_command_line(run_cli: Run, run_subprocess: Run, answer: str, needle: str) -> None:
    for run in (run_cli, run_subprocess):
        result = run("recommend", "--defaults", "--answer", answer)
        assert result.code == 3
        assert needle in one_error_line(result)


def test_no_terminal_and_no_answers_exits_5_in_process(run_cli: Run) -> None:
    # stdout being a terminal is not enough: questions are asked only when stdin is one too.
    result = run_cli("recommend", "-a", "domain=web", stdout=TTYOutput())
    assert result.code == errors.EXIT_NO_TTY == 5
    line = one_error_line(result)
    assert "no terminal to ask python_version, team_size" in line and "domain," not in line
    assert all(flag in line for flag in ("--answer", "--answers-file", "--defaults"))


def test_no_terminal_and_no_answers_exits_5_without_hanging(run_subprocess: Run) -> None:
    result = run_subprocess("recommend")  # stdin is /dev/null; a hang would hit the timeout
    assert result.code == 5
    assert all(flag in one_error_line(result) for flag in ("--answer", "--answers-file", "--defaults"))


def test_bad_rules_file_exits_4_with_located_errors(run_cli: Run, write: Callable[..., Path]) -> None:
    path = write("team.yaml", BROKEN)
    result = run_cli("recommend", "--defaults", "--rules", str(path))
    assert result.code == errors.EXIT_RULES == 4
    assert result.out == "" and "Traceback" not in result.err
    lines = result.err.splitlines()
    assert lines[0].startswith(f"pickenv: error: {path}:4:28: python_version conditions must be quoted")
    assert lines[1].startswith(f"pickenv: error: {path}:5:13: unknown key 'vnev'")
    assert lines[2] == f"pickenv: error: {HINT}"


@pytest.mark.parametrize("where", ["before", "after"])
def test_traceback_flag_shows_the_traceback(run_cli: Run, write: Callable[..., Path], where: str) -> None:
    path = write("team.yaml", BROKEN)
    argv = ["recommend", "--defaults", "--rules", str(path)]
    argv = ["--traceback", *argv] if where == "before" else [*argv, "--traceback"]
    result = run_cli(*argv)
    assert result.code == 4
    assert "Traceback (most recent call last)" in result.err and "RulesError" in result.err
    assert "pickenv: error: " in result.err


def test_bad_rules_file_in_a_subprocess(run_subprocess: Run, write: Callable[..., Path]) -> None:
    path = write("team.yaml", BROKEN)
    plain = run_subprocess("recommend", "--defaults", "--rules", str(path))
    assert plain.code == 4 and plain.out == "" and "Traceback" not in plain.err
    traced = run_subprocess("--traceback", "recommend", "--defaults", "--rules", str(path))
    assert traced.code == 4 and "Traceback (most recent call last)" in traced.err


def test_no_tool_fits_exits_6(run_cli: Run, write: Callable[..., Path]) -> None:
    rule = "  - id: nothing\n    exclude: [venv, virtualenv, pipenv, conda]\n    because: b\n    source: s\n"
    path = write("team.yaml", "schema_version: 1\nrules:\n" + rule)
    result = run_cli("recommend", "--defaults", "--rules", str(path))
    assert result.code == errors.EXIT_NO_TOOL == 6
    assert "the rules exclude every tool" in one_error_line(result)


def test_what_would_change_names_answers_that_leave_no_tool(run_cli: Run, write: Callable[..., Path]) -> None:
    path = write("team.yaml", TEAM_EXCLUDE_ALL_ON_HPC)
    result = run_cli("recommend", "--defaults", *PY311, "--rules", str(path))
    assert result.code == 0
    changes = result.out.split("What would change the answer\n")[1].split("\n\n")[0].splitlines()
    assert "  deploy=hpc -> no tool fits" in changes
    assert "  binary_deps=no-wheels -> conda" in changes
    doc = json.loads(run_cli("recommend", "--defaults", *PY311, "--rules", str(path), "--format", "json").out)
    assert {"question": "deploy", "value": "hpc", "recommendation": None, "tie": False} in doc[
        "what_would_change"
    ]


# ----- where rules come from ---------------------------------------------------------------


def rules_files(run: Run, *argv: str, env: dict[str, str] | None = None) -> tuple[str, list[str]]:
    result = run("recommend", "--defaults", "--format", "json", *argv, env=env)
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    return doc["recommendation"], doc["rules_files"]


def test_pickenv_rules_env_var(run_cli: Run, run_subprocess: Run, write: Callable[..., Path]) -> None:
    one, two = write("one.yaml", TEAM_CONDA.format(id="one")), write("two.yaml", TEAM_CONDA.format(id="two"))
    env = {"PICKENV_RULES": f"{one}:{two}"}
    for run in (run_cli, run_subprocess):
        assert rules_files(run, env=env) == ("conda", [str(BUILTIN_RULES), str(one), str(two)])
    missing = run_cli("recommend", "--defaults", env={"PICKENV_RULES": str(one.parent / "gone.yaml")})
    assert missing.code == 4 and "gone.yaml:1:1: rules file not found" in missing.err


def test_user_config_layers_rules_before_env_and_flags(
    run_cli: Run, write: Callable[..., Path], isolated_env: dict[str, str]
) -> None:
    config_dir = Path(isolated_env["XDG_CONFIG_HOME"]) / "pickenv"
    (config_dir / "team.yaml").parent.mkdir(parents=True)
    (config_dir / "team.yaml").write_text(TEAM_CONDA.format(id="from-config"), encoding="utf-8")
    (config_dir / "config.yaml").write_text(
        "rules: [team.yaml]\n", encoding="utf-8"
    )  # relative to the config
    assert rules_files(run_cli) == ("conda", [str(BUILTIN_RULES), str(config_dir / "team.yaml")])
    env_file = write("env.yaml", "schema_version: 1\ndisable: [from-config]\n")
    flag_file = write("flag.yaml", "schema_version: 1\ntools: [pipenv, venv, virtualenv, conda]\n")
    winner, files = rules_files(
        run_cli, *PY311, "--rules", str(flag_file), env={"PICKENV_RULES": str(env_file)}
    )
    assert files == [str(BUILTIN_RULES), str(config_dir / "team.yaml"), str(env_file), str(flag_file)]
    assert winner == "venv"  # the config's rule was disabled by the env layer


def test_bad_user_config_is_a_usage_error(run_cli: Run, isolated_env: dict[str, str]) -> None:
    config = Path(isolated_env["XDG_CONFIG_HOME"]) / "pickenv" / "config.yaml"
    config.parent.mkdir(parents=True)
    config.write_text("rules: [team.yaml]\nrulez: []\n", encoding="utf-8")
    result = run_cli("recommend", "--defaults")
    assert result.code == errors.EXIT_USAGE == 2
    assert (
        result.err.splitlines()[0]
        == f"pickenv: error: {config}:2:1: unknown key 'rulez'; allowed: rules, with, trust, team"
    )
    assert result.err.splitlines()[1] == f"pickenv: error: fix or remove the user config {config}"


def test_a_closed_pipe_is_not_an_error() -> None:
    result = subprocess.run(
        f"{sys.executable} -m pickenv rules show | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PICKENV_RULES": ""},
    )
    assert result.stdout.startswith("Rules: ")
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr
