"""Render a recommendation as text, markdown or a versioned JSON envelope.

Renderers take frozen result dataclasses and return strings; they never print, so the
CLI writes output only once everything succeeded (no partial output on errors).
"""

from __future__ import annotations

from pickenv.questionnaire.questions import Value, format_value
from pickenv.report.envelope import envelope
from pickenv.report.style import Style
from pickenv.rules.engine import Assessment, Recommendation


def file_names(files: tuple[str, ...]) -> str:
    """Rules files as people know them: pickenv's own by name, a team's as given."""
    from pickenv.resources import builtin_rules_path, bundled_layers

    own = {str(builtin_rules_path()): "built-in rules.yaml"}
    own.update({str(path): f"bundled layer {name}" for name, path in bundled_layers().items()})
    return ", ".join(own.get(f, f) for f in files)


def pairs(answers: tuple[tuple[str, Value], ...]) -> str:
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
    lines.append(style.dim(f"Answers: {pairs(result.answers)}"))
    lines.append(style.dim(f"Rules: {file_names(result.rules_files)}"))
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
