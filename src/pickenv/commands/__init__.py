"""One module per command. Each declares ``NAME``, ``HELP``, ``add_arguments(parser)``
and ``run(args, ctx, terminal) -> Outcome``: it turns its arguments into plain values,
calls one service function and returns its frozen result with the result's kind; the
CLI renders it in the --format asked (``report.formats``, the one format registry). Modules import their
heavy dependencies inside ``run``, so building the parser stays cheap."""

from __future__ import annotations

from pickenv.records import Record

COMMANDS = (
    "recommend",
    "new",
    "update",
    "diff",
    "adopt",
    "detect",
    "switch",
    "rules",
    "template",
    "completion",
    "schema",
)


class Outcome(Record):
    output: str  # written to stdout once the command succeeded (rendered from ``result``)
    code: int
    # The command changed something on disk (a project was created): its report must
    # reach the user even when stdout cannot take it, so it goes to stderr then.
    changed: bool = False
    kind: str = ""  # the result's kind in the format registry ("" when ``output`` is final)
    result: object = None


def result_of(kind: str, result: object, code: int, *, changed: bool = False) -> Outcome:
    """A command's result, for the CLI to render in the format the user asked."""
    return Outcome("", code, changed, kind, result)
