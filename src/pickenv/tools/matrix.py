"""The test matrix a library or 2/3-compatible project gets: tox (or nox for conda),
with every Python from the project's target up.

tox makes its environments with virtualenv, whatever tool the project uses day to
day, so old targets need the same virtualenv pins as the virtualenv tool: tox 4.42
takes them per environment (``virtualenv_spec``). tox's current interpreter discovery
cannot query Python 2.7 at all; a top-level ``requires = virtualenv<20.22.0`` makes
tox provision the last tox 4 that still can (below 4.5.2) and run under it. All of
this was run for real on 2026-11-25 (tox 4.67.15 provisioning 4.5.1.1 for 2.7).
"""

from __future__ import annotations

from pickenv.tools.ci_matrix import jobs as ci_jobs
from pickenv.tools.pins import requirement_for
from pickenv.versions import KNOWN_VERSIONS, PythonVersion

# virtualenv 20.21.1, the one a 2.7 matrix runs under, creates environments up to 3.11.
_NEWEST_WITH_2_7 = PythonVersion(3, 11)
TOX_INSTALL = "pipx install tox"


def versions_from(target: PythonVersion, newest: PythonVersion | None = None) -> list[PythonVersion]:
    known = [PythonVersion.parse(v) for v in KNOWN_VERSIONS]
    return [v for v in known if v >= target and (newest is None or v <= newest)]


def _env(version: PythonVersion) -> str:
    return f"py{version.major}{version.minor}"


def tox(target: PythonVersion, *, groups: bool = False, uv: bool = False) -> dict[str, object]:
    """A tox matrix: ``requires``, and per environment its name, Python and virtualenv pin."""
    if target.major == 2:
        versions = versions_from(target, _NEWEST_WITH_2_7)
        requires = ["virtualenv<20.22.0"]  # provisions tox<4.5.2, the last that finds 2.7
    else:
        versions = versions_from(target)
        requires = ["tox>=4.42", *(["tox-uv"] if uv else [])]
    envs = []
    for version in versions:
        pin = requirement_for(version)
        spec = pin if pin != "virtualenv" and target.major != 2 and not uv else ""
        envs.append({"name": _env(version), "python": str(version), "virtualenv_spec": spec})
    install = "groups" if groups else "extras"
    return {
        "runner": "tox",
        "install_runner": TOX_INSTALL,
        "run": "tox",
        "run_one": f"tox -e {_env(target)}",
        "requires": requires,
        "envs": envs,
        "install": install,
        "ci": ci_jobs("tox", envs, install),
    }


def nox_conda(target: PythonVersion) -> dict[str, object]:
    """A nox matrix whose sessions are conda environments."""
    envs = [{"name": f"tests-{v}", "python": str(v), "virtualenv_spec": ""} for v in versions_from(target)]
    return {
        "runner": "nox",
        "install_runner": "pipx install nox",
        "run": "nox",
        "run_one": f'nox -s "tests-{target}"',
        "requires": [],
        "envs": envs,
        "install": "extras",
        "backend": "conda",
        "ci": ci_jobs("nox", envs, "extras", backend="conda"),
    }
