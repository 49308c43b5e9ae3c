"""The tool registry: one class per tool, the template's facts generated from it, the
rules and the tools agreeing on what each can create, plugins through entry points,
and plans that name the commands a person would type."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from helpers import BUILTIN_RULES, answers_with
from pickenv.errors import EnvironmentCreationError
from pickenv.resources import bundled_layers, project_template
from pickenv.rules.engine import Decider
from pickenv.rules.loader import RulesSource, load_rules
from pickenv.rules.model import RuleSet
from pickenv.templating.render import supported_tools
from pickenv.tools import BUILTIN, UnknownToolError, get_tool, reserved_names, tool_names
from pickenv.tools.base import ToolContext
from pickenv.tools.facts import rendered
from pickenv.tools.pins import requirement_for
from pickenv.versions import KNOWN_VERSIONS, PythonVersion

SRC = Path(__file__).resolve().parent.parent / "src" / "pickenv"


def test_every_builtin_tool_is_one_class_named_as_registered() -> None:
    for name, path in BUILTIN.items():
        tool = get_tool(name)
        assert tool.name == name
        assert path.startswith(f"pickenv.tools.{name}:")
    with pytest.raises(UnknownToolError):
        get_tool("poetry")


def test_the_template_scaffolds_exactly_the_builtin_tools() -> None:
    assert supported_tools(project_template()) == tuple(BUILTIN)


@pytest.mark.parametrize("name", list(BUILTIN))
def test_template_facts_are_generated_from_the_registry(name: str) -> None:
    shipped = project_template() / "tools" / f"{name}.json"
    assert shipped.read_text(encoding="utf-8") == rendered(name), "run `python -m pickenv.tools.facts`"


def test_the_facts_check_command_agrees() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pickenv.tools.facts", "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_no_module_outside_tools_decides_by_a_tool_name() -> None:
    names = "|".join(BUILTIN)
    decision = re.compile(rf"""(==|!=|\bin)\s*[\[(]?\s*["']({names})["']""")
    offenders = [
        f"{path.relative_to(SRC)}:{number}: {line.strip()}"
        for path in SRC.rglob("*.py")
        if "tools" not in path.relative_to(SRC).parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if decision.search(line)
    ]
    assert offenders == []


def _with_layer(name: str) -> RuleSet:
    sources = [RulesSource.from_path(BUILTIN_RULES)]
    if name in bundled_layers():
        sources.append(RulesSource.from_path(bundled_layers()[name]))
    return load_rules(sources)


@pytest.mark.parametrize("name", list(BUILTIN))
def test_what_a_tool_cannot_create_its_rules_exclude(name: str) -> None:
    """The tool class and the cited rules agree on every target version."""
    tool = get_tool(name)
    decider = Decider(_with_layer(name))
    for version in KNOWN_VERSIONS:
        # legacy-python2 would move the default; the version alone is what is asked.
        assessment = decider.assess(answers_with(python_version=version, domain="library"), name)
        assert assessment.eligible == tool.supports(PythonVersion.parse(version)), (name, version)


def test_reserved_names_come_from_the_tools() -> None:
    assert {"virtualenv", "pipenv", "conda", "uv"} <= reserved_names()


@pytest.mark.parametrize(
    ("version", "requirement"),
    [
        ("2.7", "virtualenv<20.22"),
        ("3.6", "virtualenv<20.22"),
        ("3.7", "virtualenv<20.27"),
        ("3.8", "virtualenv<21.5"),
        ("3.9", "virtualenv"),
        ("3.14", "virtualenv"),
    ],
)
def test_virtualenv_pins_follow_the_versions(version: str, requirement: str) -> None:
    assert requirement_for(PythonVersion.parse(version)) == requirement
    facts = get_tool("virtualenv").facts(PythonVersion.parse(version), "demo")
    if requirement == "virtualenv":
        assert facts["install"] == ["pipx install virtualenv"]
        assert facts["create"][0] == f"virtualenv -p python{version} .venv"
    else:
        # Run, not installed: an installed virtualenv would make pipx ignore the pin.
        assert facts["install"] == []
        assert facts["create"][0] == f"pipx run --spec '{requirement}' virtualenv -p python{version} .venv"


def _ctx(tmp_path: Path, python: str | None, version: str = "3.11", path: str | None = None) -> ToolContext:
    env = dict(os.environ)
    if path is not None:
        env["PATH"] = path
    return ToolContext(env, tmp_path / "cache", sys.executable, python, PythonVersion.parse(version), "demo")


def test_a_plan_without_an_interpreter_cannot_run(tmp_path: Path) -> None:
    tool = get_tool("venv")
    ctx = _ctx(tmp_path, None)
    plan = tool.plan(ctx)
    assert not plan.available and plan.missing == "Python 3.11 was not found"
    with pytest.raises(EnvironmentCreationError, match=r"Python 3\.11 was not found"):
        tool.create(tmp_path, ctx, lambda _: None, plan)


def test_conda_plan_without_conda_names_the_commands(tmp_path: Path) -> None:
    tool = get_tool("conda")
    ctx = _ctx(tmp_path, None, path=str(tmp_path))
    plan = tool.plan(ctx)
    assert not plan.available and "no conda, mamba or micromamba" in plan.missing
    assert [s.display() for s in plan.create] == ["conda env create -n demo -f environment.yml"]
    assert tool.manual(PythonVersion(3, 11), "demo") == (
        "conda env create -n demo -f environment.yml",
        "conda run -n demo python -m pytest",
    )
    with pytest.raises(EnvironmentCreationError):
        tool.create(tmp_path, ctx, lambda _: None, plan)


@pytest.mark.parametrize("name", list(BUILTIN))
def test_the_manual_commands_are_the_readme_commands(name: str) -> None:
    """ "Next:" and the generated README show the same commands: both come from facts."""
    tool = get_tool(name)
    facts = tool.facts(PythonVersion(3, 12), "demo")
    assert tool.manual(PythonVersion(3, 12), "demo") == (*facts["install"], *facts["create"], facts["test"])
    # What a person types never holds a machine path.
    assert not any(
        "/root" in c or "/home" in c or sys.executable in c for c in tool.manual(PythonVersion(3, 12), "demo")
    )


PLUGIN = """
from pickenv.tools.base import EnvTool
from pickenv.tools.steps import Plan, Step


class HatchTool(EnvTool):
    name = "hatch"
    summary = "Hatch environments"

    def plan(self, ctx):
        return Plan((), (Step("Creating", ("hatch", "env", "create")),), Step("Testing", ("hatch", "test")))
"""


def test_a_plugin_registers_through_the_entry_point_group(tmp_path: Path) -> None:
    """A real distribution on sys.path declares a tool; pickenv lists it, and refuses to
    scaffold it with a template that has no files for it."""
    site = tmp_path / "site"
    info = site / "pickenv_hatch-0.1.dist-info"
    info.mkdir(parents=True)
    (site / "pickenv_hatch.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: pickenv-hatch\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[pickenv.tools]\nhatch = pickenv_hatch:HatchTool\n", encoding="utf-8"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    code = "from pickenv.tools import get_tool as g, tool_names as n; print(n()); print(g('hatch').summary)"
    listed = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert listed.stdout.splitlines() == [
        "('venv', 'virtualenv', 'pipenv', 'conda', 'uv', 'hatch')",
        "Hatch environments",
    ]
    new = subprocess.run(
        [
            sys.executable,
            "-m",
            "pickenv",
            "new",
            "demo",
            "--defaults",
            "--tool",
            "hatch",
            "--output-dir",
            str(tmp_path),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert new.returncode == 3
    assert new.stderr == (
        "pickenv: error: the project template has no files for hatch (--tool); "
        "pass --tool with one of: venv, virtualenv, pipenv, conda, uv\n"
    )
    assert not (tmp_path / "demo").exists()


@pytest.mark.posix
def test_the_completion_offers_every_tool() -> None:
    from pickenv.commands.parser import build_parser
    from pickenv.report.completion import completion_script

    script = completion_script("bash", build_parser())
    line = next(line for line in script.splitlines() if '"new|--tool")' in line)
    assert all(name in line for name in tool_names())


def test_copier_yml_declares_no_tool_facts_of_its_own() -> None:
    config = yaml.safe_load((project_template() / "copier.yml").read_text(encoding="utf-8"))
    text = (project_template() / "copier.yml").read_text(encoding="utf-8")
    assert config["tool"]["choices"] == list(BUILTIN)
    # copier exposes no question's choices to Jinja: the default's loop repeats them.
    assert f"for name in {list(BUILTIN)}" in config["tool"]["default"]
    assert not re.search(r"\btool (==|!=|in) ", text)


def test_entry_points_are_read_only_where_a_distribution_names_a_pickenv_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cheap look before importlib.metadata: pickenv's own console script is no
    plugin; a [pickenv.*] section is; a zip on sys.path may hold one."""
    from pickenv.plugins import _may_declare

    site = tmp_path / "site"
    own = site / "pickenv-0.3.0.dist-info"
    own.mkdir(parents=True)
    (own / "entry_points.txt").write_text("[console_scripts]\npickenv = pickenv.cli:main\n")
    (site / "other-1.0.egg-info").write_text("Metadata-Version: 1.0\n")  # an egg-info file
    monkeypatch.setattr(sys, "path", [str(site), str(tmp_path / "missing")])
    assert _may_declare() is False
    plugin = site / "pickenv_extra-0.1.dist-info"
    plugin.mkdir()
    (plugin / "entry_points.txt").write_text("[pickenv.formats]\nx = pickenv_extra:Format\n")
    assert _may_declare() is True
    zipped = tmp_path / "bundle.zip"
    zipped.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    monkeypatch.setattr(sys, "path", [str(zipped)])
    assert _may_declare() is True
