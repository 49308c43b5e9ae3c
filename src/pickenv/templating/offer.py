"""How pickenv's answers meet the questions of a team's template, as the template is.

A copier template asks what it asks: ``project_name`` or ``project_slug``, a ``tool``
question or none (the template sets up its own environment tool, pdm or poetry
included), its own ``license`` choices. pickenv offers each of its answers to the
question of the same name, or to the one the team file maps it to
(``questions: {project_name: project_slug}``), and to nothing else: copier records
only what the template declares, and pickenv never writes into a template's answers.

What the template does not take, pickenv still decided: those answers are recorded in
``.pickenv-answers.yml`` beside the project's files (a file the template does not
render, so copier's update leaves it alone), and ``pickenv update`` offers them to a
question a later version of the template adds (``templating.update``).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pickenv.errors import Fix, UsageError

if TYPE_CHECKING:
    from pickenv.templating.source import TemplateInfo

# pickenv's answers besides the questionnaire's: the project's own fields.
PROJECT_FIELDS = ("project_name", "tool", "description", "author", "license")


def pickenv_names() -> tuple[str, ...]:
    """Every answer pickenv may offer a template: the questionnaire's and the project's."""
    from pickenv.questionnaire.questions import QUESTIONS

    return (*PROJECT_FIELDS, *(q.id for q in QUESTIONS))


def suggestion(name: str, known: Iterable[str]) -> str:
    """``; did you mean X?`` for a near miss among ``known``, else nothing."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


@dataclass(frozen=True)
class Offer:
    """pickenv's answer -> the template's question it fills (``names``), and whether the
    template owns its environment tool (no ``tool`` question, or none of its choices is a
    tool pickenv sets up): then pickenv chooses none and creates no environment."""

    names: Mapping[str, str] = field(default_factory=dict)
    owns_tool: bool = False

    def data(self, answers: Mapping[str, object]) -> dict[str, object]:
        """The answers the template takes, by its own question names."""
        return {asked: answers[ours] for ours, asked in self.names.items() if ours in answers}

    def kept_aside(self, answers: Mapping[str, object]) -> dict[str, object]:
        """pickenv's answers the template does not take (recorded beside the project).
        The tool is left out when the template owns it: pickenv did not choose it."""
        skip = {"tool"} if self.owns_tool else set()
        return {k: v for k, v in answers.items() if k not in self.names and k not in skip}


def offer_of(info: TemplateInfo, mapping: Mapping[str, str], tools: Iterable[str]) -> Offer:
    """The offer to ``info``'s template: same names, then the team's ``mapping`` (whose
    every target must be a question of the template). ``tools``: those pickenv sets up."""
    declared = info.questions
    for ours, theirs in mapping.items():
        if theirs not in declared:
            raise UsageError(
                f"the team file maps {ours} to {theirs!r}, which the template {info.source.location} "
                f"does not ask{suggestion(theirs, declared)}",
                fixes=[Fix.TEAM_FILE],
            )
    names = {name: name for name in pickenv_names() if name in declared}
    names.update(mapping)
    known = set(tools)
    owns_tool = "tool" not in names or not any(t in known for t in info.choices(names["tool"]))
    if owns_tool:
        names.pop("tool", None)
    return Offer(names, owns_tool)


def refuse_unknown_data(
    data: Mapping[str, object], declared: Iterable[str], where: str, source: str, *, later: bool = False
) -> list[str]:
    """Values for questions the template does not ask are a typo until shown otherwise:
    copier would drop them without a word. ``later``: a team file's data may answer a
    question a later version of the template adds, so only a near miss of a question it
    asks is refused there; the others are returned (for a note)."""
    asked = list(declared)
    unknown = []
    for name in data:
        if name not in asked and later and not suggestion(name, asked):
            unknown.append(name)
        elif name not in asked:
            raise UsageError(
                f"{where} answers {name!r}, which the template {source} does not ask"
                f"{suggestion(name, asked)}",
                fixes=[Fix.TEMPLATE_QUESTIONS],
                facts={"questions": ", ".join(sorted(asked)) or "none"},
            )
    return unknown
