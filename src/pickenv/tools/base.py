"""What every environment tool shares: assessment by the rules, and creation as a
plan of commands that pickenv runs itself (no copier tasks, so no --trust)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pickenv.engine import Assessment, Decider
from pickenv.errors import EnvironmentCreationError
from pickenv.questions import Value
from pickenv.rules_model import RuleSet


@dataclass(frozen=True)
class Step:
    title: str
    argv: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()
    shown: str = ""  # how a person would type it, when that differs from argv

    def display(self) -> str:
        return self.shown or self.shell()

    def shell(self) -> str:
        """The command as a person would type it."""
        import shlex

        prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.env)
        return (prefix + " " if prefix else "") + " ".join(shlex.quote(a) for a in self.argv)


@dataclass(frozen=True)
class Plan:
    """How to create the environment, or why pickenv cannot and what to run instead."""

    steps: tuple[Step, ...]
    available: bool
    missing: str = ""  # why it cannot run here, e.g. "conda is not on PATH"
    cleanup: tuple[Step, ...] = ()  # undo for environments living outside the project


@dataclass(frozen=True)
class StepResult:
    title: str
    command: str
    seconds: float


@dataclass(frozen=True)
class ToolContext:
    """What creating an environment may look at: passed in, never read from globals."""

    env: Mapping[str, str]
    cache_dir: Path
    host_python: str  # the interpreter running pickenv
    python: str | None  # the target interpreter (None: the tool brings its own)
    python_version: str
    project_name: str
    # False when only the commands are wanted (no --create-env): skip the probes that
    # run interpreters, which would slow `pickenv new` down for nothing.
    probe: bool = True


Progress = Callable[[str], None]


@dataclass
class EnvTool:
    """Base class: one subclass per tool, named by ``name``."""

    name: str = field(default="", init=False)
    # Paths in the project the tool creates or rewrites; with --force they must not
    # exist yet, or creating the environment would touch the user's files.
    writes: tuple[str, ...] = field(default=(".venv",), init=False)

    def assess(self, ruleset: RuleSet, answers: Mapping[str, Value]) -> Assessment:
        """Eligibility, score and reasons for this tool, straight from the rules."""
        return Decider(ruleset).assess(answers, self.name)

    def needs_interpreter(self) -> bool:
        return True

    def plan(self, ctx: ToolContext) -> Plan:  # pragma: no cover - abstract
        raise NotImplementedError

    def manual(self, plan: Plan, ctx: ToolContext) -> tuple[str, ...]:
        """The commands a person runs to create the environment without pickenv."""
        del ctx  # subclasses may need it
        return tuple(step.display() for step in plan.steps)

    def create(
        self, project: Path, ctx: ToolContext, progress: Progress, plan: Plan | None = None
    ) -> list[StepResult]:
        """Run the plan (made here unless given) inside ``project``; raise on failure."""
        plan = plan or self.plan(ctx)  # a caller that already planned spares the probes
        if not plan.available:
            raise EnvironmentCreationError(f"{plan.missing}; run the commands yourself")
        return run_steps(plan.steps, project, ctx.env, progress)


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
            start_new_session=os.name != "nt",
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
    if os.name == "nt":  # pragma: no cover - no process groups to signal
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
    steps: Sequence[Step], cwd: Path, env: Mapping[str, str], progress: Progress
) -> list[StepResult]:
    results = []
    for step in steps:
        progress(f"{step.title}...")
        started = time.monotonic()
        returncode, output = _run(step, cwd, {**env, **dict(step.env)})
        seconds = time.monotonic() - started
        if returncode != 0:
            tail = " | ".join(line.strip() for line in output.strip().splitlines()[-3:])
            raise EnvironmentCreationError(
                f"{step.title} failed (exit {returncode}): `{step.shell()}`: {tail}; "
                "nothing was left behind: fix the cause or rerun without --create-env"
            )
        results.append(StepResult(step.title, step.shell(), seconds))
    return results


def venv_python(env_dir: Path | str) -> str:
    """The interpreter inside a venv/virtualenv (Scripts\\python.exe on Windows)."""
    base = Path(env_dir)
    if os.name == "nt":
        return str(base / "Scripts" / "python.exe")
    return str(base / "bin" / "python")


# The smoke test must not leave caches in the user's folders.
_NO_LITTER = (("PYTHONDONTWRITEBYTECODE", "1"),)


def install_and_test_steps(python: str) -> tuple[Step, ...]:
    return (
        Step(
            "Installing the project and its dev dependencies",
            (python, "-m", "pip", "install", "-q", "-r", "requirements-dev.txt"),
        ),
        Step(
            "Running the project's tests",
            (python, "-m", "pytest", "-q", "-p", "no:cacheprovider"),
            _NO_LITTER,
            f"{python} -m pytest",
        ),
    )
