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
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Result
from pickenv.errors import EXIT_OK

Run = Callable[..., Result]
REALWORLD = Path(__file__).resolve().parents[2] / "shared" / "realworld"
pytestmark = pytest.mark.skipif(not REALWORLD.is_dir(), reason=f"the real-world corpus is not at {REALWORLD}")

# folder: (tool, confidence, Python target, a finding it must make ("": none at all))
CASES: dict[str, tuple[str | None, str, str | None, str]] = {
    # docs/dependency-management.md: "Tock uses Pipenv"; CI runs `pipenv install --dev --deploy`
    "18F+tock": ("pipenv", "high", "3.10", ""),
    # README: `conda env create -f environment.yaml`; python=3.8.5 names the version
    "CompVis+stable-diffusion": ("conda", "high", "3.8", ""),
    # README: a Python 3.10 virtual environment, pip-tools compiles requirements.in
    "DjangoGirls+djangogirls": ("venv", "high", "3.10", ""),
    # README: `conda env create -f environment.yml`; `python >= 3.8` is a bound
    "NVlabs+stylegan3": ("conda", "high", "3.14", ""),
    # CI: `pip install virtualenv tox`, `tox`; its setup.py (code, not in the corpus) states the versions
    "Supervisor+supervisor": ("tox", "high", None, "tox manages the environments (tox.ini)"),
    # CONTRIBUTING: poetry install; tox.ini calls poetry too; python = ">=3.8.0" is a bound
    "Textualize+rich": ("poetry", "high", "3.14", "tox also runs tasks"),
    # INSTALL.md recommends Anaconda (`conda env create -f environment.yml`), pip for the rest
    "ageron+handson-ml2": (
        "conda",
        "high",
        "3.8",
        "requirements.txt serves pip users beside environment.yml",
    ),
    # Makefile: pip install -r requirements/*.in -c requirements/*.txt; compiled with Python 3.10
    "aio-libs+aiohttp": ("venv", "high", "3.10", ""),
    # tox.ini's envlist is how six is tested; no other environment file
    "benjaminp+six": ("tox", "high", None, "tox manages the environments (tox.ini)"),
    # a Binder example: repo2docker builds it with conda from environment.yml; bare `python`
    "binder-examples+python-conda_pip": ("conda", "high", None, ""),
    # [tool.uv] package = false, uv.lock; requirements/*.txt are `uv export` output
    "django+djangoproject.com": ("uv", "high", "3.12", ""),
    # tox.ini: "pip install tox and then run tox"
    "docopt+docopt": ("tox", "high", None, "tox manages the environments (tox.ini)"),
    # scripts/install: `python -m venv venv`, `pip install -r requirements.txt`; requires-python >=3.9
    "encode+httpx": ("venv", "high", "3.14", ""),
    # uv.lock and .python-version 3.11; [tool.pdm] is pdm-backend's build settings
    "fastapi+fastapi": ("uv", "high", "3.11", ""),
    # a uv workspace (backend/), .python-version 3.14
    "fastapi+full-stack-fastapi-template": ("uv", "high", "3.14", ""),
    # CONTRIBUTING: conda with environment(-dev).yml, or pip with requirements-dev.txt
    "geopandas+geopandas": ("conda", "high", "3.14", "requirements-dev.txt serves pip users"),
    # pixi.toml: environments and tasks (`pixi run test-unit`); binder/ has its own env
    "holoviz+param": ("pixi", "high", "3.14", ""),
    # README: `conda create -n PDSH python=3.5 --file requirements.txt`; pickenv offers no 3.5
    "jakevdp+PythonDataScienceHandbook": ("conda", "high", None, "asks for 'python=3.5'"),
    # CI: `pipx install hatch`, `hatch run test:test` ([tool.hatch.envs])
    "jupyter+jupyter_core": ("hatch", "high", "3.14", "hatch manages the environments"),
    # every libs/* is a uv project with its own uv.lock; nothing at the root
    "langchain-ai+langgraph": ("uv", "medium", None, "subfolders are projects of their own"),
    # the book's way: a venv and `pip install -r requirements/dev.txt`
    "miguelgrinberg+flasky": ("venv", "high", None, ""),
    # the Flask Mega-Tutorial: `python3 -m venv venv`, `pip install -r requirements.txt`
    "miguelgrinberg+microblog": ("venv", "high", None, ""),
    # PDM itself: pdm.lock, [tool.pdm.scripts]; tox-pdm runs its tox.ini
    "pdm-project+pdm": ("pdm", "high", "3.14", "tox also runs tasks"),
    # Makefile: `python -m venv`, `pip install -r requirements-mxdev.txt`; .python-version 3.12
    "plone+plone.restapi": ("venv", "high", "3.12", "tox also runs tasks"),
    # Dockerfile: `pip3 install pipenv`, Pipfile.lock; runtime.txt python-3.6.5
    "postmanlabs+httpbin": ("pipenv", "high", "3.6", "tox also runs tasks"),
    # Pipfile and Pipfile.lock ([scripts] tests = pytest), nothing else
    "psf+requests-html": ("pipenv", "high", None, ""),
    # Makefile: `uv sync --frozen`; uv workspace
    "pydantic+pydantic-ai": ("uv", "high", "3.14", ""),
    # Makefile: `uv sync`; uv.lock, PEP 735 groups
    "pydantic+pydantic-settings": ("uv", "high", "3.14", ""),
    # only pyproject.toml is data: its noxfile.py is code, so the stored files name no tool
    "pypa+pip": (None, "none", "3.14", ""),
    # pipenv itself: Pipfile, Pipfile.lock; docs/requirements.txt is Read the Docs'
    "pypa+pipenv": ("pipenv", "high", "3.14", ""),
    # CONTRIBUTING and CI: tox (tox.toml)
    "pypa+virtualenv": ("tox", "high", "3.14", "tox manages the environments (tox.toml)"),
    # Dockerfile: create-venv, pip install -r requirements/*.txt (pip-compile, hashes); .python-version
    "pypi+warehouse": ("venv", "high", "3.14", ""),
    # poetry's own library: [tool.poetry], poetry.lock
    "python-poetry+cleo": ("poetry", "high", "3.14", ""),
    # CI: `pip install -r tests/requirements.txt --editable .`: a subfolder's file only
    "r1chardj0n3s+parse": ("venv", "low", None, ""),
    # Makefile bootstrap: `python3 -m venv`, pip install -r requirements*.txt; CI runs tox
    "tartley+colorama": ("venv", "high", "3.14", "tox also runs tasks"),
    # CI: pip install -e . and the tools of dev.requirements.txt; tox.ini as well
    "un33k+python-slugify": ("venv", "high", None, "tox also runs tasks"),
    # readme: "Setup with venv" (pip install -r requirements/development.txt); .python-version 3.12
    "wagtail+bakerydemo": ("venv", "high", "3.12", ""),
}


def copied(folder: str, tmp_path: Path, extra: dict[str, str] | None = None) -> Path:
    project = tmp_path / folder
    shutil.copytree(REALWORLD / folder, project)
    for name, text in (extra or {}).items():
        (project / name).write_text(text, encoding="utf-8")
    return project


def test_every_folder_of_the_corpus_has_a_row() -> None:
    assert sorted(p.name for p in REALWORLD.iterdir() if p.is_dir()) == sorted(CASES)


@pytest.mark.parametrize("folder", sorted(CASES))
def test_detect_answers_as_the_maintainers_work(folder: str, tmp_path: Path, run_cli: Run) -> None:
    tool, confidence, python, says = CASES[folder]
    result = run_cli("detect", str(copied(folder, tmp_path)), "--format", "json")
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
    project = copied("pypa+pip", tmp_path, {"noxfile.py": '"""Automation using nox."""\nimport nox\n'})
    result = run_cli("detect", str(project), "--format", "json")
    document = json.loads(result.out)
    assert (document["tool"], document["confidence"]) == ("nox", "high")
    assert document["findings"] == [
        "nox manages the environments (noxfile.py): no file of an environment tool is there besides; "
        "pickenv names nox but cannot switch a project from it"
    ]


def test_pip_as_stored_says_what_it_looked_at(tmp_path: Path, run_cli: Run) -> None:
    result = run_cli("detect", str(copied("pypa+pip", tmp_path)))
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
    project = copied("jakevdp+PythonDataScienceHandbook", tmp_path)
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
