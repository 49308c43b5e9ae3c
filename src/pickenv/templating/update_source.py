"""Where an update's old and new template come from: pickenv's own template history
or a team's repository (pinned by its team file, followed through a local clone of
its URL), the versions, and what the new one runs that the user must allow."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from pickenv.context import Context, expand_user
from pickenv.errors import Fix, ProjectError
from pickenv.repo.git import origin_url
from pickenv.templating.history import REPO_NAME, Git, ensure_history, release_key

FIRST_RELEASE = "0.1.0"  # pickenv before its template had a history


@dataclass(frozen=True)
class UpdateSource:
    """Where the old and the new template come from."""

    recorded: str  # the project's _src_path
    old: str  # the project's _commit
    src: str  # what copier renders the new version from (and records)
    new: str
    linked: bool  # the old reference is not the recorded one
    trusted: bool = False  # the user allowed what the new version runs
    builtin: bool = False  # pickenv's own template (it runs nothing)
    note: str = ""  # worth saying: a team's pin that does not apply


def with_consent(
    source: UpdateSource, allow: Callable[[tuple[str, ...], str], bool], skip_tasks: bool, ctx: Context
) -> tuple[UpdateSource, tuple[str, ...]]:
    """pickenv's own template runs nothing. A team's is read at both versions first:
    copier renders the old one too (its tasks and extensions run there), and the new
    one's tasks, extensions and migrations. What runs is asked for; skipped tasks are
    not (and --check skips them). Returns the source, and the new version's questions."""
    if source.builtin:
        return source, ()
    from pickenv.templating.source import inspect, resolve_source

    info = inspect(resolve_source(source.recorded, source.new, ctx), ctx)
    old = (
        inspect(resolve_source(source.recorded, source.old, ctx), ctx).unsafe
        if source.old != source.new
        else ()
    )
    skip = skip_tasks
    old_runs = tuple(u for u in old if not u.startswith("migration"))  # copier runs the new ones
    runs = tuple(
        u
        for u in dict.fromkeys((*old_runs, *info.unsafe))
        if not (skip and u.startswith("task")) and _runs_between(u, source.old, source.new)
    )
    # Nothing left to run (only skipped tasks): copier is told to trust the source all
    # the same, or it refuses a template that has tasks even when told to skip them.
    trusted = allow(runs, source.recorded) if runs else True
    return replace(source, trusted=trusted), tuple(info.questions)


def _runs_between(line: str, old: str, new: str) -> bool:
    """Whether a consent line runs on an update from ``old`` to ``new``: a migration to a
    version runs only when the update crosses it (copier's rule), the rest always."""
    found = re.match(r"migration to (\S+?)(?: \(\w+\))?:", line)
    if found is None:
        return True
    at, low, high = release_key(found[1]), release_key(old), release_key(new)
    if at is None or low is None or high is None:
        return True  # cannot tell: asked, rather than run unasked
    return low < at <= high


def is_builtin(answers: Mapping[str, object]) -> bool:
    """pickenv's own template: its history repository, or (pickenv 0.1.0) the
    templates/project folder of an installed pickenv or a checkout, recorded without a
    version, in a project with pickenv's questions answered."""
    parts = PurePosixPath(str(answers["_src_path"]).replace("\\", "/")).parts
    if parts[-2:] == ("pickenv", REPO_NAME):
        return True
    unversioned = "_commit" not in answers and answers.keys() >= _PICKENV_ANSWERS
    return parts[-2:] == ("templates", "project") and unversioned


_PICKENV_ANSWERS = {"tool", "domain", "python_version", "project_name"}


def _same(a: str, b: str, ctx: Context) -> bool:
    """Two spellings of one template source (``~/x`` and ``/home/me/x``, ``gh:o/r`` and
    ``https://github.com/o/r.git``), or a local clone and the URL it was cloned from."""
    from pickenv.templating.source import git_url, is_remote

    def norm(text: str) -> str:
        if not is_remote(text) and (text.startswith("~") or Path(text).is_absolute()):
            return str(expand_user(text, ctx.home).resolve())
        return git_url(text).rstrip("/").removesuffix(".git")

    if norm(a) == norm(b):
        return True
    for local, remote in ((a, b), (b, a)):
        if is_remote(remote) and not is_remote(local):
            origin = origin_url(Path(norm(local)), ctx.env)
            return origin is not None and norm(origin) == norm(remote)
    return False


def history_tags(ctx: Context) -> tuple[str, ...]:
    """The versions of pickenv's own template (its history repository's tags)."""
    from pickenv.resources import project_template

    return tuple(Git(ensure_history(ctx, project_template()).repo, ctx.env).tags())


def update_source(
    answers: Mapping[str, object],
    to: str | None,
    ctx: Context,
    pins: Mapping[str, str],
    *,
    newest: Callable[[str], str] | None = None,
) -> UpdateSource:
    """Where the project's template is and the versions of the update: ``to``, else the
    team's pin, else the newest release (``newest`` asks for it: the fleet check keeps
    each template's tags once)."""
    recorded = str(answers["_src_path"])
    commit = answers.get("_commit")
    if is_builtin(answers):
        from pickenv.resources import project_template

        history = ensure_history(ctx, project_template())
        tags = Git(history.repo, ctx.env).tags()
        new = to or history.tag
        if new not in tags:
            raise ProjectError(
                f"pickenv's template has no version {new}",
                fixes=[Fix.KNOWN_REF],
                facts={"versions": ", ".join(sorted(tags, key=lambda t: release_key(t) or 0))},
            )
        old = str(commit) if commit else FIRST_RELEASE
        linked = recorded != history.recorded or not commit
        return UpdateSource(recorded, old, history.recorded, new, linked, builtin=True)
    if not commit:
        raise ProjectError(
            f"the project records its template ({recorded}) but no version (_commit): "
            "it was copied from a folder and cannot be updated",
            fixes=[],
        )
    src = str(expand_user(recorded, ctx.home)) if recorded.startswith("~") else recorded
    pinned = next((ref for where, ref in pins.items() if _same(where, recorded, ctx)), None)
    new = to or pinned or (newest or (lambda where: _newest(where, ctx)))(recorded)
    note = ""
    if pins and pinned is None:  # said, never skipped in silence
        note = (
            f"the team file pins {', '.join(pins)}, not this project's template {recorded}: "
            "its pin does not apply"
        )
    return UpdateSource(recorded, str(commit), src, new, linked=False, note=note)


def _newest(recorded: str, ctx: Context) -> str:
    """The template's newest release tag by PEP 440, pre-releases left out (copier's
    own choice when no version is given); a template that is gone is said so."""
    from pickenv.templating.source import newest_release

    return newest_release(recorded, ctx)
