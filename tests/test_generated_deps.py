"""Where a generated project declares each kind of dependency, and its metadata (issue 20,
items 1, 2, 6 and 7), for every tool x domain rendered once by `pickenv new`, plus the
Python versions and lock files that change the files.

One place per kind: runtime packages in the project's metadata (conda: environment.yml),
test and notebook tools in its extras or, where the tool reads PEP 735 groups (uv), its
groups; the README and every dependency file's header name that place. CI installs the
test set only. Oracles: ``dependency-groups`` (PEP 735's reference resolver), pipenv's
plette for Pipfiles, py-rattler for environment.yml, validate-pyproject, trove-classifiers,
setuptools itself; the slow test adds packages where the README says and follows its step.
"""

from __future__ import annotations

import configparser
import itertools
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomllib
import yaml

from helpers import home_env, new_demo, sh_blocks, tool_and_domain
from pickenv.questionnaire.questions import QUESTIONS
from pickenv.tools import BUILTIN as TOOLS
from pickenv.tools import get_tool
from pickenv.versions import KNOWN_VERSIONS, PythonVersion

DOMAINS = [str(v) for v in next(q for q in QUESTIONS if q.id == "domain").values]
REPOSITORY = "https://github.com/example/demo"
NEWEST = max(KNOWN_VERSIONS, key=PythonVersion.parse)
# (tool, domain, python, lockfile, licence): the variants whose files differ from the defaults'
VARIANTS = [
    ("venv", "data-science", "3.12", True, "MIT"),  # pip-tools locks: no requirements files rendered
    ("venv", "data-science", "3.8", False, "Apache-2.0"),  # setuptools 61: licence text and classifier
    ("venv", "data-science", "3.6", False, "MIT"),  # setup.cfg, with a notebooks extra
    ("virtualenv", "library", "2.7", False, "BSD-3-Clause"),  # setup.cfg, 2/3-compatible
    ("conda", "cli", "2.7", False, "GPL-3.0-or-later"),  # setup.cfg, runtime in environment.yml
    ("uv", "library", "3.7", False, "MIT"),  # setuptools, not uv_build
    ("uv", "data-science", "3.13", True, "Proprietary"),
    ("pipenv", "web", "3.14", True, "Proprietary"),
    ("conda", "data-science", "3.11", False, "MIT"),
]


def _new(out: Path, env: dict[str, str], *argv: str) -> Path:
    code, err, project = new_demo(out, env, *argv)
    assert code == 0, (argv, err)
    return project


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, ...], Path]:
    """Every tool x domain (a repository URL on every other one), then the variants."""
    env = home_env(tmp_path_factory.mktemp("home"))
    made: dict[tuple[str, ...], Path] = {}
    for index, (tool, domain) in enumerate(itertools.product(TOOLS, DOMAINS)):
        argv = tool_and_domain(tool, domain)
        if index % 2:
            argv += ["--data", f"repository={REPOSITORY}"]
        made[tool, domain] = _new(tmp_path_factory.mktemp(f"{tool}-{domain}"), env, *argv)
    for tool, domain, python, locked, licence in VARIANTS:
        argv = ["--tool", tool, "-a", f"domain={domain}", "-a", f"python_version={python}",
                "-a", f"lockfile={str(locked).lower()}", "--license", licence]  # fmt: skip
        made[tool, domain, python] = _new(tmp_path_factory.mktemp(f"{tool}-{python}"), env, *argv)
    return made


def answers(root: Path) -> dict[str, object]:
    return dict(yaml.safe_load((root / ".copier-answers.yml").read_text()))


def facts(root: Path) -> dict[str, object]:
    recorded = answers(root)
    version = PythonVersion.parse(str(recorded["python_version"]))
    tool = get_tool(str(recorded["tool"]))
    return tool.facts(version, "demo", bool(recorded["lockfile"]) and tool.can_lock(version))


def metadata(root: Path) -> tuple[str, dict[str, list[str]], list[str]]:
    """The metadata file, its sets ({"runtime": [...], "test": [...], ...}) and classifiers."""
    if (root / "setup.cfg").exists():
        # configparser, as setuptools reads it (importing setuptools here would replace the
        # distutils other tests in the same worker have imported)
        config = configparser.ConfigParser(interpolation=None)
        config.read(root / "setup.cfg", encoding="utf-8")

        def listed(section: str, key: str) -> list[str]:
            return [
                line.strip() for line in config.get(section, key, fallback="").splitlines() if line.strip()
            ]

        sets = {"runtime": listed("options", "install_requires")}
        sets.update({k: listed("options.extras_require", k) for k in config["options.extras_require"]})
        return "setup.cfg", sets, listed("metadata", "classifiers")
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    sets = {"runtime": pyproject["project"]["dependencies"]}
    if "dependency-groups" in pyproject:
        from dependency_groups import resolve

        groups = pyproject["dependency-groups"]
        sets.update({name: list(resolve(groups, name)) for name in groups})
    sets.update(pyproject["project"].get("optional-dependencies", {}))
    return "pyproject.toml", sets, pyproject["project"]["classifiers"]


def names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!;\[ ]", r, maxsplit=1)[0].lower() for r in requirements}


def test_each_kind_has_one_place(projects: dict[tuple[str, ...], Path]) -> None:
    for key, root in projects.items():
        recorded, found = answers(root), facts(root)
        data_science = recorded["domain"] == "data-science" and recorded["python_version"] != "2.7"
        file, sets, _ = metadata(root)
        places = found["dependencies"]
        assert isinstance(places, dict)
        assert set(sets) == {"runtime", "test", *(["notebooks"] if data_science else []),
                             *(["dev"] if found["dev_dependencies"] == "group" else [])}, key  # fmt: skip
        assert "pytest" in names(sets["test"]) and "jupyterlab" not in names(sets["test"]), key
        if data_science:
            assert names(sets["notebooks"]) == {"jupyterlab", "matplotlib"}, key
        if "dev" in sets:  # uv's default group: every other one, by include-group
            assert sorted(sets["dev"]) == sorted(
                r for k, v in sets.items() if k not in ("runtime", "dev") for r in v
            )
        environment = root / "environment.yml"
        if places["runtime"] == "environment.yml":
            # conda-forge's packages, and the same names in the package's metadata
            specs = [d for d in yaml.safe_load(environment.read_text())["dependencies"] if isinstance(d, str)]
            conda_names = {s.split(">")[0].split("=")[0] for s in specs} - {"python", "pip"}
            assert conda_names == names(sets["runtime"]), key
            if recorded["domain"] in ("web", "data-science") and recorded["python_version"] != "2.7":
                assert {"flask", "numpy"} & conda_names, key
        # No other file names a package: they install the project with its extras.
        for other in ("requirements.txt", "requirements-dev.txt", "Pipfile"):
            if (root / other).exists():
                text = (root / other).read_text()
                lines = [line for line in text.splitlines() if line and not line.startswith("#")]
                assert not names(sets["test"]) & names(lines), (key, other)
        readme = (root / "README.md").read_text()
        section = readme.split("## Dependencies", 1)[1].split("\n## ", 1)[0]
        assert f"`{file} " in section or "environment.yml dependencies" in section, key
        assert ("**Notebooks**" in section) == data_science, key
        assert sh_blocks(section) == [list(places["apply"])], key  # type: ignore[call-overload]
        for header in ("requirements.txt", "requirements-dev.txt", "Pipfile", "environment.yml"):
            if (root / header).exists():
                top = (root / header).read_text().split("\n\n", 1)[0]
                assert file in top and "test" in top, (key, header)


def test_uv_groups_resolve_with_pep_735s_reference_resolver(projects: dict[tuple[str, ...], Path]) -> None:
    from dependency_groups import resolve

    for domain in DOMAINS:
        groups = tomllib.loads((projects["uv", domain] / "pyproject.toml").read_text())["dependency-groups"]
        assert set(resolve(groups, "test")) == {"pytest>=6", "pytest-cov>=4"}
        expected = {
            "pytest>=6",
            "pytest-cov>=4",
            *(["jupyterlab>=3", "matplotlib>=3.5"] if domain == "data-science" else []),
        }
        assert set(resolve(groups, "dev")) == expected


@pytest.mark.slow  # over 1 s: importing pipenv's vendored plette
def test_pipfile_categories_install_the_projects_extras(projects: dict[tuple[str, ...], Path]) -> None:
    from pipenv.vendor import plette

    for key, root in projects.items():
        if key[0] != "pipenv":
            continue
        with open(root / "Pipfile", encoding="utf-8") as handle:
            pipfile = plette.Pipfile.load(handle)
        extras = set(metadata(root)[1]) - {"runtime"}
        assert dict(pipfile["packages"])["demo"]._data == {"path": ".", "editable": True}
        assert set(dict(pipfile["dev-packages"])["demo"]["extras"]) == extras, key
        assert pipfile._data["test"]["demo"]["extras"] == ["test"], key


def test_environment_yml_parses_with_rattler(projects: dict[tuple[str, ...], Path]) -> None:
    from rattler import MatchSpec

    for key, root in projects.items():
        if key[0] != "conda":
            continue
        environment = yaml.safe_load((root / "environment.yml").read_text())
        for spec in (d for d in environment["dependencies"] if isinstance(d, str)):
            MatchSpec(spec)
        (pip,) = [d["pip"] for d in environment["dependencies"] if isinstance(d, dict)]
        extras = sorted(set(metadata(root)[1]) - {"runtime"})
        assert pip == [f"-e .[{','.join(sorted(extras, key=['test', 'notebooks'].index))}]"], key


def test_ci_installs_the_test_set_only(projects: dict[tuple[str, ...], Path]) -> None:
    for key, root in projects.items():
        workflow = yaml.safe_load((root / ".github" / "workflows" / "ci.yml").read_text())
        commands = " ".join(s.get("run", "") for job in workflow["jobs"].values() for s in job["steps"])
        if facts(root)["dependencies"]["ci_installs"] == "all":  # type: ignore[index]
            continue  # conda: environment.yml is the one environment (see tools/conda.py)
        assert "requirements-dev.txt" not in commands and "--dev" not in commands, key
        assert re.search(r'-e "\.\[test\]"|--no-default-groups --group test|--categories "packages test"',
                         commands), key  # fmt: skip


def expected_classifiers(root: Path) -> list[str]:
    recorded = answers(root)
    file, _, _ = metadata(root)
    both = file == "setup.cfg" and (
        recorded["python_version"] == "2.7" or recorded["domain"] == "legacy-python2"
    )
    floor = PythonVersion.parse("2.7" if both else str(recorded["python_version"]))
    versions = [v for v in KNOWN_VERSIONS if PythonVersion.parse(v) >= floor]
    found = ["Development Status :: 3 - Alpha"]
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    spdx = isinstance(pyproject.get("project", {}).get("license"), str)
    if not spdx:
        found.append("License :: ")
    found += ["Programming Language :: Python :: 2", "Programming Language :: Python :: 3"] if both else [
        "Programming Language :: Python :: 3", "Programming Language :: Python :: 3 :: Only"]  # fmt: skip
    found += [f"Programming Language :: Python :: {v}" for v in sorted(versions, key=PythonVersion.parse)]
    shape = "legacy-python2" if recorded["python_version"] == "2.7" else recorded["domain"]
    found += ["Typing :: Typed"] if shape == "library" else []
    found += ["Private :: Do Not Upload"] if recorded["license"] == "Proprietary" else []
    return found


def test_classifiers_follow_requires_python_and_the_licence(projects: dict[tuple[str, ...], Path]) -> None:
    from trove_classifiers import classifiers as known

    for key, root in projects.items():
        _, _, found = metadata(root)
        # "Private ::" is no trove classifier on purpose: PyPI refuses any upload that has one
        assert {c for c in found if not c.startswith("Private :: ")} <= known, key
        expected = expected_classifiers(root)
        assert [c[:11] if c.startswith("License :: ") else c for c in found] == expected, key
        assert f"Programming Language :: Python :: {NEWEST}" in found


def test_urls_only_when_a_repository_is_given(projects: dict[tuple[str, ...], Path]) -> None:
    for key, root in projects.items():
        given = answers(root).get("repository") or ""
        if (root / "setup.cfg").exists():
            assert (f"Repository = {given}" in (root / "setup.cfg").read_text()) == bool(given), key
            continue
        urls = tomllib.loads((root / "pyproject.toml").read_text())["project"].get("urls")
        assert urls == ({"Repository": REPOSITORY, "Issues": f"{REPOSITORY}/issues"} if given else None), key


def test_validate_pyproject_passes_every_variant(projects: dict[tuple[str, ...], Path]) -> None:
    from validate_pyproject import api

    validator = api.Validator()
    for root in projects.values():
        pyproject = tomllib.loads((root / "pyproject.toml").read_text())
        validator(pyproject)  # raises ValidationError when invalid (trove-classifiers checked too)
        project = pyproject.get("project", {})
        if isinstance(project.get("license"), str) and project["license"] != "LicenseRef-Proprietary":
            assert project["license-files"] == ["LICENSE"] and (root / "LICENSE").exists()


@pytest.mark.slow  # over 1 s: two runs of pickenv new
def test_a_repository_that_is_not_an_address_is_refused(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    result = run_cli("new", "demo", "--defaults", "--output-dir", str(tmp_path), "--data", "repository=nope")
    assert result.code != 0 and "repository's web address" in result.err
    typo = run_cli("new", "demo", "--defaults", "--output-dir", str(tmp_path), "--data", "repo=x")
    assert typo.code == 2 and "repository" in typo.err and not (tmp_path / "demo").exists()


@pytest.mark.slow  # runs setuptools once per project (about 0.5 s each)
def test_setuptools_accepts_the_metadata_and_refuses_licence_classifiers_beside_spdx(
    projects: dict[tuple[str, ...], Path], tmp_path: Path
) -> None:
    """setuptools (77 and later: the test extra has a current one) builds every
    setuptools project's metadata; the rule the template follows is setuptools' own."""
    for key, root in projects.items():
        if "setuptools.build_meta" not in (root / "pyproject.toml").read_text():
            continue
        copy = shutil.copytree(root, tmp_path / "-".join(key))
        text = built_metadata(copy)
        assert "Classifier: Development Status :: 3 - Alpha" in text, key
        if 'license = "MIT"' in (copy / "pyproject.toml").read_text():
            assert "License-Expression: MIT" in text and "License-File: LICENSE" in text, key
            assert "Classifier: License ::" not in text, key
    broken = shutil.copytree(projects["venv", "library"], tmp_path / "broken")
    pyproject = broken / "pyproject.toml"
    licence = '  "License :: OSI Approved :: MIT License",\n'
    pyproject.write_text(pyproject.read_text().replace("classifiers = [\n", "classifiers = [\n" + licence))
    with pytest.raises(AssertionError, match="License ::"):
        built_metadata(broken)


def built_metadata(root: Path) -> str:
    """The METADATA setuptools prepares for a wheel of ``root`` (in a subprocess)."""
    build = "import sys, setuptools.build_meta as b; print(b.prepare_metadata_for_build_wheel(sys.argv[1]))"
    out = root / "metadata-out"
    out.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", build, str(out)], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return (out / result.stdout.strip().splitlines()[-1] / "METADATA").read_text()


# ---- for real: a package added where the README says is in the environment ---------------------
# Pairwise over tool x lockfile (pipenv and uv always lock); the notebooks place once, with uv.
INSTALL_CASES = [
    ("venv", "cli", False),
    ("venv", "web", True),
    ("virtualenv", "cli", True),
    ("virtualenv", "scripting", False),
    ("pipenv", "cli", True),
    ("uv", "data-science", True),
]
ADDED = {"runtime": "six", "test": "tomli-w", "notebooks": "text-unidecode"}  # small, pure Python
TABLES = {"runtime": "dependencies = [\n", "test": "test = [\n", "notebooks": "notebooks = [\n"}


@pytest.mark.slow
@pytest.mark.network
@pytest.mark.parametrize(("tool", "domain", "locked"), INSTALL_CASES)
def test_a_package_added_where_the_readme_says_is_installed(
    tmp_path: Path, tool: str, domain: str, locked: bool
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PICKENV_RULES")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    # pipenv and uv as a user has them (the test extra's), beside the machine's Pythons
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env["PATH"]])
    argv = ["new", "demo", "--defaults", "--tool", tool, "-a", f"domain={domain}", "--create-env"]
    argv += ["-a", f"lockfile={str(locked).lower()}", "--output-dir", str(tmp_path)]
    made = subprocess.run([sys.executable, "-m", "pickenv", *argv], env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=900, check=False)  # fmt: skip
    assert made.returncode == 0, made.stderr
    project = tmp_path / "demo"
    found = facts(project)
    places = found["dependencies"]
    assert isinstance(places, dict)
    section = (project / "README.md").read_text().split("## Dependencies", 1)[1].split("\n## ", 1)[0]
    kinds = [k for k in ADDED if k != "notebooks" or domain == "data-science"]

    def shell(command: str) -> None:
        done = subprocess.run(["bash", "-c", command], cwd=project, env=env, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=900, check=False)  # fmt: skip
        assert done.returncode == 0, (command, done.stdout[-2000:], done.stderr[-2000:])

    for kind in kinds:
        add = places["add"].get(kind)
        if add:  # the tool's own command, as the README gives it
            assert f"`{add}`" in section
            shell(add.replace("NAME", ADDED[kind]))
        else:  # the file and table the README names
            assert "pyproject.toml" in section.split(f"**{kind.capitalize()}", 1)[1].split("\n- ", 1)[0]
            pyproject = project / "pyproject.toml"
            text = pyproject.read_text()
            assert text.count(TABLES[kind]) == 1, kind
            pyproject.write_text(text.replace(TABLES[kind], f'{TABLES[kind]}  "{ADDED[kind]}",\n'))
    if not places["add"]:
        for command in sh_blocks(section)[0]:  # the README's step after editing by hand
            shell(command)
    modules = ", ".join(ADDED[k].replace("-", "_") for k in kinds)
    shell(f'{found["run"]}python -c "import {modules}"')


# ---- projects made by earlier releases update -------------------------------------------------
@pytest.mark.slow  # two renders and a copier update (about 5 s)
@pytest.mark.parametrize(("tool", "ref"), [("venv", "0.3.0"), ("pipenv", "0.3.0"), ("uv", "0.2.0")])
def test_an_older_data_science_project_updates_and_keeps_the_users_dependency(
    tmp_path: Path, run_cli: Callable[..., Any], tool: str, ref: str
) -> None:
    """The new `repository` question has a default, so recorded answers of 0.2.0 and 0.3.0
    still update; the dev set splits into test and notebooks, and the user's dependency stays."""
    import copier

    from helpers import git
    from pickenv import __version__
    from pickenv.templating.history import REPO_NAME

    made = run_cli("new", "first", "--defaults", "--output-dir", str(tmp_path))  # fills the history
    assert made.code == 0, made.err
    history = tmp_path / "xdg-cache" / "pickenv" / REPO_NAME
    project = tmp_path / "lab"
    data = {"project_name": "lab", "tool": tool, "domain": "data-science", "python_version": "3.12"}
    copier.run_copy(str(history), str(project), data=data, defaults=True, vcs_ref=ref, quiet=True)
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", f"at {ref}")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace('  "pandas>=1.1",\n', '  "pandas>=1.1",\n  "attrs>=23",\n')
    )
    git(project, "commit", "-q", "-am", "attrs")
    result = run_cli("update", str(project))
    assert result.code == 0, result.err
    assert "conflict" not in result.out, result.out
    recorded = answers(project)
    assert recorded["_commit"] == __version__ and recorded.get("repository", "") == ""
    _, sets, classifiers = metadata(project)
    assert "attrs>=23" in sets["runtime"]
    assert names(sets["test"]) == {"pytest", "pytest-cov"}
    assert names(sets["notebooks"]) == {"jupyterlab", "matplotlib"}
    assert "Programming Language :: Python :: 3.12" in classifiers
    assert "urls" not in tomllib.loads(pyproject.read_text())["project"]


def test_detect_reads_the_all_extras_lock_as_the_project_with_every_extra(
    projects: dict[tuple[str, ...], Path], tmp_path: Path
) -> None:
    """The locked template compiles requirements-dev.txt with --all-extras: what `pickenv
    detect` and `switch` read from it is the project with its test and notebooks extras."""
    from pickenv.formats.files import ProjectFiles
    from pickenv.formats.package import read_package

    root = shutil.copytree(projects["venv", "data-science", "3.12"], tmp_path / "locked")
    header = (
        "#\n# This file is autogenerated by pip-compile with Python 3.12\n# by the following command:\n#\n"
    )
    for name, options in (("requirements.txt", ""), ("requirements-dev.txt", "--all-extras ")):
        command = f"#    pip-compile {options}--output-file={name} pyproject.toml\n#\n"
        (root / name).write_text(header + command + "six==1.17.0\n")
    files = ProjectFiles(root)
    declared = get_tool("venv").read_environment(files, read_package(files))
    dev = declared.group("dev")
    assert dev is not None and dev.self_install is not None
    assert dev.self_install.extras == {"test", "notebooks"}
