"""The streams a command runs with, and what they allow (prompts, colour)."""

from __future__ import annotations

import os
import select
import time
from collections.abc import Mapping

from pickenv.records import Record
from pickenv.report.style import Style

TYPE_CHECKING = False  # as typing's, without importing typing on every start (README, Speed)
if TYPE_CHECKING:
    import threading
    from typing import TextIO


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed, or not a real stream
        return False


_PIPE_BUF = getattr(select, "PIPE_BUF", 512)  # POSIX guarantees at least 512


def say(stream: TextIO, text: str) -> bool:
    """Write to a stream that may be closed, full or gone; False when it is."""
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError):
        return False
    return True


def write_within(stream: TextIO, text: str, wait: float) -> bool:
    """Write ``text`` unless the stream cannot take it within ``wait`` seconds; False
    when not all of it was written.

    For what is written on the way out of a signal or a failure: a pipe nobody reads
    or a terminal stopped with Ctrl-S would otherwise hold pickenv there for good. It
    writes to the file descriptor itself, past the stream's buffer and its lock (which
    a blocked writer in another thread may hold).
    """
    try:
        fd = stream.fileno()
        select.select([], [fd], [], 0)
    except (AttributeError, OSError, ValueError):  # in memory, or not selectable (Windows): plainly
        return say(stream, text)
    try:
        data = text.encode(getattr(stream, "encoding", None) or "utf-8", errors="replace")
    except LookupError:
        data = text.encode("utf-8", errors="replace")
    deadline = time.monotonic() + wait
    while data:
        try:
            _, ready, _ = select.select([], [fd], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                return False
            # A pipe that is ready takes PIPE_BUF bytes without blocking.
            written = os.write(fd, data[:_PIPE_BUF])
        except InterruptedError:
            continue
        except (OSError, ValueError):  # closed, gone, or set non-blocking and full
            return False
        data = data[written:]
    return True


# A Record, not a frozen dataclass: every `pickenv recommend` defines it (pickenv.records).
class Terminal(Record):
    stdin: TextIO
    stdout: TextIO
    stderr: TextIO
    color: str  # "auto", "always" or "never" (--color)
    env: Mapping[str, str]
    verbose: bool = False
    quiet: bool = False  # --quiet: no progress and no notes on stderr; errors are still said

    @property
    def interactive(self) -> bool:
        """Prompts need a terminal on both ends; otherwise questions are an error."""
        return is_terminal(self.stdin) and is_terminal(self.stdout)

    def style(self) -> Style:
        """Colour, decided in this order: --color always/never; NO_COLOR (no-color.org: set
        and not empty) turns it off; FORCE_COLOR (force-color.org: set and not empty) turns
        it on in a pipe or a dumb terminal too; otherwise only on a terminal that is not
        dumb. NO_COLOR wins over FORCE_COLOR as in CPython's own colouring (3.13)."""
        if self.color == "always":
            return Style(True)
        if self.color == "never" or self.env.get("NO_COLOR"):
            return Style(False)
        if self.env.get("FORCE_COLOR"):
            return Style(True)
        return Style(is_terminal(self.stdout) and self.env.get("TERM") != "dumb")

    def width(self) -> int | None:
        """The terminal's width for wrapping text output; None in a pipe (lines stay whole)."""
        if not is_terminal(self.stdout):
            return None
        columns = self.env.get("COLUMNS", "")
        if columns.isdigit() and int(columns) > 20:
            return int(columns)
        import shutil

        return max(shutil.get_terminal_size().columns, 40)

    def prompt_colors(self) -> bool:
        """Prompts are coloured unless --color never or NO_COLOR says otherwise."""
        return self.color != "never" and not self.env.get("NO_COLOR")

    def activity(self, *, prompts: bool = False) -> Activity:
        """Progress of slow steps: live on a terminal, plain lines with --verbose,
        nothing in a pipe otherwise. ``prompts``: something may ask questions during
        the steps, so no live line may write over them. Nothing with --quiet."""
        if self.quiet:
            return Activity(self.stderr, live=False, verbose=False)
        return Activity(self.stderr, live=is_terminal(self.stderr) and not prompts, verbose=self.verbose)

    def note(self, text: str) -> None:
        """``pickenv: note: TEXT`` on stderr (stdout may be JSON), unless --quiet. A note
        comes after the work is done: a stderr that cannot take it is not an error."""
        if self.quiet:
            return
        try:
            self.stderr.write(f"pickenv: note: {text}\n")
            self.stderr.flush()
        except (OSError, ValueError):
            pass


class Activity:
    """Reports slow steps. On a terminal the current step shows its elapsed time,
    updated by a background thread; each finished step keeps one line."""

    def __init__(self, stream: TextIO, *, live: bool, verbose: bool) -> None:
        self.stream = stream
        self.live = live
        self.verbose = verbose
        self._title = ""
        self._started = 0.0
        self._share: float | None = None  # of the current step, when it is known
        self._shown = False  # the current step's line is on the screen
        self._stop: threading.Event | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Activity:
        return self

    def __exit__(self, *exc: object) -> None:
        self._finish(ok=exc[0] is None)

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: progress is not worth an error
            self.live = self.verbose = False

    def _line(self, suffix: str) -> str:
        return f"\rpickenv: {self._title} {suffix}\033[K"

    def _tick(self, stop: threading.Event, quiet_for: float) -> None:
        while not stop.wait(0.25):
            seconds = time.monotonic() - self._started
            if seconds < quiet_for:
                continue
            share = self._share
            self._write(self._line(f"{seconds:.0f}s" if share is None else f"{share:.0%} {seconds:.0f}s"))
            self._shown = True

    def _finish(self, ok: bool = True) -> None:
        if self._thread is not None and self._stop is not None:
            self._stop.set()
            # On the way out of a failure or a signal nothing may wait for long: the
            # thread may be stuck writing to a terminal stopped with Ctrl-S.
            self._thread.join(None if ok else 1.0)
            seconds = time.monotonic() - self._started
            if self._shown and ok:
                self._write(self._line(f"done ({seconds:.1f}s)") + "\n")
            elif self._shown and not self._thread.is_alive():
                write_within(self.stream, self._line(f"stopped ({seconds:.1f}s)") + "\n", 1.0)
        self._thread = self._stop = None
        self._title, self._share, self._shown = "", None, False

    def step(self, message: str, *, quiet_for: float = 0.0) -> None:
        """Start reporting ``message`` (and end the step before it). A step that may be
        quick passes ``quiet_for``: its line appears only once it has taken that long."""
        self._finish()
        if self.live:
            self._title, self._started = message.rstrip("."), time.monotonic()
            if not quiet_for:
                self._write(self._line("0s"))
                self._shown = True
            import threading  # only commands that show progress need it, not every start

            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._tick, args=(self._stop, quiet_for), daemon=True)
            self._thread.start()
        elif self.verbose:
            self._write(f"pickenv: {message}\n")

    def progress(self, share: float) -> None:
        """How much of the current step is done (0 to 1), shown with its time."""
        self._share = share
