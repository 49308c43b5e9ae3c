"""The interactive questionnaire, driven through a real pseudo-terminal with pexpect."""

from __future__ import annotations

import io
import re
import sys

import pytest

from pickenv.questionnaire.questions import QUESTIONS
from pickenv.versions import PythonVersion, closest_known

pexpect = pytest.importorskip("pexpect")
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn needs a POSIX pty")

UP, DOWN, ENTER = "\x1b[A", "\x1b[B", "\r"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
PROMPT = {q.id: q.prompt for q in QUESTIONS}
DOMAINS = [c.value for c in QUESTIONS[0].choices]


class Session:
    def __init__(self, env: dict[str, str], *answers: str) -> None:
        self.log = io.StringIO()
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "pickenv", "recommend", *answers],
            # A wide COLUMNS keeps each output line whole for the parsing below.
            env={**env, "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1", "COLUMNS": "400"},
            dimensions=(40, 120),
            timeout=30,
            encoding="utf-8",
        )
        self.child.logfile_read = self.log

    def ask(self, question_id: str, *keys: str) -> None:
        """Wait for the question, then type the keys (select: arrows and Enter; confirm: y/n)."""
        self.child.expect_exact(PROMPT[question_id])
        for key in keys:
            self.child.send(key)

    def finish(self) -> tuple[int | None, str]:
        self.child.expect(pexpect.EOF)
        self.child.close()
        return self.child.exitstatus, ANSI.sub("", self.log.getvalue()).replace("\r", "")

    def kill(self) -> None:
        if self.child.isalive():
            self.child.terminate(force=True)


@pytest.fixture
def session(subprocess_env: dict[str, str]):  # type: ignore[no-untyped-def]
    started: list[Session] = []

    def _start(*answers: str) -> Session:
        started.append(Session(subprocess_env, *answers))
        return started[-1]

    yield _start
    for s in started:
        s.kill()


def moves(start: str, target: str, values: list[object]) -> list[str]:
    """Arrow keys that move a select prompt's pointer from start to target (no wrapping)."""
    steps = values.index(target) - values.index(start)
    return [DOWN] * steps if steps > 0 else [UP] * -steps


def answers_line(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith("Answers: "))


def test_data_science_with_binary_deps_gets_conda(session) -> None:  # type: ignore[no-untyped-def]
    s = session()
    s.ask("domain", *moves("scripting", "data-science", DOMAINS), ENTER)
    s.ask("python_version", ENTER)  # the preselected default
    s.ask("team_size", ENTER)
    s.ask("lockfile", "n")
    s.ask("binary_deps", "y")
    s.ask("windows", "n")
    s.ask("manage_python", "n")
    s.ask("deploy", ENTER)
    s.ask("offline", "n")
    code, output = s.finish()
    assert code == 0, output
    assert "Recommended: conda" in output
    default_version = closest_known(PythonVersion(*sys.version_info[:2]))
    assert answers_line(output) == (
        f"Answers: domain=data-science python_version={default_version} team_size=solo lockfile=false "
        "binary_deps=true windows=false manage_python=false deploy=none offline=false"
    )
    assert "Traceback" not in output


def test_legacy_project_defaults_to_2_7_and_gets_virtualenv(session) -> None:  # type: ignore[no-untyped-def]
    s = session()
    s.ask("domain", *moves("scripting", "legacy-python2", DOMAINS), ENTER)
    s.ask("python_version", ENTER)  # the default now depends on the first answer: 2.7
    s.ask("team_size", DOWN, ENTER)  # small
    for question in ("lockfile", "binary_deps", "windows", "manage_python"):
        s.ask(question, ENTER)  # confirm prompts default to no
    s.ask("deploy", DOWN, ENTER)  # docker
    s.ask("offline", "y")
    code, output = s.finish()
    assert code == 0, output
    assert "Recommended: virtualenv" in output
    assert answers_line(output) == (
        "Answers: domain=legacy-python2 python_version=2.7 team_size=small lockfile=false "
        "binary_deps=false windows=false manage_python=false deploy=docker offline=true"
    )
    assert "virtualenv<20.22" in output


def test_arrow_keys_pick_an_old_python_that_excludes_pipenv(session) -> None:  # type: ignore[no-untyped-def]
    versions = [c.value for c in QUESTIONS[1].choices]
    default_version = closest_known(PythonVersion(*sys.version_info[:2]))
    s = session("-a", "domain=web", "-a", "team_size=small")
    s.ask("python_version", *moves(default_version, "3.8", versions), ENTER)
    s.ask("lockfile", "y")
    for question in ("binary_deps", "windows", "manage_python"):
        s.ask(question, "n")
    s.ask("deploy", ENTER)
    s.ask("offline", "n")
    code, output = s.finish()
    assert code == 0, output
    assert "python_version=3.8 " in answers_line(output) and "lockfile=true" in answers_line(output)
    assert "Recommended: venv" in output  # pipenv would win on 3.9+, but needs 3.9
    assert "[pipenv-needs-python-3-9]" in output.split("Excluded")[1]


def test_pre_answered_questions_are_not_asked(session) -> None:  # type: ignore[no-untyped-def]
    given = {
        "domain": "web", "python_version": "3.12", "team_size": "small", "binary_deps": "false",
        "windows": "false", "manage_python": "false", "deploy": "none", "offline": "false",
    }  # fmt: skip
    s = session(*(arg for k, v in given.items() for arg in ("--answer", f"{k}={v}")))
    s.ask("lockfile", "y")
    code, output = s.finish()
    assert code == 0, output
    asked = [q for q, prompt in PROMPT.items() if prompt in output]
    assert asked == ["lockfile"]
    assert "Recommended: pipenv" in output


@pytest.mark.parametrize("question", ["domain", "lockfile"])
def test_ctrl_c_at_a_prompt_exits_130_quietly(session, question: str) -> None:  # type: ignore[no-untyped-def]
    s = (
        session()
        if question == "domain"
        else session("-a", "domain=web", "-a", "python_version=3.12", "-a", "team_size=solo")
    )
    s.ask(question)
    s.child.sendcontrol("c")
    code, output = s.finish()
    assert code == 130
    assert s.child.signalstatus is None  # exited, not killed by the signal
    assert "Traceback" not in output
    assert "pickenv: interrupted; nothing was changed" in output
    assert "Recommended:" not in output


COLOUR = re.compile(r"\x1b\[(?:[0-9]+;)*(?:3[0-7]|9[0-7]|38)(?:;[0-9]+)*m")  # SGR foreground colours


@pytest.mark.parametrize(
    "args", [(), ("--color", "never"), ("recommend", "--color", "never")], ids=["control", "top", "command"]
)
def test_color_never_makes_the_prompts_monochrome(
    subprocess_env: dict[str, str], args: tuple[str, ...]
) -> None:
    """--color never, top-level or on the command, reaches questionary's prompts too;
    without it (the control) the same prompts are coloured."""
    argv = list(args) if "recommend" in args else [*args, "recommend"]
    child = pexpect.spawn(
        sys.executable,
        ["-m", "pickenv", *argv],
        env={**subprocess_env, "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"},
        dimensions=(40, 120),
        timeout=30,
        encoding="utf-8",
    )
    log = io.StringIO()
    child.logfile_read = log
    try:
        for question in QUESTIONS:
            child.expect_exact(PROMPT[question.id])
            child.send(ENTER)
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    prompts = log.getvalue().split("Recommended:")[0]
    assert bool(COLOUR.search(prompts)) == (args == ())
