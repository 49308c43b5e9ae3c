"""The one output-format registry: which formats each result can be rendered in, and the
rendering. A command returns a result and names its kind; ``render`` turns it into text
for people, markdown, or the versioned JSON envelope (``report.envelope``) whose JSON
Schema ships in ``pickenv/schemas``.

The registry is a table of module names, not of imported functions: building the
argument parser asks which formats a kind has without importing any renderer (and the
services their results come from), which keeps start-up cheap.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from pickenv.platforms import POSIX, Platform
from pickenv.records import Record

TYPE_CHECKING = False  # as typing's, without importing typing on every start (README, Speed)
if TYPE_CHECKING:
    from typing import Any

    from pickenv.errors import Fix
    from pickenv.report.style import Style


# Records, not frozen dataclasses: every `pickenv recommend` defines them (pickenv.records).
class View(Record):
    """What rendering may know of where the output goes."""

    cwd: Path  # paths are shown relative to it
    style: Style | None = None  # colour (None: plain)
    width: int | None = None  # the terminal's width, for text (None: lines stay whole)
    verbose: bool = False
    quiet: bool = False  # --quiet: a text report says only what a script needs
    wording: Mapping[Fix, str] = MappingProxyType({})  # how the CLI words a fix
    platform: Platform = POSIX  # the shell commands are shown for (the Context's ``system``)


class Kind(Record):
    module: str  # the renderer module: a function ``<prefix>_<format>(result, view)`` per format
    prefix: str
    formats: tuple[str, ...]


TEXT, JSON, MARKDOWN = "text", "json", "markdown"
KINDS: Mapping[str, Kind] = {
    "recommendation": Kind("pickenv.report.recommendation", "recommendation", (TEXT, JSON, MARKDOWN)),
    "detect": Kind("pickenv.report.detect", "detection", (TEXT, JSON, MARKDOWN)),
    "switch": Kind("pickenv.report.switch", "result", (TEXT, JSON)),
    "new": Kind("pickenv.report.new", "result", (TEXT, JSON)),
    "update": Kind("pickenv.report.update", "result", (TEXT, JSON, MARKDOWN)),
    "fleet": Kind("pickenv.report.fleet", "fleet", (TEXT, JSON, MARKDOWN)),
    "diff": Kind("pickenv.report.drift", "drift", (TEXT, JSON)),
    "adopt": Kind("pickenv.report.drift", "adopted", (TEXT, JSON)),
    "template-check": Kind("pickenv.report.template", "check", (TEXT, JSON)),
    "template-init": Kind("pickenv.report.template_init", "init", (TEXT, JSON)),
    "rules": Kind("pickenv.report.rules", "rules", (TEXT, JSON, MARKDOWN, "mermaid", "dot")),
    "rules-check": Kind("pickenv.report.rules", "check", (TEXT, JSON)),
    "rules-facts": Kind("pickenv.report.rules", "facts", (TEXT, JSON)),
}


def formats(kind: str) -> tuple[str, ...]:
    """The formats ``kind`` renders in, text first (the default)."""
    return KINDS[kind].formats


def render(kind: str, result: Any, fmt: str, view: View) -> str:
    """``result`` in ``fmt`` (a renderer of text wraps it to the view's width where that
    cannot break what is shown: never a diff or a command)."""
    entry = KINDS[kind]
    if fmt not in entry.formats:
        raise ValueError(f"{kind} has no {fmt} format (it has {', '.join(entry.formats)})")
    renderer = getattr(importlib.import_module(entry.module), f"{entry.prefix}_{fmt}")
    output: str = renderer(result, view)
    return output
