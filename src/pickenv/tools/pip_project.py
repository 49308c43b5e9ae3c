"""What venv and virtualenv projects share: requirements files installed by pip, and,
when a lock file is wanted, pip-tools compiling them from pyproject.toml with hashes.

The PyPA's tool recommendations name pip-tools for locking pip projects; pip-compile
reads pyproject.toml itself, so the dependencies are written once. pip-tools runs
inside the project's environment and needs Python 3.8 there (pip-tools 7.0 dropped 3.7).
"""

from __future__ import annotations

from pickenv.tools import ci
from pickenv.tools.base import Evidence
from pickenv.tools.steps import NO_LITTER, TEST_TITLE, Step
from pickenv.versions import PythonVersion

LOCK_OLDEST = PythonVersion(3, 8)
LOCK_FILES = ("requirements.txt", "requirements-dev.txt")
FILES = ("requirements.txt", "requirements-dev.txt")
EVIDENCE = (
    # requirements.txt, requirements-dev.txt and the dev-requirements.txt spelling too
    Evidence("*requirements*.txt", "strong", note="pip requirements: a venv or virtualenv project"),
    Evidence("requirements*.in", "strong", note="pip-tools input: a venv or virtualenv project"),
)
OFFLINE = (
    "On a connected machine: `python -m pip download -d wheelhouse -r requirements.txt`. "
    "On the offline machine: `python -m pip install --no-index --find-links wheelhouse -r requirements.txt`."
)
WINDOWS_ACTIVATION = (
    "On Windows activate with `.venv\\Scripts\\activate` (PowerShell: `.venv\\Scripts\\Activate.ps1`)."
)
LOCK_NOTE = (
    "The lock files are `requirements.txt` (what the project needs to run) and "
    "`requirements-dev.txt` (that and the test tools), every package pinned with its hashes. "
    "pip-tools writes them from `pyproject.toml`: after changing the dependencies there, run "
    "the two `piptools compile` commands again and commit both files."
)
# The options (hashes; none of the machine's own index or find-links settings in a
# committed file) live in pyproject.toml's [tool.pip-tools], so people type it short too.
_COMPILE = "-m piptools compile"


def install_steps(python: str, locked: bool) -> tuple[Step, ...]:
    """Install the project and its dev dependencies with the environment's pip (locked:
    compile the lock files first, install exactly them, then the project without deps)."""
    if not locked:
        return (
            Step(
                "Installing the project and its dev dependencies",
                (python, "-m", "pip", "install", "-q", "-r", "requirements-dev.txt"),
                shown=f"{python} -m pip install -r requirements-dev.txt",
            ),
        )
    compile_ = (python, *_COMPILE.split())
    return (
        Step("Installing pip-tools", (python, "-m", "pip", "install", "-q", "pip-tools")),
        Step(
            "Locking requirements.txt with hashes",
            (*compile_, "--output-file", "requirements.txt", "pyproject.toml"),
        ),
        Step(
            "Locking requirements-dev.txt with hashes",
            (*compile_, "--extra", "dev", "--output-file", "requirements-dev.txt", "pyproject.toml"),
        ),
        Step(
            "Installing the locked dependencies",
            (python, "-m", "pip", "install", "-q", "--require-hashes", "-r", "requirements-dev.txt"),
            shown=f"{python} -m pip install --require-hashes -r requirements-dev.txt",
        ),
        Step(
            "Installing the project",
            (python, "-m", "pip", "install", "-q", "--no-deps", "-e", "."),
            shown=f"{python} -m pip install --no-deps -e .",
        ),
    )


def test_step(python: str) -> Step:
    return Step(
        TEST_TITLE, (python, "-m", "pytest", "-q", "-p", "no:cacheprovider"), NO_LITTER, f"{python} -m pytest"
    )


def pip_ci(version: PythonVersion, create: list[ci.Step], locked: bool) -> dict[str, object]:
    """CI for a requirements-file project: create .venv, install, run the tests."""
    if locked:
        install = (
            '"$PY" -m pip install --require-hashes -r requirements-dev.txt'
            ' && "$PY" -m pip install --no-deps -e .'
        )
    else:
        install = '"$PY" -m pip install -r requirements-dev.txt'
    step = ci.run("Install and run the tests", f'{ci.VENV_PYTHON}; {install} && "$PY" -m pytest')
    return ci.job(version, [*ci.setup_python(version), *create, step])
