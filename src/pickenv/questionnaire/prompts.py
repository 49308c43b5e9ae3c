"""Interactive prompts (questionary). Imported only when a question must be asked,
because prompt_toolkit costs more start-up time than the whole rule engine.

Ctrl-C at any prompt raises KeyboardInterrupt (the CLI exits 130, quietly).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import questionary

from pickenv.errors import PickenvError
from pickenv.questionnaire.questions import Question, Value


def ask_question(question: Question, default: Value) -> Value:
    """Ask one questionnaire question."""
    if question.kind == "bool":
        return bool(questionary.confirm(question.prompt, default=bool(default)).unsafe_ask())
    choices = [questionary.Choice(title=c.label, value=c.value) for c in question.choices]
    result = questionary.select(
        question.prompt,
        choices=choices,
        default=next(c for c in choices if c.value == default),
        instruction=f"({question.help})",
    ).unsafe_ask()
    return result  # type: ignore[no-any-return]


def select(prompt: str, choices: Sequence[tuple[str, str]], default: str, instruction: str = "") -> str:
    """A menu of (value, label) choices."""
    options = [questionary.Choice(title=label, value=value) for value, label in choices]
    chosen = next((c for c in options if c.value == default), options[0] if options else None)
    return str(
        questionary.select(
            prompt, choices=options, default=chosen, instruction=instruction or None
        ).unsafe_ask()
    )


def text(prompt: str, default: str, check: Callable[[object, str], str]) -> str:
    """Free text, validated as it is typed by the same check as a flag's value."""

    def validate(value: str) -> bool | str:
        try:
            check(value, "prompt")
        except PickenvError as exc:
            return str(exc)
        return True

    return str(questionary.text(prompt, default=default, validate=validate).unsafe_ask())


def confirm(prompt: str, default: bool) -> bool:
    return bool(questionary.confirm(prompt, default=default).unsafe_ask())
