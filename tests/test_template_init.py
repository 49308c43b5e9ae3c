"""`pickenv template init FOLDER`: a team's template repository from pickenv's own template.

Real git and real copier throughout: the result passes `pickenv template check`, makes a
project with `pickenv new --team`, and a version tagged later reaches it through
`pickenv update`. Refusals leave the folder byte for byte as it was; a real SIGTERM
while git works (a `git` first on PATH holds the run at a chosen command, through a FIFO,
never by sleeping) leaves nothing, in a new folder and in the user's own repository.
The CI workflow it writes passes GitHub's workflow schema and zizmor's offline audit.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from helpers import ROOT, Result, git, make_home, repository, snapshot, waiting_git
from pickenv import __version__
from pickenv.errors import EXIT_DESTINATION, EXIT_INTERRUPTED, EXIT_NO_GIT, EXIT_OK, EXIT_USAGE
from pickenv.schemas import load_schema
from pickenv.templating.scaffold_files import CHECKOUT, SETUP_PYTHON, WORKFLOW
from pickenv.yamlio import load_located, plain

Run = Callable[..., Result]
REAL_GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(REAL_GIT is None, reason="git is not installed")
WATCHDOG = 120.0  # seconds before a hook that is never reached fails the test


def team_data(folder: Path) -> dict[str, object]:
    root, problems = load_located((folder / "pickenv-team.yaml").read_text(encoding="utf-8"), "team")
    assert root is not None and not problems, problems
    data = plain(root)
    assert isinstance(data, dict)
    return data


def left_in(folder: Path) -> list[str]:
    """pickenv's own leftovers in a folder: staging folders and lock files."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".pickenv-tmp", ".pickenv-lock")))


def answers(project: Path) -> dict[str, object]:
    data = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.mark.slow  # a template check of 30 renders, a project and its update
def test_a_template_that_passes_its_check_makes_projects_and_updates_them(
    tmp_path: Path, run_cli: Run
) -> None:
    folder = tmp_path / "acme-template"
    made = run_cli("template", "init", str(folder), "--name", "acme", "--format", "json")
    assert made.code == EXIT_OK, made.err
    report = json.loads(made.out)  # run_cli validated it against template-init.schema.json
    assert report["path"] == str(folder) and report["name"] == "acme"
    assert report["template"] == {"source": str(folder), "ref": "v1.0.0"}
    assert report["git"]["repository"] and report["git"]["branch"] == "main" and not report["git"]["existing"]
    # pickenv's own template, byte for byte, and the team's three files
    shipped = ROOT / "templates" / "project"
    for path in shipped.rglob("*"):
        if path.is_file():
            assert (folder / path.relative_to(shipped)).read_bytes() == path.read_bytes(), path
    assert {"TEAM-README.md", "pickenv-team.yaml", WORKFLOW} <= set(report["files"])
    assert report["files"] == sorted(git(folder, "ls-files").splitlines())  # every file, committed
    # one commit on main, tagged v1.0.0, nothing left over
    assert git(folder, "log", "--format=%s").splitlines() == [f"Template from pickenv {__version__}"]
    assert git(folder, "describe", "--exact-match", "HEAD").strip() == "v1.0.0"
    assert git(folder, "cat-file", "-t", "v1.0.0").strip() == "tag"  # annotated
    assert report["git"]["commit"] == git(folder, "rev-parse", "HEAD").strip()
    assert git(folder, "status", "--porcelain", "--ignored") == ""
    assert left_in(tmp_path) == []
    # the team file: pickenv-team.yaml as the schema describes it
    team = team_data(folder)
    errors = list(Draft202012Validator(load_schema("team-file")).iter_errors(team))
    assert not errors, [e.message for e in errors]
    assert team == {
        "schema_version": 1,
        "name": "acme",
        "template": {"source": str(folder), "ref": "v1.0.0"},
        "answers": {},
        "defaults": {},
        "data": {},
        "trust": [],
    }

    checked = run_cli("template", "check", str(folder))
    assert checked.code == EXIT_OK and checked.out.endswith("; no problems.\n"), checked.out
    assert "rendered 30 of 30" in checked.out

    out = tmp_path / "projects"
    out.mkdir()
    team_file = str(folder / "pickenv-team.yaml")
    project = run_cli("new", "x", "--team", team_file, "--defaults", "--output-dir", str(out))
    assert project.code == EXIT_OK, project.err
    recorded = answers(out / "x")
    assert recorded["_src_path"] == str(folder) and recorded["_commit"] == "v1.0.0"

    readme = folder / "template" / "README.md.jinja"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nOwners: #platform.\n", encoding="utf-8")
    git(folder, "commit", "-q", "-am", "Name the owners")
    git(folder, "tag", "v1.1.0")
    updated = run_cli("update", str(out / "x"), "--team", team_file, "--to", "v1.1.0")
    assert updated.code == EXIT_OK, updated.out + updated.err
    assert "Owners: #platform." in (out / "x" / "README.md").read_text(encoding="utf-8")
    assert answers(out / "x")["_commit"] == "v1.1.0"


def test_the_text_report_says_what_was_made_and_what_comes_next(
    tmp_path: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    made = run_cli("template", "init", "tpl")
    assert made.code == EXIT_OK and made.err == "", made.err
    lines = made.out.splitlines()
    count = len(git(tmp_path / "tpl", "ls-files").splitlines())
    assert (
        lines[0]
        == f"Created the tpl template in tpl ({count} files), from pickenv {__version__}'s own template."
    )
    assert lines[1] == "Team file: tpl/pickenv-team.yaml (it pins this template at v1.0.0)."
    assert lines[2] == "Git: a new repository, committed on main and tagged v1.0.0."
    assert lines[3:] == [
        "Next:",
        "  pickenv template check tpl",
        "  pickenv new myproject --team tpl/pickenv-team.yaml --defaults",
        "  cd tpl  # change it, then tag the next version: see TEAM-README.md",
    ]
    quiet = run_cli("template", "init", "other", "--quiet")
    assert quiet.code == EXIT_OK and quiet.out == f"{tmp_path / 'other'}\n" and quiet.err == ""


def test_an_empty_folder_is_used_and_a_home_path_is_written_with_a_tilde(
    isolated_home: Path, run_subprocess: Run
) -> None:
    folder = isolated_home / "templates" / "team"
    folder.mkdir(parents=True)
    made = run_subprocess("template", "init", str(folder))
    assert made.code == EXIT_OK, made.err
    assert team_data(folder)["template"] == {"source": "~/templates/team", "ref": "v1.0.0"}
    assert team_data(folder)["name"] == "team"
    assert git(folder, "status", "--porcelain") == "" and (folder / ".git").is_dir()
    assert sorted(os.listdir(folder.parent)) == ["team"]
    shutil.rmtree(isolated_home / "templates")


@pytest.mark.parametrize("name", ["yes", "1.0", "#platform: core", 'a "quoted" name', "équipe"])
def test_any_team_name_is_written_as_text(tmp_path: Path, run_cli: Run, name: str) -> None:
    made = run_cli("template", "init", str(tmp_path / "t"), "--name", name, "--format", "json")
    assert made.code == EXIT_OK, made.err
    assert team_data(tmp_path / "t")["name"] == name == json.loads(made.out)["name"]


def test_a_name_on_two_lines_is_refused(tmp_path: Path, run_cli: Run) -> None:
    work = tmp_path / "work"
    work.mkdir()
    refused = run_cli("template", "init", str(work / "t"), "--name", "a\nb")
    assert refused.code == EXIT_USAGE and refused.err.count("\n") == 1 and "--name" in refused.err
    assert os.listdir(work) == []


def test_a_folder_whose_parent_is_missing_is_refused_in_words_for_a_template(
    tmp_path: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    refused = run_cli("template", "init", str(tmp_path / "missing" / "tpl"))
    assert refused.code == EXIT_DESTINATION and refused.err == (
        f"pickenv: error: {tmp_path / 'missing'} does not exist; create the folder it goes in, "
        "or make the template elsewhere\n"
    )
    (tmp_path / "work" / "sub").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "work" / "sub")
    made = run_cli("template", "init", "../tpl", "--format", "json")  # `..` named, not kept
    assert made.code == EXIT_OK and json.loads(made.out)["name"] == "tpl", made.err
    assert sorted(os.listdir(tmp_path / "work")) == ["sub", "tpl"]


def users_folder(folder: Path) -> Path:
    """A folder of the user's: a repository with a commit, staged and untracked files."""
    repository(folder, {"init": {"README.md": "# ours\n", "notes/a.txt": "a\n"}})
    (folder / "staged.txt").write_text("staged\n")
    git(folder, "add", "staged.txt")
    (folder / "untracked.txt").write_text("mine\n")
    return folder


def test_a_folder_with_files_is_refused_and_left_as_it_was(tmp_path: Path, run_cli: Run) -> None:
    folder = users_folder(tmp_path / "repo")
    before, around = snapshot(folder, git_bytes=True), sorted(os.listdir(tmp_path))
    refused = run_cli("template", "init", str(folder))
    assert refused.code == EXIT_DESTINATION, refused.err
    assert refused.err == (
        f"pickenv: error: {folder} exists and is not empty; choose another name, or pass --force "
        "to add the template's files beside yours (none of yours is replaced)\n"
    )
    assert snapshot(folder, git_bytes=True) == before and sorted(os.listdir(tmp_path)) == around


def test_force_commits_only_its_files_in_the_users_repository(tmp_path: Path, run_cli: Run) -> None:
    folder = users_folder(tmp_path / "repo")
    git(folder, "branch", "-m", "trunk")
    head = git(folder, "rev-parse", "HEAD").strip()
    made = run_cli("template", "init", str(folder), "--force", "--format", "json")
    assert made.code == EXIT_OK, made.err
    report = json.loads(made.out)
    assert report["git"]["existing"] and report["git"]["branch"] == "trunk"
    assert git(folder, "rev-parse", "HEAD~1").strip() == head  # on top of the user's history
    assert (
        git(folder, "diff-tree", "--no-commit-id", "--name-only", "-r", "HEAD").splitlines()
        == report["files"]
    )
    assert git(folder, "rev-parse", "v1.0.0^{commit}").strip() == report["git"]["commit"]
    # the user's staged and untracked files stay as they were, and nothing else is changed
    assert git(folder, "status", "--porcelain").splitlines() == ["A  staged.txt", "?? untracked.txt"]
    assert (folder / "README.md").read_text() == "# ours\n"


def test_force_into_a_folder_that_is_no_repository_makes_one_of_pickenvs_files(
    tmp_path: Path, run_cli: Run
) -> None:
    folder = tmp_path / "plain"
    (folder / ".github" / "workflows").mkdir(parents=True)
    (folder / ".github" / "workflows" / "other.yml").write_text("name: other\n")
    (folder / "notes.txt").write_text("mine\n")
    made = run_cli("template", "init", str(folder), "--force", "--format", "json")
    assert made.code == EXIT_OK, made.err
    report = json.loads(made.out)
    assert not report["git"]["existing"] and report["git"]["branch"] == "main"
    assert git(folder, "ls-files").splitlines() == report["files"]  # pickenv's files alone
    assert git(folder, "status", "--porcelain", "-uall").splitlines() == [
        "?? .github/workflows/other.yml",
        "?? notes.txt",
    ]


@pytest.mark.parametrize("trouble", ["a file of pickenv's", "the tag", "a detached HEAD"])
def test_force_refuses_before_writing_anything(tmp_path: Path, run_cli: Run, trouble: str) -> None:
    folder = users_folder(tmp_path / "repo")
    if trouble == "a file of pickenv's":
        (folder / "copier.yml").write_text("mine: true\n")
        expected = f"{folder / 'copier.yml'} is there already; pickenv never replaces a file"
    elif trouble == "the tag":
        git(folder, "tag", "v1.0.0")
        expected = f"{folder} is a git repository that has a tag v1.0.0 already"
    else:
        git(folder, "checkout", "-q", "--detach")
        expected = f"{folder} is a git repository on no branch (a detached HEAD)"
    before, around = snapshot(folder, git_bytes=True), sorted(os.listdir(tmp_path))
    refused = run_cli("template", "init", str(folder), "--force")
    assert refused.code == EXIT_DESTINATION and refused.err.count("\n") == 1, refused.err
    assert refused.err.startswith(f"pickenv: error: {expected}"), refused.err
    assert snapshot(folder, git_bytes=True) == before and sorted(os.listdir(tmp_path)) == around


def test_without_git_the_folder_is_made_and_the_exit_code_says_so(tmp_path: Path, run_cli: Run) -> None:
    no_git = tmp_path / "bin"
    no_git.mkdir()
    made = run_cli("template", "init", str(tmp_path / "tpl"), env={"PATH": str(no_git)})
    assert made.code == EXIT_NO_GIT, made.err
    assert "Git: skipped: git is not installed." in made.out
    assert "  git init -b main && git add -A && git commit -m " in made.out
    assert (tmp_path / "tpl" / "copier.yml").is_file() and not (tmp_path / "tpl" / ".git").exists()
    assert team_data(tmp_path / "tpl")["template"] == {"source": str(tmp_path / "tpl"), "ref": "v1.0.0"}


def test_git_that_does_not_know_who_commits_is_said_before_anything_is_written(
    tmp_path: Path, run_cli: Run
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[user]\n\tuseConfigOnly = true\n")  # no guessing from the host
    refused = run_cli("template", "init", str(tmp_path / "tpl"), env={"HOME": str(home)})
    assert refused.code == EXIT_USAGE and refused.err.count("\n") == 1, refused.err
    assert "git does not know who you are" in refused.err and "git config --global user.name" in refused.err
    assert not (tmp_path / "tpl").exists()


def test_no_hook_runs_not_even_the_users_global_ones(tmp_path: Path, run_cli: Run) -> None:
    hooks, marks = tmp_path / "hooks", tmp_path / "marks"
    hooks.mkdir()
    marks.mkdir()
    for name in ("pre-commit", "prepare-commit-msg", "commit-msg", "post-commit", "reference-transaction"):
        (hooks / name).write_text(f"#!/bin/sh\ntouch {marks / name}\n")
        (hooks / name).chmod(0o755)
    home = make_home(tmp_path / "home", f"[core]\n\thooksPath = {hooks}\n")
    made = run_cli("template", "init", str(tmp_path / "tpl"), env={"HOME": str(home)})
    assert made.code == EXIT_OK, made.err
    assert os.listdir(marks) == []
    # The hooks are real: the user's own next commit there runs them.
    subprocess.run(["git", "commit", "-q", "--allow-empty", "-m", "x"], cwd=tmp_path / "tpl",
                   env={**os.environ, "HOME": str(home)}, check=True)  # fmt: skip
    assert {"pre-commit", "commit-msg", "post-commit"} <= set(os.listdir(marks))


def test_the_commit_and_the_tag_are_signed_where_the_user_signs(tmp_path: Path, run_cli: Run) -> None:
    """commit.gpgSign and tag.gpgSign, with a stand-in for gpg that signs anything."""
    gpg = tmp_path / "fake-gpg"
    gpg.write_text(
        "#!/bin/sh\ncat >/dev/null\necho '[GNUPG:] SIG_CREATED D 1 8 00 0 0 0' >&2\n"
        "printf -- '-----BEGIN PGP SIGNATURE-----\\nfake\\n-----END PGP SIGNATURE-----\\n'\n"
    )
    gpg.chmod(0o755)
    signing = f"[commit]\n\tgpgSign = true\n[tag]\n\tgpgSign = true\n[gpg]\n\tprogram = {gpg}\n"
    home = make_home(tmp_path / "home", signing)
    made = run_cli("template", "init", str(tmp_path / "tpl"), env={"HOME": str(home)})
    assert made.code == EXIT_OK, made.err
    assert "gpgsig -----BEGIN PGP SIGNATURE-----" in git(tmp_path / "tpl", "cat-file", "commit", "HEAD")
    assert "-----BEGIN PGP SIGNATURE-----" in git(tmp_path / "tpl", "cat-file", "tag", "v1.0.0")


# ----- stopped while git works ---------------------------------------------------------------


@pytest.fixture
def held_git(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> Iterator[Callable[[str, int], dict[str, str]]]:
    """The environment of a pickenv run whose git waits before its n-th ``command``."""
    hook = tmp_path / "hook"
    held = waiting_git(hook)

    def env(command: str, nth: int = 1) -> dict[str, str]:
        return {
            **subprocess_env,
            **held,
            "PATH": f"{hook / 'bin'}{os.pathsep}{subprocess_env['PATH']}",
            "FAULT_COMMAND": command,
            "FAULT_NTH": str(nth),
            "FAULT_COUNT": str(hook / "count"),
        }

    yield env
    try:  # a git still waiting is let go
        fd = os.open(hook / "hold", os.O_WRONLY | os.O_NONBLOCK)
        os.write(fd, b"go\n")
        os.close(fd)
    except OSError:
        pass


def held(process: subprocess.Popen[bytes], reached: Path) -> str:
    """Wait until the run's git is at the hook (or fail if pickenv ended before)."""
    fd = os.open(reached, os.O_RDONLY | os.O_NONBLOCK)
    ours = os.open(reached, os.O_WRONLY)  # a writer of our own: no end-of-file meanwhile
    try:
        deadline = time.monotonic() + WATCHDOG
        while time.monotonic() < deadline:
            if select.select([fd], [], [], 0.5)[0]:
                return os.read(fd, 4096).decode().strip()
            if process.poll() is not None:
                out, err = process.communicate()
                raise AssertionError(f"pickenv ended before the hook: {out!r} {err!r}")
        raise AssertionError("the hook was never reached")
    finally:
        os.close(fd)
        os.close(ours)


def stopped_run(env: dict[str, str], *args: str, cwd: Path) -> tuple[int, str]:
    """`pickenv ARGS`, held at its git hook, then sent SIGTERM (to pickenv alone, as
    `kill` does): its exit code and what it said on stderr."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pickenv", *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    assert held(process, Path(env["FAULT_REACHED"])) == env["FAULT_COMMAND"]
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=WATCHDOG)
    assert out == b""  # no report of a template that is not there
    return process.returncode, err.decode()


@pytest.mark.posix
@pytest.mark.parametrize(("command", "nth"), [("init", 1), ("commit-tree", 1), ("tag", 1), ("update-ref", 1)])
def test_a_sigterm_while_it_runs_leaves_nothing(
    tmp_path: Path, held_git: Callable[[str, int], dict[str, str]], command: str, nth: int
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    code, err = stopped_run(held_git(command, nth), "template", "init", "tpl", cwd=work)
    assert code == EXIT_INTERRUPTED and err == "\npickenv: interrupted; nothing was changed\n", err
    assert os.listdir(work) == []  # no template, no staging folder, no lock


@pytest.mark.posix
@pytest.mark.parametrize(
    ("command", "nth", "repo"),
    [("commit-tree", 1, True), ("update-ref", 1, True), ("reset", 1, True), ("tag", 1, False)],
)
def test_a_sigterm_under_force_takes_back_the_files_and_the_release(
    tmp_path: Path, held_git: Callable[[str, int], dict[str, str]], command: str, nth: int, repo: bool
) -> None:
    """In the user's repository, held before the commit, before the branch moves (the tag
    is made) and before the index follows (the branch has moved); in a folder that was no
    repository, once the new one has its commit: each time the folder is as it was."""
    if repo:
        folder = users_folder(tmp_path / "repo")
    else:
        folder = tmp_path / "plain"
        (folder / "notes").mkdir(parents=True)
        (folder / "notes" / "a.txt").write_text("mine\n")
    before = snapshot(folder)
    code, err = stopped_run(held_git(command, nth), "template", "init", str(folder), "--force", cwd=tmp_path)
    assert code == EXIT_INTERRUPTED and err == "\npickenv: interrupted; nothing was changed\n", err
    assert snapshot(folder) == before  # files, refs (no tag), the index's entries, the status


# ----- the template's CI ---------------------------------------------------------------------


def zizmor() -> str:
    found = shutil.which("zizmor", path=str(Path(sys.executable).parent)) or shutil.which("zizmor")
    assert found, "zizmor is in pickenv's test extra: pip install -e '.[test]'"
    return found


def test_the_ci_workflow_passes_githubs_schema_and_zizmor(tmp_path: Path, run_cli: Run) -> None:
    made = run_cli("template", "init", str(tmp_path / "tpl"))
    assert made.code == EXIT_OK, made.err
    workflow = tmp_path / "tpl" / WORKFLOW
    github = ("--builtin-schema", "vendor.github-workflows")
    schema = subprocess.run([sys.executable, "-m", "check_jsonschema", *github, str(workflow)],
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert schema.returncode == 0 and "ok -- validation done" in schema.stdout, schema.stdout + schema.stderr
    audit = subprocess.run([zizmor(), "--offline", "--format", "json", str(workflow)],
                           capture_output=True, text=True, check=False)  # fmt: skip
    assert (audit.returncode, json.loads(audit.stdout or "[]")) == (0, []), audit.stdout + audit.stderr
    data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    job = data["jobs"]["check"]
    steps = job["steps"]
    assert data["permissions"] == {} and job["permissions"] == {"contents": "read"}
    assert steps[0]["with"] == {"fetch-depth": 0, "persist-credentials": False}  # the tags, no token kept
    assert job["env"]["PICKENV"] == f"pickenv=={__version__}"
    assert [s["run"] for s in steps if "run" in s] == [
        'python -m pip install "$PICKENV"',
        "pickenv template check . --template-ref HEAD",
    ]


def test_its_actions_are_pinned_to_the_commits_pickenv_uses() -> None:
    own = (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert f"uses: {CHECKOUT}\n" in own and f"uses: {SETUP_PYTHON}\n" in own
