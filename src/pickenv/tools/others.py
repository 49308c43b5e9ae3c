"""Tools pickenv recognises in existing projects but does not scaffold: their
evidence only (``pickenv detect`` reports them; ``switch`` cannot target them).

Two kinds. Environment tools (poetry, pdm, pixi, pip-tools) keep a project's
environment as venv or uv do. Runners (tox, nox, hatch) run tests and tasks in
environments of their own, beside whatever the project's developers use: ``detect``
names one as the project's tool only when no environment tool's files are there.

A build backend's settings are not its tool's: pdm-backend reads ``[tool.pdm.build]``
and ``[tool.pdm.version]``, hatchling ``[tool.hatch.build]`` and ``[tool.hatch.version]``,
poetry-core ``[tool.poetry]``'s packages, and a project that uses uv or pip builds with
them all the same. Only the tables the tool itself reads are evidence (pdm-project.org,
"PDM tool settings"; hatch.pypa.io, "Environment configuration").
"""

from __future__ import annotations

from pickenv.tools.base import Evidence

# PDM's own tables (pdm-project.org/latest/reference/pyproject/): pdm-backend never
# reads them, so a project that has one uses PDM the tool.
_PDM_TABLES = (
    ("dev-dependencies", "PDM's development groups"),
    ("source", "PDM's package indexes"),
    ("scripts", "PDM's scripts"),
    ("resolution", "PDM's resolver settings"),
    ("options", "PDM's command options"),
)

EVIDENCE: dict[str, tuple[Evidence, ...]] = {
    "poetry": (
        Evidence("poetry.lock", "strong", note="poetry's lock file"),
        Evidence("pyproject.toml", "strong", table="tool.poetry", note="[tool.poetry]: poetry's settings"),
        Evidence("poetry.toml", "strong", note="poetry's project settings"),
    ),
    "pdm": (
        Evidence("pdm.lock", "strong", note="PDM's lock file"),
        Evidence("pdm.toml", "strong", note="PDM's project settings"),
        *(
            Evidence("pyproject.toml", "strong", table=f"tool.pdm.{key}", note=f"[tool.pdm.{key}]: {what}")
            for key, what in _PDM_TABLES
        ),
        # PDM reads it, but fastapi keeps it after moving to uv: a sign, not proof
        Evidence(
            "pyproject.toml",
            "weak",
            table="tool.pdm.distribution",
            note="[tool.pdm] distribution: a PDM setting, read only when PDM is used",
        ),
    ),
    "pixi": (
        Evidence("pixi.toml", "strong", note="pixi's manifest"),
        Evidence("pixi.lock", "strong", note="pixi's lock file"),
        Evidence("pyproject.toml", "strong", table="tool.pixi", note="[tool.pixi]: pixi's settings"),
    ),
    "pip-tools": (
        Evidence("requirements*.in", "strong", note="pip-tools input (compiled to requirements.txt)"),
        Evidence("requirements/*.in", "strong", note="pip-tools input (compiled to a .txt beside it)"),
    ),
    "tox": (
        Evidence("tox.ini", "strong", contains="[testenv", runner=True, note="tox's test environments"),
        Evidence("tox.toml", "strong", runner=True, note="tox's test environments"),
        Evidence(
            "pyproject.toml", "strong", table="tool.tox", runner=True, note="[tool.tox]: tox's settings"
        ),
        Evidence("setup.cfg", "strong", contains="[tox:tox]", runner=True, note="[tox:tox]: tox's settings"),
    ),
    "nox": (
        Evidence("noxfile.py", "strong", runner=True, note="nox's sessions, each in its own environment"),
    ),
    "hatch": (
        Evidence("hatch.toml", "strong", table="envs", runner=True, note="hatch's environments"),
        Evidence(
            "pyproject.toml",
            "strong",
            table="tool.hatch.envs",
            runner=True,
            note="[tool.hatch.envs]: hatch's environments",
        ),
    ),
}
# Tools whose evidence is the same files by nature (requirements files): one camp, never
# each other's rivals; the first is the answer unless something says another.
FAMILY = ("venv", "virtualenv", "pip-tools")
FAMILY_NAME = "pip"  # whose users the family's files serve
# A subfolder with one of these is a project of its own (a monorepo's member).
MEMBER_MARKS = {"uv.lock": "uv", "poetry.lock": "poetry", "pdm.lock": "pdm", "Pipfile.lock": "pipenv"}
# What a folder inside the project reveals, wherever the environment is (env/, .conda/):
# every conda environment has a conda-meta/history file.
CONDA_META = tuple(
    Evidence(f"{where}/conda-meta/history", "weak", note="a conda environment inside the project")
    for where in ("*", ".*")
)


def all_evidence() -> dict[str, tuple[Evidence, ...]]:
    """Every known tool's evidence: the registry's tools, then these."""
    from pickenv.tools import get_tool, tool_names

    found = {name: get_tool(name).evidence for name in tool_names()}
    found["conda"] = (*found.get("conda", ()), *CONDA_META)
    return {**found, **EVIDENCE}


def looked_for() -> tuple[str, ...]:
    """What the evidence names, per tool ("uv: uv.lock, pyproject.toml [tool.uv]"), each
    file once: the first half of a "nothing found" answer."""
    listed: set[str] = set()
    said = []
    for tool, evidence in all_evidence().items():
        names = [f"{e.path} [{e.table}]" if e.table else e.path for e in evidence]
        new = [n for n in dict.fromkeys(names) if n not in listed]
        listed.update(new)
        if new:
            said.append(f"{tool}: {', '.join(new)}")
    return tuple(said)
