"""`pickenv detect` on 37 real projects' dependency files (../shared/realworld, at
pinned commits; see its README): the tool, the confidence and the Python target each
project's maintainers would give.

Each row's answer comes from what the real repository does (its CI workflow, README,
CONTRIBUTING, Makefile or Dockerfile, read at the corpus's commit or the newest one),
never from pickenv: the reason is the row's comment. A target "(bound)" is the newest
Python pickenv knows inside a lower bound. Each folder is copied into tmp_path and
detected there; the corpus is never copied into the repository.

Measured on this corpus (issue 15): before, "high" was right 24 times of 24, "medium"
1 time of 4 and 8 projects had no answer; now every answer is right: 34 "high", one
"medium" (a monorepo), one "low" (a requirements file in tests/ only) and the one
project whose files name no tool answers nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus import CORPUS
from helpers import REALWORLD, Run, corpus_copy
from pickenv.errors import EXIT_OK

pytestmark = pytest.mark.skipif(not REALWORLD.is_dir(), reason=f"the real-world corpus is not at {REALWORLD}")


def test_every_folder_of_the_corpus_has_a_row() -> None:
    assert sorted(p.name for p in REALWORLD.iterdir() if p.is_dir()) == sorted(CORPUS)


@pytest.mark.parametrize("folder", sorted(CORPUS))
def test_detect_answers_as_the_maintainers_work(folder: str, tmp_path: Path, run_cli: Run) -> None:
    tool, confidence, python, says = CORPUS[folder]
    result = run_cli("detect", str(corpus_copy(folder, tmp_path)), "--format", "json")
    assert (result.code, result.err) == (EXIT_OK, "")
    document = json.loads(result.out)
    answers = document["inferred_answers"]
    shown = answers.get("python_version", {}).get("value")
    assert (document["tool"], document["confidence"], shown) == (tool, confidence, python)
    if says:
        assert any(says in finding for finding in document["findings"]), document["findings"]
    else:
        assert document["findings"] == []
    if python is not None and "(the newest it admits)" in answers["python_version"]["from"]:
        assert answers["python_version"]["from"].count("'") == 2  # the specifier is quoted as written


def test_pip_with_its_noxfile_is_a_nox_project(tmp_path: Path, run_cli: Run) -> None:
    """pypa/pip's CI runs `python -m nox -s ...`; with a noxfile.py beside its
    pyproject.toml (as in the repository), nox is the answer."""
    project = corpus_copy("pypa+pip", tmp_path, {"noxfile.py": '"""Automation using nox."""\nimport nox\n'})
    result = run_cli("detect", str(project), "--format", "json")
    document = json.loads(result.out)
    assert (document["tool"], document["confidence"]) == ("nox", "high")
    assert document["findings"] == [
        "nox manages the environments (noxfile.py): no file of an environment tool is there besides; "
        "pickenv names nox but cannot switch a project from it"
    ]


def test_pip_as_stored_says_what_it_looked_at(tmp_path: Path, run_cli: Run) -> None:
    result = run_cli("detect", str(corpus_copy("pypa+pip", tmp_path)))
    lines = result.out.splitlines()
    assert lines[0].endswith("pypa+pip: no environment tool's files found.")
    assert lines[1].startswith("  looked for: venv: *requirements*.txt") and "nox: noxfile.py" in lines[1]
    assert lines[2] == (
        "  saw: pyproject.toml ([project] pip; built by flit_core.buildapi; dependency groups docs, test, "
        "test-common-wheels, typecheck; settings of check-sdist, coverage, flit, mypy, pytest, ruff, "
        "towncrier, vendoring)"
    )


def test_a_conda_project_with_requirements_in_a_real_process(tmp_path: Path, run_subprocess: Run) -> None:
    """jakevdp/PythonDataScienceHandbook as a user runs it: `pickenv detect` in the folder."""
    project = corpus_copy("jakevdp+PythonDataScienceHandbook", tmp_path)
    result = run_subprocess("detect", cwd=project)
    assert (result.code, result.err) == (EXIT_OK, "")
    assert result.out.splitlines()[:3] == [
        "jakevdp+PythonDataScienceHandbook uses conda (confidence: high).",
        "  strong environment.yml: a conda environment file [conda]",
        "  strong requirements.txt: installed by environment.yml (-r requirements.txt) [conda]",
    ]
    assert "Note: environment.yml asks for 'python=3.5', which pickenv's questions do not offer" in result.out
    needs = "jupyter, matplotlib, notebook, numpy, pandas, scikit-learn, scipy"  # requirements.txt's, via -r
    assert f"domain=data-science  (it depends on {needs})" in result.out
