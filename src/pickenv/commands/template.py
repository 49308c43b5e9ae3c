"""`pickenv template check SOURCE`: is a team's copier template fit for pickenv
(``templating.check.check_template``)? For a template's own CI. `pickenv template init
FOLDER`: a team's template repository, started from pickenv's own template
(``templating.scaffold.init_template``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from pickenv.commands import Outcome, result_of
from pickenv.commands.options import Examples, Parser, about, add_common, add_format
from pickenv.commands.terminal import Terminal
from pickenv.commands.trust import add_trust
from pickenv.context import Context
from pickenv.errors import EXIT_NO_GIT, EXIT_OK, EXIT_TEMPLATE
from pickenv.report.completion import FOLDERS, complete_as

NAME = "template"
HELP = "start or check a team's project template"
DESCRIPTION = (
    "Check a team's copier template before anyone makes a project from it: it must write an "
    "answers file, carry version tags, and render for every tool and domain it offers "
    "(--data answers its questions that have no default)."
)
INIT_DESCRIPTION = (
    "Start a team's template repository in FOLDER from pickenv's own template: its files, a team "
    "file pinned to v1.0.0, a README for the team and a CI workflow that checks it, committed and "
    "tagged v1.0.0 in a new git repository. Nothing is left behind if it fails or is stopped."
)
INIT_EXAMPLES: Examples = (
    ("a new template repository, and a project from it", "pickenv template init acme-template --name acme"),
    ("into a clone of an empty repository of your forge", "pickenv template init python-template --force"),
)
EXAMPLES: Examples = (
    ("check a template in a local folder", "pickenv template check ./python-template"),
    (
        "check a released version from git",
        "pickenv template check gh:acme/python-template --template-ref v2.0.0",
    ),
)
SUBCOMMANDS = True


def add_arguments(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="template_command", metavar="SUBCOMMAND", parser_class=Parser)
    check = commands.add_parser(
        "check",
        help="validate a copier template and render it for every tool and domain it supports",
        **about(DESCRIPTION, EXAMPLES),
    )
    check.add_argument("source", help="a git URL (gh:org/repo), a local git repository or a folder")
    check.add_argument("--template-ref", metavar="REF", help="the version to check (default: its newest tag)")
    add_trust(check)
    check.add_argument(
        "--data",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="answer one of the template's own questions in every render (repeatable)",
    )
    add_format(check, "template-check")
    add_common(check)
    init = commands.add_parser(
        "init",
        help="start a team's template repository from pickenv's own template",
        **about(INIT_DESCRIPTION, INIT_EXAMPLES),
    )
    folder = init.add_argument("folder", type=Path, help="the folder to make (new, or empty)")
    complete_as(folder, FOLDERS)
    init.add_argument(
        "--name", metavar="TEAM", help="the team's name in its team file (default: the folder's)"
    )
    init.add_argument(
        "--force",
        action="store_true",
        help="add the template beside the files already in FOLDER (never replacing one); "
        "in a git repository, commit it there",
    )
    add_format(init, "template-init")
    add_common(init)


def run(args: argparse.Namespace, ctx: Context, terminal: Terminal) -> Outcome:
    if args.template_command == "init":
        return _init(args, ctx, terminal)
    from pickenv.commands.new_template import data_pairs
    from pickenv.templating.check import check_template

    with terminal.activity() as activity:
        activity.step(f"Checking {args.source}")
        result = check_template(
            args.source, args.template_ref, ctx, trusted=args.trust, data=data_pairs(args.data)
        )
    return result_of("template-check", result, EXIT_TEMPLATE if result.problems else EXIT_OK)


def _init(args: argparse.Namespace, ctx: Context, terminal: Terminal) -> Outcome:
    from pickenv.templating.scaffold import init_template

    with terminal.activity() as activity:
        result = init_template(args.folder, args.name, args.force, ctx, activity.step)
    for note in result.leftovers:  # on stderr (stdout may be JSON), unless --quiet
        terminal.note(note)
    return result_of("template-init", result, EXIT_OK if result.repository else EXIT_NO_GIT, changed=True)
