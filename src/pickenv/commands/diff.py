"""`pickenv diff [PATH]`: how a project differs from its template at the version it
records (``templating.drift``): what an update will treat as your own edits."""

from __future__ import annotations

import argparse

from pickenv.commands import Outcome, result_of
from pickenv.commands.options import Examples, add_copier_answers, add_format, add_project_path
from pickenv.commands.terminal import Terminal
from pickenv.commands.trust import add_trust, consent
from pickenv.context import Context
from pickenv.errors import EXIT_DRIFT, EXIT_OK

NAME = "diff"
HELP = "show how a project differs from its template at the version it records"
DESCRIPTION = (
    "Render the project's template at the version its answers file records, with its answers "
    "(tasks skipped), and show each template file the project changed (a unified diff) or "
    "deleted. The project's own files are counted, not shown; files the template's tasks write "
    "show as changed. Nothing is written. With "
    f"--exit-code it exits {EXIT_DRIFT} when the project differs."
)
EXAMPLES: Examples = (
    ("what did this project change in its template's files?", "pickenv diff"),
    ("fail a CI job when the project drifted", "pickenv diff --exit-code --format json"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_project_path(parser)
    parser.add_argument(
        "--exit-code",
        action="store_true",
        help=f"exit {EXIT_DRIFT} when the project differs from its template",
    )
    add_copier_answers(parser)
    add_trust(parser)
    add_format(parser, "diff")


def run(args: argparse.Namespace, ctx: Context, terminal: Terminal) -> Outcome:
    from pickenv.templating.drift import drift

    project = (ctx.cwd / args.path).resolve()
    with terminal.activity(prompts=terminal.interactive and not args.trust) as activity:
        activity.step(f"Rendering the template of {args.path}")
        result = drift(
            project,
            ctx,
            answers_file=args.copier_answers,
            allow=lambda unsafe, location: consent(unsafe, location, args, ctx, terminal),
        )
    return result_of("diff", result, EXIT_DRIFT if args.exit_code and result.drifted else EXIT_OK)
