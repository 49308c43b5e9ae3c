"""pickenv's own GitHub Actions workflow, which cannot run here: it is checked against
GitHub's workflow schema (check-jsonschema's vendored copy) and audited by zizmor
offline, and what it runs is the README's test command."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pickenv.platforms import WINDOWS

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")
# The comment after a pinned action names its release: `@<sha>  # v7.0.1`.
RELEASE_COMMENT = re.compile(r"uses: \S+@[0-9a-f]{40}  # v\d+\.\d+\.\d+$", flags=re.M)


def workflow() -> dict[object, object]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def readme_test_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", section, flags=re.S)
    return str(commands[1])


def zizmor() -> str:
    """zizmor from the test extra, beside the interpreter running the tests."""
    found = shutil.which("zizmor", path=str(Path(sys.executable).parent)) or shutil.which("zizmor")
    assert found, "zizmor is in pickenv's test extra: pip install -e '.[test]'"
    return found


def audit(path: Path) -> tuple[int, list[str]]:
    """zizmor's exit code and the identifiers of its findings, offline."""
    result = subprocess.run(
        [zizmor(), "--offline", "--format", "json", str(path)], capture_output=True, text=True, check=False
    )
    return result.returncode, [finding["ident"] for finding in json.loads(result.stdout or "[]")]


def schema_check(path: Path) -> subprocess.CompletedProcess[str]:
    """check-jsonschema with GitHub's workflow schema as it vendors it (no network)."""
    command = ["-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(path)]
    return subprocess.run([sys.executable, *command], capture_output=True, text=True, check=False)


def test_the_workflow_follows_githubs_schema() -> None:
    result = schema_check(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


def test_the_schema_check_refuses_a_broken_workflow(tmp_path: Path) -> None:
    """The check reads the workflow: a job without runs-on fails it."""
    broken = tmp_path / "ci.yml"
    broken.write_text(WORKFLOW.read_text(encoding="utf-8").replace("runs-on:", "runs_on:"), encoding="utf-8")
    result = schema_check(broken)
    assert result.returncode == 1 and "runs-on" in result.stdout


def test_zizmor_finds_nothing_offline() -> None:
    assert audit(WORKFLOW) == (0, [])


def test_zizmor_would_catch_an_unpinned_action(tmp_path: Path) -> None:
    """The audit is real: the same workflow with a tag instead of a commit is a finding."""
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    pinned = WORKFLOW.read_text(encoding="utf-8")
    text = re.sub(r"actions/checkout@[0-9a-f]{40}  # v[\d.]+", "actions/checkout@v7", pinned)
    assert text != pinned
    (folder / "ci.yml").write_text(text, encoding="utf-8")
    code, findings = audit(folder / "ci.yml")
    assert code != 0 and "unpinned-uses" in findings


def test_three_systems_and_the_lowest_and_highest_python() -> None:
    job = workflow()["jobs"]["test"]  # type: ignore[index]
    matrix = job["strategy"]["matrix"]
    assert set(matrix["os"]) == {"ubuntu-latest", "macos-latest", "windows-latest"}
    assert matrix["python"] == ["3.10", "3.13"]
    assert job["strategy"]["fail-fast"] is False  # one system's failure must not hide another's
    # the lowest is the one pyproject.toml promises
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'requires-python = ">={matrix["python"][0]}"' in pyproject


def test_actions_are_pinned_to_commits_with_their_release() -> None:
    steps = workflow()["jobs"]["test"]["steps"]  # type: ignore[index]
    uses = [step["uses"] for step in steps if "uses" in step]
    assert {u.split("@")[0] for u in uses} == {"actions/checkout", "actions/setup-python"}
    assert all(PINNED.match(u) for u in uses), uses
    assert len(RELEASE_COMMENT.findall(WORKFLOW.read_text(encoding="utf-8"))) == len(uses)
    checkout = next(step for step in steps if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False  # no token left in .git/config


def test_least_privilege_concurrency_and_manual_runs() -> None:
    data = workflow()
    assert data["permissions"] == {}
    assert data["jobs"]["test"]["permissions"] == {"contents": "read"}  # type: ignore[index]
    assert data["concurrency"]["cancel-in-progress"] is True  # type: ignore[index]
    triggers = data.get("on", data.get(True))  # YAML 1.1 reads the key `on` as true
    assert isinstance(triggers, dict) and "workflow_dispatch" in triggers
    assert {"push", "pull_request"} <= set(triggers)


def test_it_runs_the_readme_test_command() -> None:
    steps = workflow()["jobs"]["test"]["steps"]  # type: ignore[index]
    runs = {step["if"]: step["run"] for step in steps if "run" in step}
    command = readme_test_command()
    assert runs["runner.os != 'Windows'"] == command
    # Windows: `python` (there is no python3) and the venv's Scripts folder; PowerShell
    # 7 chains with && like sh.
    windows = command.replace("python3 -m venv", "python -m venv").replace(
        ".venv/bin/python", WINDOWS.path(".venv", WINDOWS.venv_bin, "python")
    )
    assert runs["runner.os == 'Windows'"] == windows
    assert [step["shell"] for step in steps if "run" in step] == ["bash", "pwsh"]


@pytest.mark.parametrize("word", ["${{", "github.event"])
def test_no_expression_reaches_a_shell(word: str) -> None:
    """zizmor's template-injection audit, kept strict by hand: run scripts take no ${{ }}."""
    steps = workflow()["jobs"]["test"]["steps"]  # type: ignore[index]
    assert not any(word in step.get("run", "") for step in steps)
