"""Reading rules files: the built-in rules, located schema errors and team layering."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import BUILTIN_RULES, RULE_TAIL
from helpers import rules_problems as errors
from pickenv.commands.wording import WORDING
from pickenv.errors import RulesError
from pickenv.questionnaire.questions import QUESTIONS
from pickenv.rules.loader import RulesSource, load_rules
from pickenv.rules.model import RuleSet
from pickenv.versions import KNOWN_VERSIONS, TARGETS


@pytest.fixture
def standalone(write: Callable[..., Path]) -> Callable[[str], RuleSet]:
    def _load(text: str) -> RuleSet:
        return load_rules([RulesSource.from_path(write("rules.yaml", text))])

    return _load


# ----- the built-in rules --------------------------------------------------------------


def test_builtin_rules_load(builtin_rules: RuleSet) -> None:
    assert builtin_rules.tools == ("venv", "virtualenv", "pipenv", "conda")
    assert builtin_rules.files == (str(BUILTIN_RULES),)
    assert builtin_rules.disabled == ()
    ids = [r.id for r in builtin_rules.rules]
    assert len(ids) == len(set(ids)) >= 20
    for rule in builtin_rules.rules:
        assert rule.because and rule.source.startswith("https://"), rule.id
        assert rule.exclude or rule.score or rule.advice or rule.needs or rule.warn, rule.id
        assert rule.origin.startswith(f"{BUILTIN_RULES}:")


def test_builtin_version_conditions_are_compared_as_versions(builtin_rules: RuleSet) -> None:
    pipenv = builtin_rules.rule("pipenv-needs-python-3-10")
    assert pipenv.exclude == ("pipenv",)
    (condition,) = pipenv.when
    assert condition.allowed == {"2.7", "3.6", "3.7", "3.8", "3.9"}
    # A free-threaded build is its version for a specifier, and only itself by name.
    assert builtin_rules.rule("python-3-14-end-of-life").when[0].allowed == {"3.14", "3.14t"}
    assert builtin_rules.rule("free-threaded-needs-its-own-wheels").when[0].allowed == {"3.14t", "3.15t"}
    assert builtin_rules.rule("venv-needs-python-3-3").when[0].allowed == {"2.7"}
    assert builtin_rules.rule("virtualenv-pin-for-python-2-7-and-3-6").when[0].allowed == {"2.7", "3.6"}


def test_conditions_on_several_values(builtin_rules: RuleSet) -> None:
    rule = builtin_rules.rule("web-team-pipenv")
    assert {c.question: c.allowed for c in rule.when} == {"domain": {"web"}, "team_size": {"small", "large"}}
    assert rule.when_text() == "domain web and team_size [small, large]"
    assert builtin_rules.rule("venv-in-standard-library").when_text() == "always"


def test_negated_condition(team: Callable[..., RuleSet]) -> None:
    rules = team(
        """
        schema_version: 1
        rules:
          - id: deployed
            when: {deploy: {not: [none, hpc]}}
            score: {venv: 1}
            because: b
            source: s
        """
    )
    (condition,) = rules.rule("deployed").when
    assert condition.allowed == {"docker", "heroku", "serverless"}
    assert condition.text == "not [none, hpc]"


# ----- located schema errors ---------------------------------------------------------------


def test_unknown_question_id_has_did_you_mean(team: Callable[..., RuleSet], tmp_path: Path) -> None:
    found = errors(
        lambda: team(
            "schema_version: 1\nrules:\n  - id: x\n    when: {domian: web}\n    score: {venv: 1}" + RULE_TAIL
        )
    )
    assert found == [
        (
            str(tmp_path / "team.yaml"),
            4,
            12,
            "unknown key 'domian' in `when` (did you mean 'domain'?); allowed: "
            + ", ".join(q.id for q in QUESTIONS),
        )
    ]


def test_unknown_value_has_did_you_mean(team: Callable[..., RuleSet]) -> None:
    ((_, line, column, message),) = errors(
        lambda: team(
            "schema_version: 1\nrules:\n  - id: x\n    when:\n      domain: [cli, wbe]\n    score: {venv: 1}"
            + RULE_TAIL
        )
    )
    assert (line, column) == (5, 21)
    assert message.startswith(
        "invalid value 'wbe' for domain (did you mean 'web'?); allowed: web, data-science"
    )


def test_unknown_tool_has_did_you_mean(team: Callable[..., RuleSet]) -> None:
    found = errors(
        lambda: team(
            "schema_version: 1\nrules:\n  - id: x\n    exclude: condaa\n    score: {vnev: 2}" + RULE_TAIL
        )
    )
    messages = {(line, column): message for _, line, column, message in found}
    assert messages[(4, 14)].startswith(
        "unknown tool 'condaa' (did you mean 'conda'?); tools are: venv, virtualenv"
    )
    assert "a team file may add tools under `tools:`" in messages[(4, 14)]
    assert messages[(5, 13)].startswith("unknown key 'vnev' in `score` (did you mean 'venv'?)")
    assert len(found) == 2  # no extra "rule x has no effect": its effects are written, just wrong


def test_unknown_rule_key_has_did_you_mean(team: Callable[..., RuleSet]) -> None:
    found = errors(
        lambda: team(
            """
            schema_version: 1
            rules:
              - id: x
                score: {venv: 1}
                becuase: typo
                source: https://example.org
            """
        )
    )
    messages = [(line, column, message) for _, line, column, message in found]
    assert (
        5,
        5,
        "unknown key 'becuase' in a rule (did you mean 'because'?); allowed: "
        "id, when, exclude, score, advice, needs, warn, end_of_life, because, source, facts",
    ) in messages
    assert (3, 5, "rule x has no `because`; every rule needs one") in messages


def test_unquoted_python_version_is_an_error_asking_for_quotes(team: Callable[..., RuleSet]) -> None:
    ((_, line, column, message),) = errors(
        lambda: team(
            "schema_version: 1\nrules:\n  - id: x\n    when: {python_version: 3.10}\n    score: {venv: 1}"
            + RULE_TAIL
        )
    )
    assert (line, column) == (4, 28)
    assert 'quoted text such as "3.10"' in message  # the version as written, not 3.1
    assert "3.10 as the number 3.1" in message


def test_unquoted_python_version_in_a_list(team: Callable[..., RuleSet]) -> None:
    ((_, line, column, message),) = errors(
        lambda: team(
            'schema_version: 1\nrules:\n  - id: x\n    when: {python_version: ["3.8", 3.9]}\n'
            "    score: {venv: 1}" + RULE_TAIL
        )
    )
    assert (line, column) == (4, 36)
    assert '"3.9"' in message


@pytest.mark.parametrize("word", ["yes", "on", "no"])
def test_yaml_1_1_boolean_in_a_condition_is_an_error(team: Callable[..., RuleSet], word: str) -> None:
    found = errors(
        lambda: team(
            f"schema_version: 1\nrules:\n  - id: x\n    when: {{lockfile: {word}}}\n    score: {{venv: 1}}"
            + RULE_TAIL
        )
    )
    assert found
    assert all((line, column) == (4, 22) for _, line, column, _ in found)
    assert any("YAML 1.1 reads it as a boolean" in m for *_, m in found)


@pytest.mark.parametrize(
    ("condition", "needle"),
    [
        ('python_version: "=>3.8"', "bad python_version specifier"),
        ('python_version: ">3.15"', "matches none of 2.7, 3.6"),
        ("lockfile: 1", "invalid value 1 for lockfile"),
        ("domain: true", "invalid value True for domain"),
        ("domain: []", "empty list of values for domain"),
        ("deploy: {nto: none}", "unknown key 'nto' in the condition on deploy (did you mean 'not'?)"),
        ("deploy: {not: [none, docker, heroku, hpc, serverless]}", "matches no value"),
        ("team_size:", "invalid value 'null' for team_size"),
    ],
)
def test_bad_conditions(team: Callable[..., RuleSet], condition: str, needle: str) -> None:
    found = errors(
        lambda: team(
            f"schema_version: 1\nrules:\n  - id: x\n    when:\n      {condition}\n    score: {{venv: 1}}"
            + RULE_TAIL
        )
    )
    assert any(needle in message for *_, message in found), found
    assert all(line == 5 for _, line, _, _ in found)


@pytest.mark.parametrize("missing", ["because", "source"])
def test_rule_without_because_or_source(team: Callable[..., RuleSet], missing: str) -> None:
    fields = {"because": "    because: why\n", "source": "    source: https://example.org\n"}
    del fields[missing]
    text = "schema_version: 1\nrules:\n  - id: my-rule\n    score: {venv: 1}\n" + "".join(fields.values())
    assert [(line, message) for _, line, _, message in errors(lambda: team(text))] == [
        (3, f"rule my-rule has no `{missing}`; every rule needs one")
    ]


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("  - score: {venv: 1}", "rule has no `id`"),
        ("  - id: My_Rule\n    score: {venv: 1}", "must be kebab-case"),
        ("  - id: x", "rule x has no effect"),
        ("  - id: x\n    score: {venv: many}", "score for venv must be a whole number"),
        ("  - id: x\n    score: {venv: 1.5}", "score for venv must be a whole number"),
        ("  - id: x\n    score: {venv: true}", "score for venv must be a whole number"),
        ("  - id: x\n    score: {venv: 101}", "between -100 and 100"),
        ("  - id: x\n    advice: {venv: ''}", "advice for venv must be non-empty text"),
        ("  - just text", "a rule must be a mapping"),
    ],
)
def test_bad_rules(team: Callable[..., RuleSet], body: str, needle: str) -> None:
    text = "schema_version: 1\nrules:\n" + body + "\n    because: b\n    source: s\n"
    if body == "  - just text":
        text = "schema_version: 1\nrules:\n  - just text\n"
    found = errors(lambda: team(text))
    assert any(needle in message for *_, message in found), found


def test_duplicate_rule_ids_in_one_file(team: Callable[..., RuleSet], tmp_path: Path) -> None:
    text = (
        "schema_version: 1\nrules:\n"
        + "  - id: same\n    score: {venv: 1}\n    because: b\n    source: s\n" * 2
    )
    ((_, line, column, message),) = errors(lambda: team(text))
    assert (line, column) == (7, 5)
    assert message == "rule id 'same' appears twice in this file (also at line 3)"


def test_an_id_may_not_be_both_disabled_and_overridden(team: Callable[..., RuleSet]) -> None:
    text = (
        "schema_version: 1\ndisable: [docker-slim-images]\noverride:\n"
        "  - id: docker-slim-images\n    score: {venv: 1}\n    because: b\n    source: s\n"
    )
    ((_, line, _, message),) = errors(lambda: team(text))
    assert line == 4
    assert message == "rule id 'docker-slim-images' appears twice in this file (also at line 2)"


def test_all_problems_are_reported_together(team: Callable[..., RuleSet]) -> None:
    text = (
        "schema_version: 1\nrules:\n"
        "  - id: a\n    exclude: vnev\n    because: b\n    source: s\n"
        "  - id: b\n    when: {lockfile: yes}\n    score: {venv: 1}\n    because: b\n    source: s\n"
        "  - id: c\n    when: {python_version: 3.10}\n    score: {venv: 1}\n    because: b\n    source: s\n"
    )
    with pytest.raises(RulesError) as info:
        team(text)
    lines = [p.line for p in info.value.problems]
    assert {4, 8, 13} <= set(lines)
    assert f"(and {len(lines) - 1} more problems)" in str(info.value)
    assert info.value.lines(WORDING)[-1].startswith("run `pickenv rules check FILE`")


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("tools: [venv]\nrules: []\n", 1, "missing `schema_version: 1`"),
        ("schema_version: 2\ntools: [venv]\nrules: []\n", 1, "unsupported schema_version 2"),
        ("schema_version: true\ntools: [venv]\nrules: []\n", 1, "unsupported schema_version True"),
        ("schema_version: 1\nrules: []\n", 1, "missing `tools:` list"),
        ("schema_version: 1\ntools: []\nrules: []\n", 2, "`tools` must be a non-empty list"),
        ("schema_version: 1\ntools: [venv, venv]\nrules: []\n", 2, "tool 'venv' is listed twice"),
        ("schema_version: 1\ntools: [Venv]\nrules: []\n", 2, "must be lower-case"),
        ("schema_version: 1\ntools: [venv]\nrules: {}\n", 3, "`rules` must be a list of rules"),
        ("schema_version: 1\ntools: [venv]\noverride: []\n", 3, "unknown key 'override' in the rules file"),
        ("- a\n- b\n", 1, "the rules file must be a mapping"),
        ("# nothing\n", 1, "empty rules file"),
        ("schema_version: 1\ntools: [venv\n", 3, "invalid YAML"),
    ],
)
def test_standalone_file_errors_are_located_in_that_file(
    standalone: Callable[[str], RuleSet], tmp_path: Path, text: str, line: int, needle: str
) -> None:
    found = errors(lambda: standalone(text))
    assert any(f == str(tmp_path / "rules.yaml") and ln == line and needle in m for f, ln, _, m in found), (
        found
    )


def test_missing_rules_file(tmp_path: Path) -> None:
    assert errors(lambda: RulesSource.from_path(tmp_path / "nope.yaml")) == [
        (str(tmp_path / "nope.yaml"), 1, 1, "rules file not found; check the path")
    ]


def test_rules_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("because: caf\xe9\n".encode("latin-1"))
    ((_, _, _, message),) = errors(lambda: RulesSource.from_path(path))
    assert message == "this rules file is not UTF-8 text"


def test_a_copy_of_the_builtin_rules_loads_standalone(
    standalone: Callable[[str], RuleSet], builtin_rules: RuleSet
) -> None:
    copy = standalone(BUILTIN_RULES.read_text(encoding="utf-8"))
    assert [r.id for r in copy.rules] == [r.id for r in builtin_rules.rules]
    assert [(r.when, r.exclude, r.score, r.advice) for r in copy.rules] == [
        (r.when, r.exclude, r.score, r.advice) for r in builtin_rules.rules
    ]


def test_every_known_version_is_reachable_by_some_condition() -> None:
    # Guards the list the loader expands specifiers against.
    offered = [str(v) for v in next(q for q in QUESTIONS if q.id == "python_version").values]
    assert [v for v in offered if not v.endswith("t")][::-1] == list(KNOWN_VERSIONS)
    assert sorted(offered) == sorted(TARGETS)
