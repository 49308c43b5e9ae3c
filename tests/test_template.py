"""The copier template, rendered for every tool x domain and checked with real tools:
validate-pyproject, check-jsonschema (GitHub workflow schema), pipenv's own Pipfile
reader, py-rattler's conda MatchSpec parser, and the target Python's compiler."""

from __future__ import annotations

import json
import os
import py_compile
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import tomllib
import yaml

from pickenv.creation.placement import list_files
from pickenv.questionnaire.questions import QUESTIONS, format_value
from pickenv.resources import templates_path
from pickenv.templating.render import render
from pickenv.templating.source import builtin_source
from pickenv.tools import BUILTIN as TOOLS
from pickenv.tools import get_tool
from pickenv.tools.interpreters import find_interpreter
from pickenv.tools.uv import UV_BUILD
from pickenv.versions import PythonVersion

TEMPLATE = templates_path() / "project"
SOURCE = builtin_source()
DOMAINS = [str(v) for v in next(q for q in QUESTIONS if q.id == "domain").values]


def _python_for(tool: str, domain: str) -> str:
    # Legacy projects target 2.7 where the tool can (venv, pipenv and uv cannot).
    if domain == "legacy-python2" and get_tool(tool).supports(PythonVersion(2, 7)):
        return "2.7"
    return "3.11"


def legacy_layout(tool: str, domain: str) -> bool:
    """setup.cfg metadata: for 2.7 and 3.6 targets, and 2/3 code whose tool allows it."""
    old = PythonVersion.parse(_python_for(tool, domain)) < PythonVersion(3, 7)
    return (old or domain == "legacy-python2") and not get_tool(tool).needs_project_table


def answers(tool: str, domain: str, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "project_name": f"demo-{domain}",
        # Quotes (one at the end), a backslash escape, % (configparser) and non-ASCII.
        "description": 'Say "hi" <demo> & 100% C:\\xfiles, café "quoted"',
        "author": "Ada O'Lovelace",
        "license": "MIT",
        "domain": domain,
        "python_version": _python_for(tool, domain),
        "team_size": "small",
        "organisation": "large",
        "lockfile": tool == "pipenv",
        "binary_deps": "no-wheels" if tool == "conda" else "none",
        "os_packages": False,
        "windows": True,
        "manage_python": False,
        "deploy": "none",
        "offline": True,
        "tool": tool,
        "reasons": ["Because the rules said so."],
    }
    data.update(extra)
    return data


class Rendered(dict[tuple[str, str], Path]):
    """Each tool x domain rendered once, on first use: under xdist every worker renders
    only the cases it runs."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        super().__init__()
        self.factory = factory

    def __missing__(self, key: tuple[str, str]) -> Path:
        tool, domain = key
        target = self.factory.mktemp(f"{tool}-{domain}")
        render(SOURCE, answers(tool, domain), target)
        self[key] = target
        return target


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return Rendered(tmp_path_factory)


MATRIX = [(tool, domain) for tool in TOOLS for domain in DOMAINS]


@pytest.mark.parametrize(("tool", "domain"), MATRIX)
def test_tool_files(rendered: dict[tuple[str, str], Path], tool: str, domain: str) -> None:
    root = rendered[tool, domain]
    files = set(list_files(root))
    assert {
        "README.md",
        ".gitignore",
        ".copier-answers.yml",
        ".github/workflows/ci.yml",
        "pyproject.toml",
    } <= files
    version = PythonVersion.parse(_python_for(tool, domain))
    facts = get_tool(tool).facts(version, f"demo-{domain}")
    dependency_files = {"Pipfile", "environment.yml", "requirements.txt", "requirements-dev.txt"}
    assert files & dependency_files == set(facts["files"])  # type: ignore[arg-type]
    package = f"demo_{domain.replace('-', '_')}"
    assert f"src/{package}/__init__.py" in files
    assert any(f.startswith("tests/test_") for f in files)
    readme = (root / "README.md").read_text()
    assert f"**{tool}**" in readme
    assert "Because the rules said so." in readme
    # The README's set-up block is exactly the commands pickenv prints and runs.
    block = readme.split("## Set up", 1)[1].split("```sh\n", 1)[1].split("\n```", 1)[0]
    assert block.splitlines() == list(get_tool(tool).manual(version, f"demo-{domain}"))
    assert str(facts["activate"]) in readme
    if not legacy_layout(tool, domain):
        pyproject = tomllib.loads((root / "pyproject.toml").read_text())
        # the test set is a group where the tool reads PEP 735 groups, else an extra
        test_in_group = "test" in pyproject.get("dependency-groups", {})
        assert test_in_group == (facts["dev_dependencies"] == "group")
        assert test_in_group != ("test" in pyproject["project"].get("optional-dependencies", {}))


@pytest.mark.parametrize(("tool", "domain"), MATRIX)
def test_domain_shape(rendered: dict[tuple[str, str], Path], tool: str, domain: str) -> None:
    root = rendered[tool, domain]
    package = root / "src" / f"demo_{domain.replace('-', '_')}"
    modules = sorted(p.name for p in package.iterdir())
    legacy = _python_for(tool, domain) == "2.7"
    if legacy or domain == "legacy-python2":  # 2/3-compatible code, whatever the target
        assert "from __future__ import" in (package / "__init__.py").read_text()
        assert modules == ["__init__.py"]
    elif domain == "web":
        assert "Flask" in (package / "app.py").read_text()
        assert modules == ["__init__.py", "app.py"]
    elif domain == "data-science":
        notebook = json.loads((root / "notebooks" / "exploration.ipynb").read_text())
        assert notebook["nbformat"] == 4 and notebook["cells"]
        assert (root / "data" / "raw" / ".gitkeep").exists()
        assert modules == ["__init__.py", "analysis.py"]
    elif domain == "cli":
        project = tomllib.loads((root / "pyproject.toml").read_text())
        assert project["project"]["scripts"] == {"demo-cli": "demo_cli.cli:main"}
        assert modules == ["__init__.py", "__main__.py", "cli.py"]
    elif domain == "library":
        assert modules == ["__init__.py", "py.typed"]
    else:
        assert domain == "scripting"
        assert modules == ["__init__.py", "__main__.py"]
        assert "python -m demo_scripting World" in (root / "README.md").read_text()
    assert ((root / "setup.py").exists() and (root / "setup.cfg").exists()) == legacy_layout(tool, domain)
    if legacy and tool == "virtualenv":
        assert "virtualenv<20.22" in (root / "README.md").read_text()


@pytest.mark.parametrize(("tool", "domain"), MATRIX)
def test_pyproject_is_valid(rendered: dict[tuple[str, str], Path], tool: str, domain: str) -> None:
    from validate_pyproject import api

    pyproject = tomllib.loads((rendered[tool, domain] / "pyproject.toml").read_text())
    api.Validator()(pyproject)  # raises ValidationError when invalid


@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_workflows_pass_the_github_schema(rendered: dict[tuple[str, str], Path]) -> None:
    workflows = [str(rendered[case] / ".github/workflows/ci.yml") for case in MATRIX]
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", *workflows],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("domain", DOMAINS)
def test_pipenv_reads_the_pipfile(rendered: dict[tuple[str, str], Path], domain: str) -> None:
    from pipenv.vendor import plette

    with open(rendered["pipenv", domain] / "Pipfile", encoding="utf-8") as handle:
        pipfile = plette.Pipfile.load(handle)
    packages = dict(pipfile["packages"])
    assert f"demo-{domain}" in packages
    # the project with its extras: pyproject.toml declares the test tools (tests/test_generated_deps.py)
    assert "test" in dict(pipfile["dev-packages"])[f"demo-{domain}"]["extras"]
    assert pipfile["requires"]["python_version"] == _python_for("pipenv", domain)


@pytest.mark.parametrize("domain", DOMAINS)
def test_environment_yml_specs_parse(rendered: dict[tuple[str, str], Path], domain: str) -> None:
    from packaging.requirements import Requirement
    from rattler import MatchSpec

    environment = yaml.safe_load((rendered["conda", domain] / "environment.yml").read_text())
    assert environment["channels"] == ["conda-forge", "nodefaults"]
    conda_specs = [d for d in environment["dependencies"] if isinstance(d, str)]
    pip_sections = [d["pip"] for d in environment["dependencies"] if isinstance(d, dict)]
    assert f"python={_python_for('conda', domain)}" in conda_specs and "pip" in conda_specs
    for spec in conda_specs:
        MatchSpec(spec)  # raises on an invalid spec
    notebooks = domain == "data-science" and _python_for("conda", domain) != "2.7"
    extras = "test,notebooks" if notebooks else "test"
    assert pip_sections == [[f"-e .[{extras}]"]]
    for line in pip_sections[0]:
        if not line.startswith("-e "):
            Requirement(line)


@pytest.mark.parametrize(("tool", "domain"), MATRIX)
def test_python_files_compile_for_the_target(
    rendered: dict[tuple[str, str], Path], tool: str, domain: str, tmp_path: Path
) -> None:
    root = rendered[tool, domain]
    sources = [root / f for f in list_files(root) if f.endswith(".py")]
    assert sources
    if _python_for(tool, domain) == "2.7":
        python2 = find_interpreter(PythonVersion(2, 7), os.environ, Path.home())
        if python2 is None:
            pytest.skip("no Python 2.7 on this machine")
        code = "import py_compile, sys\nfor f in sys.argv[1:]: py_compile.compile(f, doraise=True)"
        subprocess.run([python2, "-c", code, *map(str, sources)], check=True)
    else:
        for source in sources:
            py_compile.compile(str(source), cfile=str(tmp_path / "x.pyc"), doraise=True)


@pytest.mark.parametrize(("tool", "domain"), MATRIX)
def test_answers_file_records_every_answer(
    rendered: dict[tuple[str, str], Path], tool: str, domain: str
) -> None:
    recorded = yaml.safe_load((rendered[tool, domain] / ".copier-answers.yml").read_text())
    expected = answers(tool, domain)
    for key in ("project_name", "description", "author", "license", "tool", *(q.id for q in QUESTIONS)):
        assert recorded[key] == expected[key], key
    assert "reasons" not in recorded  # computed, not an answer


def test_template_questions_match_pickenv_questions() -> None:
    config = yaml.safe_load((TEMPLATE / "copier.yml").read_text())
    for question in QUESTIONS:
        if question.kind == "bool":
            assert config[question.id]["type"] == "bool"
        elif question.legacy:  # binary_deps: recorded true/false of earlier projects stay valid
            assert config[question.id]["type"] == "yaml"
            assert all(f"'{v}'" in config[question.id]["validator"] for v in question.values)
        elif question.kind == "version":  # pickenv new scaffolds GIL builds only (3.14, not 3.14t)
            offered = [format_value(v) for v in question.values if not str(v).endswith("t")]
            assert sorted(config[question.id]["choices"]) == sorted(offered)
        else:
            assert sorted(config[question.id]["choices"]) == sorted(format_value(v) for v in question.values)
    assert config["tool"]["choices"] == list(TOOLS)
    for forbidden in ("_tasks", "_migrations", "_jinja_extensions"):
        assert forbidden not in config  # so plain copier needs no --trust


def copier_copy(destination: Path, *data: str) -> subprocess.CompletedProcess[str]:
    """Plain `copier copy --defaults` of the template (no pickenv, no --trust)."""
    copier = Path(sys.executable).with_name("copier")
    options = [option for pair in data for option in ("--data", pair)]
    command = [str(copier), "copy", "--defaults", *options, str(TEMPLATE), str(destination)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_plain_copier_copy_without_trust(tmp_path: Path) -> None:
    result = copier_copy(tmp_path / "out", "project_name=plain-app")
    assert result.returncode == 0, result.stderr
    readme = (tmp_path / "out" / "README.md").read_text()
    assert "plain-app" in readme and "was chosen when the project was generated" in readme
    recorded = yaml.safe_load((tmp_path / "out" / ".copier-answers.yml").read_text())
    assert recorded["tool"] == "venv" and recorded["python_version"] == "3.12"


def test_plain_copier_copy_with_uv(tmp_path: Path) -> None:
    from validate_pyproject import api

    result = copier_copy(tmp_path / "out", "project_name=uv-app", "tool=uv", "python_version=3.12")
    assert result.returncode == 0, result.stderr
    project = tomllib.loads((tmp_path / "out" / "pyproject.toml").read_text())
    api.Validator()(project)
    assert project["dependency-groups"] == {
        "test": ["pytest>=6", "pytest-cov>=4"],
        "dev": [{"include-group": "test"}],
    }
    readme = (tmp_path / "out" / "README.md").read_text()
    assert "uv sync --python 3.12\nuv run python -m pytest\n" in readme
    assert not (tmp_path / "out" / "requirements.txt").exists()


def test_plain_copier_takes_the_first_tool_that_supports_the_version(tmp_path: Path) -> None:
    result = copier_copy(tmp_path / "out", "project_name=old", "python_version=2.7")
    assert result.returncode == 0, result.stderr
    recorded = yaml.safe_load((tmp_path / "out" / ".copier-answers.yml").read_text())
    assert recorded["tool"] == "virtualenv"


def test_plain_copier_rejects_venv_for_python_2(tmp_path: Path) -> None:
    result = copier_copy(tmp_path / "out", "project_name=old", "python_version=2.7", "tool=venv")
    assert result.returncode != 0
    assert "venv cannot create Python 2.7 environments" in result.stderr + result.stdout
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("name", ["my.pkg", "null", "True"])
def test_names_that_toml_and_yaml_would_misread(tmp_path: Path, name: str) -> None:
    from pipenv.vendor import plette
    from validate_pyproject import api

    for tool in ("pipenv", "conda"):
        target = tmp_path / tool
        target.mkdir()
        render(SOURCE, answers(tool, "cli", project_name=name), target)
        project = tomllib.loads((target / "pyproject.toml").read_text())
        api.Validator()(project)
        assert project["project"]["scripts"] == {name: f"{name.lower().replace('.', '_')}.cli:main"}
        if tool == "pipenv":
            with open(target / "Pipfile", encoding="utf-8") as handle:
                assert name in dict(plette.Pipfile.load(handle)["packages"])
        else:
            assert yaml.safe_load((target / "environment.yml").read_text())["name"] == name
            workflow = yaml.safe_load((target / ".github/workflows/ci.yml").read_text())
            steps = workflow["jobs"]["test"]["steps"]
            assert steps[1]["with"]["activate-environment"] == name


def test_legacy_setup_cfg_survives_percent_signs(tmp_path: Path) -> None:
    import configparser

    render(SOURCE, answers("virtualenv", "legacy-python2"), tmp_path)
    parser = configparser.ConfigParser()  # interpolating, as setuptools reads it
    parser.read(tmp_path / "setup.cfg")
    assert parser["metadata"]["description"] == answers("virtualenv", "legacy-python2")["description"]


@pytest.mark.parametrize(("tool", "domain"), MATRIX)
def test_libraries_and_legacy_code_carry_a_test_matrix(
    rendered: dict[tuple[str, str], Path], tool: str, domain: str
) -> None:
    import configparser

    root = rendered[tool, domain]
    facts = get_tool(tool).facts(PythonVersion.parse(_python_for(tool, domain)), "x")
    matrix = (
        facts["legacy_matrix"] if domain == "legacy-python2" and facts["legacy_matrix"] else facts["matrix"]
    )
    assert isinstance(matrix, dict)
    wanted = domain in ("library", "legacy-python2")
    tox_ini, noxfile = root / "tox.ini", root / "noxfile.py"
    assert tox_ini.exists() == (wanted and matrix["runner"] == "tox")
    assert noxfile.exists() == (wanted and matrix["runner"] == "nox")
    if tox_ini.exists():
        config = configparser.ConfigParser()
        config.read(tox_ini)
        envs = [e.strip() for e in config["tox"]["env_list"].split(",")]
        assert envs == [env["name"] for env in matrix["envs"]]
        # 2/3 code is tested from 2.7 up wherever its tool allows; the rest from its target up.
        first = "2.7" if domain == "legacy-python2" and facts["legacy_matrix"] else _python_for(tool, domain)
        assert envs[0] == "py" + first.replace(".", "")
        assert ("dependency_groups" in config["testenv"]) == (tool == "uv")
        for env in matrix["envs"]:
            if env["virtualenv_spec"]:
                assert config[f"testenv:{env['name']}"]["virtualenv_spec"] == env["virtualenv_spec"]
    if noxfile.exists():
        listed = subprocess.run(
            [sys.executable, "-m", "nox", "--list", "-f", str(noxfile)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert listed.returncode == 0, listed.stderr
        assert "tests-3.11" in listed.stdout
    readme = (root / "README.md").read_text()
    assert ("### Every supported Python" in readme) == wanted


@pytest.mark.parametrize("tool", ["venv", "virtualenv"])
def test_a_locked_pip_project_is_compiled_by_pip_tools(tmp_path: Path, tool: str) -> None:
    render(SOURCE, answers(tool, "web", lockfile=True, python_version="3.12"), tmp_path)
    files = set(list_files(tmp_path))
    # pip-compile writes the requirements files: none is rendered to be overwritten.
    assert not files & {"requirements.txt", "requirements-dev.txt"}
    settings = tomllib.loads((tmp_path / "pyproject.toml").read_text())["tool"]["pip-tools"]
    assert settings == {
        "generate-hashes": True,
        "strip-extras": True,
        "emit-index-url": False,
        "emit-find-links": False,
        "quiet": True,
    }
    readme = (tmp_path / "README.md").read_text()
    assert "-m piptools compile --output-file requirements.txt pyproject.toml" in readme
    assert (
        "Commit `requirements.txt` and `requirements-dev.txt`: they pin every package with hashes." in readme
    )
    # Below Python 3.8 pip-tools does not run: the project is the plain one.
    old = tmp_path / "old"
    old.mkdir()
    render(SOURCE, answers(tool, "web", lockfile=True, python_version="3.7"), old)
    assert "requirements.txt" in list_files(old)


@pytest.mark.parametrize("version", ["3.7", "3.8", "3.12"])
def test_uv_projects_are_built_by_uv_build_from_python_3_8(tmp_path: Path, version: str) -> None:
    """uv's own backend, as `uv init` chooses, where it runs (3.8 and later); its licence
    expression and files work on 3.8 too. 3.7 projects keep setuptools."""
    render(SOURCE, answers("uv", "library", python_version=version), tmp_path)
    pyproject = tomllib.loads((tmp_path / "pyproject.toml").read_text())
    if version == "3.7":
        assert pyproject["build-system"]["build-backend"] == "setuptools.build_meta"
        assert pyproject["tool"]["setuptools"]["package-data"] == {"demo_library": ["py.typed"]}
        assert pyproject["project"]["license"] == {"text": "MIT"}
        return
    assert pyproject["build-system"] == {"requires": [UV_BUILD], "build-backend": "uv_build"}
    assert "setuptools" not in pyproject["tool"]
    assert pyproject["project"]["license"] == "MIT"
    assert pyproject["project"]["license-files"] == ["LICENSE"]


@pytest.mark.network  # uv fetches uv_build when its own version is outside the range
def test_a_uv_library_wheel_has_its_marker_and_licence(tmp_path: Path) -> None:
    """What setuptools' package-data and licence globs put in the wheel, uv_build does too."""
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    render(SOURCE, answers("uv", "library", python_version=running), tmp_path)
    uv = Path(sys.executable).with_name("uv")
    built = subprocess.run(
        [str(uv), "build", "--wheel", "-q", "--python", sys.executable, "--out-dir", str(tmp_path / "dist")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {"demo_library/__init__.py", "demo_library/py.typed"} <= names
    assert "demo_library-0.1.0.dist-info/licenses/LICENSE" in names
