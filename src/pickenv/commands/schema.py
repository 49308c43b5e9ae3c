"""`pickenv schema [KIND]`: print the JSON Schema of a --format json output (its
``schema`` field names the kind) or of a rules or team file; without KIND, list them."""

from __future__ import annotations

import argparse

from pickenv.commands import Outcome
from pickenv.commands.options import Examples
from pickenv.commands.terminal import Terminal
from pickenv.context import Context
from pickenv.errors import EXIT_OK

NAME = "schema"
HELP = "print the JSON Schema of a JSON output or of a rules or team file"
DESCRIPTION = (
    "Print the JSON Schema (draft 2020-12) of an output of --format json, whose `schema` field "
    "names its kind (pickenv/KIND), or of a file people write: rules-file (rules.yaml and team "
    "rules layers), team-file (pickenv-team.yaml). Without KIND: the kinds, one a line."
)
EXAMPLES: Examples = (
    ("every kind, with what it describes", "pickenv schema"),
    ("check a team file in an editor that reads JSON Schemas", "pickenv schema team-file > team.schema.json"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from pickenv.schemas import kinds

    parser.add_argument(
        "kind", nargs="?", choices=kinds(), metavar="KIND", help="what to print the schema of"
    )


def run(args: argparse.Namespace, ctx: Context, terminal: Terminal) -> Outcome:
    from pickenv.schemas import kinds, load_schema, schema_text

    if args.kind is not None:
        return Outcome(schema_text(args.kind), EXIT_OK)
    width = max(len(kind) for kind in kinds())
    lines = [f"{kind:<{width}}  {load_schema(kind)['title']}" for kind in kinds()]
    return Outcome("\n".join(lines) + "\n", EXIT_OK)
