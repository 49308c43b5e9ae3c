"""GitHub Actions building blocks shared by the tools' CI facts.

Versions are the Node 24 releases: GitHub runs Node 20 actions only under protest
since June 2026 (github.blog changelog 2025-09-19, "Deprecation of Node 20 on GitHub
Actions runners"). Every action is pinned to the commit of a release tag, as pickenv's
own workflow is (a tag can be moved; zizmor's unpinned-uses audit): the generated
workflow names the release in a comment after the commit, and the generated
Dependabot configuration proposes newer releases. checkout and setup-python use the
commits of pickenv's own .github/workflows/ci.yml; setup-uv's and setup-miniconda's
were read from their repositories' release tags (v8.3.2, v4.0.1); upload-artifact's and
download-artifact's from their snapshots' tags (v7.0.0 of 2026-02-25, v8.0.1 of
2026-03-11; both Node 24), checked 2026-12-05.

pypa/gh-action-pypi-publish is the exception: its stored snapshot stops at v1.8.14
(2024-03-08), whose twine rejects the Metadata-Version 2.4 that setuptools 77+ and
uv_build write for these projects (pypa/gh-action-pypi-publish#351), so it cannot be
the pin. v1.14.2 (twine 7, which also reads Metadata 2.5; current on 2026-08-13 per
bigbio/pmultiqc#711) is pinned to the commit ten public workflows name for it; it was
not read from a snapshot of the repository (verify with `git ls-remote
https://github.com/pypa/gh-action-pypi-publish refs/tags/v1.14.2`). Since v1.11.0 it
uploads PEP 740 attestations by default under trusted publishing (its PR #277); the
release workflow also says `attestations: true`, so no later default can drop them.
"""

from __future__ import annotations

from pickenv.versions import PythonVersion

CHECKOUT = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1"
SETUP_PYTHON = "actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97"
SETUP_MINICONDA = "conda-incubator/setup-miniconda@8ee1f361103df19b6f8c8655fd3967a8ecb162d5"
SETUP_UV = "astral-sh/setup-uv@11f9893b081a58869d3b5fccaea48c9e9e46f990"
UPLOAD_ARTIFACT = "actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f"
DOWNLOAD_ARTIFACT = "actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c"
PYPI_PUBLISH = "pypa/gh-action-pypi-publish@dc37677b2e1c63e2034f94d8a5b11f265b73ba33"
# The release each pinned commit is, for the comment after it.
RELEASES = {
    CHECKOUT: "v7.0.1",
    SETUP_PYTHON: "v7.0.0",
    SETUP_MINICONDA: "v4.0.1",
    SETUP_UV: "v8.3.2",
    UPLOAD_ARTIFACT: "v7.0.0",
    DOWNLOAD_ARTIFACT: "v8.0.1",
    PYPI_PUBLISH: "v1.14.2",
}

# Versions setup-python may only find as a pre-release: the snapshot of
# actions/python-versions' manifest (2026-08-12), which setup-python reads, has
# 3.15.0rc1 as its newest 3.15. With allow-prereleases it takes the final release
# where the manifest has one and the pre-release otherwise.
PRERELEASES = (PythonVersion(3, 15),)

# GitHub's hosted runners (ubuntu-24.04) no longer provide these Pythons through
# setup-python; the official python:X.Y images still do.
_CONTAINER_ONLY = (PythonVersion(2, 7), PythonVersion(3, 6), PythonVersion(3, 7))

Step = dict[str, object]


def container(version: PythonVersion) -> str:
    return f"python:{version}" if version in _CONTAINER_ONLY else ""


def checkout() -> Step:
    # No token left in .git/config for later steps to read (zizmor's artipacked audit).
    return {"uses": CHECKOUT, "with": {"persist-credentials": False}}


def setup_python(version: PythonVersion, cache: str = "", cache_key: str = "") -> list[Step]:
    """setup-python on a hosted runner; nothing inside a python:X.Y container. With
    ``cache`` (pip or pipenv) it restores that cache, keyed on the files ``cache_key``
    matches (one glob: setup-python fails when it matches nothing, so every project
    must have such a file)."""
    if container(version):
        return []
    settings: dict[str, object] = {"python-version": str(version)}
    if version in PRERELEASES:
        settings["allow-prereleases"] = True
    if cache:
        settings["cache"] = cache
        settings["cache-dependency-path"] = cache_key
    return [{"uses": SETUP_PYTHON, "with": settings}]


def run(name: str, command: str, env: dict[str, str] | None = None) -> Step:
    step: Step = {"name": name, "run": command}
    if env:
        step["env"] = env
    return step


def pins(steps: list[Step]) -> list[dict[str, str]]:
    """Each pinned action's release, for the comment the template writes after it (YAML
    written from data cannot carry comments)."""
    return [{"uses": str(s["uses"]), "release": RELEASES[str(s["uses"])]} for s in steps if "uses" in s]


def job(version: PythonVersion, steps: list[Step], shell: str = "bash") -> dict[str, object]:
    """A test job's facts: ``shell``, ``container``, ``steps`` and their ``pins``."""
    steps = [checkout(), *steps]
    return {"shell": shell, "container": container(version), "steps": steps, "pins": pins(steps)}


# ---- the lint job: the project's pre-commit hooks (issue 20) -------------------------
# pre-commit installs each hook in its own environment, so the job needs neither the
# project's tool nor its Python: the newest Python the hosted runners have, and
# pre-commit pinned to its newest release (both checked 2026-12-05).
LINT_PYTHON = "3.14"
PRE_COMMIT = "pre-commit==4.7.0"


def lint_job() -> dict[str, object]:
    """The lint job's steps, and each pinned action's release (as ``job``'s pins)."""
    steps: list[Step] = [
        checkout(),
        {"uses": SETUP_PYTHON, "with": {"python-version": LINT_PYTHON}},
        run("Install pre-commit", f"python -m pip install '{PRE_COMMIT}'"),
        run("Run the pre-commit hooks", "pre-commit run --all-files --show-diff-on-failure"),
    ]
    pins = [{"uses": s["uses"], "release": RELEASES[str(s["uses"])]} for s in steps if "uses" in s]
    return {"steps": steps, "pins": pins}


# The interpreter inside .venv on every runner OS.
VENV_PYTHON = "if [ -d .venv/Scripts ]; then PY=.venv/Scripts/python; else PY=.venv/bin/python; fi"
