"""What detect answers for each project of the real-world corpus (../shared/realworld):
the table test_detect_realworld.py checks and test_switch_realworld.py draws its projects
from. Data, not a test module."""

from __future__ import annotations

from pickenv.versions import KNOWN_VERSIONS

# What detect answers for each corpus project (test_detect_realworld.py checks it; switch
# takes the projects whose tool it moves from):
# folder: (tool, confidence, Python target, a finding it must make ("": none at all))
# The newest Python pickenv knows: what a lower bound (requires-python >= 3.9) admits.
NEWEST = KNOWN_VERSIONS[-1]
CORPUS: dict[str, tuple[str | None, str, str | None, str]] = {
    # docs/dependency-management.md: "Tock uses Pipenv"; CI runs `pipenv install --dev --deploy`
    "18F+tock": ("pipenv", "high", "3.10", ""),
    # README: `conda env create -f environment.yaml`; python=3.8.5 names the version
    "CompVis+stable-diffusion": ("conda", "high", "3.8", ""),
    # README: a Python 3.10 virtual environment, pip-tools compiles requirements.in
    "DjangoGirls+djangogirls": ("venv", "high", "3.10", ""),
    # README: `conda env create -f environment.yml`; `python >= 3.8` is a bound
    "NVlabs+stylegan3": ("conda", "high", NEWEST, ""),
    # CI: `pip install virtualenv tox`, `tox`; its setup.py (code, not in the corpus) states the versions
    "Supervisor+supervisor": ("tox", "high", None, "tox manages the environments (tox.ini)"),
    # CONTRIBUTING: poetry install; tox.ini calls poetry too; python = ">=3.8.0" is a bound
    "Textualize+rich": ("poetry", "high", NEWEST, "tox also runs tasks"),
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
    "encode+httpx": ("venv", "high", NEWEST, ""),
    # uv.lock and .python-version 3.11; [tool.pdm] is pdm-backend's build settings
    "fastapi+fastapi": ("uv", "high", "3.11", ""),
    # a uv workspace (backend/), .python-version 3.14
    "fastapi+full-stack-fastapi-template": ("uv", "high", "3.14", ""),
    # CONTRIBUTING: conda with environment(-dev).yml, or pip with requirements-dev.txt
    "geopandas+geopandas": ("conda", "high", NEWEST, "requirements-dev.txt serves pip users"),
    # pixi.toml: environments and tasks (`pixi run test-unit`); binder/ has its own env
    "holoviz+param": ("pixi", "high", NEWEST, ""),
    # README: `conda create -n PDSH python=3.5 --file requirements.txt`; pickenv offers no 3.5
    "jakevdp+PythonDataScienceHandbook": ("conda", "high", None, "asks for 'python=3.5'"),
    # CI: `pipx install hatch`, `hatch run test:test` ([tool.hatch.envs])
    "jupyter+jupyter_core": ("hatch", "high", NEWEST, "hatch manages the environments"),
    # every libs/* is a uv project with its own uv.lock; nothing at the root
    "langchain-ai+langgraph": ("uv", "medium", None, "subfolders are projects of their own"),
    # the book's way: a venv and `pip install -r requirements/dev.txt`
    "miguelgrinberg+flasky": ("venv", "high", None, ""),
    # the Flask Mega-Tutorial: `python3 -m venv venv`, `pip install -r requirements.txt`
    "miguelgrinberg+microblog": ("venv", "high", None, ""),
    # PDM itself: pdm.lock, [tool.pdm.scripts]; tox-pdm runs its tox.ini
    "pdm-project+pdm": ("pdm", "high", NEWEST, "tox also runs tasks"),
    # Makefile: `python -m venv`, `pip install -r requirements-mxdev.txt`; .python-version 3.12
    "plone+plone.restapi": ("venv", "high", "3.12", "tox also runs tasks"),
    # Dockerfile: `pip3 install pipenv`, Pipfile.lock; runtime.txt python-3.6.5
    "postmanlabs+httpbin": ("pipenv", "high", "3.6", "tox also runs tasks"),
    # Pipfile and Pipfile.lock ([scripts] tests = pytest), nothing else
    "psf+requests-html": ("pipenv", "high", None, ""),
    # Makefile: `uv sync --frozen`; uv workspace
    "pydantic+pydantic-ai": ("uv", "high", NEWEST, ""),
    # Makefile: `uv sync`; uv.lock, PEP 735 groups
    "pydantic+pydantic-settings": ("uv", "high", NEWEST, ""),
    # only pyproject.toml is data: its noxfile.py is code, so the stored files name no tool
    "pypa+pip": (None, "none", NEWEST, ""),
    # pipenv itself: Pipfile, Pipfile.lock; docs/requirements.txt is Read the Docs'
    "pypa+pipenv": ("pipenv", "high", NEWEST, ""),
    # CONTRIBUTING and CI: tox (tox.toml)
    "pypa+virtualenv": ("tox", "high", NEWEST, "tox manages the environments (tox.toml)"),
    # Dockerfile: create-venv, pip install -r requirements/*.txt (pip-compile, hashes); .python-version
    "pypi+warehouse": ("venv", "high", "3.14", ""),
    # poetry's own library: [tool.poetry], poetry.lock
    "python-poetry+cleo": ("poetry", "high", NEWEST, ""),
    # CI: `pip install -r tests/requirements.txt --editable .`: a subfolder's file only
    "r1chardj0n3s+parse": ("venv", "low", None, ""),
    # Makefile bootstrap: `python3 -m venv`, pip install -r requirements*.txt; CI runs tox
    "tartley+colorama": ("venv", "high", NEWEST, "tox also runs tasks"),
    # CI: pip install -e . and the tools of dev.requirements.txt; tox.ini as well
    "un33k+python-slugify": ("venv", "high", None, "tox also runs tasks"),
    # readme: "Setup with venv" (pip install -r requirements/development.txt); .python-version 3.12
    "wagtail+bakerydemo": ("venv", "high", "3.12", ""),
}
