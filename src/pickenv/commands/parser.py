"""The argument parser, built from the command modules."""

from __future__ import annotations

import argparse
from importlib import import_module
from types import ModuleType

from pickenv import __version__
from pickenv.commands import COMMANDS
from pickenv.commands.options import Parser, add_common


def command_module(name: str) -> ModuleType:
    return import_module(f"pickenv.commands.{name}")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="pickenv",
        description="Pick venv, virtualenv, pipenv or conda for a Python project, and scaffold it.",
    )
    parser.add_argument("--version", action="version", version=f"pickenv {__version__}")
    add_common(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in COMMANDS:
        module = command_module(name)
        sub = commands.add_parser(module.NAME, help=module.HELP)
        module.add_arguments(sub)
        if not getattr(module, "SUBCOMMANDS", False):  # those add them to each subcommand
            add_common(sub)
    return parser
