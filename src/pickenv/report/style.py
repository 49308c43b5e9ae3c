"""Terminal styling for text output: colour, and lines that fit the terminal."""

from __future__ import annotations

import re


class Style:
    """ANSI styling, or none (NO_COLOR, --color never, not a terminal)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def _wrap(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.enabled else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def green(self, text: str) -> str:
        return self._wrap("1;32", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def red(self, text: str) -> str:
        return self._wrap("31", text)


_INDENT = re.compile(r"^ *")


def fit(text: str, width: int | None) -> str:
    """Wrap lines longer than ``width`` (None: leave them), continuing each under its own
    indent plus four spaces. Words are never split, so `[rule-id]` and URLs stay whole."""
    if not width:
        return text
    import textwrap

    out = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        indent = _INDENT.match(line).group(0)  # type: ignore[union-attr]
        out += textwrap.wrap(
            line,
            width,
            initial_indent="",
            subsequent_indent=indent + "    ",
            break_long_words=False,
            break_on_hyphens=False,
            drop_whitespace=True,
        ) or [line]
    return "\n".join(out)
