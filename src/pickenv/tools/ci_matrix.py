"""The CI jobs of a test matrix (libraries and 2/3-compatible code): every Python of the
project's tox or nox matrix, on Linux, Windows and macOS, each run by that runner the
way a person runs one environment (`tox -e py312`, `nox -s tests-3.12`).

The runner itself runs on one current Python (``RUNNER_PYTHON``), the Python under test
is installed beside it; the matrix's own settings (tox's ``requires``, virtualenv pins,
tox-uv; nox's conda backend) then do the rest, as on a developer's machine. A missing
interpreter fails the job instead of being skipped (tox.ini and noxfile.py skip them,
for people who have only some installed).

GitHub's runners do not provide every Python (the actions/python-versions manifest
setup-python reads, snapshot of 2026-08-12): Ubuntu 24.04 builds start at 3.8, Windows
x64 ones at 3.6, macOS arm64 ones (macos-latest's) at 3.8, and there is no 2.7 at all.
Linux runs the others in the official python:X.Y images, where the container is the
isolated environment: pip installs what tox's testenv installs (the test extra) and
pytest runs, since the tox that reads tox.ini needs Python 3.7+ and a newer Python than
the image has. macOS and Windows have no such images, so those combinations are left
out, and the workflow says why. conda makes its own Python: conda-forge builds it for
linux-64 and win-64 from 2.7, for osx-arm64 from 3.8.
"""

from __future__ import annotations

from pickenv.tools.ci import PRERELEASES, SETUP_MINICONDA, SETUP_PYTHON, Step, checkout, pins, run
from pickenv.versions import PythonVersion

OSES = ("ubuntu-latest", "windows-latest", "macos-latest")
# The Python tox and nox run on in CI: released, and one the tox that a 2.7 matrix
# provisions (below 4.5.2) still runs on (3.7 to 3.13). Checked 2026-12-05.
RUNNER_PYTHON = PythonVersion(3, 13)
_HOSTED_OLDEST = {
    "ubuntu-latest": PythonVersion(3, 8),
    "windows-latest": PythonVersion(3, 6),
    "macos-latest": PythonVersion(3, 8),
}
_CONDA_OLDEST = {
    "ubuntu-latest": PythonVersion(2, 7),
    "windows-latest": PythonVersion(2, 7),
    "macos-latest": PythonVersion(3, 8),
}
_NO_GROUPS = "only its image has it, and pip there cannot read dependency groups"
_WHY = {
    "setup-python": "setup-python has no build of it for that runner",
    "conda": "conda-forge has no build of it for that runner",
}


def jobs(runner: str, envs: list[dict[str, str]], install: str, backend: str = "") -> dict[str, object]:
    """The matrix jobs: ``hosted`` (a job's ``strategy`` and ``steps``), ``container``
    (the Linux job for Pythons only an image has, or None), ``left_out`` (each
    combination no job runs, with why) and the steps' ``pins``."""
    versions = [PythonVersion.parse(e["python"]) for e in envs]
    oldest = _CONDA_OLDEST if backend == "conda" else _HOSTED_OLDEST
    source = "conda" if backend == "conda" else "setup-python"
    # The Python axis holds only versions some runner has: GitHub adds an `include`
    # entry that matches no combination as a job of its own, with no `os`.
    hosted = [(e, v) for e, v in zip(envs, versions, strict=True) if any(v >= oldest[os] for os in OSES)]
    exclude = [{"os": os, "python": str(v)} for os in OSES for _, v in hosted if v < oldest[os]]
    missing = [{"os": os, "python": str(v)} for os in OSES for v in versions if v < oldest[os]]
    # pip in an old image installs extras; dependency groups need pip 25.1 (Python 3.9+)
    in_image = [v for v in versions if v < oldest["ubuntu-latest"] and install == "extras"]
    left_out = [
        {**entry, "why": _WHY[source] if entry["os"] != "ubuntu-latest" else _NO_GROUPS}
        for entry in missing
        if not (entry["os"] == "ubuntu-latest" and PythonVersion.parse(entry["python"]) in in_image)
    ]
    matrix: dict[str, object] = {
        "os": list(OSES),
        "python": [str(v) for _, v in hosted],
        # each Python's environment name, and whether setup-python may take a pre-release
        "include": [{"python": str(v), "env": e["name"], "prerelease": v in PRERELEASES} for e, v in hosted],
    }
    if exclude:
        matrix["exclude"] = exclude
    hosted_steps = [checkout(), *_hosted_steps(runner, backend)]
    job = {"strategy": {"fail-fast": False, "matrix": matrix}, "steps": hosted_steps}
    container = None
    steps = list(hosted_steps)
    if in_image:
        container_steps = [
            checkout(),
            run(
                "Install the project and its test extra, as tox's testenv does",
                "python -m pip install '.[test]'",
            ),
            run("Run the tests", "python -m pytest"),
        ]
        container = {
            "strategy": {"fail-fast": False, "matrix": {"python": [str(v) for v in in_image]}},
            "steps": container_steps,
        }
        steps += container_steps
    return {
        "hosted": job,
        "shell": "bash -el {0}" if backend == "conda" else "bash",
        "container": container,
        "left_out": left_out,
        "pins": [dict(p) for p in {p["uses"]: p for p in pins(steps)}.values()],
    }


def _hosted_steps(runner: str, backend: str) -> list[Step]:
    runner_python: Step = {
        "name": f"Set up Python {RUNNER_PYTHON} for {runner}",
        "id": "runner",
        "uses": SETUP_PYTHON,
        # pip's download cache (one folder for every Python, so tox's environments share
        # it), keyed as the test job's: setup-python asks the Python it installs for the
        # folder, and the pip of an old one (3.6's pip 18) cannot say it.
        "with": {
            "python-version": str(RUNNER_PYTHON),
            "cache": "pip",
            "cache-dependency-path": "pyproject.toml",
        },
    }
    env = {"RUNNER_PYTHON": "${{ steps.runner.outputs.python-path }}"}
    install = run(f"Install {runner}", f'"$RUNNER_PYTHON" -m pip install {runner}', env)
    if runner == "tox":
        test = run(
            "Run tox -e ${{ matrix.env }}",
            '"$RUNNER_PYTHON" -m tox -e "$ENV" --skip-missing-interpreters false',
            {**env, "ENV": "${{ matrix.env }}"},
        )
    else:
        test = run(
            "Run nox -s ${{ matrix.env }}",
            '"$RUNNER_PYTHON" -m nox -s "$ENV" --error-on-missing-interpreters',
            {**env, "ENV": "${{ matrix.env }}"},
        )
    if backend == "conda":
        # nox makes each session's conda environment, Python included; it needs conda.
        python: Step = {"uses": SETUP_MINICONDA, "with": {"miniforge-version": "latest"}}
    else:
        python = {
            "name": "Set up Python ${{ matrix.python }}",
            "uses": SETUP_PYTHON,
            "with": {
                "python-version": "${{ matrix.python }}",
                "allow-prereleases": "${{ matrix.prerelease }}",
            },
        }
    return [runner_python, python, install, test]
