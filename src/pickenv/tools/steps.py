"""Commands pickenv runs for a tool: steps, plans, and running them so that a
signal stops every child process before pickenv rolls back.

Creating an environment is a plan of commands pickenv runs itself (no copier tasks,
so the template needs no --trust)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pickenv.errors import EnvironmentCreationError, Fix
from pickenv.platforms import POSIX, Platform

# Process groups are a capability of the OS running pickenv (os.killpg is POSIX's), not a
# convention of the platform a command is displayed for: asked of the os module itself.
_GROUPS = hasattr(os, "killpg")


@dataclass(frozen=True)
class Step:
    title: str
    argv: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()
    shown: str = ""  # how a person would type it, when that differs from argv

    def display(self, platform: Platform = POSIX) -> str:
        return self.shown or self.shell(platform)

    def shell(self, platform: Platform = POSIX) -> str:
        """The command as it runs, quoted for ``platform``'s shell."""
        return platform.command(self.argv, self.env)


@dataclass(frozen=True)
class Plan:
    """How to create the environment, or why pickenv cannot and what to run instead.

    ``prepare`` is pickenv's own preparation (a cached launcher) and is never shown to
    people; ``create`` and ``test`` are shown as they would be typed.
    """

    prepare: tuple[Step, ...]
    create: tuple[Step, ...]  # create the environment and install the project into it
    test: Step  # run the project's tests in it
    available: bool = True
    missing: str = ""  # why it cannot run here, e.g. "conda is not on PATH"
    fix: Fix | None = None  # what the user can do about it, worded by the CLI
    cleanup: tuple[Step, ...] = ()  # undo for environments living outside the project

    @property
    def steps(self) -> tuple[Step, ...]:
        return (*self.prepare, *self.create, self.test)


Progress = Callable[[str], None]


@dataclass(frozen=True)
class StepResult:
    title: str
    command: str
    seconds: float


def _run(step: Step, cwd: Path, env: Mapping[str, str]) -> tuple[int, str]:
    """Run one step in a process group of its own.

    On Ctrl-C or SIGTERM the whole group (pip's and ensurepip's children included) is
    stopped and waited for before pickenv rolls back, so nothing writes afterwards.
    """
    try:
        process = subprocess.Popen(
            step.argv,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=_GROUPS,
        )
    except OSError as exc:
        raise EnvironmentCreationError(
            f"{step.title} failed: cannot run {step.argv[0]}: {exc.strerror}"
        ) from None
    try:
        output, _ = process.communicate()
    except BaseException:
        _stop_group(process)
        raise
    return process.returncode, output


def _stop_group(process: subprocess.Popen[str]) -> None:
    if not _GROUPS:  # pragma: no cover - Windows: no process groups to signal
        process.kill()
        process.wait()
        return
    for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=grace)
            # The group may outlive its leader: wait until no member is left.
            deadline = time.monotonic() + grace
            while time.monotonic() < deadline:
                os.killpg(process.pid, 0)
                time.sleep(0.05)
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def run_steps(
    steps: Sequence[Step],
    cwd: Path,
    env: Mapping[str, str],
    progress: Progress,
    platform: Platform = POSIX,
) -> list[StepResult]:
    """Run ``steps`` in ``cwd``; a failure names the command as ``platform``'s shell reads it."""
    results = []
    for step in steps:
        progress(f"{step.title}...")
        started = time.monotonic()
        returncode, output = _run(step, cwd, {**env, **dict(step.env)})
        seconds = time.monotonic() - started
        if returncode != 0:
            tail = " | ".join(line.strip() for line in output.strip().splitlines()[-3:])
            raise EnvironmentCreationError(
                f"{step.title} failed (exit {returncode}): `{step.shell(platform)}`: {tail}; "
                "nothing was left behind",
                fixes=[Fix.SKIP_ENV],
            )
        results.append(StepResult(step.title, step.shell(platform), seconds))
    return results


def venv_python(env_dir: Path | str, platform: Platform) -> str:
    """The interpreter inside a venv/virtualenv: ``.venv/bin/python``, on Windows
    ``.venv\\Scripts\\python.exe``."""
    return platform.venv_script(str(env_dir), "python")


def test_command(given: Sequence[str], platform: Platform = POSIX) -> tuple[tuple[str, ...], str]:
    """The test command after `python`, as run and as shown: the project's own (a
    switched project's), else pytest without its cache."""
    if given:
        return tuple(given), platform.join(given)
    return ("-m", "pytest", "-q", "-p", "no:cacheprovider"), "-m pytest"


# The smoke test must not leave caches in the user's folders.
NO_LITTER = (("PYTHONDONTWRITEBYTECODE", "1"),)
TEST_TITLE = "Running the project's tests"
