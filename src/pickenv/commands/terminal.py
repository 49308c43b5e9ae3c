"""The streams a command runs with, and what they allow (prompts, colour)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TextIO

from pickenv.report.style import Style


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed, or not a real stream
        return False


@dataclass(frozen=True)
class Terminal:
    stdin: TextIO
    stdout: TextIO
    stderr: TextIO
    color: str  # "auto", "always" or "never" (--color)
    env: Mapping[str, str]

    @property
    def interactive(self) -> bool:
        """Prompts need a terminal on both ends; otherwise questions are an error."""
        return is_terminal(self.stdin) and is_terminal(self.stdout)

    def style(self) -> Style:
        if self.color == "always":
            return Style(True)
        if self.color == "never" or self.env.get("NO_COLOR"):  # no-color.org: set and not empty
            return Style(False)
        return Style(is_terminal(self.stdout) and self.env.get("TERM") != "dumb")

    def progress(self, message: str) -> None:
        self.stderr.write(f"pickenv: {message}\n")
        self.stderr.flush()
