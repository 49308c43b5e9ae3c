"""A first release in a git repository: the files pickenv wrote, committed and tagged,
all or nothing (`pickenv template init`).

- Only pickenv's files are committed, never anything else in the folder. They are added
  to an index of pickenv's own (``GIT_INDEX_FILE`` in its staging folder), started from
  the branch's last commit: the user's index, and whatever is staged in it, stay as they
  are until the release is made.
- The commit is made with ``commit-tree``, signed (``-S``) when ``commit.gpgSign`` says
  so, as `git commit` would (the plumbing ignores that setting since git 2.9); the tag
  with ``git tag -a`` (annotated, and signed when ``tag.gpgSign`` says so; ``-m`` keeps
  any editor away); the branch is moved last with ``update-ref`` from the commit it
  had (compare-and-swap: a commit someone made meanwhile is never lost).
- No hook runs: every command runs with ``core.hooksPath`` pointing at nothing, so
  neither the user's global hooks nor the repository's (pre-commit, commit-msg,
  post-commit, reference-transaction) see it. This is stronger than ``commit
  --no-verify``, which still runs post-commit and reference-transaction hooks.
- ``undo`` takes back what was made, newest first, each ref only while it still holds
  pickenv's value: the branch, the tag, the index entries. Objects written on the way
  are unreferenced, and git's own gc drops them.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pickenv.errors import DestinationError, Fix, PickenvError, UsageError
from pickenv.repo.git import Git, GitRun, shown

# Hooks are looked up in this "folder": there is never one there.
_NO_HOOKS = ("-c", f"core.hooksPath={os.devnull}")


def release_git(env: Mapping[str, str]) -> Git | None:
    """git as a release runs it: pathspecs taken literally (a template's file names
    hold ``{{`` and ``[``), never prompting, its failures exit 7; None: not installed."""
    return Git.find(env, error=DestinationError, GIT_LITERAL_PATHSPECS="1", GIT_TERMINAL_PROMPT="0")


def require_identity(git: Git, folder: Path) -> None:
    """Refuse, before anything is written, a commit git would refuse: it needs to know
    who makes it (``user.name`` and ``user.email``, as git reads them in ``folder``)."""
    for who in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
        if not git.run("var", who, cwd=folder, check=False).ok:
            raise UsageError("git does not know who you are, and the template's first commit needs it",
                             fixes=[Fix.GIT_IDENTITY])  # fmt: skip


def initialise(git: Git, folder: Path) -> None:
    """A new repository in ``folder`` on branch main (``-c init.defaultBranch``: what
    ``init -b main`` does, and older gits ignore it rather than fail)."""
    git.run("-c", "init.defaultBranch=main", "init", "-q", cwd=folder)


@dataclass
class Release:
    """One release being made in the repository at ``root``, and what it has made so far."""

    git: Git
    root: Path
    tag: str
    branch: str  # the full ref name: refs/heads/main
    head: str  # the branch's commit before ("" for a repository without commits)
    commit: str = ""
    tag_object: str = ""
    moved: bool = False  # the branch points at ``commit``
    staged: list[str] = field(default_factory=list)  # paths added to the user's index

    @classmethod
    def prepare(cls, git: Git, root: Path, tag: str) -> Release:
        """Refuse, before anything is written, what would make the release fail: a
        detached HEAD (no branch to commit on) or the tag there already."""

        def run(*args: str) -> GitRun:
            return git.run(*_NO_HOOKS, *args, cwd=root, check=False)

        branch = run("symbolic-ref", "-q", "HEAD")
        if not branch.ok:
            raise DestinationError(
                f"{shown(root)} is a git repository on no branch (a detached HEAD); "
                "check out the branch the template goes on first"
            )
        if run("rev-parse", "-q", "--verify", f"refs/tags/{tag}").ok:
            raise DestinationError(
                f"{shown(root)} is a git repository that has a tag {tag} already; "
                "pickenv tags the template's first version with it"
            )
        head = run("rev-parse", "-q", "--verify", "HEAD^{commit}")
        return cls(git, root, tag, branch.out.strip(), head.out.strip() if head.ok else "")

    def run(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        return self.git.run(*_NO_HOOKS, *args, cwd=self.root, env=env).out.strip()

    def make(self, files: Sequence[str], message: str, index: Path) -> None:
        """Commit ``files`` (paths relative to the root) on top of the branch, tag the
        commit, move the branch to it and bring the user's index in step."""
        own = {"GIT_INDEX_FILE": str(index)}
        if self.head:
            self.run("read-tree", self.head, env=own)
        self.run("add", "-f", "--", *files, env=own)  # -f: the template needs them all, ignored or not
        tree = self.run("write-tree", env=own)
        parents = ("-p", self.head) if self.head else ()
        signed = self.git.run("config", "--bool", "commit.gpgSign", cwd=self.root, check=False)
        sign = ("-S",) if signed.out.strip() == "true" else ()
        self.commit = self.run("commit-tree", *sign, tree, *parents, "-m", message)
        self.run("tag", "-a", "-m", message, self.tag, self.commit)
        self.tag_object = self.run("rev-parse", "--verify", f"refs/tags/{self.tag}")
        # An empty old value: the branch must still be unborn.
        self.run("update-ref", "-m", message, self.branch, self.commit, self.head)
        self.moved = True
        self.staged = list(files)
        self.run("reset", "-q", "--", *files)  # the user's index: pickenv's files as committed

    def undo(self) -> None:
        """Take back what ``make`` did, each ref only while it still holds pickenv's value.
        Never raises: it runs while another error is on its way to the user."""
        steps: list[tuple[str, ...]] = []
        if self.moved:
            if self.head:
                steps.append(("update-ref", self.branch, self.head, self.commit))
            else:
                steps.append(("update-ref", "-d", self.branch, self.commit))
        if self.staged:
            steps.append(("reset", "-q", "--", *self.staged))  # back to the branch's entries: none
        if self.tag_object:
            steps.append(("update-ref", "-d", f"refs/tags/{self.tag}", self.tag_object))
        for step in steps:  # each on its own: one that fails does not keep the others back
            with contextlib.suppress(PickenvError):
                self.run(*step)
