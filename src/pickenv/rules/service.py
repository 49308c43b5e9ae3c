"""What the commands ask of the rules: the effective rule set (cached), a
recommendation for given answers, and the exhaustive check of a file."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from pickenv.config import rules_paths
from pickenv.context import Context
from pickenv.errors import Fix, RulesError
from pickenv.questionnaire.answers import Asker, collect_answers
from pickenv.questionnaire.questions import Value
from pickenv.resources import builtin_rules_path, bundled_layers
from pickenv.rules.cache import cached_rules
from pickenv.rules.engine import Assessment, Decider, Recommendation, recommend
from pickenv.rules.model import RuleSet

TYPE_CHECKING = False  # as typing's, without importing typing on every start (README, Speed)
if TYPE_CHECKING:
    from pickenv.rules.check import CheckReport
    from pickenv.rules.facts import FactsReport


def parse_rules(paths: Sequence[Path]) -> RuleSet:
    from pickenv.rules.loader import RulesSource, load_rules  # imports the YAML parser

    return load_rules([RulesSource.from_path(p) for p in paths])


def effective_rules(ctx: Context, cli_rules: Sequence[Path], layers: Sequence[str] = ()) -> RuleSet:
    paths = rules_paths(ctx, cli_rules, layers)
    return cached_rules(paths, ctx.cache_dir, lambda: parse_rules(paths))


def recommend_for(
    ctx: Context,
    *,
    cli_rules: Sequence[Path],
    layers: Sequence[str],
    given: Mapping[str, Value],
    use_defaults: bool,
    ask: Asker | None,
    defaults: Mapping[str, Value] | None = None,
) -> Recommendation:
    # Rules first: a broken rules file is reported before anyone answers questions.
    ruleset = effective_rules(ctx, cli_rules, layers)
    answers = collect_answers(
        given, use_defaults=use_defaults, interpreter=ctx.host_version, ask=ask, defaults=defaults
    )
    return recommend(ruleset, answers)


def assess_with_layer(
    ctx: Context, cli_rules: Sequence[Path], layers: Sequence[str], answers: Mapping[str, Value], tool: str
) -> Assessment | None:
    """How the rules plus ``tool``'s bundled layer judge ``tool``, for a tool chosen
    without including it in the ranking (``--tool uv`` without ``--with uv``)."""
    if tool not in bundled_layers():
        return None
    try:
        ruleset = effective_rules(ctx, cli_rules, [*layers, tool])
    except RulesError:
        # A team file whose `tools:` list predates the layer cannot take it; the
        # rules the user asked for are valid, so the tool is judged without it.
        return None
    return Decider(ruleset).assess(answers, tool) if tool in ruleset.tools else None


def check_file(
    ctx: Context,
    *,
    file: Path | None,
    standalone: bool,
    cli_rules: Sequence[Path],
    layers: Sequence[str] = (),
    progress: Callable[[float], None] | None = None,
) -> CheckReport:
    """Check ``file`` as a team layer over the built-in rules (or alone), else the effective rules."""
    from pickenv.rules.check import check_rules

    # `rules check` always parses: its job is to report problems, not to trust a cache.
    shipped = {str(builtin_rules_path()), *(str(p) for p in bundled_layers().values())}
    if file is None:
        paths = rules_paths(ctx, cli_rules, layers)
        team = [str(p) for p in paths if str(p) not in shipped]
        # Team layers are judged; without any, the top shipped layer is (rules.yaml
        # alone, or a bundled layer over it), each in the context it was made for.
        return check_rules(parse_rules(paths), judged=team or [str(paths[-1])], progress=progress)
    from pickenv.rules.loader import RulesSource

    RulesSource.from_path(file)  # a missing or unreadable file is reported as such, without hints
    if standalone or _same_file(file, builtin_rules_path()):
        return check_rules(parse_rules([file]), progress=progress)
    try:
        below = rules_paths(ctx, cli_rules, layers, team_layers=False)
        return check_rules(parse_rules([*below, file]), judged=[str(file)], progress=progress)
    except RulesError as exc:
        # The layer hint replaces the loader's: it is the likelier mistake.
        raise RulesError(exc.problems, fixes=[Fix.LAYER_OR_STANDALONE], facts={"file": str(file)}) from None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def check_facts_of(
    ctx: Context,
    *,
    cli_rules: Sequence[Path],
    layers: Sequence[str],
    file: Path | None = None,
    standalone: bool = False,
) -> FactsReport:
    """Check every versioned fact of the rules in force (or of ``file``, layered over
    them or alone) against the package index named by PICKENV_INDEX_JSON (default:
    PyPI's JSON API)."""
    import datetime

    from pickenv.rules.facts import PYPI_JSON, check_facts, index_fetcher

    if file is not None and standalone:
        paths = [file]
    else:
        paths = [*rules_paths(ctx, cli_rules, layers), *([file] if file is not None else [])]
    index = ctx.env.get("PICKENV_INDEX_JSON") or PYPI_JSON
    today = datetime.date.today().isoformat()
    return check_facts(parse_rules(paths), today=today, fetch=index_fetcher(index), index=index)
