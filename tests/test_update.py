"""`pickenv update` on real git repositories: a team template with tags, projects
rendered by copier and edited by their user, and pickenv's own template history."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import copier
import pytest
import tomllib
import yaml

from helpers import Result, git, make_home, repository, signals, snapshot
from pickenv import __version__
from pickenv.errors import (
    EXIT_CONFLICTS,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PROJECT,
    EXIT_TEMPLATE,
    EXIT_UPDATE_AVAILABLE,
)
from pickenv.resources import project_template
from pickenv.templating.history import BUNDLE_NAME, REPO_NAME
from pickenv.tools.uv import UV_BUILD

Run = Callable[..., Result]

V1 = {
    "copier.yml": (
        "_answers_file: .copier-answers.yml\n"
        "project_name:\n  type: str\n  default: demo\n"
        "tool:\n  type: str\n  choices: [venv, pipenv]\n  default: venv\n"
    ),
    "{{ _copier_conf.answers_file }}.jinja": "{{ _copier_answers|to_nice_yaml }}",
    "README.md.jinja": "# {{ project_name }}\n\nIntro.\n\nUses {{ tool }}, template v1.\n\nEnd.\n",
    "notes.txt": "notes from the template\n",
    "old.txt": "a file v2 removes\n",
}
V2 = {
    **{k: v for k, v in V1.items() if k != "old.txt"},
    "README.md.jinja": "# {{ project_name }}\n\nIntro.\n\nUses {{ tool }}, template v2.\n\nEnd.\n",
    "new.txt": "a file v2 adds\n",
}
# v3 cannot render: an update to it fails half-way.
V3 = {**V2, "broken.txt.jinja": "{% if %}\n"}
# v4 renders one file for ever (10^10 loop steps; the sandbox caps each range at 10^5):
# an update to it is interrupted while it writes into the project.
V4 = {
    **V2,
    "a-first.txt": "written before the slow file\n",
    "zz-slow.txt.jinja": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n",
}


def add_tag(repo: Path, tag: str, files: Mapping[str, str]) -> None:
    """A commit of the template at ``files`` alone, tagged ``tag``."""
    repository(repo, {tag: files}, tag=True, whole=True)


@pytest.fixture
def template(tmp_path: Path) -> Path:
    """A team template repository with tags v1 and v2."""
    return repository(tmp_path / "team-template", {"v1": V1, "v2": V2}, tag=True, whole=True)


def user_project(tmp_path: Path, template: Path, ref: str = "v1") -> Path:
    """A project copier made at ``ref``, committed, then edited and committed by its user:
    the line v2 changes, a file of their own, a line in a file v2 leaves alone; and an
    ignored environment folder."""
    project = tmp_path / "project"
    copier.run_copy(
        str(template), str(project), data={"project_name": "demo"}, defaults=True, vcs_ref=ref, quiet=True
    )
    (project / ".gitignore").write_text(".venv/\n")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "from the template")
    readme = project / "README.md"
    readme.write_text(
        readme.read_text()
        .replace("template v1.", "template v1, and my own words.")
        .replace("End.", "The end.")
    )
    (project / "notes.txt").write_text("notes from the template\nmy note\n")
    (project / "mine.txt").write_text("my file\n")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "my edits")
    (project / ".venv").mkdir()
    (project / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")  # ignored: never touched
    return project


def answers(project: Path) -> dict[str, object]:
    return dict(yaml.safe_load((project / ".copier-answers.yml").read_text()))


@pytest.mark.slow  # over 1 s: out of the fast suite (issue 17's 2-minute goal)
def test_update_keeps_the_users_edits_adds_removes_and_reports_the_conflict(
    tmp_path: Path, template: Path, run_cli: Run
) -> None:
    project = user_project(tmp_path, template)
    result = run_cli("update", str(project), "--to", "v2")
    assert result.code == EXIT_CONFLICTS, result.err
    assert answers(project)["_commit"] == "v2"
    assert (project / "new.txt").read_text() == "a file v2 adds\n"
    assert not (project / "old.txt").exists()
    assert (project / "notes.txt").read_text() == "notes from the template\nmy note\n"
    assert (project / "mine.txt").read_text() == "my file\n"
    readme = (project / "README.md").read_text()
    assert "The end." in readme  # an edit away from the template's change is merged
    assert "<<<<<<< before updating" in readme and "template v2." in readme and "my own words" in readme
    assert git(project, "diff", "--name-only", "--diff-filter=U").split() == ["README.md"]
    assert f"Updated {project} from template v1 to v2." in result.out
    assert "Files where your edits and the template's conflict:\n  README.md\n" in result.out
    assert (project / ".venv" / "pyvenv.cfg").read_text() == "home = /usr/bin\n"


def test_rej_mode_leaves_the_hunk_beside_the_file(tmp_path: Path, template: Path, run_cli: Run) -> None:
    project = user_project(tmp_path, template)
    result = run_cli("update", str(project), "--to", "v2", "--conflict", "rej", "--format", "json")
    assert result.code == EXIT_CONFLICTS, result.err
    assert (project / "README.md.rej").is_file()
    assert "<<<<<<<" not in (project / "README.md").read_text()
    report = yaml.safe_load(result.out)  # JSON is YAML
    assert report["schema"] == "pickenv/update" and report["rejects"] == ["README.md.rej"]
    assert {"path": "new.txt", "change": "added"} in report["changes"]
    assert {"path": "old.txt", "change": "deleted"} in report["changes"]


@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_check_changes_nothing_and_exits_with_its_code(tmp_path: Path, template: Path, run_cli: Run) -> None:
    project = user_project(tmp_path, template)
    before = snapshot(project)
    result = run_cli("update", str(project), "--to", "v2", "--check")
    assert result.code == EXIT_UPDATE_AVAILABLE, result.err
    assert f"An update is available for {project}: template v1 -> v2." in result.out
    assert "  added     new.txt" in result.out and "  deleted   old.txt" in result.out
    assert "would conflict:\n  README.md" in result.out
    assert snapshot(project) == before
    # After the update (with its conflict: exit 16), resolved and committed: up to date.
    assert run_cli("update", str(project), "--to", "v2").code == EXIT_CONFLICTS
    (project / "README.md").write_text("# demo\n\nresolved\n")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "update")
    again = run_cli("update", str(project), "--to", "v2", "--check")
    assert (again.code, again.out) == (EXIT_OK, f"{project} is up to date: template v2.\n")


@pytest.mark.slow  # over 1 s: out of the fast suite (issue 17's 2-minute goal)
def test_the_newest_tag_is_the_default(tmp_path: Path, template: Path, run_cli: Run) -> None:
    project = user_project(tmp_path, template)
    result = run_cli("update", str(project), "--check", "--format", "json")
    assert result.code == EXIT_UPDATE_AVAILABLE
    assert yaml.safe_load(result.out)["to"] == "v2"


def test_a_failed_update_leaves_the_project_exactly_as_it_was(
    tmp_path: Path, template: Path, run_cli: Run
) -> None:
    add_tag(template, "v3", V3)
    project = user_project(tmp_path, template)
    before = snapshot(project)
    result = run_cli("update", str(project), "--to", "v3")
    assert result.code == EXIT_TEMPLATE
    assert (
        result.err.startswith("pickenv: error: updating from the template failed")
        and result.err.count("\n") == 1
    )
    assert snapshot(project) == before
    assert git(project, "status", "--porcelain", "--ignored") == "!! .venv/\n"


@pytest.mark.posix
@pytest.mark.parametrize("signum", signals("SIGINT", "SIGTERM", "SIGHUP"))
def test_a_signal_during_the_update_restores_the_project(
    tmp_path: Path, template: Path, subprocess_env: dict[str, str], signum: int
) -> None:
    add_tag(template, "v4", V4)
    project = user_project(tmp_path, template, ref="v2")
    before = snapshot(project)
    process = subprocess.Popen(
        [sys.executable, "-m", "pickenv", "update", str(project), "--to", "v4"],
        env=subprocess_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    # Wait until copier writes into the project (the file before the endless one).
    while not (project / "a-first.txt").exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert (project / "a-first.txt").exists(), process.communicate()
    os.killpg(process.pid, signum)  # the whole group, as a terminal does
    _, err = process.communicate(timeout=60)
    assert process.returncode == EXIT_INTERRUPTED, err
    assert "Traceback" not in err
    assert snapshot(project) == before


def test_refusals_name_the_problem_and_change_nothing(tmp_path: Path, template: Path, run_cli: Run) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    result = run_cli("update", str(plain))
    assert result.code == EXIT_PROJECT and "has no .copier-answers.yml" in result.err
    project = user_project(tmp_path, template)
    (project / "mine.txt").write_text("changed, not committed\n")
    (project / "draft.txt").write_text("untracked\n")
    before = snapshot(project)
    result = run_cli("update", str(project), "--to", "v2")
    assert result.code == EXIT_PROJECT
    assert "has uncommitted changes (mine.txt, draft.txt)" in result.err and "git stash -u" in result.err
    assert snapshot(project) == before
    # Outside git.
    loose = tmp_path / "loose"
    copier.run_copy(
        str(template), str(loose), data={"project_name": "demo"}, defaults=True, vcs_ref="v1", quiet=True
    )
    result = run_cli("update", str(loose), "--to", "v2")
    assert result.code == EXIT_PROJECT and "is not in a git repository" in result.err


def test_never_downgrades(tmp_path: Path, template: Path, run_cli: Run) -> None:
    project = user_project(tmp_path, template, ref="v2")
    result = run_cli("update", str(project), "--to", "v1")
    assert result.code == EXIT_PROJECT
    assert "is at template v2, newer than v1: pickenv never downgrades" in result.err


# ---- pickenv's own template -------------------------------------------------------


def _old_pickenv_project(tmp_path: Path) -> Path:
    """A project as pickenv 0.1.0 made it: rendered from the installed package's
    templates/project folder (here: the 0.1.0 tag of the shipped history, put where a
    site-packages would have it), which copier recorded without a version."""
    extracted = tmp_path / "site-packages" / "pickenv" / "templates" / "project"
    extracted.mkdir(parents=True)
    scratch = tmp_path / "history"
    git(tmp_path, "init", "-q", str(scratch))
    git(scratch, "fetch", "-q", str(project_template().parent / BUNDLE_NAME), "refs/tags/*:refs/tags/*")
    archive = subprocess.run(["git", "archive", "0.1.0"], cwd=scratch, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(extracted)], input=archive, check=True)
    project = tmp_path / "old-app"
    data = {"project_name": "old-app", "tool": "venv", "domain": "cli", "python_version": "3.12"}
    copier.run_copy(str(extracted), str(project), data=data, defaults=True, quiet=True)
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "Initial commit from pickenv 0.1.0")
    with (project / "README.md").open("a") as readme:
        readme.write("\nMy own section.\n")
    git(project, "commit", "-q", "-am", "mine")
    return project


@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_a_pickenv_0_1_0_project_is_linked_and_updated(tmp_path: Path, run_cli: Run) -> None:
    project = _old_pickenv_project(tmp_path)
    assert "_commit" not in answers(project)
    check = run_cli("update", str(project), "--check")
    assert check.code == EXIT_UPDATE_AVAILABLE, check.err
    assert f"template 0.1.0 -> {__version__}" in check.out and "It would be linked" in check.out
    result = run_cli("update", str(project))
    assert result.code == EXIT_OK, result.err
    recorded = answers(project)
    assert recorded["_commit"] == __version__
    assert Path(str(recorded["_src_path"])).name == REPO_NAME
    assert recorded["tool"] == "venv" and recorded["domain"] == "cli"  # no answer changed
    assert (project / "README.md").read_text().endswith("\nMy own section.\n")
    git(project, "commit", "-q", "-am", "update")
    again = run_cli("update", str(project))
    assert again.code == EXIT_OK and "is up to date" in again.out


def test_a_project_from_a_newer_pickenv_asks_for_that_pickenv(tmp_path: Path, run_cli: Run) -> None:
    made = run_cli("new", "future", "--defaults", "--output-dir", str(tmp_path))
    assert made.code == EXIT_OK, made.err
    project = tmp_path / "future"
    text = (project / ".copier-answers.yml").read_text().replace(f"_commit: {__version__}", "_commit: 99.1.0")
    (project / ".copier-answers.yml").write_text(text)
    git(project, "commit", "-q", "-am", "from the future")
    result = run_cli("update", str(project))
    assert result.code == EXIT_PROJECT
    assert "is at template 99.1.0" in result.err and "install pickenv 99.1.0 or later" in result.err


def test_new_records_the_history_tag_whose_render_is_the_project(
    tmp_path: Path, run_subprocess: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = make_home(tmp_path / "home")  # a home of its own, its cache made by this run
    # The default cache folder, under the home folder: recorded as ~/..., on any machine.
    result = run_subprocess(
        "new",
        "tagged",
        "--defaults",
        "--output-dir",
        str(tmp_path),
        env={"XDG_CACHE_HOME": "", "HOME": str(home)},
    )
    assert result.code == EXIT_OK, result.err
    project = tmp_path / "tagged"
    recorded = answers(project)
    assert recorded["_commit"] == __version__
    assert recorded["_src_path"] == f"~/.cache/pickenv/{REPO_NAME}"
    assert (home / ".cache" / "pickenv" / REPO_NAME / ".git").is_dir()
    # copier renders the same files from the recorded repository and tag.
    monkeypatch.setenv("HOME", str(home))
    data = {k: v for k, v in recorded.items() if not k.startswith("_")}
    why = (project / "README.md").read_text().split("## Why", 1)[1].split("\n## ", 1)[0]
    data["reasons"] = [line[2:] for line in why.splitlines() if line.startswith("- ")]
    again = tmp_path / "again"
    copier.run_copy(
        str(recorded["_src_path"]), str(again), data=data, defaults=True, vcs_ref=__version__, quiet=True
    )
    ours = {k: v for k, v in snapshot(project).items() if not k.startswith("<git ")}
    assert snapshot(again) == ours


@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_plain_copier_update_works_where_the_history_is(
    tmp_path: Path, run_subprocess: Run, subprocess_env: dict[str, str]
) -> None:
    """A project at the previous tag, updated by copier alone (no pickenv involved)."""
    made = run_subprocess(
        "new", "first", "--defaults", "--output-dir", str(tmp_path), env={"XDG_CACHE_HOME": ""}
    )
    assert made.code == EXIT_OK, made.err
    env = {**subprocess_env, "XDG_CACHE_HOME": ""}
    copier_cli = str(Path(sys.executable).with_name("copier"))
    project = tmp_path / "older"
    source = f"~/.cache/pickenv/{REPO_NAME}"
    subprocess.run(
        [copier_cli, "copy", "-q", "--defaults", "--vcs-ref", "0.1.0", "-d", "project_name=older",
         source, str(project)],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    assert answers(project)["_commit"] == "0.1.0"
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "at 0.1.0")
    subprocess.run(
        [copier_cli, "update", "-q", "--defaults"], cwd=project, env=env, check=True, capture_output=True
    )
    recorded = answers(project)
    assert recorded["_commit"] == __version__ and recorded["_src_path"] == source


@pytest.mark.slow  # over 1.2 s: out of the fast suite (issue 17's 2-minute goal)
def test_a_uv_project_made_by_0_2_0_updates_to_the_uv_build_backend(tmp_path: Path, run_cli: Run) -> None:
    """0.2.0 built uv projects with setuptools; the update brings uv's own backend (and
    PEP 639 licence files) and keeps the dependency the user added."""
    made = run_cli("new", "first", "--defaults", "--output-dir", str(tmp_path))  # the history repository
    assert made.code == EXIT_OK, made.err
    history = tmp_path / "xdg-cache" / "pickenv" / REPO_NAME
    project = tmp_path / "shop"
    data = {"project_name": "shop", "tool": "uv", "domain": "library", "python_version": "3.12"}
    copier.run_copy(str(history), str(project), data=data, defaults=True, vcs_ref="0.2.0", quiet=True)
    assert answers(project)["_commit"] == "0.2.0"
    assert 'build-backend = "setuptools.build_meta"' in (project / "pyproject.toml").read_text()
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "at 0.2.0")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace("dependencies = [\n]", 'dependencies = [\n  "attrs>=23",\n]')
    )
    git(project, "commit", "-q", "-am", "attrs")
    result = run_cli("update", str(project))
    assert result.code == EXIT_OK, result.err
    assert "conflict" not in result.out
    updated = tomllib.loads(pyproject.read_text())
    assert updated["build-system"] == {"requires": [UV_BUILD], "build-backend": "uv_build"}
    assert "setuptools" not in updated.get("tool", {})
    assert updated["project"]["license-files"] == ["LICENSE"]
    assert updated["project"]["dependencies"] == ["attrs>=23"]
    assert answers(project)["_commit"] == __version__


@pytest.mark.slow  # over 1 s: out of the fast suite (issue 17's 2-minute goal)
def test_an_answer_changes_only_when_asked_and_never_the_tool(
    tmp_path: Path, template: Path, run_cli: Run
) -> None:
    project = user_project(tmp_path, template, ref="v2")
    refused = run_cli("update", str(project), "--data", "tool=pipenv")
    assert refused.code == 2 and "an update never changes the tool" in refused.err
    unknown = run_cli("update", str(project), "--data", "colour=red")
    assert unknown.code == 2 and "records no answer 'colour'" in unknown.err
    renamed = run_cli("update", str(project), "--data", "project_name=renamed")
    assert renamed.code == EXIT_OK, renamed.err
    assert answers(project)["project_name"] == "renamed" and answers(project)["_commit"] == "v2"
    assert "# renamed" in (project / "README.md").read_text()
