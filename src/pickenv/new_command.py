"""`pickenv new`: gather answers (flags, file, prompts or defaults), then call
``project.create_project`` and render its result."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from types import FrameType
from typing import TextIO, TypeVar

from pickenv.cli import recommend_from_args
from pickenv.core import Context
from pickenv.engine import Recommendation
from pickenv.envelope import envelope
from pickenv.errors import EXIT_OK, AnswerError, NoTTYError
from pickenv.new_answers import check_bool, check_license, check_tool, git_user_name, one_line
from pickenv.new_options import LICENSES, TOOLS
from pickenv.project import NewContext, NewRequest, NewResult, create_project
from pickenv.project_name import validate_project_name
from pickenv.scaffold import check_destination

T = TypeVar("T")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # SIGTERM cleans up like Ctrl-C


def scaffoldable(recommendation: Recommendation) -> str:
    """The best-ranked tool pickenv can scaffold (team rules may add tools it cannot)."""
    for assessment in recommendation.ranking:
        if assessment.eligible and assessment.tool in TOOLS:
            return assessment.tool
    raise AnswerError(
        f"the rules recommend {recommendation.recommendation}, which pickenv new cannot scaffold, "
        f"and rule out the others; pass --tool with one of: {', '.join(TOOLS)}"
    )


def _tool_prompt(recommendation: Recommendation) -> str:
    import questionary

    choices = []
    for a in recommendation.ranking:
        if not a.eligible or a.tool not in TOOLS:
            continue
        label = f"{a.tool} (score {a.score:+d})"
        if a.tool == recommendation.recommendation:
            label = f"{a.tool} (recommended, score {a.score:+d})"
        choices.append(questionary.Choice(title=label, value=a.tool))
    top = next(a for a in recommendation.ranking if a.tool == recommendation.recommendation)
    why = "; ".join(r.because for r in top.reasons if r.effect.startswith("+"))[:300]
    return str(
        questionary.select(
            "Which environment tool?",
            choices=choices,
            default=choices[0] if choices else None,
            instruction=f"(pickenv recommends {recommendation.recommendation}: {why})",
        ).unsafe_ask()
    )


def _text_prompt(prompt: str, default: str, check: Callable[[object, str], str]) -> str:
    import questionary

    def validate(text: str) -> bool | str:
        try:
            check(text, "prompt")
        except AnswerError as exc:
            return str(exc)
        return True

    return str(questionary.text(prompt, default=default, validate=validate).unsafe_ask())


def _license_prompt(default: str) -> str:
    import questionary

    return str(questionary.select("Licence?", choices=list(LICENSES), default=default).unsafe_ask())


def _confirm(prompt: str, default: bool) -> bool:
    import questionary

    return bool(questionary.confirm(prompt, default=default).unsafe_ask())


def _pick(flag: object, extras: Mapping[str, object], key: str) -> tuple[object, str] | None:
    if flag is not None:
        return flag, f"--{key.replace('_', '-')}"
    if key in extras:
        return extras[key], "answers file"
    return None


def gather_request(
    args: argparse.Namespace, ctx: Context, env: Mapping[str, str], interactive: bool
) -> NewRequest:
    # Name and destination first: nobody should answer ten questions to hear the
    # name was unusable.
    name = validate_project_name(args.name)
    check_destination((args.output_dir / name).absolute(), args.force)
    recommendation, answers_file = recommend_from_args(args, ctx, interactive)
    extras = answers_file.extras if answers_file else {}
    prompt = interactive and not args.defaults
    missing: list[str] = []

    def resolve(
        key: str,
        check: Callable[[object, str], T],
        ask: Callable[[T], object],
        default: Callable[[], T],
    ) -> T:
        """Flag, then answers file, then prompt or --defaults: the same order as the questionnaire."""
        found = _pick(getattr(args, key), extras, key)
        if found is not None:
            return check(*found)
        if prompt:
            return check(ask(default()), "prompt")
        if not args.defaults:
            flag = key.replace("_", "-")
            missing.append(f"--[no-]{flag}" if key == "create_env" else f"--{flag}")
        return check(default(), "default")  # computed only when needed: git config costs a process

    def text_check(what: str) -> Callable[[object, str], str]:
        return lambda value, origin: one_line(what, value, origin)

    def text_prompt(what: str) -> Callable[[str], object]:
        return lambda default: _text_prompt(f"{what.capitalize()}?", default, text_check(what))

    tool = resolve(
        "tool",
        lambda value, origin: check_tool(value, origin, recommendation),
        lambda _: _tool_prompt(recommendation),
        lambda: scaffoldable(recommendation),
    )
    description = resolve(
        "description",
        text_check("description"),
        text_prompt("description"),
        lambda: f"{name}: a Python project",
    )
    author = resolve("author", text_check("author"), text_prompt("author"), lambda: git_user_name(env))
    license_ = resolve("license", check_license, _license_prompt, lambda: "MIT")
    create_env = resolve(
        "create_env",
        check_bool,
        lambda default: _confirm("Create the environment now?", default),
        lambda: prompt,  # yes when asked on a terminal, no with --defaults
    )
    if missing:
        raise NoTTYError(
            f"no terminal to ask the project questions: answer with {', '.join(missing)}, "
            "the answers file, or take the defaults with --defaults"
        )
    return NewRequest(
        name=name,
        output_dir=args.output_dir,
        answers=dict(recommendation.answers),
        recommendation=recommendation,
        tool=tool,
        description=description,
        author=author,
        license=license_,
        create_env=create_env,
        python=args.python,
        force=args.force,
        dry_run=args.dry_run,
    )


def new_context(env: Mapping[str, str]) -> NewContext:
    from pickenv.config import user_cache_dir
    from pickenv.resources import templates_path

    return NewContext(
        env=env,
        home=Path.home(),
        cache_dir=user_cache_dir(env, sys.platform, Path.home()),
        template=templates_path() / "project",
        host_python=sys.executable,
        host_version=f"{sys.version_info[0]}.{sys.version_info[1]}",
    )


def result_json(result: NewResult) -> str:
    return envelope(
        "new",
        {
            "path": str(result.path),
            "tool": result.tool,
            "recommended": result.recommended,
            "reasons": list(result.reasons),
            "dry_run": result.dry_run,
            "files": list(result.files),
            "kept": list(result.kept),
            "environment": {
                "requested": result.environment.requested,
                "created": result.environment.created,
                "note": result.environment.note,
                "commands": list(result.environment.commands),
                "steps": [
                    {"title": s.title, "command": s.command, "seconds": round(s.seconds, 3)}
                    for s in result.environment.steps
                ],
            },
            "git": result.git,
            "timings": {name: round(seconds, 3) for name, seconds in result.timings},
        },
    )


def _activation(tool: str, name: str) -> str:
    if tool == "conda":
        return f"conda activate {name}"
    if tool == "pipenv":
        return "pipenv shell"
    return "source .venv/bin/activate   (Windows: .venv\\Scripts\\activate)"


def result_text(result: NewResult, verbose: bool) -> str:
    chosen = (
        result.tool
        if result.tool == result.recommended
        else f"{result.tool} (recommended: {result.recommended})"
    )
    env = result.environment
    if result.dry_run:
        lines = [f"Dry run: would create {result.path} for {chosen} ({len(result.files)} files):"]
        lines += [f"  {f}" for f in result.files]
        lines.append(
            "Commands that create the environment"
            + (" (--create-env runs them):" if not env.requested else ":")
        )
        lines += [f"  {c}" for c in env.commands]
        lines.append("Nothing was written.")
        return "\n".join(lines) + "\n"
    lines = [f"Created {result.path} for {chosen} ({len(result.files)} files)."]
    lines += [f"  why: {reason}" for reason in result.reasons]
    if result.kept:
        lines.append(f"Kept {len(result.kept)} existing files unchanged: {', '.join(result.kept)}")
    if env.created:
        lines.append("Environment created; the project is installed and its tests pass.")
    elif env.requested:
        lines.append(f"Environment not created: {env.note}")
    if verbose:
        lines += [f"  {title}: {seconds:.2f}s" for title, seconds in result.timings]
    lines.append(f"Git: {result.git}.")
    lines.append("Next:")
    lines.append(f"  cd {result.path.name}")
    if env.created:
        lines.append(f"  {_activation(result.tool, result.path.name)}")
    else:
        lines += [f"  {c}" for c in env.commands[1:]]
    return "\n".join(lines) + "\n"


def run_new(
    args: argparse.Namespace,
    ctx: Context,
    env: Mapping[str, str],
    stdin: TextIO,
    stdout: TextIO,
    stderr: TextIO,
) -> tuple[str, int]:
    from pickenv.cli import interactive_streams

    interactive = interactive_streams(stdin, stdout)
    previous = signal.getsignal(signal.SIGTERM)
    try:
        signal.signal(signal.SIGTERM, _interrupt)
    except ValueError:  # not the main thread (embedded use): no handler, no harm
        previous = None
    try:
        request = gather_request(args, ctx, env, interactive)

        def progress(message: str) -> None:
            if args.verbose or interactive or request.create_env:
                stderr.write(f"pickenv: {message}\n")
                stderr.flush()

        result = create_project(request, new_context(env), progress)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    if args.format == "json":
        return result_json(result), EXIT_OK
    return result_text(result, args.verbose), EXIT_OK
