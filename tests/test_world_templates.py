"""Team templates as teams have them, unedited: templates of our own that reproduce the
shapes of popular public copier templates (copier-uv, copier-pdm, scientific-python's
cookie, jupyterlab's extension template, fastapi's full-stack template, doodba), in real
git repositories with tags. None declares pickenv's `tool`; most no `python_version`.
copier itself is the oracle of what an update must give."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
import yaml

from helpers import Result, git, repository, snapshot, write_files
from pickenv.errors import (
    EXIT_CONFLICTS,
    EXIT_OK,
    EXIT_PROJECT,
    EXIT_TEMPLATE,
    EXIT_UNTRUSTED,
    EXIT_UPDATE_AVAILABLE,
    EXIT_USAGE,
)

Run = Callable[..., Result]
COPIER = str(Path(sys.executable).with_name("copier"))
ANSWERS = "{{ _copier_answers|to_nice_yaml }}"
PYPROJECT = '[project]\nname = "{{ project_name }}"\nversion = "0.1.0"\n'

# copier-uv: its own names for pickenv's answers, a licence question of its own, a Jinja
# extension, a task; uv's files. v2 asks the Python version and the CI provider.
# (A task that writes the project's path: fastapi's, below.)
UV = {
    "copier.yml": """\
_min_copier_version: "9.0.0"
_jinja_extensions: [jinja2.ext.do]
project_name: {type: str, help: Your project name}
project_description: {type: str, default: A project}
author_fullname: {type: str, default: Someone}
copyright_license: {type: str, choices: [ISC, MIT], default: ISC}
_tasks:
  - "echo {{ project_name }} > .task-ran"
""",
    "{{ _copier_conf.answers_file }}.jinja": ANSWERS,
    "pyproject.toml.jinja": PYPROJECT + "\n[tool.uv]\npackage = true\n",
    "README.md.jinja": "# {{ project_name }}\n\n{{ project_description }}\n",
}
UV2 = {
    **UV,
    "copier.yml": UV["copier.yml"]
    + "python_version: {type: str, default: '3.9'}\n"
    + "ci_provider: {type: str, choices: [github, gitlab], default: github}\n",
    "README.md.jinja": "# {{ project_name }}\n\n{{ project_description }}\n\n"
    + "Python {{ python_version }}, {{ ci_provider }}\n",
}
# copier-pdm: PDM owns the environment.
PDM = {
    "copier.yml": "project_name: {type: str}\nauthor_fullname: {type: str, default: Someone}\n",
    "{{ _copier_conf.answers_file }}.jinja": ANSWERS,
    "pyproject.toml.jinja": PYPROJECT + '\n[tool.pdm.scripts]\ntest = "pytest"\n',
    "README.md.jinja": "# {{ project_name }}\n",
}
PDM2 = {**PDM, "CHANGELOG.md": "# Changelog\n"}
# fastapi's full-stack template: its own answers file, a question without a default, a
# task that writes the project's absolute path.
FASTAPI = {
    "copier.yml": """\
        _min_copier_version: "9.0.0"
        _answers_file: .copier/.copier-answers.yml
        project_name: {type: str, default: FastAPI Project}
        secret_key: {type: str, help: a secret}
        _tasks:
          - "python3 -c \\"import os; open('.env', 'w').write('PROJECT_DIR=' + os.getcwd())\\""
        """,
    ".copier/.copier-answers.yml.jinja": "{{ _copier_answers|to_json -}}",
    "README.md.jinja": "# {{ project_name }}\n",
    "backend/pyproject.toml.jinja": '[project]\nname = "app"\nversion = "0.1.0"\n',
}
FASTAPI2 = {**FASTAPI, "README.md.jinja": "# {{ project_name }}\n\nDeploy with Docker.\n"}
# doodba: migrations (run on update, never on copy).
DOODBA = {
    "copier.yml": """\
        _min_copier_version: "9.0.0"
        project_name: {type: str, default: odoo}
        odoo_version: {type: float, choices: [16.0, 17.0], default: 17.0}
        _migrations:
          - version: v2.0.0
            command: "echo migrating"
        """,
    "{{ _copier_conf.answers_file }}.jinja": ANSWERS,
    "README.md.jinja": "# {{ project_name }} on Odoo {{ odoo_version }}\n",
}
DOODBA2 = {**DOODBA, "README.md.jinja": "# {{ project_name }} on Odoo {{ odoo_version }}\n\nBackups daily.\n"}
# jupyterlab's extension template: a licence question with its own choices, its own author name.
JUPYTER = {
    "copier.yml": """\
        kind: {type: str, choices: [frontend, server], default: frontend}
        author_name: {type: str, default: My Name}
        license: {type: str, choices: [BSD-3-Clause, MIT], default: BSD-3-Clause}
        python_name: {type: str, default: myextension}
        """,
    "{{ _copier_conf.answers_file }}.jinja": ANSWERS,
    "LICENSE.jinja": "{{ license }} by {{ author_name }}\n",
    "pyproject.toml.jinja": '[project]\nname = "{{ python_name }}"\nversion = "0.1.0"\n',
}
JUPYTER2 = {**JUPYTER, "README.md.jinja": "# {{ python_name }}\n"}
# scientific-python/cookie: a backend question, files in a subfolder, the answers file
# written through a variable of the template's own.
COOKIE = {
    "copier.yml": """\
        _min_copier_version: "9.0.0"
        _subdirectory: project
        project_name: {type: str, default: package}
        backend: {type: str, choices: [hatch, pdm, setuptools], default: hatch}
        answers_name: {type: str, default: "{{ _copier_conf.answers_file }}", when: false}
        """,
    "project/{{ answers_name }}.jinja": ANSWERS,
    "project/pyproject.toml.jinja": '[project]\nname = "{{ project_name }}"\nversion = "0.1.0"\n',
}
COOKIE2 = {**COOKIE, "project/noxfile.py": "import nox\n"}

SHAPES: dict[str, tuple[dict[str, str], dict[str, str], tuple[str, ...], str]] = {
    # name: (v1 files, v2 files, extra flags for new, the tool the files say)
    "copier-uv": (UV, UV2, ("--trust", "--data", "project_name=demo"), "uv"),
    "copier-pdm": (PDM, PDM2, ("--data", "project_name=demo"), "pdm"),
    "fastapi": (FASTAPI, FASTAPI2, ("--trust", "--data", "secret_key=s3cret"), ""),
    "doodba": (DOODBA, DOODBA2, (), ""),
    "jupyterlab-extension": (JUPYTER, JUPYTER2, (), ""),
    "cookie": (COOKIE, COOKIE2, (), ""),
}


def make(folder: Path, v1: Mapping[str, str], v2: Mapping[str, str] | None = None) -> Path:
    """A template repository tagged v1.0.0 (and v2.0.0)."""
    versions = {"v1.0.0": {k: textwrap.dedent(v) for k, v in v1.items()}}
    if v2 is not None:
        versions["v2.0.0"] = {k: textwrap.dedent(v) for k, v in v2.items()}
    return repository(folder, versions, tag=True, whole=True)


def answers_at(project: Path, name: str = ".copier-answers.yml") -> dict[str, object]:
    return dict(yaml.safe_load((project / name).read_text()))


def tree(folder: Path, *, without: tuple[str, ...] = ()) -> dict[str, bytes]:
    """The files of a project (not .git), for comparing two of them."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(folder).parts and p.name not in without
    }


@pytest.mark.parametrize("shape", list(SHAPES))
def test_each_shape_makes_a_project_unedited(tmp_path: Path, run_cli: Run, shape: str) -> None:
    v1, _, flags, tool = SHAPES[shape]
    template = make(tmp_path / shape, v1)
    result = run_cli("new", "demo", "--template", str(template), "--defaults", *flags,
                     "--output-dir", str(tmp_path), "--format", "json")  # fmt: skip
    assert result.code == EXIT_OK, result.err
    made = json.loads(result.out)
    assert made["template"]["owns_tool"] is True and made["tool"] == tool
    project = tmp_path / "demo"
    answers_file = ".copier/.copier-answers.yml" if shape == "fastapi" else ".copier-answers.yml"
    # beside copier's answers file: .copier/.pickenv-answers.yml for fastapi's
    aside = yaml.safe_load((project / answers_file.replace("copier-answers", "pickenv-answers")).read_text())
    # What the template does not ask, pickenv decided and kept beside it: never in copier's file.
    assert aside["schema_version"] == 1 and "python_version" in aside["answers"]
    assert "tool" not in aside["answers"]
    recorded = answers_at(project, answers_file)
    assert recorded["_commit"] == "v1.0.0" and "python_version" not in recorded
    assert git(project, "status", "--porcelain") == ""  # everything is in the first commit


@pytest.mark.slow  # two projects and two updates per shape, copier's as the oracle
@pytest.mark.parametrize("shape", list(SHAPES))
def test_update_keeps_the_edit_and_gives_what_copier_gives(tmp_path: Path, run_cli: Run, shape: str) -> None:
    v1, v2, flags, _ = SHAPES[shape]
    template = make(tmp_path / shape, v1, v2)
    ours = tmp_path / "pickenv"
    ours.mkdir()
    made = run_cli("new", "demo", "--template", str(template), "--template-ref", "v1.0.0", "--defaults",
                   *flags, "--output-dir", str(ours))  # fmt: skip
    assert made.code == EXIT_OK, made.err
    project = ours / "demo"
    answers_file = ".copier/.copier-answers.yml" if shape == "fastapi" else ".copier-answers.yml"
    recorded = {k: v for k, v in answers_at(project, answers_file).items() if not k.startswith("_")}
    # The same project made by copier, from the same answers.
    theirs = tmp_path / "copier" / "demo"
    data = [w for k, v in recorded.items() for w in ("--data", f"{k}={v}")]
    trust = ["--trust"] if "--trust" in flags or shape == "doodba" else []  # doodba: its migration
    subprocess.run([COPIER, "copy", "--vcs-ref", "v1.0.0", "--defaults", *trust, *data, str(template),
                    str(theirs)], check=True, capture_output=True)  # fmt: skip
    git(theirs, "init", "-q", "-b", "main")
    for folder in (project, theirs):
        (folder / "NOTES.md").write_text("mine\n")
        git(folder, "add", "-A")
        git(folder, "commit", "-q", "-m", "a local edit")
    updated = run_cli("update", str(project), "--to", "v2.0.0", *trust, "--format", "json")
    # fastapi's task writes the project's path: copier's update runs it in two scratch
    # renders, whose paths differ, and the file conflicts, with copier as with pickenv.
    assert updated.code == (EXIT_CONFLICTS if shape == "fastapi" else EXIT_OK), updated.err + updated.out
    # What pickenv gave the questions v2 adds (its stated additions) goes to copier too.
    added = [w for a in json.loads(updated.out)["added"] for w in ("--data", f"{a['question']}={a['value']}")]
    # copier-uv v2 asks the Python version: pickenv's own answer, recorded aside, is given.
    assert [a.split("=")[0] for a in added[1::2]] == (["python_version"] if shape == "copier-uv" else [])
    subprocess.run([COPIER, "update", "--vcs-ref", "v2.0.0", "--defaults", *trust, *added,
                    "--answers-file", answers_file], cwd=theirs, check=True, capture_output=True)  # fmt: skip
    # pickenv's stated additions: its answers aside; and the paths tasks wrote.
    left_out = (".pickenv-answers.yml", ".env")
    assert tree(project, without=left_out) == tree(theirs, without=left_out)
    assert (project / "NOTES.md").read_text() == "mine\n"
    assert answers_at(project, answers_file)["_commit"] == "v2.0.0"


def _team(tmp_path: Path, template: Path, extra: str = "") -> Path:
    return write_files(tmp_path / "team", {"pickenv-team.yaml": f"""\
        schema_version: 1
        name: acme
        template: {{source: {template}}}
        data: {{ci_provider: gitlab}}
        questions: {{description: project_description, author: author_fullname}}
        {extra}"""}, dedent=True) / "pickenv-team.yaml"  # fmt: skip


@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_team_settings_and_pickenvs_answers_live_on_at_an_update(tmp_path: Path, run_cli: Run) -> None:
    template = make(tmp_path / "t", UV, UV2)
    team = _team(tmp_path, template)
    made = run_cli("new", "demo", "--team", str(team), "--template-ref", "v1.0.0", "--defaults",
                   "--trust", "--data", "project_name=demo", "-a", "python_version=3.12",
                   "--author", "Ada", "--description", "Billing", "--output-dir", str(tmp_path))  # fmt: skip
    assert made.code == EXIT_OK, made.err
    project = tmp_path / "demo"
    recorded = answers_at(project)
    # The team's mapping: pickenv's author and description fill the template's own questions.
    assert (recorded["author_fullname"], recorded["project_description"]) == ("Ada", "Billing")
    check = run_cli("update", str(project), "--team", str(team), "--to", "v2.0.0", "--check", "--trust")
    assert check.code == EXIT_UPDATE_AVAILABLE, check.err
    assert f"pickenv update {project} --team {team} --to v2.0.0 --trust" in check.out
    done = run_cli(
        "update", str(project), "--team", str(team), "--to", "v2.0.0", "--trust", "--format", "json"
    )
    assert done.code == EXIT_OK, done.err
    added = {a["question"]: (a["value"], a["from"]) for a in json.loads(done.out)["added"]}
    assert added["ci_provider"] == ("gitlab", f"the team file {team}, data")
    assert added["python_version"] == ("3.12", "pickenv's answers when the project was made")
    after = answers_at(project)
    assert (after["ci_provider"], after["python_version"]) == ("gitlab", "3.12")
    assert "Python 3.12, gitlab" in (project / "README.md").read_text()


@pytest.mark.slow  # over 1.2 s: out of the fast suite (issue 17's 2-minute goal)
def test_update_data_answers_a_question_the_new_version_adds(tmp_path: Path, run_cli: Run) -> None:
    template = make(tmp_path / "t", UV, UV2)
    made = run_cli("new", "demo", "--template", str(template), "--template-ref", "v1.0.0", "--defaults",
                   "--trust", "--data", "project_name=demo", "--output-dir", str(tmp_path))  # fmt: skip
    assert made.code == EXIT_OK, made.err
    project = tmp_path / "demo"
    typo = run_cli("update", str(project), "--to", "v2.0.0", "--trust", "--data", "ci_provder=gitlab")
    assert typo.code == EXIT_USAGE and "did you mean 'ci_provider'?" in typo.err
    done = run_cli("update", str(project), "--to", "v2.0.0", "--trust", "--data", "ci_provider=gitlab")
    assert done.code == EXIT_OK, done.err
    assert answers_at(project)["ci_provider"] == "gitlab"


def test_unknown_data_and_mappings_are_refused_with_the_likely_name(tmp_path: Path, run_cli: Run) -> None:
    template = make(tmp_path / "t", UV)
    base = (
        "new",
        "demo",
        "--template",
        str(template),
        "--defaults",
        "--trust",
        "--output-dir",
        str(tmp_path),
    )
    typo = run_cli(*base, "--data", "project_nmae=demo")
    assert typo.code == EXIT_USAGE and "did you mean 'project_name'?" in typo.err
    team = _team(tmp_path, template).read_text().replace("ci_provider: gitlab", "copyright_licence: MIT")
    (tmp_path / "team" / "pickenv-team.yaml").write_text(team)
    bad = run_cli("new", "demo", "--team", str(tmp_path / "team"), "--defaults", "--trust",
                  "--output-dir", str(tmp_path))  # fmt: skip
    assert bad.code == EXIT_USAGE and "did you mean 'copyright_license'?" in bad.err
    unknown = run_cli(*base, "--data", "project_name=demo", "--license", "MIT")
    assert unknown.code == EXIT_USAGE and "asks no license" in unknown.err
    assert not (tmp_path / "demo").exists()


def test_a_licence_question_of_the_templates_own(tmp_path: Path, run_cli: Run) -> None:
    template = make(tmp_path / "t", JUPYTER)
    out = tmp_path / "out"
    out.mkdir()
    refused = run_cli("new", "ext", "--template", str(template), "--defaults", "--license", "Apache-2.0",
                      "--output-dir", str(out))  # fmt: skip
    assert refused.code == 3 and "the template offers: BSD-3-Clause, MIT" in refused.err
    # Its author_name is not pickenv's `author` (a team file can map it): --author is refused.
    author = run_cli("new", "ext", "--template", str(template), "--defaults", "--author", "Ada",
                     "--output-dir", str(out))  # fmt: skip
    assert author.code == EXIT_USAGE and "asks no author" in author.err
    taken = run_cli("new", "ext", "--template", str(template), "--defaults", "--license", "MIT",
                    "--output-dir", str(out))  # fmt: skip
    assert taken.code == EXIT_OK, taken.err
    assert (out / "ext" / "LICENSE").read_text() == "MIT by My Name\n"
    default = run_cli("new", "ext2", "--template", str(template), "--defaults", "--output-dir", str(out))
    assert default.code == EXIT_OK, default.err
    assert answers_at(out / "ext2")["license"] == "BSD-3-Clause"  # the template's default, not pickenv's


def test_tasks_run_in_the_projects_own_folder_and_can_be_skipped(tmp_path: Path, run_cli: Run) -> None:
    template = make(tmp_path / "t", FASTAPI)
    made = run_cli("new", "api", "--template", str(template), "--defaults", "--trust", "--data",
                   "secret_key=x", "--output-dir", str(tmp_path))  # fmt: skip
    assert made.code == EXIT_OK, made.err
    project = tmp_path / "api"
    assert (project / ".env").read_text() == f"PROJECT_DIR={project}"
    assert ".env" in git(project, "ls-files")  # the task's file is in the first commit
    skipped = run_cli("new", "api2", "--template", str(template), "--defaults", "--skip-tasks", "--data",
                      "secret_key=x", "--output-dir", str(tmp_path))  # fmt: skip
    assert skipped.code == EXIT_OK, skipped.err  # nothing else to trust: no consent needed
    assert not (tmp_path / "api2" / ".env").exists()


def test_a_failing_task_takes_back_the_whole_project(tmp_path: Path, run_cli: Run) -> None:
    failing = {**PDM, "copier.yml": PDM["copier.yml"] + '_tasks:\n  - "touch made-by-task && exit 3"\n'}
    template = make(tmp_path / "t", failing)
    out = write_files(tmp_path / "out", {"mine.txt": "kept\n"})
    before = snapshot(out)
    result = run_cli("new", "demo", "--template", str(template), "--defaults", "--trust", "--data",
                     "project_name=demo", "--output-dir", str(out))  # fmt: skip
    assert result.code == EXIT_TEMPLATE and "a task of the template" in result.err
    assert snapshot(out) == before


@pytest.mark.slow  # over 1.2 s: out of the fast suite (issue 17's 2-minute goal)
def test_update_check_runs_no_task(tmp_path: Path, run_cli: Run) -> None:
    log = tmp_path / "ran.log"
    counting = {**PDM, "copier.yml": PDM["copier.yml"] + f'_tasks:\n  - "echo ran >> {log}"\n'}
    template = make(tmp_path / "t", counting, {**counting, "CHANGELOG.md": "new\n"})
    made = run_cli("new", "demo", "--template", str(template), "--template-ref", "v1.0.0", "--defaults",
                   "--trust", "--data", "project_name=demo", "--output-dir", str(tmp_path))  # fmt: skip
    assert made.code == EXIT_OK, made.err
    assert log.read_text() == "ran\n"
    check = run_cli("update", str(tmp_path / "demo"), "--check")  # no --trust needed: nothing runs
    assert check.code == EXIT_UPDATE_AVAILABLE, check.err
    assert log.read_text() == "ran\n"


def test_migrations_are_asked_for_on_update_by_their_commands(tmp_path: Path, run_cli: Run) -> None:
    template = make(tmp_path / "t", DOODBA, DOODBA2)
    made = run_cli("new", "odoo", "--template", str(template), "--template-ref", "v1.0.0", "--defaults",
                   "--output-dir", str(tmp_path))  # fmt: skip
    assert made.code == EXIT_OK, made.err  # a copy runs no migration: nothing to consent to
    refused = run_cli("update", str(tmp_path / "odoo"))
    assert refused.code == EXIT_UNTRUSTED
    assert "migration to v2.0.0: echo migrating" in refused.err


def test_tasks_that_make_the_repository_leave_git_to_the_template(tmp_path: Path, run_cli: Run) -> None:
    own_git = {**PDM, "copier.yml": PDM["copier.yml"] + '_tasks:\n  - "git init -q"\n'}
    template = make(tmp_path / "t", own_git)
    result = run_cli("new", "demo", "--template", str(template), "--defaults", "--trust", "--data",
                     "project_name=demo", "--output-dir", str(tmp_path), "--format", "json")  # fmt: skip
    assert result.code == EXIT_OK, result.err
    assert json.loads(result.out)["git"] == "skipped: the template's tasks made the repository"
    assert git(tmp_path / "demo", "rev-list", "--all") == ""  # pickenv committed nothing


def test_a_bare_repository_is_a_template(tmp_path: Path, run_cli: Run) -> None:
    template = make(tmp_path / "t", PDM)
    bare = tmp_path / "t.git"
    git(tmp_path, "clone", "-q", "--bare", str(template), str(bare))
    result = run_cli("new", "demo", "--template", str(bare), "--defaults", "--data", "project_name=demo",
                     "--output-dir", str(tmp_path))  # fmt: skip
    assert result.code == EXIT_OK, result.err
    assert answers_at(tmp_path / "demo")["_src_path"] == str(bare)


def test_copiers_whole_message_is_said(tmp_path: Path, run_cli: Run) -> None:
    broken = {**PDM, "copier.yml": PDM["copier.yml"] + "_jinja_extensions: [nosuchmodule.Extension]\n"}
    template = make(tmp_path / "t", broken)
    result = run_cli("new", "demo", "--template", str(template), "--defaults", "--trust", "--data",
                     "project_name=demo", "--output-dir", str(tmp_path))  # fmt: skip
    assert result.code == EXIT_TEMPLATE
    (line,) = result.err.splitlines()
    assert "could not load some Jinja extensions: No module named 'nosuchmodule'" in line


@pytest.mark.slow  # over 1 s: out of the fast suite (issue 17's 2-minute goal)
def test_a_local_clone_of_the_teams_url_follows_the_teams_pin(tmp_path: Path, run_cli: Run) -> None:
    upstream = make(tmp_path / "upstream", PDM, PDM2)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(upstream), str(clone))
    url = "https://git.example.invalid/acme/template.git"
    git(clone, "remote", "set-url", "origin", url)
    made = run_cli("new", "demo", "--template", str(clone), "--template-ref", "v1.0.0", "--defaults",
                   "--data", "project_name=demo", "--output-dir", str(tmp_path))  # fmt: skip
    assert made.code == EXIT_OK, made.err
    team = write_files(
        tmp_path / "team",
        {"pickenv-team.yaml": f"schema_version: 1\ntemplate: {{source: {url}, ref: v1.0.0}}\n"},
    )
    pinned = run_cli("update", str(tmp_path / "demo"), "--check", "--team", str(team / "pickenv-team.yaml"))
    assert (pinned.code, pinned.out) == (EXIT_OK, f"{tmp_path / 'demo'} is up to date: template v1.0.0.\n")
    other = write_files(
        tmp_path / "other",
        {"pickenv-team.yaml": "schema_version: 1\ntemplate: {source: gh:acme/other, ref: v1.0.0}\n"},
    )
    unpinned = run_cli(
        "update", str(tmp_path / "demo"), "--check", "--team", str(other / "pickenv-team.yaml")
    )
    assert unpinned.code == EXIT_UPDATE_AVAILABLE
    assert "Note: the team file pins gh:acme/other, not this project's template" in unpinned.out


@pytest.mark.slow  # over 1 s: out of the fast suite (issue 17's 2-minute goal)
def test_conflicts_exit_with_their_own_code(tmp_path: Path, run_cli: Run) -> None:
    template = make(tmp_path / "t", PDM, {**PDM, "README.md.jinja": "# {{ project_name }}\n\nfrom v2\n"})
    made = run_cli("new", "demo", "--template", str(template), "--template-ref", "v1.0.0", "--defaults",
                   "--data", "project_name=demo", "--output-dir", str(tmp_path))  # fmt: skip
    assert made.code == EXIT_OK, made.err
    project = tmp_path / "demo"
    (project / "README.md").write_text("# demo\n\nmine\n")
    git(project, "commit", "-qam", "edit")
    result = run_cli("update", str(project))
    assert result.code == EXIT_CONFLICTS and "README.md" in result.out


# ---- template check ----------------------------------------------------------------------------
def test_template_check_takes_each_shape_as_it_is(tmp_path: Path, run_cli: Run) -> None:
    cookie = make(tmp_path / "cookie", COOKIE)
    result = run_cli("template", "check", str(cookie), "--format", "json")
    report = json.loads(result.out)
    # The answers file is written through a variable of the template's: found in the render.
    assert result.code == EXIT_OK, report["problems"]
    assert (report["owns_tool"], report["rendered"], report["planned"]) == (True, 1, 1)
    fastapi = make(tmp_path / "fastapi", FASTAPI)
    without = run_cli("template", "check", str(fastapi))
    assert without.code == EXIT_TEMPLATE
    assert "copier.yml: no default for secret_key: answer them with --data NAME=VALUE" in without.out
    assert "answers_file" not in without.out  # not rendered: nothing said of its answers file
    given = run_cli("template", "check", str(fastapi), "--data", "secret_key=x")
    assert given.code == EXIT_OK, given.out
    assert "rendered 1 of 1 (tools: its own; domains: scripting)" in given.out


def test_template_check_notes_odd_tags_and_checks_migrations(tmp_path: Path, run_cli: Run) -> None:
    bad_migration = DOODBA["copier.yml"].replace("version: v2.0.0", "version: second")
    template = make(tmp_path / "t", {**DOODBA, "copier.yml": bad_migration})
    git(template, "tag", "old-release")
    result = run_cli("template", "check", str(template))
    assert result.code == EXIT_TEMPLATE
    assert "copier.yml: migration 1: version 'second' is not PEP 440" in result.out
    assert "note: tags 'old-release': not PEP 440 versions, copier never updates to them" in result.out


def test_a_template_that_excludes_its_own_way_never_brings_its_repository(
    tmp_path: Path, run_cli: Run
) -> None:
    """A template's `_exclude` replaces copier's defaults (`.git` among them), as
    fastapi's does: plain copier then copies the template's repository into the project."""
    own_exclude = {**PDM, "copier.yml": PDM["copier.yml"] + "_exclude: [copier.yml, '*.pyc']\n"}
    template = make(tmp_path / "t", own_exclude)
    result = run_cli("new", "demo", "--template", str(template), "--defaults", "--data", "project_name=demo",
                     "--output-dir", str(tmp_path), "--format", "json")  # fmt: skip
    assert result.code == EXIT_OK, result.err
    assert json.loads(result.out)["git"] == "initialised with a first commit"
    log = git(tmp_path / "demo", "log", "--format=%s")
    assert log.startswith("Initial commit from pickenv") and log.count("\n") == 1


def test_migrations_the_update_does_not_cross_are_not_asked_for(tmp_path: Path, run_cli: Run) -> None:
    config = textwrap.dedent(DOODBA["copier.yml"]) + "  - version: v0.5.0\n    command: echo ancient\n"
    template = make(tmp_path / "t", {**DOODBA, "copier.yml": config}, {**DOODBA2, "copier.yml": config})
    made = run_cli("new", "odoo", "--template", str(template), "--template-ref", "v1.0.0", "--defaults",
                   "--output-dir", str(tmp_path))  # fmt: skip
    assert made.code == EXIT_OK, made.err
    refused = run_cli("update", str(tmp_path / "odoo"))
    assert refused.code == EXIT_UNTRUSTED and "echo migrating" in refused.err
    assert "ancient" not in refused.err


def test_template_check_finds_a_json_answers_file_and_notes_advice(tmp_path: Path, run_cli: Run) -> None:
    bare_config = textwrap.dedent(FASTAPI["copier.yml"]).replace('_min_copier_version: "9.0.0"\n', "")
    template = make(tmp_path / "t", {**FASTAPI, "copier.yml": bare_config})
    result = run_cli("template", "check", str(template), "--data", "secret_key=x", "--format", "json")
    assert result.out, result.err
    report = json.loads(result.out)
    assert result.code == EXIT_OK and report["problems"] == []
    assert any("no _min_copier_version" in note for note in report["notes"])


@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_two_templates_in_one_project_each_with_its_answers(tmp_path: Path, run_cli: Run) -> None:
    """copier's `-a`: a second template, with an answers file of its own, rendered into
    the same project; each is updated on its own, and pickenv's records stay apart."""
    first = make(tmp_path / "base", PDM, PDM2)
    ci_v1 = {
        "copier.yml": "_answers_file: .copier-answers.ci.yml\nrunner: {type: str, default: ubuntu}\n",
        "{{ _copier_conf.answers_file }}.jinja": ANSWERS,
        "ci/{{ runner }}.txt.jinja": "runs on {{ runner }}\n",
    }
    second = make(tmp_path / "ci", ci_v1, {**ci_v1, "ci/NOTES.md": "v2\n"})
    out = tmp_path / "out"
    out.mkdir()
    made = run_cli("new", "app", "--template", str(first), "--template-ref", "v1.0.0", "--defaults",
                   "--data", "project_name=app", "--output-dir", str(out))  # fmt: skip
    assert made.code == EXIT_OK, made.err
    project = out / "app"
    added = run_cli("new", "app", "--template", str(second), "--template-ref", "v1.0.0", "--defaults",
                    "--force", "--output-dir", str(out))  # fmt: skip
    assert added.code == EXIT_OK, added.err
    assert (project / ".pickenv-answers.ci.yml").is_file() and (project / ".pickenv-answers.yml").is_file()
    git(project, "add", "-A")
    git(project, "commit", "-qm", "the CI template too")
    ci = run_cli("update", str(project), "--copier-answers", ".copier-answers.ci.yml")
    assert ci.code == EXIT_OK, ci.err
    assert answers_at(project, ".copier-answers.ci.yml")["_commit"] == "v2.0.0"
    assert answers_at(project)["_commit"] == "v1.0.0" and (project / "ci" / "NOTES.md").is_file()
    git(project, "add", "-A")
    git(project, "commit", "-qm", "CI template v2")
    base = run_cli("update", str(project))  # copier's own answers file first, as copier does
    assert base.code == EXIT_OK, base.err
    assert answers_at(project)["_commit"] == "v2.0.0" and (project / "CHANGELOG.md").is_file()


def test_recopy_renders_the_version_again_over_the_project(tmp_path: Path, run_cli: Run) -> None:
    template = make(tmp_path / "t", PDM, PDM2)
    made = run_cli("new", "demo", "--template", str(template), "--template-ref", "v1.0.0", "--defaults",
                   "--data", "project_name=demo", "--output-dir", str(tmp_path))  # fmt: skip
    assert made.code == EXIT_OK, made.err
    project = tmp_path / "demo"
    (project / "README.md").write_text("# demo\n\nmine\n")
    git(project, "commit", "-qam", "an edit")
    result = run_cli("update", str(project), "--recopy", "--format", "json")
    assert result.code == EXIT_OK, result.err
    changes = {c["path"]: c["change"] for c in json.loads(result.out)["changes"]}
    # No merge: the template's README as it is (git has the edit), and v2's new file.
    assert (project / "README.md").read_text() == "# demo\n"
    assert changes["README.md"] == "changed" and changes["CHANGELOG.md"] == "added"


def test_a_template_with_a_submodule(tmp_path: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """doodba's shape: part of the template is a git submodule, rendered with the rest.
    git clones a submodule from a local path only when allowed (protocol.file.allow),
    as a user serving templates from disk would set it; a URL needs nothing."""
    from plumbum import local

    shared = repository(tmp_path / "shared", {"v1": {"shared.txt.jinja": "shared by {{ project_name }}\n"}})
    template = make(tmp_path / "t", DOODBA)
    allow = {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "protocol.file.allow",
        "GIT_CONFIG_VALUE_0": "always",
    }
    for key, value in allow.items():
        monkeypatch.setenv(key, value)
    git(template, "submodule", "add", "-q", str(shared), "vendor/shared")
    git(template, "commit", "-qm", "vendor the shared files")
    git(template, "tag", "v1.1.0")
    # copier runs git through plumbum, whose environment is a copy of os.environ taken
    # when plumbum was first imported (maybe by an earlier test in this process).
    with local.env(**allow):
        result = run_cli(
            "new", "odoo", "--template", str(template), "--defaults", "--output-dir", str(tmp_path)
        )
        checked = run_cli("template", "check", str(template))
    assert result.code == EXIT_OK, result.err
    assert (tmp_path / "odoo" / "vendor" / "shared" / "shared.txt").read_text() == "shared by odoo\n"
    assert checked.code == EXIT_OK, checked.out


def test_a_local_clone_of_a_trusted_url_is_trusted(tmp_path: Path, run_cli: Run) -> None:
    counting = {**PDM, "copier.yml": PDM["copier.yml"] + '_tasks:\n  - "echo ran > task-ran.txt"\n'}
    upstream = make(tmp_path / "upstream", counting)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(upstream), str(clone))
    url = "https://git.example.invalid/acme/template.git"
    git(clone, "remote", "set-url", "origin", url)
    team = write_files(tmp_path / "team", {"pickenv-team.yaml": f"schema_version: 1\ntrust: [{url}]\n"})
    base = ("new", "demo", "--template", str(clone), "--defaults", "--data", "project_name=demo")
    refused = run_cli(*base, "--output-dir", str(tmp_path))
    assert refused.code == EXIT_UNTRUSTED
    trusted = run_cli(*base, "--team", str(team / "pickenv-team.yaml"), "--output-dir", str(tmp_path))
    assert trusted.code == EXIT_OK, trusted.err
    assert (tmp_path / "demo" / "task-ran.txt").read_text() == "ran\n"


def test_a_team_template_newer_than_the_update_says_so_without_pickenvs_version(
    tmp_path: Path, run_cli: Run
) -> None:
    template = make(tmp_path / "t", PDM, PDM2)
    made = run_cli("new", "demo", "--template", str(template), "--defaults", "--data", "project_name=demo",
                   "--output-dir", str(tmp_path))  # fmt: skip
    assert made.code == EXIT_OK, made.err
    down = run_cli("update", str(tmp_path / "demo"), "--to", "v1.0.0")
    assert down.code == EXIT_PROJECT and "pickenv never downgrades" in down.err
    assert "install pickenv" not in down.err  # the template's version is not pickenv's
