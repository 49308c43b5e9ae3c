"""`pickenv adopt [PATH] --template SOURCE`: link a project made without pickenv to a
template version (``templating.adopt``), so that `update` and `diff` work on it."""

from __future__ import annotations

import argparse

from pickenv.commands import Outcome, result_of
from pickenv.commands.new_template import data_pairs
from pickenv.commands.options import Examples, add_format, add_project_path, team_of
from pickenv.commands.terminal import Terminal
from pickenv.commands.trust import add_trust, consent
from pickenv.context import Context
from pickenv.errors import EXIT_OK, UsageError

NAME = "adopt"
HELP = "link a project made without pickenv to a template version, for `update` and `diff`"
DESCRIPTION = (
    "Record which template (and which version of it) a project follows, as if it had been made "
    "from it: the template is rendered with the answers given (--data, the team file) and those "
    "pickenv reads from the project, and copier's answers file of that render is the one file "
    "written. Then `pickenv diff` shows how the project differs, and `pickenv update` brings "
    "newer versions."
)
EXAMPLES: Examples = (
    (
        "link this project to the team template's v1.2.0",
        "pickenv adopt --template gh:acme/python-template --template-ref v1.2.0",
    ),
    ("link it to the team file's template, at its pin", "pickenv adopt --team acme-team.yaml"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_project_path(parser)
    parser.add_argument("--template", metavar="SOURCE", help="the template: a git URL, or a local repository")
    parser.add_argument(
        "--template-ref", metavar="REF", help="the version the project matches (default: the newest tag)"
    )
    parser.add_argument(
        "--team", metavar="FILE_OR_URL", help="a team file: its template and pin, data and fixed answers"
    )
    parser.add_argument(
        "--data",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="answer one of the template's questions (repeatable)",
    )
    add_trust(parser)
    add_format(parser, "adopt")


def run(args: argparse.Namespace, ctx: Context, terminal: Terminal) -> Outcome:
    from pickenv.templating.adopt import adopt

    team = team_of(args, ctx)
    given = args.template or (team.template if team else None)
    if not given:
        raise UsageError("adopt needs --template SOURCE (or a team file with a template)")
    ref = args.template_ref or (team.ref if team and not args.template else None)
    with terminal.activity(prompts=terminal.interactive and not args.trust) as activity:
        activity.step(f"Rendering {given}")
        result = adopt(
            (ctx.cwd / args.path).resolve(),
            given,
            ref,
            ctx,
            data=data_pairs(args.data),
            team=team,
            allow=lambda unsafe, location: consent(unsafe, location, args, ctx, terminal),
        )
    return result_of("adopt", result, EXIT_OK, changed=True)
