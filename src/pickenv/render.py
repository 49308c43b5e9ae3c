"""Render results as text, markdown or a versioned JSON envelope.

Renderers take frozen result dataclasses and return strings; they never print, so the
CLI writes output only once everything succeeded (no partial output on errors).
"""

from __future__ import annotations

from pickenv.engine import Assessment, Recommendation
from pickenv.envelope import envelope
from pickenv.questions import Value, format_value
from pickenv.rules_check import CheckReport, Finding
from pickenv.rules_model import RuleSet
from pickenv.style import Style


def _pairs(answers: tuple[tuple[str, Value], ...]) -> str:
    return " ".join(f"{k}={format_value(v)}" for k, v in answers)


def _advice(result: Recommendation) -> list[tuple[str, str, str]]:
    return [(a.tool, r.rule, r.advice) for a in result.ranking for r in a.reasons if r.advice]


def recommendation_json(result: Recommendation) -> str:
    ranking = [
        {
            "rank": rank,
            "tool": a.tool,
            "score": a.score,
            "excluded": not a.eligible,
            "reasons": [
                {
                    "rule": r.rule,
                    "effect": r.effect,
                    "because": r.because,
                    "source": r.source,
                    **({"advice": r.advice} if r.advice else {}),
                }
                for r in a.reasons
            ],
        }
        for rank, a in enumerate(result.ranking, start=1)
    ]
    return envelope(
        "recommendation",
        {
            "recommendation": result.recommendation,
            "tie_break": result.tie_break,
            "ranking": ranking,
            "advice": [{"tool": t, "rule": r, "text": x} for t, r, x in _advice(result)],
            "answers": dict(result.answers),
            "fired_rules": list(result.fired_rules),
            "what_would_change": [
                {"question": c.question, "value": c.value, "recommendation": c.recommendation}
                for c in result.what_would_change
            ],
            "rules_files": list(result.rules_files),
        },
    )


def _tie_note(result: Recommendation) -> str:
    top = result.ranking[0].score
    tied = [a.tool for a in result.ranking if a.eligible and a.score == top]
    return f"{' and '.join(tied)} tie at {top}; the declared tool order decides"


def _changes(result: Recommendation) -> list[str]:
    return [
        f"{c.question}={format_value(c.value)} -> {c.recommendation or 'no tool fits'}"
        for c in result.what_would_change
    ]


def recommendation_text(result: Recommendation, style: Style) -> str:
    lines = [f"Recommended: {style.green(result.recommendation)}"]
    if result.tie_break:
        lines.append(style.dim(f"  ({_tie_note(result)})"))
    lines.append("")
    lines.append(style.bold("Ranking"))
    eligible = [a for a in result.ranking if a.eligible]
    for rank, a in enumerate(eligible, start=1):
        lines.append(f"  {rank}. {a.tool:<11} score {a.score:+d}")
        for r in a.reasons:
            if r.effect != "advice":
                lines.append(f"       {r.effect:>3}  {r.because}  [{r.rule}]")
    excluded = [a for a in result.ranking if not a.eligible]
    if excluded:
        lines.append("")
        lines.append(style.bold("Excluded"))
        for a in excluded:
            for r in a.excluded_by:
                lines.append(f"  {a.tool:<11} {r.because}  [{r.rule}]")
    advice = [(t, r, x) for t, r, x in _advice(result) if t not in {a.tool for a in excluded}]
    if advice:
        lines.append("")
        lines.append(style.bold("Advice"))
        for tool, rule, text in advice:
            lines.append(f"  {tool}: {text}  [{rule}]")
    lines.append("")
    lines.append(style.bold("What would change the answer"))
    lines.extend(f"  {line}" for line in _changes(result) or ["no single answer changes it"])
    lines.append("")
    lines.append(style.dim(f"Answers: {_pairs(result.answers)}"))
    lines.append(style.dim(f"Rules: {', '.join(result.rules_files)}"))
    return "\n".join(lines) + "\n"


def _md_reason_rows(a: Assessment) -> list[str]:
    return [f"| {a.tool} | {r.effect} | {r.because} | [{r.rule}]({r.source}) |" for r in a.reasons]


def recommendation_markdown(result: Recommendation) -> str:
    lines = [f"# Recommended: {result.recommendation}", ""]
    if result.tie_break:
        lines += [f"_{_tie_note(result)}._", ""]
    lines += ["## Ranking", "", "| rank | tool | score | excluded |", "| --- | --- | --- | --- |"]
    for rank, a in enumerate(result.ranking, start=1):
        lines.append(f"| {rank} | {a.tool} | {a.score:+d} | {'yes' if not a.eligible else 'no'} |")
    lines += ["", "## Reasons", "", "| tool | effect | because | rule |", "| --- | --- | --- | --- |"]
    for a in result.ranking:
        lines += _md_reason_rows(a)
    lines += ["", "## What would change the answer", ""]
    lines += [f"- `{line}`" for line in _changes(result)] or ["- no single answer changes it"]
    lines += ["", "## Answers", ""]
    lines += [f"- `{k}`: `{format_value(v)}`" for k, v in result.answers]
    return "\n".join(lines) + "\n"


def _finding_lines(finding: Finding) -> list[str]:
    return [f"      e.g. {_pairs(example)}" for example in finding.examples]


def check_text(report: CheckReport, style: Style) -> str:
    lines = [
        f"Checked {', '.join(report.files)}: {report.combinations} answer combinations "
        f"({report.distinct_cases} distinct sets of fired rules)."
    ]
    if report.no_tool.count:
        lines.append(style.red(f"error: {report.no_tool.count} combinations leave no tool:"))
        lines += _finding_lines(report.no_tool)
    for rule_id in report.never_fire:
        lines.append(f"warning: rule {rule_id} never fires")
    for rule_id in report.never_change_winner:
        lines.append(f"warning: rule {rule_id} never changes the winner")
    if report.tie_break.count:
        lines.append(
            f"warning: {report.tie_break.count} combinations are decided only by the tool order (tie-break):"
        )
        lines += _finding_lines(report.tie_break)
    lines.append(f"{report.errors} errors, {report.warnings} warnings")
    return "\n".join(lines) + "\n"


def _finding_json(finding: Finding) -> dict[str, object]:
    return {"count": finding.count, "examples": [dict(e) for e in finding.examples]}


def check_json(report: CheckReport) -> str:
    return envelope(
        "rules-check",
        {
            "files": list(report.files),
            "combinations": report.combinations,
            "distinct_cases": report.distinct_cases,
            "errors": report.errors,
            "warnings": report.warnings,
            "no_tool": _finding_json(report.no_tool),
            "never_fire": list(report.never_fire),
            "never_change_winner": list(report.never_change_winner),
            "tie_break": _finding_json(report.tie_break),
        },
    )


def _table(ruleset: RuleSet) -> tuple[list[str], list[list[str]]]:
    header = ["rule", "when", *ruleset.tools]
    rows = [[r.id, r.when_text(), *(r.effect_on(t) for t in ruleset.tools)] for r in ruleset.rules]
    return header, rows


def rules_text(ruleset: RuleSet, style: Style) -> str:
    header, rows = _table(ruleset)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [
        f"Rules: {', '.join(ruleset.files)}",
        f"Tools (tie-break order): {', '.join(ruleset.tools)}",
    ]
    if ruleset.disabled:
        lines.append(f"Disabled: {', '.join(ruleset.disabled)}")
    lines += ["", style.bold(fmt.format(*header).rstrip()), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*row).rstrip() for row in rows]
    lines += ["", style.bold("Because")]
    lines += [f"  {r.id}: {r.because} <{r.source}>" for r in ruleset.rules]
    return "\n".join(lines) + "\n"


def rules_markdown(ruleset: RuleSet) -> str:
    header, rows = _table(ruleset)
    lines = [f"# Rules ({', '.join(ruleset.files)})", "", f"Tie-break order: {', '.join(ruleset.tools)}", ""]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + " --- |" * len(header))
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    lines += ["", "## Because", ""]
    lines += [f"- **{r.id}**: {r.because} ([source]({r.source}))" for r in ruleset.rules]
    return "\n".join(lines) + "\n"


def rules_json(ruleset: RuleSet) -> str:
    return envelope(
        "rules",
        {
            "files": list(ruleset.files),
            "tools": list(ruleset.tools),
            "disabled": list(ruleset.disabled),
            "rules": [r.as_dict() for r in ruleset.rules],
        },
    )
