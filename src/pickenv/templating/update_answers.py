"""The answers a template update works with: which answers file is the project's, what
`--data` may set, and the values for the questions a new version of a team's template
adds (the team's settings live on: ``added_answers``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from pickenv.errors import Fix, ProjectError, UsageError
from pickenv.repo.git import shown
from pickenv.templating.answers import ANSWERS_FILE, read_answers
from pickenv.templating.team import TeamFile


def find_answers_file(project: Path) -> str:
    """The project's copier answers file: ``.copier-answers.yml``, else the one file a
    template's own ``_answers_file`` put elsewhere (``.copier/.copier-answers.yml``,
    ``.copier-answers.acme.yml``). Several (a project made from several templates, as
    copier's ``-a`` allows) must be named."""
    if (project / ANSWERS_FILE).is_file():
        return ANSWERS_FILE
    candidates = sorted(
        str(p.relative_to(project))
        for pattern in (".copier-answers*.y*ml", "copier-answers*.y*ml", ".copier/*.y*ml")
        for p in project.glob(pattern)
        if p.is_file() and not p.is_symlink()
    )
    found = [c for c in candidates if _records_template(project, c)]
    if len(found) > 1:
        raise UsageError(
            f"{shown(project)} holds {len(found)} copier answers files ({', '.join(found)}): "
            "it was made from several templates; name one with --copier-answers",
            fixes=[],
        )
    return found[0] if found else ANSWERS_FILE


def _records_template(project: Path, name: str) -> bool:
    try:
        return "_src_path" in read_answers(project, name)
    except ProjectError:
        return False


def refuse_unknown(
    data: Mapping[str, object], answers: Mapping[str, object], asked: Sequence[str] | None
) -> None:
    """`--data` changes a recorded answer or answers a question the new version adds."""
    from pickenv.templating.offer import suggestion

    known = [k for k in answers if not k.startswith("_")] + [q for q in asked or () if q not in answers]
    for name in data:
        if name not in known or name.startswith("_"):
            raise UsageError(
                f"the project records no answer {name!r}, and the template's new version asks no such "
                f"question{suggestion(name, known)}",
                fixes=[Fix.TEMPLATE_QUESTIONS],
                facts={"questions": ", ".join(sorted(known)) or "none"},
            )


def added_answers(
    team: TeamFile | None,
    data: Mapping[str, object],
    answers: Mapping[str, object],
    asked: Sequence[str],
    project: Path,
    answers_file: str = ANSWERS_FILE,
) -> dict[str, tuple[object, str]]:
    """Values for the questions the new version asks that the project records no answer
    to, and where each comes from (questions nobody has a value for take the template's
    default, as copier's update gives them). The team's settings live on: its `data`,
    its fixed answers, pickenv's answers recorded aside when the project was made, then
    the team's defaults."""
    from pickenv.templating.answers import pickenv_answers_name, read_pickenv_answers

    new = [q for q in asked if q not in answers and q not in data]
    if not new:
        return {}
    mapping = dict(team.questions) if team else {}
    to_ours = {theirs: ours for ours, theirs in mapping.items()}
    aside = read_pickenv_answers(project, pickenv_answers_name(answers_file))
    out: dict[str, tuple[object, str]] = {}
    for question in new:
        ours = to_ours.get(question, question)
        if team and question in team.data:
            out[question] = (team.data[question], f"the team file {team.path}, data")
        elif team and ours in team.answers:
            out[question] = (_plain(team.answers[ours]), f"the team file {team.path}, answers")
        elif ours in aside:
            out[question] = (aside[ours], "pickenv's answers when the project was made")
        elif team and ours in team.defaults:
            out[question] = (_plain(team.defaults[ours]), f"the team file {team.path}, defaults")
    return out


def _plain(value: object) -> object:
    """A questionnaire answer as a template takes it (a version as its text)."""
    from pickenv.questionnaire.questions import format_value

    return value if isinstance(value, bool | str) else format_value(value)  # type: ignore[arg-type]
