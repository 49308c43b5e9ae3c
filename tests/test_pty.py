"""The interactive questionnaire, driven through a real pseudo-terminal with pexpect."""

from __future__ import annotations

import io
import re
import signal
import sys
from collections.abc import Sequence

import pytest
import yaml

from helpers import signals
from pickenv.questionnaire.questions import QUESTIONS
from pickenv.versions import PythonVersion, closest_known

pexpect = pytest.importorskip("pexpect")
pytestmark = pytest.mark.posix  # pexpect.spawn needs a POSIX pty

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


def moves(start: str, target: str, values: Sequence[object]) -> list[str]:
    """Arrow keys that move a select prompt's pointer from start to target (no wrapping)."""
    steps = values.index(target) - values.index(start)
    return [DOWN] * steps if steps > 0 else [UP] * -steps


def answers_line(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith("Answers: "))


@pytest.mark.slow  # over 1.2 s: out of the fast suite (issue 17's 2-minute goal)
def test_data_science_with_binary_deps_gets_conda(session) -> None:  # type: ignore[no-untyped-def]
    s = session()
    s.ask("domain", *moves("scripting", "data-science", DOMAINS), ENTER)
    s.ask("python_version", ENTER)  # the preselected default
    s.ask("team_size", ENTER)
    s.ask("organisation", ENTER)
    s.ask("lockfile", "n")
    s.ask("binary_deps", DOWN, DOWN, ENTER)  # no-wheels
    s.ask("os_packages", "n")
    s.ask("windows", "n")
    s.ask("manage_python", "n")
    s.ask("deploy", ENTER)
    s.ask("offline", "n")
    code, output = s.finish()
    assert code == 0, output
    assert "Recommended: conda" in output
    default_version = closest_known(PythonVersion(*sys.version_info[:2]))
    assert answers_line(output) == (
        f"Answers: domain=data-science python_version={default_version} team_size=solo "
        "organisation=small lockfile=false binary_deps=no-wheels os_packages=false windows=false "
        "manage_python=false deploy=none offline=false"
    )
    assert "Traceback" not in output


@pytest.mark.slow  # over 1.2 s: out of the fast suite (issue 17's 2-minute goal)
def test_legacy_project_defaults_to_2_7_and_gets_virtualenv(session) -> None:  # type: ignore[no-untyped-def]
    s = session()
    s.ask("domain", *moves("scripting", "legacy-python2", DOMAINS), ENTER)
    s.ask("python_version", ENTER)  # the default now depends on the first answer: 2.7
    s.ask("team_size", DOWN, ENTER)  # small
    for question in ("organisation", "lockfile", "binary_deps", "os_packages", "windows", "manage_python"):
        s.ask(question, ENTER)  # selects keep their default, confirm prompts default to no
    s.ask("deploy", DOWN, ENTER)  # docker
    s.ask("offline", "y")
    code, output = s.finish()
    assert code == 0, output
    assert "Recommended: virtualenv" in output
    assert answers_line(output) == (
        "Answers: domain=legacy-python2 python_version=2.7 team_size=small organisation=small lockfile=false "
        "binary_deps=none os_packages=false windows=false manage_python=false deploy=docker offline=true"
    )
    assert "virtualenv<20.22" in output


@pytest.mark.slow  # over 1 s: out of the fast suite (issue 17's 2-minute goal)
def test_arrow_keys_pick_an_old_python_that_excludes_pipenv(session) -> None:  # type: ignore[no-untyped-def]
    versions = [c.value for c in QUESTIONS[1].choices]
    default_version = closest_known(PythonVersion(*sys.version_info[:2]))
    s = session("-a", "domain=web", "-a", "team_size=small", "-a", "organisation=small")
    s.ask("python_version", *moves(default_version, "3.8", versions), ENTER)
    s.ask("lockfile", "y")
    s.ask("binary_deps", ENTER)  # none
    for question in ("os_packages", "windows", "manage_python"):
        s.ask(question, "n")
    s.ask("deploy", ENTER)
    s.ask("offline", "n")
    code, output = s.finish()
    assert code == 0, output
    assert "python_version=3.8 " in answers_line(output) and "lockfile=true" in answers_line(output)
    assert "Recommended: venv" in output  # pipenv would win on 3.10+, but needs 3.10
    assert "[pipenv-needs-python-3-10]" in output.split("Excluded")[1]


def test_pre_answered_questions_are_not_asked(session) -> None:  # type: ignore[no-untyped-def]
    given = {
        "domain": "web", "python_version": "3.12", "team_size": "small", "binary_deps": "false",
        "windows": "false", "manage_python": "false", "deploy": "none", "offline": "false",
        "organisation": "small", "os_packages": "false",
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
        else session(
            "-a",
            "domain=web",
            "-a",
            "python_version=3.12",
            "-a",
            "team_size=solo",
            "-a",
            "organisation=small",
        )
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


# ---- the review of `pickenv new`: back, Esc, Abort, and signals at a prompt ----------------------------

ESC = "\x1b"
GIVEN = ("domain=web", "python_version=3.12", "team_size=solo", "organisation=small",
         "binary_deps=false", "os_packages=false", "windows=false", "manage_python=false", "deploy=none",
         "offline=false")  # fmt: skip
FLAGS = ("--description", "A demo", "--author", "Ada", "--license", "MIT", "--no-create-env")


class NewSession(Session):
    """`pickenv new demo` in a pty; lockfile (and the tool) are the only questions left."""

    def __init__(self, env: dict[str, str], folder: str, *args: str) -> None:
        self.log = io.StringIO()
        answers = [f"--answer={a}" for a in GIVEN]
        argv = ["-m", "pickenv", "new", "demo", "--output-dir", folder, *answers, *FLAGS, *args]
        self.child = pexpect.spawn(
            sys.executable,
            argv,
            env={**env, "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1", "COLUMNS": "400"},
            dimensions=(60, 400),
            timeout=30,
            encoding="utf-8",
        )
        self.child.logfile_read = self.log

    def review(self) -> dict[str, str]:
        """Wait for the review and return the answers it shows."""
        self.child.expect_exact("Create demo?")
        shown = ANSI.sub("", self.child.before).replace("\r", "")
        block = shown.rsplit("\n\n", 2)[-2] if shown.count("\n\n") >= 2 else shown
        return dict(line.strip().split(": ", 1) for line in block.splitlines() if ": " in line)


@pytest.fixture
def new_session(subprocess_env: dict[str, str], tmp_path):  # type: ignore[no-untyped-def]
    started: list[NewSession] = []

    def _start(*args: str) -> NewSession:
        started.append(NewSession(subprocess_env, str(tmp_path), *args))
        return started[-1]

    yield _start
    for s in started:
        s.kill()


@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_esc_at_the_review_goes_back_through_the_questions(new_session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    s = new_session()
    s.ask("lockfile", "y")
    s.child.expect_exact("Which environment tool?")
    s.child.send(ENTER)  # the recommendation: pipenv, for a lock file
    first = s.review()
    assert first["lockfile"] == "true" and first["Tool"] == "pipenv (recommended)"
    s.child.expect_exact("Esc to go back")  # the menu says so
    s.child.send(ESC)  # back through the questions, each answer chosen
    s.child.expect_exact(PROMPT["lockfile"])
    s.child.expect_exact("(Y/n)")  # yes, as answered before
    s.child.send("n")
    s.child.expect_exact("Which environment tool?")
    s.child.send(ENTER)
    second = s.review()
    assert second["lockfile"] == "false" and second["Tool"] == "venv (recommended)"  # it followed
    assert {k: v for k, v in second.items() if k not in ("lockfile", "Tool")} == {
        k: v for k, v in first.items() if k not in ("lockfile", "Tool")
    }
    # The menu's "Back" is the same way; Esc on its first question returns to the review.
    s.child.send(DOWN * 3 + ENTER)
    s.child.expect_exact(PROMPT["lockfile"])
    s.child.expect_exact("(y/N)")
    s.child.send(ESC)
    assert s.review() == second
    # "Change an answer", then Esc at its list and at the answer itself: nothing changes.
    s.child.send(DOWN + ENTER)
    s.child.expect_exact("Which answer?")
    s.child.send(ESC)
    assert s.review() == second
    s.child.send(DOWN + ENTER)
    s.child.expect_exact("Which answer?")
    # From the first entry up (the list wraps): Create the environment, Licence, Author, Description.
    s.child.send(UP * 4 + ENTER)
    s.child.expect_exact("Description?")
    s.child.send("changed" + ESC)
    assert s.review() == second
    s.child.send(ENTER)  # Create the project
    code, output = s.finish()
    assert code == 0, output
    recorded = yaml.safe_load((tmp_path / "demo" / ".copier-answers.yml").read_text())
    assert (recorded["lockfile"], recorded["tool"], recorded["description"]) == (False, "venv", "A demo")


def test_abort_at_the_review_says_aborted(new_session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    s = new_session("--answer=lockfile=false", "--tool", "venv")
    s.review()
    s.child.send(DOWN + DOWN + ENTER)  # Abort: write nothing
    code, output = s.finish()
    assert code == 130 and s.child.signalstatus is None
    assert "pickenv: aborted; nothing was created" in output
    assert "interrupted" not in output and "error" not in output and "Traceback" not in output
    assert not (tmp_path / "demo").exists()


@pytest.mark.parametrize("signum", signals("SIGTERM", "SIGHUP"), ids=lambda s: signal.Signals(s).name)
def test_a_signal_at_a_prompt_exits_130_with_nothing_made(new_session, tmp_path, signum: int) -> None:  # type: ignore[no-untyped-def]
    s = new_session("--answer=lockfile=false", "--tool", "venv")
    s.review()
    s.child.kill(signum)  # `kill`, or the terminal closing, while the menu waits
    code, output = s.finish()
    assert code == 130 and s.child.signalstatus is None, output
    assert "pickenv: interrupted; nothing was changed" in output and "Traceback" not in output
    assert not (tmp_path / "demo").exists()
