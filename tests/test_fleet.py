"""The fleet check: `pickenv update --check` over many projects (folders, git URLs, the
team file's `projects:`), and the CI recipes that run it (a GitHub Actions workflow and
a pre-commit hook), checked by their own tools: GitHub's workflow schema
(check-jsonschema), zizmor, and pre-commit itself."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import ROOT, Result, git, repository, write_files
from pickenv.errors import EXIT_OK, EXIT_PROJECT, EXIT_UPDATE_AVAILABLE, EXIT_USAGE

Run = Callable[..., Result]
FILES = {
    "copier.yml": "_min_copier_version: '9.0.0'\nproject_name: {type: str}\n",
    "{{ _copier_conf.answers_file }}.jinja": "{{ _copier_answers|to_nice_yaml }}",
    "README.md.jinja": "# {{ project_name }}\n",
}
BIN = Path(sys.executable).parent


def fleet(tmp_path: Path, run_cli: Run) -> tuple[Path, dict[str, Path]]:
    """A template with three releases (and a pre-release), and projects at each."""
    template = repository(tmp_path / "template", {
        "v1.0.0": FILES,
        "v1.1.0": {**FILES, "NEWS.md": "1.1\n"},
        "v2.0.0": {**FILES, "NEWS.md": "2.0\n"},
        "v3.0.0rc1": {**FILES, "NEWS.md": "3.0 soon\n"},
    }, tag=True)  # fmt: skip
    projects = {}
    (tmp_path / "projects").mkdir()
    for name, ref in (("old", "v1.0.0"), ("mid", "v1.1.0"), ("new", "v2.0.0")):
        made = run_cli("new", name, "--template", str(template), "--template-ref", ref, "--defaults",
                       "--output-dir", str(tmp_path / "projects"))  # fmt: skip
        assert made.code == EXIT_OK, made.err
        projects[name] = tmp_path / "projects" / name
    return template, projects


def test_a_fleet_of_folders_and_urls_as_a_table_markdown_and_json(tmp_path: Path, run_cli: Run) -> None:
    template, projects = fleet(tmp_path, run_cli)
    plain = write_files(tmp_path / "projects" / "plain", {"README.md": "# by hand\n"})
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(projects["old"]), str(remote))
    url = f"file://{remote}"
    targets = [str(projects["old"]), str(projects["mid"]), str(projects["new"]), str(plain), url]
    result = run_cli("update", "--check", *targets, "--format", "json")
    assert result.code == EXIT_UPDATE_AVAILABLE, result.err
    rows = {
        Path(r["project"]).name if "://" not in r["project"] else "url": r
        for r in json.loads(result.out)["projects"]
    }
    assert (rows["old"]["status"], rows["old"]["behind"], rows["old"]["target"]) == ("behind", 2, "v2.0.0")
    assert (rows["mid"]["status"], rows["mid"]["behind"]) == ("behind", 1)
    assert rows["new"]["status"] == "current"  # the pre-release is not an update
    assert rows["plain"]["status"] == "unreadable" and "pickenv adopt" in rows["plain"]["reason"]
    assert (rows["url"]["status"], rows["url"]["at"]) == ("behind", "v1.0.0")
    table = run_cli("update", "--check", *targets)
    assert table.out.splitlines()[0].split() == ["project", "status", "at", "update", "to", "template"]
    assert table.out.endswith("5 projects: 1 current, 3 behind, 1 unreadable.\n")
    markdown = run_cli("update", "--check", *targets[:3], "--format", "markdown")
    assert "| project | status | at | update to | template |" in markdown.out
    assert f"| {projects['old']} | behind by 2 | v1.0.0 | v2.0.0 | {template} |" in markdown.out
    only_plain = run_cli("update", "--check", str(projects["new"]), str(plain))
    assert only_plain.code == EXIT_PROJECT


def test_the_team_files_projects_and_pin(tmp_path: Path, run_cli: Run) -> None:
    template, projects = fleet(tmp_path, run_cli)
    team = write_files(tmp_path / "team", {"pickenv-team.yaml": (
        f"schema_version: 1\ntemplate: {{source: {template}, ref: v1.1.0}}\n"
        "projects: [../projects/old, ../projects/mid, ../projects/new]\n"
    )}) / "pickenv-team.yaml"  # fmt: skip
    result = run_cli("update", "--check", "--team", str(team), "--format", "json")
    assert result.code == EXIT_UPDATE_AVAILABLE, result.err
    statuses = [(r["status"], r["target"], r["pinned"]) for r in json.loads(result.out)["projects"]]
    assert statuses == [("behind", "v1.1.0", True), ("current", "v1.1.0", True), ("ahead", "v1.1.0", True)]
    # One project of the fleet: the usual check.
    one = run_cli("update", str(projects["mid"]), "--check", "--team", str(team))
    assert (one.code, one.out) == (EXIT_OK, f"{projects['mid']} is up to date: template v1.1.0.\n")


def test_a_fleet_is_only_checked(tmp_path: Path, run_cli: Run) -> None:
    _, projects = fleet(tmp_path, run_cli)
    result = run_cli("update", str(projects["old"]), str(projects["mid"]))
    assert result.code == EXIT_USAGE and "--check checks several at once" in result.err


def test_the_ci_recipe_follows_githubs_schema_and_passes_zizmor() -> None:
    workflow = ROOT / "examples" / "ci" / "template-updates.yml"
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows"]
    checked = subprocess.run([*command, str(workflow)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    audit = subprocess.run([str(BIN / "zizmor"), "--offline", "--format", "json", str(workflow)],
                           capture_output=True, text=True, check=False)  # fmt: skip
    assert (audit.returncode, json.loads(audit.stdout or "[]")) == (0, [])
    assert "pickenv update --check --team pickenv-team.yaml --format markdown" in workflow.read_text()


def test_the_pre_commit_hook_and_example_are_valid_for_pre_commit() -> None:
    pre_commit = str(BIN / "pre-commit")
    manifest = subprocess.run([pre_commit, "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
                              capture_output=True, text=True, check=False)  # fmt: skip
    assert manifest.returncode == 0, manifest.stdout + manifest.stderr
    config = ROOT / "examples" / "ci" / "pre-commit-config.yaml"
    valid = subprocess.run(
        [pre_commit, "validate-config", str(config)], capture_output=True, text=True, check=False
    )
    assert valid.returncode == 0, valid.stdout + valid.stderr


@pytest.mark.slow
@pytest.mark.network
def test_the_pre_commit_hook_runs_the_check_in_a_project(tmp_path: Path, run_cli: Run) -> None:
    """pre-commit installs pickenv from this checkout into its own environment (from the
    package index) and runs the hook in a project whose template has a newer version."""
    _, projects = fleet(tmp_path, run_cli)
    checkout = tmp_path / "pickenv"
    git(tmp_path, "clone", "-q", str(ROOT), str(checkout))
    done = subprocess.run(
        [str(BIN / "pre-commit"), "try-repo", str(checkout), "pickenv-update-check",
         "--hook-stage", "pre-push", "--all-files"],
        cwd=projects["old"], capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert "An update is available" in done.stdout and "v1.0.0 -> v2.0.0" in done.stdout


def _short(project: str) -> str:
    return "url" if "://" in project else Path(project).name
