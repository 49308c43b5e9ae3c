"""The built-in template's history: a git repository in pickenv's cache with one tag
per pickenv version, so that copier can update projects with its own machinery.

copier updates a project by rendering the template at the project's recorded
``_commit`` and at the new one, then merging the difference into the project. So a
project must record a git repository and a tag that every later pickenv still has.
pickenv ships the template of its earlier releases as a git bundle
(``templates/project-history.bundle``, cumulative: a release only adds a tag) and its
own template as a folder. ``ensure_history`` puts both in a repository under the
cache folder: the bundle's tags, and a commit of the shipped folder tagged with this
pickenv's version. The repository is not bare (copier takes a bare repository's path
for a plain folder unless it ends in ``.git``, and would copy its internals) and has
no checkout. It only grows: tags are never moved, so projects made by another
pickenv keep their history when several are installed.

Projects record the repository as ``~/…`` (where it is under the home folder), so
the same ``_src_path`` works on every machine with the same cache layout; ``pickenv
update`` re-creates the repository wherever it is missing. ``pickenv new`` still
renders from the shipped folder (cloning the repository would cost about 0.2 s per
project, measured) and records the tag whose tree is that folder's.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pickenv import __version__
from pickenv.context import Context
from pickenv.errors import TemplateError
from pickenv.repo import git as repo_git
from pickenv.repo.git import disk_trouble, shown

REPO_NAME = "project-template"
BUNDLE_NAME = "project-history.bundle"
_STAMP = "pickenv-shipped.json"

if TYPE_CHECKING:
    from packaging.version import Version
# Fixed identity and dates: the same template tree with the same parent gives the same
# commit on every machine, and a user's git config cannot sign or alter it.
_IDENTITY = {
    "GIT_AUTHOR_NAME": "pickenv",
    "GIT_AUTHOR_EMAIL": "pickenv@localhost",
    "GIT_COMMITTER_NAME": "pickenv",
    "GIT_COMMITTER_EMAIL": "pickenv@localhost",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00+0000",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+0000",
}


@dataclass(frozen=True)
class TemplateRef:
    """Where a project's template history is, and which tag it was made from."""

    repo: Path  # the cache repository on this machine
    recorded: str  # what projects record as _src_path
    tag: str  # the tag whose tree is the shipped template
    ready: bool  # the repository exists and has the tag (False: git missing or cache unwritable)
    note: str = ""  # why it is not ready


class HistoryError(TemplateError):
    """The template history repository cannot be made here."""


def release_key(tag: str) -> Version | None:
    """A tag as a PEP 440 version (None: not a version), for ordering."""
    from packaging.version import InvalidVersion, Version

    try:
        return Version(tag)
    except InvalidVersion:
        return None


def repo_path(ctx: Context) -> Path:
    return ctx.cache_dir / REPO_NAME


def recorded_path(repo: Path, ctx: Context) -> str:
    """``~/…`` when the repository is under the home folder that copier will expand
    (the process's own), else the absolute path."""
    home = ctx.home
    if Path(os.path.expanduser("~")) == home and repo.is_relative_to(home):
        return "~/" + repo.relative_to(home).as_posix()
    return repo.as_posix()


def template_ref(ctx: Context, template: Path) -> TemplateRef:
    """The reference a new project records. Never fails: without git or a writable
    cache the project records this version's tag, which any later pickenv ships."""
    repo = repo_path(ctx)
    recorded = recorded_path(repo, ctx)
    try:
        return ensure_history(ctx, template)
    except HistoryError as exc:
        return TemplateRef(repo, recorded, __version__, ready=False, note=exc.message)


def ensure_history(ctx: Context, template: Path, bundle: Path | None = None) -> TemplateRef:
    """Make (or complete) the cache repository and return the shipped template's tag."""
    bundle = bundle or template.parent / BUNDLE_NAME
    repo = repo_path(ctx)
    git = Git(repo, ctx.env)
    fingerprint = _fingerprint(template, bundle)
    stamp = repo / ".git" / _STAMP
    known = _read_stamp(stamp)
    if known.get("fingerprint") == fingerprint and git.has_tag(str(known.get("tag", ""))):
        return TemplateRef(repo, recorded_path(repo, ctx), str(known["tag"]), ready=True)
    try:
        repo.parent.mkdir(parents=True, exist_ok=True)
        with _locked(repo.parent / f"{REPO_NAME}.lock"):
            if not (repo / ".git").is_dir():
                _create(repo, ctx.env)
            if bundle.is_file():
                git.fetch_tags(bundle)
            tag = git.tag_tree(git.tree_of(template), __version__)
            stamp.write_text(json.dumps({"fingerprint": fingerprint, "tag": tag}), encoding="utf-8")
    except OSError as exc:
        # Worded without a flag: `update` reports it, and has no --output-dir to offer.
        trouble = disk_trouble(repo.parent, exc.strerror or "", exc.errno)
        raise HistoryError(
            f"cannot keep the template history in {shown(repo)}: {trouble or exc.strerror or exc}"
        ) from None
    except HistoryError as exc:  # a git command that could not write there
        raise HistoryError(f"cannot keep the template history in {shown(repo)}: {exc.message}") from None
    return TemplateRef(repo, recorded_path(repo, ctx), tag, ready=True)


def _fingerprint(template: Path, bundle: Path) -> str:
    """Cheap identity of the shipped files (names, sizes, mtimes), so that the tree is
    hashed by git only when they change: one walk instead of four git processes."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted([*template.rglob("*"), bundle]):
        with contextlib.suppress(OSError):
            info = path.stat()
            digest.update(
                f"{path.relative_to(template.parent)}\0{info.st_size}\0{info.st_mtime_ns}\n".encode()
            )
    return digest.hexdigest()


def _read_stamp(stamp: Path) -> dict[str, object]:
    try:
        data = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One pickenv at a time changes the repository (parallel `pickenv new` runs)."""
    with path.open("a") as handle:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: tags are created race-safely anyway
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _create(repo: Path, env: Mapping[str, str]) -> None:
    """A new, empty repository, made beside its place and moved in whole."""
    scratch = Path(tempfile.mkdtemp(prefix=f".{REPO_NAME}-", dir=repo.parent))
    try:
        Git(scratch, env).run("-c", "init.defaultBranch=main", "init", "-q")
        scratch.rename(repo)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


class Git:
    """The few git commands the history needs, run in one repository."""

    def __init__(self, repo: Path, env: Mapping[str, str]) -> None:
        self.repo = repo
        git = repo_git.Git.find(env, error=HistoryError, **_IDENTITY)
        if git is None:
            raise HistoryError("git is not installed", fixes=[])
        self.git = git

    def run(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        # A failure names the command, not "-c"; a full cache is said in the user's words.
        return self.git.run("-c", "commit.gpgSign=false", *args, cwd=self.repo, env=env).out

    def has_tag(self, tag: str) -> bool:
        if not tag or not (self.repo / ".git").is_dir():
            return False
        if (self.repo / ".git" / "refs" / "tags" / tag).is_file():
            return True  # the common case, without a process
        return bool(self.run("tag", "--list", tag).strip())

    def tags(self) -> dict[str, str]:
        """Tag name -> the tree of its commit."""
        out = self.run("for-each-ref", "--format=%(refname:strip=2) %(tree)", "refs/tags")
        return dict(line.split(" ", 1) for line in out.splitlines() if " " in line)

    def fetch_tags(self, bundle: Path) -> None:
        """The bundle's tags that the repository lacks; existing tags never move."""
        self.run("fetch", "-q", "--no-tags", str(bundle), "+refs/tags/*:refs/pickenv-bundle/*")
        have = self.tags()
        out = self.run("for-each-ref", "--format=%(refname:strip=2) %(objectname)", "refs/pickenv-bundle")
        for line in out.splitlines():
            name, commit = line.split(" ", 1)
            if name not in have:
                self.run("update-ref", f"refs/tags/{name}", commit, "")

    def tree_of(self, folder: Path) -> str:
        """The git tree of a folder's files, through a throwaway index."""
        index = self.repo / ".git" / "pickenv-index"
        env = {"GIT_INDEX_FILE": str(index)}
        try:
            self.run(f"--work-tree={folder}", "add", "-A", "-f", ".", env=env)
            return self.run("write-tree", env=env).strip()
        finally:
            index.unlink(missing_ok=True)

    def tag_tree(self, tree: str, version: str) -> str:
        """The tag for this version's tree: the version itself, or, when that tag holds
        another tree (a development build), the version with the tree as local label."""
        tags = self.tags()
        name = version if tags.get(version, tree) == tree else f"{version}+t{tree[:12]}"
        if tags.get(name) != tree:
            self.commit_tag(tree, name, tags)
        return name

    def commit_tag(self, tree: str, name: str, tags: Mapping[str, str]) -> None:
        """A commit of the tree on top of the latest earlier release, tagged ``name``."""
        mine = release_key(name)
        versions = [(key, tag) for tag in tags if (key := release_key(tag)) is not None]
        earlier = sorted((key, tag) for key, tag in versions if mine is not None and key < mine)
        parent = ["-p", f"refs/tags/{earlier[-1][1]}"] if earlier else []
        commit = self.run("commit-tree", tree, *parent, "-m", f"pickenv {name} project template").strip()
        # An empty old value: create only, never move a tag another process made.
        self.run("update-ref", f"refs/tags/{name}", commit, "")


def record_release(template: Path, bundle: Path, env: Mapping[str, str]) -> str:
    """Add this version's template to the shipped bundle (run once per release, before
    the version is raised); returns the tag. Earlier tags are kept as they are."""
    with tempfile.TemporaryDirectory() as scratch:
        git = Git(Path(scratch), env)
        git.run("-c", "init.defaultBranch=main", "init", "-q")
        if bundle.is_file():
            git.fetch_tags(bundle)
        tree = git.tree_of(template)
        tags = git.tags()
        if __version__ in tags and tags[__version__] != tree:
            raise HistoryError(f"{bundle} already has {__version__} with another template: raise the version")
        if __version__ not in tags:
            git.commit_tag(tree, __version__, tags)
        git.run("bundle", "create", "-q", str(bundle), "--tags")
    return __version__


if __name__ == "__main__":  # python -m pickenv.templating.history: record this release
    from pickenv.resources import project_template

    shipped = project_template()
    print(record_release(shipped, shipped.parent / BUNDLE_NAME, os.environ))
