"""The virtualenv releases that still create each old target: used by the virtualenv
tool and by the test matrices (tox makes its environments with virtualenv).
Each pin was reproduced for real; rules.yaml cites the changelog entries."""

from __future__ import annotations

from pickenv.versions import PythonVersion

# (newest target of the range, the release range that still creates it)
_PINS = (
    (PythonVersion(3, 6), "virtualenv<20.22"),  # 20.22.0 dropped creating 2.7 and 3.6
    (PythonVersion(3, 7), "virtualenv<20.27"),  # 20.27.0 dropped 3.7 from its bundled wheels
    (PythonVersion(3, 8), "virtualenv<21.5"),  # 21.5.0 creates only 3.9+
)


def requirement_for(version: PythonVersion) -> str:
    """The virtualenv release range that can create ``version`` environments."""
    for newest, requirement in _PINS:
        if version <= newest:
            return requirement
    return "virtualenv"
