"""Render `pickenv detect` as text, markdown or a versioned JSON envelope."""

from __future__ import annotations

from pathlib import Path

from pickenv.existing.detect import Detection
from pickenv.existing.outline import SwitchOutline
from pickenv.questionnaire.questions import format_value
from pickenv.report.envelope import envelope
from pickenv.report.new import shown_path
from pickenv.rules.engine import Recommendation


def _reasons(result: Recommendation, tool: str) -> list[str]:
    """The rules in the tool's favour (what `recommend` lists with a +)."""
    assessment = next((a for a in result.ranking if a.tool == tool), None)
    return [r.because for r in assessment.reasons if r.effect.startswith("+")] if assessment else []


def detection_json(
    found: Detection,
    result: Recommendation | None,
    given: frozenset[str] = frozenset(),
    outline: SwitchOutline | None = None,
) -> str:
    payload: dict[str, object] = {
        "path": str(found.path),
        "tool": found.tool,
        "confidence": found.confidence,
        "evidence": [
            {"tool": e.tool, "file": e.path, "strength": e.strength, "note": e.note} for e in found.evidence
        ],
        "findings": list(found.findings),
        "members": list(found.members),
        "looked_for": list(found.looked_for),
        "seen": list(found.seen),
        "inferred_answers": {
            key: {"value": format_value(value), "from": found.inferred.sources[key]}
            for key, value in found.inferred.answers.items()
        },
        "unknown_answers": [q for q in found.inferred.unknown if q not in given],
        "given_answers": sorted(given),
    }
    if result is not None:
        switch = (
            {"replace": list(outline.replace), "write": list(outline.write), "refusal": outline.refusal}
            if outline is not None
            else None
        )
        payload["recommendation"] = {
            "tool": result.recommendation,
            "fits": found.tool == result.recommendation,
            "switch": switch,
            "answers": {k: format_value(v) for k, v in result.answers},
            "reasons": _reasons(result, result.recommendation),
        }
    return envelope("detect", payload)


def detection_text(
    found: Detection,
    result: Recommendation | None,
    cwd: Path,
    given: frozenset[str] = frozenset(),
    outline: SwitchOutline | None = None,
) -> str:
    where = shown_path(found.path, cwd)
    where = found.path.name if where == "." else where
    if found.tool is None:
        lines = [f"{where}: no environment tool's files found."]
        lines.append(f"  looked for: {'; '.join(found.looked_for)}")
        lines.append(f"  saw: {'; '.join(found.seen)}")
    else:
        lines = [f"{where} uses {found.tool} (confidence: {found.confidence})."]
    lines += [f"  {e.strength:6} {e.path}: {e.note} [{e.tool}]" for e in found.evidence]
    lines += [f"Note: {finding}" for finding in found.findings]
    if found.inferred.answers:
        lines.append("Inferred answers:")
        lines += [
            f"  {key}={format_value(value)}  ({found.inferred.sources[key]})"
            for key, value in found.inferred.answers.items()
        ]
    unknown = [q for q in found.inferred.unknown if q not in given]
    if given and result is not None:
        lines.append("Given: " + " ".join(f"{k}={format_value(v)}" for k, v in result.answers if k in given))
    if unknown:
        lines.append(f"Unknown: {', '.join(unknown)}" + (" (defaults taken)" if result else ""))
    if result is not None:
        lines.append(_verdict(found, result))
        lines += [f"  why: {reason}" for reason in _reasons(result, result.recommendation)]
        if outline is not None and outline.refusal:
            lines.append(f"`pickenv switch --to {outline.target}` would refuse: {outline.refusal}.")
        elif outline is not None:
            instead = f" in place of {', '.join(outline.replace)}" if outline.replace else ""
            lines.append(
                f"Switching means {', '.join(outline.write)}{instead}, with every dependency carried over, "
                "and a new environment (the old one stays until you remove it). "
                f"`pickenv switch --to {outline.target} --dry-run` shows it as a diff."
            )
    return "\n".join(lines) + "\n"


def _verdict(found: Detection, result: Recommendation) -> str:
    best = result.recommendation
    if found.tool is None:
        return f"pickenv would recommend {best} for these answers."
    if found.tool == best:
        return f"{found.tool} is what pickenv recommends for these answers."
    if not _movable(found.tool):  # poetry, pdm, tox...: named, not switched from
        return (
            f"pickenv would recommend {best}, not {found.tool}, for these answers; "
            f"`pickenv switch` cannot move a project from {found.tool}."
        )
    return (
        f"pickenv would recommend {best}, not {found.tool}, for these answers "
        "(pass --answer to correct an inferred or default answer)."
    )


def _movable(tool: str) -> bool:
    """A tool of the registry: `pickenv switch` moves a project from it."""
    from pickenv.tools import tool_names

    return tool in tool_names()


def detection_markdown(
    found: Detection,
    result: Recommendation | None,
    cwd: Path,
    given: frozenset[str] = frozenset(),
    outline: SwitchOutline | None = None,
) -> str:
    text = detection_text(found, result, cwd, given, outline).splitlines()
    return f"## {text[0]}\n\n" + "\n".join(f"- {line.strip()}" for line in text[1:]) + "\n"
