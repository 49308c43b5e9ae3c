"""Strict, located YAML: nothing written by a person is silently misread."""

from __future__ import annotations

import textwrap

import pytest

from pickenv.errors import Problem
from pickenv.yamlio import Located, load_located, plain


def load(text: str, file: str = "f.yaml") -> tuple[Located | None, list[Problem]]:
    return load_located(textwrap.dedent(text).lstrip("\n"), file)


def test_values_keep_their_position() -> None:
    root, problems = load(
        """
        domain: web
        rules:
          - id: a
            when: {deploy: none}
        """
    )
    assert problems == []
    assert root is not None and isinstance(root.value, dict)
    domain = root.value["domain"]
    assert (domain.value, domain.file, domain.line, domain.column) == ("web", "f.yaml", 1, 9)
    rule = root.value["rules"].value[0]
    assert (rule.line, rule.column) == (3, 5)
    deploy = rule.value["when"].value["deploy"]
    assert (deploy.value, deploy.line, deploy.column) == ("none", 4, 20)  # `none` is text, not null
    assert root.keys["rules"].line == 2


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "Yes", "ON", "y", "n"])
def test_yaml_1_1_booleans_are_reported_with_line_and_column(word: str) -> None:
    root, problems = load(f"a: 1\nlockfile: {word}\n")
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.file, problem.line, problem.column) == ("f.yaml", 2, 11)
    assert str(problem).startswith("f.yaml:2:11: ")
    assert repr(word) in problem.message
    assert "true or false" in problem.message and f'"{word}"' in problem.message
    assert root is not None
    assert root.value["lockfile"].value == word  # kept as text, never turned into a bool


def test_quoted_yaml_1_1_booleans_are_plain_text() -> None:
    root, problems = load("a: 'yes'\nb: \"on\"\n")
    assert problems == []
    assert plain(root) == {"a": "yes", "b": "on"}  # type: ignore[arg-type]


def test_only_true_and_false_are_booleans_and_null_is_null() -> None:
    root, problems = load("a: true\nb: False\nc: TRUE\nd: null\ne: ~\nf:\ng: none\n")
    assert problems == []
    assert plain(root) == {"a": True, "b": False, "c": True, "d": None, "e": None, "f": None, "g": "none"}  # type: ignore[arg-type]


def test_unquoted_numbers_are_flagged_and_keep_their_text() -> None:
    root, problems = load('v: 3.10\nq: "3.10"\nnum: 7\nneg: -2\ns: 3.10.1\n')
    assert problems == []
    assert root is not None
    v, q, n, neg, s = (root.value[k] for k in ("v", "q", "num", "neg", "s"))
    assert v.value == 3.1 and isinstance(v.value, float) and v.plain_number and v.text == "3.10"
    assert q.value == "3.10" and not q.plain_number
    assert n.value == 7 and isinstance(n.value, int) and n.plain_number
    assert neg.value == -2 and neg.plain_number
    assert s.value == "3.10.1" and not s.plain_number  # not a number at all


def test_duplicate_keys_are_reported_and_the_first_value_kept() -> None:
    root, problems = load(
        """
        rules:
          - id: a
            because: first
            because: second
        """
    )
    assert [str(p) for p in problems] == ["f.yaml:4:5: duplicate key 'because'"]
    assert root is not None
    assert root.value["rules"].value[0].value["because"].value == "first"


def test_duplicate_top_level_keys() -> None:
    _, problems = load("tools: [venv]\nrules: []\ntools: [conda]\n")
    assert [(p.line, p.column, p.message) for p in problems] == [(3, 1, "duplicate key 'tools'")]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("a: [1, 2\nb: 3\n", 2, 2),  # unclosed flow sequence
        ("a: b\n  c: d\n", 2, 4),  # mapping values are not allowed here
        ("a: 'unterminated\n", 2, 1),
        ("- a\nb: c\n", 2, 1),
    ],
)
def test_invalid_yaml_is_reported_with_its_position(text: str, line: int, column: int) -> None:
    root, problems = load_located(text, "bad.yaml")
    assert root is None
    assert len(problems) == 1
    problem = problems[0]
    assert problem.message.startswith("invalid YAML: ")
    assert (problem.file, problem.line, problem.column) == ("bad.yaml", line, column)


def test_tabs_are_invalid_yaml_with_a_position() -> None:
    root, problems = load_located("a:\n\tb: 1\n", "t.yaml")
    assert root is None
    assert problems[0].line == 2 and problems[0].message.startswith("invalid YAML")


def test_non_text_keys_are_reported() -> None:
    root, problems = load("1: a\ntrue: b\nok: c\n")
    assert [(p.line, p.message) for p in problems] == [
        (1, "keys must be text, not 1"),
        (2, "keys must be text, not True"),
    ]
    assert plain(root) == {"ok": "c"}  # type: ignore[arg-type]


def test_empty_documents() -> None:
    assert load_located("", "e.yaml") == (None, [])
    assert load_located("# just a comment\n", "e.yaml") == (None, [])


def test_problems_in_several_places_are_all_collected() -> None:
    _, problems = load("a: yes\nb:\n  - on\n  - off\nc: 1\nc: 2\n")
    assert [(p.line, p.column) for p in problems] == [(1, 4), (3, 5), (4, 5), (6, 1)]


def test_problem_format_and_describe() -> None:
    assert str(Problem("x.yaml", 3, 7, "boom")) == "x.yaml:3:7: boom"
    root, _ = load("m: {a: 1}\nl: [1]\nn:\ns: hi\n")
    assert root is not None
    assert [root.value[k].describe() for k in "mlns"] == ["a mapping", "a list", "nothing (null)", "'hi'"]
    assert root.key_problem("l", "here").line == 2
    assert root.key_problem("missing", "at the mapping").line == 1


def test_aliases_are_refused_not_expanded() -> None:
    # Self-reference (would recurse forever) and "billion laughs" (would grow without bound).
    for text in ("a: &x [*x]\n", "a: &a [1, 1]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n"):
        _, problems = load_located(text, "f.yaml")
        assert problems and all("aliases (*name) are not supported" in p.message for p in problems)


def test_an_explicit_str_tag_keeps_the_text() -> None:
    root, problems = load_located("a: !!str 3.10\nb: 3.10\n", "f.yaml")
    assert problems == [] and root is not None
    assert root.value["a"].value == "3.10" and root.value["b"].plain_number
