"""What `pickenv new` is asked to make: the request, and the answers a template gets
from it (all of them for pickenv's own; a team template only those it asks, by its
own names: ``templating.offer``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pickenv.creation.name import ProjectName
from pickenv.creation.placement import Destination
from pickenv.questionnaire.questions import Value
from pickenv.templating.offer import Offer
from pickenv.templating.source import TemplateSource
from pickenv.tools.base import EnvTool
from pickenv.versions import PythonVersion


@dataclass(frozen=True)
class NewRequest:
    name: ProjectName
    destination: Destination
    template: TemplateSource
    answers: Mapping[str, Value]  # the questionnaire's, complete
    tool: EnvTool
    recommended: str  # what the rules recommended
    reasons: tuple[str, ...]  # why this tool (written to the project's README)
    description: str
    author: str
    license: str
    create_env: bool
    python: str | None  # an interpreter given by the user
    dry_run: bool
    # A team template: how pickenv's answers meet its questions (None: pickenv's own
    # template, which takes them all), values for its own questions, whether the user
    # trusted what it runs, whether copier may ask, and whether its tasks are skipped.
    offer: Offer | None = None
    extra_data: Mapping[str, str] = field(default_factory=dict)
    trusted: bool = False
    ask_template: bool = False
    force: bool = False  # --force: an existing, non-empty destination takes the files
    # The user trusts the template (--trust, a trust list) even if it runs nothing: its
    # links may then lead outside the project (copier's _preserve_symlinks).
    trust_links: bool = False
    skip_tasks: bool = False
    tasks: bool = False  # the template has tasks (run in the project's folder once it is in place)
    answers_file: str | None = None  # the template's own `_answers_file`
    # pickenv's fields nobody gave (its defaults): not recorded aside as if decided
    unrecorded: frozenset[str] = frozenset()

    @property
    def version(self) -> PythonVersion:
        return PythonVersion.parse(str(self.answers["python_version"]))

    @property
    def locked(self) -> bool:
        """A lock file was asked for and the tool can write one for this target."""
        return bool(self.answers["lockfile"]) and self.tool.can_lock(self.version)


def template_data(request: NewRequest, record: Mapping[str, str] | None = None) -> dict[str, object]:
    """The copier answers: every questionnaire answer plus the project's own, and what
    the answers file records as the template (see ``project.history``). A team
    template gets the answers to the questions it declares, and its own (--data)."""
    data = _all_data(request, record)
    if request.offer is None:  # the built-in template: its own questions pickenv does not ask
        return {**data, **request.extra_data}
    return {**request.offer.data(data), **request.extra_data}


def kept_aside(request: NewRequest) -> dict[str, object]:
    """pickenv's answers a team template does not take (see ``templating.offer``)."""
    if request.offer is None:
        return {}
    data = _all_data(request, None)
    ours = {k: v for k, v in data.items() if k not in ("template_record", "reasons", *request.unrecorded)}
    return request.offer.kept_aside(ours)


def _all_data(request: NewRequest, record: Mapping[str, str] | None) -> dict[str, object]:
    return {
        "template_record": dict(record or {}),
        **dict(request.answers),
        "project_name": request.name,
        "description": request.description,
        "author": request.author,
        "license": request.license,
        "tool": request.tool.name,
        "reasons": list(request.reasons),
    }
