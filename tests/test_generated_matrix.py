"""The CI a generated project commits (issue 20, items 1, 3 and 5), for every tool x domain
rendered for real by `pickenv new`:

- a library or 2/3-compatible project tests every Python of its tox or nox matrix, no
  more and no fewer, on Linux, Windows and macOS, through that runner; the combinations
  GitHub's runners cannot provide run in a python:X.Y image on Linux or are named in the
  workflow with the reason;
- a library, and only a library, has a release workflow: build with the tool's own
  command, check, upload, and publish by trusted publishing from a job that alone may ask
  for an OIDC token; zizmor (offline) and GitHub's schema find nothing in any workflow;
- the first CI run of a fresh project passes: the test job's `run:` steps, executed in bash
  as GitHub runs them (setup actions replaced by this machine's interpreter and uv), pass
  for fresh projects made with and without their environment, with and without a lock file.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
import yaml

from helpers import PYENV_VERSIONS, audit, fresh_shell, git, home_env, new_demo, schema_check, tool_and_domain
from pickenv.questionnaire.questions import QUESTIONS
from pickenv.tools import BUILTIN as TOOLS
from pickenv.tools import ci, get_tool
from pickenv.tools.ci_matrix import OSES
from pickenv.versions import KNOWN_VERSIONS, PythonVersion

DOMAINS = [str(v) for v in next(q for q in QUESTIONS if q.id == "domain").values]
MATRIX_DOMAINS = ("library", "legacy-python2")
PINNED = re.compile(r"uses: [\w.-]+/[\w.-]+@[0-9a-f]{40}  # v\d+\.\d+\.\d+$")


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Every tool x domain, made once, as tests/test_generated_ci.py makes them."""
    env = home_env(tmp_path_factory.mktemp("home"))
    made: dict[tuple[str, str], Path] = {}
    for tool, domain in itertools.product(TOOLS, DOMAINS):
        code, err, project = new_demo(
            tmp_path_factory.mktemp(f"{tool}-{domain}"), env, *tool_and_domain(tool, domain)
        )
        assert code == 0, (tool, domain, err)
        made[tool, domain] = project
    return made


def load(path: Path) -> dict[str, object]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def target(folder: Path) -> PythonVersion:
    return PythonVersion.parse(str(load(folder / ".copier-answers.yml")["python_version"]))


def registry_matrix(tool: str, domain: str, folder: Path) -> dict[str, object]:
    """The matrix tox.ini or noxfile.py runs, from the registry (tool_facts.matrix)."""
    found = get_tool(tool)
    legacy = found.legacy_test_matrix() if domain == "legacy-python2" else None
    return legacy or found.test_matrix(target(folder))


def requires_python(folder: Path) -> str:
    """The project's Requires-Python, from pyproject.toml or (the 2.7 layout) setup.cfg."""
    project = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8")).get("project", {})
    if "requires-python" in project:
        return str(project["requires-python"])
    text = (folder / "setup.cfg").read_text(encoding="utf-8")
    found = re.search(r"^python_requires\s*=\s*(.+)$", text, re.M)
    assert found, folder
    return found[1]


def runs(workflow: dict[str, object]) -> set[tuple[str, str]]:
    """Every (system, Python) a job of the workflow's matrix runs."""
    jobs = workflow["jobs"]
    assert isinstance(jobs, dict)
    matrix = jobs["test-matrix"]["strategy"]["matrix"]
    excluded = {(e["os"], e["python"]) for e in matrix.get("exclude", [])}
    ran = {(o, p) for o in matrix["os"] for p in matrix["python"]} - excluded
    if "test-images" in jobs:
        assert jobs["test-images"]["runs-on"] == "ubuntu-latest"
        ran |= {("ubuntu-latest", p) for p in jobs["test-images"]["strategy"]["matrix"]["python"]}
    return ran


def test_the_matrix_runs_exactly_the_pythons_of_tox_or_nox(projects: dict[tuple[str, str], Path]) -> None:
    """From the oldest Python Requires-Python admits to the newest the matrix has, each on
    Linux, Windows and macOS, or named in the workflow with why not."""
    from packaging.specifiers import SpecifierSet

    for (tool, domain), folder in projects.items():
        path = folder / ".github" / "workflows" / "ci.yml"
        workflow = load(path)
        jobs = workflow["jobs"]
        assert isinstance(jobs, dict)
        if domain not in MATRIX_DOMAINS:
            assert "test-matrix" not in jobs and "test-images" not in jobs, (tool, domain)
            continue
        matrix = registry_matrix(tool, domain, folder)
        envs = matrix["envs"]
        assert isinstance(envs, list)
        expected = [str(e["python"]) for e in envs]
        ran = runs(workflow)
        assert sorted({p for _, p in ran}, key=PythonVersion.parse) == expected, (tool, domain)
        # the matrix starts at the oldest Python the project admits, and ends at the newest
        # known (a 2.7 tox matrix: 3.11, the newest the virtualenv its tox needs can create)
        spec = SpecifierSet(requires_python(folder))
        admitted = [v for v in KNOWN_VERSIONS if spec.contains(f"{v}.0")]
        assert expected[0] == admitted[0], (tool, domain, expected, admitted)
        newest = "3.11" if expected[0] == "2.7" and matrix["runner"] == "tox" else KNOWN_VERSIONS[-1]
        assert expected[-1] == newest, (tool, domain)
        hosted = jobs["test-matrix"]
        assert (
            hosted["strategy"]["matrix"]["os"]
            == list(OSES)
            == [
                "ubuntu-latest",
                "windows-latest",
                "macos-latest",
            ]
        )
        assert hosted["strategy"]["fail-fast"] is False
        # every combination is run, or said not to be, with a reason
        text = path.read_text(encoding="utf-8")
        for os_name, python in itertools.product(OSES, expected):
            if (os_name, python) not in ran:
                assert re.search(rf"# - Python {re.escape(python)} on {os_name}: \w", text), (tool, python)
        # Linux runs every Python of a matrix that installs extras (pip in an image can)
        if matrix["install"] == "extras":
            assert {p for o, p in ran if o == "ubuntu-latest"} == set(expected), (tool, domain)
        # each Python runs its own environment of tox.ini / noxfile.py, a pre-release allowed
        # only where setup-python may have no final release yet
        include = hosted["strategy"]["matrix"]["include"]
        names = {str(e["python"]): str(e["name"]) for e in envs}
        for entry in include:
            assert entry["env"] == names[entry["python"]]
            assert entry["prerelease"] is (PythonVersion.parse(entry["python"]) in ci.PRERELEASES)
        steps = hosted["steps"]
        runner = str(matrix["runner"])
        commands = " ".join(str(s.get("run", "")) for s in steps)
        assert f"-m {runner} " in commands and '"$ENV"' in commands, (tool, commands)
        assert steps[0]["with"] == {"persist-credentials": False}
        assert hosted["permissions"] == {"contents": "read"}


def test_the_pre_release_python_may_be_a_pre_release(projects: dict[tuple[str, str], Path]) -> None:
    """3.15: setup-python's manifest (snapshot of 2026-08-12) had only its release candidate."""
    hosted = load(projects["venv", "library"] / ".github/workflows/ci.yml")["jobs"]["test-matrix"]  # type: ignore[index]
    include = {e["python"]: e["prerelease"] for e in hosted["strategy"]["matrix"]["include"]}
    assert include["3.15"] is True and include["3.12"] is False
    python = next(s for s in hosted["steps"] if s.get("name") == "Set up Python ${{ matrix.python }}")
    assert python["with"]["allow-prereleases"] == "${{ matrix.prerelease }}"


def test_a_2_7_matrix_runs_its_old_pythons_in_images(projects: dict[tuple[str, str], Path]) -> None:
    """virtualenv's 2/3-compatible project: 2.7, 3.6 and 3.7 in python:X.Y on Linux."""
    jobs = load(projects["virtualenv", "legacy-python2"] / ".github/workflows/ci.yml")["jobs"]
    images = jobs["test-images"]  # type: ignore[index]
    assert images["strategy"]["matrix"]["python"] == ["2.7", "3.6", "3.7"]
    assert images["container"] == "python:${{ matrix.python }}"
    assert [s.get("run") for s in images["steps"][1:]] == [
        "python -m pip install '.[test]'",
        "python -m pytest",
    ]


def test_release_workflow_only_for_libraries(projects: dict[tuple[str, str], Path]) -> None:
    for (tool, domain), folder in projects.items():
        path = folder / ".github" / "workflows" / "release.yml"
        assert path.is_file() == (domain == "library"), (tool, domain)
        if domain != "library":
            continue
        workflow = load(path)
        assert workflow["permissions"] == {}
        events = workflow.get("on", workflow.get(True))  # type: ignore[call-overload]
        assert events["release"] == {"types": ["published"]}
        jobs = workflow["jobs"]
        assert isinstance(jobs, dict)
        build, publish = jobs["build"], jobs["publish"]
        assert build["permissions"] == {"contents": "read"}
        # the OIDC token only where it is spent, in the environment PyPI's publisher names
        assert publish["permissions"] == {"id-token": "write"}
        assert publish["environment"]["name"] == "pypi"
        assert publish["needs"] == "build" and "github.event_name == 'release'" in publish["if"]
        commands = [s["run"] for s in build["steps"] if "run" in s]
        expected = "uv build" if tool == "uv" else "python -m build"
        assert expected in commands and any("twine check --strict dist/*" in c for c in commands), tool
        assert not any(
            "cache" in str(s.get("with", {})).replace("enable-cache': False", "") for s in build["steps"]
        )
        final = publish["steps"][-1]
        assert final["uses"] == ci.PYPI_PUBLISH and final["with"] == {"attestations": True}
        uses = [line.strip(" -") for line in path.read_text(encoding="utf-8").splitlines() if "uses:" in line]
        assert uses and all(PINNED.match(line) for line in uses), (tool, uses)


def workflows(projects: dict[tuple[str, str], Path]) -> list[Path]:
    return sorted(p for folder in projects.values() for p in (folder / ".github" / "workflows").glob("*.yml"))


@pytest.mark.slow  # zizmor once per workflow: seconds
def test_zizmor_finds_nothing_in_any_workflow(projects: dict[tuple[str, str], Path]) -> None:
    for path in workflows(projects):
        assert audit(path) == (0, []), path


def test_every_workflow_follows_githubs_schema(projects: dict[tuple[str, str], Path]) -> None:
    result = schema_check("vendor.github-workflows", *workflows(projects))
    assert result.returncode == 0 and "ok -- validation done" in result.stdout, result.stdout


# ---- the first CI run of a fresh project, for real ---------------------------------------------
# Pairwise over tool x lock file x environment made by `pickenv new`: every pair of two
# values appears in some case (the venv lock-file trap twice). conda is left out: no
# conda can be installed on this machine (as in tests/test_readme_blocks.py).
FIRST_RUNS = [
    ("venv", True, False),
    ("venv", True, True),
    ("venv", False, True),
    ("virtualenv", True, True),
    ("virtualenv", False, False),
    ("pipenv", True, False),
    ("pipenv", False, True),
    ("uv", True, True),
    ("uv", False, False),
]


def interpreter(version: PythonVersion) -> Path:
    """This machine's CPython X.Y (pyenv's), standing in for what setup-python installs."""
    found = sorted(PYENV_VERSIONS.glob(f"{version}.*"))
    if not found:
        pytest.skip(f"no Python {version} in {PYENV_VERSIONS}")
    return found[-1] / "bin" / f"python{version}"


def run_job(
    job: dict[str, object],
    checkout: Path,
    root: Path,
    version: PythonVersion,
    values: dict[str, str] | None = None,
) -> list[str]:
    """Run a job's steps in ``checkout`` as GitHub's runner does on Linux: each `run:` in
    `bash --noprofile --norc -eo pipefail` with the step's env; setup-python is a fresh
    venv of this machine's interpreter on PATH (python and pip, as the action gives; its
    ``python-path`` output for a step with an id), setup-uv is the test run's uv, checkout
    is the clone. ``values``: the `${{ expression }}`s a matrix entry gives. Returns the
    names of the steps run."""
    values = dict(values or {})
    env = fresh_shell(root)
    env.update(CI="true", GITHUB_ACTIONS="true")
    tools = root / "tools"
    tools.mkdir()

    def expand(text: object) -> str:
        return re.sub(r"\$\{\{ ([^}]+) \}\}", lambda m: values[m[1]], str(text))

    done = []
    steps = job["steps"]
    assert isinstance(steps, list)
    for step in steps:
        uses = str(step.get("uses", ""))
        settings = {k: expand(v) for k, v in step.get("with", {}).items()}
        if uses.startswith("actions/checkout@"):
            continue
        if uses.startswith("actions/setup-python@"):
            wanted = PythonVersion.parse(settings.get("python-version", str(version)))
            python = root / f"setup-python-{wanted}"
            subprocess.run([str(interpreter(wanted)), "-m", "venv", str(python)], check=True)
            env["PATH"] = os.pathsep.join([str(python / "bin"), env["PATH"]])
            if "id" in step:
                values[f"steps.{step['id']}.outputs.python-path"] = str(python / "bin" / "python")
            continue
        if uses.startswith("astral-sh/setup-uv@"):
            for name in ("uv", "uvx"):
                (tools / name).symlink_to(Path(sys.executable).parent / name)
            env["PATH"] = os.pathsep.join([str(tools), env["PATH"]])
            if "python-version" in settings:
                env["UV_PYTHON"] = settings["python-version"]
            continue
        assert not uses, f"no stand-in for {uses}"
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", str(step["run"])],
            cwd=checkout,
            env={**env, **{k: expand(v) for k, v in step.get("env", {}).items()}},
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=900,
            check=False,
        )
        assert result.returncode == 0, (step["name"], result.stdout[-2000:], result.stderr[-2000:])
        done.append(expand(step["name"]))
    return done


@pytest.mark.slow
@pytest.mark.network
@pytest.mark.parametrize(("tool", "lockfile", "created"), FIRST_RUNS)
def test_the_first_ci_run_of_a_fresh_project_passes(
    tmp_path: Path, tool: str, lockfile: bool, created: bool
) -> None:
    version = PythonVersion(3, 12)
    argv = [*tool_and_domain(tool, "library"), "-a", f"python_version={version}"]
    argv += ["-a", f"lockfile={'true' if lockfile else 'false'}"]
    argv += ["--create-env", "--python", str(interpreter(version))] if created else ["--no-create-env"]
    (tmp_path / "made").mkdir()
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    code, err, project = new_demo(tmp_path / "made", env, *argv)
    assert code == 0, err
    # what GitHub checks out: the commit pickenv made, nothing the .gitignore keeps out
    checkout = tmp_path / "checkout"
    git(tmp_path, "clone", "-q", str(project), str(checkout))
    locks = get_tool(tool).lock_files(lockfile and get_tool(tool).can_lock(version))
    if created:  # creating the environment wrote the lock files, and the first commit holds them
        assert all((checkout / name).is_file() for name in locks), (tool, locks)
    else:
        assert not any((checkout / name).exists() for name in locks), (tool, locks)
    job = load(checkout / ".github" / "workflows" / "ci.yml")["jobs"]["test"]  # type: ignore[index]
    names = run_job(job, checkout, tmp_path / "runner", version)
    assert names and names[-1] in ("Run the tests", "Install and run the tests"), names
    if tool in ("venv", "virtualenv") and lockfile:
        assert "Lock the requirements with pip-tools if they are not committed yet" in names
        # the workflow's own lock of what the job installs with hashes (the runtime set;
        # the test extra comes on top, as on a person's machine)
        assert (checkout / "requirements.txt").is_file()
        assert "autogenerated by pip-compile" in (checkout / "requirements.txt").read_text()


@pytest.mark.slow
@pytest.mark.network
@pytest.mark.parametrize("tool", ["venv", "uv"])
def test_the_release_build_job_builds_and_checks(tmp_path: Path, tool: str) -> None:
    """The build job's `run:` steps make an sdist and a wheel that twine accepts."""
    code, err, project = new_demo(tmp_path, dict(os.environ), *tool_and_domain(tool, "library"))
    assert code == 0, err
    job = load(project / ".github" / "workflows" / "release.yml")["jobs"]["build"]  # type: ignore[index]
    job["steps"] = [
        s for s in job["steps"] if not str(s.get("uses", "")).startswith("actions/upload-artifact@")
    ]
    run_job(job, project, tmp_path / "runner", PythonVersion(3, 13))
    # what upload-artifact takes: hidden files (uv's dist/.gitignore) stay out by default
    built = sorted(p.name for p in (project / "dist").iterdir() if not p.name.startswith("."))
    assert built == ["demo-0.1.0-py3-none-any.whl", "demo-0.1.0.tar.gz"], built


@pytest.mark.slow
@pytest.mark.network
@pytest.mark.parametrize("tool", ["venv", "uv"])
def test_a_matrix_job_runs_its_tox_environment(tmp_path: Path, tool: str) -> None:
    """The test-matrix job's entry for Python 3.12 on Linux, its steps run as GitHub runs
    them: tox (on the runner's 3.13) runs tox.ini's py312 environment, which passes (uv's
    through tox-uv, which tox provisions from tox.ini's requires)."""
    code, err, project = new_demo(tmp_path, dict(os.environ), *tool_and_domain(tool, "library"))
    assert code == 0, err
    job = load(project / ".github" / "workflows" / "ci.yml")["jobs"]["test-matrix"]  # type: ignore[index]
    entry = {"matrix.os": "ubuntu-latest", "matrix.python": "3.12", "matrix.env": "py312"}
    names = run_job(
        job, project, tmp_path / "runner", PythonVersion(3, 12), {**entry, "matrix.prerelease": "false"}
    )
    assert names == ["Install tox", "Run tox -e py312"]
    assert (project / ".tox" / "py312").is_dir()
