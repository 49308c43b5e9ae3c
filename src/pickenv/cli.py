"""The command line: parse arguments, run one command module, word its errors, and
write its output once.

Heavy modules (questionary, copier) are imported inside the commands that need them,
so `pickenv recommend --defaults` starts almost as fast as the interpreter itself. The
command modules are imported inside ``main`` too, after the stop signals are caught:
a signal that arrives while they load already ends pickenv with exit code 130.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from types import FrameType

from pickenv.commands.terminal import say as _say
from pickenv.commands.terminal import write_within
from pickenv.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_OUTPUT, EXIT_USAGE

TYPE_CHECKING = False  # as typing's, without importing typing on every start (README, Speed)
if TYPE_CHECKING:
    import argparse
    from typing import Any, TextIO

    from pickenv.commands import Outcome

# Every signal that ends a process by default and that people and programs send to stop
# one: Ctrl-C, `kill` and service managers (SIGTERM), a closed terminal (SIGHUP), Ctrl-\.
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT") if hasattr(signal, name)
)
NOTHING_CHANGED = "interrupted; nothing was changed"
WORK_DONE = "interrupted after the work was done; only its report may be cut short"
STILL_UNDOING = "stopping: putting back what it changed first"


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


class _Stop:
    """What a stop signal does, at whatever instant of a run it arrives. Every way ends
    in exit code 130 (``code``), with one line saying what became of the work.

    - ``working``: the first signal raises KeyboardInterrupt; the command puts back what
      it changed and the CLI says "interrupted; nothing was changed".
    - ``undoing`` (after that signal): further signals are only noted, once, on stderr:
      a second Ctrl-C must not stop the undo halfway and leave half a change behind.
    - ``reporting`` (the command is done, its report is being written): a signal raises
      KeyboardInterrupt to stop a write that blocks; the CLI says the work was done.
    - ``ending`` (nothing left to undo: an error or the interruption is being said, or
      the interpreter is exiting): a signal ends the process at once.
    """

    def __init__(self, stderr: TextIO) -> None:
        self.stderr = stderr
        self.phase = "working"
        self.signalled = False
        self.words = NOTHING_CHANGED  # what a signal in the ending phase says
        self.said = False  # the interruption was reported
        self.noted = False  # a signal during the undo was answered
        self.previous: dict[int, Any] = {}

    def install(self) -> None:
        try:
            for signum in STOP_SIGNALS:
                self.previous[signum] = signal.signal(signum, self._handle)
        except ValueError:  # not the main thread (embedded use): no handlers, no harm
            pass

    def restore(self) -> None:
        for signum, handler in self.previous.items():
            with contextlib.suppress(ValueError, TypeError):
                signal.signal(signum, handler)
        self.previous.clear()

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.signalled = True
        if self.phase in ("working", "reporting"):
            self.phase = "undoing" if self.phase == "working" else "ending"
            raise KeyboardInterrupt
        if self.phase == "undoing":
            if not self.noted:
                self.noted = True
                write_within(self.stderr, f"\npickenv: {STILL_UNDOING}\n", wait=0.0)
            return
        if not self.said:
            write_within(self.stderr, f"\npickenv: {self.words}\n", wait=0.0)
        os._exit(EXIT_INTERRUPTED)

    def done(self, changed: bool) -> None:
        """The command returned: from now on a signal can only stop its report."""
        self.words = WORK_DONE if changed else NOTHING_CHANGED
        self.phase = "reporting"

    def ending(self, words: str) -> None:
        """Nothing is left to undo: a signal from now on ends pickenv saying ``words``."""
        self.phase, self.words = "ending", words

    def code(self, code: int) -> int:
        """A run that received a stop signal exits 130, whatever else went wrong."""
        return EXIT_INTERRUPTED if self.signalled else code

    def interrupted(self, stdout: TextIO, stderr: TextIO, words: str, *, owner: bool) -> int:
        """Say (once) how the run was interrupted, and return its exit code."""
        self.ending(words)
        if owner:
            # What the streams' buffers still hold would be written as the interpreter
            # exits, and would block it there if nobody reads them: drop it.
            _point_at_devnull(stdout)
        if not self.said:
            self.said = True
            # The terminal may be gone, or stopped: a stopping pickenv must not hang on it.
            write_within(stderr, f"\npickenv: {words}\n", wait=1.0)
        if owner:
            _point_at_devnull(stderr)
        return EXIT_INTERRUPTED


def _point_at_devnull(stream: TextIO) -> None:
    with contextlib.suppress(OSError, ValueError, AttributeError):
        target = stream.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, target)
        finally:
            os.close(null)


def main(
    argv: Sequence[str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Entry point of the ``pickenv`` command. Returns the exit code (see errors.EXIT_CODES).

    Without ``argv`` this is the program itself (``pickenv``, ``python -m pickenv``): the
    stop signals stay caught after it returns, so one that arrives while the interpreter
    exits still ends the process with 130. With ``argv`` (tests, embedding) the signal
    handlers it found are put back on return.
    """
    # A stream closed before Python started is None in sys: stand in for it.
    closed: TextIO = _Closed()  # type: ignore[assignment]
    stdin = stdin or sys.stdin or closed
    stdout = stdout or sys.stdout or closed
    stderr = stderr or sys.stderr or closed
    owner = argv is None
    stop = _Stop(stderr)
    try:
        try:
            stop.install()
            return _main(stop, argv, env, stdin, stdout, stderr, owner=owner)
        except KeyboardInterrupt:
            # A signal between two of _main's own handlers: while the modules load or an
            # error is written (nothing was changed), or just after the command returned.
            return stop.interrupted(stdout, stderr, stop.words, owner=owner)
    finally:
        if owner:
            stop.ending(stop.words)
        else:
            stop.restore()


def _main(
    stop: _Stop,
    argv: Sequence[str] | None,
    env: Mapping[str, str] | None,
    stdin: TextIO,
    stdout: TextIO,
    stderr: TextIO,
    *,
    owner: bool,
) -> int:
    from pickenv.commands.parser import build_parser, missing_subcommand

    env = dict(os.environ) if env is None else env
    parser = build_parser(sys.argv[1:] if argv is None else argv)
    try:
        # argparse prints --help, --version and usage errors to sys.stdout/sys.stderr:
        # send them to the streams this call was given.
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help, --version (0) or usage errors (2)
        return stop.code(exc.code if isinstance(exc.code, int) else EXIT_OK)
    except (OSError, ValueError):  # --help to a closed or full stdout
        return stop.code(EXIT_OUTPUT)
    group = missing_subcommand(parser, args)
    if group is not None:  # `pickenv`, `pickenv rules`: what the group offers, as a usage error
        with contextlib.suppress(OSError, ValueError):
            group.print_help(stderr)
        return stop.code(EXIT_USAGE)
    outcome = _run(stop, args, env, stdin, stdout, stderr, owner=owner)
    if isinstance(outcome, int):
        return outcome
    try:
        return stop.code(_write_output(outcome, stdout, stderr))
    except KeyboardInterrupt:  # a signal while the report is written
        return stop.interrupted(stdout, stderr, stop.words, owner=owner)


def _run(
    stop: _Stop,
    args: argparse.Namespace,
    env: Mapping[str, str],
    stdin: TextIO,
    stdout: TextIO,
    stderr: TextIO,
    *,
    owner: bool,
) -> Outcome | int:
    """Run the command: its outcome, or the exit code of its error (said on stderr)."""
    from pickenv.commands.parser import command_module
    from pickenv.commands.terminal import Terminal
    from pickenv.commands.wording import WORDING
    from pickenv.context import Context
    from pickenv.errors import PickenvError, UsageError

    outcome: Outcome | None = None
    try:
        verbose = getattr(args, "verbose", False)
        if verbose and args.quiet:
            raise UsageError("--quiet and --verbose ask for opposite things; pass one of them")
        terminal = Terminal(stdin, stdout, stderr, args.color, env, verbose=verbose, quiet=args.quiet)
        ctx = Context.from_environment(env)
        outcome = command_module(args.command).run(args, ctx, terminal)
        if outcome.kind:  # the one place a result becomes text, markdown or JSON
            from pickenv.report.formats import View, render

            view = View(ctx.cwd, terminal.style(), terminal.width(), verbose, args.quiet, WORDING, ctx.system)
            outcome = outcome._replace(output=render(outcome.kind, outcome.result, args.format, view))
        stop.done(outcome.changed)
    except PickenvError as exc:
        stop.ending(NOTHING_CHANGED)  # the command has undone its work
        if args.traceback:
            _print_traceback(stderr)
        for line in exc.lines(WORDING):
            # A stop the user chose (Abort) is not an error.
            prefix = "" if exc.exit_code == EXIT_INTERRUPTED else "error: "
            _say(stderr, f"pickenv: {prefix}{line}\n")
        return stop.code(exc.exit_code)
    except KeyboardInterrupt:
        # The command put back what it changed; unless it had returned already.
        words = WORK_DONE if outcome is not None and outcome.changed else NOTHING_CHANGED
        stop.ending(words)
        if args.traceback:
            _print_traceback(stderr)
        return stop.interrupted(stdout, stderr, words, owner=owner)
    except Exception as exc:  # a bug: say so in one line unless asked for the traceback
        stop.ending(NOTHING_CHANGED)
        if args.traceback:
            _print_traceback(stderr)
        else:
            name = type(exc).__name__
            _say(stderr, f"pickenv: internal error: {name}: {exc} (rerun with --traceback and report it)\n")
        return stop.code(EXIT_INTERNAL)
    return outcome


def _write_output(outcome: Outcome, stdout: TextIO, stderr: TextIO) -> int:
    try:
        stdout.write(outcome.output)
        stdout.flush()
    except BrokenPipeError:
        # The reader stopped early (`pickenv rules show | head`): not an error of ours.
        # Point stdout at devnull so the interpreter's final flush stays quiet too.
        _point_at_devnull(stdout)
        return outcome.code
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        # Nothing more may reach that stream at exit either.
        _point_at_devnull(stdout)
        if outcome.changed:  # the work is done: its report goes where it can be read
            _say(stderr, f"pickenv: standard output is unusable ({reason}); the report follows here\n")
            _say(stderr, outcome.output)
            return outcome.code
        _say(
            stderr, f"pickenv: error: cannot write the output: {reason}; redirect standard output elsewhere\n"
        )
        return EXIT_OUTPUT
    return outcome.code


def _print_traceback(stderr: TextIO) -> None:
    import traceback  # only with --traceback: 1.5 ms of start-up otherwise (python -X importtime)

    traceback.print_exc(file=stderr)
