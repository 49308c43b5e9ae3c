"""Render `pickenv switch`'s result as text or a versioned JSON envelope."""

from __future__ import annotations

import shlex
from pathlib import Path

from pickenv.project.switch import SwitchResult
from pickenv.report.envelope import envelope
from pickenv.report.new import shown_path
from pickenv.report.update import kind


def result_json(result: SwitchResult) -> str:
    return envelope(
        "switch",
        {
            "path": str(result.path),
            "from": result.old,
            "to": result.new,
            "dry_run": result.dry_run,
            "rerendered": result.rerendered,
            "dependencies": [
                {"name": d.name, "requirement": d.requirement, "group": d.group, "from": d.origin}
                for d in result.dependencies
            ],
            "written": [
                {"file": f, "requirement": d.requirement, "group": d.group} for f, d in result.written
            ],
            "removed": list(result.removed),
            "changes": [{"path": path, "change": kind(code)} for code, path in result.changes],
            "conflicts": list(result.conflicts),
            "unused": list(result.unused),
            "not_carried": [{"from": x.origin, "text": x.text, "why": x.why} for x in result.leftovers],
            "old_environment": {"remove": result.old_env} if result.old_env else None,
            "environment": {
                "created": bool(result.created),
                "note": result.env_note,
                "commands": list(result.next),
            },
            "diff": result.diff if result.dry_run else None,
        },
    )


def result_text(result: SwitchResult, cwd: Path) -> str:
    where = shown_path(result.path, cwd)
    where = result.path.name if where == "." else where
    verb = "Would switch" if result.dry_run else "Switched"
    lines = [f"{verb} {where} from {result.old} to {result.new}."]
    if result.rerendered:
        lines.append("  Its template was rendered again for the new tool (README, CI workflow, .gitignore).")
    count, moved = len(result.dependencies), len({d.name for _, d in result.written})
    packages = f"{count} package{'s' * (count != 1)}"
    if not count:
        lines.append("  Dependencies: none declared.")
    elif not moved:
        lines.append(f"  Dependencies: {packages}, all declared by the new files already.")
    elif moved == count:
        lines.append(
            f"  Dependencies: {packages}, {'to be ' if result.dry_run else ''}written into the new files:"
        )
    else:
        wrote = "would write" if result.dry_run else "wrote"
        lines.append(
            f"  Dependencies: {packages}; the new files declare {count - moved} already, "
            f"pickenv {wrote} the other {moved}:"
        )
    for file, dep in result.written:
        lines.append(f"    {file}: {dep.requirement} ({dep.group}, from {dep.origin})")
    if result.removed:
        lines.append(f"  Removed: {', '.join(result.removed)}")
    if result.conflicts:
        lines.append(f"  Conflicts to resolve (markers in the files): {', '.join(result.conflicts)}")
    if result.unused:
        lines.append(
            f"  No longer read: {', '.join(result.unused)} (its packages moved; remove it when nothing "
            "else reads it)"
        )
    if result.leftovers:
        lines.append("  Not carried, move these by hand:")
        lines += [
            f"    {x.origin}: {x.text} — {x.why}" if x.text else f"    {x.origin} — {x.why}"
            for x in result.leftovers
        ]
    if result.dry_run:
        lines += ["", result.diff.rstrip("\n") or "(no change)", ""]
        lines.append("Nothing was changed (dry run).")
        return "\n".join(lines) + "\n"
    if result.created:
        lines.append(f"  Created the {result.new} environment and ran the project's tests in it.")
    elif result.env_note:
        lines.append(f"  The environment was not created: {result.env_note}.")
    if result.old_env:
        lines.append(f"  The old {result.old} environment, if any, is kept; remove it with: {result.old_env}")
    lines += ["", "Next:"]
    if result.path != cwd:
        lines.append(f"  cd {shlex.quote(shown_path(result.path, cwd))}")
    if result.conflicts:
        lines.append(f"  # resolve the conflicts, then: git add {' '.join(result.conflicts)}")
    lines.append("  git diff    # review, then commit")
    if not result.created:
        lines += [f"  {command}" for command in result.next]
    return "\n".join(lines) + "\n"
