"""`pickenv detect [PATH]`: which tool an existing project uses, with the evidence, and
(--recommend) whether it is the one pickenv would pick (``existing.detect.detect``)."""

from __future__ import annotations

import argparse

from pickenv.commands import Outcome
from pickenv.commands.options import FORMATS, add_answers, add_project_path, given_answers, rules_of
from pickenv.commands.terminal import Terminal
from pickenv.context import Context
from pickenv.errors import EXIT_MISFIT, EXIT_OK

NAME = "detect"
HELP = "say which tool an existing project uses, and whether it still fits"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_project_path(parser)
    parser.add_argument(
        "--recommend",
        action="store_true",
        help=f"also recommend a tool for the inferred answers; exit {EXIT_MISFIT} if it is not the one used",
    )
    add_answers(parser)
    parser.add_argument("--format", choices=FORMATS, default="text")


def run(args: argparse.Namespace, ctx: Context, terminal: Terminal) -> Outcome:
    from pickenv.existing.detect import detect
    from pickenv.report import detect as report

    found = detect((ctx.cwd / args.path).resolve())
    recommendation = None
    given, _ = given_answers(args, terminal.stdin)
    if args.recommend:
        from pickenv.rules.service import recommend_for

        recommendation = recommend_for(
            ctx,
            cli_rules=rules_of(args, ctx),
            layers=args.layers,
            given={**found.inferred.answers, **given},  # what the user says wins
            use_defaults=True,  # the unknown answers: pickenv's defaults (shown as such)
            ask=None,
        )
    misfit = (
        recommendation is not None and found.tool is not None and found.tool != recommendation.recommendation
    )
    outline = None
    if misfit and recommendation is not None:
        from pickenv.existing.outline import switch_outline

        outline = switch_outline(found, recommendation.recommendation)
    if args.format == "json":
        output = report.detection_json(found, recommendation, frozenset(given), outline)
    elif args.format == "markdown":
        output = report.detection_markdown(found, recommendation, ctx.cwd, frozenset(given), outline)
    else:
        output = report.detection_text(found, recommendation, ctx.cwd, frozenset(given), outline)
    return Outcome(output, EXIT_MISFIT if misfit else EXIT_OK)
