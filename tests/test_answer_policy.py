"""One answer policy for every command: the user's answers over the team file's fixed
answers over what the project says over the defaults (``pickenv.answering.policy``).
`recommend`, `detect --recommend` and `switch` give the same recommendation for the same
project and team file."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import Result
from pickenv.answering.policy import Answering
from pickenv.questionnaire.questions import format_value

Run = Callable[..., Result]

TEAM = "schema_version: 1\nname: lab\nanswers: {domain: data-science, binary_deps: true}\n"
# A web service by its files: pinned requirements, Python 3.12 named by .python-version.
PROJECT = {
    "requirements.txt": "flask==3.0.3\ngunicorn==22.0.0\n",
    ".python-version": "3.12\n",
    "app.py": "import flask\n",
}


def _project(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name, text in PROJECT.items():
        (folder / name).write_text(text)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "theirs"]):
        subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True)
    return folder


def _json(result: Result) -> dict[str, object]:
    document = json.loads(result.out)
    assert isinstance(document, dict)
    return document


@pytest.fixture
def team(tmp_path: Path) -> Path:
    path = tmp_path / "team.yaml"
    path.write_text(TEAM)
    return path


def test_recommend_detect_and_switch_agree_for_a_project_and_a_team(
    tmp_path: Path, run_cli: Run, team: Path
) -> None:
    project = _project(tmp_path / "shop")
    detected = run_cli("detect", str(project), "--recommend", "--team", str(team), "--format", "json")
    document = _json(detected)
    recommendation = document["recommendation"]
    assert isinstance(recommendation, dict)
    by_detect = recommendation["tool"]
    # the team's fixed answers beat what the files say (flask: web): judged as data science
    answers = recommendation["answers"]
    assert answers["domain"] == "data-science" and answers["python_version"] == "3.12"
    # recommend, told what the project says (detect's inferred answers), with the same team file
    inferred = document["inferred_answers"]
    assert isinstance(inferred, dict) and inferred["domain"]["value"] == "web"
    # (as flags they would be the user's, which beat the team: the team's questions are left out)
    fixed = document["given_answers"]
    assert isinstance(fixed, list)
    flags = [
        w for key, item in inferred.items() if key not in fixed for w in ("-a", f"{key}={item['value']}")
    ]
    recommended = _json(run_cli("recommend", "--team", str(team), "--defaults", "--format", "json", *flags))
    assert recommended["recommendation"] == by_detect, (recommended, detected.out)
    assert {k: format_value(v) for k, v in recommended["answers"].items()} == answers
    # switch judges the same answers: it says the same tool
    target = "pipenv" if by_detect != "pipenv" else "venv"
    switched = run_cli(
        "switch", str(project), "--to", target, "--dry-run", "--team", str(team), "--format", "json"
    )
    assert _json(switched)["recommended"] == by_detect, switched.err
    # without the team file the files decide, and the three still agree with one another
    alone = _json(run_cli("detect", str(project), "--recommend", "--format", "json"))["recommendation"]
    assert isinstance(alone, dict) and alone["tool"] != by_detect
    switched = run_cli("switch", str(project), "--to", target, "--dry-run", "--format", "json")
    assert _json(switched)["recommended"] == alone["tool"]


def test_the_users_answer_beats_the_team_which_beats_the_project(
    tmp_path: Path, run_cli: Run, team: Path
) -> None:
    project = _project(tmp_path / "shop")
    document = _json(
        run_cli(
            "detect", str(project), "--recommend", "--team", str(team), "-a", "domain=web", "--format", "json"
        )
    )
    recommendation = document["recommendation"]
    assert isinstance(recommendation, dict)
    answers = recommendation["answers"]
    team_only = _json(run_cli("detect", str(project), "--recommend", "--team", str(team), "--format", "json"))
    assert answers["domain"] == "web"  # the user, this run
    assert (
        answers["binary_deps"] == team_only["recommendation"]["answers"]["binary_deps"] != "false"
    )  # the team
    assert document["given_answers"] == ["binary_deps", "domain"]


def test_the_policy_order_as_values() -> None:
    policy = Answering(
        user={"domain": "cli"},
        team_fixed={"domain": "web", "deploy": "docker"},
        team_defaults={"team_size": "small"},
        team_name="acme",
        project={"domain": "library", "deploy": "none", "python_version": "3.11"},
        project_sources={"python_version": ".python-version says 3.11"},
    )
    assert policy.given == {"domain": "cli", "deploy": "docker", "python_version": "3.11"}
    assert policy.stated == frozenset({"domain", "deploy"})
    assert policy.origin("domain") == "your answer"
    assert policy.origin("deploy") == "the team file acme fixes it"
    assert policy.origin("python_version") == ".python-version says 3.11"
    assert policy.origin("team_size") == ""
    assert policy.defaults({"team_size": "large", "windows": True}) == {"team_size": "small", "windows": True}
