"""Render `pickenv update`'s result as text or a versioned JSON envelope."""

from __future__ import annotations

from pickenv.repo.git import shown
from pickenv.report.envelope import envelope
from pickenv.report.formats import View
from pickenv.report.paths import kind, named_path
from pickenv.templating.update import UpdateResult


def result_json(result: UpdateResult, view: View) -> str:
    return envelope(
        "update",
        {
            "path": str(result.path),
            "template": result.template,
            "from": result.old,
            "to": result.new,
            "available": result.available,
            "checked": result.checked,
            "linked": result.linked,
            "changes": [{"path": path, "change": kind(code)} for code, path in result.changes],
            "conflicts": list(result.conflicts),
            "rejects": list(result.rejects),
            "added": [{"question": q, "value": v, "from": o} for q, v, o in result.added],
            "notes": list(result.notes),
        },
    )


def result_text(result: UpdateResult, view: View) -> str:
    cwd = view.cwd
    where = named_path(result.path, cwd)
    said = shown(where)  # one line, even for a folder whose name has a line break
    notes = [f"Note: {note}." for note in result.notes]
    if not result.available and not result.changes:
        return "\n".join([f"{said} is up to date: template {result.new}.", *notes]) + "\n"
    verb = "would change" if result.checked else "changed"
    if result.available:
        head = (
            f"An update is available for {said}: template {result.old} -> {result.new}."
            if result.checked
            else f"Updated {said} from template {result.old} to {result.new}."
        )
    else:
        head = f"{'Would update' if result.checked else 'Updated'} {said}'s answers (template {result.new})."
    lines = [head, *notes]
    if result.linked:
        linked = "It would be linked" if result.checked else "It is now linked"
        lines.append(f"  {linked} to pickenv's template history ({result.template}).")
    for question, value, origin in result.added:
        lines.append(f"  New question {question}: {value} ({origin})")
    lines.append(f"Files it {verb}:" if result.changes else f"It {verb} no file.")
    lines += [f"  {kind(code):9} {path}" for code, path in result.changes]
    conflicts = "would conflict" if result.checked else "conflict"
    if result.conflicts:
        lines.append(f"Files where your edits and the template's {conflicts}:")
        lines += [f"  {path}" for path in result.conflicts]
    if result.rejects:
        applied = "would not apply" if result.checked else "did not apply"
        lines.append(f"Changes that {applied}, beside their file:")
        lines += [f"  {path}" for path in result.rejects]
    lines.append("Next:")
    if result.checked:
        words = ("pickenv", "update") if result.path == cwd else ("pickenv", "update", where)
        lines.append(f"  {view.platform.join((*words, *result.again))}")
    else:
        if result.conflicts:
            lines.append("  # resolve each <<<<<<< ... >>>>>>> block in those files, then git add them")
        if result.rejects:
            lines.append("  # apply each FILE.rej by hand, then delete it")
        lines.append("  git diff HEAD      # review")
        lines.append(f"  git add -A && git commit -m 'Update to template {result.new}'")
    return "\n".join(lines) + "\n"


def result_markdown(result: UpdateResult, view: View) -> str:
    """One project's check or update for a CI summary: the text report, as a block."""
    return f"## Template update\n\n```text\n{result_text(result, view)}```\n"
