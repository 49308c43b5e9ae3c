"""`pickenv new NAME`: recommend, answer the project's own questions (flag, answers
file, prompt or default), then scaffold with ``project.create.create_project``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from pickenv.commands import Outcome, new_template, result_of
from pickenv.commands.options import Examples, add_answers, add_format
from pickenv.commands.terminal import Terminal
from pickenv.context import Context
from pickenv.creation.fields import LICENSES
from pickenv.errors import EXIT_NO_ENVIRONMENT, EXIT_OK, UsageError

if TYPE_CHECKING:
    from pickenv.commands.new_answers import NewAnswers

NAME = "new"
HELP = "scaffold a project for the recommended (or chosen) tool"
DESCRIPTION = (
    "Recommend a tool as `pickenv recommend` does (or take --tool), then render a copier template "
    "for it into the new folder NAME: pickenv's own, or a team's (--template, --team). With "
    "--create-env it also creates the environment, installs the project and runs its tests. "
    "With --quiet only the project's path is printed (JSON output stays whole)."
)
EXAMPLES: Examples = (
    ("every answer its default, no environment", "pickenv new myproject --defaults"),
    ("a uv project with its environment, tested", "pickenv new mylib --tool uv --defaults --create-env"),
    ("show the files and commands, write nothing", "pickenv new myproject --defaults --dry-run"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from pickenv.report.completion import offer
    from pickenv.tools import BUILTIN, tool_names

    parser.add_argument("name", help="project name (also the folder created)")
    add_answers(parser)
    tool = parser.add_argument(
        "--tool", metavar="TOOL", help=f"use this tool instead of the recommendation: {', '.join(BUILTIN)}"
    )
    offer(tool, tool_names)
    new_template.add_arguments(parser)
    parser.add_argument("--description", help="one-line project description")
    parser.add_argument("--author", help="author name (default: git config user.name)")
    parser.add_argument(
        "--license",
        metavar="LICENCE",
        help=f"project licence: {', '.join(LICENSES)} (default: MIT); a team template's own choices",
    )
    parser.add_argument(
        "--create-env",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="create the environment for real (asked interactively; default with --defaults: no)",
    )
    parser.add_argument(
        "--python",
        metavar="INTERPRETER",
        help="interpreter to create the environment with (default: pythonX.Y on PATH or in pyenv)",
    )
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="create the project folder inside DIR (default: the current folder)",
    )
    parser.add_argument(
        "--force", action="store_true", help="write into an existing, non-empty folder (never deletes files)"
    )
    parser.add_argument("--dry-run", action="store_true", help="show the files and commands, write nothing")
    parser.add_argument("--verbose", "-v", action="store_true", help="report each step and its time")
    add_format(parser, "new")


def run(args: argparse.Namespace, ctx: Context, terminal: Terminal) -> Outcome:
    from pickenv.commands.new_answers import NewAnswers, repeat_command
    from pickenv.creation.create import create_project
    from pickenv.creation.name import validate_project_name
    from pickenv.creation.placement import check_destination
    from pickenv.creation.request import NewRequest
    from pickenv.tools import get_tool

    # Name and destination first: nobody should answer ten questions to hear the name
    # was unusable.
    name = validate_project_name(args.name)
    destination = check_destination(args.output_dir / name, args.force)
    template = new_template.choose_template(args, ctx, terminal)
    answering = NewAnswers(args, ctx, terminal, name, template.tools)
    owns_tool = template.offer is not None and template.offer.owns_tool
    if template.info is not None:
        answering.template_defaults = template.info.shared_defaults()
        answering.refuse = template.info.refuse
        answering.template_fields["create_env"] = False  # its README says how to set it up
        answering.tool_owner = template.source.location if owns_tool else ""
        _meet_template_fields(answering, template, args)
    gathered = answering.gather()
    values = gathered.values
    request = NewRequest(
        name=name,
        destination=destination,
        template=template.source,
        answers=dict(gathered.result.answers),
        tool=get_tool(values["tool"]),
        recommended=gathered.result.recommendation,
        reasons=gathered.choice.reasons(values["tool"]),
        description=values["description"],
        author=values["author"],
        license=values["license"],
        create_env=values["create_env"],
        python=args.python,
        dry_run=args.dry_run,
        offer=template.offer,
        extra_data=template.data,
        trusted=template.trusted,
        # copier asks a team template's own questions that nobody answered.
        ask_template=template.info is not None and terminal.interactive and not args.defaults,
        force=args.force,
        trust_links=template.info is not None and _trusts(args, ctx, template.source.location),
        skip_tasks=args.skip_tasks,
        unrecorded=frozenset(
            key
            for key in ("description", "author", "license")
            if getattr(args, key) is None and key not in answering.extras and key not in gathered.prompted
        ),
        tasks=template.info is not None and any(u.startswith("task") for u in template.info.unsafe),
        answers_file=str(template.info.config.get("_answers_file") or "") or None if template.info else None,
    )
    with terminal.activity(prompts=request.ask_template) as activity:
        result = create_project(request, ctx, activity.step)
    for note in result.leftovers:  # on stderr (stdout may be JSON), unless --quiet
        terminal.note(note)
    from pickenv.report.new import Made

    missing_env = result.environment.requested and not result.environment.created and not result.dry_run
    repeat = repeat_command(args, name, gathered, tool=not owns_tool) if gathered.asked else ""
    code = EXIT_NO_ENVIRONMENT if missing_env else EXIT_OK
    return result_of("new", Made(result, repeat), code, changed=not result.dry_run)


def _meet_template_fields(
    answering: NewAnswers, template: new_template.ChosenTemplate, args: argparse.Namespace
) -> None:
    """The project's fields a team template asks in its own way. A field it does not
    ask is not asked here either (it is recorded aside: ``templating.offer``), and a
    flag for it is refused rather than dropped; a field it asks with a default of its
    own takes that default; its choices replace pickenv's."""
    assert template.info is not None and template.offer is not None
    for key, default in answering.text_defaults().items():
        asked = template.offer.names.get(key)
        given = getattr(args, key) is not None or key in answering.extras
        if asked is None:
            if given:
                raise UsageError(
                    f"the template {template.source.location} asks no {key}: leave out --{key}, or name its "
                    f"question for it in the team file (questions: {{{key}: NAME}})"
                )
            answering.template_fields[key] = default()
            continue
        allowed = template.info.choices(asked)
        if allowed:
            answering.field_choices[key] = allowed
        own = template.info.questions[asked].get("default")
        if not given and own is not None and "{{" not in str(own):
            answering.template_fields[key] = str(own)


def _trusts(args: argparse.Namespace, ctx: Context, location: str) -> bool:
    """The user trusts this template as a whole (--trust, or a trust entry in the team
    file or the user config), whether or not it runs anything."""
    from pickenv.commands.options import team_of
    from pickenv.commands.trust import is_trusted
    from pickenv.config import read_user_config

    if args.trust:
        return True
    team = team_of(args, ctx)
    config = read_user_config(ctx.config_dir, ctx.home)
    return is_trusted(location, [*(team.trust if team else ()), *(config.trust if config else ())])
