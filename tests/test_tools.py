"""The per-tool classes: ``assess`` agrees with the rules, ``plan``/``create`` are real."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from pickenv.engine import recommend
from pickenv.errors import EnvironmentCreationError
from pickenv.new_options import TOOLS
from pickenv.questions import QUESTIONS, Value, default_for
from pickenv.resources import builtin_rules_path
from pickenv.rules_loader import RulesSource, load_rules
from pickenv.tools import get_tool
from pickenv.tools.base import ToolContext
from pickenv.tools.virtualenv import requirement_for

RULES = load_rules([RulesSource.from_path(builtin_rules_path())])


def answers(**overrides: Value) -> dict[str, Value]:
    out: dict[str, Value] = {}
    for q in QUESTIONS:
        out[q.id] = overrides[q.id] if q.id in overrides else default_for(q.id, out, (3, 11))
    return out


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize(
    "given",
    [
        {},
        {"python_version": "2.7"},
        {"domain": "web", "deploy": "heroku"},
        {"binary_deps": True, "offline": True},
    ],
)
def test_assess_matches_the_ranking(tool: str, given: dict[str, Value]) -> None:
    full = answers(**given)
    assessment = get_tool(tool).assess(RULES, full)
    ranked = next(a for a in recommend(RULES, full).ranking if a.tool == tool)
    assert assessment == ranked
    assert assessment.tool == tool


def test_assess_explains_an_exclusion() -> None:
    assessment = get_tool("venv").assess(RULES, answers(python_version="2.7"))
    assert not assessment.eligible
    assert [r.rule for r in assessment.excluded_by] == ["venv-needs-python-3-3"]


@pytest.mark.parametrize(
    ("version", "requirement"),
    [
        ("2.7", "virtualenv<20.22"),
        ("3.6", "virtualenv<20.22"),
        ("3.7", "virtualenv<21.5"),
        ("3.8", "virtualenv<21.5"),
        ("3.9", "virtualenv"),
        ("3.14", "virtualenv"),
    ],
)
def test_virtualenv_pins_follow_the_versions(version: str, requirement: str) -> None:
    assert requirement_for(version) == requirement


def _ctx(tmp_path: Path, python: str | None, version: str = "3.11", path: str | None = None) -> ToolContext:
    env = dict(os.environ)
    if path is not None:
        env["PATH"] = path
    return ToolContext(env, tmp_path / "cache", sys.executable, python, version, "demo")


def test_create_without_an_interpreter_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EnvironmentCreationError, match=r"Python 3\.11 was not found"):
        get_tool("venv").create(tmp_path, _ctx(tmp_path, None), lambda _: None)


def test_conda_plan_without_conda_names_the_commands(tmp_path: Path) -> None:
    plan = get_tool("conda").plan(_ctx(tmp_path, None, path=str(tmp_path)))
    assert not plan.available and "no conda, mamba or micromamba" in plan.missing
    assert plan.steps[0].display() == "conda env create -n demo -f environment.yml"
    with pytest.raises(EnvironmentCreationError):
        get_tool("conda").create(tmp_path, _ctx(tmp_path, None, path=str(tmp_path)), lambda _: None)


def test_venv_create_runs_for_real(tmp_path: Path) -> None:
    from pickenv.resources import templates_path
    from pickenv.scaffold import render

    render(templates_path() / "project", {"project_name": "demo", "python_version": "3.11"}, tmp_path)
    seen: list[str] = []
    results = get_tool("venv").create(tmp_path, _ctx(tmp_path, sys.executable), seen.append)
    assert seen == [f"{r.title}..." for r in results]
    assert (tmp_path / ".venv" / "bin" / "python").exists()
    assert results[-1].title == "Running the project's tests"
