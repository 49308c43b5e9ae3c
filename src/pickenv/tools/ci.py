"""GitHub Actions building blocks shared by the tools' CI facts.

Versions are the Node 24 releases: GitHub runs Node 20 actions only under protest
since June 2026 (github.blog changelog 2025-09-19, "Deprecation of Node 20 on GitHub
Actions runners"). setup-uv publishes no moving major tag from v8 on, so it is
pinned to a full release (astral-sh/setup-uv v8.0.0 release notes).
"""

from __future__ import annotations

from pickenv.versions import PythonVersion

CHECKOUT = "actions/checkout@v6"
SETUP_PYTHON = "actions/setup-python@v6"
SETUP_MINICONDA = "conda-incubator/setup-miniconda@v4"
SETUP_UV = "astral-sh/setup-uv@v8.3.2"

# GitHub's hosted runners (ubuntu-24.04) no longer provide these Pythons through
# setup-python; the official python:X.Y images still do.
_CONTAINER_ONLY = (PythonVersion(2, 7), PythonVersion(3, 6), PythonVersion(3, 7))

Step = dict[str, object]


def container(version: PythonVersion) -> str:
    return f"python:{version}" if version in _CONTAINER_ONLY else ""


def checkout() -> Step:
    return {"uses": CHECKOUT}


def setup_python(version: PythonVersion) -> list[Step]:
    """setup-python on a hosted runner; nothing inside a python:X.Y container."""
    if container(version):
        return []
    return [{"uses": SETUP_PYTHON, "with": {"python-version": str(version)}}]


def run(name: str, command: str, env: dict[str, str] | None = None) -> Step:
    step: Step = {"name": name, "run": command}
    if env:
        step["env"] = env
    return step


def job(version: PythonVersion, steps: list[Step], shell: str = "bash") -> dict[str, object]:
    return {"shell": shell, "container": container(version), "steps": [checkout(), *steps]}


# The interpreter inside .venv on every runner OS.
VENV_PYTHON = "if [ -d .venv/Scripts ]; then PY=.venv/Scripts/python; else PY=.venv/bin/python; fi"
