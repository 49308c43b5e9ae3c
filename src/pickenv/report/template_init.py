"""Render `pickenv template init`'s result as text (what was made, and what to run next)
or a versioned JSON envelope."""

from __future__ import annotations

from pickenv import __version__
from pickenv.report.envelope import envelope
from pickenv.report.formats import View
from pickenv.report.paths import shown_path
from pickenv.templating.scaffold import TemplateInit


def init_json(result: TemplateInit, view: View) -> str:
    return envelope(
        "template-init",
        {
            "path": str(result.path),
            "name": result.name,
            "team_file": str(result.team_file),
            "template": {"source": result.source, "ref": result.tag},
            "files": list(result.files),
            "git": {
                "repository": result.repository,
                "existing": result.existing_repository,
                "branch": result.branch or None,
                "commit": result.commit or None,
                "tag": result.tag if result.repository else None,
                "note": result.git,
            },
        },
    )


def init_text(result: TemplateInit, view: View) -> str:
    if view.quiet:  # what a script needs: the template's (absolute) path
        return f"{result.path}\n"
    where = shown_path(result.path, view.cwd)
    team = shown_path(result.team_file, view.cwd)
    lines = [
        f"Created the {result.name} template in {where} ({len(result.files)} files), "
        f"from pickenv {__version__}'s own template.",
        f"Team file: {team} (it pins this template at {result.tag}).",
        f"Git: {result.git}.",
        "Next:",
    ]
    join = view.platform.join
    if not result.repository:
        message = f"Template from pickenv {__version__}"
        lines += [
            "  # install git, then make it a repository with its first version:",
            f"  {join(('cd', where))}",
            f"  git init -b main && git add -A && {join(('git', 'commit', '-m', message))} && "
            f"{join(('git', 'tag', '-a', result.tag, '-m', message))}",
        ]
        return "\n".join(lines) + "\n"
    lines += [
        f"  {join(('pickenv', 'template', 'check', where))}",
        f"  {join(('pickenv', 'new', 'myproject', '--team', team, '--defaults'))}",
        f"  {join(('cd', where))}  # change it, then tag the next version: see TEAM-README.md",
    ]
    return "\n".join(lines) + "\n"
