"""Render a recommendation as text, markdown or a versioned JSON envelope.

Renderers take frozen results and return strings; they never print, so the
CLI writes output only once everything succeeded (no partial output on errors).
"""

from __future__ import annotations

from pickenv.questionnaire.questions import format_value
from pickenv.report.envelope import envelope
from pickenv.report.formats import View
from pickenv.report.phrases import file_names, pairs
from pickenv.report.style import Style, fit
from pickenv.rules.engine import Assessment, Recommendation


def _advice(result: Recommendation) -> list[tuple[str, str, str]]:
    return [(a.tool, r.rule, r.advice) for a in result.ranking for r in a.reasons if r.advice]


def _advice_ranked(result: Recommendation) -> list[tuple[str, str, str]]:
    """Advice for every ranked (eligible) tool, in ranking order, each sentence once: tools
    given the same sentence by the same rule share its line ("venv, virtualenv: ..."). The
    runner-up's note can matter as much as the winner's (conda's licence)."""
    eligible = {a.tool for a in result.ranking if a.eligible}
    merged: dict[tuple[str, str], list[str]] = {}
    for tool, rule, text in _advice(result):
        if tool in eligible:
            merged.setdefault((rule, text), []).append(tool)
    return [(", ".join(tools), rule, text) for (rule, text), tools in merged.items()]


def _needs(result: Recommendation, tool: str) -> list[tuple[str, str]]:
    assessment = next(a for a in result.ranking if a.tool == tool)
    return [(r.rule, r.needs) for r in assessment.needs if r.needs]


def _sources(result: Recommendation) -> dict[str, str]:
    return {r.rule: r.source for a in result.ranking for r in a.reasons}


def _tie_json(result: Recommendation) -> dict[str, object]:
    return {
        "tied": list(result.tied),
        "margin": result.margin,
        "near_tie": result.near_tie,
        "settled_by": "tool order" if result.tie_break else "score",
        "tool_order_reason": result.tie_break_reason,
    }


def recommendation_json(result: Recommendation, view: View) -> str:
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
                    **({"needs": r.needs} if r.needs else {}),
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
            "tie": _tie_json(result),
            "warnings": [{"rule": w.rule, "text": w.text, "source": w.source} for w in result.warnings],
            "ranking": ranking,
            "advice": [{"tool": t, "rule": r, "text": x} for t, r, x in _advice(result)],
            "answers": dict(result.answers),
            "fired_rules": list(result.fired_rules),
            "what_would_change": [
                {"question": c.question, "value": c.value, "recommendation": c.recommendation, "tie": c.tie}
                for c in result.what_would_change
            ],
            "not_considered": [
                {"tool": n.tool, "when": n.when, "source": n.source, "include": n.include}
                for n in result.not_considered
            ],
            "rules_files": list(result.rules_files),
        },
    )


def closeness(result: Recommendation) -> str:
    """A tie or a one-point lead, said out loud ("" for a clear win)."""
    scores = {a.tool: a.score for a in result.ranking}
    if result.tie_break:
        tools = " and ".join(result.tied) if len(result.tied) == 2 else ", ".join(result.tied)
        score = f"{scores[result.recommendation]:+d}"
        reason = result.tie_break_reason or "nothing explains that order"
        return f"Tie: {tools} score {score}; the tool order picked {result.recommendation} ({reason})"
    if result.near_tie:
        runner_up = next(a for a in result.ranking[1:] if a.eligible)
        return (
            f"Close: {result.recommendation} leads {runner_up.tool} by one point "
            f"({scores[result.recommendation]:+d} to {runner_up.score:+d})"
        )
    return ""


def _changes(result: Recommendation) -> list[str]:
    lines = [
        f"{c.question}={format_value(c.value)} -> {c.recommendation or 'no tool fits'}"
        + (" (a tie, settled by the tool order)" if c.tie else "")
        for c in result.what_would_change
    ]
    if result.tie_break:
        lines.insert(0, "any rule that favours one of the tied tools (this answer is a tie)")
    return lines


def recommendation_text(result: Recommendation, view: View) -> str:
    return fit(_text(result, view.style or Style(False)), view.width)


def _text(result: Recommendation, style: Style) -> str:
    lines = [f"Recommended: {style.green(result.recommendation)}"]
    if closeness(result):
        lines.append(f"  {closeness(result)}")
    for rule, text in _needs(result, result.recommendation):
        # A stated need the winner meets only with help: said next to the answer, never silent.
        lines.append(f"  {style.bold('It needs')} {text}  [{rule}]")
    if result.warnings:
        lines.append("")
        lines.append(style.bold(style.red("Warnings")))
        lines += [f"  {w.text}  [{w.rule}]" for w in result.warnings]
    lines.append("")
    lines.append(style.bold("Ranking"))
    eligible = [a for a in result.ranking if a.eligible]
    for rank, a in enumerate(eligible, start=1):
        lines.append(f"  {rank}. {a.tool:<11} score {a.score:+d}")
        for r in a.reasons:
            if r.effect not in ("advice", "needs"):
                lines.append(f"       {r.effect:>3}  {r.because}  [{r.rule}]")
        if a.tool != result.recommendation:  # the winner's needs are said under "Recommended"
            lines += [f"     needs  {r.needs}  [{r.rule}]" for r in a.needs]
    excluded = [a for a in result.ranking if not a.eligible]
    if excluded:
        lines.append("")
        lines.append(style.bold("Excluded"))
        for a in excluded:
            for r in a.excluded_by:
                lines.append(f"  {a.tool:<11} {r.because}  [{r.rule}]")
    advice = _advice_ranked(result)
    if advice:
        lines.append("")
        lines.append(style.bold("Advice"))
        for tool, rule, text in advice:
            lines.append(f"  {tool}: {text}  [{rule}]")
    lines.append("")
    lines.append(style.bold("What would change the answer"))
    lines.extend(f"  {line}" for line in _changes(result) or ["no single answer changes it"])
    if result.not_considered:
        lines.append("")
        lines.append(style.bold("Not considered"))
        for note in result.not_considered:
            include = f" ({note.include})" if note.include else ""
            lines.append(f"  {note.tool}: {note.when}{include}  <{note.source}>")
    lines.append("")
    lines.append(style.dim(f"Answers: {pairs(result.answers)}"))
    lines.append(style.dim(f"Rules: {file_names(result.rules_files)}"))
    return "\n".join(lines) + "\n"


def _md_reason_rows(a: Assessment) -> list[str]:
    # Advice is not a reason: it has a section of its own, in its own words, as in text.
    return [
        f"| {a.tool} | {r.effect} | {r.needs if r.effect == 'needs' else r.because} | "
        f"[{r.rule}]({r.source}) |"
        for r in a.reasons
        if r.effect != "advice"
    ]


def recommendation_markdown(result: Recommendation, view: View) -> str:
    lines = [f"# Recommended: {result.recommendation}", ""]
    if closeness(result):
        lines += [f"_{closeness(result)}._", ""]
    for rule, text in _needs(result, result.recommendation):
        lines += [f"**It needs** {text} ([{rule}]({_sources(result)[rule]}))", ""]
    if result.warnings:
        lines += ["## Warnings", ""]
        lines += [f"- **{w.text}** ([{w.rule}]({w.source}))" for w in result.warnings]
        lines.append("")
    lines += ["## Ranking", "", "| rank | tool | score | excluded |", "| --- | --- | --- | --- |"]
    for rank, a in enumerate(result.ranking, start=1):
        lines.append(f"| {rank} | {a.tool} | {a.score:+d} | {'yes' if not a.eligible else 'no'} |")
    lines += ["", "## Reasons", "", "| tool | effect | because | rule |", "| --- | --- | --- | --- |"]
    for a in result.ranking:
        lines += _md_reason_rows(a)
    advice = _advice_ranked(result)
    if advice:
        sources = _sources(result)
        lines += ["", "## Advice", ""]
        lines += [f"- **{tool}**: {text} ([{rule}]({sources[rule]}))" for tool, rule, text in advice]
    lines += ["", "## What would change the answer", ""]
    lines += [f"- `{line}`" for line in _changes(result)] or ["- no single answer changes it"]
    if result.not_considered:
        lines += ["", "## Not considered", ""]
        for note in result.not_considered:
            include = f" ({note.include})" if note.include else ""
            lines.append(f"- **{note.tool}**: {note.when}{include} ([source]({note.source}))")
    lines += ["", "## Answers", ""]
    lines += [f"- `{k}`: `{format_value(v)}`" for k, v in result.answers]
    return "\n".join(lines) + "\n"
