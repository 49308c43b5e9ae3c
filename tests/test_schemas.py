"""The published JSON Schemas (src/pickenv/schemas): one per --format json envelope and
for rules and team files, valid draft 2020-12, printed by `pickenv schema`; every
command's JSON over representative inputs validates against its schema, and so do the
bundled rules, rules.d layers and the examples' rules and team files."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from helpers import ROOT, TEAM_EXCLUDE_ALL_ON_HPC, Result, git
from pickenv.questionnaire.questions import QUESTION_IDS
from pickenv.report.envelope import JSON_SCHEMA_VERSION, schema_id
from pickenv.schemas import kinds, load_schema, schema_path
from pickenv.yamlio import load_located, plain

Run = Callable[..., Result]
FILE_KINDS = ("rules-file", "team-file")


def envelope_kinds() -> set[str]:
    """Every kind the report modules put in an envelope (``envelope("KIND", ...)``)."""
    found: set[str] = set()
    for module in (ROOT / "src" / "pickenv" / "report").glob("*.py"):
        found |= set(re.findall(r'\benvelope\(\s*"([a-z-]+)"', module.read_text(encoding="utf-8")))
    return found


def check_envelope(text: str) -> dict[str, Any]:
    """A --format json output, parsed and validated against the schema its `schema` names."""
    document: dict[str, Any] = json.loads(text)
    schema = document["schema"]
    assert schema.startswith("pickenv/") and document["schema_version"] == JSON_SCHEMA_VERSION
    errors = sorted(
        Draft202012Validator(load_schema(schema.removeprefix("pickenv/"))).iter_errors(document), key=str
    )
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors[:5])
    return document


def yaml_data(path: Path) -> object:
    """A YAML file as pickenv reads it (YAML 1.2 scalars: `yes` stays text)."""
    root, problems = load_located(path.read_text(encoding="utf-8"), str(path))
    assert root is not None and not problems, problems
    return plain(root)


# ----- the schemas themselves ---------------------------------------------------------------


def test_every_envelope_has_a_schema_and_every_schema_a_use() -> None:
    assert envelope_kinds() >= {"recommendation", "detect", "switch", "new", "update", "rules", "rules-check"}
    assert set(kinds()) == envelope_kinds() | set(FILE_KINDS)


@pytest.mark.parametrize("kind", kinds())
def test_each_schema_is_valid_draft_2020_12_and_named_by_its_envelope(kind: str) -> None:
    schema = load_schema(kind)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == schema_id(kind) == f"urn:pickenv:{kind}:{JSON_SCHEMA_VERSION}"
    assert schema["title"] and schema["description"]
    assert schema["additionalProperties"] is False  # a field added to an output must be added here
    if kind not in FILE_KINDS:
        assert schema["properties"]["schema"] == {
            **schema["properties"]["schema"],
            "const": f"pickenv/{kind}",
        }
        assert schema["properties"]["schema_version"]["const"] == JSON_SCHEMA_VERSION
        assert schema["required"][:3] == ["schema", "schema_version", "pickenv_version"]


@pytest.mark.parametrize("kind", FILE_KINDS)
def test_the_file_schemas_know_every_question(kind: str) -> None:
    assert load_schema(kind)["$defs"]["question"] == {"enum": list(QUESTION_IDS)}


def test_pickenv_schema_prints_them(run_cli: Run, run_subprocess: Run) -> None:
    listed = run_cli("schema")
    assert listed.code == 0 and listed.err == ""
    assert [line.split()[0] for line in listed.out.splitlines()] == list(kinds())
    for kind in kinds():
        assert f"{kind} " in listed.out and load_schema(kind)["title"] in listed.out
    printed = run_subprocess("schema", "recommendation")
    assert printed.code == 0 and printed.out == schema_path("recommendation").read_text(encoding="utf-8")
    assert json.loads(printed.out)["$id"] == "urn:pickenv:recommendation:1"


# ----- every command's JSON -----------------------------------------------------------------


@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_every_command_s_json_validates_against_its_schema(run_cli: Run, tmp_path: Path) -> None:
    validated: set[str] = set()

    def run(*argv: str, codes: tuple[int, ...] = (0,), env: dict[str, str] | None = None) -> dict[str, Any]:
        result = run_cli(*argv, "--format", "json", env=env)
        assert result.code in codes and result.out, (argv, result.code, result.err)
        document = check_envelope(result.out)
        validated.add(document["schema"].removeprefix("pickenv/"))
        return document

    # recommend: a plain win, a win with warnings and exclusions, uv ranked, a tie
    run("recommend", "--defaults")
    legacy = run("recommend", "--defaults", "-a", "domain=legacy-python2")
    assert legacy["warnings"] and any(a["excluded"] for a in legacy["ranking"])
    run("recommend", "--defaults", "--with", "uv", "-a", "lockfile=true")
    # rules check: the built-in rules, and a team layer that leaves no tool
    builtin = run("rules", "check")
    team = tmp_path / "team-rules.yaml"
    team.write_text(TEAM_EXCLUDE_ALL_ON_HPC, encoding="utf-8")
    assert run("rules", "check", str(team), codes=(4,))["no_tool"]["count"] > 0
    if builtin["tie_break"]["examples"]:
        tie = builtin["tie_break"]["examples"][0]
        answers = [f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in tie.items()]
        assert run("recommend", "--defaults", *(a for pair in answers for a in ("-a", pair)))["tie_break"]
    # rules show, with a bundled layer and with a team layer
    run("rules", "show")
    run("rules", "show", "--with", "uv", "--rules", str(ROOT / "examples" / "acme-rules.yaml"))
    # the versioned facts, against an index that is not there (every fact is then "unreachable")
    run("rules", "check", "--facts", env={"PICKENV_INDEX_JSON": (tmp_path / "no-index").as_uri()})
    # template check: a plain folder (a problem: it can never update projects)
    run("template", "check", str(ROOT / "examples" / "acme-template"), codes=(0, 9))
    # template init: a template repository from pickenv's own template
    assert run("template", "init", str(tmp_path / "team-template"))["git"]["repository"]
    # new: a dry run, another tool's dry run, and a real project
    out = tmp_path / "projects"
    out.mkdir()
    run("new", "demo", "--defaults", "--dry-run", "--output-dir", str(out))
    run("new", "demo", "--defaults", "--dry-run", "--tool", "pipenv", "--output-dir", str(out))
    made = run("new", "shop", "--defaults", "-a", "domain=web", "--output-dir", str(out))
    project = Path(made["path"])
    # detect: nothing found, a project that fits, one whose tool is not the recommended one
    (tmp_path / "empty").mkdir()
    assert run("detect", str(tmp_path / "empty"))["tool"] is None
    assert run("detect", str(project), "--recommend")["recommendation"]["fits"]
    pipenv = tmp_path / "legacy"
    pipenv.mkdir()
    (pipenv / "Pipfile").write_text('[packages]\nrequests = "*"\n', encoding="utf-8")
    misfit = run("detect", str(pipenv), "--recommend", "--defaults", codes=(0, 15))
    assert misfit["tool"] == "pipenv"
    # update and switch on the project pickenv made
    run("update", str(project), "--check", codes=(0, 13))
    run("switch", str(project), "--to", "pipenv", "--dry-run")
    switched = run("switch", str(project), "--to", "uv", codes=(0, 12))  # 12: refused, losses listed
    assert switched["from"] == "venv" and switched["to"] == "uv" and not switched["dry_run"]
    if not switched["refused"]:  # a switch leaves its change for the user to commit
        git(project, "add", "-A")
        git(project, "commit", "-qm", "switched to uv")
    moved = run("switch", str(project), "--to", "conda", "--accept-losses")
    # the template's render writes environment.yml: the carry has nothing left to write
    assert moved["ledger"] and moved["rerendered"] and not moved["refused"]
    # diff and adopt on the project pickenv made, and on one made by hand
    assert run("diff", str(project))["drifted"] is True  # switched to conda since it was made
    hand = tmp_path / "by-hand"
    hand.mkdir()
    (hand / "README.md").write_text("# by hand\n", encoding="utf-8")
    adopted = run("adopt", str(hand), "--template", str(_template_repo(tmp_path / "tpl")))
    assert adopted["answers"]["project_name"] == "by-hand"
    fleet = run("update", "--check", str(project), str(hand))
    assert [row["status"] for row in fleet["projects"]] == ["current", "current"]
    assert validated == envelope_kinds(), envelope_kinds() - validated


# ----- the files people write ---------------------------------------------------------------


def _rules_files() -> list[Path]:
    return [
        ROOT / "rules.yaml",
        *sorted((ROOT / "rules.d").glob("*.yaml")),
        *sorted(ROOT.glob("examples/*rules*.yaml")),
    ]


@pytest.mark.parametrize("path", _rules_files(), ids=lambda p: p.name)
def test_the_bundled_and_example_rules_files_validate(path: Path) -> None:
    errors = list(Draft202012Validator(load_schema("rules-file")).iter_errors(yaml_data(path)))
    assert not errors, [f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors[:5]]


@pytest.mark.parametrize("path", sorted(ROOT.glob("examples/*team*.yaml")), ids=lambda p: p.name)
def test_the_example_team_files_validate(path: Path) -> None:
    errors = list(Draft202012Validator(load_schema("team-file")).iter_errors(yaml_data(path)))
    assert not errors, [f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors[:5]]


@pytest.mark.parametrize(
    ("kind", "data", "where"),
    [
        ("team-file", {"schema_version": 1, "nmae": "acme"}, "nmae"),
        ("team-file", {"schema_version": 2}, "schema_version"),
        ("team-file", {"schema_version": 1, "answers": {"colour": "blue"}}, "colour"),
        (
            "rules-file",
            {"schema_version": 1, "rules": [{"id": "x", "source": "s", "score": {"venv": 1}}]},
            "because",
        ),
        (
            "rules-file",
            {"schema_version": 1, "rules": [{"id": "Not_Kebab", "because": "b", "source": "s"}]},
            "id",
        ),
        (
            "rules-file",
            {
                "schema_version": 1,
                "rules": [{"id": "x", "when": {"python_version": 3.1}, "because": "b", "source": "s"}],
            },
            "python_version",
        ),
        (
            "rules-file",
            {
                "schema_version": 1,
                "rules": [{"id": "x", "score": {"venv": 500}, "because": "b", "source": "s"}],
            },
            "500",
        ),
    ],
)
def test_the_file_schemas_refuse_what_pickenv_refuses(kind: str, data: object, where: str) -> None:
    errors = list(Draft202012Validator(load_schema(kind)).iter_errors(data))
    assert errors and any(where in f"{list(e.absolute_path)} {e.message}" for e in errors), errors


def _template_repo(folder: Path) -> Path:
    """A small team template in a git repository tagged v1.0.0."""
    from helpers import repository

    files = {
        "copier.yml": "project_name: {type: str}\n",
        "{{ _copier_conf.answers_file }}.jinja": "{{ _copier_answers|to_nice_yaml }}",
        "README.md.jinja": "# {{ project_name }}\n",
    }
    return repository(folder, {"v1.0.0": files}, tag=True)
