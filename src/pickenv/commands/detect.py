"""`pickenv detect [PATH]`: which tool an existing project uses, with the evidence, and
(--recommend) whether it is the one pickenv would pick (``existing.detect.detect``)."""

from __future__ import annotations

import argparse

from pickenv.commands import Outcome, result_of
from pickenv.commands.options import Examples, add_answers, add_format, add_project_path, answering_of
from pickenv.commands.terminal import Terminal
from pickenv.context import Context
from pickenv.errors import EXIT_MISFIT, EXIT_OK

NAME = "detect"
HELP = "say which tool an existing project uses, and whether it still fits"
DESCRIPTION = (
    "Say which environment tool an existing project uses, from its files (Pipfile, "
    "environment.yml, uv.lock, requirements files...), with the evidence. --recommend also "
    "infers the questionnaire's answers from the project and says whether pickenv would pick the "
    "same tool."
)
EXAMPLES: Examples = (
    ("the tool of the project here", "pickenv detect"),
    ("does it still fit? (exit 15 if not)", "pickenv detect path/to/project --recommend"),
    ("for a program", "pickenv detect --format json"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_project_path(parser)
    parser.add_argument(
        "--recommend",
        action="store_true",
        help=f"also recommend a tool for the inferred answers; exit {EXIT_MISFIT} if it is not the one used",
    )
    add_answers(parser)
    add_format(parser, "detect")


def run(args: argparse.Namespace, ctx: Context, terminal: Terminal) -> Outcome:
    from pickenv.existing.review import review_project

    answering, _ = answering_of(args, ctx, terminal.stdin)
    review = review_project((ctx.cwd / args.path).resolve(), answering, ctx, recommend=args.recommend)
    return result_of("detect", review, EXIT_MISFIT if review.misfit else EXIT_OK)
