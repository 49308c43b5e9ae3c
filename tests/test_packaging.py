"""The wheel ships rules.yaml and the template; `recommend` stays light."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from helpers import ROOT
from pickenv import __version__


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pickenv's wheel, built as pip builds it: in isolation, with the build backend fetched
    from the package index (so every test using it is network)."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)], check=True
    )
    return next(out.glob("pickenv-*.whl"))


@pytest.mark.slow
@pytest.mark.network  # the wheel fixture fetches the build backend
def test_wheel_contains_rules_and_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "pickenv/rules.yaml" in names
    assert "pickenv/rules.d/uv.yaml" in names
    assert "pickenv/templates/project/tools/uv.json" in names
    assert "pickenv/templates/project/copier.yml" in names
    assert any(
        n.startswith("pickenv/templates/project/template/") and n.endswith("README.md.jinja") for n in names
    )
    shipped = zipfile.ZipFile(wheel).read("pickenv/rules.yaml")
    assert shipped == (ROOT / "rules.yaml").read_bytes()
    # The template's earlier releases, for `pickenv update`; and the version from __init__.
    bundle = zipfile.ZipFile(wheel).read("pickenv/templates/project-history.bundle")
    assert bundle == (ROOT / "templates" / "project-history.bundle").read_bytes()
    assert wheel.name.startswith(f"pickenv-{__version__}-")


@pytest.mark.slow
@pytest.mark.network
def test_installed_wheel_works_from_its_own_files(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], check=True)
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "c"), "XDG_CACHE_HOME": str(tmp_path / "k")}
    env.pop("VIRTUAL_ENV", None)
    work = tmp_path / "work"
    work.mkdir()
    pickenv = str(venv / "bin" / "pickenv")
    rec = subprocess.run(
        [pickenv, "recommend", "--defaults", "--format", "json"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(venv) in rec.stdout  # the rules file read is the one inside the wheel
    new = subprocess.run(
        [pickenv, "new", "shipped", "--defaults"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert new.returncode == 0, new.stderr
    assert (work / "shipped" / "pyproject.toml").exists()
    # The project records the template history made from the wheel's own files.
    answers = (work / "shipped" / ".copier-answers.yml").read_text()
    assert f"_commit: {__version__}\n" in answers
    history = tmp_path / "k" / "pickenv" / "project-template"
    tags = subprocess.run(["git", "tag"], cwd=history, capture_output=True, text=True, check=True)
    assert {"0.1.0", __version__} <= set(tags.stdout.split())
    # A fresh machine has neither uv nor pipenv: pickenv installs each into its cache.
    for tool in ("uv", "pipenv"):
        created = subprocess.run(
            [
                pickenv,
                "new",
                f"fresh-{tool}",
                "--defaults",
                "--tool",
                tool,
                "--create-env",
                "--format",
                "json",
            ],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert created.returncode == 0, created.stderr
        steps = [s["title"] for s in json.loads(created.stdout)["environment"]["steps"]]
        assert steps[:3] == [
            f"Preparing {tool} in pickenv's cache",
            f"Installing {tool}",
            f"Publishing {tool} in pickenv's cache",
        ]
        assert (tmp_path / "k" / "pickenv" / "tools" / tool).is_dir()


def test_recommend_imports_no_copier_questionary_or_yaml(tmp_path: Path) -> None:
    code = (
        "import io, sys\n"
        "from pickenv.cli import main\n"
        "assert main(['recommend', '--defaults', '--format', 'json'], stdout=io.StringIO()) == 0\n"
        "heavy = ('copier', 'questionary', 'prompt_toolkit', 'yaml', 'jinja2')\n"
        "print(','.join(sorted(m for m in heavy if m in sys.modules)))\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_CONFIG_HOME": str(tmp_path / "c")}
    # The first run parses (and may import yaml); check a fresh process with a warm cache.
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == ""


@pytest.mark.slow
@pytest.mark.network
@pytest.mark.posix  # bash, and the environment's bin/ folder
def test_readme_main_command_on_a_fresh_copy(tmp_path: Path) -> None:
    """The README's first command, run verbatim in a clean copy of the project."""
    if not shutil.which("git"):
        pytest.skip("git is needed to list the project's files")
    readme = (ROOT / "README.md").read_text(encoding="utf-8").split("## Set up", 1)[1]
    first_command = readme.split("```sh\n", 1)[1].split("\n```", 1)[0]

    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    copy = tmp_path / "checkout"
    for name in files:
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "c"), XDG_CACHE_HOME=str(tmp_path / "k"))
    result = subprocess.run(
        ["bash", "-c", first_command],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    assert "Created " in result.stdout and "/myproject for venv" in result.stdout


def test_rules_commands_never_import_copier_or_questionary(tmp_path: Path) -> None:
    code = (
        "import io, sys\n"
        "from pickenv.cli import main\n"
        "for argv in (['rules', 'check'], ['rules', 'show'], ['rules', 'show', '--format', 'json']):\n"
        "    assert main(argv, stdout=io.StringIO()) == 0, argv\n"
        "heavy = ('copier', 'questionary', 'prompt_toolkit', 'jinja2')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_CONFIG_HOME": str(tmp_path / "c")}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
