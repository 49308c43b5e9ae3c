"""Arguments several commands share, and turning them into plain values."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pickenv.errors import AnswerError
from pickenv.questionnaire.questions import QUESTIONS, Value, coerce, format_value, get_question
from pickenv.report.completion import offer
from pickenv.resources import bundled_layers

if TYPE_CHECKING:
    from pickenv.context import Context
    from pickenv.templating.team import TeamFile

FORMATS = ("text", "json", "markdown")


class Parser(argparse.ArgumentParser):
    """argparse, with the documented exit code 2 and a one-line hint instead of full usage."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


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
        "--color",
        choices=("auto", "always", "never"),
        default="auto" if top else argparse.SUPPRESS,
        help="colour the text output (auto: only on a terminal and when NO_COLOR is unset)",
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
        from pickenv.templating.team import chosen_team, load_team

        given = chosen_team(getattr(args, "team", None), ctx)
        args._team = load_team(given, ctx) if given else None
    team: TeamFile | None = args._team
    return team


def rules_of(args: argparse.Namespace, ctx: Context) -> list[Path]:
    """Rules layered by the user for this run: the team file's, then --rules."""
    team = team_of(args, ctx)
    return [*(team.rules if team else ()), *args.rules]
