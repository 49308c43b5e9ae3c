"""`pickenv switch --to TOOL [PATH]`: move an existing project to another environment
tool, carrying every dependency (``existing.switch.switch_project``)."""

from __future__ import annotations

import argparse

from pickenv.commands import Outcome, result_of
from pickenv.commands.options import Examples, add_answers, add_format, add_project_path, answering_of
from pickenv.commands.terminal import Terminal
from pickenv.commands.trust import add_trust, consent
from pickenv.context import Context
from pickenv.errors import EXIT_ENVIRONMENT, EXIT_NO_ENVIRONMENT, EXIT_OK, EXIT_PROJECT
from pickenv.report.completion import offer

NAME = "switch"
HELP = "move a project to another tool, keeping every dependency"
DESCRIPTION = (
    "Move an existing project to another environment tool: every dependency is carried into the "
    "new tool's files and the old tool's files are removed. What cannot be carried is listed, "
    "and nothing changes unless --accept-losses. The project must be a clean git work tree; "
    "--dry-run shows the switch as a diff."
)
EXAMPLES: Examples = (
    ("show the switch to uv as a diff, change nothing", "pickenv switch --to uv --dry-run"),
    ("switch to pipenv, then create the environment and test", "pickenv switch --to pipenv --create-env"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_project_path(parser)
    to = parser.add_argument("--to", required=True, metavar="TOOL", help="the tool to move to")

    def names() -> list[str]:
        from pickenv.tools import tool_names

        return list(tool_names())

    offer(to, names)
    parser.add_argument(
        "--dry-run", action="store_true", help="change nothing: show the switch as a diff of the files"
    )
    parser.add_argument(
        "--accept-losses",
        action="store_true",
        help="switch although something the old files say cannot be carried (the list is printed first)",
    )
    parser.add_argument(
        "--create-env",
        action="store_true",
        help="create the new environment and run the project's tests in it (the old one is kept)",
    )
    parser.add_argument(
        "--tests-must-pass",
        action="store_true",
        help="with --create-env: put everything back when the project's tests fail in the new environment",
    )
    parser.add_argument(
        "--python",
        metavar="INTERPRETER",
        help="interpreter to create the environment with (default: pythonX.Y on PATH or in pyenv)",
    )
    add_answers(parser)
    add_trust(parser)
    add_format(parser, "switch")


def run(args: argparse.Namespace, ctx: Context, terminal: Terminal) -> Outcome:
    from pickenv.errors import Fix, UsageError
    from pickenv.existing.switch import SwitchRequest, switch_project
    from pickenv.tools import UnknownToolError, get_tool, tool_names

    try:
        get_tool(args.to)
    except UnknownToolError:
        raise UsageError(
            f"unknown tool {args.to!r}", fixes=[Fix.OTHER_TARGET], facts={"tools": ", ".join(tool_names())}
        ) from None
    if args.python and not args.create_env:
        raise UsageError("--python names the interpreter for --create-env; pass both or neither")
    if args.tests_must_pass and not args.create_env:
        raise UsageError("--tests-must-pass is about the tests --create-env runs; pass both or neither")
    if args.dry_run and args.create_env:
        raise UsageError("--dry-run changes nothing, so it creates no environment; pass one of them")
    answering, _ = answering_of(args, ctx, terminal.stdin)
    request = SwitchRequest(
        project=(ctx.cwd / args.path).resolve(),
        to=args.to,
        dry_run=args.dry_run,
        accept_losses=args.accept_losses,
        create_env=args.create_env,
        tests_must_pass=args.tests_must_pass,
        python=args.python,
        answering=answering,
        allow=lambda unsafe, location: consent(unsafe, location, args, ctx, terminal),
    )
    with terminal.activity() as activity:
        activity.step(f"Switching to {args.to}" + (" (dry run)" if args.dry_run else ""))
        result = switch_project(request, ctx, activity.step)
    code = (
        EXIT_PROJECT
        if result.refused
        else EXIT_NO_ENVIRONMENT
        if result.env_note
        else EXIT_ENVIRONMENT  # switched, but the project's tests failed in the new environment
        if result.tests is not None and not result.tests.passed
        else EXIT_OK
    )
    return result_of("switch", result, code, changed=not (result.dry_run or result.refused))
