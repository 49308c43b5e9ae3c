"""`pickenv adopt`'s service: link a project made without pickenv (by hand, or from a
template that was never recorded) to a template version, as cruft's `link` does, so
that `pickenv update` and `pickenv diff` work on it from then on.

The answers are those copier itself records: the template is rendered at the version
(tasks skipped) into a scratch folder with the answers given (`--data`, the team
file's data and fixed answers) and the ones pickenv reads from the project (its name,
Python version, tool: ``existing.infer``) offered to the questions that ask them
(``templating.offer``); the render's answers file is the one written. It is the only
file written, atomically; the project's own files are compared with the render and
counted (``templating.drift``), never changed.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from pickenv.context import Context
from pickenv.errors import ProjectError, UsageError
from pickenv.repo.git import shown
from pickenv.templating.answers import pickenv_answers_name
from pickenv.templating.drift import Drift, compare
from pickenv.templating.render import render
from pickenv.templating.team import TeamFile
from pickenv.templating.update_answers import find_answers_file


@dataclass(frozen=True)
class Adopted:
    path: Path
    answers_file: str  # written, relative to the project
    answers: tuple[tuple[str, str], ...]  # (question, value) recorded
    drift: Drift  # how the project differs from that version
    trusted: bool = False  # its Jinja extensions were allowed (diff needs the same)


def adopt(
    project: Path,
    given: str,
    ref: str | None,
    ctx: Context,
    *,
    data: Mapping[str, str],
    team: TeamFile | None = None,
    allow: Callable[[tuple[str, ...], str], bool] = lambda unsafe, location: False,
) -> Adopted:
    from pickenv.existing.detect import detect
    from pickenv.questionnaire.questions import format_value
    from pickenv.templating.offer import offer_of, refuse_unknown_data
    from pickenv.templating.source import inspect, resolve_source
    from pickenv.tools import tool_names

    if not project.is_dir():
        raise ProjectError(f"{shown(project)} is not a folder", fixes=[])
    existing = find_answers_file(project)
    if (project / existing).is_file():
        raise ProjectError(
            f"{shown(project)} is already linked to a template ({existing}): "
            "`pickenv update` and `pickenv diff` work on it",
            fixes=[],
        )
    source = resolve_source(given, ref, ctx)
    if not source.updatable:
        raise UsageError(f"the template {given} is a plain folder: a project cannot follow its versions")
    info = inspect(source, ctx)
    source = replace(source, ref=info.ref)
    refuse_unknown_data(data, info.questions, "--data", source.location)
    offer = offer_of(info, team.questions if team else {}, tool_names())
    inferred = detect(project).inferred.answers
    ours: dict[str, object] = {
        k: v if isinstance(v, bool | str) else format_value(v) for k, v in inferred.items()
    }
    ours["project_name"] = project.name
    if team:
        ours.update({k: v if isinstance(v, bool | str) else format_value(v) for k, v in team.answers.items()})
    team_data = {k: v for k, v in (team.data if team else {}).items() if k in info.questions}
    answers = {**offer.data(ours), **team_data, **data}
    unsafe = tuple(u for u in info.unsafe if u.startswith("Jinja extension"))
    trusted = bool(unsafe) and allow(unsafe, source.location)
    name = str(info.config.get("_answers_file") or ".copier-answers.yml")
    with tempfile.TemporaryDirectory(prefix="pickenv-adopt-") as scratch:
        rendered = Path(scratch)
        render(source, answers, rendered, trusted=trusted, skip_tasks=True)
        if not (rendered / name).is_file():
            raise ProjectError(
                f"the template {source.location} writes no answers file ({name}): nothing can follow it",
                fixes=[],
            )
        text = (rendered / name).read_bytes()
        found = compare(
            project, rendered, source.location, info.ref or "", {name, pickenv_answers_name(name)}
        )
    _write_new(project / name, text)
    from pickenv.templating.answers import read_answers

    recorded = read_answers(project, name)
    shown_answers = tuple((k, str(v)) for k, v in recorded.items() if not k.startswith("_"))
    return Adopted(project, name, shown_answers, found, trusted)


def _write_new(path: Path, content: bytes) -> None:
    """Write a file that must not exist, all or nothing (a temporary file renamed over
    nothing: never over a file that appeared meanwhile)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".pickenv-tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.link(temporary, path)  # fails if the path exists: never replaces the user's file
    finally:
        os.unlink(temporary)
