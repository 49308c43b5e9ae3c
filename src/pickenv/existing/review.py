"""`pickenv detect`'s service: which tool a project uses and, asked to, whether it is the
one pickenv recommends for the project's answers (by the one answer policy), and what
moving it would change. The report only words the result."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pickenv.answering.policy import Answering
from pickenv.existing.detect import Detection
from pickenv.existing.outline import SwitchOutline

if TYPE_CHECKING:
    from pickenv.context import Context
    from pickenv.rules.engine import Recommendation

# none: no tool found; fits: the tool in use is the recommendation; misfit: another tool is,
# and switch can move the project; stuck: another tool is, but switch cannot move from this one
Verdict = Literal["none", "fits", "misfit", "stuck"]


@dataclass(frozen=True)
class Review:
    found: Detection
    given: frozenset[str] = frozenset()  # questions the user or the team answered
    recommendation: Recommendation | None = None  # with --recommend
    verdict: Verdict | None = None  # with --recommend
    reasons: tuple[str, ...] = ()  # the rules in the recommended tool's favour
    outline: SwitchOutline | None = None  # a misfit: what switching would change

    @property
    def misfit(self) -> bool:
        return self.verdict in ("misfit", "stuck")


def review_project(path: Path, answering: Answering, ctx: Context, *, recommend: bool) -> Review:
    from pickenv.existing.detect import detect

    found = detect(path)
    answering = answering.with_project(found.inferred.answers, found.inferred.sources)
    if not recommend:
        return Review(found, answering.stated)
    # the unknown answers take the team's or pickenv's defaults (the report says so)
    result = answering.recommend(ctx, use_defaults=True)
    best = result.recommendation
    assessment = next((a for a in result.ranking if a.tool == best), None)
    reasons = tuple(r.because for r in assessment.reasons if r.effect.startswith("+")) if assessment else ()
    verdict: Verdict
    outline = None
    if found.tool is None:
        verdict = "none"
    elif found.tool == best:
        verdict = "fits"
    else:
        from pickenv.existing.outline import switch_outline
        from pickenv.tools import tool_names

        verdict = "misfit" if found.tool in tool_names() else "stuck"  # poetry, pdm, tox: named only
        outline = switch_outline(found, best)
    return Review(found, answering.stated, result, verdict, reasons, outline)
