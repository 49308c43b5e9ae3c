"""Signals at every instant of a run, and words that say what happened: real `pickenv`
processes, real signals, instants driven by hooks, never by sleeping.

The hooks: a standard output (or error) pipe the test fills before pickenv starts and
does not read until it has sent the signal, so the report (or the error) is being
written when the signal comes (the kernel says when pickenv waits in that write:
``/proc/PID/wchan``); and a `git` first on PATH that, after one chosen git command,
says so through a FIFO and holds until the test lets it go. Every signal ends in the
documented exit code 130, never in death by the signal (143, 129, 130 from the shell
for SIGINT by a re-raised KeyboardInterrupt), and says in one line what became of the
work: put back, or (when the signal stopped only the report) done and kept.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from helpers import POSIX_ONLY, ROOT, git, repository, snapshot
from pickenv.cli import NOTHING_CHANGED, STILL_UNDOING, WORK_DONE
from pickenv.errors import EXIT_CODES, EXIT_INTERRUPTED, EXIT_PROJECT

# POSIX's own modules: on Windows the module is skipped (its tests are all marked posix).
fcntl = pytest.importorskip("fcntl", reason=POSIX_ONLY)
termios = pytest.importorskip("termios", reason=POSIX_ONLY)
REAL_GIT = shutil.which("git")
LINUX_PROC = Path("/proc/self/wchan").exists()
pytestmark = [
    pytest.mark.posix,
    pytest.mark.skipif(REAL_GIT is None, reason="git is not installed"),
    pytest.mark.skipif(not hasattr(fcntl, "F_SETPIPE_SZ"), reason="needs Linux pipes (F_SETPIPE_SZ)"),
]
STOPS = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT]

# After `git HOOK_ON` ran for real: say so on the FIFO HOOK_DIR/HOOK_ON.reached, then hold
# until a line can be read from HOOK_DIR/HOOK_ON.hold (or until killed).
FAKE_GIT = """#!/bin/sh
for arg in "$@"; do
  if [ -p "$HOOK_DIR/$arg.reached" ]; then
    "$REAL_GIT" "$@"
    status=$?
    echo "$arg" > "$HOOK_DIR/$arg.reached"
    read -r _ < "$HOOK_DIR/$arg.hold"
    exit $status
  fi
done
exec "$REAL_GIT" "$@"
"""


def shop(tmp_path: Path) -> Path:
    """A small committed requirements project, as `switch` takes it."""
    return repository(tmp_path / "shop", {"The shop": {"requirements.txt": "django==4.2.7\n"}})


def full_pipe() -> tuple[int, int, int]:
    """A pipe of one page, already full: a writer blocks until the reader reads. Returns
    (read end, write end, bytes of filler to read before what the writer wrote)."""
    read, write = os.pipe()
    fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, 4096)
    size = fcntl.fcntl(write, fcntl.F_GETPIPE_SZ)
    os.write(write, b"-" * size)
    return read, write, size


def drain(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


def blocked_in_pipe_write(process: subprocess.Popen[bytes]) -> bool:
    """Wait until the process waits in a write to a full pipe (True), or has ended."""
    wchan = Path(f"/proc/{process.pid}/wchan")
    while process.poll() is None:
        try:
            if "pipe_write" in wchan.read_text():
                return True
        except OSError:
            break
        os.sched_yield()
    return False


STARTED: list[subprocess.Popen[bytes]] = []


@pytest.fixture(autouse=True)
def _no_process_left() -> Iterator[None]:
    """A test that fails must not leave a pickenv blocked in a pipe nobody reads."""
    yield
    while STARTED:
        process = STARTED.pop()
        if process.poll() is None:
            process.kill()
            process.wait()


def start(
    argv: list[str], env: dict[str, str], cwd: Path, *, stdout: int, stderr: int
) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "pickenv", *argv],
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=stderr,
    )
    STARTED.append(process)
    return process


def within(seconds: float, process: subprocess.Popen[bytes], what: str, wait: Callable[[], str]) -> str:
    """``wait()``'s answer, or a failure (not a hang) when it takes longer than ``seconds``;
    ``wait`` blocks on something pickenv (or its git) should do."""
    answer: list[str] = []
    thread = threading.Thread(target=lambda: answer.append(wait()), daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        process.kill()
        pytest.fail(f"pickenv did not {what} within {seconds:.0f}s: {process.communicate()}")
    return answer[0]


@pytest.mark.skipif(not LINUX_PROC, reason="needs /proc/PID/wchan")
@pytest.mark.parametrize("signum", STOPS, ids=lambda s: signal.Signals(s).name)
def test_a_signal_while_the_switch_report_is_written_keeps_the_switch_and_exits_130(
    tmp_path: Path, subprocess_env: dict[str, str], signum: int
) -> None:
    """The issue's case: SIGTERM at the very end of `switch` exited 143."""
    project = shop(tmp_path)
    head = git(project, "rev-parse", "HEAD")
    read, write, filler = full_pipe()
    process = start(["switch", "shop", "--to", "pipenv", "-a", "python_version=3.11"], subprocess_env,
                    tmp_path, stdout=write, stderr=subprocess.PIPE)  # fmt: skip
    os.close(write)
    assert blocked_in_pipe_write(process), process.communicate()
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    out = drain(read)[filler:].decode()
    assert process.returncode == EXIT_INTERRUPTED, err
    assert err.decode() == f"\npickenv: {WORK_DONE}\n"
    assert "Switched shop" not in out  # the report was stopped before a byte of it got through
    # The work was done and is kept as the report would have said; history untouched.
    assert (project / "Pipfile").is_file() and not (project / "requirements.txt").exists()
    assert git(project, "rev-parse", "HEAD") == head
    assert git(project, "status", "--porcelain") == " D requirements.txt\n?? Pipfile\n"


@pytest.mark.skipif(not LINUX_PROC, reason="needs /proc/PID/wchan")
def test_a_signal_while_the_new_report_is_written_keeps_the_project(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    read, write, _ = full_pipe()
    process = start(["new", "kept", "--defaults", "--format", "json"], subprocess_env, tmp_path,
                    stdout=write, stderr=subprocess.PIPE)  # fmt: skip
    os.close(write)
    assert blocked_in_pipe_write(process), process.communicate()
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    drain(read)
    assert process.returncode == EXIT_INTERRUPTED, err
    assert err.decode() == f"\npickenv: {WORK_DONE}\n"
    assert (tmp_path / "kept" / "pyproject.toml").is_file()
    assert (tmp_path / "kept" / ".git").is_dir(), sorted(p.name for p in (tmp_path / "kept").iterdir())


@pytest.mark.skipif(not LINUX_PROC, reason="needs /proc/PID/wchan")
def test_a_signal_while_a_report_that_changed_nothing_is_written(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    read, write, _ = full_pipe()
    process = start(["rules", "show", "--format", "json"], subprocess_env, tmp_path,
                    stdout=write, stderr=subprocess.PIPE)  # fmt: skip
    os.close(write)
    assert blocked_in_pipe_write(process), process.communicate()
    process.send_signal(signal.SIGHUP)
    _, err = process.communicate(timeout=60)
    drain(read)
    assert process.returncode == EXIT_INTERRUPTED
    assert err.decode() == f"\npickenv: {NOTHING_CHANGED}\n"


@pytest.mark.skipif(not LINUX_PROC, reason="needs /proc/PID/wchan")
def test_a_signal_while_an_error_is_written_to_a_full_stderr(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    """Nobody reads stderr: the error cannot be written, and pickenv must still end, with
    130, the moment the signal comes (before, it died of SIGTERM: 143)."""
    project = shop(tmp_path)
    (project / "requirements.txt").write_text("django==5.0\n")  # uncommitted: switch refuses
    before = snapshot(project, git_bytes=True)
    read, write, filler = full_pipe()
    process = start(["switch", "shop", "--to", "pipenv"], subprocess_env, tmp_path,
                    stdout=subprocess.PIPE, stderr=write)  # fmt: skip
    os.close(write)
    assert blocked_in_pipe_write(process), process.communicate()
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=60)
    err = drain(read)[filler:].decode()
    assert process.returncode == EXIT_INTERRUPTED, err
    assert out == b"" and "Traceback" not in err
    assert snapshot(project, git_bytes=True) == before
    # The control: the same run with stderr read is the one-line refusal, exit 12.
    control = start(["switch", "shop", "--to", "pipenv"], subprocess_env, tmp_path,
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    _, control_err = control.communicate(timeout=60)
    assert control.returncode == EXIT_PROJECT and control_err.decode().count("\n") == 1


@contextmanager
def hooked_git(tmp_path: Path, env: dict[str, str], *commands: str) -> Iterator[dict[str, str]]:
    """An environment whose `git` stops after each of ``commands`` (see FAKE_GIT)."""
    hooks = tmp_path / "hooks"
    bin_dir = tmp_path / "bin"
    hooks.mkdir()
    bin_dir.mkdir()
    fake = bin_dir / "git"
    fake.write_text(FAKE_GIT)
    fake.chmod(0o755)
    for command in commands:
        os.mkfifo(hooks / f"{command}.reached")
        os.mkfifo(hooks / f"{command}.hold")
    yield {
        **env,
        "PATH": f"{bin_dir}{os.pathsep}{env['PATH']}",
        "HOOK_DIR": str(hooks),
        "REAL_GIT": str(REAL_GIT),
    }


def reached(hooks: Path, command: str, process: subprocess.Popen[bytes]) -> None:
    """Block until the fake git says it has run ``command``."""
    fifo = hooks / f"{command}.reached"
    said = within(60, process, f"run git {command}", lambda: fifo.read_text())
    if not said:  # the run ended before: let the reader go
        pytest.fail(f"pickenv did not run git {command}: {process.communicate()}")
    assert said.strip() == command


def release(hooks: Path, command: str) -> None:
    with (hooks / f"{command}.hold").open("w") as fifo:
        fifo.write("go\n")


def test_a_signal_right_after_the_change_is_applied_puts_everything_back(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    """The change is in the work tree (`git apply` has run) and not reported yet."""
    project = shop(tmp_path)
    before = snapshot(project, git_bytes=True)
    with hooked_git(tmp_path, subprocess_env, "apply") as env:
        process = start(["switch", "shop", "--to", "pipenv"], env, tmp_path,
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
        reached(tmp_path / "hooks", "apply", process)
        assert (project / "Pipfile").exists()  # the instant: applied, not yet reported
        process.send_signal(signal.SIGTERM)  # to pickenv alone, as `kill` does
        out, err = process.communicate(timeout=60)
    assert process.returncode == EXIT_INTERRUPTED, err
    assert out == b"" and err.decode() == f"\npickenv: {NOTHING_CHANGED}\n"
    assert snapshot(project, git_bytes=True) == before
    assert git(project, "status", "--porcelain") == ""


def test_a_second_signal_does_not_stop_the_undo_halfway(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    """Ctrl-C, then Ctrl-C again while pickenv puts the project back: the second is
    answered, not obeyed, and the project ends as it was (before, the second interrupt
    broke off the undo in the middle)."""
    project = shop(tmp_path)
    before = snapshot(project, git_bytes=True)
    hooks = tmp_path / "hooks"
    with hooked_git(tmp_path, subprocess_env, "apply", "read-tree") as env:
        process = start(["switch", "shop", "--to", "pipenv"], env, tmp_path,
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
        assert process.stderr is not None
        reached(hooks, "apply", process)
        process.send_signal(signal.SIGINT)
        reached(hooks, "read-tree", process)  # the undo is under way: the tree is put back, not the rest
        process.send_signal(signal.SIGINT)
        stderr = process.stderr
        said = within(
            60, process, "answer the second signal", lambda: (stderr.readline() + stderr.readline()).decode()
        )
        assert said == f"\npickenv: {STILL_UNDOING}\n"
        release(hooks, "read-tree")
        out, err = process.communicate(timeout=60)
    assert process.returncode == EXIT_INTERRUPTED, err
    assert out == b"" and err.decode() == f"\npickenv: {NOTHING_CHANGED}\n"
    assert snapshot(project, git_bytes=True) == before
    assert git(project, "status", "--porcelain") == ""


def test_main_puts_back_the_signal_handlers_it_found(run_cli) -> None:  # type: ignore[no-untyped-def]
    """Called with arguments (tests, embedding), main leaves the process's signals alone."""
    before = {s: signal.getsignal(s) for s in STOPS}
    assert run_cli("recommend", "--defaults").code == 0
    assert run_cli("recommend", "--answer", "domain=nope", "--defaults").code != 0
    assert {s: signal.getsignal(s) for s in STOPS} == before


def test_the_exit_code_table_names_every_stop() -> None:
    words = EXIT_CODES[EXIT_INTERRUPTED]
    assert all(name in words for name in ("Ctrl-C", "SIGTERM", "SIGHUP", "SIGQUIT", "Abort"))


# ---- wrong words ----------------------------------------------------------------------------------------


def test_markdown_shows_the_advice_in_its_own_words(run_cli) -> None:  # type: ignore[no-untyped-def]
    """The issue: `--format markdown` printed the rule's reason where its advice belongs.
    The oracle is rules.yaml itself, read with PyYAML."""
    rules = yaml.safe_load((ROOT / "rules.yaml").read_text(encoding="utf-8"))["rules"]
    rule = next(r for r in rules if r["id"] == "virtualenv-pin-for-python-2-7-and-3-6")
    advice = " ".join(str(rule["advice"]["virtualenv"]).split())
    because = " ".join(str(rule["because"]).split())
    result = run_cli("recommend", "--defaults", "-a", "domain=legacy-python2", "--format", "markdown")
    assert result.code == 0
    lines = result.out.splitlines()
    section = lines[lines.index("## Advice") + 2 : lines.index("## What would change the answer") - 1]
    # the winner's advice first; then the advice of the other ranked tools (conda's licence)
    assert section[0] == f"- **virtualenv**: {advice} ([{rule['id']}]({rule['source']}))"
    assert all(line.startswith("- **") for line in section)
    assert because not in result.out and "| advice |" not in result.out
    # The text report says the same advice.
    text = run_cli("recommend", "--defaults", "-a", "domain=legacy-python2").out
    assert f"  virtualenv: {advice}  [{rule['id']}]" in text.splitlines()


@pytest.mark.slow  # over 1.2 s: out of the fast suite (issue 17's 2-minute goal)
def test_progress_on_a_terminal_nobody_reads_never_holds_a_stopping_run() -> None:
    """The live progress line writes to stderr from a thread; when that stream stops
    taking writes (a terminal stopped with Ctrl-S, a pipe nobody reads), the way out of
    a signal must not wait on it (before, it joined the blocked thread for good)."""
    import time

    from pickenv.commands.terminal import Activity, write_within

    read, write, _ = full_pipe()
    os.read(read, 4096)  # room for the first progress line, none for much more
    stream = os.fdopen(write, "w", encoding="utf-8")
    activity = Activity(stream, live=True, verbose=False)

    def stopped_run() -> str:
        try:
            with activity:
                activity.step("Creating .venv")
                held = fcntl.ioctl(read, termios.FIONREAD, b"\0\0\0\0")
                os.write(write, b"-" * (4096 - int.from_bytes(held, sys.byteorder)))  # no room left
                raise KeyboardInterrupt  # what the signal raises
        except KeyboardInterrupt:
            return "stopped"
        return "went on"

    started = time.monotonic()
    thread = threading.Thread(target=lambda: STOPPED.append(stopped_run()), daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "the progress line held the stopping run"
    assert STOPPED == ["stopped"] and time.monotonic() - started < 10
    # The writer it uses on the way out gives up on a full pipe, and writes when there is room.
    assert write_within(stream, "pickenv: interrupted\n", wait=0.2) is False
    drained = os.read(read, 65536)
    assert write_within(stream, "pickenv: interrupted\n", wait=0.2) is True
    assert os.read(read, 65536) == b"pickenv: interrupted\n" and drained


STOPPED: list[str] = []
