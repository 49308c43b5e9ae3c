"""`pickenv new NAME`: recommend, answer the project's own questions (flag, answers
file, prompt or default), then scaffold with ``project.create.create_project``."""

from __future__ import annotations

import argparse
import signal
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import FrameType, ModuleType
from typing import TYPE_CHECKING

from pickenv.commands import Outcome
from pickenv.commands.options import add_answers
from pickenv.commands.terminal import Terminal
from pickenv.commands.wording import WORDING
from pickenv.context import Context
from pickenv.errors import EXIT_OK, Fix, NoTTYError
from pickenv.project.fields import LICENSES

if TYPE_CHECKING:
    from pickenv.project.create import NewRequest
    from pickenv.project.name import ProjectName
    from pickenv.project.placement import Destination

NAME = "new"
HELP = "scaffold a project for the recommended (or chosen) tool"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from pickenv.report.completion import offer
    from pickenv.tools import BUILTIN, tool_names

    parser.add_argument("name", help="project name (also the folder created)")
    add_answers(parser)
    tool = parser.add_argument(
        "--tool", metavar="TOOL", help=f"use this tool instead of the recommendation: {', '.join(BUILTIN)}"
    )
    offer(tool, tool_names)
    parser.add_argument("--description", help="one-line project description")
    parser.add_argument("--author", help="author name (default: git config user.name)")
    parser.add_argument("--license", choices=LICENSES, help="project licence (default: MIT)")
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
    parser.add_argument("--format", choices=("text", "json"), default="text")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # SIGTERM cleans up like Ctrl-C


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    try:
        previous = signal.signal(signal.SIGTERM, _interrupt)
    except ValueError:  # not the main thread (embedded use): no handler, no harm
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _prompts() -> ModuleType:
    from pickenv.questionnaire import prompts  # questionary: only when a prompt is shown

    return prompts


def _given(args: argparse.Namespace, extras: Mapping[str, object], key: str) -> tuple[object, str] | None:
    """A project answer from its flag, else the answers file."""
    flag = getattr(args, key)
    if flag is not None:
        return flag, f"--{key.replace('_', '-')}"
    return (extras[key], "answers file") if key in extras else None


def run(args: argparse.Namespace, ctx: Context, terminal: Terminal) -> Outcome:
    from pickenv.project.name import validate_project_name
    from pickenv.project.placement import check_destination

    # Name and destination first: nobody should answer ten questions to hear the name
    # was unusable.
    name = validate_project_name(args.name)
    destination = check_destination(args.output_dir / name, args.force)
    with _sigterm_as_interrupt():
        request = _request(args, ctx, terminal, name, destination)
        from pickenv.project.create import create_project

        def progress(message: str) -> None:
            if args.verbose or terminal.interactive or request.create_env:
                terminal.progress(message)

        result = create_project(request, ctx, progress)
    from pickenv.report import new as report

    if args.format == "json":
        return Outcome(report.result_json(result, WORDING), EXIT_OK)
    return Outcome(report.result_text(result, args.verbose, WORDING, ctx.cwd), EXIT_OK)


def _request(
    args: argparse.Namespace, ctx: Context, terminal: Terminal, name: ProjectName, destination: Destination
) -> NewRequest:
    from pickenv.commands.recommend import recommendation
    from pickenv.project.choice import ToolChoice
    from pickenv.project.create import NewRequest
    from pickenv.project.fields import check_bool, check_license, git_user_name, one_line
    from pickenv.project.template import supported_tools
    from pickenv.questionnaire.resolve import Resolver
    from pickenv.resources import project_template
    from pickenv.rules.service import assess_with_layer
    from pickenv.tools import get_tool, tool_names

    result, extras = recommendation(args, ctx, terminal)
    template = project_template()
    scaffolded = supported_tools(template)
    known = tool_names()
    choice = ToolChoice(
        result,
        [t for t in known if t in scaffolded],
        known,
        lambda tool: assess_with_layer(ctx, args.rules, args.layers, dict(result.answers), tool),
    )
    prompting = terminal.interactive and not args.defaults
    resolver = Resolver(use_defaults=args.defaults, can_ask=prompting)

    def text(what: str) -> Callable[[object, str], str]:
        return lambda value, origin: one_line(what, value, origin)

    def ask_text(what: str) -> Callable[[str], object]:
        return lambda default: _prompts().text(f"{what.capitalize()}?", default, text(what))

    tool = resolver.resolve(
        "tool",
        _given(args, extras, "tool"),
        choice.check,
        choice.default,
        lambda default: _prompts().select(
            "Which environment tool?",
            choice.menu(),
            default,
            f"(pickenv recommends {result.recommendation}: {choice.why_recommended()[:300]})",
        ),
    )
    description = resolver.resolve(
        "description",
        _given(args, extras, "description"),
        text("description"),
        lambda: f"{name}: a Python project",
        ask_text("description"),
    )
    author = resolver.resolve(
        "author",
        _given(args, extras, "author"),
        text("author"),
        lambda: git_user_name(ctx.env),
        ask_text("author"),
    )
    license_ = resolver.resolve(
        "license",
        _given(args, extras, "license"),
        check_license,
        lambda: "MIT",
        lambda default: _prompts().select("Licence?", [(x, x) for x in LICENSES], default),
    )
    create_env = resolver.resolve(
        "create_env",
        _given(args, extras, "create_env"),
        check_bool,
        lambda: prompting,  # yes when asked on a terminal, no with --defaults
        lambda default: _prompts().confirm("Create the environment now?", default),
    )
    if resolver.missing:
        flags = ["--[no-]create-env" if k == "create_env" else f"--{k}" for k in resolver.missing]
        raise NoTTYError(
            "no terminal to ask the project questions",
            fixes=[Fix.ANSWER_PROJECT],
            facts={"missing": ", ".join(flags)},
        )
    return NewRequest(
        name=name,
        destination=destination,
        template=template,
        answers=dict(result.answers),
        tool=get_tool(tool),
        recommended=result.recommendation,
        reasons=choice.reasons(tool),
        description=description,
        author=author,
        license=license_,
        create_env=create_env,
        python=args.python,
        dry_run=args.dry_run,
    )
