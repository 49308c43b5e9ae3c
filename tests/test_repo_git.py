"""Every git command of pickenv goes through ``pickenv.repo.git``: git is found on the PATH
of the environment pickenv was given (never the process's), each caller answers a machine
without git in its own one line, and a failure of git is worded once.

The git the tests put on PATH is a real executable (a shell script), never a mock object.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
from pathlib import Path

import pytest

from helpers import Run, git, repository
from pickenv.context import Context
from pickenv.creation.fields import git_user_name
from pickenv.errors import EXIT_PROJECT, EXIT_TEMPLATE, EXIT_USAGE, ProjectError, TemplateError
from pickenv.repo.git import Git, git_error, initialise
from pickenv.repo.worktree import WorkTree
from pickenv.templating.history import Git as HistoryGit
from pickenv.templating.history import HistoryError, template_ref
from pickenv.templating.source import newest_release

REAL_GIT = shutil.which("git")
pytestmark = [
    pytest.mark.skipif(REAL_GIT is None, reason="git is not installed"),
    pytest.mark.skipif(os.name == "nt", reason="the fake git is a POSIX shell script"),
]


def fake_git(folder: Path, script: str) -> Path:
    """A folder holding an executable ``git`` (a shell script), to put first on PATH."""
    folder.mkdir(parents=True, exist_ok=True)
    exe = folder / "git"
    exe.write_text(f"#!/bin/sh\n{script}\n")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return folder


def named_git(folder: Path, name: str) -> Path:
    """git that answers ``config user.name`` with ``name`` and runs the real git otherwise."""
    answer = f'if [ "$1" = config ] && [ "$2" = user.name ]; then echo "{name}"; exit 0; fi'
    return fake_git(folder, f'{answer}\nexec {REAL_GIT} "$@"')


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    return lines[0]


# ---- a PATH without git: each caller's own line ----------------------------------------------
@pytest.mark.parametrize(
    ("argv", "code", "said"),
    [
        (
            ("update", "{project}"),
            EXIT_PROJECT,
            "git is not installed; changing a project needs it; install git",
        ),
        (
            (
                "new",
                "app",
                "--defaults",
                "--template",
                "https://example.invalid/t.git",
                "--output-dir",
                "{tmp}",
            ),
            EXIT_TEMPLATE,
            "git is not installed; a template from git needs it; install git",
        ),
        (
            (
                "new",
                "app",
                "--defaults",
                "--team",
                "https://example.invalid/team.git",
                "--output-dir",
                "{tmp}",
            ),
            EXIT_USAGE,
            "git is not installed; a team file from git needs it; install git",
        ),
        (
            ("new", "app", "--defaults", "--template", "{repo}", "--output-dir", "{tmp}"),
            EXIT_TEMPLATE,
            "the template {repo} is a git repository and its versions need git; install git",
        ),
    ],
    ids=["update", "template-url", "team-url", "template-repository"],
)
def test_without_git_each_caller_says_so_in_one_line(
    tmp_path: Path, run_cli: Run, argv: tuple[str, ...], code: int, said: str
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / ".copier-answers.yml").write_text("_src_path: gh:acme/t\n_commit: v1.0.0\ntool: venv\n")
    repo = repository(tmp_path / "template", {"v1.0.0": {"copier.yml": "project_name: {type: str}\n"}})
    places = {"project": str(project), "tmp": str(tmp_path), "repo": str(repo)}
    result = run_cli(*(a.format(**places) for a in argv), env={"PATH": str(tmp_path / "no-bin")})
    assert result.code == code, result.err
    assert one_line(result.err).endswith(said.format(**places)), result.err
    assert not (tmp_path / "app").exists()


def test_without_git_a_new_project_is_made_and_says_git_was_skipped(tmp_path: Path, run_cli: Run) -> None:
    made = run_cli("new", "app", "--defaults", "--output-dir", str(tmp_path), "--format", "json",
                   env={"PATH": str(tmp_path / "no-bin")})  # fmt: skip
    assert made.code == 0, made.err
    assert json.loads(made.out)["git"] == "skipped: git is not installed"
    assert not (tmp_path / "app" / ".git").exists()
    assert 'authors = [{ name = "Your Name" }]' in (tmp_path / "app" / "pyproject.toml").read_text()


def test_without_git_the_api_callers_answer_their_own_way(tmp_path: Path) -> None:
    no_git = {"PATH": str(tmp_path / "no-bin"), "HOME": str(tmp_path)}
    assert Git.find(no_git) is None
    with pytest.raises(ProjectError) as changing:
        WorkTree.of(tmp_path, no_git)
    assert changing.value.message == "git is not installed; changing a project needs it"
    with pytest.raises(ProjectError) as updating:
        newest_release("https://example.invalid/t.git", Context.from_environment(no_git))
    assert updating.value.message == "git is not installed; updating a project needs it"
    with pytest.raises(HistoryError, match=r"^git is not installed$"):
        HistoryGit(tmp_path, no_git)
    from pickenv.resources import project_template

    ref = template_ref(Context.from_environment(no_git), project_template())
    assert not ref.ready and ref.note == "git is not installed"
    assert initialise(tmp_path, no_git) == "skipped: git is not installed"
    assert git_user_name(no_git) == "Your Name"


# ---- the environment's PATH, not the process's ------------------------------------------------
def test_git_config_user_name_is_the_git_on_the_given_path(tmp_path: Path) -> None:
    bin_dir = named_git(tmp_path / "bin", "Grace Hopper")
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path)}
    assert git_user_name(env) == "Grace Hopper"
    assert Git.find(env) == Git(str(bin_dir / "git"), env)


@pytest.mark.parametrize("how", ["in-process", "subprocess"])
def test_new_takes_the_author_from_the_git_on_its_path(
    tmp_path: Path, run_cli: Run, run_subprocess: Run, how: str
) -> None:
    bin_dir = named_git(tmp_path / "bin", "Grace Hopper")
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    run = run_cli if how == "in-process" else run_subprocess
    made = run("new", "app", "--defaults", "--output-dir", str(tmp_path), env=env)
    assert made.code == 0, made.err
    assert 'authors = [{ name = "Grace Hopper" }]' in (tmp_path / "app" / "pyproject.toml").read_text()
    assert git(tmp_path / "app", "log", "--format=%s").startswith("Initial commit from pickenv")


# ---- git's own failure, worded once -----------------------------------------------------------
def test_a_failed_git_command_is_worded_once_for_every_caller(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo", {"first": {"a.txt": "a\n"}}).resolve()
    env = dict(os.environ)
    failing = ("rev-parse", "--verify", "-q", "no-such-ref^{commit}")
    expected = f"git rev-parse failed in {repo}: git failed"  # -q: git says nothing, the line says so
    with pytest.raises(ProjectError) as direct:
        Git.needed(env, "it is needed").run(*failing, cwd=repo)
    with pytest.raises(ProjectError) as tree:
        WorkTree.of(repo, env).run(*failing)
    with pytest.raises(HistoryError) as history:  # the history's own class (exit 9), the same words
        HistoryGit(repo, env).run(*failing)
    assert direct.value.message == tree.value.message == history.value.message == expected
    said = Git.needed(env, "it is needed").run("cat-file", "-t", "nope", cwd=repo, check=False)
    assert not said.ok and "nope" in said.err
    worded = git_error(["cat-file", "-t", "nope"], repo, said.err)
    assert worded.message.startswith(f"git cat-file failed in {repo}: ") and "fatal:" not in worded.message


def test_git_saying_the_disk_is_full_is_worded_as_the_disk(tmp_path: Path) -> None:
    said = "fatal: unable to write new index file: No space left on device"
    full = fake_git(tmp_path / "bin", f'echo "{said}" >&2\nexit 128')
    env = {"PATH": str(full), "HOME": str(tmp_path)}
    with pytest.raises(ProjectError) as info:
        Git.needed(env, "it is needed").run("add", "-A", cwd=tmp_path)
    assert info.value.message == (
        f"no space left on the device holding {tmp_path}; free some space there and run it again"
    )


def test_git_that_cannot_start_is_one_line_of_the_callers_class(tmp_path: Path) -> None:
    broken = fake_git(tmp_path / "bin", "exit 0")
    (broken / "git").chmod(0o644)  # found by name, but not executable any more
    git_value = Git(str(broken / "git"), {"PATH": str(broken)}, TemplateError)
    with pytest.raises(TemplateError) as info:
        git_value.run("status", cwd=tmp_path)
    assert info.value.message == f"cannot run git in {tmp_path}: Permission denied"
    gone = tmp_path / "gone"
    with pytest.raises(ProjectError, match=f"^cannot run git in {re.escape(str(gone))}: "):
        Git.needed(dict(os.environ), "it is needed").run("status", cwd=gone)


def test_input_goes_to_git_and_stdin_is_closed_otherwise(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo", {"first": {"a.txt": "a\n"}})
    runner = Git.needed(dict(os.environ), "it is needed")
    blob = runner.run("hash-object", "-w", "--stdin", cwd=repo, input=b"bytes\n").out.strip()
    assert runner.run("cat-file", "blob", blob, cwd=repo).stdout == b"bytes\n"
    text = runner.run("hash-object", "--stdin", cwd=repo, input="bytes\n").out.strip()
    assert text == blob
    # Without input git gets an empty stdin, never the terminal: it returns at once.
    empty = git(repo, "hash-object", "/dev/null").strip()
    assert runner.run("hash-object", "--stdin", cwd=repo).out.strip() == empty
