"""The command line: parse arguments, call one core function, render its result.

Heavy modules (questionary, copier) are imported inside the commands that need them,
so `pickenv recommend --defaults` starts almost as fast as the interpreter itself.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pickenv import __version__
from pickenv.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_RULES, PickenvError
from pickenv.questions import QUESTIONS, format_value

if TYPE_CHECKING:
    from pickenv.answers import AnswersFile
    from pickenv.core import Context
    from pickenv.engine import Recommendation
    from pickenv.style import Style

FORMATS = ("text", "json", "markdown")


class _Parser(argparse.ArgumentParser):
    """argparse, with the documented exit code 2 and a one-line hint instead of full usage."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def _answer_help() -> str:
    parts = []
    for q in QUESTIONS:
        values = "|".join(format_value(v) for v in q.values) if q.kind != "version" else "2.7|3.6..3.14"
        parts.append(f"{q.id}={values}")
    return "answer a question, e.g. --answer domain=web (repeatable). Questions: " + "; ".join(parts)


def _add_common(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
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


def _add_answers(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--answer", "-a", action="append", default=[], metavar="QUESTION=VALUE", help=_answer_help()
    )
    parser.add_argument(
        "--answers-file", type=Path, metavar="FILE", help="YAML file of QUESTION: VALUE answers"
    )
    parser.add_argument(
        "--defaults", action="store_true", help="take the default for every unanswered question"
    )
    _add_rules(parser)


def _add_rules(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rules",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="layer a team rules file over the built-in rules (repeatable; after PICKENV_RULES)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="pickenv",
        description="Pick venv, virtualenv, pipenv or conda for a Python project, and scaffold it.",
    )
    parser.add_argument("--version", action="version", version=f"pickenv {__version__}")
    _add_common(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    rec = commands.add_parser("recommend", help="recommend a tool, with reasons")
    _add_answers(rec)
    rec.add_argument("--format", choices=FORMATS, default="text")
    _add_common(rec)

    new = commands.add_parser("new", help="scaffold a project for the recommended (or chosen) tool")
    new.add_argument("name", help="project name (also the folder created)")
    _add_answers(new)
    _add_new_options(new)
    _add_common(new)

    rules = commands.add_parser("rules", help="check or show the rules")
    rules_commands = rules.add_subparsers(dest="rules_command", metavar="SUBCOMMAND", parser_class=_Parser)
    check = rules_commands.add_parser("check", help="validate a rules file and check it over every answer")
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
    check.add_argument("--format", choices=("text", "json"), default="text")
    _add_rules(check)
    _add_common(check)
    show = rules_commands.add_parser("show", help="print the effective rules and a decision table")
    show.add_argument("--format", choices=FORMATS, default="text")
    _add_rules(show)
    _add_common(show)

    completion = commands.add_parser("completion", help="print a shell completion script")
    completion.add_argument("shell", choices=("bash", "zsh", "fish"))
    _add_common(completion)
    return parser


def _add_new_options(parser: argparse.ArgumentParser) -> None:
    from pickenv.new_options import add_new_options

    add_new_options(parser)


def _context(env: Mapping[str, str]) -> Context:
    from pickenv.config import user_cache_dir, user_config_dir
    from pickenv.core import Context
    from pickenv.resources import builtin_rules_path

    return Context(
        env=env,
        config_dir=user_config_dir(env, sys.platform, Path.home()),
        builtin_rules=builtin_rules_path(),
        interpreter=(sys.version_info[0], sys.version_info[1]),
        cache_dir=user_cache_dir(env, sys.platform, Path.home()),
    )


def _style(args: argparse.Namespace, env: Mapping[str, str], stream: TextIO) -> Style:
    from pickenv.style import Style

    if args.color == "always":
        return Style(True)
    if args.color == "never" or env.get("NO_COLOR"):  # no-color.org: set and not empty
        return Style(False)
    return Style(stream.isatty() and env.get("TERM") != "dumb")


def interactive_streams(stdin: TextIO, stdout: TextIO) -> bool:
    try:
        return stdin.isatty() and stdout.isatty()
    except (AttributeError, ValueError):
        return False


def recommend_from_args(
    args: argparse.Namespace, ctx: Context, interactive: bool
) -> tuple[Recommendation, AnswersFile | None]:
    """The recommendation for the answer flags of `recommend` and `new` (prompting if
    allowed), and the answers file, read once, for `new`'s own questions."""
    from pickenv.answers import Asker, read_answers_file
    from pickenv.core import recommend_for

    ask: Asker | None = None
    if interactive and not args.defaults:
        from pickenv.questionnaire import ask as ask_question

        ask = ask_question
    answers_file = read_answers_file(args.answers_file) if args.answers_file is not None else None
    recommendation = recommend_for(
        ctx,
        cli_rules=args.rules,
        pairs=args.answer,
        answers_file=answers_file,
        use_defaults=args.defaults,
        ask=ask,
    )
    return recommendation, answers_file


def _run(
    args: argparse.Namespace, env: Mapping[str, str], stdin: TextIO, stdout: TextIO, stderr: TextIO
) -> tuple[str, int]:
    """Run a command; return (output, exit code). Output is written only after success."""
    ctx = _context(env)
    if args.command == "new":
        from pickenv.new_command import run_new

        return run_new(args, ctx, env, stdin, stdout, stderr)
    if args.command == "completion":
        from pickenv.completion import completion_script

        return completion_script(args.shell, build_parser()), EXIT_OK

    from pickenv import render
    from pickenv.core import check_file, effective_rules

    style = _style(args, env, stdout)
    if args.command == "recommend":
        result, _ = recommend_from_args(args, ctx, interactive_streams(stdin, stdout))
        if args.format == "json":
            return render.recommendation_json(result), EXIT_OK
        if args.format == "markdown":
            return render.recommendation_markdown(result), EXIT_OK
        return render.recommendation_text(result, style), EXIT_OK
    if args.command == "rules":
        if args.rules_command == "check":
            report = check_file(ctx, file=args.file, standalone=args.standalone, cli_rules=args.rules)
            failed = report.errors or (args.strict and report.warnings)
            out = render.check_json(report) if args.format == "json" else render.check_text(report, style)
            return out, EXIT_RULES if failed else EXIT_OK
        ruleset = effective_rules(ctx, args.rules)
        if args.format == "json":
            return render.rules_json(ruleset), EXIT_OK
        if args.format == "markdown":
            return render.rules_markdown(ruleset), EXIT_OK
        return render.rules_text(ruleset, style), EXIT_OK
    raise AssertionError(f"unhandled command {args.command}")  # pragma: no cover


def main(
    argv: Sequence[str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Entry point of the ``pickenv`` command. Returns the exit code (see errors.EXIT_CODES)."""
    env = dict(os.environ) if env is None else env
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = build_parser()
    try:
        # argparse prints --help, --version and usage errors to sys.stdout/sys.stderr:
        # send them to the streams this call was given.
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help, --version (0) or usage errors (2)
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    if args.command is None or (args.command == "rules" and args.rules_command is None):
        from pickenv.completion import subparsers

        target = parser if args.command is None else subparsers(parser)["rules"]
        target.print_help(stdout)
        return 2
    try:
        output, code = _run(args, env, stdin, stdout, stderr)
    except PickenvError as exc:
        if args.traceback:
            traceback.print_exc(file=stderr)
        for line in exc.lines:
            stderr.write(f"pickenv: error: {line}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        if args.traceback:
            traceback.print_exc(file=stderr)
        stderr.write("\npickenv: interrupted; nothing was changed\n")
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug: say so in one line unless asked for the traceback
        if args.traceback:
            traceback.print_exc(file=stderr)
        else:
            stderr.write(
                f"pickenv: internal error: {type(exc).__name__}: {exc} "
                "(rerun with --traceback and report it)\n"
            )
        return EXIT_INTERNAL
    try:
        stdout.write(output)
        stdout.flush()
    except BrokenPipeError:
        # The reader stopped early (`pickenv rules show | head`): not an error of ours.
        # Point stdout at devnull so the interpreter's final flush stays quiet too.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), stdout.fileno())
    return code
