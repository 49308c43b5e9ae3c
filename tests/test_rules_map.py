"""The decision map (`rules show --format mermaid|dot`), the README's quick guide and
winner table, and the shares of single answers, each checked over every combination."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import README
from pickenv.questionnaire.questions import QUESTIONS, Value
from pickenv.report.decision_map import describe, quick_guide
from pickenv.rules.engine import Decider
from pickenv.rules.model import RuleSet
from pickenv.rules.space import Space, answer_space, decision_tree, decisive_answers

Run = Callable[..., object]


def load_builtin() -> RuleSet:
    from pickenv.resources import builtin_rules_path
    from pickenv.rules.service import parse_rules

    return parse_rules([builtin_rules_path()])


def every_answer(space: Space) -> list[tuple[dict[str, Value], int, str | None]]:
    """Every cell as (one answer per question, combinations it stands for, winner)."""
    return [
        (
            {q: space.groups[i][cell.groups[i]][0] for i, q in enumerate(space.questions)},
            cell.weight,
            cell.winner,
        )
        for cell in space.cells
    ]


def test_the_space_agrees_with_the_engine_on_every_combination(builtin_rules: RuleSet) -> None:
    """The cells stand for every combination exactly once, each with the engine's winner."""
    space = answer_space(builtin_rules)
    total = 1
    for question in QUESTIONS:
        total *= len(question.values)
    assert space.total == total == 336960
    decider = Decider(builtin_rules)
    for cell in space.cells:
        values = [space.groups[i][g] for i, g in enumerate(cell.groups)]
        assert cell.weight == len(list(itertools.product(*values)))
        for combination in itertools.islice(itertools.product(*values), 3):  # a cell's values are alike
            answers = dict(zip(space.questions, combination, strict=True))
            assert decider.decide(decider.fired(answers)).winner == cell.winner


def test_no_single_answer_decides_a_tool_s_whole_share(builtin_rules: RuleSet) -> None:
    """Over every combination: no answer always gives one tool, and no tool wins only with
    one answer, unless every other answer of that question rules the tool out."""
    space = answer_space(builtin_rules)
    assert decisive_answers(space.shares(), space.winners(), builtin_rules) == ()
    shares = space.shares()
    wins = space.winners()
    assert set(wins) == set(builtin_rules.tools)  # every tool wins somewhere
    for (question, value), tally in shares.items():
        assert max(tally.values()) < sum(tally.values()), (question, value)
    # The one tool confined to one answer is conda, and only because os_packages=true excludes it.
    confined = [(t, q, v) for (q, v), tally in shares.items() for t in wins if tally[t] == wins[t]]
    assert confined == [("conda", "os_packages", False)]
    excluding = builtin_rules.rule("os-packages-need-the-system-python")
    assert excluding.exclude == ("conda",) and [c.question for c in excluding.when] == ["os_packages"]


def test_a_decisive_answer_is_a_strict_warning(run_cli: Run, write: Callable[..., Path]) -> None:
    team = write(
        "team.yaml",
        "schema_version: 1\nrules:\n  - id: docker-means-virtualenv\n    when: {deploy: docker}\n"
        "    score: {virtualenv: 50}\n    because: Our images seed from a wheelhouse.\n"
        "    source: https://wiki.example.org\n",
    )
    result = run_cli("rules", "check", str(team), "--strict")
    assert result.code == 4  # type: ignore[attr-defined]
    assert "warning: deploy=docker always gives virtualenv" in result.out  # type: ignore[attr-defined]


def test_the_map_is_the_most_accurate_tree_of_its_depth(builtin_rules: RuleSet) -> None:
    space = answer_space(builtin_rules)
    one, two, three = (decision_tree(space, depth) for depth in (1, 2, 3))
    assert one.accuracy < two.accuracy < three.accuracy
    # Depth 1, by hand: for each question, the share its groups' usual winners get right.
    best = 0.0
    for q in range(len(space.questions)):
        per_group: dict[int, Counter[str]] = {}
        for cell in space.cells:
            if cell.winner:
                per_group.setdefault(cell.groups[q], Counter())[cell.winner] += cell.weight
        best = max(best, sum(max(c.values()) for c in per_group.values()) / space.total)
    assert one.accuracy == pytest.approx(best)
    # Leaves add up to every combination, and each leaf's share is what it says.
    for tree in (one, two, three):
        assert sum(leaf.weight for leaf in tree.leaves()) == space.total
    assert f"right for {100 * three.accuracy:.1f}% of" in README.replace(
        "names the tool pickenv recommends for", "right for"
    )


def test_the_readme_quick_guide_is_generated_from_the_rules(builtin_rules: RuleSet) -> None:
    shown = README.split("<!-- quick-guide:start -->\n", 1)[1].split("<!-- quick-guide:end -->", 1)[0]
    assert shown == quick_guide(builtin_rules), "run `python -m pickenv.report.decision_map`"
    assert "% of all 336,960 answer combinations" in shown
    # Each leaf is "usually TOOL ... run pickenv recommend", and its share is true.
    leaves = re.findall(r"usually \*\*(\w+)\*\* \((\d+)% of its ([\d,]+) combinations\)", shown)
    tree = decision_tree(answer_space(builtin_rules), 3)
    assert [(t, int(p), int(n.replace(",", ""))) for t, p, n in leaves] == [
        (leaf.usual, round(100 * leaf.right / leaf.weight), leaf.weight) for leaf in tree.leaves()
    ]


def test_the_readme_winner_table_is_computed_from_the_rules(builtin_rules: RuleSet) -> None:
    tools = builtin_rules.tools
    groups: dict[str, Counter[str]] = {name: Counter() for name in ("all", "binary", "managed", "neither")}
    assert all(winner is not None for *_, winner in every_answer(answer_space(builtin_rules)))
    space = answer_space(builtin_rules)
    b, m = space.questions.index("binary_deps"), space.questions.index("manage_python")
    for cell in space.cells:
        bins, managed = space.groups[b][cell.groups[b]], space.groups[m][cell.groups[m]]
        share = cell.weight // (len(bins) * len(managed))
        for binary, manage in itertools.product(bins, managed):
            groups["all"][cell.winner or ""] += share
            group = "binary" if binary == "no-wheels" else "managed" if manage else "neither"
            groups[group][cell.winner or ""] += share
    table = README.split("| answers | venv | virtualenv | pipenv | conda |", 1)[1].split("\n\n", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    for row, group in zip(rows, groups.values(), strict=True):
        shown = [cell.strip() for cell in row.strip("|").split("|")][1:]
        assert shown == [f"{100 * group[t] / sum(group.values()):.1f}%" for t in tools]


@pytest.mark.parametrize(
    ("question", "values", "said"),
    [
        (
            "python_version",
            ("3.15", "3.15t", "3.14", "3.14t", "3.13", "3.12", "3.11", "3.10"),
            "3.10 or later",
        ),
        ("python_version", ("3.9", "3.8", "3.7", "3.6", "2.7"), "3.9 or older"),
        ("python_version", ("2.7",), "2.7"),
        ("deploy", ("none", "hpc"), "none, hpc"),
        ("os_packages", (True,), "true"),
    ],
)
def test_answer_groups_are_said_as_people_say_them(
    question: str, values: tuple[Value, ...], said: str
) -> None:
    assert describe(question, values) == said


@pytest.mark.slow  # over 1.2 s: out of the fast suite (issue 17's 2-minute goal)
def test_rules_show_mermaid_and_dot(run_cli: Run, write: Callable[..., Path]) -> None:
    mermaid = run_cli("rules", "show", "--format", "mermaid", "--depth", "2")
    assert mermaid.code == 0  # type: ignore[attr-defined]
    lines = mermaid.out.splitlines()  # type: ignore[attr-defined]
    assert lines[:2] == ["---", lines[1]] and lines[1].startswith(
        'title: "pickenv decision map (built-in rules.yaml)'
    )
    two = decision_tree(answer_space(load_builtin()), 2)
    assert f"right for {100 * two.accuracy:.1f}% of 336,960 answer combinations" in lines[1]
    assert lines[2:4] == ["---", "flowchart LR"] and re.fullmatch(r'  n0\{"\w+\?"\}', lines[4])
    edge = r'  n\d+ -->\|"[^"]+"\| n\d+(\{"\w+\?"\}|\(\["usually \w+ \(\d+% of [\d,]+\)"\]\))'
    assert all(re.fullmatch(edge, line) for line in lines[5:])
    dot = run_cli("rules", "show", "--format", "dot")
    assert dot.out.startswith("digraph pickenv_decision_map {") and dot.out.endswith("}\n")  # type: ignore[attr-defined]
    # A team sees its own map: a team that always picks pipenv on Heroku gets that leaf.
    team = write(
        "team.yaml",
        "schema_version: 1\nrules:\n  - id: heroku-pipenv\n    when: {deploy: heroku}\n"
        "    score: {pipenv: 30}\n    because: Our Heroku apps use Pipfile.lock.\n"
        "    source: https://wiki.example.org\n",
    )
    teams = run_cli("rules", "show", "--format", "mermaid", "--rules", str(team))
    assert f"built-in rules.yaml, {team}" in teams.out and "usually pipenv (100%" in teams.out  # type: ignore[attr-defined]


def _mermaid_cli() -> list[str] | None:
    """mermaid-cli with a browser it can drive: `npm install @mermaid-js/mermaid-cli` (set MMDC to
    its node_modules/.bin/mmdc unless it is on PATH) and Debian's chromium."""
    mmdc = os.environ.get("MMDC") or shutil.which("mmdc")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    return [mmdc, browser] if mmdc and browser else None


@pytest.mark.skipif(_mermaid_cli() is None, reason="needs mermaid-cli (npm) and a chromium to render with")
def test_mermaid_output_renders_with_mermaid_itself(run_cli: Run, tmp_path: Path) -> None:
    found = _mermaid_cli()
    assert found is not None
    mmdc, browser = found
    source = tmp_path / "map.mmd"
    source.write_text(run_cli("rules", "show", "--format", "mermaid").out, encoding="utf-8")  # type: ignore[attr-defined]
    config = tmp_path / "puppeteer.json"
    config.write_text(f'{{"executablePath": "{browser}", "args": ["--no-sandbox", "--disable-gpu"]}}')
    picture = tmp_path / "map.svg"
    done = subprocess.run(
        [mmdc, "-p", str(config), "-i", str(source), "-o", str(picture)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    svg = picture.read_text(encoding="utf-8")
    assert "usually conda" in svg and "usually virtualenv" in svg and "Syntax error" not in svg


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot (Debian: graphviz)")
def test_dot_output_renders_with_graphviz(run_cli: Run) -> None:
    source = run_cli("rules", "show", "--format", "dot").out  # type: ignore[attr-defined]
    done = subprocess.run(["dot", "-Tsvg"], input=source, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and not done.stderr, done.stderr
    assert "usually conda" in done.stdout and "os_packages?" in done.stdout
