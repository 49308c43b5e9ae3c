"""A user's git work tree, as a change to a project needs it: is it clean, what did
the change do, and how to put everything back.

A change starts only on a clean tree (no modified, staged or untracked files), so
putting it back is exact: ``git reset --hard`` to the commit it started from, and
``git clean`` of what is untracked. Ignored files (``.venv``, caches) are never
listed, cleaned or touched.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from pickenv.errors import Fix, ProjectError
from pickenv.project.git import last_complaint


@dataclass(frozen=True)
class WorkTree:
    top: Path  # the repository's top folder
    git: str
    env: Mapping[str, str]

    @classmethod
    def of(cls, folder: Path, env: Mapping[str, str]) -> WorkTree:
        git = shutil.which("git", path=env.get("PATH"))
        if git is None:
            raise ProjectError("git is not installed; changing a project needs it", fixes=[Fix.INSTALL_GIT])
        found = subprocess.run(
            [git, "rev-parse", "--show-toplevel"],
            cwd=folder,
            env=dict(env),
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        if found.returncode != 0:
            raise ProjectError(f"{folder} is not in a git repository", fixes=[Fix.GIT_INIT])
        return cls(Path(found.stdout.strip()), git, env)

    def run(self, *args: str, check: bool = True) -> str:
        result = subprocess.run(
            [self.git, *args],
            cwd=self.top,
            env=dict(self.env),
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        if check and result.returncode != 0:
            raise ProjectError(f"git {args[0]} failed in {self.top}: {last_complaint(result.stderr)}")
        return result.stdout

    def patch(self) -> bytes:
        """Everything staged, as a binary patch (bytes: files need not be UTF-8)."""
        result = subprocess.run(
            [self.git, "diff", "--cached", "--binary", "HEAD"],
            cwd=self.top,
            env=dict(self.env),
            capture_output=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        if result.returncode != 0:
            raise ProjectError(
                f"git diff failed in {self.top}: {last_complaint(result.stderr.decode(errors='replace'))}"
            )
        return result.stdout

    def apply(self, patch: bytes) -> None:
        """Make the change a patch describes in the work tree (not the index): all of it,
        or nothing, as `git apply` checks every hunk before it writes."""
        if not patch:
            return
        result = subprocess.run(
            [self.git, "apply", "--binary", "--whitespace=nowarn", "-"],
            cwd=self.top,
            env=dict(self.env),
            input=patch,
            capture_output=True,
            check=False,
        )
        if result.returncode != 0:
            why = last_complaint(result.stderr.decode(errors="replace"))
            raise ProjectError(f"the change could not be made in {self.top}: {why}")

    def head(self) -> str:
        head = self.run("rev-parse", "--verify", "-q", "HEAD", check=False).strip()
        if not head:
            raise ProjectError(f"{self.top} has no commit yet", fixes=[Fix.COMMIT_FIRST])
        return head

    def status(self) -> list[tuple[str, str]]:
        """(two-letter status, path) of every changed or untracked file."""
        out = self.run("status", "--porcelain=v1", "-z", "--untracked-files=all")
        entries = out.split("\0")
        rows: list[tuple[str, str]] = []
        index = 0
        while index < len(entries):
            entry = entries[index]
            index += 1
            if len(entry) < 4:
                continue
            code, path = entry[:2], entry[3:]
            if code[0] in "RC":
                index += 1  # the old name of a rename follows
            rows.append((code, path))
        return rows

    def require_clean(self) -> str:
        """The commit to come back to; refuses a tree with uncommitted changes."""
        head = self.head()
        dirty = [path for _, path in self.status()]
        if dirty:
            shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
            raise ProjectError(
                f"{self.top} has uncommitted changes ({shown})",
                fixes=[Fix.COMMIT_OR_STASH],
            )
        return head

    def ignored(self) -> set[str]:
        out = self.run("status", "--porcelain=v1", "-z", "--ignored", "--untracked-files=all")
        return {entry[3:] for entry in out.split("\0") if entry.startswith("!! ")}

    def unmerged(self) -> list[str]:
        return [p for p in self.run("diff", "--name-only", "-z", "--diff-filter=U").split("\0") if p]

    def commit_aside(self, path: Path, message: str) -> None:
        """Commit one file as pickenv (no hooks, no signing, not the user's identity):
        a step that ``keep_tree`` later takes back out of the history."""
        self.run(
            "-c", "user.name=pickenv", "-c", "user.email=pickenv@localhost", "-c", "commit.gpgSign=false",
            "commit", "-q", "--no-verify", "-m", message, "--", str(path.relative_to(self.top)),
        )  # fmt: skip

    def keep_tree(self, head: str, path: Path) -> None:
        """Back to ``head`` in the history, keeping the work tree and the index (where
        copier marks its conflicts), except ``path``'s entry, which is head's again."""
        # `reset --soft`, without its refusal while copier's merge left conflicts
        self.run("update-ref", "HEAD", head)
        self.run("reset", "-q", head, "--", str(path.relative_to(self.top)))

    @contextmanager
    def scratch_clone(self, prefix: str) -> Iterator[Path]:
        """A throwaway clone of the last commit, to make a change in and look at."""
        with tempfile.TemporaryDirectory(prefix=prefix) as scratch:
            clone = Path(scratch) / "project"
            self.run("clone", "-q", "--no-hardlinks", str(self.top), str(clone))
            yield clone

    def restore(self, head: str, ignored_before: set[str], *, every_new: bool = False) -> None:
        """Everything as it was at ``head`` on a clean tree; ignored files stay, except
        those the change added: its .rej files where *.rej is ignored, or with
        ``every_new`` every ignored file that was not there (what installing the
        project into a new environment writes, such as ``src/NAME.egg-info``)."""
        self.run("reset", "-q", "--hard", head)
        self.run("clean", "-q", "-f", "-d")
        folders: set[Path] = set()
        for path in self.ignored() - ignored_before:
            target = self.top / path
            if target.is_file() and (every_new or path.endswith(".rej")):
                target.unlink()
                folders.update(p for p in target.parents if self.top in p.parents)
        for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
            with suppress(OSError):  # only the folders the change emptied
                folder.rmdir()
