"""Render a fleet check (`pickenv update --check` over many projects) as a table, a
markdown table for a CI job's summary, or a versioned JSON envelope."""

from __future__ import annotations

from pickenv.report.envelope import envelope
from pickenv.report.formats import View
from pickenv.report.paths import shown_location
from pickenv.templating.fleet import Fleet, FleetRow

_HEADER = ("project", "status", "at", "update to", "template")


def fleet_json(fleet: Fleet, view: View) -> str:
    return envelope(
        "fleet",
        {
            "projects": [
                {
                    "project": row.project,
                    "status": row.status,
                    "template": row.template,
                    "at": row.at,
                    "target": row.target,
                    "behind": row.behind,
                    "pinned": row.pinned,
                    "reason": row.reason,
                }
                for row in fleet.rows
            ],
            "counts": {s: fleet.count(s) for s in ("current", "behind", "ahead", "unreadable")},
        },
    )


def _status(row: FleetRow) -> str:
    if row.status == "behind":
        return f"behind by {row.behind}"
    if row.status == "ahead":
        return "ahead of the pin"
    return row.status


def _cells(row: FleetRow, view: View) -> tuple[str, ...]:
    """A row as shown: local paths relative to where the command ran."""

    def where(location: str) -> str:
        return shown_location(location, view.cwd)

    if row.status == "unreadable":
        return (where(row.project), "unreadable", "", "", row.reason)
    target = f"{row.target} (pinned)" if row.pinned else row.target
    return (where(row.project), _status(row), row.at, target, where(row.template))


def _summary(fleet: Fleet) -> str:
    parts = [f"{fleet.count(s)} {s}" for s in ("current", "behind", "ahead", "unreadable") if fleet.count(s)]
    count = len(fleet.rows)
    return f"{count} project{'' if count == 1 else 's'}: {', '.join(parts) or 'none'}."


def fleet_text(fleet: Fleet, view: View) -> str:
    rows = [_HEADER, *(_cells(row, view) for row in fleet.rows)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(_HEADER) - 1)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(r, widths, strict=False)) + "  " + r[-1]
        for r in rows
    ]
    return "\n".join([*(line.rstrip() for line in lines), _summary(fleet)]) + "\n"


def fleet_markdown(fleet: Fleet, view: View) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [f"| {' | '.join(_HEADER)} |", f"|{' --- |' * len(_HEADER)}"]
    lines += [f"| {' | '.join(cell(c) for c in _cells(row, view))} |" for row in fleet.rows]
    return "\n".join(["## Template updates", "", *lines, "", _summary(fleet)]) + "\n"
