"""Personas for advice v3 (issue 18): one per case the audit named, each answered as the
person would answer and checked against the workflow its primary source documents.

Each persona names its source; the facts behind them were checked on 2026-12-05 (see the
`facts` of rules.yaml, which `pickenv rules check --facts` checks again).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from helpers import answers_with
from pickenv.questionnaire.questions import Value
from pickenv.rules.engine import Recommendation, recommend
from pickenv.rules.model import RuleSet

TODAY = "2026-12-05"


@dataclass(frozen=True)
class Persona:
    name: str
    source: str  # where the workflow the persona follows is documented
    answers: dict[str, Value]
    winner: str | tuple[str, ...]  # the tool (or tools) the documented workflow uses
    says: tuple[str, ...] = ()  # text the recommendation must show, anywhere (advice, needs, warnings)
    never: tuple[str, ...] = ()  # text it must not show
    excluded: tuple[str, ...] = ()
    warnings: tuple[str, ...] | None = None  # rule ids of the warnings shown (None: not checked)


PERSONAS = [
    Persona(
        "GPU vision training on an Alliance cluster: module Python, virtualenv --no-download, the wheelhouse",
        "https://docs.alliancecan.ca/wiki/Python",
        {
            "domain": "data-science",
            "python_version": "3.12",
            "team_size": "small",
            "binary_deps": "wheels",
            "deploy": "hpc",
        },
        "virtualenv",
        says=("virtualenv --no-download", "pip install --no-index", "centre's MPI"),
    ),
    Persona(
        "Raspberry Pi camera project: picamera2 from apt, venv with --system-site-packages",
        "https://packages.debian.org/bookworm/amd64/python3.11/filelist (README.venv)",
        {"domain": "scripting", "python_version": "3.11", "os_packages": True},
        "venv",
        says=("python3 -m venv --system-site-packages",),
        excluded=("conda",),
    ),
    Persona(
        "Raspberry Pi project that also asked for a managed Python: the conflict is said",
        "https://packages.debian.org/bookworm/amd64/python3.11/filelist (README.venv)",
        {"domain": "scripting", "python_version": "3.11", "os_packages": True, "manage_python": True},
        "venv",
        warnings=("os-packages-and-a-managed-python",),
    ),
    Persona(
        "Windows analyst whose machines have no Python: the tool must install it",
        "https://docs.conda.io/projects/conda/en/latest/user-guide/tasks/manage-python.html",
        {"domain": "scripting", "python_version": "3.13", "windows": True, "manage_python": True},
        "conda",
        says=("`py install X.Y`", "pyenv-win"),  # venv and pipenv say what they need, in the ranking
    ),
    Persona(
        "Django team on Python 3.9 that wants a lock file: pipenv no longer runs there",
        "https://github.com/pypa/pipenv/blob/main/CHANGELOG.md (2026.0.0: Pipenv requires Python 3.10+)",
        {"domain": "web", "python_version": "3.9", "team_size": "small", "lockfile": True},
        "venv",
        excluded=("pipenv",),
        says=("needs Python 3.10",),
        never=("pipenv<2026.1",),
    ),
    Persona(
        "Maintainer of a Python 3.7 service who pins virtualenv",
        "https://virtualenv.pypa.io/en/latest/changelog.html (20.27.0, 21.5.1)",
        {"domain": "cli", "python_version": "3.7"},
        "venv",
        says=("`virtualenv<20.27`", "21.5.1 and later refuse"),
        never=("still create a 3.7 environment",),
    ),
    Persona(
        "Heroku app still on Python 3.9",
        "https://github.com/heroku/heroku-buildpack-python/blob/main/CHANGELOG.md (v321, v327)",
        {"domain": "web", "python_version": "3.9", "deploy": "heroku"},
        "venv",
        says=("Python 3.11 or later",),
        never=("3.10 or later",),
        warnings=("heroku-needs-python-3-10", "python-3-9-and-older-end-of-life"),
    ),
    Persona(
        "Heroku app that needs GDAL's bindings, which have no wheel",
        "https://devcenter.heroku.com/articles/stack-packages",
        {"domain": "web", "python_version": "3.12", "binary_deps": "no-wheels", "deploy": "heroku"},
        "venv",
        excluded=("conda",),
        warnings=("heroku-needs-wheels-or-a-container",),
    ),
    Persona(
        "New project on Python 3.15, released in October 2026",
        "https://peps.python.org/pep-0790/",
        {"domain": "cli", "python_version": "3.15"},
        "venv",
        warnings=(),
    ),
    Persona(
        "Free-threaded 3.14t service for a CPU-bound thread pool",
        "https://py-free-threading.github.io/installing-cpython/",
        {"domain": "web", "python_version": "3.14t"},
        "venv",
        says=("python3.14t -m venv", "python-freethreading"),
        warnings=("free-threaded-needs-its-own-wheels",),
    ),
    Persona(
        "AWS Lambda function still on 3.9, built on a Mac",
        "https://repost.aws/knowledge-center/lambda-python-package-compatible",
        {"domain": "cli", "python_version": "3.9", "deploy": "serverless"},
        "venv",
        says=("--platform manylinux2014_x86_64 --only-binary=:all:",),
        warnings=("lambda-has-no-runtime-below-3-10", "python-3-9-and-older-end-of-life"),
    ),
    Persona(
        "Scientific library tested on every supported Python with nox",
        "https://learn.scientific-python.org/development/guides/tasks/",
        {"domain": "library", "python_version": "3.13"},
        "venv",
        says=("recommends nox",),
    ),
    Persona(
        "Script with PyTorch CUDA wheels in a company of 5 000: conda ranks second, with its licence need",
        "https://www.anaconda.com/pricing/terms-of-service-faqs",
        {"domain": "scripting", "python_version": "3.12", "binary_deps": "wheels", "organisation": "large"},
        "venv",
        says=("Miniforge with the conda-forge channel only", "paid Anaconda licence"),
    ),
    Persona(
        "University course using Anaconda's channel",
        "https://www.anaconda.com/pricing/terms-of-service-faqs",
        {
            "domain": "data-science",
            "python_version": "3.12",
            "binary_deps": "no-wheels",
            "organisation": "education",
        },
        "conda",
        says=("free for teaching", "mirroring it"),
    ),
    Persona(
        "Geospatial team locking a conda environment for Linux and macOS",
        "https://conda.github.io/conda-lockfiles/getting-started/",
        {
            "domain": "data-science",
            "python_version": "3.12",
            "binary_deps": "no-wheels",
            "lockfile": True,
            "team_size": "small",
        },
        "conda",
        says=("conda export --file conda-lock.yml --platform", "--sha256"),
        never=("conda needs conda-lock",),
    ),
    Persona(
        "Team moving to the standard lock file, pylock.toml",
        "https://peps.python.org/pep-0751/",
        {"domain": "cli", "python_version": "3.13", "lockfile": True, "team_size": "small"},
        ("venv", "pipenv"),
        says=("pip lock", "use_pylock = true"),
    ),
    Persona(
        "MPI simulation on a cluster, with libraries that have no wheels",
        "https://conda-forge.org/news/2026/01/29/new-mpi-external-syntax",
        {"domain": "data-science", "python_version": "3.12", "binary_deps": "no-wheels", "deploy": "hpc"},
        "conda",
        says=("mpi-external", "Ask the centre first"),
    ),
    Persona(
        "Windows desktop script with a Docker deployment: no Debian advice",
        "https://docs.python.org/3/library/venv.html#how-venvs-work",
        {"domain": "scripting", "python_version": "3.12", "windows": True, "deploy": "docker"},
        "venv",
        never=("python3-venv",),
        says=(".venv\\Scripts\\activate",),
    ),
]


def shown(result: Recommendation) -> str:
    """Everything the recommendation says, as text: warnings, reasons, needs, advice."""
    parts = [w.text for w in result.warnings]
    for a in result.ranking:
        for r in a.reasons:
            parts += [r.because, r.advice or "", r.needs or ""]
    return "\n".join(parts)


@pytest.mark.parametrize("persona", PERSONAS, ids=[p.name for p in PERSONAS])
def test_persona(builtin_rules: RuleSet, persona: Persona) -> None:
    assert persona.source.startswith("https://")
    result = recommend(builtin_rules, answers_with(**persona.answers), today=TODAY)
    winners = persona.winner if isinstance(persona.winner, tuple) else (persona.winner,)
    assert result.recommendation in winners
    text = shown(result)
    for needle in persona.says:
        assert needle in text, needle
    for needle in persona.never:
        assert needle not in text, needle
    assert {a.tool for a in result.ranking if not a.eligible} >= set(persona.excluded)
    if persona.warnings is not None:
        assert tuple(w.rule for w in result.warnings) == persona.warnings


def test_a_stated_need_the_winner_cannot_meet_is_said_in_text(run_cli: object) -> None:
    """The Windows persona's runner-ups say what they need; a winner that needs something
    says it right under "Recommended" (here conda in a large organisation)."""
    result = run_cli(  # type: ignore[operator]
        "recommend", "--defaults", "-a", "python_version=3.12", "-a", "binary_deps=no-wheels",
        "-a", "organisation=large",
    )  # fmt: skip
    lines = result.out.splitlines()
    assert lines[0] == "Recommended: conda"
    assert lines[1].startswith("  It needs Miniforge with the conda-forge channel only")
    managed = run_cli("recommend", "--defaults", "-a", "python_version=3.12", "-a", "manage_python=true")  # type: ignore[operator]
    ranking = managed.out.split("\nRanking\n")[1].split("\n\n")[0]
    assert "     needs  an installed Python of the version you target" in ranking  # venv, second
    assert "     needs  pyenv or asdf (pyenv-win on Windows)" in ranking  # pipenv


def test_text_output_gives_every_ranked_tool_s_advice_once(run_cli: object) -> None:
    result = run_cli(  # type: ignore[operator]
        "recommend",
        "--defaults",
        "-a",
        "python_version=3.12",
        "-a",
        "offline=true",
        "-a",
        "binary_deps=wheels",
    )
    advice = result.out.split("\nAdvice\n")[1].split("\n\n")[0].splitlines()
    assert result.out.startswith("Recommended: venv")
    # conda is ranked, not first: its licence note is shown all the same.
    assert any(line.startswith("  conda: Use conda-forge") for line in advice)
    # venv and virtualenv share one line for the same offline sentence.
    assert sum("pip download -d wheelhouse" in line for line in advice) == 1
    assert any(line.startswith("  venv, virtualenv: Download the wheels") for line in advice)
