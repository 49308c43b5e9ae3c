"""`pickenv completion SHELL`: print a shell completion script built from the parser."""

from __future__ import annotations

import argparse

from pickenv.commands import Outcome
from pickenv.commands.options import Examples
from pickenv.commands.terminal import Terminal
from pickenv.context import Context
from pickenv.errors import EXIT_OK

NAME = "completion"
HELP = "print a shell completion script"
DESCRIPTION = (
    "Print a completion script for bash, zsh or fish, generated from pickenv's own parser so it "
    "never lags behind the options. The README says how to keep it in every new shell."
)
EXAMPLES: Examples = (
    ("complete in this bash (zsh: completion zsh)", 'eval "$(pickenv completion bash)"'),
    ("complete in every new fish", "pickenv completion fish > ~/.config/fish/completions/pickenv.fish"),
)
SHELLS = ("bash", "zsh", "fish")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("shell", choices=SHELLS, help="the shell to complete in")


def run(args: argparse.Namespace, ctx: Context, terminal: Terminal) -> Outcome:
    from pickenv.commands.parser import build_parser
    from pickenv.report.completion import completion_script

    return Outcome(completion_script(args.shell, build_parser()), EXIT_OK)
