"""Render `rules check` reports and `rules show` tables as text, markdown or JSON."""

from __future__ import annotations

from dataclasses import dataclass

from pickenv.questionnaire.questions import format_value
from pickenv.report.decision_map import GUIDE_DEPTH, dot, mermaid
from pickenv.report.envelope import envelope
from pickenv.report.formats import View
from pickenv.report.phrases import file_names, pairs
from pickenv.report.style import Style, fit
from pickenv.rules.check import CheckReport, Finding
from pickenv.rules.facts import AHEAD, CHANGED, NOT_INSTALLED, OK, PASSED, UNREACHABLE, FactsReport
from pickenv.rules.model import RuleSet


def _finding_lines(finding: Finding) -> list[str]:
    return [f"      e.g. {pairs(example)}" for example in finding.examples]


def _share(count: int, total: int) -> str:
    return f"{100 * count / total:.1f}%"


def check_text(report: CheckReport, view: View) -> str:
    return fit(_check_text(report, view.style or Style(False)), view.width)


def _check_text(report: CheckReport, style: Style) -> str:
    total = report.combinations
    lines = [
        f"Checked {file_names(report.files)}: {total} answer combinations "
        f"({report.distinct_cases} distinct sets of fired rules).",
        "Winners: " + ", ".join(f"{tool} {_share(count, total)}" for tool, count in report.winners),
    ]
    if report.no_tool.count:
        lines.append(style.red(f"error: {report.no_tool.count} combinations leave no tool:"))
        lines += _finding_lines(report.no_tool)
    for rule_id in report.never_fire:
        lines.append(f"warning: rule {rule_id} never fires")
    for rule_id in report.never_change_winner:
        lines.append(f"warning: rule {rule_id} never changes the winner")
    for d in report.decisive:
        answer = f"{d.question}={format_value(d.value)}"
        lines.append(
            f"warning: {answer} always gives {d.tool}"
            if d.kind == "always"
            else f"warning: {d.tool} wins only with {answer}; one answer decides its whole share"
        )
    ties = report.tie_break
    if report.undeclared_ties:
        lines.append(f"warning: {ties.count} combinations are decided only by the tool order (tie-break):")
        lines += _finding_lines(ties)
    elif ties.count:
        lines.append(
            f"Ties: {ties.count} combinations ({_share(ties.count, total)}) are ties settled by the "
            f"declared tool order: {report.tie_break_reason}"
        )
        lines += _finding_lines(ties)
    if report.near_tie.count:
        lines.append(
            f"Near ties: {report.near_tie.count} combinations ({_share(report.near_tie.count, total)}) "
            "are won by a single point."
        )
    lines.append(f"{report.errors} errors, {report.warnings} warnings")
    return "\n".join(lines) + "\n"


def _finding_json(finding: Finding) -> dict[str, object]:
    return {"count": finding.count, "examples": [dict(e) for e in finding.examples]}


def check_json(report: CheckReport, view: View) -> str:
    return envelope(
        "rules-check",
        {
            "files": list(report.files),
            "combinations": report.combinations,
            "distinct_cases": report.distinct_cases,
            "errors": report.errors,
            "warnings": report.warnings,
            "winners": dict(report.winners),
            "no_tool": _finding_json(report.no_tool),
            "never_fire": list(report.never_fire),
            "never_change_winner": list(report.never_change_winner),
            "tie_break": {**_finding_json(report.tie_break), "declared_reason": report.tie_break_reason},
            "near_tie": _finding_json(report.near_tie),
            "decisive": [
                {"kind": d.kind, "tool": d.tool, "question": d.question, "value": d.value}
                for d in report.decisive
            ],
        },
    )


def _table(ruleset: RuleSet) -> tuple[list[str], list[list[str]]]:
    header = ["rule", "when", *ruleset.tools, "warns"]
    rows = [
        [r.id, r.when_text(), *(r.effect_on(t) for t in ruleset.tools), "yes" if r.warn else ""]
        for r in ruleset.rules
    ]
    return header, rows


@dataclass(frozen=True)
class Shown:
    """`pickenv rules show`: the effective rules, and how deep a decision map goes."""

    ruleset: RuleSet
    depth: int = GUIDE_DEPTH


def rules_text(shown: Shown, view: View) -> str:
    return _rules_text(shown.ruleset, view.style or Style(False))


def rules_markdown(shown: Shown, view: View) -> str:
    return _rules_markdown(shown.ruleset)


def rules_json(shown: Shown, view: View) -> str:
    return _rules_json(shown.ruleset)


def rules_mermaid(shown: Shown, view: View) -> str:
    return mermaid(shown.ruleset, shown.depth)


def rules_dot(shown: Shown, view: View) -> str:
    return dot(shown.ruleset, shown.depth)


def _rules_text(ruleset: RuleSet, style: Style) -> str:
    header, rows = _table(ruleset)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [
        f"Rules: {file_names(ruleset.files)}",
        f"Tools (tie-break order): {', '.join(ruleset.tools)}",
    ]
    if ruleset.tie_break:
        lines.append(f"Ties: {ruleset.tie_break}")
    if ruleset.disabled:
        lines.append(f"Disabled: {', '.join(ruleset.disabled)}")
    lines += ["", style.bold(fmt.format(*header).rstrip()), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*row).rstrip() for row in rows]
    lines += ["", style.bold("Because")]
    lines += [f"  {r.id}: {r.because} <{r.source}>" for r in ruleset.rules]
    return "\n".join(lines) + "\n"


def _rules_markdown(ruleset: RuleSet) -> str:
    header, rows = _table(ruleset)
    lines = [f"# Rules ({file_names(ruleset.files)})", "", f"Tie-break order: {', '.join(ruleset.tools)}", ""]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + " --- |" * len(header))
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    lines += ["", "## Because", ""]
    lines += [f"- **{r.id}**: {r.because} ([source]({r.source}))" for r in ruleset.rules]
    return "\n".join(lines) + "\n"


def _rules_json(ruleset: RuleSet) -> str:
    return envelope(
        "rules",
        {
            "files": list(ruleset.files),
            "tools": list(ruleset.tools),
            "tie_break": ruleset.tie_break,
            "disabled": list(ruleset.disabled),
            "rules": [r.as_dict() for r in ruleset.rules],
            "not_considered": [
                {"tool": n.tool, "when": n.when, "source": n.source, "include": n.include}
                for n in ruleset.not_considered
            ],
        },
    )


def facts_text(report: FactsReport, view: View) -> str:
    return _facts_text(report, view.style or Style(False))


def _facts_text(report: FactsReport, style: Style) -> str:
    """One line per fact, the changed ones first, so a maintainer sees what to re-verify."""
    order = {CHANGED: 0, UNREACHABLE: 1, NOT_INSTALLED: 2, PASSED: 3, OK: 4, AHEAD: 5}
    counts = ", ".join(f"{report.count(s)} {s}" for s in order if report.count(s))
    lines = [
        f"Checked {len(report.results)} facts of {file_names(report.files)} against {report.index} "
        f"on {report.today}: {counts}."
    ]
    for result in sorted(report.results, key=lambda r: order[r.status]):
        mark = {CHANGED: style.red("changed"), PASSED: style.bold("passed")}.get(result.status, result.status)
        found = f" (now: {result.found})" if result.found and result.status != OK else ""
        lines.append(f"  {mark:<13} {result.check}{found}  [{result.rule}, checked {result.checked}]")
    if report.count(PASSED):
        lines.append(
            "End-of-life dates that have passed turn into warnings by themselves; no edit is needed."
        )
    if report.failed:
        lines.append(
            "Re-verify the changed facts from their sources, then update the rules and each `checked:` date."
        )
    return "\n".join(lines) + "\n"


def facts_json(report: FactsReport, view: View) -> str:
    return envelope(
        "rules-facts",
        {
            "files": list(report.files),
            "index": report.index,
            "today": report.today,
            "failed": report.failed,
            "facts": [
                {
                    "rule": r.rule,
                    "claim": r.claim,
                    "checked": r.checked,
                    "check": r.check,
                    "status": r.status,
                    "found": r.found,
                }
                for r in report.results
            ],
        },
    )
