"""Which template `pickenv new` renders (--template, the team file, or pickenv's own),
what it declares, and whether the user trusts what it runs."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from pickenv.commands.options import team_of
from pickenv.commands.terminal import Terminal
from pickenv.commands.trust import add_skip_tasks, add_trust, asked_for, consent
from pickenv.context import Context
from pickenv.errors import UsageError

if TYPE_CHECKING:
    # Every start builds the parser, which imports this module for add_arguments: the
    # template machinery (hashlib, subprocess, git) loads only when a template is chosen.
    from pickenv.templating.offer import Offer
    from pickenv.templating.source import TemplateInfo, TemplateSource


@dataclass(frozen=True)
class ChosenTemplate:
    source: TemplateSource
    info: TemplateInfo | None  # None: pickenv's own
    tools: tuple[str, ...]  # the tools it scaffolds
    trusted: bool  # the user allowed what it runs
    data: dict[str, str]  # values for its own questions (team file, then --data)
    offer: Offer | None = None  # how pickenv's answers meet a team template's questions


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--template",
        metavar="SOURCE",
        help="a team's copier template: a git URL (gh:org/repo), a local git repository or a folder",
    )
    parser.add_argument(
        "--template-ref", metavar="REF", help="the template's version (default: its newest tag)"
    )
    add_trust(parser)
    add_skip_tasks(parser)
    parser.add_argument(
        "--data",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="answer a question of the template that pickenv does not ask (built-in: repository; repeatable)",
    )


# The built-in template's questions that pickenv does not ask: given with --data (or a
# team file's data), each with a default in templates/project/copier.yml.
BUILTIN_DATA = ("repository",)


def choose_template(args: argparse.Namespace, ctx: Context, terminal: Terminal) -> ChosenTemplate:
    from pickenv.templating.source import builtin_source, inspect, resolve_source

    team = team_of(args, ctx)
    given = args.template or (team.template if team else None)
    ref = args.template_ref or (team.ref if team and not args.template else None)
    if args.template_ref and not given:
        raise UsageError("--template-ref needs --template (or a team file with a template)")
    given_data = data_pairs(args.data)
    data = {**(team.data if team else {}), **given_data}
    if not given:
        from pickenv.templating.offer import refuse_unknown_data
        from pickenv.templating.render import supported_tools

        source = builtin_source()
        assert source.folder is not None
        if team:
            refuse_unknown_data(
                team.data, BUILTIN_DATA, f"the team file {team.path} (data)", "built in", later=True
            )
        refuse_unknown_data(given_data, BUILTIN_DATA, "--data", "built in")
        data = {k: v for k, v in data.items() if k in BUILTIN_DATA}
        return ChosenTemplate(source, None, supported_tools(source.folder), False, data)
    if given_data and not given:
        raise UsageError("--data answers a team template's own questions: give --template (or a team file)")
    from pickenv.templating.offer import offer_of, refuse_unknown_data
    from pickenv.tools import tool_names

    source = resolve_source(given, ref, ctx)
    info = inspect(source, ctx)
    offer = offer_of(info, team.questions if team else {}, tool_names())
    if team:
        where = f"the team file {team.path} (data)"
        unasked = refuse_unknown_data(team.data, info.questions, where, source.location, later=True)
        if unasked:
            terminal.note(
                f"{where} answers {', '.join(unasked)}, which this version of the template does not ask: "
                "kept for a version that does"
            )
    refuse_unknown_data(given_data, info.questions, "--data", source.location)
    source = replace(source, ref=info.ref)  # render the version that was read
    # copier's `copy` runs no migration: only tasks and extensions need consent here.
    trusted = consent(asked_for(info.runs_on_copy, args), info.source.location, args, ctx, terminal)
    tools = info.tools if not offer.owns_tool else tool_names()
    return ChosenTemplate(source, info, tools, trusted, data, offer)


def data_pairs(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--data {pair!r} is not NAME=VALUE")
        out[name.strip()] = value
    return out
