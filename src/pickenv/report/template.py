"""Render `pickenv template check` as text (one `file: message` line per problem) or a
versioned JSON envelope."""

from __future__ import annotations

from pickenv.report.envelope import envelope
from pickenv.report.formats import View
from pickenv.templating.check import TemplateCheck


def check_json(result: TemplateCheck, view: View) -> str:
    return envelope(
        "template-check",
        {
            "source": result.source,
            "recorded_as": result.location,
            "ref": result.ref,
            "tools": list(result.tools),
            "domains": list(result.domains),
            "rendered": result.rendered,
            "planned": result.planned,
            "owns_tool": result.owns_tool,
            "notes": list(result.notes),
            "runs": list(result.unsafe),
            "problems": [{"file": p.file, "message": p.message} for p in result.problems],
        },
    )


def check_text(result: TemplateCheck, view: View) -> str:
    at = f" at {result.ref}" if result.ref else ""
    lines = [str(p) for p in result.problems] + [f"note: {n}" for n in result.notes]
    tools = "its own" if result.owns_tool else ", ".join(result.tools) or "none"
    summary = (
        f"{result.source}{at}: rendered {result.rendered} of {result.planned} "
        f"(tools: {tools}; domains: {', '.join(result.domains)})"
    )
    if result.unsafe:
        summary += f"; it runs {len(result.unsafe)} task(s) or extension(s), which need the user's trust"
    lines.append(summary + (f"; {len(result.problems)} problem(s)." if result.problems else "; no problems."))
    return "\n".join(lines) + "\n"
