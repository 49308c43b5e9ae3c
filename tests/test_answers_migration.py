"""Old answers stay readable after binary_deps became none|wheels|no-wheels: answers
files, --answer, rules files' conditions and the engine take true/false and read them
as no-wheels/none (the old question's hint: "libraries that pip cannot install from
wheels alone")."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from helpers import answers_with
from pickenv.errors import AnswerError
from pickenv.questionnaire.questions import coerce, get_question
from pickenv.rules.engine import recommend
from pickenv.rules.model import RuleSet

Run = Callable[..., Any]


@pytest.mark.parametrize(
    ("raw", "now"),
    [(True, "no-wheels"), ("true", "no-wheels"), ("yes", "no-wheels"), (False, "none"), ("off", "none"),
     ("wheels", "wheels"), ("no-wheels", "no-wheels")],
)  # fmt: skip
def test_old_binary_deps_answers_are_migrated(raw: object, now: str) -> None:
    assert coerce(get_question("binary_deps"), raw) == now


def test_a_wrong_value_still_names_the_new_ones() -> None:
    with pytest.raises(AnswerError, match="choose one of: none, wheels, no-wheels"):
        coerce(get_question("binary_deps"), "maybe")


def test_an_old_answers_file_and_flag(run_cli: Run, run_subprocess: Run, write: Callable[..., Path]) -> None:
    path = write("answers.yml", 'domain: data-science\nbinary_deps: true\npython_version: "3.12"\n')
    doc = json.loads(run_cli("recommend", "--answers-file", str(path), "--defaults", "--format", "json").out)
    assert doc["answers"]["binary_deps"] == "no-wheels" and doc["recommendation"] == "conda"
    flag = run_subprocess("recommend", "--defaults", "-a", "python_version=3.12", "-a", "binary_deps=false")
    assert flag.code == 0 and "binary_deps=none" in flag.out


def test_a_team_rule_written_with_true_still_matches(team: Callable[..., RuleSet]) -> None:
    rules = team(
        "schema_version: 1\nrules:\n  - id: our-gpu-boxes\n    when: {binary_deps: true}\n"
        "    score: {virtualenv: 30}\n    because: Our wheelhouse.\n    source: https://wiki.example.org\n"
    )
    (condition,) = rules.rule("our-gpu-boxes").when
    assert condition.allowed == {"no-wheels"}
    assert recommend(rules, answers_with(binary_deps="no-wheels")).recommendation == "virtualenv"
    assert recommend(rules, answers_with(binary_deps="wheels")).recommendation == "venv"


def test_the_engine_reads_an_old_value(builtin_rules: RuleSet) -> None:
    old = recommend(builtin_rules, answers_with(binary_deps=True))
    new = recommend(builtin_rules, answers_with(binary_deps="no-wheels"))
    assert old == new


def test_a_complete_old_answers_file_needs_no_new_answers(
    run_subprocess: Run, write: Callable[..., Path]
) -> None:
    from pickenv.errors import EXIT_NO_TTY

    old = write(
        "old.yml",
        'domain: cli\npython_version: "3.12"\nteam_size: solo\nlockfile: false\nbinary_deps: false\n'
        "windows: false\nmanage_python: false\ndeploy: none\noffline: false\n",
    )
    result = run_subprocess("recommend", "--answers-file", str(old))
    assert result.code == 0, result.err
    assert "organisation=small" in result.out and "os_packages=false" in result.out
    # An incomplete file still names every open question, the new ones included.
    partial = run_subprocess("recommend", "--answers-file", str(write("partial.yml", "domain: cli\n")))
    assert partial.code == EXIT_NO_TTY and "organisation" in partial.err and "os_packages" in partial.err
