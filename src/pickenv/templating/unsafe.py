"""What a template runs (copier's "unsafe features"), as the lines a user is asked to allow: its
tasks, its migrations (each with the version it migrates to) and its Jinja extensions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def runs_of(documents: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    """Every line to allow, from every document of the template's copier.yml."""
    # From every document, not only the one whose `_tasks` copier keeps: which of two
    # files one glob includes comes last is the file system's order in copier's clone.
    unsafe: dict[str, None] = {}
    for key, label in (
        ("_tasks", "task"),
        ("_migrations", "migration"),
        ("_jinja_extensions", "Jinja extension"),
    ):
        for document in documents:
            entries = document.get(key) or []
            for entry in entries if isinstance(entries, list) else [entries]:
                for line in _commands(label, entry):
                    unsafe[line] = None
    return tuple(unsafe)


def _commands(label: str, entry: object) -> list[str]:
    """What one entry of ``_tasks``/``_migrations``/``_jinja_extensions`` runs, as lines
    for the consent list: a migration names its version, and copier's older form
    (``before:``/``after:`` lists) each of its commands."""

    def words(shown: object) -> str:
        return " ".join(map(str, shown)) if isinstance(shown, list | tuple) else str(shown)

    if not isinstance(entry, Mapping):
        return [f"{label}: {words(entry)}"]
    version = f" to {entry['version']}" if label == "migration" and entry.get("version") else ""
    if "command" in entry:
        return [f"{label}{version}: {words(entry['command'])}"]
    stages = [(stage, entry.get(stage)) for stage in ("before", "after")]
    found = [(stage, item) for stage, items in stages if isinstance(items, list) for item in items]
    if found:
        return [f"{label}{version} ({stage}): {words(item)}" for stage, item in found]
    return [f"{label}{version}: {words(dict(entry))}"]
