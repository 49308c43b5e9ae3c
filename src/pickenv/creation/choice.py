"""Which tool a new project gets: the recommendation, or a valid override.

A tool can be chosen when pickenv has a module for it, the template scaffolds it and
nothing rules it out. Tools outside the ranking (uv without ``--with uv``) are
judged by their bundled rules layer when there is one, else by what the tool itself
supports; either way the user sees why a tool is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pickenv.errors import AnswerError, Fix, NoToolError
from pickenv.questionnaire.questions import format_value
from pickenv.rules.engine import Assessment, Recommendation
from pickenv.tools import get_tool
from pickenv.versions import PythonVersion


@dataclass
class ToolChoice:
    recommendation: Recommendation
    usable: Sequence[str]  # tools with a module whose files the template has
    known: Sequence[str]  # every tool with a module (built in, or a plugin)
    # The assessment of a tool outside the ranking (None: no rules say anything).
    assess_outside: Callable[[str], Assessment | None]
    _cache: dict[str, Assessment | None] = field(default_factory=dict)

    @property
    def version(self) -> PythonVersion:
        return PythonVersion.parse(str(dict(self.recommendation.answers)["python_version"]))

    @property
    def ranked(self) -> frozenset[str]:
        """The tools the rules ranked (others are judged by their own layer, if any)."""
        return frozenset(a.tool for a in self.recommendation.ranking)

    def assessment(self, tool: str) -> Assessment | None:
        if tool not in self._cache:
            ranked = {a.tool: a for a in self.recommendation.ranking}
            self._cache[tool] = ranked[tool] if tool in ranked else self.assess_outside(tool)
        return self._cache[tool]

    def refusal(self, tool: str) -> str:
        """Why ``tool`` cannot be chosen for these answers ("" when it can)."""
        assessment = self.assessment(tool)
        if assessment is not None and not assessment.eligible:
            return " ".join(r.because for r in assessment.excluded_by)
        if not get_tool(tool).supports(self.version):
            return f"{tool} cannot create Python {self.version} environments"
        return ""

    def allowed(self) -> list[str]:
        return [t for t in self.usable if not self.refusal(t)]

    def default(self) -> str:
        """The recommended tool; an error when pickenv cannot scaffold it."""
        recommended = self.recommendation.recommendation
        if recommended not in self.usable:
            raise NoToolError(
                f"the rules recommend {recommended}, which pickenv cannot scaffold "
                "(no tool module, or the template has no files for it)",
                fixes=[Fix.CHOOSE_TOOL],
                facts={"tools": ", ".join(self.allowed())},
            )
        return recommended

    def check(self, value: object, origin: str) -> str:
        if value in self.known and value not in self.usable:
            raise AnswerError(
                f"the project template has no files for {value} ({origin})",
                fixes=[Fix.CHOOSE_TOOL],
                facts={"tools": ", ".join(self.usable)},
            )
        if value not in self.usable:
            raise AnswerError(
                f"invalid tool {value!r} ({origin})",
                fixes=[Fix.CHOOSE_TOOL],
                facts={"tools": ", ".join(self.usable)},
            )
        tool = str(value)
        why = self.refusal(tool)
        if why:
            raise AnswerError(
                f"{tool} is ruled out for these answers: {why}",
                fixes=[Fix.CHOOSE_TOOL],
                facts={"tools": ", ".join(self.allowed())},
            )
        return tool

    def menu(self) -> list[tuple[str, str]]:
        """(tool, label) for a prompt: the ranking first, then tools outside it."""
        recommended = self.recommendation.recommendation
        allowed = self.allowed()
        entries = []
        for a in self.recommendation.ranking:
            if a.tool in allowed:
                note = "recommended, " if a.tool == recommended else ""
                entries.append((a.tool, f"{a.tool} ({note}score {a.score:+d})"))
        entries += [(t, f"{t} (not ranked: {get_tool(t).summary})") for t in allowed if t not in self.ranked]
        return entries

    def reasons(self, tool: str) -> tuple[str, ...]:
        """Why this tool, for the project's README. The recommendation: the rules that
        raised its score. An override: what the tool gives, the rules for and against
        it here, and which answers would have made it the recommendation."""
        assessment = self.assessment(tool)
        rules_for = [r.because for r in assessment.reasons if r.effect.startswith("+")] if assessment else []
        recommended = self.recommendation.recommendation
        if tool == recommended:
            return tuple(rules_for)
        top = self.assessment(recommended)
        # A tool outside the ranking was scored by other rules: its score does not compare.
        scores = (
            f" (score {top.score:+d}; {tool} {assessment.score:+d})"
            if top and assessment and tool in self.ranked
            else ""
        )
        reasons = [
            f"Chosen instead of the recommended {recommended}{scores}.",
            f"What {tool} gives: {get_tool(tool).summary}.",
            *(f"In its favour here: {because}" for because in rules_for),
        ]
        if assessment:
            reasons += [
                f"Against it here: {r.because}" for r in assessment.reasons if r.effect.startswith("-")
            ]
        flips = [
            f"{c.question}={format_value(c.value)}"
            for c in self.recommendation.what_would_change
            if c.recommendation == tool
        ]
        if flips:
            reasons.append(f"pickenv would recommend {tool} with {' or '.join(flips)}.")
        return tuple(reasons)

    def why_recommended(self) -> str:
        top = self.assessment(self.recommendation.recommendation)
        return " ".join(r.because for r in top.reasons if r.effect.startswith("+")) if top else ""
