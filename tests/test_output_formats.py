"""The one output-format registry (``pickenv.report.formats``): every kind's formats have a
renderer, every command offers exactly its kind's formats, and a command's result is
rendered by the CLI alone (no command module branches on --format)."""

from __future__ import annotations

import argparse
import importlib
import inspect
import re
from pathlib import Path

import pytest

import pickenv
from pickenv.commands.parser import build_parser
from pickenv.report.formats import KINDS, formats


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_format_of_a_kind_has_a_renderer(kind: str) -> None:
    entry = KINDS[kind]
    module = importlib.import_module(entry.module)
    assert formats(kind)[0] == "text"
    for fmt in entry.formats:
        renderer = getattr(module, f"{entry.prefix}_{fmt}")
        assert list(inspect.signature(renderer).parameters)[1:] == ["view"], (kind, fmt)


def _format_choices(parser: argparse.ArgumentParser, path: str = "") -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for action in parser._actions:
        if "--format" in action.option_strings:
            found[path] = tuple(action.choices or ())
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.update(_format_choices(sub, f"{path} {name}".strip()))
    return found


def test_every_command_offers_its_kinds_formats() -> None:
    kinds = {
        "recommend": "recommendation",
        "new": "new",
        "update": "update",
        "diff": "diff",
        "adopt": "adopt",
        "detect": "detect",
        "switch": "switch",
        "rules check": "rules-check",
        "rules show": "rules",
        "template check": "template-check",
        "template init": "template-init",
    }
    assert _format_choices(build_parser()) == {command: formats(kind) for command, kind in kinds.items()}


def test_no_command_module_branches_on_the_format() -> None:
    commands = Path(pickenv.__file__).parent / "commands"
    for path in commands.glob("*.py"):
        assert not re.search(r"args\.format\s*(==|in)", path.read_text(encoding="utf-8")), path.name
