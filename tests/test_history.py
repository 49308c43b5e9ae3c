"""The built-in template's history repository, made for real with git in a temporary
cache folder: its tags, what happens when the shipped template changes, parallel
runs, and the shipped bundle's rules (cumulative; a release's template never changes)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from helpers import Result
from pickenv import __version__
from pickenv.context import Context
from pickenv.errors import EXIT_OK
from pickenv.resources import project_template
from pickenv.templating.history import BUNDLE_NAME, REPO_NAME, Git, ensure_history, release_key, template_ref

SHIPPED = project_template()


def context(tmp_path: Path) -> Context:
    env = {"HOME": str(tmp_path / "home"), "XDG_CACHE_HOME": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    return Context.from_environment(env)


def files_of_tag(repo: Path, tag: str) -> dict[str, bytes]:
    names = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", tag], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    return {
        name: subprocess.run(
            ["git", "show", f"{tag}:{name}"], cwd=repo, capture_output=True, check=True
        ).stdout
        for name in names
    }


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_the_history_has_every_shipped_release_and_this_version(tmp_path: Path) -> None:
    ctx = context(tmp_path)
    ref = ensure_history(ctx, SHIPPED)
    assert ref.ready and ref.tag == __version__
    assert ref.repo == tmp_path / "cache" / "pickenv" / REPO_NAME
    tags = Git(ref.repo, ctx.env).tags()
    assert {"0.1.0", "0.2.0", __version__} <= set(tags)
    assert files_of_tag(ref.repo, __version__) == files_of(SHIPPED)
    # Not bare, nothing checked out: copier takes its path for a repository.
    assert (ref.repo / ".git").is_dir() and sorted(p.name for p in ref.repo.iterdir()) == [".git"]
    # This version's commit follows the last release's.
    parent = subprocess.run(
        ["git", "rev-parse", f"{__version__}^"], cwd=ref.repo, capture_output=True, text=True, check=True
    ).stdout.strip()
    current = release_key(__version__)
    assert current is not None
    releases = sorted((key, tag) for tag in tags if (key := release_key(tag)) is not None and key < current)
    last = subprocess.run(
        ["git", "rev-parse", releases[-1][1]], cwd=ref.repo, capture_output=True, text=True, check=True
    )
    assert parent == last.stdout.strip()
    # Again: the same tag, from the stamp.
    assert ensure_history(ctx, SHIPPED) == ref


def test_a_changed_template_of_the_same_version_gets_its_own_tag(tmp_path: Path) -> None:
    """A development build: the version's tag keeps its tree; the new tree gets the
    version with a local label, and projects record that."""
    ctx = context(tmp_path)
    first = ensure_history(ctx, SHIPPED)
    before = set(Git(first.repo, ctx.env).tags())  # the shipped releases and this version
    changed = tmp_path / "templates" / "project"
    shutil.copytree(SHIPPED, changed)
    shutil.copy(SHIPPED.parent / BUNDLE_NAME, changed.parent / BUNDLE_NAME)
    with (changed / "copier.yml").open("a") as config:
        config.write("\n# a change made during development\n")
    second = ensure_history(ctx, changed)
    assert second.tag.startswith(f"{__version__}+t") and release_key(second.tag) is not None
    tags = Git(first.repo, ctx.env).tags()
    assert files_of_tag(first.repo, __version__) == files_of(SHIPPED)
    assert files_of_tag(first.repo, second.tag) == files_of(changed)
    assert set(tags) == {*before, second.tag}


def test_parallel_runs_make_one_history(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "c"), "PATH": "/usr/bin:/bin"}
    code = (
        "from pathlib import Path; from pickenv.context import Context;"
        "from pickenv.templating.history import ensure_history;"
        f"ctx = Context.from_environment({env!r});"
        f"print(ensure_history(ctx, Path({str(SHIPPED)!r})).tag)"
    )
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    results = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0] * 4, results
    assert {out.strip() for out, _ in results} == {__version__}


def test_the_shipped_bundle_is_cumulative_and_releases_never_change() -> None:
    """Every tag in the bundle is a release before this version, or this version with
    exactly the shipped template (then the template cannot change until the version
    is raised: run `python -m pickenv.templating.history` at each release)."""
    bundle = SHIPPED.parent / BUNDLE_NAME
    heads = subprocess.run(
        ["git", "bundle", "list-heads", str(bundle)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    tags = [line.split("refs/tags/", 1)[1] for line in heads]
    assert "0.1.0" in tags  # the first release: projects made by it are linked to it
    current = release_key(__version__)
    for tag in tags:
        key = release_key(tag)
        assert key is not None and current is not None and key <= current, tag


def test_without_a_usable_cache_new_still_records_this_version(
    tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would go")
    ctx = Context.from_environment(
        {"HOME": str(tmp_path), "XDG_CACHE_HOME": str(blocked), "PATH": "/usr/bin:/bin"}
    )
    ref = template_ref(ctx, SHIPPED)
    assert not ref.ready and ref.tag == __version__ and "cannot keep the template history" in ref.note
    run = run_cli  # the CLI in-process, with that cache
    result: Result = run(
        "new", "uncached", "--defaults", "--output-dir", str(tmp_path), env={"XDG_CACHE_HOME": str(blocked)}
    )  # type: ignore[operator]
    assert result.code == EXIT_OK, result.err
    recorded = yaml.safe_load((tmp_path / "uncached" / ".copier-answers.yml").read_text())
    assert recorded["_commit"] == __version__


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_missing_is_not_fatal_for_new(tmp_path: Path) -> None:
    ctx = Context.from_environment(
        {"HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "c"), "PATH": str(tmp_path)}
    )
    ref = template_ref(ctx, SHIPPED)
    assert not ref.ready and ref.note == "git is not installed"
