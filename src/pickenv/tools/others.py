"""Tools pickenv recognises in existing projects but does not scaffold: their
evidence only (``pickenv detect`` reports them; ``switch`` cannot target them)."""

from __future__ import annotations

from pickenv.tools.base import Evidence

EVIDENCE: dict[str, tuple[Evidence, ...]] = {
    "poetry": (
        Evidence("poetry.lock", "strong", note="poetry's lock file"),
        Evidence(
            "pyproject.toml", "strong", contains="[tool.poetry", note="poetry settings in pyproject.toml"
        ),
    ),
    "pdm": (
        Evidence("pdm.lock", "strong", note="pdm's lock file"),
        Evidence("pyproject.toml", "strong", contains="[tool.pdm", note="pdm settings in pyproject.toml"),
    ),
    "pixi": (
        Evidence("pixi.toml", "strong", note="pixi's manifest"),
        Evidence("pixi.lock", "strong", note="pixi's lock file"),
        Evidence("pyproject.toml", "strong", contains="[tool.pixi", note="pixi settings in pyproject.toml"),
    ),
    "pip-tools": (
        Evidence("requirements*.in", "strong", note="pip-tools input (compiled to requirements.txt)"),
    ),
}
# What a folder inside the project reveals, wherever the environment is.
CONDA_META = Evidence("*/conda-meta", "weak", note="a conda environment inside the project")


def all_evidence() -> dict[str, tuple[Evidence, ...]]:
    """Every known tool's evidence: the registry's tools, then these."""
    from pickenv.tools import get_tool, tool_names

    found = {name: get_tool(name).evidence for name in tool_names()}
    found["conda"] = (*found.get("conda", ()), CONDA_META)
    return {**found, **EVIDENCE}
