"""Where a project runs: the data each tool gives the template for ``deploy`` (docker,
heroku, serverless, hpc), so that no template file decides anything by a tool's name.

A Docker image is built in two stages: the first installs the project's environment
into ``/app/.venv`` from the tool's lock where there is one, the second is the same
slim base with that folder, the sources and a non-root user, and no installer or
cache. Every install line runs from the image's WORKDIR with relative paths, so a test
can run the same lines in a scratch folder (tests/test_generated_deploy.py).

Image tags are pinned to a patch release and a Debian release (a tag like ``3.12-slim``
moves under the project; Dependabot's docker ecosystem proposes newer pins). They are
the newest slim tags in docker-library/official-images' ``library/python`` at commit
37079fb (2026-08-21; read 2026-12-05); versions no longer built keep the last tag
they had there (2.7 until 2020-04, 3.6 until 2022-01, 3.7 until 2023-10, 3.8 until
2024-10, 3.9 until 2025-11). 3.15 has only its release candidate in that snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass

from pickenv.versions import PythonVersion

PYTHON_IMAGES = {
    "2.7": "python:2.7.18-slim-buster",
    "3.6": "python:3.6.15-slim-bullseye",
    "3.7": "python:3.7.17-slim-bookworm",
    "3.8": "python:3.8.20-slim-bookworm",
    "3.9": "python:3.9.25-slim-trixie",
    "3.10": "python:3.10.21-slim-trixie",
    "3.11": "python:3.11.16-slim-trixie",
    "3.12": "python:3.12.14-slim-trixie",
    "3.13": "python:3.13.15-slim-trixie",
    "3.14": "python:3.14.7-slim-trixie",
    "3.15": "python:3.15.0rc1-slim-trixie",
}
# micromamba's own image (mamba-org/micromamba-docker v2.6.1, 2026-05-14, its newest tag
# on 2026-12-05) builds a conda environment; the environment carries its own Python,
# so the final stage is plain Debian 13 (the micromamba image's own base), at the
# point release of the same official-images snapshot.
MICROMAMBA_IMAGE = "mambaorg/micromamba:2.6.1"
CONDA_RUNTIME_IMAGE = "debian:13.6-slim"
# The installers a build stage installs into the image's Python, pinned (hadolint
# DL3013): the releases pickenv is tested with on 2026-12-05.
PIPENV_RELEASE = "2026.10.3"
UV_RELEASE = "0.13.9"
# virtualenv 20.15.1 is the last release that runs on Python 2.7 (the python:2.7 image
# has no venv module); it still creates 2.7 environments.
VIRTUALENV_FOR_2_7 = "20.15.1"
# Settings every pip in a build stage reads: no cache left in a layer, no version nag.
PIP_ENV = (("PIP_DISABLE_PIP_VERSION_CHECK", "1"), ("PIP_NO_CACHE_DIR", "1"))


@dataclass(frozen=True)
class DockerRecipe:
    """The build stage of a project's Dockerfile: its base, the user it runs as (""
    for the image's own), its ENV and the commands that make ``/app/.venv``."""

    image: str
    runtime: str
    env: tuple[tuple[str, str], ...]
    run: tuple[str, ...]
    build_user: str = ""

    def facts(self) -> dict[str, object]:
        """The build steps; the images apart (``images``), as they alone change with the
        Python version, so the generated facts keep the steps once for every version."""
        return {
            "env": [list(pair) for pair in self.env],
            "run": list(self.run),
            "build_user": self.build_user,
        }

    def images(self) -> dict[str, str]:
        return {"build": self.image, "runtime": self.runtime}


def python_image(version: PythonVersion) -> str:
    return PYTHON_IMAGES[str(version)]


def pip_recipe(version: PythonVersion, locked: bool, create: str) -> DockerRecipe:
    """A requirements-file project (venv, virtualenv): ``create`` makes .venv, then its pip
    installs requirements.txt (the project itself is its last line), or, locked, exactly
    the hashed lock and then the project without dependencies (a hashed file cannot
    hold a folder)."""
    pip = ".venv/bin/python -m pip install --no-cache-dir"
    install: tuple[str, ...]
    if locked:
        install = (f"{pip} --require-hashes -r requirements.txt", f"{pip} --no-deps .")
    else:
        install = (f"{pip} -r requirements.txt",)
    image = python_image(version)
    return DockerRecipe(image, image, PIP_ENV, (create, *install))


def venv_create(version: PythonVersion) -> str:
    """The image's own venv; the 2.7 image has none, so a virtualenv that runs there."""
    if version < PythonVersion(3, 3):
        install = f"python -m pip install --no-cache-dir virtualenv=={VIRTUALENV_FOR_2_7}"
        return f"{install} && python -m virtualenv .venv"
    return "python -m venv .venv"


@dataclass(frozen=True)
class Heroku:
    """What Heroku's Python buildpack reads in this tool's projects.

    The buildpack (heroku/heroku-buildpack-python's README, read 2026-12-05) needs one of
    requirements.txt, Pipfile.lock, poetry.lock or uv.lock at the root, reads the Python
    version from ``.python-version`` (the major form, "3.12", gets security releases;
    uv projects must have the file), and installs the project itself only where the
    tool's files name it."""

    supported: bool
    reads: tuple[str, ...] = ()
    installs_project: bool = True
    note: str = ""

    def facts(self) -> dict[str, object]:
        return {
            "supported": self.supported,
            "reads": list(self.reads),
            "installs_project": self.installs_project,
            "note": self.note,
        }


@dataclass(frozen=True)
class LambdaRequirements:
    """The pinned runtime requirements a Lambda zip installs as Linux wheels: the file
    (empty: the project's own dependencies, resolved from the index) and the command
    that writes it from the tool's lock ("" when the file is the lock itself)."""

    file: str = ""
    export: str = ""

    def facts(self) -> dict[str, object]:
        return {"file": self.file, "export": self.export}
