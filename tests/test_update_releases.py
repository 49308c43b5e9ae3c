"""Projects made by earlier pickenv releases update to this release's template with
`pickenv update`, and keep their user's edits.

Each project is rendered by copier from the shipped template history at an earlier tag
(as that release's `pickenv new` wrote it), committed, edited by its user and committed
again. After the update, every file is what a fresh render of this release's template
with the same answers holds, except for the user's edits, which are still there, and the
user's own files. The fresh render is copier's, from the same history: the oracle is
copier, not pickenv.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import copier
import pytest
import yaml

from helpers import Result, git, snapshot
from pickenv import __version__
from pickenv.errors import EXIT_OK
from pickenv.templating.history import REPO_NAME

Run = Callable[..., Result]

# Pairwise over the releases, tools, domains and deployment answers that change the most
# files between releases (libraries gain CI and release files, web projects deployment
# files, data-science projects dependency sets).
CASES = [
    ("0.2.0", {"tool": "venv", "domain": "library", "python_version": "3.12", "deploy": "docker"}),
    ("0.2.0", {"tool": "conda", "domain": "data-science", "python_version": "3.11", "deploy": "none"}),
    ("0.2.0", {"tool": "uv", "domain": "cli", "python_version": "3.12", "deploy": "serverless"}),
    ("0.3.0", {"tool": "pipenv", "domain": "web", "python_version": "3.11", "deploy": "heroku"}),
    ("0.3.0", {"tool": "uv", "domain": "library", "python_version": "3.13", "deploy": "none"}),
    ("0.3.0", {"tool": "virtualenv", "domain": "scripting", "python_version": "3.10", "deploy": "hpc"}),
]

USER_SECTION = "\n## Our notes\n\nThe team's own words, kept by every update.\n"
USER_CODE = '\n\ndef shout(text: str) -> str:\n    """The user\'s own function."""\n    return text.upper()\n'
USER_FILE = "docs/decisions.md"
USER_FILE_TEXT = "# Decisions\n\n1. We keep our own files.\n"


def answers(project: Path) -> dict[str, object]:
    loaded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def render(history: Path, target: Path, data: dict[str, str], ref: str) -> None:
    copier.run_copy(str(history), str(target), data=data, defaults=True, vcs_ref=ref, quiet=True)


@pytest.fixture
def history(tmp_path: Path, run_cli: Run) -> Path:
    """The template history repository in the test's cache, made the way users get it."""
    made = run_cli("new", "first", "--defaults", "--output-dir", str(tmp_path))
    assert made.code == EXIT_OK, made.err
    found = tmp_path / "xdg-cache" / "pickenv" / REPO_NAME
    assert (found / ".git").is_dir()
    return found


@pytest.mark.slow  # copier renders three times per case
@pytest.mark.parametrize(
    ("release", "chosen"), CASES, ids=[f"{r}-{c['tool']}-{c['domain']}" for r, c in CASES]
)
def test_a_project_of_an_earlier_release_updates_and_keeps_the_users_edits(
    tmp_path: Path, history: Path, run_cli: Run, release: str, chosen: dict[str, str]
) -> None:
    data = {"project_name": "kept", **chosen}
    project = tmp_path / "kept"
    render(history, project, data, release)
    assert answers(project)["_commit"] == release
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", f"made by pickenv {release}")

    readme = project / "README.md"
    readme.write_text(readme.read_text() + USER_SECTION)
    init = project / "src" / "kept" / "__init__.py"
    init.write_text(init.read_text() + USER_CODE)
    (project / USER_FILE).parent.mkdir()
    (project / USER_FILE).write_text(USER_FILE_TEXT)
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "our edits")

    result = run_cli("update", str(project))
    assert result.code == EXIT_OK, result.err + result.out
    assert "conflict" not in result.out.lower(), result.out
    assert answers(project)["_commit"] == __version__

    fresh = tmp_path / "fresh"
    render(history, fresh, data, __version__)
    expected = {k: v for k, v in snapshot(fresh).items() if not k.startswith("<git ")}
    got = {k: v for k, v in snapshot(project).items() if not k.startswith(("<git ", ".git/"))}

    # The user's edits, on top of this release's files.
    assert got.pop("README.md") == expected.pop("README.md") + USER_SECTION.encode()
    assert got.pop("src/kept/__init__.py") == expected.pop("src/kept/__init__.py") + USER_CODE.encode()
    assert got.pop(USER_FILE) == USER_FILE_TEXT.encode()
    # Everything else is this release's template, file for file: nothing of the earlier
    # release is left behind, nothing is missing.
    assert sorted(got) == sorted(expected)
    different = [name for name in expected if got[name] != expected[name]]
    assert different == []
    # The update is left for the user to review and commit, as copier leaves it.
    status = git(project, "status", "--porcelain").splitlines()
    assert status and all(line[:2] in {" M", "??", " D"} for line in status), status
