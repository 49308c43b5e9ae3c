"""Render `pickenv switch`'s result as text or a versioned JSON envelope: what was read,
the ledger (what was carried where, what was lost or changed), what was written and
removed, the files that still name the old tool, and how to create the environment."""

from __future__ import annotations

from collections.abc import Sequence

from pickenv.existing.ledger import Entry
from pickenv.existing.switch import SwitchResult
from pickenv.formats.files import mask
from pickenv.report.envelope import envelope
from pickenv.report.formats import View
from pickenv.report.paths import kind, named_path, shown_path

ACCEPT = "--accept-losses"
_SHOWN = 12  # requirements listed per group; the JSON lists every one


def result_json(result: SwitchResult, view: View) -> str:
    ledger = result.ledger
    return envelope(
        "switch",
        {
            "path": str(result.path),
            "from": result.old,
            "to": result.new,
            "recommended": result.recommended,
            "dry_run": result.dry_run,
            "refused": result.refused,
            "rerendered": result.rerendered,
            "read": list(result.read),
            "groups": dict(result.groups),
            "ledger": [_entry_json(e) for e in ledger.entries],
            "summary": {s: ledger.count(s) for s in ("carried", "changed", "lost", "added")},
            "blocking": len(ledger.blocking),
            "written": list(result.written),
            "removed": list(result.removed),
            "changes": [{"path": path, "change": kind(code)} for code, path in result.changes],
            "conflicts": list(result.conflicts),
            "references": [
                {"file": f, "line": n, "text": mask(t), "names": what} for f, n, t, what in result.references
            ],
            "old_environment": {"remove": result.old_env} if result.old_env else None,
            "environment": {
                "created": bool(result.created),
                "note": result.env_note,
                "commands": list(result.next),
                "tests": None
                if result.tests is None
                else {
                    "command": result.tests.command,
                    "from": result.tests.source,
                    "passed": result.tests.passed,
                    "output": result.tests.output,
                },
            },
            "diff": mask(result.diff) if result.dry_run else None,
        },
    )


def _entry_json(entry: Entry) -> dict[str, object]:
    return {
        "status": entry.status,
        "what": entry.what,
        "group": entry.group,
        "text": mask(entry.text),
        "from": entry.origin,
        "to": entry.where,
        "why": entry.why,
        "blocking": entry.blocking,
    }


def result_text(result: SwitchResult, view: View) -> str:
    cwd = view.cwd
    where = named_path(result.path, cwd)
    ledger = result.ledger
    if result.refused:
        head = f"Not switched: moving {where} from {result.old} to {result.new} would lose or change"
        lines = [f"{head} {_count(len(ledger.blocking), 'thing')} (listed below). Nothing was changed."]
    else:
        verb = "Would switch" if result.dry_run else "Switched"
        lines = [f"{verb} {where} from {result.old} to {result.new}."]
    if result.recommended and result.recommended != result.new:
        lines.append(
            f"  pickenv recommends {result.recommended} for this project's answers (detect --recommend)"
        )
    if result.rerendered:
        lines.append("  Its template was rendered again for the new tool (README, CI workflow, .gitignore).")
    if result.read:
        lines.append(f"  Read: {', '.join(result.read)}")
    lines += _carried(ledger.entries)
    losses = ledger.blocking
    if losses:
        title = "Lost or changed" if result.refused else "Lost or changed (accepted)"
        lines.append(f"  {title}:")
        lines += [f"    {_line(e)}" for e in losses]
    added = [e for e in ledger.entries if e.status == "added" and not e.blocking]
    if added:
        lines.append("  Also installed now (the new tool installs a group with its includes):")
        lines += [f"    {_line(e)}" for e in added[:_SHOWN]]
        if len(added) > _SHOWN:
            lines.append(f"    and {len(added) - _SHOWN} more")
    would = result.dry_run or result.refused
    if result.written:
        lines.append(f"  {'Would write' if would else 'Wrote'}: {', '.join(result.written)}")
    if result.removed:
        lines.append(f"  {'Would remove' if would else 'Removed'}: {', '.join(result.removed)}")
    if result.conflicts:
        lines.append(f"  Conflicts to resolve (markers in the files): {', '.join(result.conflicts)}")
    if result.refused:
        lines += ["", mask(result.diff).rstrip("\n"), ""] if result.dry_run else [""]
        lines.append(
            f"Nothing was changed. Carry what is listed by hand first, or pass {ACCEPT} to switch without it."
        )
        return "\n".join(lines) + "\n"
    if result.dry_run:
        lines += ["", mask(result.diff).rstrip("\n") or "(no change)", ""]
        lines.append("Nothing was changed (dry run).")
        return "\n".join(lines) + "\n"
    if result.references:
        lines.append(f"  Still naming {result.old} or a removed file (update these by hand):")
        lines += [f"    {f}:{n}: {mask(t)}" for f, n, t, _ in result.references]
    lines += _environment(result)
    lines += ["", "Next:"]
    if result.path != cwd:
        lines.append(f"  {view.platform.join(('cd', shown_path(result.path, cwd)))}")
    if result.conflicts:
        lines.append(f"  # resolve the conflicts, then: git add {' '.join(result.conflicts)}")
    lines.append("  git status    # new files too; review with git diff, then commit")
    if not result.created:
        lines += [f"  {command}" for command in result.next]
    return "\n".join(lines) + "\n"


def _carried(entries: Sequence[Entry]) -> list[str]:
    """Per group, the requirements carried and where to; pins, indexes and notes counted."""
    lines = []
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.status == "carried" and entry.what in ("requirement", "project"):
            groups.setdefault(entry.group, []).append(entry)
    total = sum(len(v) for v in groups.values())
    if not total:
        lines.append("  Carried: no requirements (the old files declare none).")
    else:
        lines.append(f"  Carried into the same groups: {_count(total, 'requirement')}")
    for group, items in sorted(groups.items(), key=lambda kv: (kv[0] != "default", kv[0] != "dev", kv[0])):
        homes = ", ".join(dict.fromkeys(e.where for e in items if e.where))
        shown = ", ".join(e.text for e in items[:_SHOWN])
        more = f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else ""
        lines.append(f"    {group} -> {homes}: {shown}{more}")
    folded = [e for e in entries if e.what == "group" and e.status == "carried"]
    if folded:
        parts = ", ".join(f"{e.text} (into {e.where.replace('group ', '')})" for e in folded)
        lines.append(f"    Folded into the groups that include them (the new files cannot include): {parts}")
    for what, word in (
        ("pin", "pin"),
        ("source", "index"),
        ("index", "per-package index"),
        ("note", "setting"),
    ):
        carried = [e for e in entries if e.status == "carried" and e.what == what]
        if carried:
            homes = ", ".join(dict.fromkeys(e.where for e in carried if e.where))
            lines.append(f"    {_count(len(carried), word)} kept" + (f" ({homes})" if homes else ""))
    return lines


def _line(entry: Entry) -> str:
    if entry.status == "added":
        return (
            f"{entry.group}: {mask(entry.text)} ({entry.where})"
            if entry.where
            else f"{entry.group}: {entry.text}"
        )
    where = f"{entry.origin}: " if entry.origin else ""
    text = mask(entry.text)
    group = f" [{entry.group}]" if entry.group and entry.what in ("requirement", "project", "pin") else ""
    return f"{where}{text}{group} — {entry.why}" if entry.why else f"{where}{text}{group}"


def _environment(result: SwitchResult) -> list[str]:
    lines = []
    if result.created:
        lines.append(f"  Created the {result.new} environment.")
    elif result.env_note:
        lines.append(f"  The environment was not created: {result.env_note}.")
    if result.tests is not None:
        if result.tests.passed:
            lines.append(
                f"  The project's tests passed in it ({result.tests.command}, from {result.tests.source})."
            )
        else:
            lines.append(
                f"  The project's tests failed in it ({result.tests.command}, from {result.tests.source}); "
                "the switch is kept: check whether they failed before too."
            )
            lines.append(f"    {result.tests.output}")
    if result.old_env:
        lines.append(f"  The old {result.old} environment, if any, is kept; remove it with: {result.old_env}")
    return lines


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"
