"""`pickenv update [PATH]`: bring a project to the newest version of its template
(``project.update.update_project``), or with --check only say whether one exists."""

from __future__ import annotations

import argparse
from dataclasses import replace

from pickenv.commands import Outcome, result_of
from pickenv.commands.new_template import data_pairs
from pickenv.commands.options import Examples, add_copier_answers, add_format, team_of
from pickenv.commands.terminal import Terminal
from pickenv.commands.trust import add_skip_tasks, add_trust, consent
from pickenv.context import Context
from pickenv.errors import EXIT_CONFLICTS, EXIT_OK, EXIT_PROJECT, EXIT_UPDATE_AVAILABLE, UsageError

NAME = "update"
HELP = "update a project made by pickenv (or from a team template) to its template's newest version"
DESCRIPTION = (
    "Bring a project made by `pickenv new` (or from a team's copier template) to the newest "
    "version of its template, or to --to VERSION, keeping your own changes as copier's update "
    "does. The project must be a clean git work tree. --check changes nothing, runs none of the "
    "template's tasks, and says whether there is an update. Questions a new version adds get the "
    "team file's values (data, answers, defaults), pickenv's answers recorded when the project was "
    f"made, or --data; with conflicts to resolve it exits {EXIT_CONFLICTS}. --check with several "
    "projects (folders, git URLs, or the team file's `projects:`) checks them all at once: "
    f"exit {EXIT_UPDATE_AVAILABLE} when one is behind, {EXIT_PROJECT} when one cannot be read."
)
EXAMPLES: Examples = (
    ("is a newer template out? (exit 13 if so)", "pickenv update --check"),
    ("update the project in ./myproject", "pickenv update myproject"),
    ("update, and change a recorded answer with it", "pickenv update --data 'description=A better one'"),
    (
        "the team's whole fleet, as a table for a CI summary",
        "pickenv update --check --team acme-team.yaml --format markdown",
    ),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        nargs="*",
        default=[],
        metavar="PATH_OR_URL",
        help="the project's folder (default: here); with --check, several folders or git URLs (a fleet)",
    )
    parser.add_argument(
        "--to", metavar="VERSION", help="update to this version of the template (default: the newest)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help=f"change nothing: show what an update changes; exit {EXIT_UPDATE_AVAILABLE} if there is one",
    )
    parser.add_argument(
        "--conflict",
        choices=("inline", "rej"),
        default="inline",
        help="where a conflict goes: markers in the file (default) or a FILE.rej beside it",
    )
    parser.add_argument(
        "--team",
        metavar="FILE_OR_URL",
        help="a team file: its pinned template version, trust, and values for questions a new version adds",
    )
    parser.add_argument(
        "--data",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="change a recorded answer, or answer a question the new version adds (repeatable; not the tool)",
    )
    add_copier_answers(parser)
    parser.add_argument(
        "--recopy",
        action="store_true",
        help="render the version again over the project (copier's recopy): no merge; git shows what changed",
    )
    add_trust(parser)
    add_skip_tasks(parser)
    add_format(parser, "update")  # a fleet's formats are the same


def run(args: argparse.Namespace, ctx: Context, terminal: Terminal) -> Outcome:
    from pickenv.templating.update import UpdateRequest, update_project

    team = team_of(args, ctx)
    pins = {team.template: team.ref} if team and team.template and team.ref else {}
    if len(args.path) > 1 or (not args.path and team and team.projects and args.check):
        return _fleet(args, ctx, terminal, pins, team.projects if team else ())
    request = UpdateRequest(
        project=(ctx.cwd / (args.path[0] if args.path else ".")).resolve(),
        to=args.to,
        check=args.check,
        conflict=args.conflict,
        allow=lambda unsafe, location: consent(unsafe, location, args, ctx, terminal),
        pins=pins,
        data=data_pairs(args.data),
        team=team,
        skip_tasks=args.skip_tasks,
        answers_file=args.copier_answers,
        recopy=args.recopy,
    )
    # The consent to what a new version runs may be asked at a prompt: no live line over it.
    with terminal.activity(prompts=terminal.interactive and not args.trust) as activity:
        activity.step("Checking for a template update" if args.check else "Updating the project")
        result = update_project(request, ctx)
    code = EXIT_UPDATE_AVAILABLE if result.checked and result.available else EXIT_OK
    if not result.checked and (result.conflicts or result.rejects):
        code = EXIT_CONFLICTS
    result = replace(result, again=_again(args))
    return result_of(
        "update", result, code, changed=not result.checked and (result.available or bool(result.changes))
    )


def _again(args: argparse.Namespace) -> tuple[str, ...]:
    """The flags the update itself needs, for the command "Next:" shows after --check."""
    words: list[str] = []
    for flag in ("team", "to", "copier_answers"):
        if getattr(args, flag):
            words += [f"--{flag.replace('_', '-')}", str(getattr(args, flag))]
    words += [w for pair in args.data for w in ("--data", pair)]
    if args.conflict != "inline":
        words += ["--conflict", args.conflict]
    words += ["--trust"] * bool(args.trust) + ["--skip-tasks"] * bool(args.skip_tasks)
    words += ["--recopy"] * bool(args.recopy)
    return tuple(words)


def _fleet(
    args: argparse.Namespace, ctx: Context, terminal: Terminal, pins: dict[str, str], listed: tuple[str, ...]
) -> Outcome:
    """`update --check` over many projects: versions compared, nothing rendered."""
    from pickenv.templating.fleet import check_fleet, fleet_targets

    if not args.check:
        raise UsageError("update changes one project at a time; --check checks several at once")
    if args.to or args.data:
        raise UsageError("--to and --data are for one project; the fleet check follows the team's pin")
    targets = fleet_targets([str(p) for p in args.path], listed)
    with terminal.activity() as activity:
        activity.step(f"Checking {len(targets)} projects")
        fleet = check_fleet(targets, ctx, pins)
    code = EXIT_OK
    if fleet.count("unreadable"):
        code = EXIT_PROJECT
    if fleet.count("behind"):
        code = EXIT_UPDATE_AVAILABLE
    return result_of("fleet", fleet, code)
