"""`pickenv switch` against faults and attacks: a SIGKILL at chosen instants, a symlink
that leads out of the project, a YAML alias bomb under a memory limit, credentials in
an index URL, a path with a line break. Each ends with the user's files and history
as they were (or the switch made whole), one line on stderr and a documented exit code.

The instants are chosen by a `git` first on PATH that stops before a given git command
until the test has seen it there (a FIFO), never by sleeping.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import Result, git, repository, snapshot
from pickenv.errors import EXIT_OK, EXIT_PROJECT

REAL_GIT = shutil.which("git") or "git"
Run = Callable[..., Result]


def project(tmp_path: Path, files: dict[str, str], name: str = "shop") -> Path:
    return repository(tmp_path / name, {"theirs": files})


SHOP = {"requirements.txt": "flask>=3\n", "requirements-dev.txt": "-r requirements.txt\npytest>=8\n"}


def stopping_git(bin_dir: Path, command: str, fifo: Path, reached: Path) -> None:
    """A git that, before running a command whose arguments hold ``command``, says so
    (``reached``) and waits on ``fifo``; every other command is the real git's at once."""
    bin_dir.mkdir()
    os.mkfifo(fifo)
    script = bin_dir / "git"
    script.write_text(
        textwrap.dedent(
            f"""\
            #!{sys.executable}
            import os, sys
            args = sys.argv[1:]
            if {command!r} in " ".join(args):
                open({str(reached)!r}, "w").close()
                with open({str(fifo)!r}) as wait:
                    wait.read()
            os.execv({REAL_GIT!r}, ["git", *args])
            """
        )
    )
    script.chmod(0o755)


@pytest.mark.posix
@pytest.mark.parametrize("command", ["clone -q", "apply --binary", "ls-files -z --"])
def test_a_sigkill_at_any_instant_leaves_no_commit_and_a_tree_as_before_or_switched(
    tmp_path: Path, subprocess_env: dict[str, str], command: str
) -> None:
    """Before `git clone` (the scratch copy), before `git apply` (the change made in the
    work tree) and after it (`ls-files`, listing what still names the old tool)."""
    shop = project(tmp_path, SHOP)
    before = snapshot(shop)
    refs = git(shop, "show-ref", "--head")
    fifo, reached = tmp_path / "go", tmp_path / "reached"
    stopping_git(tmp_path / "bin", command, fifo, reached)
    env = {**subprocess_env, "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "pickenv", "switch", str(shop), "--to", "pipenv", "-a", "python_version=3.12"],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    while not reached.exists():  # the fake git creates it before it blocks on the FIFO
        assert process.poll() is None, process.communicate()
        os.sched_yield()
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()  # the stopped git went with it: its group is pickenv's
    assert git(shop, "show-ref", "--head") == refs  # never a commit of pickenv's
    if command.startswith("ls-files"):  # the change was made: whole, uncommitted
        assert (shop / "Pipfile").is_file() and not (shop / "requirements.txt").exists()
        assert git(shop, "log", "--format=%s") == "theirs\n"
    else:
        assert snapshot(shop) == before


@pytest.mark.posix
def test_a_pyproject_that_is_a_symlink_out_of_the_project_is_refused(tmp_path: Path, run_cli: Run) -> None:
    outside = tmp_path / "elsewhere.toml"
    outside.write_text('[project]\nname = "x"\nversion = "1"\ndependencies = ["six"]\n')
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "requirements.txt").write_text("flask\n")
    (shop / "pyproject.toml").symlink_to(outside)
    git(shop, "init", "-q", "-b", "main")
    git(shop, "add", "-A")
    git(shop, "commit", "-q", "-m", "theirs")
    before, theirs = snapshot(shop), outside.read_bytes()
    result = run_cli("switch", str(shop), "--to", "uv", "-a", "python_version=3.12")
    assert result.code == EXIT_PROJECT, result.out
    assert (
        result.err.count("\n") == 1 and "pyproject.toml" in result.err and "outside the project" in result.err
    )
    assert snapshot(shop) == before and outside.read_bytes() == theirs


@pytest.mark.posix
def test_an_alias_bomb_in_environment_yml_is_one_line_under_a_memory_limit(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    # 359 bytes of YAML that expand to 9**10 values when aliases are followed
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    for level in "bcdefghij":
        nine = ",".join([f"*{chr(ord(level) - 1)}"] * 9)
        bomb += f"{level}: &{level} [{nine}]\n"
    shop = project(tmp_path, {"environment.yml": f"name: geo\n{bomb}dependencies: *j\n"})
    before = snapshot(shop)
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))"
    code = f"{limit}\nimport sys; from pickenv.cli import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run(
        [sys.executable, "-c", code, "switch", str(shop), "--to", "venv", "-a", "python_version=3.12"],
        env=subprocess_env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == EXIT_PROJECT, done.stderr
    assert done.stderr.count("\n") == 1 and "environment.yml uses a YAML alias" in done.stderr
    assert snapshot(shop) == before


def test_credentials_in_an_index_url_are_never_shown(tmp_path: Path, run_cli: Run) -> None:
    shop = project(
        tmp_path,
        {"requirements.txt": "--index-url https://deploy:s3cret@pypi.internal.example/simple\nflask\n"},
    )
    for fmt in ("text", "json"):
        result = run_cli(
            "switch", str(shop), "--to", "pipenv", "-a", "python_version=3.12", "--dry-run", "--format", fmt
        )
        assert result.code == EXIT_OK, result.err
        shown = (
            result.out
            if fmt == "text"
            else json.dumps({k: v for k, v in json.loads(result.out).items() if k != "diff"})
        )
        assert "s3cret" not in shown and "deploy:****@pypi.internal.example" in shown


def test_a_path_with_a_line_break(tmp_path: Path, run_cli: Run) -> None:
    shop = project(tmp_path, SHOP, name="my\nshop")
    result = run_cli("switch", str(shop), "--to", "pipenv", "-a", "python_version=3.12")
    assert result.code == EXIT_OK, result.err
    assert (shop / "Pipfile").is_file() and not (shop / "requirements.txt").exists()
    assert git(shop, "log", "--format=%s") == "theirs\n"
