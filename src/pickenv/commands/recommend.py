"""`pickenv recommend`: the ranked recommendation for the answers, with its reasons."""

from __future__ import annotations

import argparse

from pickenv.commands import Outcome, result_of
from pickenv.commands.options import Examples, add_answers, add_format, answering_of
from pickenv.commands.terminal import Terminal
from pickenv.context import Context
from pickenv.errors import EXIT_OK

NAME = "recommend"
HELP = "recommend a tool, with reasons"
DESCRIPTION = (
    "Rank the environment tools for a Python project from the answers to a few questions, with "
    "the rules that decided it and the answers that would change it. On a terminal the open "
    "questions are asked; elsewhere give them with --answer or --answers-file, or take --defaults."
)
EXAMPLES: Examples = (
    ("every open question asked on a terminal", "pickenv recommend"),
    ("a web project, the defaults for the rest", "pickenv recommend --defaults --answer domain=web"),
    ("for a program: JSON, with uv ranked too", "pickenv recommend --defaults --with uv --format json"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_answers(parser)
    add_format(parser, "recommendation")


def run(args: argparse.Namespace, ctx: Context, terminal: Terminal) -> Outcome:
    ask = None
    if terminal.interactive and not args.defaults:
        from pickenv.questionnaire.prompts import Prompts

        ask = Prompts(terminal.prompt_colors()).question
    answering, _ = answering_of(args, ctx, terminal.stdin)
    result = answering.recommend(ctx, use_defaults=args.defaults, ask=ask)
    return result_of("recommendation", result, EXIT_OK)
