"""`pickenv new --create-env` for real: every tool that runs here x every domain.

pickenv creates the environment, installs the generated project into it and runs the
generated tests there; these tests then check the result independently (the tests
pass again in that environment, the lock file exists, git has the first commit).
Slow: each case installs real packages from the package registry.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

from helpers import README_PAIRS
from pickenv.questionnaire.questions import QUESTIONS

DOMAINS = [str(v) for v in next(q for q in QUESTIONS if q.id == "domain").values]
pytestmark = [pytest.mark.slow, pytest.mark.network]
OWN_PAIRS = [
    (d, t) for d in DOMAINS for t in ("venv", "virtualenv", "pipenv", "uv") if (d, t) not in README_PAIRS
]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PICKENV_RULES")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    return env


def new(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pickenv", "new", *args, "--output-dir", str(tmp_path), "--format", "json"],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        stdin=subprocess.DEVNULL,
        timeout=900,
        check=False,
    )


def version_of(python: Path) -> str:
    """MAJOR.MINOR of an environment's interpreter, asked from the interpreter itself."""
    code = "import sys; print('%d.%d' % sys.version_info[:2])"
    return subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


# The tool x domain pairs test_readme_blocks does not make for real (helpers.README_PAIRS).
@pytest.mark.parametrize(("domain", "tool"), OWN_PAIRS, ids=[f"{d}-{t}" for d, t in OWN_PAIRS])
def test_create_install_and_test(tmp_path: Path, tool: str, domain: str) -> None:
    name = f"{tool}-{domain}"
    extra = ["--answer", "lockfile=true"] if tool in ("pipenv", "uv") else []
    if domain == "legacy-python2" and tool != "virtualenv":
        extra += ["--answer", "python_version=3.11"]  # venv, pipenv and uv cannot target 2.7
    result = new(
        tmp_path, name, "--defaults", "--answer", f"domain={domain}", "--tool", tool, "--create-env", *extra
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["environment"]["created"] is True
    titles = [s["title"] for s in report["environment"]["steps"]]
    assert titles[-1] == "Running the project's tests"
    project = tmp_path / name
    python = project / ".venv" / "bin" / "python"
    assert python.exists()
    expected = "2.7" if domain == "legacy-python2" and tool == "virtualenv" else "3.11"
    version = version_of(python)
    assert version == expected
    # The generated tests pass again, run by us in the created environment.
    rerun = subprocess.run(
        [str(python), "-m", "pytest", "-q"], cwd=project, capture_output=True, text=True, check=False
    )
    assert rerun.returncode == 0, rerun.stdout
    assert " passed" in rerun.stdout
    if tool == "pipenv":
        lock = json.loads((project / "Pipfile.lock").read_text())
        assert "pytest" in lock["develop"]
    if tool == "uv":
        lock = tomllib.loads((project / "uv.lock").read_text())
        assert "pytest" in {p["name"] for p in lock["package"]}
        assert "uv = " in (project / ".venv" / "pyvenv.cfg").read_text()
    log = subprocess.run(["git", "log", "--oneline"], cwd=project, capture_output=True, text=True, check=True)
    assert len(log.stdout.splitlines()) == 1
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=project, capture_output=True, text=True, check=True
    )
    assert status.stdout == ""  # the environment is ignored, everything else committed


@pytest.mark.parametrize("version", ["2.7", "3.6", "3.7", "3.8"])
def test_virtualenv_pins_for_old_targets(tmp_path: Path, version: str) -> None:
    from pickenv.tools.interpreters import find_interpreter
    from pickenv.versions import PythonVersion

    if find_interpreter(PythonVersion.parse(version), os.environ, Path.home()) is None:
        pytest.skip(f"no Python {version} on this machine")
    result = new(
        tmp_path,
        "oldlib",
        "--defaults",
        "--answer",
        "domain=library",
        "--answer",
        f"python_version={version}",
        "--tool",
        "virtualenv",
        "--create-env",
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    pin = {
        "2.7": "virtualenv<20.22",
        "3.6": "virtualenv<20.22",
        "3.7": "virtualenv<20.27",
        "3.8": "virtualenv<21.5",
    }[version]
    # Run, not installed: an installed virtualenv would make `pipx install` ignore the pin.
    assert f"pipx run --spec '{pin}' virtualenv -p python{version} .venv" in report["environment"]["commands"]
    python = tmp_path / "oldlib" / ".venv" / "bin" / "python"
    version_out = version_of(python)
    assert version_out == version


def _interpreter_path(version: str) -> str | None:
    from pickenv.tools.interpreters import find_interpreter
    from pickenv.versions import PythonVersion

    return find_interpreter(PythonVersion.parse(version), os.environ, Path.home())


@pytest.mark.parametrize(
    ("tool", "domain", "version"),
    [
        ("venv", "library", "3.11"),
        ("pipenv", "library", "3.11"),
        ("uv", "library", "3.11"),
        ("virtualenv", "legacy-python2", "2.7"),
    ],
)
def test_the_test_matrix_runs_for_real(tmp_path: Path, tool: str, domain: str, version: str) -> None:
    """The generated tox.ini, run by tox for the project's own target (and 3.11 for 2.7 code)."""
    pythons = [p for p in {_interpreter_path(version), _interpreter_path("3.11")} if p]
    if len(pythons) < (1 if version == "3.11" else 2):
        pytest.skip(f"no Python {version} on this machine")
    result = new(
        tmp_path,
        "matrix",
        "--defaults",
        "-a",
        f"domain={domain}",
        "-a",
        f"python_version={version}",
        "--tool",
        tool,
    )
    assert result.returncode == 0, result.stderr
    envs = "py27,py311" if version == "2.7" else "py311"
    path = os.pathsep.join([*(str(Path(p).parent) for p in pythons), os.environ["PATH"]])
    tox = subprocess.run(
        [sys.executable, "-m", "tox", "-e", envs],
        cwd=tmp_path / "matrix",
        env={**_env(tmp_path), "PATH": path},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert tox.returncode == 0, tox.stdout[-3000:]
    assert "congratulations" in tox.stdout
    for env in envs.split(","):
        assert f"  {env}: OK" in tox.stdout


def test_a_locked_venv_project_commits_hashed_requirements(tmp_path: Path) -> None:
    result = new(
        tmp_path,
        "locked",
        "--defaults",
        "-a",
        "domain=web",
        "-a",
        "lockfile=true",
        "--tool",
        "venv",
        "--create-env",
    )
    assert result.returncode == 0, result.stderr
    project = tmp_path / "locked"
    titles = [s["title"] for s in json.loads(result.stdout)["environment"]["steps"]]
    assert "Locking requirements.txt with hashes" in titles and titles[-1] == "Running the project's tests"
    for name in ("requirements.txt", "requirements-dev.txt"):
        text = (project / name).read_text()
        assert "flask==" in text and "--hash=sha256:" in text
        options = [line for line in text.splitlines() if line.startswith("--")]
        assert options == []  # no --index-url or --find-links: nothing of this machine's pip setup
    assert "pytest==" in (project / "requirements-dev.txt").read_text()
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=project, capture_output=True, text=True, check=True
    ).stdout
    assert {"requirements.txt", "requirements-dev.txt"} <= set(tracked.split())


def test_pipenv_for_python_3_9_is_refused_with_the_reason(tmp_path: Path) -> None:
    """pipenv needs Python 3.10 since 2025.1.1, and the last release that still ran inside a
    3.9 environment misses the security fixes of 2026.7.1 (rules.yaml:
    pipenv-needs-python-3-10): `--tool pipenv` for 3.9 is refused, nothing is made."""
    result = new(
        tmp_path, "old-web", "--defaults", "-a", "domain=web", "-a", "python_version=3.9", "--tool", "pipenv"
    )
    assert result.returncode == 3 and result.stdout == ""
    assert "pipenv is ruled out for these answers" in result.stderr and "Python 3.10" in result.stderr
    assert not (tmp_path / "old-web").exists()


@pytest.mark.parametrize("domain", ["library", "cli"])
def test_pip_installs_a_uv_project_editable(tmp_path: Path, domain: str) -> None:
    """A uv project is built by uv_build, which pip fetches and runs like any backend:
    `pip install -e .` in a plain venv works, and the tests pass there."""
    result = new(tmp_path, "by-pip", "--defaults", "-a", f"domain={domain}", "-a", "python_version=3.11",
                 "--tool", "uv")  # fmt: skip
    assert result.returncode == 0, result.stderr
    project = tmp_path / "by-pip"
    assert 'build-backend = "uv_build"' in (project / "pyproject.toml").read_text()
    python = _interpreter_path("3.11")
    if python is None:
        pytest.skip("no Python 3.11 on this machine")
    subprocess.run([python, "-m", "venv", ".venv"], cwd=project, check=True, capture_output=True)
    venv = project / ".venv" / "bin" / "python"
    pip = subprocess.run(
        [str(venv), "-m", "pip", "install", "-q", "-e", ".", "pytest"],
        cwd=project, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert pip.returncode == 0, pip.stdout + pip.stderr
    tests = subprocess.run(
        [str(venv), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert tests.returncode == 0 and " passed" in tests.stdout, tests.stdout
    # Editable: the environment imports the project's own source folder.
    where = subprocess.run(
        [str(venv), "-c", "import by_pip; print(by_pip.__file__)"], capture_output=True, text=True, check=True
    )
    assert Path(where.stdout.strip()) == project / "src" / "by_pip" / "__init__.py"
