"""A user's git work tree, as a change to a project needs it: is it clean, what did
the change do, and how to put everything back.

A change starts only on a clean tree (no modified, staged or untracked files), so
putting it back is exact: ``git clean`` of what is untracked, then the index and the
files of the commit it started from (``git read-tree --reset -u``: ``reset --hard``
without the ORIG_HEAD it writes). Ignored files (``.venv``, caches) are never listed,
cleaned or touched. Every look (``git status``) is made without the index refresh
git writes when it can, so a look works on a full disk and leaves the index as it is.

pickenv never commits in a user's repository: a change that needs a commit of its own
(copier reads the template's place from the committed answers file) is made in a
scratch clone (``scratch_clone``) and carried over as a ``Change`` that touches the
work tree and the index only, never a ref.
"""

from __future__ import annotations

import errno
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pickenv.errors import Fix, ProjectError
from pickenv.inputs import ANSWERS_LIMIT, InputError, decode
from pickenv.repo.git import Git, GitRun, disk_trouble, last_complaint, probe, shown
from pickenv.templating.answers import ANSWERS_FILE, parse_answers, read_answers

_SHOWN = 3  # leftover files named in a message; the rest are counted


@dataclass(frozen=True)
class Stage:
    """One side of a conflict copier marked in the index: ``git update-index`` stage
    1 (the old render), 2 (the project) or 3 (the new render)."""

    mode: str
    number: int
    blob: bytes


@dataclass(frozen=True)
class Change:
    """A change made in a scratch clone, to be made again in the user's work tree.
    ``first`` is the answers file's part: made before the rest, so that a run killed
    half-way always leaves the changed answers file by which the next run knows it."""

    first: bytes  # binary patch of one file
    rest: bytes  # binary patch of every other file (.rej files included)
    conflicts: tuple[tuple[str, tuple[Stage, ...]], ...]  # (path, its stages) copier marked
    size: int  # bytes of the files the change writes, to check the room for them first


@dataclass(frozen=True)
class WorkTree:
    top: Path  # the repository's top folder
    git: Git

    @classmethod
    def of(cls, folder: Path, env: Mapping[str, str]) -> WorkTree:
        git = Git.needed(env, "changing a project needs it")
        if not folder.is_dir():
            raise ProjectError(f"{shown(folder)} is not a folder", fixes=[Fix.NOT_A_PROJECT])
        found = git.run("rev-parse", "--show-toplevel", cwd=folder, check=False)
        if not found.ok:
            raise ProjectError(f"{shown(folder)} is not in a git repository", fixes=[Fix.GIT_INIT])
        # Only git's line end: a folder's name may end in a space or even a line break.
        return cls(Path(found.out.removesuffix("\n")), git)

    def run(self, *args: str, check: bool = True) -> str:
        return self._git(*args, check=check).out

    def _git(
        self, *args: str, check: bool = True, stdin: bytes | None = None, where: Path | None = None
    ) -> GitRun:
        return self.git.run(*args, cwd=self.top, input=stdin, check=check, where=where)

    def _bytes(self, *args: str, stdin: bytes | None = None, where: Path | None = None) -> bytes:
        return self._git(*args, stdin=stdin, where=where).stdout

    def patch(self) -> bytes:
        """Everything staged, as a binary patch (bytes: files need not be UTF-8)."""
        return self._bytes("diff", "--cached", "--binary", "HEAD")

    def apply(self, patch: bytes) -> None:
        """Make the change a patch describes in the work tree (not the index): all of it,
        or nothing, as `git apply` checks every hunk before it writes."""
        if not patch:
            return
        result = self._git("apply", "--binary", "--whitespace=nowarn", "-", check=False, stdin=patch)
        if not result.ok:
            why = result.err
            trouble = disk_trouble(self.top, why)
            raise ProjectError(
                trouble or f"the change could not be made in {shown(self.top)}: {last_complaint(why)}"
            )

    def head(self) -> str:
        head = self.run("rev-parse", "--verify", "-q", "HEAD", check=False).strip()
        if not head:
            raise ProjectError(f"{shown(self.top)} has no commit yet", fixes=[Fix.COMMIT_FIRST])
        return head

    def committed(self, path: Path) -> bool:
        """Whether the last commit holds ``path`` (a file or folder of this tree)."""
        relative = path.relative_to(self.top).as_posix()
        return self._git("cat-file", "-e", f"HEAD:{relative}", check=False).ok

    def status(self) -> list[tuple[str, str]]:
        """(two-letter status, path) of every changed or untracked file."""
        # A look that never writes the index (git refreshes it when it can): it works on
        # a full disk, and leaves the index's bytes as they were.
        out = self.run("--no-optional-locks", "status", "--porcelain=v1", "-z", "--untracked-files=all")
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
        """The commit to come back to; refuses a tree with uncommitted changes, and
        names an unfinished template update as such."""
        head = self.head()
        rows = self.status()
        unfinished = self.unfinished_update(rows)
        if unfinished:
            raise ProjectError(unfinished)
        dirty = [path for _, path in rows]
        if dirty:
            raise ProjectError(
                f"{shown(self.top)} has uncommitted changes ({_names(dirty, 5)})", fixes=[Fix.COMMIT_OR_STASH]
            )
        return head

    def unfinished_update(
        self,
        rows: Sequence[tuple[str, str]] | None = None,
        under: Path | None = None,
        answers_file: str = ANSWERS_FILE,
    ) -> str | None:
        """What a template update that was stopped, or not yet committed, leaves in the
        tree (or in its folder ``under``): a changed answers file (its ``_commit`` no
        longer the last commit's) or ``.rej`` files, ignored ones included, in one line
        with the fix. None: there is none."""
        rows = self.status() if rows is None else rows
        prefix = "" if under is None or under == self.top else under.relative_to(self.top).as_posix() + "/"
        answers = [
            p
            for code, p in rows
            # changed since the last commit: not new (A), untracked (?) or ignored (!)
            if _is_answers(p, prefix, answers_file) and code[0] not in "A?!" and p.startswith(prefix)
        ]
        found_rej = self.run("ls-files", "-o", "-z", "--", "*.rej").split("\0")
        rejects = [p for p in found_rej if p and p.startswith(prefix)]
        if not answers and not rejects:
            return None
        found = [self._answers_change(path) for path in answers[:1]]
        if rejects:
            found.append(
                f"{_names(rejects, _SHOWN)} left beside {'its file' if len(rejects) == 1 else 'their files'}"
            )
        return (
            f"{shown(self.top)} holds a template update that is unfinished or not committed "
            f"({'; '.join(found)}): resolve and commit it, or discard it: "
            "`git restore --staged --worktree .`, then delete the files it added (`git clean -n` lists them)"
        )

    def _answers_change(self, path: str) -> str:
        old = self._committed_template(path)
        new = _template_version(lambda: read_answers(self.top, path, template=False))
        if new and not old:  # a project linked to its template's history in this update
            return f"{path} records template {new[:40]}, not committed"
        if old and new and old != new:
            return f"{path} records template {new[:40]}, the last commit {old[:40]}"
        return f"{path} changed"

    def _committed_template(self, path: str) -> str:
        """The template version the last commit's answers file records ("": none), read
        as the work tree's is: its size asked of git first, so that a huge committed file
        is never read."""
        blob = f"HEAD:{path}"
        size = self._git("cat-file", "-s", blob, check=False)
        if not size.ok or not size.out.strip().isdigit() or int(size.out) > ANSWERS_LIMIT:
            return ""
        data = self._git("cat-file", "blob", blob, check=False).stdout
        return _template_version(lambda: parse_answers(decode(data), blob, template=False))

    def require_writable(self) -> None:
        """A read-only tree is refused before anything is written."""
        code = {"read-only": errno.EROFS, "denied": errno.EACCES}.get(probe(self.top) or "")
        trouble = disk_trouble(self.top, code=code) if code else None
        if trouble:
            raise ProjectError(trouble)

    def ignored(self) -> set[str]:
        out = self.run(
            "--no-optional-locks", "status", "--porcelain=v1", "-z", "--ignored", "--untracked-files=all"
        )
        return {entry[3:] for entry in out.split("\0") if entry.startswith("!! ")}

    def unmerged(self) -> list[str]:
        return [p for p in self.run("diff", "--name-only", "-z", "--diff-filter=U").split("\0") if p]

    def commit_aside(self, path: Path, message: str) -> None:
        """Commit one file as pickenv (no hooks, no signing, not the user's identity):
        a step that ``keep_tree`` later takes back out of the history. Only ever in a
        scratch clone: a SIGKILL between the two would leave the commit on the branch."""
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
        require_usable_temp()
        temporary = Path(tempfile.gettempdir())
        try:
            made = tempfile.TemporaryDirectory(prefix=prefix)
        except OSError as exc:
            raise ProjectError(
                disk_trouble(temporary, exc.strerror or "", exc.errno)
                or f"cannot write in {shown(temporary)}"
            ) from None
        with made as scratch:
            clone = Path(scratch) / "project"
            self._bytes("clone", "-q", "--no-hardlinks", "--", str(self.top), str(clone), where=temporary)
            yield clone

    def take_change(self, first: Path) -> Change:
        """In a scratch clone whose HEAD is the user's commit: everything the work tree
        and the index now hold that HEAD does not, as a ``Change`` (``first``: the file
        whose part goes first). Leaves it all staged."""
        conflicts = self._conflicts()
        self.run("add", "-A")
        rejects = [p for p in self.run("ls-files", "-o", "-z", "--", "*.rej").split("\0") if p]
        if rejects:  # copier's .rej files, where the project ignores *.rej
            self._bytes("--literal-pathspecs", "add", "-f", "--", *rejects)
        relative = first.relative_to(self.top).as_posix()
        first_patch = self._bytes(
            "--literal-pathspecs", "diff", "--cached", "--binary", "HEAD", "--", relative
        )
        self._bytes("--literal-pathspecs", "reset", "-q", "--", relative)
        rest = self.patch()
        self._bytes("--literal-pathspecs", "add", "--", relative)
        written = self.run("diff", "--cached", "--name-only", "--diff-filter=d", "-z", "HEAD").split("\0")
        size = sum((self.top / p).lstat().st_size for p in written if p and (self.top / p).is_file())
        return Change(first_patch, rest, conflicts, size)

    def _conflicts(self) -> tuple[tuple[str, tuple[Stage, ...]], ...]:
        stages: dict[str, list[Stage]] = {}
        for entry in self.run("ls-files", "-u", "-z").split("\0"):
            if "\t" not in entry:
                continue
            info, path = entry.split("\t", 1)
            mode, blob, number = info.split()
            stages.setdefault(path, []).append(
                Stage(mode, int(number), self._bytes("cat-file", "blob", blob))
            )
        return tuple((path, tuple(found)) for path, found in stages.items())

    def make(self, change: Change) -> None:
        """Make a change taken from a scratch clone in this work tree: its files, then
        copier's conflict marks in the index. Refuses, before writing anything, where
        the disk cannot hold it. The caller restores the tree on failure."""
        index = self.top / ".git" / "index"  # written again when conflicts are marked
        needed = change.size + (index.stat().st_size if index.is_file() else 0) + _MARGIN
        free = shutil.disk_usage(self.top).free
        if free < needed:
            raise ProjectError(
                f"no space left on the device holding {shown(self.top)} ({free // 1024} KB free; the update "
                f"needs about {needed // 1024 + 1} KB); free some space there and run it again"
            )
        entries: list[str] = []
        for path, stages in change.conflicts:  # objects first: they change nothing the user sees
            blobs = [
                self._bytes("hash-object", "-w", "--stdin", stdin=s.blob).decode().strip() for s in stages
            ]
            entries.append(f"0 {'0' * len(blobs[0])}\t{path}")  # the merged entry goes
            entries += [f"{s.mode} {blob} {s.number}\t{path}" for s, blob in zip(stages, blobs, strict=True)]
        self.apply(change.first)
        self.apply(change.rest)
        if entries:
            listed = "\0".join(entries).encode("utf-8", "surrogateescape") + b"\0"
            self._bytes("update-index", "-z", "--index-info", stdin=listed)

    def restore(self, head: str, ignored_before: set[str], *, every_new: bool = False) -> None:
        """Everything as it was at ``head`` on a clean tree; ignored files stay, except
        those the change added: its .rej files where *.rej is ignored, or with
        ``every_new`` every ignored file that was not there (what installing the
        project into a new environment writes, such as ``src/NAME.egg-info``).
        Writes nothing where nothing changed (a read-only or full disk stays as it
        was), and cleans before it resets, so that a full disk gets back the room."""
        added = [
            path
            for path in self.ignored() - ignored_before
            if (self.top / path).is_file() and (every_new or path.endswith(".rej"))
        ]
        moved = self.run("rev-parse", "--verify", "-q", "HEAD", check=False).strip() != head
        if moved or added or self.status():
            self.run("clean", "-q", "-f", "-d")
            if moved:  # not pickenv's doing any more: it never commits here
                self.run("reset", "-q", "--hard", head)
            else:  # `reset --hard` without its ORIG_HEAD: no ref, not even a pseudo-ref, is written
                self.run("read-tree", "--reset", "-u", head)
        folders: set[Path] = set()
        for path in added:
            target = self.top / path
            try:
                target.unlink()
            except OSError as exc:
                why = disk_trouble(target.parent, exc.strerror or "", exc.errno)
                raise ProjectError(why or f"cannot remove {shown(target)}: {exc.strerror or exc}") from None
            folders.update(p for p in target.parents if self.top in p.parents)
        for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
            with suppress(OSError):  # only the folders the change emptied
                folder.rmdir()


def require_usable_temp() -> None:
    """copier lends git objects between folders through a list with one folder a line
    (git's alternates): a line break in the name of the temporary folder, where it
    renders and where the scratch clones are, would split it ("bad object")."""
    if "\n" in tempfile.gettempdir():
        raise ProjectError(
            f"the temporary folder {tempfile.gettempdir()!r} has a line break in its name, which git "
            "cannot borrow objects from; set TMPDIR to another folder"
        )


_MARGIN = 64 * 1024  # the file system's own blocks


def _template_version(read: Callable[[], Mapping[str, object]]) -> str:
    """The ``_commit`` an answers file records ("": none, or the file cannot be read:
    the update then says only that it changed)."""
    try:
        commit = read().get("_commit")
    except (ProjectError, InputError):
        return ""
    return str(commit).strip() if commit is not None else ""


def _names(paths: Sequence[str], shown: int) -> str:
    more = len(paths) - shown
    return ", ".join(paths[:shown]) + (f" and {more} more" if more > 0 else "")


def _is_answers(path: str, prefix: str, answers_file: str) -> bool:
    """An answers file: copier's usual name anywhere (a subproject's), or the project's own."""
    return PurePosixPath(path).name == ANSWERS_FILE or path == prefix + answers_file
