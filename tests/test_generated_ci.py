"""The CI a generated project commits, for every tool x domain, rendered for real by
`pickenv new`: zizmor (offline) finds nothing in its workflow, the workflow follows
GitHub's schema and its Dependabot configuration Dependabot's (check-jsonschema's
vendored copies), actions are pinned to commits with their release, and the setup
action caches where it can."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from helpers import audit, home_env, new_demo, schema_check, tool_and_domain
from pickenv.questionnaire.questions import QUESTIONS
from pickenv.tools import BUILTIN as TOOLS

DOMAINS = [str(v) for v in next(q for q in QUESTIONS if q.id == "domain").values]
PINNED = re.compile(r"uses: [\w.-]+/[\w.-]+@[0-9a-f]{40}  # v\d+\.\d+\.\d+$")


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Every tool x domain, made once (windows=true on every other one, for its matrix)."""
    # In-process, with the config and cache folders of run_cli's environment (module-wide:
    # the 30 projects are made once for every test here).
    env = home_env(tmp_path_factory.mktemp("home"))
    made: dict[tuple[str, str], Path] = {}
    for index, (tool, domain) in enumerate(itertools.product(TOOLS, DOMAINS)):
        windows = ["-a", "windows=true"] if index % 2 else []
        code, err, project = new_demo(
            tmp_path_factory.mktemp(f"{tool}-{domain}"), env, *tool_and_domain(tool, domain), *windows
        )
        assert code == 0, (tool, domain, err)
        made[tool, domain] = project
    return made


@pytest.mark.slow  # over 1 s: out of the fast suite (issue 17's 2-minute goal)
def test_every_project_has_a_workflow_and_a_dependabot_config(projects: dict[tuple[str, str], Path]) -> None:
    for folder in projects.values():
        assert (folder / ".github" / "workflows" / "ci.yml").is_file()
        assert (folder / ".github" / "dependabot.yml").is_file()


@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_zizmor_finds_nothing_offline(projects: dict[tuple[str, str], Path]) -> None:
    for key, folder in projects.items():
        assert audit(folder / ".github" / "workflows" / "ci.yml") == (0, []), key


def test_the_workflows_follow_githubs_schema(projects: dict[tuple[str, str], Path]) -> None:
    workflows = [p / ".github/workflows/ci.yml" for p in projects.values()]
    result = schema_check("vendor.github-workflows", *workflows)
    assert result.returncode == 0 and "ok -- validation done" in result.stdout, result.stdout


def test_the_dependabot_configs_follow_dependabots_schema(projects: dict[tuple[str, str], Path]) -> None:
    result = schema_check("vendor.dependabot", *(p / ".github/dependabot.yml" for p in projects.values()))
    assert result.returncode == 0 and "ok -- validation done" in result.stdout, result.stdout


def test_the_schema_check_refuses_a_wrong_ecosystem(tmp_path: Path) -> None:
    """The Dependabot check is real: an ecosystem it does not know fails it."""
    broken = tmp_path / "dependabot.yml"
    broken.write_text(
        "version: 2\nupdates:\n  - package-ecosystem: pipx\n    directory: /\n"
        "    schedule:\n      interval: weekly\n",
        encoding="utf-8",
    )
    assert schema_check("vendor.dependabot", broken).returncode == 1


def load(path: Path) -> dict[object, object]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_pinned_least_privilege_cancelled_and_manual(projects: dict[tuple[str, str], Path]) -> None:
    for key, folder in projects.items():
        path = folder / ".github" / "workflows" / "ci.yml"
        data = load(path)
        assert data["permissions"] == {}, key
        assert data["concurrency"]["cancel-in-progress"] is True  # type: ignore[index]
        assert "workflow_dispatch" in data.get("on", data.get(True))  # type: ignore[operator]
        job = data["jobs"]["test"]  # type: ignore[index]
        assert job["permissions"] == {"contents": "read"}, key
        uses = [line.strip(" -") for line in path.read_text(encoding="utf-8").splitlines() if "uses:" in line]
        assert uses and all(PINNED.match(line) for line in uses), (key, uses)
        assert job["steps"][0]["with"] == {"persist-credentials": False}, key


def setup_settings(folder: Path) -> dict[str, object]:
    steps = load(folder / ".github" / "workflows" / "ci.yml")["jobs"]["test"]["steps"]  # type: ignore[index]
    found = [s.get("with", {}) for s in steps[1:] if "setup" in s.get("uses", "")]
    return dict(found[0]) if found else {}


@pytest.mark.parametrize(
    ("tool", "cache", "key"),
    [
        ("venv", "pip", "pyproject.toml"),
        ("virtualenv", "pip", "pyproject.toml"),
        ("pipenv", "pipenv", "Pipfile*"),
    ],
)
def test_setup_python_caches_on_a_file_the_project_has(
    projects: dict[tuple[str, str], Path], tool: str, cache: str, key: str
) -> None:
    folder = projects[tool, "library"]
    settings = setup_settings(folder)
    assert settings["cache"] == cache and settings["cache-dependency-path"] == key
    assert list(folder.glob(key)), "setup-python fails when the key matches no file"


def test_uv_caches_with_its_own_action(projects: dict[tuple[str, str], Path]) -> None:
    assert setup_settings(projects["uv", "web"])["enable-cache"] is True


@pytest.mark.parametrize(
    ("tool", "ecosystem"), [("venv", "pip"), ("pipenv", "pip"), ("uv", "uv"), ("conda", None)]
)
def test_dependabot_watches_actions_and_the_tools_files(
    projects: dict[tuple[str, str], Path], tool: str, ecosystem: str | None
) -> None:
    updates = load(projects[tool, "cli"] / ".github" / "dependabot.yml")["updates"]
    ecosystems = [u["package-ecosystem"] for u in updates]  # type: ignore[attr-defined]
    assert ecosystems == ["github-actions", *([ecosystem] if ecosystem else [])]
    assert all(u["schedule"]["interval"] == "weekly" for u in updates)  # type: ignore[attr-defined]


def test_run_cli_renders_the_same_files(run_cli: Callable[..., object], tmp_path: Path) -> None:
    """In-process through the CLI fixture too: the workflow pickenv new writes is pinned."""
    result = run_cli("new", "demo", "--defaults", "--tool", "venv", "--output-dir", str(tmp_path))
    assert result.code == 0  # type: ignore[attr-defined]
    text = (tmp_path / "demo" / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1  # v7.0.1" in text


def runners(folder: Path) -> list[str]:
    job = load(folder / ".github" / "workflows" / "ci.yml")["jobs"]["test"]  # type: ignore[index]
    return list(job["strategy"]["matrix"]["os"]) if "strategy" in job else [job["runs-on"]]


def test_libraries_run_on_three_systems_and_apps_where_asked(projects: dict[tuple[str, str], Path]) -> None:
    """Libraries get all three systems whatever the windows answer; an app asked
    windows=true gets Windows beside Linux, and one not asked only Linux."""
    for tool in TOOLS:
        assert runners(projects[tool, "library"]) == ["ubuntu-latest", "windows-latest", "macos-latest"], tool
    odd = {key for index, key in enumerate(projects) if index % 2}  # made with windows=true
    for key, folder in projects.items():
        if key[1] in ("library", "legacy-python2"):
            continue
        expected = ["ubuntu-latest", "windows-latest"] if key in odd else ["ubuntu-latest"]
        assert runners(folder) == expected, key
