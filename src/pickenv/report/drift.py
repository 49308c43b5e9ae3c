"""Render `pickenv diff` (a project's drift from its template) and `pickenv adopt` as
text or a versioned JSON envelope."""

from __future__ import annotations

from pickenv.report.envelope import envelope
from pickenv.report.formats import View
from pickenv.report.paths import named_path, shown_location
from pickenv.templating.adopt import Adopted
from pickenv.templating.drift import Drift


def _drift_data(result: Drift) -> dict[str, object]:
    return {
        "path": str(result.path),
        "template": result.template,
        "version": result.version,
        "drifted": result.drifted,
        "files": [{"path": f.path, "change": f.change, "diff": f.diff} for f in result.files],
        "same": result.same,
        "own": result.own,
    }


def drift_json(result: Drift, view: View) -> str:
    return envelope("diff", _drift_data(result))


def _summary(result: Drift) -> str:
    changed = sum(1 for f in result.files if f.change != "deleted")
    deleted = len(result.files) - changed
    return (
        f"{changed} changed, {deleted} deleted, {result.same} as the template has them; "
        f"{result.own} file{'' if result.own == 1 else 's'} of the project's own"
    )


def drift_text(result: Drift, view: View) -> str:
    where = named_path(result.path, view.cwd)
    template = shown_location(result.template, view.cwd)
    head = f"{where} against its template {template} at {result.version}: {_summary(result)}."
    if view.quiet:
        return "".join(f"{f.change}: {f.path}\n" for f in result.files)
    lines = [head]
    for item in result.files:
        if item.change == "changed":
            lines.append(item.diff.rstrip("\n"))
        else:
            lines.append(
                f"{item.change}: {item.path}" + (" (differs; not text)" if item.change == "binary" else "")
            )
    return "\n".join(lines) + "\n"


def adopted_json(result: Adopted, view: View) -> str:
    return envelope(
        "adopt",
        {
            "path": str(result.path),
            "answers_file": result.answers_file,
            "answers": dict(result.answers),
            "drift": _drift_data(result.drift),
        },
    )


def adopted_text(result: Adopted, view: View) -> str:
    where = named_path(result.path, view.cwd)
    drift = result.drift
    lines = [f"Linked {where} to {drift.template} at {drift.version} ({result.answers_file})."]
    lines += [f"  {question}: {value}" for question, value in result.answers]
    lines.append(f"Against that version: {_summary(drift)}.")
    lines.append("Next:")
    trust = " --trust" if result.trusted else ""  # its Jinja extensions need the same consent
    lines.append(
        f"  pickenv diff{trust}      # what differs, file by file" if drift.drifted else "  # nothing differs"
    )
    lines.append(
        f"  git add {result.answers_file} && git commit -m 'Follow {drift.template} {drift.version}'"
    )
    lines.append("  pickenv update --check")
    return "\n".join(lines) + "\n"
