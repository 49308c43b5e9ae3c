"""Render `pickenv detect` (``existing.review.Review``) as text, markdown or a versioned
JSON envelope."""

from __future__ import annotations

from pickenv.existing.review import Review
from pickenv.questionnaire.questions import format_value
from pickenv.report.envelope import envelope
from pickenv.report.formats import View
from pickenv.report.paths import named_path


def detection_json(review: Review, view: View) -> str:
    found, result, outline, given = review.found, review.recommendation, review.outline, review.given
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
            "fits": review.verdict == "fits",
            "switch": switch,
            "answers": {k: format_value(v) for k, v in result.answers},
            "reasons": list(review.reasons),
        }
    return envelope("detect", payload)


def detection_text(review: Review, view: View) -> str:
    found, result, outline, given = review.found, review.recommendation, review.outline, review.given
    where = named_path(found.path, view.cwd)
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
        lines.append(_verdict(review))
        lines += [f"  why: {reason}" for reason in review.reasons]
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


def _verdict(review: Review) -> str:
    assert review.recommendation is not None
    best, tool = review.recommendation.recommendation, review.found.tool
    if review.verdict == "none":
        return f"pickenv would recommend {best} for these answers."
    if review.verdict == "fits":
        return f"{tool} is what pickenv recommends for these answers."
    if review.verdict == "stuck":  # poetry, pdm, tox...: named, not switched from
        return (
            f"pickenv would recommend {best}, not {tool}, for these answers; "
            f"`pickenv switch` cannot move a project from {tool}."
        )
    return (
        f"pickenv would recommend {best}, not {tool}, for these answers "
        "(pass --answer to correct an inferred or default answer)."
    )


def detection_markdown(review: Review, view: View) -> str:
    text = detection_text(review, view).splitlines()
    return f"## {text[0]}\n\n" + "\n".join(f"- {line.strip()}" for line in text[1:]) + "\n"
