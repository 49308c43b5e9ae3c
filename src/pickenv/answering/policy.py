"""The answer policy: which source answers each question, for every command.

A question may be answered by the user this run (``--answers-file``, then ``--answer``,
which wins), by the team file's fixed answers, by what an existing project says (its
files, and the answers its template recorded), at a prompt, or by a default (the team
file's, then the template's, then pickenv's own). One order holds for ``recommend``,
``new``, ``detect --recommend`` and ``switch``, so the same project with the same team
file gets the same recommendation from each:

    the user's answers > the team's fixed answers > the project's > a prompt
    > the team's defaults > the template's defaults > pickenv's defaults

The team fixes what it fixes even against a project's files (a data-science team's
project is judged as one), and the user may still say otherwise for one run.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from pickenv.questionnaire.questions import Value
from pickenv.records import Record

TYPE_CHECKING = False  # as typing's, without importing typing on every start (README, Speed)
if TYPE_CHECKING:
    from pickenv.context import Context
    from pickenv.questionnaire.answers import Asker
    from pickenv.rules.engine import Recommendation
    from pickenv.templating.team import TeamFile

USER = "your answer"
_NONE: Mapping[str, Value] = MappingProxyType({})
_NO_SOURCES: Mapping[str, str] = MappingProxyType({})


# A Record, not a frozen dataclass: every `pickenv recommend` defines it (pickenv.records).
class Answering(Record):
    """Every source of answers for one run, as plain values (a command builds it from its
    arguments at the edge, once), and the rules layered for it."""

    user: Mapping[str, Value] = _NONE  # --answers-file, then --answer
    team_fixed: Mapping[str, Value] = _NONE
    team_defaults: Mapping[str, Value] = _NONE
    team_name: str = ""  # for the answers' origins
    project: Mapping[str, Value] = _NONE  # inferred from an existing project
    project_sources: Mapping[str, str] = _NO_SOURCES  # question -> what the file says
    rules: tuple[Path, ...] = ()  # the team's rules files, then --rules
    layers: tuple[str, ...] = ()  # bundled layers (--with)

    @classmethod
    def of(
        cls,
        user: Mapping[str, Value],
        team: TeamFile | None,
        rules: tuple[Path, ...] = (),
        layers: tuple[str, ...] = (),
    ) -> Answering:
        if team is None:
            return cls(dict(user), rules=rules, layers=layers)
        return cls(
            dict(user),
            dict(team.answers),
            dict(team.defaults),
            team.name,
            rules=(*team.rules, *rules),
            layers=layers,
        )

    def with_project(self, answers: Mapping[str, Value], sources: Mapping[str, str]) -> Answering:
        """The same run, judging an existing project whose files answer ``answers``."""
        return self._replace(project=dict(answers), project_sources=dict(sources))

    @property
    def given(self) -> dict[str, Value]:
        """The answers settled before anyone is asked, by the policy's order."""
        return {**self.project, **self.team_fixed, **self.user}

    @property
    def stated(self) -> frozenset[str]:
        """The questions the user or the team answered (not inferred, not defaults)."""
        return frozenset({*self.team_fixed, *self.user})

    def origin(self, question: str) -> str:
        """Where the settled answer to ``question`` comes from ("" for a default or a prompt)."""
        if question in self.user:
            return USER
        if question in self.team_fixed:
            return f"the team file {self.team_name or ''}".rstrip() + " fixes it"
        return self.project_sources.get(question, "")

    def defaults(self, template: Mapping[str, Value] | None = None) -> dict[str, Value]:
        """What replaces pickenv's own defaults: the team's over the template's."""
        return {**(template or {}), **self.team_defaults}

    def recommend(
        self,
        ctx: Context,
        *,
        use_defaults: bool,
        ask: Asker | None = None,
        template_defaults: Mapping[str, Value] | None = None,
        given: Mapping[str, Value] | None = None,
        preselected: Mapping[str, Value] | None = None,
    ) -> Recommendation:
        """The recommendation for the settled answers. ``given`` replaces them and
        ``preselected`` goes over the defaults: going back through the questions keeps
        what was not asked and offers the earlier answers to what is asked again."""
        from pickenv.rules.service import recommend_for

        return recommend_for(
            ctx,
            cli_rules=self.rules,
            layers=self.layers,
            given=self.given if given is None else given,
            use_defaults=use_defaults,
            ask=ask,
            defaults={**self.defaults(template_defaults), **(preselected or {})},
        )
