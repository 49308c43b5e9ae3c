"""Interactive prompts (questionary). Imported only when a question must be asked,
because prompt_toolkit costs more start-up time than the whole rule engine."""

from __future__ import annotations

from collections.abc import Mapping

from pickenv.questions import Question, Value


def ask(question: Question, default: Value, answers: Mapping[str, Value]) -> Value:
    """Ask one question; Ctrl-C raises KeyboardInterrupt (the CLI exits 130, quietly)."""
    import questionary

    del answers  # defaults already depend on earlier answers; kept for the Asker signature
    if question.kind == "bool":
        result = questionary.confirm(question.prompt, default=bool(default)).unsafe_ask()
        return bool(result)
    choices = [questionary.Choice(title=c.label, value=c.value) for c in question.choices]
    result = questionary.select(
        question.prompt,
        choices=choices,
        default=next(c for c in choices if c.value == default),
        instruction=f"({question.help})",
    ).unsafe_ask()
    return result  # type: ignore[no-any-return]
