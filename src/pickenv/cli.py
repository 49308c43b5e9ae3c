"""The command line: parse arguments, run one command module, word its errors, and
write its output once.

Heavy modules (questionary, copier) are imported inside the commands that need them,
so `pickenv recommend --defaults` starts almost as fast as the interpreter itself.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from collections.abc import Mapping, Sequence
from typing import TextIO

from pickenv.commands import Outcome
from pickenv.commands.parser import build_parser, command_module
from pickenv.commands.terminal import Terminal
from pickenv.commands.wording import WORDING
from pickenv.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, PickenvError


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
        from pickenv.report.completion import subparsers

        target = parser if args.command is None else subparsers(parser)["rules"]
        target.print_help(stdout)
        return EXIT_USAGE
    try:
        from pickenv.context import Context

        terminal = Terminal(stdin, stdout, stderr, args.color, env)
        outcome: Outcome = command_module(args.command).run(args, Context.from_environment(env), terminal)
    except PickenvError as exc:
        if args.traceback:
            traceback.print_exc(file=stderr)
        for line in exc.lines(WORDING):
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
            name = type(exc).__name__
            stderr.write(f"pickenv: internal error: {name}: {exc} (rerun with --traceback and report it)\n")
        return EXIT_INTERNAL
    try:
        stdout.write(outcome.output)
        stdout.flush()
    except BrokenPipeError:
        # The reader stopped early (`pickenv rules show | head`): not an error of ours.
        # Point stdout at devnull so the interpreter's final flush stays quiet too.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), stdout.fileno())
    return outcome.code
