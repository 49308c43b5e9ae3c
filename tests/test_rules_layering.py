"""Team rules files layered over the built-in rules: add, override, disable, tools."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import BUILTIN_RULES, RULE_TAIL, answers_with
from helpers import rules_problems as errors
from pickenv.rules.engine import recommend
from pickenv.rules.loader import RulesSource, load_rules
from pickenv.rules.model import RuleSet


def test_team_file_adds_a_rule(team: Callable[..., RuleSet], builtin_rules: RuleSet, tmp_path: Path) -> None:
    rules = team("schema_version: 1\nrules:\n  - id: we-love-conda\n    score: {conda: 50}" + RULE_TAIL)
    assert [r.id for r in rules.rules] == [*(r.id for r in builtin_rules.rules), "we-love-conda"]
    assert rules.files == (str(BUILTIN_RULES), str(tmp_path / "team.yaml"))
    assert rules.rule("we-love-conda").origin == f"{tmp_path / 'team.yaml'}:3"
    assert recommend(rules, answers_with()).recommendation == "conda"
    assert recommend(builtin_rules, answers_with()).recommendation == "venv"


def test_reusing_a_builtin_id_under_rules_is_an_error_naming_override(team: Callable[..., RuleSet]) -> None:
    ((_, line, _, message),) = errors(
        lambda: team(
            "schema_version: 1\nrules:\n  - id: binary-deps-need-conda\n    score: {conda: 1}" + RULE_TAIL
        )
    )
    assert line == 3
    assert "rule id 'binary-deps-need-conda' already exists" in message
    assert f"({BUILTIN_RULES}:" in message
    assert "put it under `override:`" in message


def test_override_replaces_a_rule_by_id_in_place(
    team: Callable[..., RuleSet], builtin_rules: RuleSet, tmp_path: Path
) -> None:
    binary = answers_with(binary_deps=True)
    assert recommend(builtin_rules, binary).recommendation == "conda"
    rules = team(
        "schema_version: 1\noverride:\n  - id: binary-deps-need-conda\n    when: {binary_deps: true}\n"
        "    score: {conda: 1}" + RULE_TAIL
    )
    assert [r.id for r in rules.rules] == [r.id for r in builtin_rules.rules]  # same place, same count
    replaced = rules.rule("binary-deps-need-conda")
    assert replaced.score == (("conda", 1),)
    assert replaced.origin == f"{tmp_path / 'team.yaml'}:3"
    result = recommend(rules, binary)
    assert result.recommendation == "venv"  # venv +3 beats conda +1
    assert {a.tool: a.score for a in result.ranking}["conda"] == 1


def test_override_of_an_unknown_id(team: Callable[..., RuleSet]) -> None:
    ((_, line, _, message),) = errors(
        lambda: team(
            "schema_version: 1\noverride:\n  - id: binary-deps-needs-conda\n    score: {conda: 1}" + RULE_TAIL
        )
    )
    assert line == 3
    assert (
        message
        == "cannot override unknown rule 'binary-deps-needs-conda' (did you mean 'binary-deps-need-conda'?)"
    )


def test_disable_by_id(team: Callable[..., RuleSet], builtin_rules: RuleSet) -> None:
    old_lockfile = answers_with(python_version="3.8", lockfile=True, domain="web")
    assert recommend(builtin_rules, old_lockfile).recommendation == "venv"
    rules = team("schema_version: 1\ndisable: [pipenv-needs-python-3-10]\n")
    assert rules.disabled == ("pipenv-needs-python-3-10",)
    assert "pipenv-needs-python-3-10" not in [r.id for r in rules.rules]
    assert len(rules.rules) == len(builtin_rules.rules) - 1
    assert recommend(rules, old_lockfile).recommendation == "pipenv"


def test_disable_an_unknown_id(team: Callable[..., RuleSet]) -> None:
    ((_, line, column, message),) = errors(
        lambda: team("schema_version: 1\ndisable:\n  - heroku-has-no-condaa\n")
    )
    assert (line, column) == (3, 5)
    assert (
        message == "cannot disable unknown rule 'heroku-has-no-condaa' (did you mean 'heroku-has-no-conda'?)"
    )


def test_unknown_top_level_key_in_a_team_file(team: Callable[..., RuleSet]) -> None:
    ((_, line, _, message),) = errors(lambda: team("schema_version: 1\noverides: []\n"))
    assert line == 2
    assert message.startswith("unknown key 'overides' in the rules file (did you mean 'override'?)")


def test_tools_reorder_changes_the_tie_break(team: Callable[..., RuleSet], builtin_rules: RuleSet) -> None:
    # venv 3 = conda 2+1 (data science with compiled wheels)
    tie = answers_with(domain="data-science", binary_deps="wheels")
    base = recommend(builtin_rules, tie)
    assert (base.recommendation, base.tie_break) == ("venv", True)
    assert base.tie_break_reason == builtin_rules.tie_break != ""
    rules = team("schema_version: 1\ntools: [conda, venv, virtualenv, pipenv]\n")
    assert rules.tools == ("conda", "venv", "virtualenv", "pipenv")
    reordered = recommend(rules, tie)
    assert (reordered.recommendation, reordered.tie_break) == ("conda", True)
    # The built-in reason explains the built-in order, not the team's.
    assert reordered.tie_break_reason == "" == rules.tie_break
    explained = team("schema_version: 1\ntools: [conda, venv, virtualenv, pipenv]\ntie_break: we run conda\n")
    assert recommend(explained, tie).tie_break_reason == "we run conda"


def test_team_file_adds_a_tool_that_its_rules_can_score(team: Callable[..., RuleSet]) -> None:
    rules = team(
        """
        schema_version: 1
        tools: [venv, virtualenv, pipenv, conda, uv]
        rules:
          - id: uv-locks-fast
            when: {lockfile: true}
            score: {uv: 10}
            advice: {uv: Run `uv lock`.}
            because: uv writes uv.lock.
            source: https://docs.astral.sh/uv/
        """
    )
    assert rules.tools[-1] == "uv"
    result = recommend(rules, answers_with(lockfile=True))
    assert result.recommendation == "uv"
    uv = next(a for a in result.ranking if a.tool == "uv")
    assert uv.score == 10 and uv.advice == ("Run `uv lock`.",)
    assert recommend(rules, answers_with()).recommendation == "venv"


def test_a_new_tool_must_be_declared_before_a_rule_uses_it(team: Callable[..., RuleSet]) -> None:
    found = errors(lambda: team("schema_version: 1\nrules:\n  - id: uv\n    score: {uv: 10}" + RULE_TAIL))
    assert any("unknown key 'uv' in `score`" in m for *_, m in found)


def test_tools_list_that_drops_a_base_tool_is_an_error(team: Callable[..., RuleSet]) -> None:
    ((_, line, _, message),) = errors(lambda: team("schema_version: 1\ntools: [venv, virtualenv, pipenv]\n"))
    assert line == 2
    assert "must keep every tool of the layer below (missing: conda)" in message
    assert "add a rule that excludes it" in message


def test_layers_stack_in_order(write: Callable[..., Path]) -> None:
    first = write(
        "one.yaml", "schema_version: 1\nrules:\n  - id: team-rule\n    score: {conda: 1}" + RULE_TAIL
    )
    second = write(
        "two.yaml", "schema_version: 1\noverride:\n  - id: team-rule\n    score: {conda: 2}" + RULE_TAIL
    )
    third = write("three.yaml", "schema_version: 1\ndisable: [team-rule, docker-slim-images]\n")
    sources = [RulesSource.from_path(p) for p in (BUILTIN_RULES, first, second)]
    assert load_rules(sources).rule("team-rule").score == (("conda", 2),)
    rules = load_rules([*sources, RulesSource.from_path(third)])
    assert rules.disabled == ("team-rule", "docker-slim-images")
    assert rules.files[-1] == str(third)
    with pytest.raises(KeyError):
        rules.rule("team-rule")
    # Layer order matters: overriding before the rule exists is an error.
    found = errors(lambda: load_rules([RulesSource.from_path(p) for p in (BUILTIN_RULES, second, first)]))
    assert found[0][0] == str(second) and "cannot override unknown rule 'team-rule'" in found[0][3]
