"""`pickenv rules check|show`: validate the rules over every answer, or print them."""

from __future__ import annotations

import argparse
from pathlib import Path

from pickenv.commands import Outcome
from pickenv.commands.options import FORMATS, Parser, add_common, add_rules
from pickenv.commands.terminal import Terminal
from pickenv.context import Context
from pickenv.errors import EXIT_OK, EXIT_RULES

NAME = "rules"
HELP = "check or show the rules"
SUBCOMMANDS = True


def add_arguments(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="rules_command", metavar="SUBCOMMAND", parser_class=Parser)
    check = commands.add_parser("check", help="validate a rules file and check it over every answer")
    check.add_argument(
        "file",
        nargs="?",
        type=Path,
        help="a team rules file, layered over the built-in rules and --rules (default: the effective rules)",
    )
    check.add_argument(
        "--standalone", action="store_true", help="FILE is a complete rules file, not a team layer"
    )
    check.add_argument("--strict", action="store_true", help="exit non-zero on warnings too")
    check.add_argument("--format", choices=("text", "json"), default="text")
    add_rules(check)
    add_common(check)
    show = commands.add_parser("show", help="print the effective rules and a decision table")
    show.add_argument("--format", choices=FORMATS, default="text")
    add_rules(show)
    add_common(show)


def run(args: argparse.Namespace, ctx: Context, terminal: Terminal) -> Outcome:
    from pickenv.report import rules as report
    from pickenv.report.style import fit
    from pickenv.rules.service import check_file, effective_rules

    style = terminal.style()
    if args.rules_command == "check":
        with terminal.activity() as activity:
            # Large team files take seconds: a terminal then sees how far the check is.
            activity.step("checking the rules over every answer", quiet_for=1.0)
            result = check_file(
                ctx,
                file=args.file,
                standalone=args.standalone,
                cli_rules=args.rules,
                layers=args.layers,
                progress=activity.progress,
            )
        failed = result.errors or (args.strict and result.warnings)
        out = (
            report.check_json(result)
            if args.format == "json"
            else fit(report.check_text(result, style), terminal.width())
        )
        return Outcome(out, EXIT_RULES if failed else EXIT_OK)
    ruleset = effective_rules(ctx, args.rules, args.layers)
    if args.format == "json":
        return Outcome(report.rules_json(ruleset), EXIT_OK)
    if args.format == "markdown":
        return Outcome(report.rules_markdown(ruleset), EXIT_OK)
    return Outcome(report.rules_text(ruleset, style), EXIT_OK)
