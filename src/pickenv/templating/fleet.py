"""A team's whole fleet at once: `pickenv update --check` over many projects (folders,
and git URLs read from a shallow clone), listed on the command line or in the team
file's ``projects:``. For each: the template it follows, the version it is at, the
version it would update to (the team's pin, else the template's newest release), and
so whether it is current, behind (by how many release versions), ahead of the team's
pin, or unreadable (with the one-line reason). Versions are compared, nothing is
rendered: a fleet of hundreds is checked in seconds, each template's tags asked once.
Projects are read in parallel (threads: the work is git's and the disk's).
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pickenv.context import Context
from pickenv.errors import PickenvError, UsageError
from pickenv.templating.answers import read_answers
from pickenv.templating.history import release_key
from pickenv.templating.update_answers import find_answers_file
from pickenv.templating.update_source import UpdateSource, update_source

if TYPE_CHECKING:
    from packaging.version import Version

Status = Literal["current", "behind", "ahead", "unreadable"]
WORKERS = 8  # parallel reads: git and the disk wait, the CPU does not
FLEET_LIMIT = 2_000  # projects in one check


@dataclass(frozen=True)
class FleetRow:
    project: str  # as given (a folder or a git URL)
    status: Status
    template: str = ""
    at: str = ""  # the version the project is at
    target: str = ""  # the version it would update to
    behind: int = 0  # release versions between at and target
    pinned: bool = False  # target is the team's pin
    reason: str = ""  # why it is unreadable


@dataclass(frozen=True)
class Fleet:
    rows: tuple[FleetRow, ...]

    def count(self, status: Status) -> int:
        return sum(1 for row in self.rows if row.status == status)


def check_fleet(targets: Sequence[str], ctx: Context, pins: Mapping[str, str]) -> Fleet:
    """Every target's row, in the order given."""
    tags = _TagCache(ctx)
    with ThreadPoolExecutor(max_workers=min(WORKERS, max(1, len(targets)))) as pool:
        rows = list(pool.map(lambda target: _row(target, ctx, pins, tags), targets))
    return Fleet(tuple(rows))


def _row(target: str, ctx: Context, pins: Mapping[str, str], tags: _TagCache) -> FleetRow:
    from pickenv.templating.source import is_remote

    try:
        if is_remote(target):
            return _remote_row(target, ctx, pins, tags)
        return _folder_row(target, (ctx.cwd / Path(target).expanduser()).resolve(), ctx, pins, tags)
    except PickenvError as exc:
        return FleetRow(target, "unreadable", reason=exc.message)
    except OSError as exc:
        return FleetRow(target, "unreadable", reason=f"{exc.strerror or exc}")


def _folder_row(
    target: str, project: Path, ctx: Context, pins: Mapping[str, str], tags: _TagCache
) -> FleetRow:
    if not project.is_dir():
        return FleetRow(target, "unreadable", reason="not a folder")
    name = find_answers_file(project)
    if not (project / name).is_file():
        return FleetRow(target, "unreadable", reason=f"no {name}: not made from a template (pickenv adopt)")
    answers = read_answers(project, name)
    if not answers.get("_commit"):
        return FleetRow(target, "unreadable", reason="its answers file records no template version")
    source = update_source(answers, None, ctx, pins, newest=tags.newest)
    at, to = source.old, source.new
    template = source.src  # a team's local template as a path (``~/`` expanded): shown relative to here
    pinned = bool(pins) and not source.note
    order = tags.releases(source)
    key_at, key_to = release_key(at), release_key(to)
    if key_at is not None and key_to is not None and key_at > key_to:
        return FleetRow(target, "ahead" if pinned else "current", template, at, to, 0, pinned)
    if at == to:
        return FleetRow(target, "current", template, at, to, 0, pinned)
    behind = sum(1 for key in order if key_at is not None and key_to is not None and key_at < key <= key_to)
    return FleetRow(target, "behind", template, at, to, max(behind, 1), pinned)


def _remote_row(url: str, ctx: Context, pins: Mapping[str, str], tags: _TagCache) -> FleetRow:
    """A project in a git repository elsewhere: its default branch, shallow, files only."""
    from pickenv.repo.git import Git, last_complaint
    from pickenv.templating.source import git_url

    git = Git.needed(ctx.env, "checking a project from git needs it", GIT_TERMINAL_PROMPT="0")
    with tempfile.TemporaryDirectory(prefix="pickenv-fleet-") as scratch:
        clone = Path(scratch) / "project"
        done = git.run(
            "clone", "-q", "--depth", "1", "--", git_url(url), str(clone), cwd=Path(scratch), check=False
        )
        if not done.ok:
            return FleetRow(url, "unreadable", reason=last_complaint(done.stderr.decode("utf-8", "replace")))
        return _folder_row(url, clone, ctx, pins, tags)


class _TagCache:
    """Each template's tags, asked of git once for the whole fleet."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._tags: dict[str, tuple[str, ...]] = {}
        self._lock = threading.Lock()

    def tags(self, location: str, *, builtin: bool = False) -> tuple[str, ...]:
        """The tags of the template at ``location`` (``builtin``: pickenv's own history's)."""
        from pickenv.templating.source import release_tags
        from pickenv.templating.update_source import history_tags

        key = "" if builtin else location  # no template's location is empty
        with self._lock:
            known = self._tags.get(key)
        if known is None:
            known = history_tags(self.ctx) if builtin else release_tags(location, self.ctx)
            with self._lock:
                self._tags[key] = known
        return known

    def newest(self, location: str) -> str:
        from pickenv.errors import ProjectError
        from pickenv.templating.source import newest_of

        newest = newest_of(self.tags(location))
        if newest is None:
            raise ProjectError(f"the template {location} has no version tags", fixes=[])
        return newest

    def releases(self, source: UpdateSource) -> list[Version]:
        """The release versions of the template ``source`` follows (pickenv's own: its history)."""
        names = self.tags(source.recorded, builtin=source.builtin)
        keys = [release_key(t) for t in names]
        return [k for k in keys if k is not None and not k.is_prerelease]


def fleet_targets(given: Sequence[str], team_projects: Sequence[str]) -> list[str]:
    """The projects to check: those given, else the team file's; each once, in order."""
    targets = list(dict.fromkeys(given or team_projects))
    if len(targets) > FLEET_LIMIT:
        raise UsageError(f"{len(targets)} projects: more than {FLEET_LIMIT:,} in one check; split the list")
    return targets
