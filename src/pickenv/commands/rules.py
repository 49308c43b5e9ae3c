"""`pickenv rules check|show`: validate the rules over every answer, or print them."""

from __future__ import annotations

import argparse
from pathlib import Path

from pickenv.commands import Outcome, result_of
from pickenv.commands.options import Examples, Parser, about, add_common, add_format, add_rules
from pickenv.commands.terminal import Terminal
from pickenv.context import Context
from pickenv.errors import EXIT_OK, EXIT_RULES

NAME = "rules"
HELP = "check or show the rules"
DESCRIPTION = (
    "Check the decision rules (the built-in rules.yaml and a team's layers) over every "
    "combination of answers, or print them as a table."
)
EXAMPLES: Examples = (
    ("check a team's rules file, layered over the built-in rules", "pickenv rules check team-rules.yaml"),
    ("print the rules in force, uv's layer included", "pickenv rules show --with uv"),
)
CHECK = (
    "Validate a rules file (a team layer over the built-in rules, or with --standalone a complete "
    "one), then walk every combination of answers. A combination that leaves no tool is an error; "
    "a rule that never fires or never changes the winner, and a tie settled only by the tool "
    "order, are warnings. Without FILE: the rules in force."
)
CHECK_EXAMPLES: Examples = (
    ("check a team layer; warnings fail too", "pickenv rules check team-rules.yaml --strict"),
    ("check the rules in force (built-in, PICKENV_RULES, user config)", "pickenv rules check"),
    (
        "check every versioned fact against the package index (before a release)",
        "pickenv rules check --facts",
    ),
)
SHOW = (
    "Print the rules in force (the built-in rules.yaml, then the layers: --with, PICKENV_RULES, "
    "the user config, the team file, --rules) as a table of each rule's effect on each tool, "
    "and why."
)
SHOW_EXAMPLES: Examples = (
    ("the table", "pickenv rules show"),
    ("as markdown, for a wiki page", "pickenv rules show --format markdown"),
    ("a decision map of the rules in force, for mermaid", "pickenv rules show --format mermaid"),
    ("the same map for Graphviz", "pickenv rules show --format dot | dot -Tsvg > map.svg"),
)
SUBCOMMANDS = True


def add_arguments(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="rules_command", metavar="SUBCOMMAND", parser_class=Parser)
    check = commands.add_parser(
        "check", help="validate a rules file and check it over every answer", **about(CHECK, CHECK_EXAMPLES)
    )
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
    check.add_argument(
        "--facts",
        action="store_true",
        help="check every rule's versioned facts again: the package index (PICKENV_INDEX_JSON, default "
        "https://pypi.org/pypi), end-of-life dates, installed tools; exit 4 when one changed",
    )
    add_format(check, "rules-check")
    add_rules(check)
    add_common(check)
    show = commands.add_parser(
        "show", help="print the effective rules and a decision table", **about(SHOW, SHOW_EXAMPLES)
    )
    add_format(show, "rules")
    show.add_argument(
        "--depth",
        type=int,
        choices=(1, 2, 3, 4),
        default=3,
        help="how many questions deep the decision map goes",
    )
    add_rules(show)
    add_common(show)


def run(args: argparse.Namespace, ctx: Context, terminal: Terminal) -> Outcome:
    from pickenv.rules.service import check_file, effective_rules

    if args.rules_command == "check" and args.facts:
        from pickenv.rules.service import check_facts_of

        with terminal.activity() as activity:
            activity.step("checking the rules' facts against the package index", quiet_for=1.0)
            facts = check_facts_of(
                ctx, cli_rules=args.rules, layers=args.layers, file=args.file, standalone=args.standalone
            )
        return result_of("rules-facts", facts, EXIT_RULES if facts.failed else EXIT_OK)
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
        return result_of("rules-check", result, EXIT_RULES if failed else EXIT_OK)
    from pickenv.report.rules import Shown

    return result_of("rules", Shown(effective_rules(ctx, args.rules, args.layers), args.depth), EXIT_OK)
