"""Crash-safe git for `pickenv update`, as users meet its faults: real repositories with
tags, real `pickenv` processes killed with SIGKILL at chosen instants, real small and
read-only file systems, a project folder with a line break in its name.

The instant of a kill is driven by a hook, never by sleeping: a `git` first on PATH
that, before one chosen git command in one chosen folder, says so through a FIFO and
then blocks on another FIFO until the test kills the process group (or writes a line
there to let the run go on). A killed run must leave the branch, HEAD, the reflog and
the index byte for byte as they were (objects may be added), and the work tree too, or
a state the next run refuses with one line that names the fix; it never calls such a
tree "up to date". copier's own CLI is the oracle for what an update through a scratch
clone must leave.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import copier
import pytest
import yaml

from helpers import AS_ROOT, GIT_NAME, Result, git, repository, waiting_git
from pickenv import __version__
from pickenv.errors import (
    EXIT_CONFLICTS,
    EXIT_OK,
    EXIT_PROJECT,
    EXIT_TEMPLATE,
    EXIT_UPDATE_AVAILABLE,
    ProjectError,
)
from pickenv.repo.git import git_error, subcommand
from pickenv.resources import project_template

Run = Callable[..., Result]
REAL_GIT = shutil.which("git")
pytestmark = [pytest.mark.posix, pytest.mark.skipif(REAL_GIT is None, reason="git is not installed")]

V1 = {
    "copier.yml": "_answers_file: .copier-answers.yml\nproject_name:\n  type: str\n  default: demo\n",
    "{{ _copier_conf.answers_file }}.jinja": "{{ _copier_answers|to_nice_yaml }}",
    "README.md.jinja": "# {{ project_name }}\n\nIntro.\n\nTemplate v1.\n\nEnd.\n",
    "old.txt": "a file v2 removes\n",
}
V2 = {
    **{k: v for k, v in V1.items() if k != "old.txt"},
    "README.md.jinja": "# {{ project_name }}\n\nIntro.\n\nTemplate v2.\n\nEnd.\n",
    "new.txt": "a file v2 adds\n",
}
# v3 adds a file no small disk holds.
V3 = {**V2, "big.txt": "x" * 400_000 + "\n"}
UNFINISHED = "holds a template update that is unfinished or not committed"


def settle(folder: Path) -> None:
    """Date the files in the past and let git note it: the index then holds no entry as
    new as itself ("racily clean"), so that no later look needs to write it again, and a
    snapshot of its bytes means something."""
    past = time.time() - 60
    for path in folder.rglob("*"):
        if ".git" not in path.relative_to(folder).parts[:1]:
            os.utime(path, (past, past), follow_symlinks=False)
    git(folder, "update-index", "-q", "--refresh")


def commit_all(folder: Path, message: str) -> None:
    """Commit every file, then settle the index."""
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", message)
    settle(folder)


def add_tag(repo: Path, tag: str, files: Mapping[str, str]) -> None:
    """A commit of the template at ``files`` alone, tagged ``tag``; the index settled."""
    settle(repository(repo, {tag: files}, tag=True, whole=True))


@pytest.fixture
def template(tmp_path: Path) -> Path:
    repo = repository(tmp_path / "team-template", {"v1": V1, "v2": V2}, tag=True, whole=True)
    settle(repo)
    return repo


def team_project(folder: Path, template: Path, ignore: str = ".venv/\n") -> Path:
    """A project copier made at v1, committed, then edited by its user where v2 changes
    the README (a conflict), plus a file of their own, and an ignored environment."""
    copier.run_copy(
        str(template), str(folder), data={"project_name": "demo"}, defaults=True, vcs_ref="v1", quiet=True
    )
    (folder / ".gitignore").write_text(ignore)
    git(folder, "init", "-q", "-b", "main")
    commit_all(folder, "from the template")
    readme = folder / "README.md"
    readme.write_text(readme.read_text().replace("Template v1.", "Template v1, and my own words."))
    (folder / "mine.txt").write_text("my file\n")
    commit_all(folder, "my edits")
    (folder / ".venv").mkdir()
    (folder / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    return folder


def old_pickenv_project(tmp_path: Path) -> Path:
    """A project pickenv 0.1.0 made from its installed templates/project folder (the
    shipped history's 0.1.0 tag, put where a site-packages has it), recorded without a
    version: its update links it to the template history, a commit copier needs."""
    extracted = tmp_path / "site-packages" / "pickenv" / "templates" / "project"
    extracted.mkdir(parents=True)
    history = tmp_path / "history"
    git(tmp_path, "init", "-q", str(history))
    git(
        history,
        "fetch",
        "-q",
        str(project_template().parent / "project-history.bundle"),
        "refs/tags/*:refs/tags/*",
    )
    archive = subprocess.run(["git", "archive", "0.1.0"], cwd=history, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(extracted)], input=archive, check=True)
    project = tmp_path / "old-app"
    data = {"project_name": "old-app", "tool": "venv", "domain": "cli", "python_version": "3.12"}
    copier.run_copy(str(extracted), str(project), data=data, defaults=True, quiet=True)
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "Initial commit from pickenv 0.1.0")
    return project


@dataclass(frozen=True)
class Snapshot:
    """The work tree's files (ignored ones included) and git's own state, as bytes:
    HEAD, the refs, the reflog, the index, the config. Objects may be added."""

    tree: dict[str, bytes]
    history: dict[str, bytes]
    index: bytes

    @classmethod
    def of(cls, folder: Path) -> Snapshot:
        tree: dict[str, bytes] = {}
        history: dict[str, bytes] = {}
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(folder)
            if name.parts[:2] == (".git", "objects") or not path.is_file() or name == Path(".git/index"):
                continue
            (history if name.parts[0] == ".git" else tree)[str(name)] = path.read_bytes()
        return cls(tree, history, (folder / ".git" / "index").read_bytes())


def one_line_error(err: str) -> str:
    assert "Traceback" not in err
    assert err.startswith("pickenv: error: ") and err.count("\n") == 1, err
    return err


@dataclass(frozen=True)
class Hook:
    env: dict[str, str]
    reached: Path


@pytest.fixture
def hook(tmp_path: Path, subprocess_env: dict[str, str]) -> Hook:
    temp = tmp_path / "tmp"  # what killed runs leave there goes with the test's folder
    temp.mkdir()
    held = waiting_git(tmp_path / "hook")
    env = {
        **subprocess_env,
        **held,
        "PATH": f"{tmp_path / 'hook' / 'bin'}{os.pathsep}{subprocess_env['PATH']}",
        "TMPDIR": str(temp),
    }
    return Hook(env, Path(held["FAULT_REACHED"]))


def stop_at(hook: Hook, args: list[str], command: str, where: str, nth: int = 1) -> subprocess.Popen[bytes]:
    """Start `pickenv ARGS` and return once it waits just before the ``nth`` `git
    COMMAND` run in a folder under ``where``."""
    counter = hook.reached.with_name(f"count-{time.monotonic_ns()}")
    env = {
        **hook.env,
        "FAULT_COMMAND": command,
        "FAULT_DIR": where,
        "FAULT_NTH": str(nth),
        "FAULT_COUNT": str(counter),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "pickenv", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    reached = os.open(hook.reached, os.O_RDONLY | os.O_NONBLOCK)
    try:
        deadline = time.monotonic() + 90
        while not (select.select([reached], [], [], 0.2)[0] and os.read(reached, 64)):
            if process.poll() is not None or time.monotonic() > deadline:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                out, err = process.communicate()
                pytest.fail(f"`git {command}` #{nth} under {where} was never run: {out!r} {err!r}")
    finally:
        os.close(reached)
    return process


def kill_at(hook: Hook, args: list[str], command: str, where: str, nth: int = 1) -> None:
    """Run `pickenv ARGS` and SIGKILL its whole process group just before the ``nth``
    `git COMMAND` run in a folder under ``where``."""
    process = stop_at(hook, args, command, where, nth)
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL


def go_on(hook: Hook, process: subprocess.Popen[bytes]) -> tuple[int, str]:
    """Let a stopped run go on, to its end."""
    with hook.reached.with_name("hold").open("w") as hold:
        hold.write("go\n")
    _, err = process.communicate(timeout=120)
    return process.returncode, err.decode()


def pickenv(env: Mapping[str, str], *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pickenv", *args],
        env=dict(env),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_refused_as_unfinished(env: Mapping[str, str], project: Path) -> None:
    """The next runs, update and check alike, refuse in one line and change nothing."""
    before = Snapshot.of(project)
    for args in ([], ["--check"]):
        again = pickenv(env, "update", str(project), *args)
        assert again.returncode == EXIT_PROJECT, again.stdout
        err = one_line_error(again.stderr)
        assert UNFINISHED in err and "`git restore --staged --worktree .`" in err
        assert "up to date" not in again.stdout
    assert Snapshot.of(project) == before


# ---- SIGKILL at chosen instants --------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "left"),
    [
        ("write-tree", False),  # copier has rendered the old version aside, nothing in the project yet
        ("apply", True),  # copier has rendered v2 over the project; the user's edits are not merged back
    ],
)
@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_a_kill_during_copier_s_update_in_place_leaves_history_alone(
    tmp_path: Path, template: Path, hook: Hook, command: str, left: bool
) -> None:
    project = team_project(tmp_path / "project", template)
    before = Snapshot.of(project)
    kill_at(hook, ["update", str(project), "--to", "v2"], command, f"{project}/")
    after = Snapshot.of(project)
    assert after.history == before.history  # no commit, no ref moved, not even in the reflog
    if not left:
        assert after == before
        return
    assert git(project, "status", "--porcelain").startswith(" M .copier-answers.yml")
    assert_refused_as_unfinished(hook.env, project)
    # The fix the message names brings back every file as it was.
    git(project, "restore", "--staged", "--worktree", ".")
    git(project, "clean", "-q", "-f", "-d")
    assert Snapshot.of(project).tree == before.tree and Snapshot.of(project).history == before.history


@pytest.mark.slow  # a real update killed, then finished: 4-5 s each
@pytest.mark.parametrize(
    ("command", "where", "nth"),
    [
        # copier's update, the link committed (in the scratch clone; before, on the branch)
        ("write-tree", "anywhere", 1),
        ("apply", "project", 1),  # the result about to be carried into the work tree
    ],
)
def test_the_link_to_the_template_history_is_never_on_the_branch(
    tmp_path: Path, hook: Hook, command: str, where: str, nth: int
) -> None:
    project = old_pickenv_project(tmp_path)
    before = Snapshot.of(project)
    # The check makes the template history in the cache: the git commands counted below
    # are the update's own.
    check = pickenv(hook.env, "update", str(project), "--check")
    assert check.returncode == EXIT_UPDATE_AVAILABLE and "It would be linked" in check.stdout, check.stderr
    assert Snapshot.of(project) == before
    folders = {"anywhere": "/", "project": f"{project}/"}
    kill_at(hook, ["update", str(project)], command, folders[where], nth)
    assert Snapshot.of(project) == before
    assert git(project, "log", "--format=%an %s") == f"{GIT_NAME} Initial commit from pickenv 0.1.0\n"
    finished = pickenv(hook.env, "update", str(project))
    assert finished.returncode == EXIT_OK, finished.stderr
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == __version__
    assert Snapshot.of(project).history == before.history


@pytest.mark.parametrize(
    ("command", "nth"),
    [
        ("apply", 2),  # the answers file carried over, the other files not yet
        ("update-index", 1),  # every file carried over, copier's conflicts not yet marked
    ],
)
@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_a_kill_while_the_change_is_carried_over_is_refused_next_time(
    tmp_path: Path, template: Path, hook: Hook, command: str, nth: int
) -> None:
    # A folder whose name has a line break is updated through a scratch clone.
    project = team_project(tmp_path / "my\nproject", template)
    before = Snapshot.of(project)
    kill_at(hook, ["update", str(project), "--to", "v2"], command, f"{project}/", nth)
    assert Snapshot.of(project).history == before.history
    assert "v2" in git(project, "diff", "--", ".copier-answers.yml")
    assert_refused_as_unfinished(hook.env, project)


# ---- an unfinished update is never "up to date" ----------------------------------------


@pytest.mark.slow  # over 1.2 s: out of the fast suite (issue 17's 2-minute goal)
def test_an_uncommitted_update_is_not_up_to_date(tmp_path: Path, template: Path, run_cli: Run) -> None:
    project = team_project(tmp_path / "project", template)
    done = run_cli("update", str(project), "--to", "v2")
    assert done.code == EXIT_CONFLICTS, done.err  # README.md conflicts
    for args in ([], ["--check"]):
        again = run_cli("update", str(project), "--to", "v2", *args)
        assert again.code == EXIT_PROJECT and again.out == ""
        assert one_line_error(again.err) == (
            f"pickenv: error: {project} {UNFINISHED} (.copier-answers.yml records template v2, the last "
            "commit v1): resolve and commit it, or discard it: `git restore --staged --worktree .`, then "
            "delete the files it added (`git clean -n` lists them)\n"
        )
    (project / "README.md").write_text("# demo\n\nresolved\n")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "update")
    assert run_cli("update", str(project), "--to", "v2").out == f"{project} is up to date: template v2.\n"


@pytest.mark.slow  # over 1 s: out of the fast suite (issue 17's 2-minute goal)
def test_an_ignored_rej_file_left_by_an_update_is_named(tmp_path: Path, template: Path, run_cli: Run) -> None:
    project = team_project(tmp_path / "project", template, ignore=".venv/\n*.rej\n")
    done = run_cli("update", str(project), "--to", "v2", "--conflict", "rej")
    assert done.code == EXIT_CONFLICTS and (project / "README.md.rej").is_file()
    git(project, "add", "-A")  # everything but the ignored hunk
    git(project, "commit", "-q", "-m", "half of the update")
    again = run_cli("update", str(project))
    assert again.code == EXIT_PROJECT
    assert f"{UNFINISHED} (README.md.rej left beside its file)" in one_line_error(again.err)


@pytest.mark.slow  # over 1.2 s: out of the fast suite (issue 17's 2-minute goal)
def test_switch_names_an_unfinished_update(tmp_path: Path, run_cli: Run) -> None:
    project = old_pickenv_project(tmp_path)
    assert run_cli("update", str(project)).code == EXIT_OK
    before = Snapshot.of(project)
    refused = run_cli("switch", str(project), "--to", "pipenv")
    assert refused.code == EXIT_PROJECT
    err = one_line_error(refused.err)
    assert f"{UNFINISHED} (.copier-answers.yml records template {__version__}, not committed)" in err
    assert Snapshot.of(project) == before


# ---- paths git cannot take as they are ---------------------------------------------------


@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_a_folder_with_a_line_break_is_updated_as_copier_updates(
    tmp_path: Path, template: Path, run_cli: Run, subprocess_env: dict[str, str]
) -> None:
    odd = team_project(tmp_path / "my\nproject", template)
    plain = team_project(tmp_path / "plain", template)
    check = run_cli("update", str(odd), "--check")
    assert check.code == EXIT_UPDATE_AVAILABLE, check.err
    done = run_cli("update", str(odd), "--to", "v2")
    assert done.code == EXIT_CONFLICTS, done.err  # the same conflict as copier's, below
    assert done.out.startswith(f"Updated {str(odd)!r} from template v1 to v2.\n")  # one line, quoted
    assert "Files where your edits and the template's conflict:\n  README.md\n" in done.out
    # The oracle: copier's own update of the same project in a plain folder.
    copier_cli = str(Path(sys.executable).with_name("copier"))
    subprocess.run(
        [copier_cli, "update", "-q", "--defaults", "--vcs-ref", "v2", "--conflict", "inline"],
        cwd=plain, env=subprocess_env, check=True, capture_output=True,
    )  # fmt: skip
    assert Snapshot.of(odd).tree == Snapshot.of(plain).tree
    for args in (("status", "--porcelain", "--ignored"), ("ls-files", "--stage", "-u")):
        assert git(odd, *args) == git(plain, *args)


@pytest.mark.slow  # over 1 s: out of the fast suite (issue 17's 2-minute goal)
def test_an_uncommitted_project_inside_another_repository(
    tmp_path: Path, template: Path, run_cli: Run
) -> None:
    outer = tmp_path / "checkout"
    outer.mkdir()
    git(outer, "init", "-q", "-b", "main")
    (outer / "README.md").write_text("someone else's repository\n")
    commit_all(outer, "theirs")
    project = outer / "billing"
    copier.run_copy(
        str(template), str(project), data={"project_name": "billing"}, defaults=True, vcs_ref="v1", quiet=True
    )
    for args in (["--check"], []):
        result = run_cli("update", str(project), *args)
        assert result.code == EXIT_PROJECT
        assert one_line_error(result.err) == (
            f"pickenv: error: {project} is not committed in the git repository at {outer}; commit the "
            "project first, or put the project under git (`git init`, then commit it)\n"
        )
    commit_all(outer, "billing")
    assert run_cli("update", str(project), "--check").code == EXIT_UPDATE_AVAILABLE


def test_git_failures_name_the_command_and_the_disk_in_the_user_s_words(tmp_path: Path) -> None:
    assert subcommand(["-c", "user.name=pickenv", "-C", "x", "commit", "-q"]) == "commit"
    failed = git_error(["-c", "a=b", "reset", "--hard"], tmp_path, "fatal: bad revision 'nope'\n")
    assert isinstance(failed, ProjectError) and failed.exit_code == EXIT_PROJECT
    assert failed.message == f"git reset failed in {tmp_path}: bad revision 'nope'"
    # git's real words for a full disk (sha1-file.c, write_or_die.c) never reach the user
    for said in (
        "fatal: sha1 file '.git/index.lock' write error. Out of diskspace",
        "error: No space left on device",
    ):
        assert git_error(["reset"], tmp_path, said).message == (
            f"no space left on the device holding {tmp_path}; free some space there and run it again"
        )


# ---- full and read-only file systems (a real tmpfs: needs root) ---------------------------


@contextmanager
def small_disk(where: Path, size: str) -> Iterator[Path]:
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip() or 'not permitted'}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=True)


def fill(disk: Path, leave: int) -> None:
    """Fill a disk, then give back ``leave`` bytes."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 65536)
        except OSError:
            pass
    os.truncate(filler, max(0, filler.stat().st_size - leave))


needs_root = pytest.mark.skipif(not AS_ROOT, reason="mounting a tmpfs needs root")


@needs_root
@pytest.mark.slow  # over 1.2 s: out of the fast suite (issue 17's 2-minute goal)
def test_a_full_disk_during_the_update_is_worded_and_undone(
    tmp_path: Path, template: Path, subprocess_env: dict[str, str]
) -> None:
    add_tag(template, "v3", V3)
    with small_disk(tmp_path / "small", "512k") as disk:
        project = team_project(disk / "project", template)
        before = Snapshot.of(project)
        result = pickenv(subprocess_env, "update", str(project), "--to", "v3")
        assert result.returncode == EXIT_PROJECT
        assert one_line_error(result.stderr) == (
            f"pickenv: error: no space left on the device holding {project}; "
            "free some space there and run it again\n"
        )
        after = Snapshot.of(project)
        assert (after.tree, after.history) == (before.tree, before.history)
        assert git(project, "status", "--porcelain", "--ignored") == "!! .venv/\n"


@needs_root
@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_a_full_disk_is_found_before_the_change_is_carried_over(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    with small_disk(tmp_path / "small", "1m") as disk:
        project = old_pickenv_project(disk)
        before = Snapshot.of(project)
        fill(disk, 32 * 1024)
        result = pickenv(subprocess_env, "update", str(project))
        assert result.returncode == EXIT_PROJECT
        err = one_line_error(result.stderr)
        assert (
            f"no space left on the device holding {project} (" in err
            and "KB free; the update needs about" in err
        )
        assert Snapshot.of(project) == before


@needs_root
def test_a_full_temporary_folder_is_worded(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    project = old_pickenv_project(tmp_path)  # updated in a scratch clone under TMPDIR
    before = Snapshot.of(project)
    with small_disk(tmp_path / "small", "64k") as disk:
        fill(disk, 8192)  # room for Python's look at the folder, none for a clone
        for args in (["--check"], []):
            result = pickenv({**subprocess_env, "TMPDIR": str(disk)}, "update", str(project), *args)
            assert result.returncode == EXIT_PROJECT
            assert one_line_error(result.stderr) == (
                f"pickenv: error: no space left on the device holding {disk}; "
                "free some space there and run it again\n"
            )
    assert Snapshot.of(project) == before


@needs_root
def test_a_full_cache_for_the_template_history_is_worded(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    project = old_pickenv_project(tmp_path)
    with small_disk(tmp_path / "small", "64k") as disk:
        fill(disk, 0)
        result = pickenv({**subprocess_env, "XDG_CACHE_HOME": str(disk)}, "update", str(project))
        assert result.returncode == EXIT_TEMPLATE
        err = one_line_error(result.stderr)
        assert f"cannot keep the template history in {disk / 'pickenv'}" in err and "no space left" in err


@needs_root
@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_a_read_only_project_is_refused_before_anything_is_written(
    tmp_path: Path, template: Path, subprocess_env: dict[str, str]
) -> None:
    with small_disk(tmp_path / "ro", "1m") as disk:
        project = team_project(disk / "project", template)
        before = Snapshot.of(project)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        result = pickenv(subprocess_env, "update", str(project), "--to", "v2")
        assert result.returncode == EXIT_PROJECT
        assert one_line_error(result.stderr) == (
            f"pickenv: error: cannot write in {project} (a read-only file system); "
            "make it writable and run it again\n"
        )
        assert Snapshot.of(project) == before
        check = pickenv(subprocess_env, "update", str(project), "--to", "v2", "--check")
        assert check.returncode == EXIT_UPDATE_AVAILABLE, check.stderr  # --check writes nothing there


@needs_root
@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_a_tree_gone_read_only_half_way_says_how_to_finish(
    tmp_path: Path, template: Path, hook: Hook
) -> None:
    with small_disk(tmp_path / "small", "1m") as disk:
        project = team_project(disk / "project", template)
        before = Snapshot.of(project)
        # copier has rendered v2 over the project; then the file system turns read-only.
        process = stop_at(hook, ["update", str(project), "--to", "v2"], "apply", f"{project}/")
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        code, err = go_on(hook, process)
        assert code == EXIT_PROJECT
        assert one_line_error(err) == (
            "pickenv: error: the update stopped half-way and could not be undone (cannot write in "
            f"{project} (a read-only file system)): once that is fixed, `git restore --staged --worktree .` "
            f"and `git clean -n` in {project} undo it\n"
        )
        assert Snapshot.of(project).history == before.history
        subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)
        git(project, "restore", "--staged", "--worktree", ".")
        git(project, "clean", "-q", "-f", "-d")
        assert Snapshot.of(project).tree == before.tree
