"""Whether the user allows a template to run what it runs (tasks, migrations, Jinja
extensions): --trust, a trust entry in the team file or the user config (copier's
rule: an entry ending in / is a prefix), or a yes at a prompt on a terminal. Nothing
else: never a blanket ``unsafe``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from pickenv.commands.options import team_of
from pickenv.commands.terminal import Terminal
from pickenv.context import Context
from pickenv.errors import Fix, UntrustedError


def add_trust(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--trust", action="store_true", help="allow the template's tasks, migrations and Jinja extensions"
    )


def add_skip_tasks(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--skip-tasks",
        action="store_true",
        help="render without running the template's tasks (its Jinja extensions still need --trust)",
    )


def asked_for(unsafe: Sequence[str], args: argparse.Namespace) -> tuple[str, ...]:
    """What needs consent on this run: tasks do not when --skip-tasks leaves them out."""
    skip = getattr(args, "skip_tasks", False)
    return tuple(u for u in unsafe if not (skip and u.startswith("task")))


def grouped(unsafe: Sequence[str]) -> str:
    """``task: a; task: b; Jinja extension: c`` as ``tasks: a, b; Jinja extension: c``:
    one line a reader can take in, each command still whole."""
    kinds: dict[str, list[str]] = {}
    for line in unsafe:
        label, _, what = line.partition(": ")
        kinds.setdefault(label, []).append(what)
    parts = [f"{label}{'s' if len(items) > 1 and not label.endswith(')') else ''}: {', '.join(items)}"
             for label, items in kinds.items()]  # fmt: skip
    return "; ".join(parts)


def is_trusted(location: str, trust: Sequence[str]) -> bool:
    return any(location.startswith(t) if t.endswith("/") else location == t for t in trust)


def consent(
    unsafe: Sequence[str], location: str, args: argparse.Namespace, ctx: Context, terminal: Terminal
) -> bool:
    """True when the template runs something and the user allowed it; False when it
    runs nothing; UntrustedError when it runs something nobody allowed."""
    if not unsafe:
        return False
    from pickenv.config import read_user_config

    config = read_user_config(ctx.config_dir, ctx.home)
    team = team_of(args, ctx)
    trust = [*(team.trust if team else ()), *(config.trust if config else ())]
    if args.trust or is_trusted(location, trust) or _trusted_origin(location, trust, ctx):
        return True
    runs = grouped(unsafe)
    if terminal.interactive and not getattr(args, "defaults", False):
        from pickenv.questionnaire.prompts import Prompts

        listing = "".join(f"  {line}\n" for line in unsafe)
        terminal.stderr.write(f"The template {location} runs, when it renders:\n{listing}")
        if Prompts(terminal.prompt_colors()).confirm("Allow it?", False, "only if you have read them"):
            return True
        raise UntrustedError(f"the template {location} was not allowed to run {runs}; nothing was written")
    raise UntrustedError(f"the template {location} runs {runs}, and nobody allowed it", fixes=[Fix.TRUST])


def _trusted_origin(location: str, trust: Sequence[str], ctx: Context) -> bool:
    """A local clone of a trusted URL is trusted as the URL is: its team file names the
    URL, its projects record the clone's path."""
    from pickenv.context import expand_user
    from pickenv.repo.git import origin_url
    from pickenv.templating.source import is_remote

    if not trust or is_remote(location):
        return False
    origin = origin_url(expand_user(location, ctx.home), ctx.env)
    return origin is not None and is_trusted(origin, trust)
