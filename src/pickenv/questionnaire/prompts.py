"""Interactive prompts (questionary). Imported only when a question must be asked,
because prompt_toolkit costs more start-up time than the whole rule engine.

Ctrl-C at any prompt raises KeyboardInterrupt (the CLI exits 130, quietly). Every
prompt shows a one-line help; menus keep their key hint; without colour (--color
never, NO_COLOR) prompts are drawn in monochrome.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import questionary
from prompt_toolkit.output import ColorDepth

from pickenv.errors import PickenvError
from pickenv.questionnaire.questions import Question, Value

KEYS = "arrow keys to move, Enter to choose"


def joined(help: str, more: str) -> str:
    """Two hints in one line: "Help. More" or "help; more", never ".;"."""
    if not help:
        return more
    return f"{help} {more[0].upper()}{more[1:]}" if help.endswith(".") else f"{help}; {more}"


def shortened(text: str, limit: int = 240) -> str:
    """At most ``limit`` characters, cut at a word."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


class Prompts:
    def __init__(self, color: bool) -> None:
        # prompt_toolkit reads NO_COLOR itself, but not pickenv's --color never.
        self.options: dict[str, Any] = {} if color else {"color_depth": ColorDepth.MONOCHROME}

    def question(self, question: Question, default: Value) -> Value:
        """Ask one questionnaire question."""
        if question.kind == "bool":
            return self.confirm(question.prompt, bool(default), question.help)
        choices = [(str(c.value), c.label) for c in question.choices]
        chosen = self.select(question.prompt, choices, str(default), question.help)
        return next(c.value for c in question.choices if str(c.value) == chosen)

    def select(self, prompt: str, choices: Sequence[tuple[str, str]], default: str, help: str = "") -> str:
        """A menu of (value, label) choices."""
        options = [questionary.Choice(title=label, value=value) for value, label in choices]
        chosen = next((c for c in options if c.value == default), options[0] if options else None)
        instruction = f"({joined(help, KEYS)})"
        question = questionary.select(
            prompt, choices=options, default=chosen, instruction=instruction, **self.options
        )
        return str(question.unsafe_ask())

    def text(self, prompt: str, default: str, check: Callable[[object, str], str], help: str = "") -> str:
        """Free text, validated as it is typed by the same check as a flag's value."""

        def validate(value: str) -> bool | str:
            try:
                check(value, "prompt")
            except PickenvError as exc:
                return str(exc)
            return True

        instruction = f"({help})" if help else None
        question = questionary.text(
            prompt, default=default, validate=validate, instruction=instruction, **self.options
        )
        return str(question.unsafe_ask())

    def confirm(self, prompt: str, default: bool, help: str = "") -> bool:
        keys = "(Y/n)" if default else "(y/N)"
        instruction = f"({help}) {keys} " if help else f"{keys} "
        return bool(
            questionary.confirm(prompt, default=default, instruction=instruction, **self.options).unsafe_ask()
        )
