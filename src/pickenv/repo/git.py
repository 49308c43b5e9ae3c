"""git, the one way pickenv runs it: ``Git`` is git found once on the PATH of the
environment it runs in, and every git command of pickenv goes through ``Git.run``
(stdin closed unless input is given, so git never waits for a terminal); a failure is
worded once (``git_error``: the disk's fault in the user's words, else the command and
git's own last line of complaint). Also: a new project put under git with a first
commit (``initialise``).
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pickenv import __version__
from pickenv.errors import Fix, PickenvError, ProjectError


@dataclass(frozen=True)
class GitRun:
    """What one git command did: its exit code and output, as bytes (file names and
    contents need not be UTF-8); ``out`` and ``err`` are the text."""

    returncode: int
    stdout: bytes
    stderr: bytes

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def out(self) -> str:
        return _text(self.stdout)

    @property
    def err(self) -> str:
        return _text(self.stderr)


@dataclass(frozen=True)
class Git:
    """git as one environment runs it: the executable found once on that environment's
    PATH (never the process's), the environment, and the error class its failures raise
    (the caller's exit code)."""

    executable: str
    env: Mapping[str, str] = field(repr=False)
    error: type[PickenvError] = ProjectError

    @classmethod
    def find(
        cls, env: Mapping[str, str], *, error: type[PickenvError] = ProjectError, **settings: str
    ) -> Git | None:
        """git on ``env``'s PATH (None: it is not installed there); ``settings`` are
        variables added to the environment of every command (``GIT_TERMINAL_PROMPT="0"``)."""
        executable = shutil.which("git", path=env.get("PATH"))
        return None if executable is None else cls(executable, {**env, **settings}, error)

    @classmethod
    def needed(
        cls, env: Mapping[str, str], why: str, *, error: type[PickenvError] = ProjectError, **settings: str
    ) -> Git:
        """git, or ``error`` ("git is not installed; WHY", with the fix) when it is not."""
        git = cls.find(env, error=error, **settings)
        if git is None:
            raise error(f"git is not installed; {why}", fixes=[Fix.INSTALL_GIT])
        return git

    def run(
        self,
        *args: str,
        cwd: Path | None,
        input: bytes | str | None = None,
        check: bool = True,
        where: Path | None = None,
        env: Mapping[str, str] | None = None,
    ) -> GitRun:
        """Run ``git ARGS`` in ``cwd`` (None: the process's folder) with ``input`` on
        its stdin (text is sent as UTF-8), and ``env`` added to its environment for this
        command. With ``check``, a failure raises ``git_error`` about ``where`` (default
        ``cwd``). Raises ``error`` when git cannot be started at all."""
        data = input.encode("utf-8", "surrogateescape") if isinstance(input, str) else input
        try:
            done = subprocess.run(
                [self.executable, *args],
                cwd=cwd,
                env={**self.env, **(env or {})},
                input=data,
                stdin=subprocess.DEVNULL if data is None else None,
                capture_output=True,
                check=False,
            )
        except OSError as exc:  # the folder went away, or git cannot be started
            place = f" in {shown(cwd)}" if cwd is not None else ""
            raise self.error(f"cannot run git{place}: {exc.strerror or exc}") from None
        result = GitRun(done.returncode, done.stdout, done.stderr)
        if check and not result.ok:
            raise git_error(args, where or cwd or Path.cwd(), result.err, self.error)
        return result


def initialise(destination: Path, env: Mapping[str, str]) -> str:
    """Initialise a repository with a first commit, unless git is missing or a repo
    encloses the folder. Returns what happened, for the report."""
    git = Git.find(env)
    if git is None:
        return "skipped: git is not installed"
    # A project created inside another repository belongs to it: no nested repository.
    # (Looked up here rather than with `git rev-parse`: one process less on every run.)
    if any((folder / ".git").exists() for folder in destination.parents):
        return "skipped: the folder is already inside a git repository"
    try:
        return _first_commit(git, destination)
    except PickenvError as exc:  # git could not be started: the project stands without it
        return f"not initialised: {exc.message}"


def _first_commit(git: Git, destination: Path) -> str:
    def run(*args: str) -> GitRun:
        return git.run(*args, cwd=destination, check=False)

    init = run("-c", "init.defaultBranch=main", "init", "-q")
    if not init.ok:
        shutil.rmtree(destination / ".git", ignore_errors=True)  # ours, and half made
        return f"not initialised: {_reason(init)}"
    added = run("add", "-A")
    if not added.ok:
        return f"initialised, nothing committed: {_reason(added)}"
    if not run("config", "user.email").out.strip():
        return "initialised, not committed: set git's user.name and user.email, then `git commit`"
    commit = run("commit", "-q", "--no-verify", "-m", f"Initial commit from pickenv {__version__}")
    if not commit.ok:
        return f"initialised, not committed: {_reason(commit)}"
    return "initialised with a first commit"


def user_name(env: Mapping[str, str], default: str) -> str:
    """git's ``user.name`` as ``env`` sets it (its PATH finds git, its HOME the config),
    else ``default``: a project's author where nobody gave one."""
    git = Git.find(env)
    if git is None:
        return default
    try:
        name = git.run("config", "user.name", cwd=None, check=False).out.strip()
    except PickenvError:  # git cannot be started: as if it were not there
        return default
    return name or default


def _text(output: bytes) -> str:
    """git's output as text; names that are not UTF-8 survive as the same bytes."""
    return output.decode("utf-8", "surrogateescape")


def _reason(result: GitRun) -> str:
    return last_complaint(result.err or result.out).removeprefix("error: ")


def last_complaint(output: str) -> str:
    """git's own last line of complaint, without its "fatal:" prefix: what every
    pickenv error about a failed git command quotes."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1].removeprefix("fatal: ") if lines else "git failed"


def subcommand(args: Sequence[str]) -> str:
    """The git command among its arguments (``commit`` in ``-c user.name=x commit``),
    for the errors that name it."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in _OPTIONS_WITH_VALUE:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return "git"


_OPTIONS_WITH_VALUE = {"-c", "-C", "--git-dir", "--work-tree", "--namespace", "--exec-path"}

# How git and the system say that a write failed for want of room or of permission.
_FULL = ("no space left on device", "out of diskspace", "disk quota exceeded")
_READ_ONLY = ("read-only file system",)
_DENIED = ("permission denied", "insufficient permission", "operation not permitted")
# git's words for a failed write that does not say why (`unable to write new index file`).
_WRITE_FAILED = ("unable to write", "write error", "could not write", "unable to create", "failed to write")
_ERRNO_KINDS = {
    errno.ENOSPC: "full",
    errno.EDQUOT: "full",
    errno.EROFS: "read-only",
    errno.EACCES: "denied",
    errno.EPERM: "denied",
}
LOW_SPACE = 64 * 1024  # below this, a write that failed without a reason is taken for a full disk


def disk_trouble(folder: Path, complaint: str = "", code: int | None = None) -> str | None:
    """What kept a program from writing in ``folder``, worded for the user ("no space
    left on the device holding X; free some space there and run it again"), from git's
    complaint or an errno. When git only says that a write failed, the file system is
    asked. None: the failure is not the disk's."""
    low = complaint.lower()
    kind = _ERRNO_KINDS.get(code or 0)
    if kind is None:
        if any(words in low for words in _FULL):
            kind = "full"
        elif any(words in low for words in _READ_ONLY):
            kind = "read-only"
        elif any(words in low for words in _DENIED) and "publickey" not in low:  # not ssh's refusal
            kind = "denied"
        elif any(words in low for words in _WRITE_FAILED):
            kind = probe(folder)
    if kind == "full":
        return f"no space left on the device holding {shown(folder)}; free some space there and run it again"
    if kind == "read-only":
        return f"cannot write in {shown(folder)} (a read-only file system); make it writable and run it again"
    if kind == "denied":
        return f"cannot write in {shown(folder)} (permission denied); make it writable and run it again"
    return None


def probe(folder: Path) -> str | None:
    """Why the file system holding ``folder`` cannot take a write now: "read-only",
    "full" or "denied"; None when it can (a folder that does not exist is judged by its
    parent)."""
    existing = next((p for p in (folder, *folder.parents) if p.is_dir()), None)
    if existing is None:
        return None
    try:
        stats = os.statvfs(existing)
    except OSError:
        return None
    if stats.f_flag & os.ST_RDONLY:
        return "read-only"
    if stats.f_bavail * stats.f_frsize < LOW_SPACE or stats.f_favail == 0:
        return "full"
    if not os.access(existing, os.W_OK):
        return "denied"
    return None


def git_error(
    args: Sequence[str], folder: Path, stderr: str, error: type[PickenvError] = ProjectError
) -> PickenvError:
    """A failed git command as a pickenv error: the disk's fault in the user's words,
    else the command and git's own last line of complaint."""
    trouble = disk_trouble(folder, stderr)
    if trouble is not None:
        return error(trouble)
    return error(f"git {subcommand(args)} failed in {shown(folder)}: {last_complaint(stderr)}")


def shown(path: Path | str) -> str:
    """A path as an error's one line can hold it: quoted as Python quotes it when its
    name has a line break or another control character."""
    text = str(path)
    return text if text.isprintable() else repr(text)


def origin_url(repo: Path, env: Mapping[str, str]) -> str | None:
    """The URL a local repository was cloned from (its ``origin``), or None."""
    git = Git.find(env)
    if git is None or not repo.is_dir():
        return None
    done = git.run("remote", "get-url", "origin", cwd=repo, check=False)
    return (done.out.strip() or None) if done.ok else None
