"""A third-party tool with a dependency format of its own, installed as a real
distribution on sys.path (entry points `pickenv.tools` and `pickenv.formats`): detect
names it, switch moves a project into its files and back, and the ledger accounts for
every requirement both ways — the registries extend without a change to pickenv."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from helpers import git

PLUGIN = '''
"""A tool that keeps its packages in deps.txt, one requirement per line."""
from pickenv.formats.base import DependencyFormat
from pickenv.formats.model import DEFAULT, Declared, Group, requirement
from pickenv.tools.base import EnvTool, Evidence
from pickenv.tools.homes import Home, Layout
from pickenv.tools.steps import Plan, Step


class DepsFormat(DependencyFormat):
    name = "deps-txt"
    summary = "deps.txt: one requirement per line"
    patterns = ("deps.txt",)

    def read(self, files, path):
        lines = [line.strip() for line in files.text(path).splitlines() if line.strip()]
        reqs = tuple(requirement(line, f"{path}:{i}") for i, line in enumerate(lines, 1))
        return Declared((Group(DEFAULT, reqs, file=path),), files=(path,))

    def render(self, existing, path, part, options):
        have = set((existing or "").splitlines())
        group = part.group(DEFAULT)
        new = [r.text for r in (group.requirements if group else ()) if r.text not in have]
        return (existing or "") + "".join(f"{text}\\n" for text in new)


class DepsTool(EnvTool):
    name = "depstool"
    summary = "a tool that keeps its packages in deps.txt"
    evidence = (Evidence("deps.txt", "strong", note="depstool's file"),)

    def environment_files(self, files):
        return ("deps.txt",) if files.exists("deps.txt") else ()

    def layout(self, package, old):
        default = old.group(DEFAULT)
        part = Declared((default,) if default else ())
        return Layout((Home("deps.txt", "deps-txt", part),), group_files={DEFAULT: "deps.txt"})

    def plan(self, ctx):
        return Plan((), (Step("Installing", ("depstool", "sync")),), Step("Testing", ("depstool", "test")))
'''


def install_plugin(site: Path) -> dict[str, str]:
    info = site / "pickenv_deps-0.1.dist-info"
    info.mkdir(parents=True)
    (site / "pickenv_deps.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: pickenv-deps\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        "[pickenv.tools]\ndepstool = pickenv_deps:DepsTool\n\n"
        "[pickenv.formats]\ndeps-txt = pickenv_deps:DepsFormat\n"
    )
    return {**os.environ, "PYTHONPATH": str(site)}


def pickenv(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pickenv", *argv], env=env, capture_output=True, text=True, check=False
    )


def switch(env: dict[str, str], project: Path, to: str) -> subprocess.CompletedProcess[str]:
    return pickenv(env, "switch", str(project), "--to", to, "-a", "python_version=3.12", "--format", "json")


def test_a_plugin_tool_and_its_format_switch_both_ways(tmp_path: Path, isolated_env: dict[str, str]) -> None:
    env = {**install_plugin(tmp_path / "site"), **isolated_env}
    project = tmp_path / "shop"
    project.mkdir()
    (project / "requirements.txt").write_text("flask>=3\nattrs\n")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "pip")

    into = switch(env, project, "depstool")
    assert into.returncode == 0, into.stderr
    report = json.loads(into.stdout)
    assert [(e["status"], e["text"], e["to"]) for e in report["ledger"]] == [
        ("carried", "flask>=3", "deps.txt"),
        ("carried", "attrs", "deps.txt"),
    ]
    assert (project / "deps.txt").read_text() == "flask>=3\nattrs\n"
    assert not (project / "requirements.txt").exists()
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "depstool")

    detected = json.loads(pickenv(env, "detect", str(project), "--format", "json").stdout)
    assert (detected["tool"], detected["confidence"]) == ("depstool", "high")
    back = switch(env, project, "venv")
    assert back.returncode == 0, back.stderr
    assert json.loads(back.stdout)["blocking"] == 0
    assert "flask>=3\nattrs\n" in (project / "requirements.txt").read_text()
    assert not (project / "deps.txt").exists()
