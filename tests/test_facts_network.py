"""`pickenv rules check --facts` against the real package index: every versioned fact of
the shipped rules (and of uv's layer) still holds. A changed fact fails here before it
reaches a user; a maintainer also runs the command before every release."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.network

Run = Callable[..., Any]


@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_the_shipped_facts_still_hold_on_pypi(run_subprocess: Run) -> None:
    result = run_subprocess("rules", "check", "--facts", "--format", "json")
    doc = json.loads(result.out)
    changed = [f"{f['rule']}: {f['check']} ({f['found']})" for f in doc["facts"] if f["status"] == "changed"]
    assert not changed, changed
    assert result.code == 0 and doc["failed"] is False
    # Every index check was answered: nothing here is "unreachable" when PyPI is.
    assert all(f["status"] != "unreachable" for f in doc["facts"])
    assert {f["status"] for f in doc["facts"]} <= {"ok", "passed", "ahead", "not installed"}
    assert sum(f["status"] == "ok" for f in doc["facts"]) >= 18


def test_the_text_report_names_each_fact_once(run_subprocess: Run) -> None:
    result = run_subprocess("rules", "check", "--facts")
    lines = result.out.splitlines()
    assert result.code == 0
    assert lines[0].startswith("Checked ")
    assert " facts of built-in rules.yaml against https://pypi.org/pypi" in lines[0]
    assert any("pipenv 2025.1.1 Requires-Python >=3.10" in line for line in lines)
