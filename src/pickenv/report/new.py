"""Render `pickenv new`'s result as text or a versioned JSON envelope."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pickenv.creation.create import NewResult
from pickenv.creation.placement import MERGE_SUFFIX
from pickenv.errors import Fix
from pickenv.report.envelope import envelope
from pickenv.report.formats import View
from pickenv.report.paths import shown_path


@dataclass(frozen=True)
class Made:
    """A new project, and the command that makes it again without questions ("" when
    nothing was asked)."""

    result: NewResult
    repeat: str = ""


def result_json(made: Made, view: View) -> str:
    result, repeat, wording = made.result, made.repeat, view.wording
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
            "template": {
                "source": result.template,
                "updatable": result.updatable,
                "owns_tool": result.tool_by_template,
            },
            "command": repeat,
            "timings": {name: round(seconds, 3) for name, seconds in result.timings},
        },
    )


def _note(result: NewResult, wording: Mapping[Fix, str]) -> str:
    env = result.environment
    if env.fix is None:
        return env.note
    return f"{env.note} ({wording.get(env.fix, env.fix.value).format(**dict(env.fix_facts))})"


def result_text(made: Made, view: View) -> str:
    result, repeat, wording, verbose = made.result, made.repeat, view.wording, view.verbose
    if view.quiet:  # what a script needs: the project's (absolute) path
        return f"{result.path}\n"
    where = shown_path(result.path, view.cwd)
    chosen = (
        result.tool
        if result.tool == result.recommended
        else f"{result.tool} (recommended: {result.recommended})"
    )
    if result.tool_by_template:  # not pickenv's choice: say whose it is
        tool = f"{result.tool}, which" if result.tool else "the environment tool"
        chosen = f"{tool} its template sets up (pickenv recommends {result.recommended})"
    env = result.environment
    if result.dry_run:
        lines = [f"Dry run: would create {where} for {chosen} ({len(result.files)} files):"]
        lines += [f"  {f}" for f in result.files]
        lines.append(
            "Commands that create the environment"
            + (" (--create-env runs them):" if not env.requested else ":")
        )
        lines += [f"  {view.platform.join(('cd', where))}", *(f"  {c}" for c in env.commands[1:])]
        lines.append("Nothing was written.")
        return "\n".join(lines) + "\n"
    lines = [f"Created {where} for {chosen} ({len(result.files)} files)."]
    if not result.tool_by_template:  # the reasons are for pickenv's choice
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
    lines.append(f"  {view.platform.join(('cd', where))}")
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
