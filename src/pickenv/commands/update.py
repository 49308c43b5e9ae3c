"""`pickenv update [PATH]`: bring a project to the newest version of its template
(``project.update.update_project``), or with --check only say whether one exists."""

from __future__ import annotations

import argparse

from pickenv.commands import Outcome, result_of
from pickenv.commands.new_template import data_pairs
from pickenv.commands.options import Examples, add_format, add_project_path, team_of
from pickenv.commands.terminal import Terminal
from pickenv.commands.trust import add_trust, consent
from pickenv.context import Context
from pickenv.errors import EXIT_OK, EXIT_UPDATE_AVAILABLE

NAME = "update"
HELP = "update a project made by pickenv (or from a team template) to its template's newest version"
DESCRIPTION = (
    "Bring a project made by `pickenv new` (or from a team's copier template) to the newest "
    "version of its template, or to --to VERSION, keeping your own changes as copier's update "
    "does. The project must be a clean git work tree. --check changes nothing and says whether "
    "there is an update."
)
EXAMPLES: Examples = (
    ("is a newer template out? (exit 13 if so)", "pickenv update --check"),
    ("update the project in ./myproject", "pickenv update myproject"),
    ("update, and change a recorded answer with it", "pickenv update --data 'description=A better one'"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_project_path(parser)
    parser.add_argument(
        "--to", metavar="VERSION", help="update to this version of the template (default: the newest)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help=f"change nothing: show what an update changes; exit {EXIT_UPDATE_AVAILABLE} if there is one",
    )
    parser.add_argument(
        "--conflict",
        choices=("inline", "rej"),
        default="inline",
        help="where a conflict goes: markers in the file (default) or a FILE.rej beside it",
    )
    parser.add_argument(
        "--team", metavar="FILE_OR_URL", help="a team file: its pinned template version and trust"
    )
    parser.add_argument(
        "--data",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="change a recorded answer as part of the update (repeatable; never the tool)",
    )
    add_trust(parser)
    add_format(parser, "update")


def run(args: argparse.Namespace, ctx: Context, terminal: Terminal) -> Outcome:
    from pickenv.templating.update import UpdateRequest, update_project

    team = team_of(args, ctx)
    request = UpdateRequest(
        project=(ctx.cwd / args.path).resolve(),
        to=args.to,
        check=args.check,
        conflict=args.conflict,
        allow=lambda unsafe, location: consent(unsafe, location, args, ctx, terminal),
        pins={team.template: team.ref} if team and team.template and team.ref else {},
        data=data_pairs(args.data),
    )
    with terminal.activity() as activity:
        activity.step("Checking for a template update" if args.check else "Updating the project")
        result = update_project(request, ctx)
    code = EXIT_UPDATE_AVAILABLE if result.checked and result.available else EXIT_OK
    return result_of(
        "update", result, code, changed=not result.checked and (result.available or bool(result.changes))
    )
