"""The quality tooling every generated project gets (issue 20, item 2), for every tool x
domain, rendered for real by `pickenv new`: its code passes ruff (lint and format) with
its own configuration, for every target Python; its pre-commit configuration is valid
and each hook's check passes when run directly (the hooks themselves would need the
network); its pyproject.toml passes validate-pyproject; a library passes mypy with its
own settings and the Scientific Python repo-review with the failures named below; its
CI has a lint job that runs the hooks."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from identify.identify import tags_from_path

from helpers import home_env, new_demo, tool_and_domain
from pickenv.questionnaire.questions import QUESTIONS
from pickenv.tools import BUILTIN as TOOLS
from pickenv.tools import get_tool
from pickenv.versions import KNOWN_VERSIONS, PythonVersion

DOMAINS = [str(v) for v in next(q for q in QUESTIONS if q.id == "domain").values]
BIN = Path(sys.executable).parent


def tool_path(name: str) -> str:
    """A console script of pickenv's test extra, beside this Python first."""
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    assert found, f"{name} is in pickenv's test extra: pip install -e '.[test]'"
    return found


def run(*command: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool_path(command[0]), *command[1:]], cwd=cwd, capture_output=True, text=True, check=False
    )


def render(root: Path, cases: list[tuple[str, str, str]]) -> dict[tuple[str, str, str], Path]:
    """Each (tool, domain, python) made by `pickenv new`, in-process (as test_generated_ci.py);
    an empty python is the default one (3.12 for a legacy-python2 domain whose tool has no 2.7)."""
    env = home_env(root / "home")
    made: dict[tuple[str, str, str], Path] = {}
    for index, (tool, domain, python) in enumerate(cases):
        out = root / f"{tool}-{domain}-{python or 'default'}"
        out.mkdir(parents=True)
        argv = ["--tool", tool, "-a", f"domain={domain}", "-a", f"python_version={python}"]
        argv = argv if python else tool_and_domain(tool, domain)
        if index % 2:
            argv += ["-a", "windows=true"]
        code, err, made[tool, domain, python] = new_demo(out, env, *argv)
        assert code == 0, (tool, domain, python, err)
    return made


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Every tool x domain, made once for the module."""
    cases = [(tool, domain, "") for tool, domain in itertools.product(TOOLS, DOMAINS)]
    made = render(tmp_path_factory.mktemp("quality"), cases)
    return {(tool, domain): path for (tool, domain, _), path in made.items()}


def libraries(projects: dict[tuple[str, str], Path]) -> Iterator[tuple[str, Path]]:
    return ((tool, path) for (tool, domain), path in projects.items() if domain == "library")


def ruff_problems(folders: list[Path]) -> list[str]:
    """ruff check and ruff format --check on each folder, each with its own pyproject.toml
    (ruff takes the closest configuration of each file), Markdown files too (the pre-commit
    hook formats their Python blocks); what fails."""
    markdown = [str(p) for folder in folders for p in folder.rglob("*.md") if ".git" not in p.parts]
    found = []
    lint = run("ruff", "check", "--no-cache", "--no-fix", "--output-format", "concise", *map(str, folders))
    if lint.returncode:
        found.append(lint.stdout + lint.stderr)
    form = run("ruff", "format", "--no-cache", "--check", *map(str, folders), *markdown)
    if form.returncode:
        found.append(form.stdout + form.stderr)
    return found


def test_ruff_finds_nothing_in_any_project(projects: dict[tuple[str, str], Path]) -> None:
    assert ruff_problems(list(projects.values())) == []


def test_ruff_reads_each_projects_own_rules(tmp_path: Path, projects: dict[tuple[str, str], Path]) -> None:
    """The check is real: a print in a library module breaks its T20 rule, which a CLI's
    cli.py is allowed; a format() in the 2/3-compatible code is allowed (no UP rules)."""
    library = tmp_path / "library"
    shutil.copytree(projects["venv", "library"], library)
    with (library / "src" / "demo" / "__init__.py").open("a", encoding="utf-8") as file:
        file.write('\n\nprint("debugging")\n')
    problems = ruff_problems([library])
    assert len(problems) == 1 and "T201" in problems[0], problems
    cli = projects["venv", "cli"]
    assert 'print(f"Hello' in (cli / "src" / "demo" / "cli.py").read_text(encoding="utf-8")
    legacy = projects["virtualenv", "legacy-python2"]
    assert ".format(name)" in (legacy / "src" / "demo" / "__init__.py").read_text(encoding="utf-8")


# The Pythons whose code or settings differ (2.7's 2/3 code, 3.6's typing forms and
# py37 target, 3.7-3.9's postponed annotations, 3.10+, the newest), for each domain.
SWEPT = ["2.7", "3.6", "3.7", "3.9", "3.10", "3.14", KNOWN_VERSIONS[-1]]


@pytest.mark.slow  # renders 80-odd projects: seconds
def test_ruff_finds_nothing_for_any_target_python(tmp_path: Path) -> None:
    """Every domain on each Python that changes the code, with a setuptools tool (venv, or
    virtualenv for 2.7) and with uv (its own [project] table) where uv has that Python."""
    cases = []
    for domain, python in itertools.product(DOMAINS, SWEPT):
        cases.append(("virtualenv" if python == "2.7" else "venv", domain, python))
        if get_tool("uv").supports(PythonVersion.parse(python)):
            cases.append(("uv", domain, python))
    made = render(tmp_path, cases)
    assert ruff_problems(list(made.values())) == []
    # 2.7 and 3.6 keep their metadata in setup.cfg: ruff is given the oldest target it has.
    legacy = made["virtualenv", "cli", "2.7"].joinpath("pyproject.toml").read_text(encoding="utf-8")
    assert 'target-version = "py37"' in legacy


def test_pre_commit_configs_are_valid(projects: dict[tuple[str, str], Path]) -> None:
    configs = [str(p / ".pre-commit-config.yaml") for p in projects.values()]
    result = run("pre-commit", "validate-config", *configs)
    assert result.returncode == 0, result.stdout + result.stderr


def hooks(folder: Path) -> dict[str, tuple[str, dict[str, object]]]:
    """Each hook id of the project's pre-commit configuration: its repository's URL, and its settings."""
    config = yaml.safe_load((folder / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: (repo["repo"], hook) for repo in config["repos"] for hook in repo["hooks"]}


def test_hooks_are_pinned_to_releases(projects: dict[tuple[str, str], Path]) -> None:
    for key, folder in projects.items():
        config = yaml.safe_load((folder / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
        revs = {repo["repo"]: repo["rev"] for repo in config["repos"]}
        assert all(re.fullmatch(r"v?\d+\.\d+\.\d+", rev) for rev in revs.values()), (key, revs)
        assert ("mypy" in hooks(folder)) == (key[1] == "library"), key


# How each hook's check is run without pre-commit (which would clone the hook's repository):
# the console script of the same package from pickenv's test extra, its arguments, and the
# identify tag of the files pre-commit would give it (from each hook's manifest).
DIRECT = {
    # Every file given, not only the ones staged in the folder it runs in.
    "check-added-large-files": (["check-added-large-files", "--enforce-all"], "file"),
    "check-case-conflict": (["check-case-conflict"], "file"),
    "check-merge-conflict": (["check-merge-conflict"], "text"),
    "check-toml": (["check-toml"], "toml"),
    "check-yaml": (["check-yaml"], "yaml"),
    "debug-statements": (["debug-statement-hook"], "python"),
    "end-of-file-fixer": (["end-of-file-fixer"], "text"),
    "mixed-line-ending": (["mixed-line-ending"], "text"),
    "trailing-whitespace": (["trailing-whitespace-fixer"], "text"),
    "mdformat": (["mdformat", "--check"], "markdown"),
    "codespell": (["codespell"], "text"),
    "zizmor": (["zizmor", "--offline", "--no-progress"], "yaml"),
}
ELSEWHERE = {"ruff-check", "ruff-format", "mypy"}  # the tests above and below run these
IN_REPO = {"check-added-large-files"}  # reads .gitattributes through git in the folder it runs in


def project_files(folder: Path) -> list[Path]:
    """The files pre-commit would see: the ones git knows (pickenv new stages them all)."""
    listed = subprocess.run(["git", "ls-files"], cwd=folder, capture_output=True, text=True, check=True)
    return [folder / line for line in listed.stdout.splitlines()]


@pytest.mark.slow  # 12 checks over 30 projects: seconds
def test_each_hook_passes_when_run_directly(projects: dict[tuple[str, str], Path]) -> None:
    """Each check once, on the files of every project whose configuration has its hook."""
    chosen: dict[str, list[str]] = {hook_id: [] for hook_id in DIRECT}
    for key, folder in projects.items():
        found = hooks(folder)
        assert set(found) <= set(DIRECT) | ELSEWHERE, f"{key}: a new hook needs its direct check here"
        files = [str(f) for f in project_files(folder)]
        for hook_id in found.keys() & DIRECT.keys():
            tag = DIRECT[hook_id][1]
            mine = [f for f in files if tag in tags_from_path(f)]
            if hook_id == "zizmor":  # the config's files: the workflows
                mine = [f for f in mine if "/.github/workflows/" in f.replace("\\", "/")]
            assert mine, (key, hook_id)
            chosen[hook_id] += mine
    failed = []
    for hook_id, (command, _) in DIRECT.items():
        assert chosen[hook_id], f"no project runs {hook_id}"
        # One run over every project; per project for a check that asks the folder's git.
        runs = [(None, chosen[hook_id])]
        if hook_id in IN_REPO:
            runs = [(p, [f for f in chosen[hook_id] if Path(f).is_relative_to(p)]) for p in projects.values()]
        for cwd, files in runs:
            result = run(*command, *files, cwd=cwd)
            if result.returncode:
                failed.append((hook_id, cwd, result.stdout + result.stderr))
    assert failed == []


def test_pyprojects_are_valid(projects: dict[tuple[str, str], Path]) -> None:
    result = run("validate-pyproject", *(str(p / "pyproject.toml") for p in projects.values()))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow  # mypy on five projects: seconds
def test_libraries_pass_their_own_mypy(projects: dict[tuple[str, str], Path]) -> None:
    """Strict, with the project's [tool.mypy]. (A Python 2.7 library gets the 2/3 code and
    no mypy: mypy checks Python 3.10 and newer only.)"""
    for tool, folder in libraries(projects):
        result = run("mypy", "--no-incremental", cwd=folder)
        assert result.returncode == 0 and "Success" in result.stdout, (tool, result.stdout + result.stderr)


@pytest.mark.slow  # mypy once: over a second
def test_mypy_is_strict_and_catches_a_missing_annotation(
    tmp_path: Path, projects: dict[tuple[str, str], Path]
) -> None:
    library = tmp_path / "library"
    shutil.copytree(projects["uv", "library"], library)
    with (library / "src" / "demo" / "__init__.py").open("a", encoding="utf-8") as file:
        file.write("\n\ndef untyped(x):\n    return x\n")
    result = run("mypy", "--no-incremental", cwd=library)
    assert result.returncode == 1 and "no-untyped-def" in result.stdout, result.stdout


# sp-repo-review's checks a generated library fails, and why.
ACCEPTED = {
    "PC170": "pygrep-hooks only check reStructuredText, which the project has none of; "
    "ruff's PGH rules do its Python checks",
    "PP006": "no [dependency-groups] dev where the test tools are the test extra: pip reads groups "
    "from 25.1, which needs Python 3.9, a requirements file cannot name a group, pip-tools cannot "
    "compile one (jazzband/pip-tools#2175, open on 2026-12-05), and pipenv and conda read none",
}
# uv's dev set is already a dependency group.
PASSING_FOR = {"uv": {"PP006"}}


def repo_review(folder: Path) -> dict[str, dict[str, object]]:
    # Its exit code says that some check failed; which ones is what matters here.
    result = run("repo-review", "--format", "json", str(folder))
    assert result.stdout, result.stderr
    checks: dict[str, dict[str, object]] = json.loads(result.stdout)["checks"]
    return checks


@pytest.mark.slow  # repo-review on five projects: seconds
def test_libraries_pass_the_scientific_python_review(projects: dict[tuple[str, str], Path]) -> None:
    for tool, folder in libraries(projects):
        checks = repo_review(folder)
        failed = {name for name, check in checks.items() if check["result"] is False}
        assert failed == set(ACCEPTED) - PASSING_FOR.get(tool, set()), (tool, failed)
        # The checks of this part pass: ruff, mypy, pre-commit, strict pytest, zizmor.
        mine = ["RF001", "RF002", "RF101", "PY006", "PY007", "SEC001"]
        mine += [f"MY10{n}" for n in range(7)] + [f"PP30{n}" for n in range(1, 10)]
        mine += ["PC100", "PC110", "PC111", "PC140", "PC160", "PC180", "PC190", "PC191", "PC192"]
        assert all(checks[name]["result"] is True for name in mine), (tool, failed)


def workflow(folder: Path) -> dict[str, object]:
    data = yaml.safe_load((folder / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_ci_lint_job_runs_the_hooks_with_least_privilege(projects: dict[tuple[str, str], Path]) -> None:
    for key, folder in projects.items():
        jobs = workflow(folder)["jobs"]
        assert isinstance(jobs, dict)
        assert next(iter(jobs)) == "lint", key  # before the tests: the quick failure first
        lint = jobs["lint"]
        assert lint["permissions"] == {"contents": "read"}, key
        assert lint["steps"][0]["with"] == {"persist-credentials": False}, key
        commands = [step.get("run", "") for step in lint["steps"]]
        assert "pre-commit run --all-files --show-diff-on-failure" in commands, key
        assert any(re.search(r"pre-commit==\d+\.\d+\.\d+", c) for c in commands), key


def test_legacy_pytest_settings_are_ones_pytest_4_6_knows(projects: dict[tuple[str, str], Path]) -> None:
    """2/3-compatible projects run pytest 4.6 on Python 2.7: --strict-config (pytest 6)
    would stop it; Python 3 projects get it."""
    legacy = (projects["virtualenv", "legacy-python2"] / "setup.cfg").read_text(encoding="utf-8")
    assert "addopts = -ra --strict-markers\n" in legacy and "minversion = 4.6" in legacy
    modern = (projects["venv", "web"] / "pyproject.toml").read_text(encoding="utf-8")
    assert 'addopts = ["-ra", "--strict-markers", "--strict-config"]' in modern
    assert 'filterwarnings = ["error"]' in modern and "xfail_strict = true" in modern


def test_the_dev_sets_have_pytest_cov(projects: dict[tuple[str, str], Path]) -> None:
    for tool in TOOLS:
        text = "\n".join(
            p.read_text(encoding="utf-8")
            for p in projects[tool, "cli"].iterdir()
            if p.name in ("pyproject.toml", "setup.cfg", "Pipfile", "environment.yml")
        )
        assert "pytest-cov" in text, tool
