"""Arguments several commands share, and turning them into plain values."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pickenv.errors import AnswerError
from pickenv.questionnaire.questions import QUESTIONS, Value, coerce, format_value, get_question
from pickenv.report.completion import offer
from pickenv.resources import bundled_layers

TYPE_CHECKING = False  # as typing's, without importing typing on every start (README, Speed)
if TYPE_CHECKING:
    from typing import Any, TextIO

    from pickenv.answering.policy import Answering
    from pickenv.context import Context
    from pickenv.templating.team import TeamFile


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions and examples kept as written, at the width argparse would choose."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
        **more: Any,  # what later Pythons add (3.14: color)
    ) -> None:
        width = _help_width() if width is None else width
        super().__init__(prog, indent_increment, max_help_position, width, **more)


def _help_width() -> int:
    """``shutil.get_terminal_size().columns - 2``, argparse's help width, as shutil works it
    out, without importing it: argparse makes a formatter for every argument added, and
    importing shutil (zlib, bz2, lzma, fnmatch) and asking it was 5.8 M instructions of a
    `pickenv recommend` (valgrind), for the width of a help nobody asked for."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        stdout = sys.__stdout__
        try:
            columns = os.get_terminal_size(stdout.fileno()).columns if stdout is not None else 0
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns or 80) - 2


class Parser(argparse.ArgumentParser):
    """argparse, with the documented exit code 2, a one-line hint instead of full usage,
    did-you-mean for a mistyped subcommand or choice, and descriptions and examples kept
    as written (their examples are lines to copy, not prose to re-wrap)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")

    def format_help(self) -> str:
        # Wrapped here, not when the parser is built: every run builds it, few show help.
        if self.description and "\n" not in self.description:
            import textwrap

            self.description = textwrap.fill(self.description, 78)
        return super().format_help()

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        # argparse lists every choice; the one the user most likely meant helps more.
        # Subcommands are choices too (a dict of their parsers), so `pickenv recomend` gets it.
        if action.choices is None or value in action.choices:
            return
        names = [str(c) for c in action.choices]
        hint = suggest(str(value), names) or f" (choose from {', '.join(map(repr, names))})"
        raise argparse.ArgumentError(action, f"invalid choice: {excerpt_arg(value)}{hint}")


def suggest(word: str, names: list[str]) -> str:
    """`` (did you mean 'x'?)`` for the name ``word`` most likely meant, or "": the same
    name in other letter case first (`mit` for `MIT`), then difflib's closest."""
    from pickenv.questionnaire.questions import did_you_mean

    same = [n for n in names if n.lower() == word.lower()]
    return f" (did you mean {same[0]!r}?)" if same else did_you_mean(word, names)


Examples = tuple[tuple[str, str], ...]  # (what it does, the command line)


def about(description: str, examples: Examples) -> dict[str, Any]:
    """A (sub)command's ``description`` and ``epilog`` for ``add_parser``: what it does
    (wrapped when shown), then examples to copy (tests parse every one)."""
    lines = ["examples:"]
    for what, command in examples:
        lines += [f"  # {what}", f"  {command}"]
    return {"description": description, "epilog": "\n".join(lines)}


def excerpt_arg(value: object) -> str:
    """A command-line word in a message: quoted, and cut when someone pasted a file."""
    text = repr(str(value))
    return text if len(text) <= 40 else text[:36] + "...'"


def add_common(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    # Only the top-level parser sets defaults: a subcommand's default would otherwise
    # overwrite the value given before the subcommand (`pickenv --color always recommend`).
    parser.add_argument(
        "--traceback",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="show the full traceback on errors",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="no progress lines or notes on stderr (errors are still said); `new` prints only the "
        "project's path",
    )
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto" if top else argparse.SUPPRESS,
        help="colour the text output; auto: on a terminal, unless NO_COLOR is set, and also in a pipe "
        "when FORCE_COLOR is set (--color wins over both)",
    )


def add_format(parser: argparse.ArgumentParser, kind: str) -> None:
    """--format, with the formats the registry gives results of ``kind`` (``report.formats``),
    whose JSON envelope is ``pickenv/KIND``."""
    from pickenv.report.formats import formats

    others = {
        "json": f"json for programs (JSON Schema: `pickenv schema {kind}`)",
        "markdown": "markdown",
        "mermaid": "a decision map for mermaid",
        "dot": "the same map for Graphviz (dot)",
    }
    choices = formats(kind)
    parser.add_argument(
        "--format",
        choices=choices,
        default="text",
        help="text for people (default), " + ", ".join(others[f] for f in choices if f != "text"),
    )


def _answer_help() -> str:
    parts = []
    for q in QUESTIONS:
        values = "|".join(format_value(v) for v in q.values) if q.kind != "version" else "2.7|3.6..3.14"
        parts.append(f"{q.id}={values}")
    return "answer a question, e.g. --answer domain=web (repeatable). Questions: " + "; ".join(parts)


def add_project_path(parser: argparse.ArgumentParser) -> None:
    """An existing project's folder, for the commands that read or change one."""
    parser.add_argument(
        "path", nargs="?", type=Path, default=Path("."), help="the project's folder (default: here)"
    )


def add_copier_answers(parser: argparse.ArgumentParser) -> None:
    """Which copier answers file a project's template commands follow (copier's ``-a``)."""
    parser.add_argument(
        "--copier-answers",
        metavar="PATH",
        help="the project's copier answers file, relative to it (default: .copier-answers.yml, else found)",
    )


def add_answers(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--answer", "-a", action="append", default=[], metavar="QUESTION=VALUE", help=_answer_help()
    )
    parser.add_argument(
        "--answers-file",
        type=Path,
        metavar="FILE",
        help="YAML file of QUESTION: VALUE answers (- reads standard input; at most 1 MiB)",
    )
    parser.add_argument(
        "--team",
        metavar="FILE_OR_URL",
        help="a team file: its template, rules, answers and trust (default: PICKENV_TEAM, the user config)",
    )
    parser.add_argument(
        "--defaults", action="store_true", help="take the default for every unanswered question"
    )
    add_rules(parser)


def add_rules(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rules",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="layer a team rules file over the built-in rules (repeatable; after PICKENV_RULES)",
    )
    layers = parser.add_argument(
        "--with",
        dest="layers",
        action="append",
        default=[],
        metavar="LAYER",
        help="include a bundled rules layer in the ranking, e.g. --with uv (repeatable)",
    )
    offer(layers, lambda: list(bundled_layers()))


def parse_pair(text: str) -> tuple[str, str]:
    """``"domain=web"`` -> ``("domain", "web")`` with the question id checked."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise AnswerError(f"--answer {text!r} must look like QUESTION=VALUE, e.g. --answer domain=web")
    get_question(key.strip())
    return key.strip(), value


def given_answers(args: argparse.Namespace, stdin: TextIO) -> tuple[dict[str, Value], dict[str, object]]:
    """The questionnaire's answers from --answers-file then --answer (which wins), and
    the file's other keys (pickenv new's project answers), reading the file once."""
    given: dict[str, Value] = {}
    extras: dict[str, object] = {}
    if args.answers_file is not None:
        from pickenv.questionnaire.answers import read_answers_file

        answers_file = read_answers_file(args.answers_file, stdin=stdin)
        given.update(answers_file.questions)
        extras = answers_file.extras
    for pair in args.answer:
        key, raw = parse_pair(pair)
        given[key] = coerce(get_question(key), raw, origin=f"--answer {pair}")
    return given, extras


def team_of(args: argparse.Namespace, ctx: Context) -> TeamFile | None:
    """The team file in force for this run, read once."""
    if not hasattr(args, "_team"):
        from pickenv.config import chosen_team

        given = chosen_team(getattr(args, "team", None), ctx)
        if given:
            from pickenv.templating.team import load_team

            args._team = load_team(given, ctx)
        else:
            args._team = None
    team: TeamFile | None = args._team
    return team


def answering_of(
    args: argparse.Namespace, ctx: Context, stdin: TextIO
) -> tuple[Answering, dict[str, object]]:
    """The run's sources of answers as plain values (``answering.policy``), read once; and
    the answers file's other keys (pickenv new's project answers)."""
    from pickenv.answering.policy import Answering

    given, extras = given_answers(args, stdin)
    answering = Answering.of(given, team_of(args, ctx), tuple(args.rules), tuple(args.layers))
    return answering, extras
