"""One module per command. Each declares ``NAME``, ``HELP``, ``add_arguments(parser)``
and ``run(args, ctx, terminal) -> Outcome``: it turns its arguments into plain values,
calls one service function and renders the frozen result. Modules import their
heavy dependencies inside ``run``, so building the parser stays cheap."""

from __future__ import annotations

from typing import NamedTuple

COMMANDS = ("recommend", "new", "update", "detect", "switch", "rules", "template", "completion")


class Outcome(NamedTuple):
    output: str  # written to stdout once the command succeeded
    code: int
    # The command changed something on disk (a project was created): its report must
    # reach the user even when stdout cannot take it, so it goes to stderr then.
    changed: bool = False
