"""The project's own test command (pickenv.existing.testcommand), read from what it declares.

Each runner's own tool is the oracle where it can be asked without running the project: tox's
``tox config`` (its substitutions, factors, references), nox's ``--list --json`` and a real
``nox --no-venv`` run of a recording script, ``make -n`` (make's own expansion), pipenv's own
``Script.parse``. The commands found for pytest and unittest fixtures are run for real.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import REALWORLD, write_files
from pickenv.existing.testcommand import TestCommand, find_test_command
from pickenv.formats.files import FileError, ProjectFiles

BIN = Path(sys.executable).parent
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def project(root: Path, **files: str | bytes) -> ProjectFiles:
    """The files (paths with "/") written under ``root``, dedented."""
    texts = {k: v if isinstance(v, bytes) else textwrap.dedent(v).lstrip("\n") for k, v in files.items()}
    return ProjectFiles(write_files(root, texts))


def found(root: Path, **files: str | bytes) -> TestCommand:
    command = find_test_command(project(root, **files))
    assert command is not None
    return command


# ---- tox's own reading as the oracle ---------------------------------------------------------
def tox_config(folder: Path, env: str = "py") -> subprocess.Popen[str]:
    command = [str(BIN / "tox"), "config", "-e", env, "-k", "commands"]
    return subprocess.Popen(
        command, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV
    )


def tox_commands(process: subprocess.Popen[str], folder: Path) -> list[list[str]]:
    """The commands ``tox config`` prints (shell-quoted, one a line), tox's folder as "."."""
    out, err = process.communicate(timeout=180)
    assert process.returncode == 0, out + err
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("commands ="))
    first = lines[at].partition("=")[2].strip()
    block = [first] if first else [line for line in lines[at + 1 :] if line.startswith(" ")]
    return [shlex.split(line.replace(str(folder.resolve()), ".")) for line in block if line.strip()]


def runs_the_tests(commands: list[list[str]]) -> tuple[str, ...] | None:
    """The first of tox's commands that runs tests, as ``python`` would run it; arguments naming
    tox's own folders (.tox/...) left out with their option."""
    scripts = {
        "pytest": "pytest",
        "py.test": "pytest",
        "coverage": "coverage",
        "zope-testrunner": "zope.testrunner",
    }
    for argv in commands:
        program, args = Path(argv[0]).name, argv[1:]
        if (program == "coverage" and args[:1] != ["run"]) or args[:2] == ["-m", "pip"]:
            continue
        if program in scripts or program.startswith("python"):
            mapped = args if program.startswith("python") else ["-m", scripts[program], *args]
            kept: list[str] = []
            for arg in mapped:
                if "./.tox" not in arg:
                    kept.append(arg)
                elif kept[-1].startswith("-") and not arg.startswith("-"):
                    kept.pop()
            return tuple(kept)
    return None


TOX_FIXTURES: dict[str, tuple[dict[str, str], tuple[str, ...], str]] = {
    "factors-refs-comments": (
        {
            "tox.ini": """
            [tox]
            envlist = py{310,311}-{a,b}, lint

            [base]
            pre = pip install -e .   # installing is the new tool's job

            [testenv]
            deps = pytest
            commands =
                {[base]pre}
                # a comment line
                a: python -c "print('only for a')"
                !lint: pytest -q \\
                    --strict-markers {posargs:tests}   # inline comment
                coverage report
            """
        },
        ("-m", "pytest", "-q", "--strict-markers", "tests"),
        "tox.ini [testenv] commands",
    ),
    "setup-cfg": (
        {
            "setup.cfg": """
            [metadata]
            name = demo

            [tox:tox]
            envlist = py

            [testenv]
            commands = python -m pytest -x {posargs} --rootdir={toxinidir}
            """
        },
        ("-m", "pytest", "-x", "--rootdir=."),
        "setup.cfg [testenv] commands",
    ),
    "tox-toml": (
        {
            "tox.toml": """
            env_list = ["3.12"]
            [env_run_base]
            commands = [
              ["coverage", "erase"],
              ["coverage", "run", "-m", "pytest", POSARGS],
            ]
            """.replace(
                "POSARGS",
                '{ replace = "posargs", extend = true, '
                'default = ["--junitxml", "{work_dir}{/}j.xml", "tests"] }',
            )
        },
        ("-m", "coverage", "run", "-m", "pytest", "tests"),
        "tox.toml env_run_base.commands",
    ),
    "pyproject-native": (
        {
            "pyproject.toml": """
            [tool.tox]
            env_list = ["py"]
            [tool.tox.env_run_base]
            commands = [["pytest", "-k", "not slow", ENV, "{posargs}"]]
            """.replace("ENV", '{ replace = "env", name = "UNSET_FOR_SURE", default = "--maxfail=2" }')
        },
        # tox.toml's "{posargs}" as a whole string is one empty argument (tox prints '' too)
        ("-m", "pytest", "-k", "not slow", "--maxfail=2", ""),
        "pyproject.toml [tool.tox] env_run_base.commands",
    ),
    "pyproject-legacy": (
        {
            "pyproject.toml": '''
            [tool.tox]
            legacy_tox_ini = """
            [tox]
            envlist = py
            [testenv]
            commands = {envpython} -m unittest discover -s tests {posargs}
            """
            '''
        },
        ("-m", "unittest", "discover", "-s", "tests"),
        "pyproject.toml [tool.tox] legacy_tox_ini [testenv] commands",
    ),
    "envbindir": (
        {
            "tox.ini": """
            [testenv]
            commands = {envbindir}/py.test -p no:randomly {posargs:-q}
            """
        },
        ("-m", "pytest", "-p", "no:randomly", "-q"),
        "tox.ini [testenv] commands",
    ),
}


@pytest.mark.parametrize("name", sorted(TOX_FIXTURES))
def test_tox_fixtures_agree_with_tox_config(name: str, tmp_path: Path) -> None:
    files, argv, source = TOX_FIXTURES[name]
    command = found(tmp_path, **files)
    assert (command.argv, command.source, command.certain) == (argv, source, True)
    assert runs_the_tests(tox_commands(tox_config(tmp_path), tmp_path)) == argv


# ---- the realworld corpus ---------------------------------------------------------------------
PYTEST = (("-m", "pytest"), "pyproject.toml [tool.pytest.ini_options]")
CORPUS: dict[str, tuple[tuple[str, ...], str] | None] = {
    "tartley+colorama": (("-m", "unittest", "discover", "-p", "*_test.py"), "tox.ini [testenv] commands"),
    "benjaminp+six": (("-m", "pytest", "-rfsxX"), "tox.ini [testenv] commands"),
    "docopt+docopt": (("-m", "pytest"), "tox.ini [testenv] commands"),
    "Supervisor+supervisor": (("-m", "pytest", "--capture=no"), "tox.ini [testenv] commands"),
    "un33k+python-slugify": (
        ("-m", "coverage", "run", "-m", "pytest", "test.py"),
        "tox.ini [testenv] commands",
    ),
    "Textualize+rich": (
        ("-m", "pytest", "--cov-report", "term-missing", "--cov=rich", "tests/"),
        "tox.ini [testenv] commands",
    ),
    "plone+plone.restapi": (
        ("-m", "zope.testrunner", "--all", "--test-path=./src", "-s", "plone.restapi"),
        "tox.ini [testenv] commands",
    ),
    "postmanlabs+httpbin": (("test_httpbin.py",), "tox.ini [testenv] commands"),
    "pypa+virtualenv": (
        ("-m", "coverage", "run", "-m", "pytest", "tests", "--int", "-n", "auto", "--dist", "loadfile"),
        "tox.toml env_run_base.commands",
    ),
    # tox.ini says `test {posargs}` (a pdm script, through tox-pdm): pdm's own script is read.
    "pdm-project+pdm": (("-m", "pytest"), "pyproject.toml [tool.pdm.scripts] test"),
    "jupyter+jupyter_core": (("-m", "pytest", "-vv"), "pyproject.toml [tool.hatch.envs.test.scripts] test"),
    "pypa+pipenv": (("-m", "pytest", "-vvs"), "Pipfile [scripts] test"),
    "psf+requests-html": (("-m", "pytest", "-v", "-m", "not internet"), "Pipfile [scripts] tests"),
    "aio-libs+aiohttp": (("-m", "pytest"), "setup.cfg [tool:pytest]"),
    "fastapi+fastapi": (("-m", "pytest"), "pyproject.toml [tool.pytest]"),
    "pypi+warehouse": (("-m", "pytest"), "pyproject.toml [tool.pytest]"),
    **dict.fromkeys(
        (
            "encode+httpx",
            "geopandas+geopandas",
            "holoviz+param",
            "pydantic+pydantic-ai",
            "pydantic+pydantic-settings",
            "pypa+pip",
            "python-poetry+cleo",
        ),
        PYTEST,
    ),
    **dict.fromkeys(
        (
            "18F+tock",
            "CompVis+stable-diffusion",
            "DjangoGirls+djangogirls",
            "NVlabs+stylegan3",
            "ageron+handson-ml2",
            "binder-examples+python-conda_pip",
            "django+djangoproject.com",
            "fastapi+full-stack-fastapi-template",
            "jakevdp+PythonDataScienceHandbook",
            "langchain-ai+langgraph",
            "miguelgrinberg+flasky",
            "miguelgrinberg+microblog",
            "r1chardj0n3s+parse",
            "wagtail+bakerydemo",
        ),
        None,
    ),
}
needs_corpus = pytest.mark.skipif(
    not REALWORLD.is_dir(), reason=f"the realworld corpus is not at {REALWORLD}"
)


@needs_corpus
def test_every_corpus_project_has_an_expected_answer() -> None:
    assert sorted(p.name for p in REALWORLD.iterdir() if p.is_dir()) == sorted(CORPUS)


@needs_corpus
@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_project(name: str) -> None:
    command = find_test_command(ProjectFiles(REALWORLD / name))
    expected = CORPUS[name]
    if expected is None:
        assert command is None
    else:
        assert command is not None and (command.argv, command.source, command.certain) == (*expected, True)


@pytest.mark.slow  # tox itself on every corpus tox file: 4 s
@needs_corpus
def test_corpus_tox_commands_agree_with_tox_config(tmp_path: Path) -> None:
    """tox itself reads each corpus tox file (in a copy); the test it runs is the one found."""
    names = [n for n, e in CORPUS.items() if e and e[1].startswith(("tox.ini", "tox.toml"))]
    running = {}
    for name in names:  # all at once: tox takes a few seconds to start
        folder = tmp_path / name
        folder.mkdir()
        for path in (REALWORLD / name).glob("tox.*"):
            (folder / path.name).write_bytes(path.read_bytes())
        running[name] = (folder, tox_config(folder))
    for name, (folder, process) in running.items():
        command = find_test_command(ProjectFiles(REALWORLD / name))
        assert command is not None
        assert command.argv == runs_the_tests(tox_commands(process, folder)), name


@needs_corpus
def test_pdm_projects_tox_command_is_not_taken_for_a_program(tmp_path: Path) -> None:
    """Only tox.ini: `test {posargs}` is a pdm script name, not something to run."""
    command = found(tmp_path, **{"tox.ini": (REALWORLD / "pdm-project+pdm" / "tox.ini").read_text()})
    assert (command.argv, command.certain, command.text) == ((), False, "test")


# ---- nox: its own listing, and a real run of what it runs ------------------------------------
NOXFILE = """
    import nox

    ARGS = ["--cov"]

    @nox.session(python=False)
    def lint(session):
        session.run("ruff", "check", ".")

    @nox.session(name="tests", python=False)
    def run_the_tests(session):
        session.run("python", "-m", "pip", "--version")
        if True:
            session.run("python", "record.py", "--flag", *(session.posargs or ["tests/unit"]))
        session.run("python", "record.py", "second")
    """


def test_noxfile_session_and_first_run_agree_with_nox(tmp_path: Path) -> None:
    record = (
        "import json, sys\nwith open('argv.jsonl', 'a') as f:\n    f.write(json.dumps(sys.argv) + '\\n')\n"
    )
    command = found(tmp_path, **{"noxfile.py": NOXFILE, "record.py": record})
    assert (command.argv, command.source, command.certain) == (
        ("record.py", "--flag", "tests/unit"),
        "noxfile.py session tests",
        True,
    )
    nox = [str(BIN / "nox"), "-f", "noxfile.py"]
    listed = subprocess.run([*nox, "--list", "--json"], cwd=tmp_path, capture_output=True, text=True, env=ENV)
    assert [s["name"] for s in json.loads(listed.stdout)] == ["lint", "tests"]
    # nox runs the session's commands as they are (no environment of its own): the first that
    # records its arguments is the one found; `python -m pip` before it is environment setup.
    subprocess.run([*nox, "--no-venv", "-s", "tests"], cwd=tmp_path, check=True, capture_output=True, env=ENV)
    recorded = [json.loads(line) for line in (tmp_path / "argv.jsonl").read_text().splitlines()]
    assert recorded == [list(command.argv), ["record.py", "second"]]


def test_noxfile_run_built_from_variables_is_uncertain(tmp_path: Path) -> None:
    noxfile = "import nox\n\n@nox.session\ndef tests(session):\n    session.run(*ARGS)\n"
    command = found(tmp_path, **{"noxfile.py": noxfile})
    assert (command.argv, command.certain, command.text) == ((), False, "session.run(*ARGS)")


def test_a_broken_noxfile_is_a_file_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(FileError, match=r"^noxfile.py is not valid Python \(line 2\)"):
        find_test_command(project(tmp_path, **{"noxfile.py": "import nox\ndef tests(:\n"}))


# ---- hatch, Makefile, Pipfile, pdm ------------------------------------------------------------
def test_hatch_scripts_with_args_and_script_references(tmp_path: Path) -> None:
    pyproject = """
        [tool.hatch.envs.default.scripts]
        run = "pytest -x {args}"
        test = ["- coverage erase", "run tests/unit"]
        """
    command = found(tmp_path, **{"pyproject.toml": pyproject})
    assert command.argv == ("-m", "pytest", "-x", "tests/unit")
    assert command.source == "pyproject.toml [tool.hatch.envs.default.scripts] test" and command.certain


def test_hatch_toml_and_hatch_test(tmp_path: Path) -> None:
    command = found(
        tmp_path / "a", **{"hatch.toml": '[envs.default.scripts]\ntests = "python -m pytest {args:-q}"\n'}
    )
    assert (command.argv, command.source) == (
        ("-m", "pytest", "-q"),
        "hatch.toml [envs.default.scripts] tests",
    )
    command = found(
        tmp_path / "b", **{"pyproject.toml": "[tool.hatch.envs.hatch-test]\nextra-dependencies = []\n"}
    )
    assert (command.argv, command.source) == (("-m", "pytest"), "pyproject.toml [tool.hatch.envs.hatch-test]")


def test_hatch_script_needing_a_shell_is_uncertain(tmp_path: Path) -> None:
    command = found(tmp_path, **{"hatch.toml": '[envs.default.scripts]\ntest = "cd tests && pytest"\n'})
    assert (command.argv, command.certain, command.text) == ((), False, "cd tests && pytest")


MAKEFILE = """
    PYTHON ?= python3
    PYTEST_ARGS := -q --strict-markers
    PYTEST_ARGS += tests

    .PHONY: install test

    install:
    \t$(PYTHON) -m pip install -e .

    test: install
    \t@echo "running the tests"
    \t-$(PYTHON) -m pytest ${PYTEST_ARGS}
    """


def test_makefile_test_target_as_make_expands_it(tmp_path: Path) -> None:
    command = found(tmp_path, **{"Makefile": MAKEFILE})
    assert (command.argv, command.source, command.certain) == (
        ("-m", "pytest", "-q", "--strict-markers", "tests"),
        "Makefile test:",
        True,
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHON", "PYTEST_ARGS", "MAKEFLAGS")}
    dry = subprocess.run(
        ["make", "-n", "test"], cwd=tmp_path, capture_output=True, text=True, check=True, env=env
    )
    assert command.text in dry.stdout.splitlines()


@pytest.mark.parametrize(
    ("recipe", "argv", "certain"),
    [
        ("pipenv run pytest -x", ("-m", "pytest", "-x"), True),
        ("poetry run python -m unittest", ("-m", "unittest"), True),
        ("cd tests && pytest", (), False),
        ("./run-tests.sh", (), False),
        ("PYTHONPATH=src pytest", ("-m", "pytest"), True),
    ],
)
def test_makefile_recipes(tmp_path: Path, recipe: str, argv: tuple[str, ...], certain: bool) -> None:
    command = found(tmp_path, **{"Makefile": f"test:\n\t{recipe}\n"})
    assert (command.argv, command.certain) == (argv, certain)
    if recipe.startswith("PYTHONPATH"):
        assert command.env == (("PYTHONPATH", "src"),)


def test_makefile_step_before_the_tests_makes_it_uncertain(tmp_path: Path) -> None:
    command = found(tmp_path, **{"Makefile": "test:\n\t./scripts/start-db.sh\n\tpytest\n"})
    assert (command.argv, command.certain) == (("-m", "pytest"), False)
    assert command.note == "the project runs './scripts/start-db.sh' first"


def pipenv_script(pipfile: str, name: str) -> tuple[str, list[str]]:
    from pipenv.cmdparse import Script  # type: ignore[import-untyped]
    from pipenv.vendor import tomlkit

    script = Script.parse(tomlkit.parse(pipfile)["scripts"][name])
    return script.command, list(script.args)


@pytest.mark.parametrize(
    "value",
    [
        "\"pytest -v -m 'not internet' \"",
        '"python -m pytest --maxfail=1 tests"',
        "{call = \"tests.runner:main('fast')\"}",
        '{call = "tests.runner:main"}',
    ],
)
def test_pipfile_scripts_read_as_pipenv_reads_them(tmp_path: Path, value: str) -> None:
    pipfile = f"[packages]\n\n[scripts]\ntest = {value}\n"
    command = found(tmp_path, Pipfile=pipfile)
    program, args = pipenv_script(pipfile, "test")
    assert command.argv == (tuple(args) if program == "python" else ("-m", program, *args))
    assert command.source == "Pipfile [scripts] test" and command.certain


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1), max_size=5))
def test_pipfile_script_arguments_match_pipenv(
    tmp_path_factory: pytest.TempPathFactory, args: list[str]
) -> None:
    import tomlkit

    root = tmp_path_factory.mktemp("pipfile")
    pipfile = tomlkit.dumps({"scripts": {"tests": shlex.join(["pytest", *args])}})
    command = found(root, Pipfile=pipfile)
    assert command.argv == ("-m", "pytest", *pipenv_script(pipfile, "tests")[1])


def test_pdm_scripts(tmp_path: Path) -> None:
    pyproject = """
        [tool.pdm.scripts]
        lint = "ruff check ."
        unit = {cmd = ["pytest", "-p", "no:randomly"]}
        test = {composite = ["lint", "unit tests/"]}
        """
    command = found(tmp_path, **{"pyproject.toml": pyproject})
    assert (command.argv, command.certain) == (("-m", "pytest", "-p", "no:randomly", "tests/"), False)
    assert command.note == "the project runs 'ruff check .' first"
    call = '[tool.pdm.scripts]\ntest = {call = "tests.main:run"}\n'
    command = found(tmp_path / "call", **{"pyproject.toml": call})
    assert command.argv == ("-c", "import sys, tests.main as _1; sys.exit(_1.run())")


# ---- which source wins --------------------------------------------------------------------------
def test_declared_uncertain_command_beats_inferred_pytest(tmp_path: Path) -> None:
    command = found(
        tmp_path, **{"tox.ini": "[testenv]\ncommands = bash run.sh\n", "pytest.ini": "[pytest]\n"}
    )
    assert (command.argv, command.certain, command.text) == ((), False, "bash run.sh")
    assert command.line(".venv/bin/python") == "bash run.sh"
    assert command.note == "not a command of the environment's Python"


def test_a_later_certain_declaration_beats_an_earlier_uncertain_one(tmp_path: Path) -> None:
    files = {"tox.ini": "[testenv]\ncommands = make check\n", "Pipfile": '[scripts]\ntest = "pytest"\n'}
    assert found(tmp_path, **files).source == "Pipfile [scripts] test"


@pytest.mark.parametrize(
    ("files", "source"),
    [
        ({"pytest.ini": "[pytest]\n"}, "pytest.ini"),
        ({"setup.cfg": "[metadata]\nname = x\n\n[tool:pytest]\naddopts = -q\n"}, "setup.cfg [tool:pytest]"),
        ({"tox.ini": "[flake8]\nmax-line-length = 90\n\n[pytest]\naddopts = -q\n"}, "tox.ini [pytest]"),
        ({"tests/conftest.py": "import pytest\n"}, "tests/conftest.py"),
    ],
)
def test_pytest_configuration(tmp_path: Path, files: dict[str, str], source: str) -> None:
    command = found(tmp_path, **files)
    assert (command.argv, command.source, command.certain) == (("-m", "pytest"), source, True)


def test_nothing_declared_and_no_tests(tmp_path: Path) -> None:
    assert (
        find_test_command(project(tmp_path, **{"requirements.txt": "requests\n", "app.py": "x = 1\n"}))
        is None
    )


# ---- unittest-only projects, and the found command run for real --------------------------------
UNITTEST_CASE = """
    import unittest

    class AnsiTest(unittest.TestCase):
        def test_one(self):
            self.assertEqual(1 + 1, 2)

        def test_two(self):
            self.assertTrue("pickenv")
    """


def test_unittest_only_project_like_colorama_runs_in_a_fresh_venv(tmp_path: Path) -> None:
    command = found(
        tmp_path,
        **{
            "setup.py": "from setuptools import setup\nsetup(name='demo')\n",
            "requirements-dev.txt": "mock\n",
            "demo/__init__.py": "",
            "demo/tests/__init__.py": "",
            "demo/tests/ansi_test.py": UNITTEST_CASE,
            "demo/tests/utils.py": "",
        },
    )
    assert command.argv == ("-m", "unittest", "discover", "-p", "*_test.py") and command.certain
    venv = tmp_path / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    run = subprocess.run([str(python), *command.argv], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0 and "Ran 2 tests" in run.stderr, run.stderr


def test_unittest_tests_folder_that_is_not_a_package(tmp_path: Path) -> None:
    command = found(tmp_path, **{"tests/test_math.py": UNITTEST_CASE})
    assert command.argv == ("-m", "unittest", "discover", "-s", "tests")
    run = subprocess.run([sys.executable, *command.argv], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0 and "Ran 2 tests" in run.stderr, run.stderr


def test_test_files_with_pytest_in_the_dependencies(tmp_path: Path) -> None:
    command = found(tmp_path, **{"tests/test_math.py": UNITTEST_CASE, "requirements-dev.txt": "pytest>=8\n"})
    assert (command.argv, command.source) == (("-m", "pytest"), "test files, pytest in the dependencies")


def test_found_pytest_command_runs(tmp_path: Path) -> None:
    command = found(
        tmp_path,
        **{
            "tox.ini": "[testenv]\ndeps = pytest\ncommands = pytest -q -p no:cacheprovider {posargs:tests}\n",
            "tests/test_it.py": "def test_it():\n    assert sorted([2, 1]) == [1, 2]\n",
            "other/test_not_collected.py": "def test_fails():\n    assert False\n",
        },
    )
    assert command.argv == ("-m", "pytest", "-q", "-p", "no:cacheprovider", "tests")
    assert command.line(".venv/bin/python") == ".venv/bin/python -m pytest -q -p no:cacheprovider tests"
    run = subprocess.run([sys.executable, *command.argv], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0 and "1 passed" in run.stdout, run.stdout


# ---- errors and bounds ------------------------------------------------------------------------
def test_invalid_tox_ini_is_a_file_error_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(FileError, match=r"^tox.ini is not valid INI \(line 3\)"):
        find_test_command(project(tmp_path, **{"tox.ini": "[testenv]\ncommands = pytest\n[testenv\n"}))


def test_a_reference_loop_is_a_file_error(tmp_path: Path) -> None:
    with pytest.raises(
        FileError, match=r"^tox.ini \[testenv\] commands cannot be read: substitutions nested"
    ):
        find_test_command(project(tmp_path, **{"tox.ini": "[testenv]\ncommands = {[testenv]commands}\n"}))


def test_credentials_in_a_command_are_masked_and_the_text_bounded(tmp_path: Path) -> None:
    url = "https://user:s3cret@example.com/simple"
    command = found(tmp_path, **{"tox.ini": f"[testenv]\ncommands = ./check.sh --index {url} {'x' * 300}\n"})
    assert "s3cret" not in command.text and "user:****@example.com" in command.text
    assert len(command.text) == 120 and command.text.endswith("…")


@pytest.mark.slow  # 300,000 lines: 2 s
def test_large_configurations_parse_in_linear_time(tmp_path: Path) -> None:
    lines = 300_000
    tox = "[testenv]\ncommands =\n" + "".join(f"    py{i % 7}: echo {{posargs:{i}}}\n" for i in range(lines))
    make = "".join(f"V{i} = {i}\n" for i in range(lines // 2)) + "PY = python\n"
    make += "".join(f"V{i} = {i}\n" for i in range(lines // 2, lines)) + "test:\n\t$(PY) -m pytest $(V7)\n"
    for name, text, argv in (
        ("tox.ini", tox + "    pytest -q\n", ("-m", "pytest", "-q")),
        ("Makefile", make, ("-m", "pytest", "7")),
    ):
        folder = tmp_path / name
        start = time.process_time()  # CPU time: the suite may share the machine with tox runs
        command = find_test_command(project(folder, **{name: text}))
        elapsed = time.process_time() - start
        assert command is not None and command.argv == argv
        assert elapsed < 5, (name, elapsed)
