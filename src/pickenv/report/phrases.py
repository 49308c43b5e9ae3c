"""Phrases several reports say the same way: rules files by the names people know them by,
and answers as the QUESTION=VALUE pairs `--answer` takes."""

from __future__ import annotations

from pickenv.questionnaire.questions import Value, format_value


def file_names(files: tuple[str, ...]) -> str:
    """Rules files as people know them: pickenv's own by name, a team's as given."""
    from pickenv.resources import builtin_rules_path, bundled_layers

    own = {str(builtin_rules_path()): "built-in rules.yaml"}
    own.update({str(path): f"bundled layer {name}" for name, path in bundled_layers().items()})
    return ", ".join(own.get(f, f) for f in files)


def pairs(answers: tuple[tuple[str, Value], ...]) -> str:
    return " ".join(f"{k}={format_value(v)}" for k, v in answers)
