"""`pickenv switch` on real git repositories: pickenv projects of every tool with the
user's own runtime and dev packages added where that tool keeps them, moved in all 12
directions between venv, virtualenv, pipenv and conda; ordinary projects of
real-world shapes; refusals, dry runs and failures that leave everything as it was.

What the new files declare is read back here with the formats' own parsers (tomllib,
PyYAML, packaging, py-rattler's conda MatchSpec), not with pickenv's readers; the
slow tests create the new environments for real and run the project's tests in them,
tests that import the user's packages.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from itertools import permutations
from pathlib import Path

import pytest
import tomllib
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from helpers import CONDA, DJANGO, LEGACY, PIPFILE, UV, Result, git, repository, snapshot
from pickenv.errors import (
    EXIT_ANSWER,
    EXIT_ENVIRONMENT,
    EXIT_INTERRUPTED,
    EXIT_NO_ENVIRONMENT,
    EXIT_OK,
    EXIT_PROJECT,
    EXIT_USAGE,
)

Run = Callable[..., Result]
TOOLS = ("venv", "virtualenv", "pipenv", "conda")
DIRECTIONS = list(permutations(TOOLS, 2))  # 12
EVERY = list(permutations((*TOOLS, "uv"), 2))  # 20: pickenv's own projects, uv's too
MANIFEST = {"venv": "requirements.txt", "virtualenv": "requirements.txt", "pipenv": "Pipfile"}
MANIFEST["conda"] = "environment.yml"
RUNTIME, DEV = "attrs>=23.1", "hypothesis>=6"  # what the user added, where the README says
# detect's uv project, with a lock uv itself reads (uv 0.13's format, as `uv lock` writes it)
UV_LOCK = """\
version = 1
revision = 3
requires-python = ">=3.12"

[[package]]
name = "httpx"
version = "0.28.1"
source = { registry = "https://pypi.org/simple" }

[package.sdist]
url = "https://files.pythonhosted.org/packages/httpx-0.28.1.tar.gz"
hash = "sha256:75e98c5f16b0f35b567856f597f06ff2270a374470a5c2392242528e3e3e42fc"
size = 141406

[[package]]
name = "svc"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "httpx" }]

[package.metadata]
requires-dist = [{ name = "httpx" }]
"""
UV_LOCKED = {**UV, "uv.lock": UV_LOCK}


def new_project(tmp_path: Path, run_cli: Run, tool: str, name: str = "shop", version: str = "3.12") -> Path:
    made = run_cli(
        "new", name, "--defaults", "--tool", tool, "-a", "domain=web", "-a", f"python_version={version}",
        "--output-dir", str(tmp_path),
    )  # fmt: skip
    assert made.code == EXIT_OK, made.err
    assert "Git: initialised with a first commit." in made.out  # the suite's home has a git identity
    return tmp_path / name


def add_user_packages(project: Path, tool: str) -> None:
    """As a user of each tool adds a package and a test tool where the generated README's
    Dependencies section says, then commits: the runtime package in pyproject.toml's
    [project] dependencies (and, for conda, in environment.yml too), the test tool in the
    test extra (uv's test group)."""
    pyproject = (project / "pyproject.toml").read_text()
    pyproject = pyproject.replace('  "flask>=2.0",', f'  "flask>=2.0",\n  "{RUNTIME}",', 1)
    pyproject = pyproject.replace('  "pytest>=6",', f'  "pytest>=6",\n  "{DEV}",', 1)
    assert pyproject.count(RUNTIME) == pyproject.count(DEV) == 1, pyproject
    (project / "pyproject.toml").write_text(pyproject)
    if tool == "conda":  # conda-forge's package beside flask
        text = (project / "environment.yml").read_text()
        text = text.replace("  - flask>=2.0\n", f"  - flask>=2.0\n  - {RUNTIME}\n", 1)
        assert RUNTIME in text, text
        (project / "environment.yml").write_text(text)
    (project / "tests" / "test_user_packages.py").write_text(
        "import attr\nimport hypothesis\n\n\ndef test_the_users_packages_are_installed():\n"
        "    assert attr.__name__ and hypothesis.__name__\n"
    )
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "my packages")


# ---- an independent reading of what each tool installs ------------------------------------------
def _requirements(path: Path, root: Path) -> tuple[set[str], set[str]]:
    """(packages, extras of the project itself) of a requirements file and its includes."""
    names: set[str] = set()
    extras: set[str] = set()
    for raw in path.read_text().splitlines():
        line = raw.split("#")[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            more, more_extras = _requirements(path.parent / line[3:].strip(), root)
            names |= more
            extras |= more_extras
        elif line.removeprefix("-e ").strip().startswith("."):
            extras.add("")
            if "[" in line:
                extras |= set(line.split("[", 1)[1].rstrip("]").split(","))
        elif line.startswith("-"):
            continue  # a pip option (--extra-index-url)
        else:
            names.add(canonicalize_name(Requirement(line).name))
    return names, extras


def _pyproject(root: Path, extras: set[str]) -> set[str]:
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    names = {canonicalize_name(Requirement(r).name) for r in project.get("dependencies", [])}
    for extra in extras - {""}:
        listed = project.get("optional-dependencies", {}).get(extra, [])
        names |= {canonicalize_name(Requirement(r).name) for r in listed}
    return names


def installed_by(root: Path, tool: str) -> tuple[set[str], set[str]]:
    """(runtime, runtime+dev) packages the tool's files install, read independently: the
    project named by `.`, `-e .[test]` or a Pipfile entry with path "." brings its
    [project] dependencies and the extras it names."""
    if tool in ("venv", "virtualenv"):
        runtime, extras = _requirements(root / "requirements.txt", root)
        everything, dev_extras = _requirements(root / "requirements-dev.txt", root)
        runtime |= _pyproject(root, extras) if extras else set()
        everything |= _pyproject(root, dev_extras) if dev_extras else set()
        return runtime, everything | runtime
    if tool == "uv":  # `uv sync` installs the project with its dev group
        groups = tomllib.loads((root / "pyproject.toml").read_text()).get("dependency-groups", {})
        runtime = _pyproject(root, set())
        return runtime, runtime | _group(groups, "dev")
    if tool == "pipenv":
        pipfile = tomllib.loads((root / "Pipfile").read_text())
        runtime = _pipfile_table(pipfile["packages"], root)
        return runtime, runtime | _pipfile_table(pipfile.get("dev-packages", {}), root)
    runtime, everything = _environment(root / "environment.yml", root)
    # environment-dev.yml, where there is one, is the whole dev environment
    dev = root / "environment-dev.yml"
    return runtime, everything | (_environment(dev, root)[1] if dev.is_file() else set())


def _group(groups: dict[str, list[object]], name: str) -> set[str]:
    """A PEP 735 group's packages, its include-group entries' too."""
    names: set[str] = set()
    for entry in groups.get(name, []):
        if isinstance(entry, dict):
            names |= _group(groups, str(entry["include-group"]))
        else:
            names.add(canonicalize_name(Requirement(str(entry)).name))
    return names


def _pipfile_table(table: dict[str, object], root: Path) -> set[str]:
    names: set[str] = set()
    for name, value in table.items():
        if isinstance(value, dict) and value.get("path") == ".":
            names |= _pyproject(root, set(value.get("extras", [])) | {""})
        else:
            names.add(canonicalize_name(name))
    return names


def _environment(path: Path, root: Path) -> tuple[set[str], set[str]]:
    """(without, with) the extras the pip: section installs the project with."""
    from rattler import MatchSpec

    environment = yaml.safe_load(path.read_text())
    names: set[str] = set()
    extras: set[str] = set()
    for entry in environment["dependencies"]:
        if isinstance(entry, str):
            names.add(canonicalize_name(MatchSpec(entry).name.normalized))
        else:
            for line in entry["pip"]:
                if line.startswith("-e ."):
                    names |= _pyproject(root, set())
                    extras |= set(line.split("[", 1)[1].rstrip("]").split(",")) if "[" in line else set()
                elif not line.startswith("-"):
                    names.add(canonicalize_name(Requirement(line).name))
    names -= {"python", "pip"}
    return names, names | _pyproject(root, extras)


# ---- the 12 directions on pickenv projects -----------------------------------------------------------
@pytest.mark.parametrize(("old", "new"), EVERY, ids=[f"{a}-to-{b}" for a, b in EVERY])
@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_every_direction_keeps_every_dependency(tmp_path: Path, run_cli: Run, old: str, new: str) -> None:
    project = new_project(tmp_path, run_cli, old)
    add_user_packages(project, old)
    runtime_before, all_before = installed_by(project, old)
    assert {"flask", "attrs"} <= runtime_before and {"pytest", "hypothesis"} <= all_before - runtime_before

    result = run_cli("switch", str(project), "--to", new, "--format", "json")

    assert result.code == EXIT_OK, result.err
    report = json.loads(result.out)
    assert (report["from"], report["to"], report["rerendered"]) == (old, new, True)
    assert report["blocking"] == 0, report["ledger"]
    runtime_after, all_after = installed_by(project, new)
    # the same environments: the test tools stay out of the runtime one (conda's comes
    # from its pip: section's extras)
    assert (runtime_after, all_after) == (runtime_before, all_before)
    # no stray files: the project holds what `pickenv new --tool NEW` makes, and the user's test
    (tmp_path / "fresh").mkdir()
    fresh = new_project(tmp_path / "fresh", run_cli, new)
    assert _files(project) == _files(fresh) | {"tests/test_user_packages.py"}
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["tool"] == new
    assert f"uses **{new}**" in (project / "README.md").read_text()
    assert "<<<<<<<" not in (project / "README.md").read_text()
    detected = json.loads(run_cli("detect", str(project), "--format", "json").out)
    assert detected["tool"] == new, detected
    if old != "uv" and MANIFEST[old] != MANIFEST.get(new):
        assert not (project / MANIFEST[old]).exists(), f"{MANIFEST[old]} of {old} is still there"
    assert git(project, "log", "--format=%s", "-1").strip() == "my packages"  # nothing committed


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}


@pytest.mark.slow  # over 1.2 s: out of the fast suite (issue 17's 2-minute goal)
def test_a_users_readme_notes_survive_and_the_ci_workflow_follows(tmp_path: Path, run_cli: Run) -> None:
    project = new_project(tmp_path, run_cli, "venv")
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\n## Deploying\n\nOur own notes.\n")
    git(project, "commit", "-qam", "notes")
    result = run_cli("switch", str(project), "--to", "pipenv")
    assert result.code == EXIT_OK, result.err
    text = readme.read_text()
    assert "Our own notes." in text and "pipenv install --dev" in text and "## Why pipenv" in text
    workflow = (project / ".github" / "workflows" / "ci.yml").read_text()
    assert "pipenv" in workflow and "requirements-dev.txt" not in workflow
    assert f"Switched {project} from venv to pipenv." in result.out
    assert "The old venv environment" not in result.out  # there was none


# ---- ordinary projects -------------------------------------------------------------------------------
def plain(tmp_path: Path, files: dict[str, str]) -> Path:
    return repository(tmp_path / "plain", {"theirs": files})


def test_a_django_project_with_includes_and_hashes_moves_to_pipenv(tmp_path: Path, run_cli: Run) -> None:
    project = plain(tmp_path, DJANGO)
    result = run_cli("switch", str(project), "--to", "pipenv", "--format", "json")
    assert result.code == EXIT_OK, result.err
    pipfile = tomllib.loads((project / "Pipfile").read_text())
    assert pipfile["packages"] == {"psycopg2-binary": "==2.9.9", "celery": "==5.3.4", "django": "==4.2.7"}
    assert not (project / "requirements.txt").exists()
    report = json.loads(result.out)
    assert report["blocking"] == 0 and report["refused"] is False
    carried = {(e["group"], e["text"]) for e in report["ledger"] if e["status"] == "carried"}
    # requirements/base.txt is part of requirements.txt's environment: now [packages]
    expected = {("default", "django==4.2.7"), ("base", "psycopg2-binary==2.9.9"), ("base", "celery==5.3.4")}
    assert expected <= carried
    assert not (project / "requirements" / "base.txt").exists()


def test_a_pipfile_with_a_custom_source_moves_to_venv(tmp_path: Path, run_cli: Run) -> None:
    """pip cannot take one package from one index only: the switch says so and stops;
    accepted, the index goes into requirements.txt for every package."""
    project = plain(tmp_path, PIPFILE)
    before = snapshot(project)
    refused = run_cli("switch", str(project), "--to", "venv")
    assert refused.code == EXIT_PROJECT, refused.err
    assert snapshot(project) == before
    assert (
        "Pipfile [packages] acme-auth: acme-auth from https://pypi.internal.example/simple — it comes only "
        "from that index; the new files let every index offer it"
    ) in refused.out
    assert refused.out.endswith("or pass --accept-losses to switch without it.\n")
    result = run_cli("switch", str(project), "--to", "venv", "--accept-losses")
    assert result.code == EXIT_OK, result.err
    runtime, everything = installed_by(project, "venv")
    assert runtime == {"fastapi", "acme-auth"} and everything == runtime | {"pytest"}
    assert not (project / "Pipfile").exists() and not (project / "Pipfile.lock").exists()
    index = "--extra-index-url https://pypi.internal.example/simple"
    assert index in (project / "requirements.txt").read_text()


def test_a_conda_project_moves_to_virtualenv_and_gdal_is_reported(tmp_path: Path, run_cli: Run) -> None:
    project = plain(tmp_path, CONDA)
    before = snapshot(project)
    refused = run_cli("switch", str(project), "--to", "virtualenv")
    assert refused.code == EXIT_PROJECT and snapshot(project) == before
    gdal = "environment.yml dependencies[2]: gdal>=3.6 — a conda package with no PyPI counterpart"
    assert gdal in refused.out
    result = run_cli("switch", str(project), "--to", "virtualenv", "--accept-losses")
    assert result.code == EXIT_OK, result.err
    assert (project / "requirements.txt").read_text().splitlines()[-2:] == ["numpy", "rasterio-extras==0.1"]
    assert "Lost or changed (accepted):" in result.out
    assert "remove it with: conda env remove -n geo" in result.out  # the name environment.yml gave


def test_a_uv_project_moves_to_conda_with_the_project_installed_by_pip(tmp_path: Path, run_cli: Run) -> None:
    from rattler import MatchSpec

    project = plain(tmp_path, UV_LOCKED)
    refused = run_cli("switch", str(project), "--to", "conda", "--format", "json")
    assert refused.code == EXIT_PROJECT, refused.err  # conda cannot keep uv.lock's pins here
    lost = [(e["what"], e["text"]) for e in json.loads(refused.out)["ledger"] if e["blocking"]]
    assert lost == [("pin", "httpx==0.28.1")]
    result = run_cli("switch", str(project), "--to", "conda", "--accept-losses")
    assert result.code == EXIT_OK, result.err
    environment = yaml.safe_load((project / "environment.yml").read_text())
    # requires-python ">=3.12" is a lower bound, and stays one (no version is made up)
    assert environment["dependencies"][:2] == ["python>=3.12", "pip"]
    # an application (no [build-system]): uv never installed it, and conda does not either
    assert environment["dependencies"][2] == {"pip": ["httpx"]}
    for spec in environment["dependencies"][:2]:
        MatchSpec(spec)
    assert not (project / "uv.lock").exists()
    assert "[tool.uv]" not in (project / "pyproject.toml").read_text()


def test_python_2_7_is_refused_venv_with_the_rules_reason(tmp_path: Path, run_cli: Run) -> None:
    project = plain(tmp_path, LEGACY)
    before = snapshot(project)
    # setup.py's python_requires is a lower bound: the project targets 2.7 when it says so
    result = run_cli("switch", str(project), "--to", "venv", "-a", "python_version=2.7")
    assert result.code == EXIT_PROJECT
    assert "venv does not fit this project: venv is part of the standard library only from Python 3.3" in (
        result.err
    )
    assert "Pass --to with one of: conda" in result.err and result.err.count("\n") == 1
    assert snapshot(project) == before
    moved = run_cli("switch", str(project), "--to", "conda", "-a", "python_version=2.7")
    assert moved.code == EXIT_OK, moved.err
    assert "python=2.7" in (project / "environment.yml").read_text()


def test_a_python_bound_is_not_pinned_and_setup_pys_name_is_kept(tmp_path: Path, run_cli: Run) -> None:
    """setup.py admits 2.7 and everything after: the Pipfile asks for no one version (pipenv
    would refuse to install on a machine without it) and names the project as setup.py does."""
    project = plain(tmp_path, LEGACY)
    moved = run_cli("switch", str(project), "--to", "pipenv")
    assert moved.code == EXIT_OK, moved.err
    pipfile = tomllib.loads((project / "Pipfile").read_text())
    assert "requires" not in pipfile or pipfile["requires"] == {}
    assert pipfile["packages"] == {"oldlib": {"path": ".", "editable": True}}
    again = plain(tmp_path / "given", LEGACY)
    moved = run_cli("switch", str(again), "--to", "pipenv", "-a", "python_version=3.12")
    assert moved.code == EXIT_OK, moved.err
    assert tomllib.loads((again / "Pipfile").read_text())["requires"] == {"python_version": "3.12"}


# ---- refusals, dry runs, failures ---------------------------------------------------------------------
@pytest.mark.slow  # over 1.2 s: out of the fast suite (issue 17's 2-minute goal)
def test_a_dry_run_shows_the_diff_and_changes_nothing(tmp_path: Path, run_cli: Run) -> None:
    project = new_project(tmp_path, run_cli, "pipenv")
    add_user_packages(project, "pipenv")
    before = snapshot(project)
    result = run_cli("switch", str(project), "--to", "venv", "--dry-run")
    assert result.code == EXIT_OK, result.err
    assert snapshot(project) == before
    assert f"Would switch {project} from pipenv to venv." in result.out
    assert "--- a/Pipfile\n+++ /dev/null" in result.out
    # the runtime package stays in pyproject.toml, which requirements.txt's `.` installs
    assert "+++ b/requirements.txt" in result.out and "+-e .[test]" in result.out
    assert "attrs" not in result.out
    assert result.out.endswith("Nothing was changed (dry run).\n")


def test_refusals_name_the_fix_and_change_nothing(tmp_path: Path, run_cli: Run) -> None:
    project = new_project(tmp_path, run_cli, "venv")
    (project / "requirements.txt").write_text("requests\n")
    before = snapshot(project)
    dirty = run_cli("switch", str(project), "--to", "pipenv")
    assert dirty.code == EXIT_PROJECT and "uncommitted changes (requirements.txt)" in dirty.err
    same = run_cli("switch", str(project), "--to", "venv")
    assert same.code == EXIT_USAGE and "uses venv already; pass --to with one of:" in same.err
    unknown = run_cli("switch", str(project), "--to", "poetry")
    assert unknown.code == EXIT_USAGE and "unknown tool 'poetry'" in unknown.err
    bad_answer = run_cli("switch", str(project), "--to", "pipenv", "-a", "python_version=4.0")
    assert bad_answer.code == EXIT_ANSWER
    assert snapshot(project) == before
    for result in (dirty, same, unknown, bad_answer):
        assert "Traceback" not in result.err and result.err.count("\n") == 1, result.err
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = run_cli("switch", str(empty), "--to", "venv")
    assert nothing.code == EXIT_PROJECT and "no dependency files" in nothing.err
    broken = plain(tmp_path, {"Pipfile": "[packages\n"})
    unreadable = run_cli("switch", str(broken), "--to", "venv")
    assert unreadable.code == EXIT_PROJECT and "Pipfile is not valid TOML" in unreadable.err


def test_not_a_git_repository_is_refused(tmp_path: Path, run_cli: Run) -> None:
    project = tmp_path / "loose"
    project.mkdir()
    (project / "requirements.txt").write_text("requests\n")
    result = run_cli("switch", str(project), "--to", "pipenv")
    assert result.code == EXIT_PROJECT and "is not in a git repository" in result.err
    assert sorted(p.name for p in project.iterdir()) == ["requirements.txt"]


# ---- the new environment, for real ----------------------------------------------------------------------
CREATED = [(a, b) for a, b in DIRECTIONS if b != "conda"]


def switch(env: dict[str, str], project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """pickenv as a user runs it, with the time a real install takes."""
    return subprocess.run(
        [sys.executable, "-m", "pickenv", "switch", str(project), *args],
        env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.network
@pytest.mark.parametrize(("old", "new"), CREATED, ids=[f"{a}-to-{b}" for a, b in CREATED])
def test_the_new_environment_is_created_and_the_tests_pass_in_it(
    tmp_path: Path, subprocess_env: dict[str, str], run_cli: Run, old: str, new: str
) -> None:
    project = new_project(tmp_path, run_cli, old)
    add_user_packages(project, old)
    result = switch(subprocess_env, project, "--to", new, "--create-env", "--format", "json")
    assert result.returncode == EXIT_OK, result.stderr
    report = json.loads(result.stdout)
    assert report["environment"]["created"] is True
    python = project / ".venv" / "bin" / "python"
    check = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
    assert "3 passed" in check.stdout or "passed" in check.stdout
    if new == "pipenv":
        assert (project / "Pipfile.lock").is_file()


@pytest.mark.slow
@pytest.mark.network
def test_failing_tests_are_reported_and_put_everything_back_only_when_asked(
    tmp_path: Path, run_cli: Run, subprocess_env: dict[str, str]
) -> None:
    """An environment that builds is a sound switch: the project's failing tests (which
    may have failed before too) are reported, exit 8, and the switch stays; with
    --tests-must-pass they put everything back."""
    project = new_project(tmp_path, run_cli, "pipenv")
    (project / "tests" / "test_fails.py").write_text("def test_fails():\n    assert False\n")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "a failing test")
    before = snapshot(project)
    strict = switch(subprocess_env, project, "--to", "venv", "--create-env", "--tests-must-pass")
    assert strict.returncode == EXIT_ENVIRONMENT, strict.stderr
    assert "Traceback" not in strict.stderr and "tests" in strict.stderr
    assert snapshot(project) == before
    assert not (project / ".venv").exists()
    kept = switch(subprocess_env, project, "--to", "venv", "--create-env", "--format", "json")
    assert kept.returncode == EXIT_ENVIRONMENT, kept.stderr
    report = json.loads(kept.stdout)
    assert report["environment"]["created"] is True
    tests = report["environment"]["tests"]
    assert tests["passed"] is False and "1 failed" in tests["output"]
    assert tests["from"] == "pyproject.toml [tool.pytest.ini_options]"
    assert (project / "requirements.txt").is_file() and not (project / "Pipfile").exists()
    assert (project / ".venv" / "bin" / "python").exists()


@pytest.mark.slow
def test_the_projects_own_unittest_command_runs_in_the_new_environment(
    tmp_path: Path, run_cli: Run, subprocess_env: dict[str, str]
) -> None:
    """tartley/colorama's shape: tox runs `python -m unittest discover -p *_test.py`, and
    there is no pytest anywhere: the switch runs that, not pytest."""
    project = plain(
        tmp_path,
        {
            "requirements.txt": "",
            "tox.ini": (
                "[tox]\nenvlist = py\n\n[testenv]\ncommands = python -m unittest discover -p *_test.py\n"
            ),
            "pyproject.toml": (
                '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n'
                '[project]\nname = "tiny"\nversion = "1"\n'
            ),
            "tiny/__init__.py": "VALUE = 1\n",
            "tiny/value_test.py": (
                "import unittest\n\nimport tiny\n\n\nclass T(unittest.TestCase):\n"
                "    def test_value(self):\n        self.assertEqual(tiny.VALUE, 1)\n"
            ),
        },
    )
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    result = switch(
        subprocess_env, project, "--to", "virtualenv", "--create-env", "--python", sys.executable,
        "-a", f"python_version={running}", "--format", "json",
    )  # fmt: skip
    assert result.returncode == EXIT_OK, result.stdout + result.stderr
    tests = json.loads(result.stdout)["environment"]["tests"]
    assert tests == {
        "command": ".venv/bin/python -m unittest discover -p '*_test.py'",
        "from": "tox.ini [testenv] commands",
        "passed": True,
        "output": "",
    }


@pytest.mark.slow  # over 1.2 s: out of the fast suite (issue 17's 2-minute goal)
def test_the_old_environment_in_the_way_is_named(tmp_path: Path, run_cli: Run) -> None:
    project = new_project(tmp_path, run_cli, "venv")
    (project / ".venv").mkdir()
    (project / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.12.0\n")
    result = run_cli("switch", str(project), "--to", "virtualenv", "--create-env")
    assert result.code == EXIT_PROJECT
    assert "remove the old environment first (rm -rf .venv) or run without --create-env" in result.err
    plain_switch = run_cli("switch", str(project), "--to", "virtualenv")
    assert plain_switch.code == EXIT_OK
    assert "The old venv environment, if any, is kept; remove it with: rm -rf .venv" in plain_switch.out


@pytest.mark.posix
@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_creating_the_environment_puts_everything_back(
    tmp_path: Path, run_cli: Run, subprocess_env: dict[str, str], signum: int
) -> None:
    project = new_project(tmp_path, run_cli, "virtualenv")
    add_user_packages(project, "virtualenv")
    before = snapshot(project)
    process = subprocess.Popen(
        [sys.executable, "-m", "pickenv", "switch", str(project), "--to", "venv", "--create-env"],
        env=subprocess_env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not (project / ".venv").exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert (project / ".venv").exists(), process.communicate()
    os.killpg(process.pid, signum)
    _, err = process.communicate(timeout=120)
    assert process.returncode == EXIT_INTERRUPTED, err
    assert "Traceback" not in err
    assert snapshot(project) == before


def test_a_team_template_project_is_rendered_again_and_its_files_are_its_own(
    tmp_path: Path, run_cli: Run
) -> None:
    import shutil

    examples = Path(__file__).parent.parent / "examples"
    for name in ("acme-template", "acme-rules.yaml", "acme-team.yaml"):
        copy = shutil.copytree if (examples / name).is_dir() else shutil.copy
        copy(examples / name, tmp_path / name)
    template = tmp_path / "acme-template"
    git(template, "init", "-q", "-b", "main")
    git(template, "add", "-A")
    git(template, "commit", "-q", "-m", "v1")
    git(template, "tag", "v1.0.0")
    team = str(tmp_path / "acme-team.yaml")
    made = run_cli("new", "billing", "--team", team, "--defaults", "--output-dir", str(tmp_path))
    assert made.code == EXIT_OK, made.err
    project = tmp_path / "billing"
    if subprocess.run(["git", "rev-parse", "-q", "--verify", "HEAD"], cwd=project, check=False).returncode:
        git(project, "add", "-A")
        git(project, "commit", "-q", "-m", "from the team template")
    refused = run_cli("switch", str(project), "--to", "venv", "--create-env")
    assert refused.code == EXIT_USAGE and "its own template only" in refused.err
    not_offered = run_cli("switch", str(project), "--to", "conda")
    assert not_offered.code == EXIT_PROJECT
    assert "the project's template offers venv, pipenv; not conda; pass --to with one of: venv" in (
        not_offered.err
    )
    ruled_out = run_cli("switch", str(project), "--to", "venv", "--team", team)  # deploy: docker
    assert ruled_out.code == EXIT_PROJECT
    assert "venv does not fit this project: ACME's container builds install from Pipfile.lock" in (
        ruled_out.err
    )
    result = run_cli("switch", str(project), "--to", "venv")  # without ACME's rules
    assert result.code == EXIT_OK, result.err
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["tool"] == "venv"
    assert "venv" in (project / "README.md").read_text()
    # ACME's venv files are its pyproject.toml (`pip install -e .[test]`), which pip reads
    # as the package's metadata, not as an environment: the Pipfile's groups keep a home
    # in venv's own files rather than being lost; the dev one is the project with the test
    # extra ACME's render declares, which lists the Pipfile's dev package
    assert (project / "requirements.txt").read_text().splitlines()[-1] == "-e ."
    assert "-e .[test]" in (project / "requirements-dev.txt").read_text().splitlines()
    extras = tomllib.loads((project / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert "pytest>=8" in extras["test"]
    assert "pytest" in installed_by(project, "venv")[1] - installed_by(project, "venv")[0]
    assert not (project / "Pipfile").exists()
    assert result.out.endswith("  # set it up as its README says\n")


@pytest.mark.slow  # over 1 s: out of the fast suite (issue 17's 2-minute goal)
def test_no_conda_here_the_switch_is_made_and_the_commands_are_printed(tmp_path: Path, run_cli: Run) -> None:
    project = new_project(tmp_path, run_cli, "venv")
    result = run_cli("switch", str(project), "--to", "conda", "--create-env", env={"PATH": "/usr/bin:/bin"})
    assert result.code == EXIT_NO_ENVIRONMENT, result.err
    assert "The environment was not created: no conda, mamba or micromamba on PATH" in result.out
    assert "conda env create -n shop -f environment.yml" in result.out
    assert (project / "environment.yml").is_file() and not (project / "requirements.txt").exists()


# ---- what a user's trial found -------------------------------------------------------------------------
@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_the_dev_extra_moves_where_the_new_tool_would_not_install_it(tmp_path: Path, run_cli: Run) -> None:
    """A tool added to the test extra is a dev package in every tool: pipenv's
    [dev-packages] and conda's pip: section install the project with that extra."""
    project = new_project(tmp_path, run_cli, "venv")
    pyproject = (project / "pyproject.toml").read_text().replace('"pytest>=6",', '"pytest>=6",\n  "mypy>=1",')
    (project / "pyproject.toml").write_text(pyproject)
    git(project, "commit", "-qam", "mypy")
    assert run_cli("switch", str(project), "--to", "pipenv").code == EXIT_OK
    runtime, everything = installed_by(project, "pipenv")
    assert "mypy" in everything - runtime
    assert "mypy" not in tomllib.loads((project / "Pipfile").read_text())["dev-packages"]  # the extra's
    git(project, "add", "-A")
    git(project, "commit", "-qm", "pipenv")
    assert run_cli("switch", str(project), "--to", "conda").code == EXIT_OK
    runtime, everything = installed_by(project, "conda")
    assert "mypy" in everything - runtime and not (project / "environment-dev.yml").exists()
    assert (project / "pyproject.toml").read_text().count('"mypy>=1"') == 1  # not written twice


def test_a_pin_the_new_files_would_loosen_is_reported(tmp_path: Path, run_cli: Run) -> None:
    """A conda project whose requirements.txt (for pip users) pins more loosely: moving to
    venv would install numpy>=1.20 where conda installed 1.26.*; the switch says so."""
    project = plain(
        tmp_path,
        {
            "environment.yml": "name: sci\ndependencies:\n  - python=3.12\n  - numpy=1.26\n  - pip\n",
            "requirements.txt": "numpy>=1.20\n",
        },
    )
    before = snapshot(project)
    result = run_cli("switch", str(project), "--to", "venv", "--format", "json")
    assert result.code == EXIT_PROJECT, result.err
    assert snapshot(project) == before
    report = json.loads(result.out)
    assert report["refused"] is True
    assert {
        "status": "changed",
        "what": "requirement",
        "group": "default",
        "text": "numpy==1.26.*",
        "from": "environment.yml dependencies[2]",
        "to": "requirements.txt",
        "why": "the new files ask for numpy>=1.20",
        "blocking": True,
    } in report["ledger"]


def test_the_projects_own_pin_and_the_environments_pin_both_stay(tmp_path: Path, run_cli: Run) -> None:
    project = plain(
        tmp_path,
        {
            "requirements.txt": "Django==4.2.7\n.\n",
            "pyproject.toml": (
                '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n'
                '[project]\nname = "site"\nversion = "1"\ndependencies = ["Django>=4.2"]\n'
            ),
        },
    )
    pyproject = (project / "pyproject.toml").read_text()
    result = run_cli("switch", str(project), "--to", "pipenv")
    assert result.code == EXIT_OK, result.err
    # requirements.txt's `.` installs the project, not editable: so does the Pipfile
    assert tomllib.loads((project / "Pipfile").read_text())["packages"] == {
        "Django": "==4.2.7",
        "site": {"path": "."},
    }
    assert (project / "pyproject.toml").read_text() == pyproject  # the package's metadata is its own


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"requirements.txt": "requests==\nflask\n"},
            "requirements.txt:1: 'requests==' is not a requirement pip reads; fix requirements.txt first",
        ),
        (
            {"requirements.txt": "-r missing.txt\n"},
            "requirements.txt:1: includes missing.txt, which does not exist; fix requirements.txt first",
        ),
        (
            {"environment.yml": "name: x\ndependencies: numpy\n"},
            "environment.yml has a dependencies that is not a list; fix environment.yml first",
        ),
        (
            {"Pipfile": '[packages]\nflask = "*"\n', "environment.yml": "dependencies:\n  - numpy\n"},
            "files of several tools",
        ),
    ],
    ids=["bad-line", "missing-include", "dependencies-not-a-list", "two-tools"],
)
def test_what_cannot_be_read_whole_stops_the_switch(
    tmp_path: Path, run_cli: Run, files: dict[str, str], message: str
) -> None:
    project = plain(tmp_path, files)
    before = snapshot(project)
    result = run_cli("switch", str(project), "--to", "pipenv")
    assert result.code == EXIT_PROJECT and message in result.err, result.err
    assert snapshot(project) == before


def test_shapes_pip_and_conda_take(tmp_path: Path, run_cli: Run) -> None:
    project = plain(
        tmp_path,
        {
            "environment.yml": (
                "name: sci\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n"
                "  - scipy=1.11.4=py311h64a7726_0\n  - pip\n  - pip:\n"
                "      - git+https://example.org/noegg.git@v2#egg=noegg\n"
            ),
            "setup.py": "from setuptools import setup\nsetup(name='sci', python_requires='>=3.11')\n",
            "dev-requirements.txt": "black\n",
        },
    )
    (project / "dev-requirements.txt").unlink()
    git(project, "commit", "-qam", "conda only")
    refused = run_cli("switch", str(project), "--to", "venv", "--format", "json")
    assert refused.code == EXIT_PROJECT, refused.err
    why = {x["text"]: x["why"] for x in json.loads(refused.out)["ledger"] if x["blocking"]}
    assert why == {"scipy=1.11.4=py311h64a7726_0": "conda's own part of a spec (a build string or an OR)"}
    result = run_cli("switch", str(project), "--to", "venv", "--accept-losses")
    assert result.code == EXIT_OK, result.err
    runtime, _ = _requirements(project / "requirements.txt", project)
    assert {"scipy", "noegg"} <= runtime
    assert "scipy==1.11.4" in (project / "requirements.txt").read_text()  # the version, without the build
    assert (project / "setup.py").is_file()  # evidence of a tool, never one of its files


def test_dev_requirements_and_crlf_files(tmp_path: Path, run_cli: Run) -> None:
    project = plain(
        tmp_path,
        {
            "requirements.txt": "flask\r\n",
            "dev-requirements.txt": "black\r\n",
            "pyproject.toml": '[project]\r\nname = "w"\r\nversion = "1"\r\ndependencies = ["flask"]\r\n',
        },
    )
    result = run_cli("switch", str(project), "--to", "uv")
    assert result.code == EXIT_OK, result.err
    text = (project / "pyproject.toml").read_bytes()
    assert b"\r\n" in text and b"\n" not in text.replace(b"\r\n", b"")  # its own line endings
    assert tomllib.loads(text.decode())["dependency-groups"]["dev"] == ["black"]


def test_leaving_uv_carries_where_its_packages_come_from(tmp_path: Path, run_cli: Run) -> None:
    """uv's sources say where a package comes from: a git repository becomes the
    Pipfile's git entry, an index its [[source]] and the package's index."""
    pyproject = UV["pyproject.toml"].replace('dependencies = ["httpx"]', 'dependencies = ["httpx", "mylib"]')
    pyproject += (
        '\n[tool.uv.sources]\nmylib = { git = "https://example.org/mylib.git", rev = "v1" }\n'
        'httpx = { index = "internal" }\n\n[[tool.uv.index]]\nname = "internal"\n'
        'url = "https://pypi.internal.example/simple"\n'
    )
    lock = UV_LOCK.replace("https://pypi.org/simple", "https://pypi.internal.example/simple")
    lock = lock.replace('[{ name = "httpx" }]', '[{ name = "httpx" }, { name = "mylib" }]')
    lock += (
        '\n[[package]]\nname = "mylib"\nversion = "1.0"\n'
        'source = { git = "https://example.org/mylib.git?rev=v1#0123456789abcdef0123456789abcdef01234567" }\n'
    )
    project = plain(tmp_path, {"pyproject.toml": pyproject, "uv.lock": lock})
    result = run_cli("switch", str(project), "--to", "pipenv", "--format", "json")
    assert result.code == EXIT_OK, result.out
    pipfile = tomllib.loads((project / "Pipfile").read_text())
    mylib = pipfile["packages"]["mylib"]  # pipenv takes the URL with or without git+
    assert (mylib["git"].removeprefix("git+"), mylib["ref"]) == ("https://example.org/mylib.git", "v1")
    assert pipfile["packages"]["httpx"] == {"version": "*", "index": "internal"}
    assert {"name": "internal", "url": "https://pypi.internal.example/simple", "verify_ssl": True} in pipfile[
        "source"
    ]
    assert json.loads(result.out)["blocking"] == 0


def test_the_extras_the_old_files_install_are_carried(tmp_path: Path, run_cli: Run) -> None:
    project = plain(
        tmp_path,
        {
            "requirements.txt": "-e .\n",
            "requirements-dev.txt": "-e .[test,docs]\n",
            "pyproject.toml": (
                '[project]\nname = "ex"\nversion = "1"\ndependencies = ["click"]\n'
                '[project.optional-dependencies]\ntest = ["pytest>=7"]\ndocs = ["sphinx>=7"]\n'
            ),
        },
    )
    result = run_cli("switch", str(project), "--to", "pipenv")
    assert result.code == EXIT_OK, result.err
    pipfile = tomllib.loads((project / "Pipfile").read_text())
    # extras stay extras: the dev environment installs the project with them
    assert pipfile["dev-packages"] == {"ex": {"path": ".", "editable": True, "extras": ["docs", "test"]}}
    assert pipfile["packages"] == {"ex": {"path": ".", "editable": True}}  # click comes with it
    uv = run_cli("switch", str(project), "--to", "uv")
    assert uv.code == EXIT_PROJECT and "uncommitted changes" in uv.err


def test_conda_names_become_pypi_names_and_conda_only_ones_are_reported(tmp_path: Path, run_cli: Run) -> None:
    project = plain(
        tmp_path,
        {
            "environment.yml": (
                "name: ml\nchannels: [conda-forge]\ndependencies:\n  - python=3.12\n  - pytorch>=2.2\n"
                "  - matplotlib-base\n  - graphviz\n  - libblas=*=*openblas\n"
            )
        },
    )
    result = run_cli("switch", str(project), "--to", "venv", "--format", "json", "--accept-losses")
    assert result.code == EXIT_OK, result.err
    runtime, _ = _requirements(project / "requirements.txt", project)
    assert runtime == {"torch", "matplotlib"}
    assert "torch>=2.2" in (project / "requirements.txt").read_text()
    why = {x["text"]: x["why"] for x in json.loads(result.out)["ledger"] if x["blocking"]}
    assert why == {
        "graphviz": "a conda package with no PyPI counterpart",
        "libblas=*=*openblas": "a conda package with no PyPI counterpart",
    }


@pytest.mark.slow  # over 1.2 s: out of the fast suite (issue 17's 2-minute goal)
def test_venv_and_virtualenv_share_their_files_and_the_metadata_never_grows(
    tmp_path: Path, run_cli: Run
) -> None:
    """venv and virtualenv read the same requirements files: the switch changes none of
    them, and never writes the package's metadata (pyproject.toml stays as it was)."""
    project = new_project(tmp_path, run_cli, "virtualenv")
    add_user_packages(project, "virtualenv")
    pyproject = (project / "pyproject.toml").read_text()
    requirements = {p: (project / p).read_text() for p in ("requirements.txt", "requirements-dev.txt")}
    result = run_cli("switch", str(project), "--to", "venv")
    assert result.code == EXIT_OK, result.err
    assert (project / "pyproject.toml").read_text() == pyproject
    assert {p: (project / p).read_text() for p in requirements} == requirements


def test_python_goes_with_create_env_and_must_match(tmp_path: Path, run_cli: Run) -> None:
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    target = "3.12" if running != "3.12" else "3.11"
    project = new_project(tmp_path, run_cli, "venv", version=target)
    alone = run_cli("switch", str(project), "--to", "pipenv", "--python", sys.executable)
    assert alone.code == EXIT_USAGE and "--python names the interpreter for --create-env" in alone.err
    both = run_cli("switch", str(project), "--to", "pipenv", "--dry-run", "--create-env")
    assert both.code == EXIT_USAGE and "creates no environment" in both.err
    other = run_cli("switch", str(project), "--to", "pipenv", "--create-env", "--python", sys.executable)
    assert other.code == EXIT_ANSWER, other.err
    assert f"is Python {running}, but the project targets {target}" in other.err


@pytest.mark.slow
@pytest.mark.network
def test_a_lock_goes_into_uv_lock_at_its_versions(tmp_path: Path, run_cli: Run) -> None:
    """pip-tools' compiled file (written by `uv pip compile`, held at idna 3.6 where 3.7
    fits) into uv: uv.lock has the same versions, and pyproject.toml no constraint."""
    import os
    import shutil as sh

    uv = sh.which("uv") or str(Path(sys.executable).with_name("uv"))
    project = tmp_path / "shop"
    project.mkdir()
    (project / "requirements.in").write_text("six\nidna>=3,<3.8\n")
    (project / "hold.txt").write_text("idna==3.6\n")
    compiled = subprocess.run(
        [uv, "pip", "compile", "--generate-hashes", "--python-version", "3.12", "-c", "hold.txt",
         "requirements.in", "-o", "requirements.txt", "-q"],
        cwd=project, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert compiled.returncode == 0, compiled.stderr
    (project / "hold.txt").unlink()
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "pinned")
    # the interpreter to lock with, and this machine's certificates (a proxy's) for the index
    env = {
        k: os.environ[k] for k in ("PATH", "PYENV_ROOT", "SSL_CERT_FILE", "SSL_CERT_DIR") if k in os.environ
    }
    result = run_cli(
        "switch", str(project), "--to", "uv", "-a", "python_version=3.12", "--format", "json", env=env
    )
    assert result.code == EXIT_OK, result.out + result.err
    pins = {e["text"]: (e["status"], e["to"]) for e in json.loads(result.out)["ledger"] if e["what"] == "pin"}
    assert pins == {"idna==3.6": ("carried", "uv.lock"), "six==1.17.0": ("carried", "uv.lock")}
    lock = tomllib.loads((project / "uv.lock").read_text())
    assert {p["name"]: p["version"] for p in lock["package"] if p["name"] in ("idna", "six")} == {
        "idna": "3.6",
        "six": "1.17.0",
    }
    assert "constraint-dependencies" not in (project / "pyproject.toml").read_text()
    from pickenv.tools.interpreters import find_interpreter
    from pickenv.versions import PythonVersion

    python = find_interpreter(PythonVersion(3, 12), os.environ, Path.home()) or "3.12"
    check = subprocess.run(
        [uv, "lock", "--check", "--python", python], cwd=project, capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stderr  # the lock is current for the pyproject.toml left
