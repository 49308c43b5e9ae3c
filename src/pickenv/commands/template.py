"""`pickenv template check SOURCE`: is a team's copier template fit for pickenv
(``project.template_check.check_template``)? For a template's own CI."""

from __future__ import annotations

import argparse

from pickenv.commands import Outcome
from pickenv.commands.options import Parser, add_common
from pickenv.commands.terminal import Terminal
from pickenv.commands.trust import add_trust
from pickenv.context import Context
from pickenv.errors import EXIT_OK, EXIT_TEMPLATE

NAME = "template"
HELP = "check a team's project template"
SUBCOMMANDS = True


def add_arguments(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="template_command", metavar="SUBCOMMAND", parser_class=Parser)
    check = commands.add_parser(
        "check", help="validate a copier template and render it for every tool and domain it supports"
    )
    check.add_argument("source", help="a git URL (gh:org/repo), a local git repository or a folder")
    check.add_argument("--template-ref", metavar="REF", help="the version to check (default: its newest tag)")
    add_trust(check)
    check.add_argument("--format", choices=("text", "json"), default="text")
    add_common(check)


def run(args: argparse.Namespace, ctx: Context, terminal: Terminal) -> Outcome:
    from pickenv.report import template as report
    from pickenv.templating.check import check_template

    with terminal.activity() as activity:
        activity.step(f"Checking {args.source}")
        result = check_template(args.source, args.template_ref, ctx, trusted=args.trust)
    output = report.check_json(result) if args.format == "json" else report.check_text(result)
    return Outcome(output, EXIT_TEMPLATE if result.problems else EXIT_OK)
