"""`pickenv completion SHELL`: print a shell completion script built from the parser."""

from __future__ import annotations

import argparse

from pickenv.commands import Outcome
from pickenv.commands.terminal import Terminal
from pickenv.context import Context
from pickenv.errors import EXIT_OK

NAME = "completion"
HELP = "print a shell completion script"
SHELLS = ("bash", "zsh", "fish")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("shell", choices=SHELLS)


def run(args: argparse.Namespace, ctx: Context, terminal: Terminal) -> Outcome:
    from pickenv.commands.parser import build_parser
    from pickenv.report.completion import completion_script

    return Outcome(completion_script(args.shell, build_parser()), EXIT_OK)
