"""`pickenv diff` (a project's drift from its template at the recorded version) and
`pickenv adopt` (a project made without pickenv linked to a template version), with
real templates in git repositories and real copier renders; copier is the oracle of
what an adopted project's update gives."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from helpers import Result, git, repository, snapshot, write_files
from pickenv.errors import EXIT_DRIFT, EXIT_OK, EXIT_PROJECT, EXIT_UPDATE_AVAILABLE, EXIT_USAGE

Run = Callable[..., Result]
TEMPLATE = {
    "copier.yml": "_min_copier_version: '9.0.0'\nproject_name: {type: str}\n"
    + "ci: {type: str, default: github}\n",
    "{{ _copier_conf.answers_file }}.jinja": "{{ _copier_answers|to_nice_yaml }}",
    "README.md.jinja": "# {{ project_name }}\n\nMade from the template.\n",
    "pyproject.toml.jinja": '[project]\nname = "{{ project_name }}"\nversion = "0.1.0"\n',
    "ci-{{ ci }}.txt": "ci\n",
    "logo.png": "\x89PNG not really\n",
}


def template_repo(folder: Path) -> Path:
    v2 = {**TEMPLATE, "README.md.jinja": TEMPLATE["README.md.jinja"] + "\nv2 adds this.\n"}
    return repository(folder, {"v1.0.0": TEMPLATE, "v2.0.0": v2}, tag=True)


def test_a_fresh_project_has_no_drift_and_each_edit_shows(tmp_path: Path, run_cli: Run) -> None:
    template = template_repo(tmp_path / "t")
    made = run_cli("new", "demo", "--template", str(template), "--template-ref", "v1.0.0", "--defaults",
                   "--output-dir", str(tmp_path))  # fmt: skip
    assert made.code == EXIT_OK, made.err
    project = tmp_path / "demo"
    clean = run_cli("diff", str(project), "--exit-code", "--format", "json")
    report = json.loads(clean.out)
    assert clean.code == EXIT_OK and report["drifted"] is False and report["version"] == "v1.0.0"
    # Edits: a changed file, a deleted one, one of the project's own.
    (project / "README.md").write_text("# demo\n\nMine now.\n")
    (project / "ci-github.txt").unlink()
    (project / "app.py").write_text("print('hi')\n")
    before = snapshot(project, git_bytes=True)
    drifted = run_cli("diff", str(project), "--exit-code")
    assert drifted.code == EXIT_DRIFT
    assert "-Made from the template.\n+Mine now." in drifted.out
    assert "deleted: ci-github.txt" in drifted.out
    assert "1 changed, 1 deleted, 2 as the template has them; 1 file of the project's own" in drifted.out
    assert snapshot(project, git_bytes=True) == before  # diff writes nothing, not even in .git


def test_pickenvs_own_template_shows_no_drift_on_a_fresh_project(tmp_path: Path, run_cli: Run) -> None:
    made = run_cli("new", "fresh", "--defaults", "--output-dir", str(tmp_path))
    assert made.code == EXIT_OK, made.err
    # The README's "Why" paragraph comes from the rules' reasons, which are not recorded.
    result = run_cli("diff", str(tmp_path / "fresh"), "--exit-code")
    assert result.code == EXIT_OK, result.out


def test_diff_of_a_project_without_a_template_names_adopt(tmp_path: Path, run_cli: Run) -> None:
    result = run_cli("diff", str(write_files(tmp_path / "plain", {"README.md": "# plain\n"})))
    assert result.code == EXIT_PROJECT and "`pickenv adopt` links it to one" in result.err


@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_adopt_links_a_hand_made_project_and_update_then_works(tmp_path: Path, run_cli: Run) -> None:
    template = template_repo(tmp_path / "t")
    project = write_files(tmp_path / "billing", {
        "README.md": "# Billing, our own words\n\nMade from the template.\n",
        "pyproject.toml": '[project]\nname = "billing"\nversion = "0.1.0"\n',
        "ci-gitlab.txt": "ci\n",
        "app.py": "print('billing')\n",
    })  # fmt: skip
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "by hand")
    typo = run_cli("adopt", str(project), "--template", str(template), "--template-ref", "v1.0.0",
                   "--data", "cii=gitlab")  # fmt: skip
    assert typo.code == EXIT_USAGE and "did you mean 'ci'?" in typo.err
    result = run_cli("adopt", str(project), "--template", str(template), "--template-ref", "v1.0.0",
                     "--data", "ci=gitlab", "--format", "json")  # fmt: skip
    assert result.code == EXIT_OK, result.err
    report = json.loads(result.out)
    # The project's name, read from the project, answers the template's project_name.
    assert report["answers"] == {"project_name": "billing", "ci": "gitlab"}
    changed = {f["path"]: f["change"] for f in report["drift"]["files"]}
    assert changed == {"README.md": "changed", "logo.png": "deleted"}
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert recorded["_commit"] == "v1.0.0" and recorded["_src_path"] == str(template)
    assert git(project, "status", "--porcelain") == "?? .copier-answers.yml\n"  # the one file written
    again = run_cli("adopt", str(project), "--template", str(template))
    assert again.code == EXIT_PROJECT and "already linked" in again.err
    git(project, "add", "-A")
    git(project, "commit", "-qm", "adopt")
    assert run_cli("update", str(project), "--check").code == EXIT_UPDATE_AVAILABLE
    # copier, told the same, gives the same update.
    theirs = tmp_path / "theirs"
    git(tmp_path, "clone", "-q", str(project), str(theirs))
    updated = run_cli("update", str(project))
    assert updated.code == EXIT_OK, updated.err
    copier = str(Path(sys.executable).with_name("copier"))
    subprocess.run([copier, "update", "--defaults", "--vcs-ref", "v2.0.0"], cwd=theirs, check=True,
                   capture_output=True)  # fmt: skip
    assert (project / "README.md").read_text() == (theirs / "README.md").read_text()
    assert (project / "README.md").read_text().startswith("# Billing, our own words\n")
