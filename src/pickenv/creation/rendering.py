"""Rendering `pickenv new`'s project: the template into the staging folder, pickenv's
answers a team template does not ask recorded beside its files, and the template's
tasks run where the project finally is (a task that writes the project's path must
see that path), with what they make recorded as pickenv's for a rollback."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pickenv.creation.ownership import signals_deferred
from pickenv.creation.placement import Placement, refuse_outside_links
from pickenv.creation.request import NewRequest, kept_aside
from pickenv.templating.answers import pickenv_answers_name, pickenv_answers_text
from pickenv.templating.render import render, run_tasks


def tasks_in_place(request: NewRequest, data: Mapping[str, object], placement: Placement) -> list[str]:
    """Run the template's tasks where the project now is; what they add is recorded as
    pickenv's (the user allowed them), so that a later failure takes it back too.
    Returns the files they added (not those in a repository they made)."""
    destination = placement.destination
    before = set(_entries(destination))
    ours = {path for path in before if placement.ledger.owns(path)}
    added: list[str] = []
    try:
        run_tasks(request.template, data, destination)
    finally:  # a task that failed half-way: what it made is taken back with the rest
        with signals_deferred():
            for path in _entries(destination):  # parents first: a rollback empties them first
                # New, or one of pickenv's files a task rewrote (fastapi's fills .env in):
                # the tasks' work is pickenv's, as the render's is.
                if (path not in before or path in ours) and not placement.ledger.owns(path):
                    placement.ledger.record(path)
                    if path in before:
                        continue
                    relative = path.relative_to(destination)
                    if path.is_file() and ".git" not in relative.parts:
                        added.append(str(relative))
    return added


def answers_recorded(request: NewRequest, project: Path) -> dict[str, object]:
    """The answers the render recorded, as copier reads them back (``_`` keys left out)."""
    from pickenv.templating.answers import read_answers

    name = str(request.answers_file or ".copier-answers.yml")
    if "{{" in name or not (project / name).is_file():
        return {}
    return {k: v for k, v in read_answers(project, name).items() if not k.startswith("_")}


def _entries(root: Path) -> list[Path]:
    found = []
    for folder, dirs, files in os.walk(root):  # never into a link
        dirs.sort()
        found += [Path(folder, name) for name in [*dirs, *sorted(files)]]
    return found


def render_project(
    request: NewRequest,
    data: Mapping[str, object],
    target: Path,
    *,
    tasks: bool,
    cache_dir: Path | None = None,
) -> str:
    """Render into ``target``, and refuse links out of the project nobody trusted. What
    a team template does not ask is recorded beside its files (``templating.offer``).
    Returns the tool of a template that owns it, as its files say ("" otherwise)."""
    render(request.template, data, target, trusted=request.trusted, ask=request.ask_template,
           skip_tasks=not tasks, cache_dir=cache_dir)  # fmt: skip
    if not (request.trusted or request.trust_links):
        refuse_outside_links(target, request.template.location)
    aside = kept_aside(request)
    record = target / pickenv_answers_name(request.answers_file)
    if aside and not record.exists():  # a template of its own may write one
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(pickenv_answers_text(aside), encoding="utf-8")
    if request.offer is None or not request.offer.owns_tool:
        return ""
    from pickenv.existing.detect import detect

    return detect(target, answers=False).tool or ""
