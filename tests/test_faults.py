"""Bad input and faults, as users meet them: each is one line on stderr naming the fix,
a documented exit code, no traceback, no half-made project and no user file touched.
(Signals during environment creation are in test_new_cli.py; full and read-only
disks during environment creation in test_new_env.py.)"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from helpers import AS_ROOT
from pickenv.errors import EXIT_ANSWER, EXIT_DESTINATION, EXIT_OK, EXIT_OUTPUT, EXIT_RULES


def pickenv(
    env: Mapping[str, str], *args: str, cwd: Path, stdout: int | None = subprocess.PIPE, stdin: bytes = b""
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "pickenv", *args],
        input=stdin,
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=dict(env),
        cwd=cwd,
        timeout=120,
        check=False,
    )


def one_line_error(result: subprocess.CompletedProcess[bytes]) -> str:
    err = result.stderr.decode()
    assert "Traceback" not in err
    assert err.startswith("pickenv: error: ") and err.count("\n") == 1, err
    return err


def closed_stdout(env: Mapping[str, str], *args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """Run with file descriptor 1 closed, as `>&-` does."""
    return subprocess.run(
        ["sh", "-c", 'exec "$@" >&-', "sh", sys.executable, "-m", "pickenv", *args],
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=dict(env),
        cwd=cwd,
        timeout=120,
        check=False,
    )


# ----- standard output closed or full ---------------------------------------------------


@pytest.mark.posix
def test_recommend_into_a_closed_stdout_is_exit_11(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    result = closed_stdout(subprocess_env, "recommend", "--defaults", cwd=tmp_path)
    assert result.returncode == EXIT_OUTPUT
    assert "closed" in one_line_error(result) and "redirect standard output" in result.stderr.decode()


@pytest.mark.posix
def test_recommend_into_a_full_device_is_exit_11(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    with open("/dev/full", "wb") as full:
        result = pickenv(subprocess_env, "recommend", "--defaults", cwd=tmp_path, stdout=full.fileno())
    assert result.returncode == EXIT_OUTPUT
    assert "No space left on device" in one_line_error(result)


@pytest.mark.posix
@pytest.mark.parametrize("where", ["closed", "full"])
def test_new_with_unusable_stdout_reports_the_complete_project_on_stderr(
    tmp_path: Path, subprocess_env: dict[str, str], where: str
) -> None:
    """The project is made and committed before the report is written: it stays, and
    the report goes to stderr instead, so nothing the user needs is lost."""
    args = ("new", "demo", "--defaults")
    if where == "closed":
        result = closed_stdout(subprocess_env, *args, cwd=tmp_path)
    else:
        with open("/dev/full", "wb") as full:
            result = pickenv(subprocess_env, *args, cwd=tmp_path, stdout=full.fileno())
    err = result.stderr.decode()
    assert result.returncode == EXIT_OK and "Traceback" not in err
    assert err.startswith("pickenv: standard output is unusable (")
    assert "Created demo for venv" in err and "Next:\n  cd demo\n" in err
    assert (tmp_path / "demo" / "pyproject.toml").is_file() and (tmp_path / "demo" / ".git").is_dir()


# ----- input files ----------------------------------------------------------------------


@pytest.mark.posix
def test_answers_from_a_device_are_refused_before_reading(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    result = pickenv(subprocess_env, "recommend", "--answers-file", "/dev/zero", cwd=tmp_path)
    assert result.returncode == EXIT_ANSWER
    assert "is not a regular file" in one_line_error(result)


@pytest.mark.posix
def test_rules_from_a_device_are_refused_before_reading(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    result = pickenv(subprocess_env, "recommend", "--defaults", "--rules", "/dev/zero", cwd=tmp_path)
    assert result.returncode == EXIT_RULES
    assert "is not a regular file" in one_line_error(result)


def test_an_answers_file_over_the_limit_is_refused(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    big = tmp_path / "answers.yaml"
    big.write_text("# padding\n" * 120_000)  # 1.2 MB of comments: valid YAML, too large
    result = pickenv(subprocess_env, "recommend", "--answers-file", str(big), cwd=tmp_path)
    assert result.returncode == EXIT_ANSWER
    assert "larger than 1 MiB" in one_line_error(result)


@pytest.mark.parametrize(
    ("text", "shape"), [("domain: [web]\n", "a list"), ("domain: {a: 1}\n", "a mapping")]
)
def test_a_list_or_mapping_answer_is_named_not_dumped(
    tmp_path: Path, subprocess_env: dict[str, str], text: str, shape: str
) -> None:
    (tmp_path / "answers.yaml").write_text(text)
    result = pickenv(
        subprocess_env, "recommend", "--defaults", "--answers-file", "answers.yaml", cwd=tmp_path
    )
    assert result.returncode == EXIT_ANSWER
    assert (
        one_line_error(result) == f"pickenv: error: answers.yaml:1:9: domain takes one value, not {shape}\n"
    )


def test_answers_from_stdin(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    result = pickenv(
        subprocess_env,
        *("recommend", "--defaults", "--answers-file", "-", "--format", "json"),
        cwd=tmp_path,
        stdin=b"domain: data-science\nbinary_deps: true\n",
    )
    assert result.returncode == EXIT_OK, result.stderr
    report = json.loads(result.stdout)
    assert dict(report["answers"])["domain"] == "data-science" and report["recommendation"] == "conda"


def test_a_non_utf8_author_is_an_answer_error(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    work = tmp_path / "work"  # tmp_path also holds the isolated XDG folders
    work.mkdir()
    result = subprocess.run(
        [
            sys.executable.encode(),
            b"-m",
            b"pickenv",
            b"new",
            b"demo",
            b"--defaults",
            b"--author",
            b"Ada \xff",
        ],
        capture_output=True,
        env=subprocess_env,
        cwd=work,
        timeout=120,
        check=False,
    )
    assert result.returncode == EXIT_ANSWER
    assert "author (--author) is not valid UTF-8 text" in one_line_error(result)
    assert list(work.iterdir()) == []


# ----- destinations -----------------------------------------------------------------------


def test_output_dir_that_is_a_file_says_so(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "afile").write_text("mine")
    result = pickenv(subprocess_env, "new", "demo", "--defaults", "--output-dir", "afile", cwd=work)
    assert result.returncode == EXIT_DESTINATION
    assert f"{work / 'afile'} is not a folder" in one_line_error(result)
    assert sorted(p.name for p in work.iterdir()) == ["afile"] and (work / "afile").read_text() == "mine"


@contextlib.contextmanager
def mounted_tmpfs(where: Path, options: str) -> Iterator[Path]:
    """A real small or read-only filesystem (needs root; the test skips without it)."""
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip() or 'not permitted'}")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=True)


@pytest.mark.posix
@pytest.mark.skipif(not AS_ROOT, reason="mounting a small tmpfs needs root")
def test_a_full_disk_while_rendering_names_the_space_needed(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    with mounted_tmpfs(tmp_path / "small", "size=12k") as small:
        result = pickenv(subprocess_env, "new", "demo", "--defaults", cwd=small)
        err = one_line_error(result)
        assert result.returncode == EXIT_DESTINATION
        assert f"no space left on the device holding {small} (" in err and "the project needs about" in err
        assert list(small.iterdir()) == []


@pytest.mark.posix
@pytest.mark.skipif(not AS_ROOT, reason="mounting a read-only tmpfs needs root")
def test_a_read_only_file_system_is_named(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    with mounted_tmpfs(tmp_path / "ro", "size=1m,ro") as read_only:
        result = pickenv(subprocess_env, "new", "demo", "--defaults", cwd=read_only)
        assert result.returncode == EXIT_DESTINATION
        assert one_line_error(result) == (
            f"pickenv: error: cannot write in {read_only} (a read-only file system); "
            "make it writable or choose another --output-dir\n"
        )
