"""`pickenv recommend`: the ranked recommendation for the answers, with its reasons."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from pickenv.commands import Outcome
from pickenv.commands.options import FORMATS, add_answers, given_answers, rules_of, team_of
from pickenv.commands.terminal import Terminal
from pickenv.context import Context
from pickenv.errors import EXIT_OK

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pickenv.questionnaire.answers import Asker
    from pickenv.questionnaire.questions import Value
    from pickenv.rules.engine import Recommendation

NAME = "recommend"
HELP = "recommend a tool, with reasons"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_answers(parser)
    parser.add_argument("--format", choices=FORMATS, default="text")


def recommendation(
    args: argparse.Namespace,
    ctx: Context,
    terminal: Terminal,
    ask: Asker | None = None,
    defaults: Mapping[str, Value] | None = None,
) -> tuple[Recommendation, dict[str, object]]:
    """The recommendation for the answer flags (prompting where allowed), and the answers
    file's other keys, read once (`new` uses them)."""
    from pickenv.rules.service import recommend_for

    if ask is None and terminal.interactive and not args.defaults:
        from pickenv.questionnaire.prompts import Prompts

        ask = Prompts(terminal.prompt_colors()).question
    given, extras = given_answers(args, terminal.stdin)
    team = team_of(args, ctx)
    result = recommend_for(
        ctx,
        cli_rules=rules_of(args, ctx),
        layers=args.layers,
        given={**(team.answers if team else {}), **given},  # the team fixes, the user may still say
        use_defaults=args.defaults,
        ask=ask,
        defaults={**(defaults or {}), **(team.defaults if team else {})},
    )
    return result, extras


def run(args: argparse.Namespace, ctx: Context, terminal: Terminal) -> Outcome:
    from pickenv.report import recommendation as report
    from pickenv.report.style import fit

    result, _ = recommendation(args, ctx, terminal)
    if args.format == "json":
        return Outcome(report.recommendation_json(result), EXIT_OK)
    if args.format == "markdown":
        return Outcome(report.recommendation_markdown(result), EXIT_OK)
    return Outcome(fit(report.recommendation_text(result, terminal.style()), terminal.width()), EXIT_OK)
