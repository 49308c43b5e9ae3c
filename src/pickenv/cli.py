"""The command line: parse arguments, run one command module, word its errors, and
write its output once.

Heavy modules (questionary, copier) are imported inside the commands that need them,
so `pickenv recommend --defaults` starts almost as fast as the interpreter itself.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
import traceback
from collections.abc import Iterator, Mapping, Sequence
from types import FrameType
from typing import TextIO

from pickenv.commands import Outcome
from pickenv.commands.parser import build_parser, command_module
from pickenv.commands.terminal import Terminal
from pickenv.commands.wording import WORDING
from pickenv.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_OUTPUT, EXIT_USAGE, PickenvError

# Every signal that ends a process by default and can be caught: each rolls back like
# Ctrl-C (closing the terminal sends SIGHUP, `kill` and service managers SIGTERM).
_STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGQUIT") if hasattr(signal, name)
)


class _Closed:
    """Stands in for a standard stream that was closed before pickenv started
    (``pickenv recommend >&-``): every write fails as writing to a closed file would."""

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError(errno.EBADF, "the stream is closed")

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "the stream is closed")

    def flush(self) -> None:
        raise OSError(errno.EBADF, "the stream is closed")

    def read(self, size: int = -1) -> str:
        return ""


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def _signals_as_interrupt() -> Iterator[None]:
    previous = {}
    try:
        for signum in _STOP_SIGNALS:
            previous[signum] = signal.signal(signum, _interrupt)
    except ValueError:  # not the main thread (embedded use): no handlers, no harm
        pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _say(stream: TextIO, text: str) -> bool:
    """Write to a stream that may be closed, full or gone; False when it is."""
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError):
        return False
    return True


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
    # A stream closed before Python started is None in sys: stand in for it.
    closed: TextIO = _Closed()  # type: ignore[assignment]
    stdin = stdin or sys.stdin or closed
    stdout = stdout or sys.stdout or closed
    stderr = stderr or sys.stderr or closed
    parser = build_parser()
    try:
        # argparse prints --help, --version and usage errors to sys.stdout/sys.stderr:
        # send them to the streams this call was given.
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help, --version (0) or usage errors (2)
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except (OSError, ValueError):  # --help to a closed or full stdout
        return EXIT_OUTPUT
    if args.command is None or (args.command == "rules" and args.rules_command is None):
        from pickenv.report.completion import subparsers

        target = parser if args.command is None else subparsers(parser)["rules"]
        with contextlib.suppress(OSError, ValueError):
            target.print_help(stdout)
        return EXIT_USAGE
    try:
        from pickenv.context import Context

        terminal = Terminal(stdin, stdout, stderr, args.color, env, verbose=getattr(args, "verbose", False))
        with _signals_as_interrupt():
            outcome: Outcome = command_module(args.command).run(args, Context.from_environment(env), terminal)
    except PickenvError as exc:
        if args.traceback:
            traceback.print_exc(file=stderr)
        for line in exc.lines(WORDING):
            _say(stderr, f"pickenv: error: {line}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        if args.traceback:
            traceback.print_exc(file=stderr)
        _say(stderr, "\npickenv: interrupted; nothing was changed\n")  # the terminal may be gone
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug: say so in one line unless asked for the traceback
        if args.traceback:
            traceback.print_exc(file=stderr)
        else:
            name = type(exc).__name__
            _say(stderr, f"pickenv: internal error: {name}: {exc} (rerun with --traceback and report it)\n")
        return EXIT_INTERNAL
    return _write_output(outcome, stdout, stderr)


def _write_output(outcome: Outcome, stdout: TextIO, stderr: TextIO) -> int:
    try:
        stdout.write(outcome.output)
        stdout.flush()
    except BrokenPipeError:
        # The reader stopped early (`pickenv rules show | head`): not an error of ours.
        # Point stdout at devnull so the interpreter's final flush stays quiet too.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), stdout.fileno())
        return outcome.code
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        # Nothing more may reach that stream at exit either.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), stdout.fileno())
        if outcome.changed:  # the work is done: its report goes where it can be read
            _say(stderr, f"pickenv: standard output is unusable ({reason}); the report follows here\n")
            _say(stderr, outcome.output)
            return outcome.code
        _say(
            stderr, f"pickenv: error: cannot write the output: {reason}; redirect standard output elsewhere\n"
        )
        return EXIT_OUTPUT
    return outcome.code
