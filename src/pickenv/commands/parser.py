"""The argument parser, built from the command modules: each gives its ``NAME``, its
one-line ``HELP``, and a ``DESCRIPTION`` and ``EXAMPLES`` for its ``--help``. The
top-level help names every tool of the registry and ends with the exit codes of
``pickenv.errors``, both generated when the help is shown, never copied."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from importlib import import_module
from types import ModuleType

from pickenv import __version__
from pickenv.commands import COMMANDS
from pickenv.commands.options import Examples, Parser, about, add_common, excerpt_arg, suggest

TYPE_CHECKING = False  # as typing's, without importing typing on every start (README, Speed)
if TYPE_CHECKING:
    from typing import Any

EXAMPLES: Examples = (
    ("the recommendation, asking the questions on a terminal", "pickenv recommend"),
    ("a new project for the recommended tool, every answer its default", "pickenv new myproject --defaults"),
    ("which tool this project uses, and whether it still fits", "pickenv detect --recommend"),
)


def command_module(name: str) -> ModuleType:
    return import_module(f"pickenv.commands.{name}")


class _TopParser(Parser):
    """pickenv's own parser. Its description and epilog are made when the help is shown:
    the tool names come from the registry, whose plugins (entry points) are not worth
    looking up on every run."""

    def format_help(self) -> str:
        texts = about(describe_pickenv(), EXAMPLES)
        self.description = texts["description"]
        self.epilog = (
            f"{texts['epilog']}\n\n{exit_codes()}\n\nSee `pickenv COMMAND --help` for a command's options."
        )
        return super().format_help()

    def parse_args(self, args: Any = None, namespace: Any = None) -> argparse.Namespace:  # type: ignore[override]
        # argparse reports an unknown option from the top parser, which does not know the
        # subcommand's options: say it as the subcommand, with the option meant.
        parsed: argparse.Namespace
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            parser, _ = _deepest(self, parsed)
            known = [o for action in parser._actions for o in action.option_strings]
            unknown = next((e for e in extras if e.startswith("-")), "")
            hint = suggest(unknown.partition("=")[0], known) if unknown else ""
            shown = " ".join(excerpt_arg(e)[1:-1] for e in extras[:3]) + (" ..." if len(extras) > 3 else "")
            parser.error(f"unrecognized arguments: {shown}{hint}")
        return parsed


def describe_pickenv() -> str:
    from pickenv.tools import tool_names

    names = tool_names()
    tools = f"{', '.join(names[:-1])} or {names[-1]}" if len(names) > 1 else names[0]
    return (
        f"Recommend {tools} for a Python project, with the rules that decided it; scaffold the "
        "project for that tool; say which tool an existing project uses, and move it to another."
    )


def exit_codes() -> str:
    """The exit codes, as ``pickenv.errors.EXIT_CODES`` documents them."""
    import textwrap

    from pickenv.errors import EXIT_CODES

    lines = ["exit codes:"]
    for code, meaning in EXIT_CODES.items():
        lines += textwrap.wrap(meaning, 78, initial_indent=f"  {code:>3}  ", subsequent_indent=" " * 7)
    return "\n".join(lines)


# The top-level options that may come before the command, and whether each takes a value.
_BEFORE_COMMAND = {"--traceback": False, "-q": False, "--quiet": False, "--color": True}


def named_command(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names plainly: its first word after the top-level options that
    only pickenv's parser takes (--traceback, --quiet, --color), spelled out in full. None
    for anything else (no command, --help or --version first, an abbreviation, a typo)."""
    words = iter(argv)
    for word in words:
        takes_value = _BEFORE_COMMAND.get(word.partition("=")[0] if word.startswith("--") else word)
        if takes_value is None:
            return word if word in COMMANDS else None
        if takes_value and "=" not in word:
            next(words, None)
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """pickenv's parser. Given the command line it will parse, and when that names a
    command plainly (``named_command``), it holds only that command's subparser: the
    other commands' modules are not imported nor their arguments built: 31 M fewer of the
    349 M instructions `pickenv recommend --defaults --format json` executed (valgrind),
    about 5 ms. The parse is the same: everything after the command is that subparser's to read, and
    before it only the top-level options can be (the full parser's did-you-mean, its
    --help and its errors for an unknown command need every command: they get them)."""
    parser = _TopParser(prog="pickenv")
    parser.add_argument("--version", action="version", version=f"pickenv {__version__}")
    add_common(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    named = named_command(argv) if argv is not None else None
    for name in COMMANDS if named is None else (named,):
        module = command_module(name)
        sub = commands.add_parser(module.NAME, help=module.HELP, **about(module.DESCRIPTION, module.EXAMPLES))
        module.add_arguments(sub)
        if not getattr(module, "SUBCOMMANDS", False):  # those add them to each subcommand
            add_common(sub)
    return parser


def missing_subcommand(
    parser: argparse.ArgumentParser, args: argparse.Namespace
) -> argparse.ArgumentParser | None:
    """The parser of a command group given without its subcommand (``pickenv``,
    ``pickenv rules``, ``pickenv template``), at any depth; None when every group got one."""
    deepest, missing = _deepest(parser, args)
    return deepest if missing else None


def _deepest(
    parser: argparse.ArgumentParser, args: argparse.Namespace
) -> tuple[argparse.ArgumentParser, bool]:
    """The parser of the (sub)command that was given, and whether it is a group whose
    subcommand is missing."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            chosen = getattr(args, action.dest, None)
            if chosen is None:
                return parser, True
            sub: argparse.ArgumentParser = action.choices[chosen]
            return _deepest(sub, args)
    return parser, False
