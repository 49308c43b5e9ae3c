"""Progress of slow steps: a live line on a terminal, nothing in a pipe."""

from __future__ import annotations

import io
import os
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pickenv.commands.terminal import Terminal


@pytest.fixture
def pty_stream() -> Iterator[tuple[io.TextIOWrapper, int]]:
    """A real pseudo-terminal: (the stream pickenv writes to, the master end to read)."""
    master, slave = os.openpty()
    stream = open(slave, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    yield stream, master
    stream.close()
    os.close(master)


def read_until(master: int, text: str, seconds: float = 30) -> str:
    seen = ""
    deadline = time.monotonic() + seconds
    while text not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            seen += os.read(master, 4096).decode()
    return seen


def terminal(stderr: io.TextIOWrapper | io.StringIO, verbose: bool = False) -> Terminal:
    return Terminal(io.StringIO(), io.StringIO(), stderr, "auto", {}, verbose)


def test_a_long_step_shows_its_share_and_time_on_a_terminal(pty_stream: tuple[io.TextIOWrapper, int]) -> None:
    stream, master = pty_stream
    with terminal(stream).activity() as activity:
        activity.step("checking the rules", quiet_for=0.2)
        activity.progress(0.42)
        seen = read_until(master, "42%")
    seen += read_until(master, "done")
    assert "\rpickenv: checking the rules 42% " in seen
    assert "pickenv: checking the rules done (" in seen


def test_a_quick_step_leaves_no_line_on_a_terminal(pty_stream: tuple[io.TextIOWrapper, int]) -> None:
    stream, master = pty_stream
    with terminal(stream).activity() as activity:
        activity.step("checking the rules", quiet_for=60)
    stream.flush()
    ready, _, _ = select.select([master], [], [], 0.5)
    assert not ready  # nothing was written


def test_a_step_without_quiet_time_shows_at_once(pty_stream: tuple[io.TextIOWrapper, int]) -> None:
    stream, master = pty_stream
    with terminal(stream).activity() as activity:
        activity.step("Creating the environment")
        assert "\rpickenv: Creating the environment 0s" in read_until(master, "0s")


def test_steps_are_plain_lines_with_verbose_and_nothing_otherwise_in_a_pipe() -> None:
    quiet, verbose = io.StringIO(), io.StringIO()
    for stream, is_verbose in ((quiet, False), (verbose, True)):
        with terminal(stream, is_verbose).activity() as activity:
            activity.step("Creating the environment")
            activity.progress(0.5)
            activity.step("Installing the project")
    assert quiet.getvalue() == ""
    assert verbose.getvalue() == "pickenv: Creating the environment\npickenv: Installing the project\n"


@pytest.mark.slow  # over 1 s: out of the fast suite (issue 17's 2-minute goal)
def test_rules_check_of_a_large_file_writes_no_progress_into_a_pipe(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    rules = ["schema_version: 1", "rules:"]
    for number in range(2000):
        rules += [
            f"  - id: team-{number}",
            f"    when: {{team_size: [small], deploy: [heroku, docker], python_version: '>=3.{number % 9}'}}",
            f"    score: {{pipenv: {number % 3 + 1}}}",
            f"    because: Reason {number}.",
            "    source: https://wiki.example.org/python",
        ]
    team = tmp_path / "team.yaml"
    team.write_text("\n".join(rules) + "\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pickenv", "rules", "check", str(team)],
        capture_output=True,
        text=True,
        env=subprocess_env,
        check=False,
    )
    assert result.stderr == ""
    from math import prod

    from pickenv.questionnaire.questions import QUESTIONS

    combinations = prod(len(q.values) for q in QUESTIONS)  # every answer to every question
    assert f"{combinations:,}" in result.stdout or str(combinations) in result.stdout
