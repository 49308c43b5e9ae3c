"""The core functions behind each command: plain values in, frozen results out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pickenv.answers import Asker, collect_answers
from pickenv.config import rules_sources
from pickenv.engine import Recommendation, recommend
from pickenv.errors import RulesError
from pickenv.rules_check import CheckReport, check_rules
from pickenv.rules_loader import RulesSource, load_rules
from pickenv.rules_model import RuleSet


@dataclass(frozen=True)
class Context:
    """Everything outside the process's arguments that pickenv reads."""

    env: Mapping[str, str]
    config_dir: Path | None  # None: no user config
    builtin_rules: Path
    interpreter: tuple[int, int]  # (major, minor) of the Python running pickenv


def effective_rules(ctx: Context, cli_rules: Sequence[Path]) -> RuleSet:
    return load_rules(rules_sources(ctx.builtin_rules, cli_rules, ctx.env, ctx.config_dir))


def recommend_for(
    ctx: Context,
    *,
    cli_rules: Sequence[Path],
    pairs: Sequence[str],
    answers_file: Path | None,
    use_defaults: bool,
    ask: Asker | None,
) -> Recommendation:
    # Rules first: a broken rules file is reported before anyone answers questions.
    ruleset = effective_rules(ctx, cli_rules)
    answers = collect_answers(
        pairs=pairs,
        answers_file=answers_file,
        use_defaults=use_defaults,
        interpreter=ctx.interpreter,
        ask=ask,
    )
    return recommend(ruleset, answers)


def check_file(
    ctx: Context, *, file: Path | None, standalone: bool, cli_rules: Sequence[Path]
) -> CheckReport:
    """Check ``file`` as a team layer over the built-in rules (or alone), else the effective rules."""
    if file is None:
        return check_rules(effective_rules(ctx, cli_rules))
    if standalone or _same_file(file, ctx.builtin_rules):
        return check_rules(load_rules([RulesSource.from_path(file)]))
    try:
        return check_rules(
            load_rules([RulesSource.from_path(ctx.builtin_rules), RulesSource.from_path(file)])
        )
    except RulesError as exc:
        raise RulesError(
            exc.problems,
            hint=f"{file} was checked as a team layer over the built-in rules; "
            "for a complete rules file such as a copy of rules.yaml use --standalone",
        ) from None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
