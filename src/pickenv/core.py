"""The core functions behind each command: plain values in, frozen results out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pickenv.answers import AnswersFile, Asker, collect_answers
from pickenv.config import rules_paths
from pickenv.engine import Recommendation, recommend
from pickenv.errors import RulesError
from pickenv.rules_cache import cached_rules
from pickenv.rules_model import RuleSet

if TYPE_CHECKING:
    from pickenv.rules_check import CheckReport


@dataclass(frozen=True)
class Context:
    """Everything outside the process's arguments that pickenv reads."""

    env: Mapping[str, str]
    config_dir: Path | None  # None: no user config
    builtin_rules: Path
    interpreter: tuple[int, int]  # (major, minor) of the Python running pickenv
    cache_dir: Path | None = None  # None: parse the rules files every time


def parse_rules(paths: Sequence[Path]) -> RuleSet:
    from pickenv.rules_loader import RulesSource, load_rules  # imports the YAML parser

    return load_rules([RulesSource.from_path(p) for p in paths])


def effective_rules(ctx: Context, cli_rules: Sequence[Path]) -> RuleSet:
    paths = rules_paths(ctx.builtin_rules, cli_rules, ctx.env, ctx.config_dir)
    return cached_rules(paths, ctx.cache_dir, lambda: parse_rules(paths))


def recommend_for(
    ctx: Context,
    *,
    cli_rules: Sequence[Path],
    pairs: Sequence[str],
    answers_file: AnswersFile | None,
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
    from pickenv.rules_check import check_rules

    # `rules check` always parses: its job is to report problems, not to trust a cache.
    if file is None:
        return check_rules(parse_rules(rules_paths(ctx.builtin_rules, cli_rules, ctx.env, ctx.config_dir)))
    from pickenv.rules_loader import RulesSource

    RulesSource.from_path(file)  # a missing or unreadable file is reported as such, without hints
    if standalone or _same_file(file, ctx.builtin_rules):
        return check_rules(parse_rules([file]))
    try:
        return check_rules(parse_rules([ctx.builtin_rules, *cli_rules, file]))
    except RulesError as exc:
        raise RulesError(
            exc.problems,
            hint=f"{file} was checked as a team layer over the built-in rules (and any --rules); "
            "for a complete rules file such as a copy of rules.yaml use --standalone",
        ) from None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
