"""Interactive prompts (questionary). Imported only when a question must be asked,
because prompt_toolkit costs more start-up time than the whole rule engine.

Ctrl-C at any prompt raises KeyboardInterrupt (the CLI exits 130, quietly). A prompt
asked with ``back=True`` (the ones the review of `pickenv new` shows) also takes Esc:
it raises ``Back``, and the caller returns to the step before. Every prompt shows a
one-line help; menus keep their key hint; without colour (--color never, NO_COLOR)
prompts are drawn in monochrome.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import questionary
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent, merge_key_bindings
from prompt_toolkit.keys import Keys
from prompt_toolkit.output import ColorDepth

from pickenv.errors import PickenvError
from pickenv.questionnaire.questions import Question, Value

KEYS = "arrow keys to move, Enter to choose"
BACK_KEY = "Esc to go back"


class Back(Exception):
    """Esc at a prompt that offers a way back: nothing was answered."""


def joined(help: str, more: str) -> str:
    """Two hints in one line: "Help. More" or "help; more", never ".;"."""
    if not help:
        return more
    if not more:
        return help
    return f"{help} {more[0].upper()}{more[1:]}" if help.endswith(".") else f"{help}; {more}"


def shortened(text: str, limit: int = 240) -> str:
    """At most ``limit`` characters, cut at a word."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def _asked(question: questionary.Question, back: bool) -> Any:
    """The answer to ``question``; with ``back``, Esc raises Back instead of doing nothing."""
    if back:
        escape = KeyBindings()

        # eager: Esc alone is also the start of Alt-key sequences; nothing waits for more.
        @escape.add(Keys.Escape, eager=True)
        def _back(event: KeyPressEvent) -> None:
            event.app.exit(exception=Back)

        app = question.application
        # The last binding for a key wins: this one over the prompt's own (which ignore Esc).
        app.key_bindings = merge_key_bindings([app.key_bindings, escape]) if app.key_bindings else escape
    return question.unsafe_ask()


class Prompts:
    def __init__(self, color: bool) -> None:
        # prompt_toolkit reads NO_COLOR itself, but not pickenv's --color never.
        self.options: dict[str, Any] = {} if color else {"color_depth": ColorDepth.MONOCHROME}

    def question(self, question: Question, default: Value, *, back: bool = False) -> Value:
        """Ask one questionnaire question."""
        if question.kind == "bool":
            return self.confirm(question.prompt, bool(default), question.help, back=back)
        choices = [(str(c.value), c.label) for c in question.choices]
        chosen = self.select(question.prompt, choices, str(default), question.help, back=back)
        return next(c.value for c in question.choices if str(c.value) == chosen)

    def select(
        self,
        prompt: str,
        choices: Sequence[tuple[str, str]],
        default: str,
        help: str = "",
        *,
        back: bool = False,
    ) -> str:
        """A menu of (value, label) choices."""
        options = [questionary.Choice(title=label, value=value) for value, label in choices]
        chosen = next((c for c in options if c.value == default), options[0] if options else None)
        keys = f"{KEYS}, {BACK_KEY}" if back else KEYS
        instruction = f"({joined(help, keys)})"
        question = questionary.select(
            prompt, choices=options, default=chosen, instruction=instruction, **self.options
        )
        return str(_asked(question, back))

    def text(
        self,
        prompt: str,
        default: str,
        check: Callable[[object, str], str],
        help: str = "",
        *,
        back: bool = False,
    ) -> str:
        """Free text, validated as it is typed by the same check as a flag's value."""

        def validate(value: str) -> bool | str:
            try:
                check(value, "prompt")
            except PickenvError as exc:
                return str(exc)
            return True

        hint = joined(help, BACK_KEY if back else "")
        instruction = f"({hint})" if hint else None
        question = questionary.text(
            prompt, default=default, validate=validate, instruction=instruction, **self.options
        )
        return str(_asked(question, back))

    def confirm(self, prompt: str, default: bool, help: str = "", *, back: bool = False) -> bool:
        keys = "(Y/n)" if default else "(y/N)"
        hint = joined(help, BACK_KEY if back else "")
        instruction = f"({hint}) {keys} " if hint else f"{keys} "
        question = questionary.confirm(prompt, default=default, instruction=instruction, **self.options)
        return bool(_asked(question, back))
