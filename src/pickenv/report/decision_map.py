"""The decision map of the rules in force: mermaid, Graphviz dot, and the README's
quick guide (markdown), all drawn from one tree (rules.space.decision_tree).

Each inner node asks a question, each edge is a group of answers, and each leaf says
which tool usually wins there and for what share of its answer combinations; the
title gives the whole map's accuracy over every combination. A team's layers are
part of the rules in force, so a team sees its own map.
"""

from __future__ import annotations

from collections.abc import Sequence

from pickenv.questionnaire.questions import Value, format_value, get_question
from pickenv.report.phrases import file_names
from pickenv.rules.model import RuleSet
from pickenv.rules.space import Branch, answer_space, decision_tree
from pickenv.versions import KNOWN_VERSIONS, TARGETS, base_version

GUIDE_DEPTH = 3


def describe(question: str, values: Sequence[Value]) -> str:
    """A group of answers as people say it: ``3.10 or later``, ``none, wheels``."""
    if get_question(question).kind == "version" and len(values) > 2:
        versions = sorted({base_version(str(v)) for v in values}, key=lambda v: KNOWN_VERSIONS.index(v))
        every = {t for t in TARGETS if base_version(t) in versions}
        run = KNOWN_VERSIONS[KNOWN_VERSIONS.index(versions[0]) : KNOWN_VERSIONS.index(versions[-1]) + 1]
        if every == set(values) and list(run) == versions:
            if versions[-1] == KNOWN_VERSIONS[-1]:
                return f"{versions[0]} or later"
            if versions[0] == KNOWN_VERSIONS[0]:
                return f"{versions[-1]} or older"
            return f"{versions[0]} to {versions[-1]}"
    return ", ".join(format_value(v) for v in values)


def _share(branch: Branch) -> str:
    return f"{100 * branch.right / branch.weight:.0f}%" if branch.weight else "0%"


def _title(ruleset: RuleSet, tree: Branch, depth: int) -> str:
    return (
        f"pickenv decision map ({file_names(ruleset.files)}): {depth} questions deep, right for "
        f"{100 * tree.accuracy:.1f}% of {tree.weight:,} answer combinations; run pickenv recommend for yours"
    )


def _walk(tree: Branch) -> list[tuple[str, Branch, str, Branch]]:
    """(parent id, parent, child id, child) for every edge, depth first, ids n0, n1..."""
    edges: list[tuple[str, Branch, str, Branch]] = []
    counter = [0]

    def visit(node: Branch, name: str) -> None:
        for child in node.children:
            counter[0] += 1
            child_name = f"n{counter[0]}"
            edges.append((name, node, child_name, child))
            visit(child, child_name)

    visit(tree, "n0")
    return edges


def _leaf_text(branch: Branch) -> str:
    return f"usually {branch.usual} ({_share(branch)} of {branch.weight:,})"


def mermaid(ruleset: RuleSet, depth: int) -> str:
    tree = decision_tree(answer_space(ruleset), depth)
    # The title is YAML front matter: quoted, since it holds ": " (mermaid's parser says so).
    title = _title(ruleset, tree, depth).replace("\\", "/").replace('"', "'")
    lines = ["---", f'title: "{title}"', "---", "flowchart LR"]

    def node(name: str, branch: Branch) -> str:
        if branch.children:
            return f'{name}{{"{branch.question}?"}}'
        return f'{name}(["{_leaf_text(branch)}"])'

    lines.append(f"  {node('n0', tree)}")
    for parent, _, child_name, child in _walk(tree):
        question, values = child.answers[-1]
        lines.append(f'  {parent} -->|"{describe(question, values)}"| {node(child_name, child)}')
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def dot(ruleset: RuleSet, depth: int) -> str:
    tree = decision_tree(answer_space(ruleset), depth)
    lines = [
        "digraph pickenv_decision_map {",
        "  rankdir=LR;",
        f'  label="{_dot_text(_title(ruleset, tree, depth))}";',
        "  labelloc=t;",
        '  node [fontname="Helvetica"]; edge [fontname="Helvetica"];',
    ]

    def node(name: str, branch: Branch) -> str:
        if branch.children:
            return f'  {name} [shape=diamond, label="{_dot_text(branch.question)}?"];'
        return f'  {name} [shape=box, style=rounded, label="{_dot_text(_leaf_text(branch))}"];'

    lines.append(node("n0", tree))
    for parent, _, child_name, child in _walk(tree):
        question, values = child.answers[-1]
        lines.append(node(child_name, child))
        lines.append(f'  {parent} -> {child_name} [label="{_dot_text(describe(question, values))}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def decision_map(ruleset: RuleSet, form: str, depth: int = GUIDE_DEPTH) -> str:
    return mermaid(ruleset, depth) if form == "mermaid" else dot(ruleset, depth)


def quick_guide(ruleset: RuleSet, depth: int = GUIDE_DEPTH) -> str:
    """The README's quick guide: the decision map as a nested markdown list."""
    tree = decision_tree(answer_space(ruleset), depth)
    lines = [
        f"Asked {depth} questions deep, this guide names the tool pickenv recommends for "
        f"{100 * tree.accuracy:.1f}% of all {tree.weight:,} answer combinations; for the rest the "
        "other answers decide, so run `pickenv recommend` for yours.",
        "",
    ]

    def visit(branch: Branch, indent: int) -> None:
        for child in branch.children:
            question, values = child.answers[-1]
            head = f"{'  ' * indent}- `{question}` {describe(question, values)}"
            if child.children:
                lines.append(f"{head}: ask `{child.question}`")
                visit(child, indent + 1)
            else:
                lines.append(
                    f"{head}: usually **{child.usual}** ({_share(child)} of its {child.weight:,} "
                    "combinations) — run `pickenv recommend`"
                )

    visit(tree, 0)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover - regenerates the README's quick guide by hand
    from pickenv.resources import builtin_rules_path
    from pickenv.rules.service import parse_rules

    print(quick_guide(parse_rules([builtin_rules_path()])), end="")
