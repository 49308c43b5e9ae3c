"""The release workflow of a library: build the sdist and wheel with the tool's own build
command, check them, keep them as an artifact, and publish them on a GitHub release by
PyPI's trusted publishing (no token to store), with PEP 740 attestations.

The build job caches nothing: a cache a pull request could write must not reach the
files a release publishes (zizmor's cache-poisoning audit). Only the publish job may ask
GitHub for an OIDC token (``id-token: write``), and it runs in the ``pypi`` environment,
which the project's trusted publisher on PyPI names.
"""

from __future__ import annotations

import pickenv.tools.ci as ci

# The Python that builds and checks: released, and able to run build, twine and any
# setuptools the template's build-system asks for. Checked 2026-12-05.
BUILD_PYTHON = "3.13"


def job(setup: list[ci.Step], build: str, check: str) -> dict[str, object]:
    """The release facts: the build ``command``, the ``build`` and ``publish`` jobs' steps,
    and the actions' ``pins``."""
    build_steps: list[ci.Step] = [
        ci.checkout(),
        *setup,
        ci.run("Build the sdist and wheel", build),
        ci.run("Check their metadata as PyPI will", check),
        {
            "uses": ci.UPLOAD_ARTIFACT,
            "with": {"name": "dist", "path": "dist/", "if-no-files-found": "error"},
        },
    ]
    publish_steps: list[ci.Step] = [
        {"uses": ci.DOWNLOAD_ARTIFACT, "with": {"name": "dist", "path": "dist/"}},
        # The default since v1.11.0 under trusted publishing, said so that a later
        # default cannot drop them.
        {"uses": ci.PYPI_PUBLISH, "with": {"attestations": True}},
    ]
    return {
        "command": build,
        "build": build_steps,
        "publish": publish_steps,
        "pins": ci.pins([*build_steps, *publish_steps]),
    }


def pip_build() -> dict[str, object]:
    """python -m build, for every tool whose projects have no build command of their own."""
    setup: ci.Step = {"uses": ci.SETUP_PYTHON, "with": {"python-version": BUILD_PYTHON}}
    return job(
        [setup, ci.run("Install build and twine", "python -m pip install build twine")],
        "python -m build",
        "python -m twine check --strict dist/*",
    )
