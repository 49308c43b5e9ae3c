"""The one reader of a project's copier answers file (``pickenv.templating.answers``):
bounded in size, no YAML aliases, a mapping or one line saying what it holds instead,
never a file outside the project; and what `update`, `switch` and the check for an
unfinished update make of it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from helpers import Run, git, repository
from pickenv.errors import EXIT_PROJECT, ProjectError
from pickenv.inputs import ANSWERS_LIMIT
from pickenv.repo.worktree import WorkTree
from pickenv.templating.answers import ANSWERS_FILE, parse_answers, read_answers, recorded_answers

RESTORE = "fix it, or restore it from git (git checkout -- .copier-answers.yml)"
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(9)
)


def answers_in(folder: Path, content: str | bytes, name: str = ANSWERS_FILE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return folder


def refusal(project: Path) -> str:
    with pytest.raises(ProjectError) as info:
        read_answers(project)
    message = str(info.value)
    assert info.value.exit_code == EXIT_PROJECT and "\n" not in message
    return message


def test_answers_are_read_as_copier_writes_them(tmp_path: Path) -> None:
    data = {"_src_path": "gh:acme/t", "_commit": "v1.0.0", "create_env": True, "python_version": "3.10"}
    project = answers_in(tmp_path, "# Changes here will be overwritten by Copier\n" + yaml.safe_dump(data))
    assert read_answers(project) == data == recorded_answers(project)
    # YAML 1.1, as copier reads it: yes is a boolean there.
    answers_in(tmp_path, "_src_path: gh:acme/t\ncreate_env: yes\n")
    assert read_answers(tmp_path)["create_env"] is True


def test_a_file_over_the_limit_is_refused_unread(tmp_path: Path) -> None:
    project = answers_in(tmp_path, b"_src_path: gh:acme/t\n# " + b"x" * ANSWERS_LIMIT + b"\n")
    message = refusal(project)
    assert message == f"the answers file {project / ANSWERS_FILE} is larger than 1 MiB; {RESTORE}"


def test_an_alias_is_refused_before_it_is_expanded(tmp_path: Path) -> None:
    project = answers_in(tmp_path, "_src_path: &src gh:acme/t\nother: *src\n")
    assert refusal(project) == (
        f"the answers file {project / ANSWERS_FILE}:2 uses a YAML alias (*name), which copier never "
        f"writes; {RESTORE}"
    )
    answers_in(tmp_path, BOMB)  # millions of values once expanded: refused as an alias, never counted
    assert "uses a YAML alias" in refusal(project)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("- a\n- b\n", "holds not a mapping (['a', 'b']): copier writes ANSWER: VALUE lines"),
        ("", "holds nothing: copier writes ANSWER: VALUE lines"),
        ("just text\n", "holds not a mapping ('just text'): copier writes ANSWER: VALUE lines"),
        ("tool: venv\n", "records no template (_src_path)"),
        ("_src_path: a\n---\n_src_path: b\n", "holds 2 YAML documents, not one"),
    ],
    ids=["list", "empty", "text", "no-template", "two-documents"],
)
def test_anything_but_one_mapping_is_one_line(tmp_path: Path, content: str, said: str) -> None:
    project = answers_in(tmp_path, content)
    assert refusal(project) == f"the answers file {project / ANSWERS_FILE} {said}; {RESTORE}"


def test_invalid_yaml_and_text_say_where(tmp_path: Path) -> None:
    project = answers_in(tmp_path, "_src_path: [unclosed\n")
    assert refusal(project).startswith(f"the answers file {project / ANSWERS_FILE}:2: not valid YAML")
    answers_in(tmp_path, bytes(range(256)))
    assert refusal(project) == f"the answers file {project / ANSWERS_FILE} is not UTF-8 text; {RESTORE}"


def test_a_missing_file_is_no_answers_and_read_anyway_is_one_line(tmp_path: Path) -> None:
    assert recorded_answers(tmp_path) is None
    assert refusal(tmp_path) == f"the answers file {tmp_path / ANSWERS_FILE} not found; {RESTORE}"
    (tmp_path / ANSWERS_FILE).mkdir()  # not a file: not a template's project either
    assert recorded_answers(tmp_path) is None


@pytest.mark.skipif(os.name == "nt", reason="symbolic links and FIFOs need POSIX")
def test_never_outside_the_project_nor_a_fifo(tmp_path: Path) -> None:
    outside = answers_in(tmp_path / "elsewhere", "_src_path: gh:acme/t\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / ANSWERS_FILE).symlink_to(outside / ANSWERS_FILE)
    assert (
        refusal(project) == f"the answers file {project / ANSWERS_FILE} leads outside its folder; {RESTORE}"
    )
    (project / ANSWERS_FILE).unlink()
    os.mkfifo(project / ANSWERS_FILE)  # nobody writes to it: reading it would wait forever
    assert "is not a regular file" in refusal(project)


def test_a_template_named_answers_file_and_text_already_read(tmp_path: Path) -> None:
    project = answers_in(tmp_path, "_src_path: gh:acme/t\n_commit: v2\n", ".copier-answers.acme.yml")
    assert read_answers(project, ".copier-answers.acme.yml")["_commit"] == "v2"
    assert parse_answers("_commit: v1\n", "HEAD:x.yml", template=False) == {"_commit": "v1"}
    with pytest.raises(ProjectError, match=r"^the answers file HEAD:x\.yml records no template"):
        parse_answers("_commit: v1\n", "HEAD:x.yml")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("how", ["in-process", "subprocess"])
def test_update_refuses_an_alias_in_one_line(
    tmp_path: Path, run_cli: Run, run_subprocess: Run, how: str
) -> None:
    project = repository(tmp_path / "project", {"made": {ANSWERS_FILE: "_src_path: &s gh:acme/t\n_x: *s\n"}})
    run = run_cli if how == "in-process" else run_subprocess
    result = run("update", str(project))
    assert result.code == EXIT_PROJECT, result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "uses a YAML alias" in lines[0] and "Traceback" not in result.err


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_an_unfinished_update_reads_both_answers_files_within_the_limit(tmp_path: Path) -> None:
    small = repository(tmp_path / "small", {"made": {ANSWERS_FILE: "_src_path: gh:acme/t\n_commit: v1\n"}})
    (small / ANSWERS_FILE).write_text("_src_path: gh:acme/t\n_commit: v2\n")
    said = WorkTree.of(small, dict(os.environ)).unfinished_update()
    assert said is not None and f"({ANSWERS_FILE} records template v2, the last commit v1)" in said
    # A committed file over the limit is never read whole (its size is asked of git first).
    padding = "# " + "x" * ANSWERS_LIMIT + "\n"
    committed = f"_src_path: gh:acme/t\n_commit: v1\n{padding}"
    huge = repository(tmp_path / "huge", {"made": {ANSWERS_FILE: committed}})
    (huge / ANSWERS_FILE).write_text("_src_path: gh:acme/t\n_commit: v2\n")
    said = WorkTree.of(huge, dict(os.environ)).unfinished_update()
    assert said is not None and f"({ANSWERS_FILE} records template v2, not committed)" in said
    assert int(git(huge, "cat-file", "-s", f"HEAD:{ANSWERS_FILE}")) > ANSWERS_LIMIT
