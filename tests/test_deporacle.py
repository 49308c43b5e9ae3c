"""The dependency oracle (tests/deporacle.py) itself: what it reads from real projects and small
fixtures, checked against numbers counted straight from the files (json, tomllib, plain text),
against the maintainers' own exported locks, and against itself across formats (Hypothesis).

The oracle reads with each format's own tool (pip's parser, pipenv's converter, rattler, uv), so
these tests check the glue around those tools: which files make which group, what a group
installs with it (-r, pipenv's dev with default, uv's project), and compare()'s words."""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from rattler import MatchSpec

from deporacle import OracleEnv, OracleUnreadable, compare, read_project
from helpers import corpus_copy, realworld, snapshot, write_files

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the test interpreter is 3.11+
    import tomli as tomllib

# Each corpus project and the tool its maintainers install it with; None: a tool the oracle does not read.
TOOL_OF: dict[str, str | None] = {
    "18F+tock": "pipenv",
    "CompVis+stable-diffusion": "conda",
    "DjangoGirls+djangogirls": "venv",
    "NVlabs+stylegan3": "conda",
    "Supervisor+supervisor": None,  # tox and setup.cfg
    "Textualize+rich": None,  # poetry
    "ageron+handson-ml2": "conda",
    "aio-libs+aiohttp": "venv",
    "benjaminp+six": None,  # tox and setup.cfg
    "binder-examples+python-conda_pip": "conda",
    "django+djangoproject.com": "uv",
    "docopt+docopt": None,  # tox and setup.cfg
    "encode+httpx": "venv",
    "fastapi+fastapi": "uv",
    "fastapi+full-stack-fastapi-template": "uv",
    "geopandas+geopandas": "conda",
    "holoviz+param": None,  # pixi
    "jakevdp+PythonDataScienceHandbook": "conda",
    "jupyter+jupyter_core": None,  # hatch
    "langchain-ai+langgraph": "uv",  # one uv project per libs/ folder, none at the root
    "miguelgrinberg+flasky": "venv",
    "miguelgrinberg+microblog": "venv",
    "pdm-project+pdm": None,  # pdm
    "plone+plone.restapi": "venv",
    "postmanlabs+httpbin": "pipenv",
    "psf+requests-html": "pipenv",
    "pydantic+pydantic-ai": "uv",
    "pydantic+pydantic-settings": "uv",
    "pypa+pip": None,  # nox
    "pypa+pipenv": "pipenv",
    "pypa+virtualenv": None,  # tox
    "pypi+warehouse": "venv",
    "python-poetry+cleo": None,  # poetry
    "r1chardj0n3s+parse": "venv",  # tests/requirements.txt only
    "tartley+colorama": "venv",
    "un33k+python-slugify": "venv",
    "wagtail+bakerydemo": "venv",
}


def corpus(name: str, tmp_path: Path) -> Path:
    """A scratch copy of one corpus project (the oracle writes conda's temporary pip file beside
    environment.yml, and the tests edit files)."""
    return corpus_copy(name, tmp_path)


def stubbed_locks(root: Path) -> bool:
    """The corpus keeps big locks as header-only stubs (MISSING.txt): nothing can export them."""
    missing = root / "MISSING.txt"
    return missing.is_file() and "stub" in missing.read_text()


def well_formed(entry: str) -> bool:
    """An entry is one of the documented shapes, and a requirement is in packaging's normal form."""
    text = entry.removeprefix("-e ").removeprefix("-c ")
    if text.startswith("conda:"):
        return str(MatchSpec(text.removeprefix("conda:"))) == text.removeprefix("conda:")
    if text.startswith(("<project>", "<member ./", "./", "/", "https://", "http://", "git+", "file:")):
        return True
    req = Requirement(text)
    return req.name == canonicalize_name(req.name) and str(req) == text


def test_the_tool_map_names_every_corpus_project() -> None:
    assert sorted(p.name for p in realworld().iterdir() if p.is_dir()) == sorted(TOOL_OF)


@pytest.mark.parametrize("name", sorted(TOOL_OF))
def test_every_realworld_project_reads_as_its_own_tool(name: str, tmp_path: Path) -> None:
    tool = TOOL_OF[name]
    if tool is None:
        pytest.skip(f"{name}: its tool is not one the oracle reads")
    root = corpus(name, tmp_path)
    before = snapshot(root)
    try:
        env = read_project(root, tool, locks=not stubbed_locks(root))
    except OracleUnreadable as exc:
        pytest.skip(f"{name} as {tool}: {exc}")
    assert snapshot(root) == before, "reading changed the project"
    assert env.groups and env.files
    assert all((root / f).is_file() for f in env.files)
    for group, entries in env.groups.items():
        assert all(well_formed(e) for e in entries), group
    for group, pins in env.pins.items():
        assert pins and all(n == canonicalize_name(n) and v for n, v, _, _ in pins), group
    if tool in ("pipenv", "uv"):  # pipenv's dev and every uv group come with the default group
        groups = ["dev"] if tool == "pipenv" else list(env.groups)
        assert all(env.groups["default"] <= env.groups[g] for g in groups if g in env.groups)
    assert read_project(root, tool, locks=not stubbed_locks(root)) == env
    assert compare(env, env, {}) == []


# --- concrete numbers from the corpus ------------------------------------------------------------


def test_djangoproject_groups_and_pins_are_uvs(tmp_path: Path) -> None:
    root = corpus("django+djangoproject.com", tmp_path)
    env = read_project(root, "uv")
    data = tomllib.loads((root / "pyproject.toml").read_text())
    assert len(env.groups["default"]) == len(data["project"]["dependencies"]) == 26
    # dev includes the tests group (its { include-group = "tests" }); psycopg[binary] is in both.
    assert env.groups["tests"] - env.groups["default"] < env.groups["dev"]
    assert "coverage==7.15.2" in env.groups["dev"] and "black==26.5.1" in env.groups["dev"]
    assert (len(env.groups["dev"]), len(env.groups["prod"]), len(env.groups["tests"])) == (36, 30, 31)
    assert {"psycopg[c]==3.3.4", "redis==8.1.0", "gunicorn==26.0.0"} <= env.groups["prod"]
    assert not any(e.startswith("<project>") for g in env.groups.values() for e in g)  # package = false
    assert env.metadata == ()  # no build-system: [project] is the environment, not published metadata
    # The maintainers exported their lock to requirements/*.txt with uv: the same pins, group by group.
    exported = read_project(root, "venv")
    for group in ("dev", "prod", "tests"):
        assert {p[:3] for p in env.pins[group]} == {p[:3] for p in exported.pins[group]}
    assert (len(env.pins["dev"]), len(env.pins["prod"]), len(env.pins["tests"])) == (67, 54, 57)
    assert all(p[3] for p in env.pins["dev"])  # uv export kept the lock's hashes


def test_tock_dev_has_django_webtest_twice(tmp_path: Path) -> None:
    root = corpus("18F+tock", tmp_path)
    env = read_project(root, "pipenv")
    pipfile = tomllib.loads((root / "Pipfile").read_text())
    lock = json.loads((root / "Pipfile.lock").read_text())
    assert len(env.groups["default"]) == len(pipfile["packages"]) == 19
    assert len(env.groups["dev"]) == 19 + len(pipfile["dev-packages"]) == 28
    assert {
        "django-webtest~=1.9",
        "django-webtest",
        "setuptools==70.0.0",
        "setuptools>=39.0.1",
    } <= env.groups["dev"]
    assert "django~=4.2" in env.groups["default"] and "codecov==2.1.13" not in env.groups["default"]
    assert len(env.pins["default"]) == len(lock["default"]) == 45
    # develop's pins come with default's, installed after them: a package both pin (django
    # 4.2.18 in default, 4.2.16 in develop; sqlparse, waitress) is develop's version
    develop = {(canonicalize_name(n), e["version"][2:]) for n, e in lock["develop"].items()}
    names = {name for name, _ in develop}
    default = {(canonicalize_name(n), e["version"][2:]) for n, e in lock["default"].items()}
    locked = develop | {pin for pin in default if pin[0] not in names}
    assert {p[:2] for p in env.pins["dev"]} == locked
    assert ("django", "4.2.16") in locked and ("django", "4.2.18") not in locked
    assert len(env.pins["dev"]) == 64
    assert env.indexes == frozenset()  # pypi.python.org is pip's default index


def test_httpx_requirements_install_the_project_with_five_extras(tmp_path: Path) -> None:
    root = corpus("encode+httpx", tmp_path)
    env = read_project(root, "venv")
    default = env.groups["default"]
    assert "<project>[brotli,cli,http2,socks,zstd]" in default
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    expected = {str(Requirement(t)) for t in project["dependencies"]}
    expected |= {str(Requirement(t)) for e in ("brotli", "cli", "http2", "socks", "zstd") for t in extras[e]}
    assert expected < default
    assert {"pytest==8.4.1", "mypy==1.17.1", "chardet==5.2.0"} < default and len(default) == 28
    assert env.metadata[0] == "httpx" and env.metadata[3] == ("readme", "version")
    assert env.files == ("pyproject.toml", "requirements.txt")


def test_pipenvs_own_pipfile_reads_as_pipenv_converts_it(tmp_path: Path) -> None:
    env = read_project(corpus("pypa+pipenv", tmp_path), "pipenv")
    assert env.groups["default"] == {"pytz"}
    assert {
        'waitress==3.*; sys_platform == "win32"',
        'gunicorn==26.1.*; sys_platform == "linux"',
        'legacy-cgi; python_version >= "3.13"',
        "myst-parser[linkify]",
        "sphinx-click==4.*",
    } < env.groups["dev"]


def test_requests_html_dev_installs_the_project_and_keeps_lxml_locked(tmp_path: Path) -> None:
    root = corpus("psf+requests-html", tmp_path)
    env = read_project(root, "pipenv")
    assert "<project>" in env.groups["dev"] and "<project>" not in env.groups["default"]
    lxml = json.loads((root / "Pipfile.lock").read_text())["default"]["lxml"]
    (pin,) = [p for p in env.pins["default"] if p[0] == "lxml"]
    assert pin[1] == "4.9.2" == lxml["version"].removeprefix("==") and pin[3] == tuple(sorted(lxml["hashes"]))
    assert pin in env.pins["dev"]


def test_conda_follows_pip_includes_from_the_environment_folder(tmp_path: Path) -> None:
    root = corpus("jakevdp+PythonDataScienceHandbook", tmp_path)
    env = read_project(root, "conda")
    assert env.files == ("environment.yml", "requirements.txt")
    lines = [x for x in (root / "requirements.txt").read_text().splitlines() if x.strip()]
    assert len(env.groups["default"]) == 1 + len(lines)  # python=3.5 and the file's requirements
    assert {"conda:python 3.5.*", "numpy==1.11.1"} < env.groups["default"]
    assert env.indexes == {"conda:conda-forge"}


def test_stable_diffusion_environment(tmp_path: Path) -> None:
    env = read_project(corpus("CompVis+stable-diffusion", tmp_path), "conda")
    default = env.groups["default"]
    assert {"conda:pytorch 1.11.0.*", "conda:cudatoolkit 11.3.*", "<project>"} < default
    assert "-e taming-transformers @ git+https://github.com/CompVis/taming-transformers.git@master" in default
    assert env.indexes == {"conda:pytorch", "conda:defaults"}


def test_geopandas_environments_are_whole_environments(tmp_path: Path) -> None:
    env = read_project(corpus("geopandas+geopandas", tmp_path), "conda")
    assert set(env.groups) == {"default", "dev"}
    assert "conda:ruff ==0.13.3" in env.groups["dev"] and "conda:pytest >=3.1.0" in env.groups["dev"]
    assert not any("pytest" in e for e in env.groups["default"]) and len(env.groups["default"]) == 14
    assert "conda:cartopy" in env.groups["default"] - env.groups["dev"]  # dev is not default + dev


def test_flasky_requirements_follow_their_includes(tmp_path: Path) -> None:
    env = read_project(corpus("miguelgrinberg+flasky", tmp_path), "venv")
    assert set(env.groups) == {"default", "common", "dev", "docker", "heroku", "prod"}
    # requirements.txt -> requirements/heroku.txt -> prod.txt (only "-r common.txt") -> common.txt
    assert env.groups["common"] == env.groups["prod"] < env.groups["heroku"] == env.groups["default"]
    assert {"gunicorn==19.7.1", "psycopg2==2.7.3"} < env.groups["default"]
    assert (
        "faker==0.7.18" in env.groups["dev"] - env.groups["default"]
        and env.groups["common"] < env.groups["dev"]
    )
    assert env.pins == {}  # hand-written files: their == are requirements, not a lock


def test_pip_compile_projects_ask_for_the_in_and_lock_the_txt(tmp_path: Path) -> None:
    root = corpus("DjangoGirls+djangogirls", tmp_path)
    env = read_project(root, "venv")
    asked = [x for x in (root / "requirements.in").read_text().splitlines() if x.strip() and x[0] != "#"]
    pinned = [x for x in (root / "requirements.txt").read_text().splitlines() if "==" in x and x[0] != " "]
    assert len(asked) == 51 and len(env.groups["default"]) == len(set(asked)) == 48  # 3 lines twice
    assert len(env.pins["default"]) == len(pinned) == 116
    assert "asgiref==3.6.0" not in env.groups["default"]  # transitive: only in the lock
    assert ("asgiref", "3.6.0", "", ()) in env.pins["default"]


def test_warehouse_locks_carry_hashes(tmp_path: Path) -> None:
    env = read_project(corpus("pypi+warehouse", tmp_path), "venv")
    assert "ipython" in env.groups and "ipython" not in env.pins  # requirements/ipython.txt has no lock
    assert all(len(p[3]) >= 1 for p in env.pins["main"]) and len(env.pins["main"]) == 184
    # requirements.txt only includes compiled files: it asks for exactly what they lock.
    asked = [Requirement(x) for x in env.groups["default"] if not x.startswith("-e ")]
    assert {p[:2] for p in env.pins["default"]} == {(r.name, str(r.specifier)[2:]) for r in asked}


def test_aiohttp_groups_follow_nested_includes(tmp_path: Path) -> None:
    env = read_project(corpus("aio-libs+aiohttp", tmp_path), "venv")
    assert len(env.groups) == 15 and all(g in env.pins for g in env.groups)
    assert {"gunicorn", "pytest-xdist", "freezegun"} < env.groups["test"]  # base.in + test-common.in
    assert env.groups["runtime-deps"] < env.groups["base"] < env.groups["test"]


def test_full_stack_workspace_installs_its_member_and_takes_its_groups(tmp_path: Path) -> None:
    env = read_project(corpus("fastapi+full-stack-fastapi-template", tmp_path), "uv")
    assert set(env.groups) == {"default", "dev", "github-actions"}
    assert all("<member ./backend>" in g for g in env.groups.values())
    assert "pytest<10.0.0,>=7.4.3" in env.groups["dev"]  # backend's dev group: uv --group dev takes it
    assert "fastapi[standard]<1.0.0,>=0.141.1" in env.groups["default"]
    assert any(p[0] == "pytest" for p in env.pins["dev"]) and not any(
        p[0] == "pytest" for p in env.pins["default"]
    )


def test_unreadable_projects_say_why(tmp_path: Path) -> None:
    with pytest.raises(OracleUnreadable, match=r"network.*dist\.plone\.org"):
        read_project(corpus("plone+plone.restapi", tmp_path), "venv")
    fastapi = corpus("fastapi+fastapi", tmp_path)
    with pytest.raises(OracleUnreadable, match=r"uv export: .*lockfile"):
        read_project(fastapi, "uv")
    assert read_project(fastapi, "uv", locks=False).pins == {}
    with pytest.raises(OracleUnreadable, match="no Pipfile"):
        read_project(fastapi, "pipenv")
    with pytest.raises(ValueError, match="poetry"):
        read_project(fastapi, "poetry")


# --- compare(): every difference in words ---------------------------------------------------------


def test_compare_finds_a_dropped_group_requirement(tmp_path: Path) -> None:
    root = corpus("django+djangoproject.com", tmp_path)
    old = read_project(root, "uv")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('    "redis==8.1.0",\n', ""))
    # uv export --frozen reads the lock as it is: only the declared group lost something.
    assert compare(old, read_project(root, "uv"), {}) == ["group prod: lost 'redis==8.1.0'"]


def test_compare_finds_a_dropped_lock_pin(tmp_path: Path) -> None:
    root = corpus("psf+requests-html", tmp_path)
    old = read_project(root, "pipenv")
    lock = json.loads((root / "Pipfile.lock").read_text())
    del lock["default"]["lxml"]
    (root / "Pipfile.lock").write_text(json.dumps(lock))
    # develop pins lxml too, and the dev environment takes it from there
    assert compare(old, read_project(root, "pipenv"), {}) == ["group default: pin lxml: 4.9.2 -> none"]
    del lock["develop"]["lxml"]
    (root / "Pipfile.lock").write_text(json.dumps(lock))
    assert compare(old, read_project(root, "pipenv"), {}) == [
        "group default: pin lxml: 4.9.2 -> none",
        "group dev: pin lxml: 4.9.2 -> none",
    ]


def test_compare_words_for_pins_indexes_metadata_and_groups() -> None:
    def env(**changes: Any) -> OracleEnv:
        return replace(OracleEnv({"default": frozenset({"django>=4"})}, {}, frozenset(), (), ()), **changes)

    pin = ("lxml", "4.9.2", "", ("sha256:aa", "sha256:bb"))
    old = env(pins={"default": frozenset({pin})}, indexes=frozenset({"https://a.example/simple"}))
    assert compare(old, env(pins={"default": frozenset({("lxml", "5.0", "", ())})}), {}) == [
        "group default: pin lxml: 4.9.2 -> 5.0",
        "index https://a.example/simple lost",
    ]
    assert compare(old, env(pins={"default": frozenset({(*pin[:3], ("sha256:aa",))})}), {})[0] == (
        "group default: pin lxml==4.9.2: hashes changed (1 lost, 0 gained)"
    )
    marked = (*pin[:2], 'sys_platform == "linux"', *pin[3:])
    assert compare(old, env(pins={"default": frozenset({marked})}), {})[0].startswith(
        "group default: pin lxml==4.9.2: marker"
    )
    # Requirement equality is packaging's: name spelling and specifier order do not matter.
    dev = env(groups={"default": frozenset({"Django>=4.0"}), "develop": frozenset({"b<2,>1"})})
    respelled = env(groups={"default": frozenset({"django>=4"}), "dev": frozenset({"B>1,<2"})})
    assert compare(dev, respelled, {"develop": "dev"}) == []
    assert compare(dev, env(), {}) == [
        "group develop: missing (no group 'develop' in the new files)",
        "group develop: lost 'b<2,>1'",
    ]
    assert compare(env(), dev, {}) == ["group develop: new group", "group develop: gained 'b<2,>1'"]
    package = ("demo", ("attrs",), (), (), ">=3.10")
    assert compare(env(metadata=package), env(metadata=("demo", ("attrs", "rich"), (), (), None)), {}) == [
        "metadata changed: dependencies, requires-python"
    ]


def test_compare_the_same_project_written_for_two_tools(tmp_path: Path) -> None:
    """A Pipfile and requirements files that say the same thing in each tool's words read the same:
    pipenv's bare version is ==, its marker keys are markers, its dev comes with its default."""
    pipenv = write_files(
        tmp_path / "pipenv",
        {
            "Pipfile": """\
            [packages]
            django = "2"
            Requests = {version = ">=2.31", extras = ["socks"]}
            pywin32 = {version = "*", sys_platform = "== 'win32'"}
            [dev-packages]
            pytest = {version = "7.4.0"}
            demo = {path = ".", editable = true, extras = ["cli"]}
            [docs]
            sphinx = "*"
            """,
            "pyproject.toml": PACKAGE,
        },
        dedent=True,
    )
    venv = write_files(
        tmp_path / "venv",
        {
            "requirements.txt": "django==2\nrequests[socks]>=2.31\npywin32; sys_platform == 'win32'\n",
            "requirements-dev.txt": "-r requirements.txt\npytest==7.4.0\n-e .[cli]\n",
            "requirements/docs.txt": "sphinx\n",
            "pyproject.toml": PACKAGE,
        },
        dedent=True,
    )
    old, new = read_project(pipenv, "pipenv"), read_project(venv, "venv")
    assert compare(old, new, {}) == []
    windows = 'pywin32; sys_platform == "win32"'
    assert {"django==2", windows, "<project>[cli]", "attrs>=22"} < new.groups["dev"]
    assert read_project(venv, "virtualenv") == new  # virtualenv installs requirements as venv's pip does
    lost = replace(new, groups=dict(new.groups, dev=new.groups["dev"] - {"pytest==7.4.0"}))
    assert compare(old, lost, {}) == ["group dev: lost 'pytest==7.4.0'"]


# --- small fixtures for shapes the corpus lacks ---------------------------------------------------

PACKAGE = """\
    [build-system]
    requires = ["hatchling"]
    build-backend = "hatchling.build"
    [project]
    name = "Demo_Pkg"
    version = "1"
    dependencies = ["attrs>=22"]
    [project.optional-dependencies]
    CLI = ["click>=8; python_version >= '3.9'"]
    all = ["demo-pkg[cli]", "rich"]
    """


def test_requirements_files_as_pip_reads_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_TOKEN", "s3cret")
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": PACKAGE,
            "sub/setup.py": "",
            "requirements.txt": """\
            -i https://mirror.example/simple/
            --extra-index-url https://pypi.org/simple
            -c constraints.txt
            .[all] ; sys_platform == 'linux'
            Zope.Interface==6.1 --hash=sha256:abcd
            private @ https://u:${DEMO_TOKEN}@host.example/private-1.0.tar.gz
            git+https://github.com/org/tool.git@v1#egg=Tool
            """,
            "constraints.txt": "urllib3<2\n",
            "dev-requirements.txt": "-r requirements.txt\n",
            "requirements/development.txt": "-e ./sub\n",
            "requirements/test.in": "pytest\n",
        },
        dedent=True,
    )
    env = read_project(root, "venv")
    assert set(env.groups) == {"default", "dev", "test"}
    linux = 'sys_platform == "linux"'
    assert env.groups["default"] == {
        "-c urllib3<2",
        f"<project>[all]; {linux}",
        f"attrs>=22; {linux}",
        f'click>=8; {linux} and python_version >= "3.9"',  # through the all -> demo-pkg[cli] self-reference
        f"rich; {linux}",
        "zope-interface==6.1",
        "private @ https://u:s3cret@host.example/private-1.0.tar.gz",  # pip expands ${VAR}
        "tool @ git+https://github.com/org/tool.git@v1",
    }
    # requirements/development.txt is "dev" with dev-requirements.txt; its ./sub is relative to the root
    assert env.groups["dev"] == env.groups["default"] | {"-e ./sub"}
    hashed = frozenset({("zope-interface", "6.1", "", ("sha256:abcd",))})  # a hashed line pins
    assert env.pins == {"default": hashed, "dev": hashed}
    assert env.indexes == {"https://mirror.example/simple"}
    assert env.metadata == (
        "demo-pkg",
        ("attrs>=22",),
        (("all", ("demo-pkg[cli]", "rich")), ("cli", ('click>=8; python_version >= "3.9"',))),
        (),
        None,
    )


def test_pip_compile_output_is_the_lock_of_its_in(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {
            "requirements.in": "django>=4\n",
            "requirements.txt": """\
            #
            # This file is autogenerated by pip-compile with Python 3.11
            # by the following command:
            #
            #    pip-compile --generate-hashes
            #
            asgiref==3.8.1 \\
                --hash=sha256:aa
                # via django
            django==4.2.11 \\
                --hash=sha256:bb \\
                --hash=sha256:cc
            sqlparse==0.5.0 ; python_version >= "3.8" \\
                --hash=sha256:dd
            """,
        },
        dedent=True,
    )
    env = read_project(root, "venv")
    assert env.groups == {"default": frozenset({"django>=4"})}
    assert env.pins["default"] == {
        ("asgiref", "3.8.1", "", ("sha256:aa",)),
        ("django", "4.2.11", "", ("sha256:bb", "sha256:cc")),
        ("sqlparse", "0.5.0", 'python_version >= "3.8"', ("sha256:dd",)),
    }


def test_conda_environments(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": PACKAGE,
            "environment.yml": """\
            channels: [conda-forge, pytorch]
            dependencies:
              - numpy 1.26
              - NumPy-Base=1.26
              - pytorch::pytorch>=2
              - pip
              - pip:
                - -r env/extra.txt
                - -e .[cli]
            """,
            "env/extra.txt": "httpx>=0.27\n",
            "environment-docs.yaml": "dependencies: [python=3.12, sphinx]\n",
        },
        dedent=True,
    )
    env = read_project(root, "conda")
    assert env.groups["default"] == {
        "conda:numpy ==1.26",  # a space: exactly 1.26
        "conda:numpy-base 1.26.*",  # =: a prefix
        "conda:pytorch::pytorch >=2",
        "conda:pip",
        "httpx>=0.27",
        "<project>[cli]",
        "attrs>=22",
        'click>=8; python_version >= "3.9"',
    }
    assert env.groups["docs"] == {"conda:python 3.12.*", "conda:sphinx"}
    assert env.indexes == {"conda:conda-forge", "conda:pytorch"}
    assert env.files == ("env/extra.txt", "environment-docs.yaml", "environment.yml", "pyproject.toml")
    assert not list(root.glob(".deporacle-*"))  # the temporary pip file is gone


def test_uv_groups_install_the_project(tmp_path: Path) -> None:
    package = write_files(
        tmp_path / "package",
        {
            "pyproject.toml": PACKAGE
            + """\
            [dependency-groups]
            Test = ["pytest>=8", {include-group = "lint"}]
            lint = ["ruff"]
            extras = ["demo-pkg[cli]"]
            [tool.uv]
            dev-dependencies = ["ipython"]
            constraint-dependencies = ["urllib3<2"]
            index = [{name = "mirror", url = "https://mirror.example/simple"}]
            """,
        },
        dedent=True,
    )
    env = read_project(package, "uv")
    base = {"<project>", "attrs>=22", "-c urllib3<2"}
    assert env.groups == {
        "default": base,
        "test": base | {"pytest>=8", "ruff"},
        "lint": base | {"ruff"},
        "extras": base | {"<project>[cli]", 'click>=8; python_version >= "3.9"'},
        "dev": base | {"ipython"},
    }
    assert env.indexes == {"https://mirror.example/simple"} and env.pins == {}
    application = write_files(
        tmp_path / "app",
        {
            "pyproject.toml": """\
            [project]
            name = "app"
            version = "0"
            dependencies = ["flask"]
            [dependency-groups]
            dev = ["pytest"]
            """,
        },
        dedent=True,
    )
    assert read_project(application, "uv").groups == {"default": {"flask"}, "dev": {"flask", "pytest"}}
    (application / "pyproject.toml").write_text('[dependency-groups]\na = [{include-group = "b"}]\n')
    with pytest.raises(OracleUnreadable, match=r"no pyproject\.toml"):
        read_project(application, "uv")
    cyclic = '[project]\nname = "app"\n[dependency-groups]\na = [{include-group = "a"}]\n'
    (application / "pyproject.toml").write_text(cyclic)
    with pytest.raises(OracleUnreadable, match="uv: "):
        read_project(application, "uv")


# --- the oracle agrees with itself across formats -------------------------------------------------

_NAMES = ["Django", "zope.interface", "typing_extensions", "Flask-Login", "requests", "PyYAML", "ruamel.yaml"]
_SPECS = ["", ">=1.0", "==2.*", "~=1.4", "<3,>=1", "!=1.5", "==1.0.0"]
_EXTRAS = [(), ("socks",), ("A_B", "c")]
_MARKERS = [
    "",
    "python_version < '3.12'",
    'sys_platform == "win32"',
    "os_name != 'nt' and python_version >= \"3.9\"",
]
_REQ = st.tuples(
    st.sampled_from(_NAMES), st.sampled_from(_EXTRAS), st.sampled_from(_SPECS), st.sampled_from(_MARKERS)
)
_REQS = st.lists(_REQ, max_size=5, unique_by=lambda r: canonicalize_name(r[0]))


_Req = tuple[str, tuple[str, ...], str, str]


def _pep508(name: str, extras: tuple[str, ...], spec: str, marker: str) -> str:
    return name + (f"[{','.join(extras)}]" if extras else "") + spec + (f"; {marker}" if marker else "")


def _pipfile_table(reqs: list[_Req]) -> str:
    lines = []
    for name, extras, spec, marker in reqs:
        fields = [f"version = {json.dumps(spec or '*')}", f"extras = {json.dumps(list(extras))}"]
        fields += [f"markers = {json.dumps(marker)}"] if marker else []
        lines.append(f"{json.dumps(name)} = {{{', '.join(fields)}}}")
    return "\n".join(lines)


@settings(max_examples=40, deadline=None)
@given(default=_REQS, dev=_REQS)
def test_one_declaration_reads_the_same_in_every_format(default: list[_Req], dev: list[_Req]) -> None:
    lines, dev_lines = [_pep508(*r) for r in default], [_pep508(*r) for r in dev]
    with tempfile.TemporaryDirectory() as folder:
        venv = write_files(
            Path(folder) / "venv",
            {
                "requirements.txt": "\n".join(lines) + "\n",
                "requirements-dev.txt": "\n".join(["-r requirements.txt", *dev_lines]) + "\n",
            },
            dedent=True,
        )
        pipenv = write_files(
            Path(folder) / "pipenv",
            {"Pipfile": f"[packages]\n{_pipfile_table(default)}\n[dev-packages]\n{_pipfile_table(dev)}\n"},
            dedent=True,
        )
        uv = write_files(
            Path(folder) / "uv",
            {
                "pyproject.toml": '[project]\nname = "demo-app"\nversion = "0"\n'
                f"dependencies = {json.dumps(lines)}\n[dependency-groups]\ndev = {json.dumps(dev_lines)}\n"
            },
            dedent=True,
        )
        conda = write_files(
            Path(folder) / "conda",
            {
                "environment.yml": yaml.safe_dump({"dependencies": [{"pip": lines}]}),
                "environment-dev.yml": yaml.safe_dump({"dependencies": [{"pip": lines + dev_lines}]}),
            },
            dedent=True,
        )
        pip_env = read_project(venv, "venv")
        assert {Requirement(x) for x in pip_env.groups["default"]} == {Requirement(x) for x in lines}
        for other in (read_project(pipenv, "pipenv"), read_project(uv, "uv"), read_project(conda, "conda")):
            if not dev:  # a tool with an empty dev section has no dev group; the others have default again
                other = OracleEnv({**other.groups, "dev": other.groups["default"]}, {}, frozenset(), (), ())
            assert compare(pip_env, other, {}) == []


def test_well_formed_rejects_what_it_should() -> None:
    assert well_formed("django>=4") and well_formed("conda:numpy 1.26.*") and well_formed("-c urllib3<2")
    assert not well_formed("Django>=4")
    with pytest.raises(InvalidRequirement):
        well_formed("not a requirement")
