"""The README's side-by-side table is real output: its pickenv rows are what
bench/compare_generators.py measures on projects made now. (The other generators' rows
need their templates from the network; the bench script makes them.)"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from helpers import README, ROOT


def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "compare_generators", ROOT / "bench" / "compare_generators.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow  # five projects made and reviewed
def test_the_readmes_pickenv_rows_are_measured(tmp_path: Path) -> None:
    compare = bench()
    rows = [
        compare.contents(f"pickenv ({tool})", compare.pickenv_new(tmp_path, tool))
        for tool in compare.PICKENV_TOOLS
    ]
    measured = compare.table(rows).splitlines()[2:]
    shown = [line.strip() for line in README.splitlines() if line.strip().startswith("| pickenv (")]
    assert shown == measured
