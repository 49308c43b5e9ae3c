"""`pickenv template check SOURCE`: is a team's copier template fit for pickenv
(``project.template_check.check_template``)? For a template's own CI."""

from __future__ import annotations

import argparse

from pickenv.commands import Outcome, result_of
from pickenv.commands.options import Examples, Parser, about, add_common, add_format
from pickenv.commands.terminal import Terminal
from pickenv.commands.trust import add_trust
from pickenv.context import Context
from pickenv.errors import EXIT_OK, EXIT_TEMPLATE

NAME = "template"
HELP = "check a team's project template"
DESCRIPTION = (
    "Check a team's copier template before anyone makes a project from it: it must write an "
    "answers file, carry version tags, and render for every tool and domain it offers "
    "(--data answers its questions that have no default)."
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


def run(args: argparse.Namespace, ctx: Context, terminal: Terminal) -> Outcome:
    from pickenv.commands.new_template import data_pairs
    from pickenv.templating.check import check_template

    with terminal.activity() as activity:
        activity.step(f"Checking {args.source}")
        result = check_template(
            args.source, args.template_ref, ctx, trusted=args.trust, data=data_pairs(args.data)
        )
    return result_of("template-check", result, EXIT_TEMPLATE if result.problems else EXIT_OK)
