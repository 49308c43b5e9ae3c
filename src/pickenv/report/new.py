"""Render `pickenv new`'s result as text or a versioned JSON envelope."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from pathlib import Path

from pickenv.creation.create import NewResult
from pickenv.creation.placement import MERGE_SUFFIX
from pickenv.errors import Fix
from pickenv.report.envelope import envelope


def result_json(result: NewResult, wording: Mapping[Fix, str], repeat: str = "") -> str:
    env = result.environment
    return envelope(
        "new",
        {
            "path": str(result.path),
            "tool": result.tool,
            "recommended": result.recommended,
            "reasons": list(result.reasons),
            "dry_run": result.dry_run,
            "files": list(result.files),
            "kept": list(result.kept),
            "merge": list(result.merge),
            "environment": {
                "requested": env.requested,
                "created": env.created,
                "note": _note(result, wording),
                "commands": list(env.commands),
                "steps": [
                    {"title": s.title, "command": s.command, "seconds": round(s.seconds, 3)}
                    for s in env.steps
                ],
            },
            "git": result.git,
            "template": {"source": result.template, "updatable": result.updatable},
            "command": repeat,
            "timings": {name: round(seconds, 3) for name, seconds in result.timings},
        },
    )


def _note(result: NewResult, wording: Mapping[Fix, str]) -> str:
    env = result.environment
    if env.fix is None:
        return env.note
    return f"{env.note} ({wording.get(env.fix, env.fix.value).format(**dict(env.fix_facts))})"


def shown_path(path: Path, cwd: Path) -> str:
    """The project's path as the user can type it from where they stand."""
    try:
        return str(path.relative_to(cwd)) or "."
    except ValueError:
        return str(path)


def result_text(
    result: NewResult, verbose: bool, wording: Mapping[Fix, str], cwd: Path, repeat: str = ""
) -> str:
    where = shown_path(result.path, cwd)
    chosen = (
        result.tool
        if result.tool == result.recommended
        else f"{result.tool} (recommended: {result.recommended})"
    )
    env = result.environment
    if result.dry_run:
        lines = [f"Dry run: would create {where} for {chosen} ({len(result.files)} files):"]
        lines += [f"  {f}" for f in result.files]
        lines.append(
            "Commands that create the environment"
            + (" (--create-env runs them):" if not env.requested else ":")
        )
        lines += [f"  cd {shlex.quote(where)}", *(f"  {c}" for c in env.commands[1:])]
        lines.append("Nothing was written.")
        return "\n".join(lines) + "\n"
    lines = [f"Created {where} for {chosen} ({len(result.files)} files)."]
    lines += [f"  why: {reason}" for reason in result.reasons]
    if result.kept:
        lines.append(f"Kept {len(result.kept)} existing files unchanged: {', '.join(result.kept)}")
    for name in result.merge:
        lines.append(
            f"  merge: pickenv's {name} is beside yours as {name}{MERGE_SUFFIX}; the steps below need it"
        )
    if env.created:
        lines.append("Environment created; the project is installed and its tests pass.")
    elif env.requested:
        lines.append(f"Environment not created: {_note(result, wording)}")
    if verbose:
        lines += [f"  {title}: {seconds:.2f}s" for title, seconds in result.timings]
    lines.append(f"Git: {result.git}.")
    if not result.updatable:
        lines.append(
            f"Its template {result.template} is a plain folder, not a git repository with version "
            "tags: the project cannot be updated from it."
        )
    lines.append("Next:")
    lines.append(f"  cd {shlex.quote(where)}")
    lines += [f"  # first merge {name}{MERGE_SUFFIX} into {name}" for name in result.merge]
    if env.created:
        lines.append(f"  {env.activate}")
    elif len(env.commands) > 1:
        lines += [f"  {c}" for c in env.commands[1:]]
    else:
        lines.append("  # set it up as its README says")
    if repeat:
        lines.append(f"The same project without questions: {repeat}")
    return "\n".join(lines) + "\n"
