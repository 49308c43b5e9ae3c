"""What the test modules share, one of each (not a test module: pytest collects nothing here).

Test modules import from here, never from one another; conftest.py holds the fixtures.
Here: the paths (the checkout, its README, the built-in rules, the real-world corpus),
the CLI's result, a home folder with a git identity and the caches every run shares,
writing files, git and git repositories, a snapshot of a folder, the README's examples,
a fresh shell's environment, project shapes detect and switch both read, and the naive
oracle of the decision.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from pickenv.errors import EXIT_RULES, RulesError
from pickenv.questionnaire.questions import QUESTIONS, Value, default_for
from pickenv.resources import builtin_rules_path
from pickenv.rules.model import Rule, RuleSet
from pickenv.versions import PythonVersion

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BUILTIN_RULES = builtin_rules_path()
REAL_HOME = Path(os.path.expanduser("~")).resolve()
# The 37 real projects (../shared/realworld beside the checkout), one folder per repository.
REALWORLD = ROOT.parent / "shared" / "realworld"


# ---- the CLI's result ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


Run = Callable[..., Result]


class TTYOutput(io.StringIO):
    """An in-memory stdout that says it is a terminal, to test --color auto and NO_COLOR."""

    def isatty(self) -> bool:
        return True


# ---- the platform -------------------------------------------------------------------------------
# What the posix marker stands for (pyproject.toml registers it; conftest skips it on Windows).
POSIX_ONLY = "needs POSIX (signals, a pseudo-terminal, symbolic links, file modes, devices or a POSIX shell)"
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0  # (Windows has no geteuid)


def signals(*names: str) -> list[signal.Signals]:
    """The named signals this platform has, in order (Windows has neither SIGHUP nor SIGQUIT:
    the tests sending them are marked posix and skipped there, but must still be collected)."""
    return [getattr(signal, name) for name in names if hasattr(signal, name)]


# ---- homes and caches ---------------------------------------------------------------------------
# The one git identity of every home the suite makes: pickenv's first commit needs one, as
# a user's machine has it (no test commits with `-c user.name=` to make up for a bare home).
GIT_NAME, GIT_EMAIL = "Ada Lovelace", "ada@example.org"


def make_home(folder: Path, gitconfig: str = "") -> Path:
    """A home folder with the suite's git identity in .gitconfig, then ``gitconfig``'s lines."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".gitconfig").write_text(f"[user]\n\tname = {GIT_NAME}\n\temail = {GIT_EMAIL}\n{gitconfig}")
    return folder


# Where pip, pipenv, uv and virtualenv keep downloads and built wheels. The suite points all
# of them at one folder per run, shared by the xdist workers (each worker has a home of its
# own), so a package is fetched and built once per run, not once per worker and home.
# pipenv hands its folder to pip as pip's cache: one folder serves both.
CACHE_VARIABLES = ("PIP_CACHE_DIR", "PIPENV_CACHE_DIR", "UV_CACHE_DIR", "VIRTUALENV_OVERRIDE_APP_DATA")


def shared_caches(root: Path) -> dict[str, str]:
    return {
        "PIP_CACHE_DIR": str(root / "pip"),
        "PIPENV_CACHE_DIR": str(root / "pip"),
        "UV_CACHE_DIR": str(root / "uv"),
        "VIRTUALENV_OVERRIDE_APP_DATA": str(root / "virtualenv"),
    }


def run_folder(factory: pytest.TempPathFactory) -> Path:
    """The folder of the whole run: xdist's workers each have a base temp folder inside it."""
    base = factory.getbasetemp()
    return base.parent if base.name.startswith("popen-gw") else base


# ---- files, git and repositories ----------------------------------------------------------------
def write_files(root: Path, files: Mapping[str, str | bytes], *, dedent: bool = False) -> Path:
    """Write each file under ``root`` (folders made as needed), text as UTF-8 with its line
    endings as given, bytes as they are; ``dedent`` dedents the texts first. Returns root."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content) if dedent else content, encoding="utf-8", newline="")
    root.mkdir(parents=True, exist_ok=True)
    return root


def git(cwd: Path, *args: str) -> str:
    """git in ``cwd`` with the suite's environment (its home has the git identity); its stdout."""
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


# ---- generated projects, made in-process ----------------------------------------------------------
def home_env(home: Path) -> dict[str, str]:
    """An in-process run's environment: its config and cache folders, and its HOME, under ``home``."""
    return {
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "HOME": str(home),
        "TERM": "dumb",
    }


def tool_and_domain(tool: str, domain: str) -> list[str]:
    """The answers that choose ``tool`` and ``domain``: a legacy-python2 project whose tool
    makes no 2.7 environments gets its 2/3-compatible code on Python 3.12."""
    from pickenv.tools import get_tool

    args = ["--tool", tool, "-a", f"domain={domain}"]
    if domain == "legacy-python2" and not get_tool(tool).supports(PythonVersion(2, 7)):
        args += ["-a", "python_version=3.12"]
    return args


def new_demo(out: Path, env: Mapping[str, str], *args: str) -> tuple[int, str, Path]:
    """`pickenv new demo --defaults ARGS --output-dir OUT` in-process: its exit code, what it
    wrote to stderr, and the project's folder."""
    from pickenv.cli import main

    err = io.StringIO()
    argv = ["new", "demo", "--defaults", *args, "--output-dir", str(out)]
    code = main(argv, env=env, stdin=io.StringIO(), stdout=io.StringIO(), stderr=err)
    return code, err.getvalue(), out / "demo"


# ---- real environments per tool x domain, each pair once ------------------------------------------
# Two slow tests make a project's environment for real: test_readme_blocks through the
# README's own commands, test_new_env through `pickenv new --create-env`. Both read the
# same registry commands, so each tool x domain pair runs in one of them (these pairs in
# the README test, the others in test_new_env): every pair, every tool and every domain
# is still made for real, in half the time (the suite's 15-minute budget). The README
# test keeps each server line (web: flask, data science: jupyter) for three tools.
README_PAIRS = (
    ("web", "venv"), ("web", "pipenv"), ("web", "uv"),
    ("data-science", "virtualenv"), ("data-science", "pipenv"), ("data-science", "uv"),
    ("library", "venv"), ("cli", "virtualenv"), ("scripting", "uv"),
    ("legacy-python2", "virtualenv"), ("legacy-python2", "pipenv"),
)  # fmt: skip


# A git that waits: before its FAULT_NTH-th `git FAULT_COMMAND` run (in a folder under
# FAULT_DIR, when that is set), it says so on the FAULT_REACHED FIFO, then blocks on
# FAULT_HOLD until a line comes (or a kill); then it runs REAL_GIT. The fault tests stop
# pickenv there, with a signal, while git works for it.
HELD_GIT = """#!/bin/sh
command=""
skip=0
for arg in "$@"; do
  if [ "$skip" = 1 ]; then skip=0; continue; fi
  case "$arg" in
    -c|-C) skip=1 ;;
    -*) ;;
    *) command=$arg; break ;;
  esac
done
if [ "$command" = "$FAULT_COMMAND" ]; then
  case "$(pwd -P)/" in
    "${FAULT_DIR:-/}"*)
      count=$(( $(cat "$FAULT_COUNT" 2>/dev/null || echo 0) + 1 ))
      echo "$count" > "$FAULT_COUNT"
      if [ "$count" = "$FAULT_NTH" ]; then
        echo "$command" > "$FAULT_REACHED"
        read -r never < "$FAULT_HOLD"
      fi ;;
  esac
fi
exec "$REAL_GIT" "$@"
"""


def waiting_git(folder: Path) -> dict[str, str]:
    """HELD_GIT as ``folder``/bin/git, with its two FIFOs: the environment entries that put
    it first on PATH and name its FIFOs and the real git (the caller adds FAULT_COMMAND,
    FAULT_NTH, FAULT_COUNT and, if it wants, FAULT_DIR)."""
    (folder / "bin").mkdir(parents=True)
    (folder / "bin" / "git").write_text(HELD_GIT)
    (folder / "bin" / "git").chmod(0o755)
    for fifo in ("reached", "hold"):
        os.mkfifo(folder / fifo)
    return {
        "PATH": f"{folder / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "REAL_GIT": shutil.which("git") or "git",
        "FAULT_REACHED": str(folder / "reached"),
        "FAULT_HOLD": str(folder / "hold"),
    }


def repository(
    folder: Path, history: Mapping[str, Mapping[str, str | bytes]], *, tag: bool = False, whole: bool = False
) -> Path:
    """A git repository on branch main (made unless ``folder`` is one already) with one more
    commit per entry of ``history`` (message: the key; with ``tag``, tagged with it too).
    Each version's files are written over the previous ones; with ``whole``, a version is
    its files alone (the others are deleted)."""
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / ".git").exists():
        git(folder, "init", "-q", "-b", "main")
    for message, files in history.items():
        if whole:
            for existing in folder.iterdir():
                if existing.name == ".git":
                    continue
                if existing.is_dir():
                    shutil.rmtree(existing)
                else:
                    existing.unlink()
        write_files(folder, files)
        git(folder, "add", "-A")
        git(folder, "commit", "-q", "-m", message)
        if tag:
            git(folder, "tag", message)
    return folder


def snapshot(folder: Path, *, git_bytes: bool = False) -> dict[str, bytes]:
    """What a user would find changed under ``folder``: every file's bytes by its path (a
    symbolic link as ``-> target``, never followed) and, for a git repository, git's own
    account of it: its refs, the index's entries and the status, ignored files included.
    Not .git's files, which git rewrites on a mere look (the index's stat cache, the
    reflog), unless ``git_bytes``: then those too, byte for byte, but for the index."""
    files: dict[str, bytes] = {}
    for top, folders, names in os.walk(folder):
        here = Path(top)
        if here == folder and not git_bytes and ".git" in folders:
            folders.remove(".git")
        folders.sort()
        for name in [*sorted(names), *(f for f in folders if (here / f).is_symlink())]:
            path = here / name
            key = path.relative_to(folder).as_posix()
            if path.is_symlink():
                files[key] = b"-> " + os.readlink(path).encode()
            elif path.is_file():
                files[key] = path.read_bytes()
            else:  # a FIFO or a socket: reading it would wait for a writer
                files[key] = b"<not a regular file>"

    if (folder / ".git").is_dir():
        files.pop(".git/index", None)  # its stat cache changes on a look; its entries are below
        for name, args in {
            "refs": ("show-ref", "--head"),
            "index": ("ls-files", "--stage"),
            "status": ("status", "--porcelain", "--ignored", "--untracked-files=all"),
        }.items():
            done = subprocess.run(["git", *args], cwd=folder, capture_output=True, check=False)
            files[f"<git {name}>"] = done.stdout + done.stderr
    return files


# ---- the real-world corpus ----------------------------------------------------------------------
def realworld(name: str = "") -> Path:
    """A corpus folder (or the corpus), the test skipped where the corpus is absent."""
    if not REALWORLD.is_dir():
        pytest.skip(f"the real-world corpus is not at {REALWORLD}")
    return REALWORLD / name


def corpus_copy(name: str, into: Path, extra: Mapping[str, str] | None = None) -> Path:
    """A scratch copy of a corpus project at ``into/name`` (with ``extra`` files written over)."""
    project = Path(shutil.copytree(realworld(name), into / name))
    return write_files(project, extra or {})


# ---- the README's examples ----------------------------------------------------------------------
CUT = "\n...\n"  # an example shown in part: its first lines, then this line


def console_blocks(text: str = README) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every README example block, with its (command, output) pairs in order: a block
    of several commands runs them one after the other in one folder. A cut output ends
    at CUT."""
    blocks = []
    for body in re.findall(r"```console\n(\$ .*?)```", text, flags=re.S):
        parts = re.split(r"^\$ ([^\n]*)\n", body, flags=re.M)
        blocks.append((body, list(zip(parts[1::2], parts[2::2], strict=True))))
    return blocks


def shown_part(real: str, shown: str) -> str:
    """The real output as the README shows it: whole, or as many lines as it shows."""
    if CUT not in shown:
        return real
    kept = shown.split(CUT)[0].count("\n") + 1
    return "\n".join(real.split("\n")[:kept]) + CUT


def sh_blocks(readme: str) -> list[list[str]]:
    """The ```sh blocks of a README, each as its lines."""
    return [block.splitlines() for block in re.findall(r"^```sh\n(.*?)^```$", readme, re.M | re.S)]


# ---- a fresh shell ------------------------------------------------------------------------------
PYENV_VERSIONS = Path(os.environ.get("PYENV_ROOT", "~/.pyenv")).expanduser() / "versions"
# What belongs to the test run's environment or to the developer, not to a new login.
NOT_FRESH = (
    "VIRTUAL_ENV",
    "PYTHONPATH",
    "PYTHONHOME",
    "PIPENV_",
    "PICKENV_",
    "CONDA_",
    "UV_",
    "PIPX_",
    "XDG_",
    "PYTEST_",
    "COV_",
    "NO_COLOR",
    "FORCE_COLOR",
)


def python_links(folder: Path) -> Path:
    """A folder of ``pythonX.Y`` commands, one per installed interpreter, and pipx."""
    folder.mkdir(parents=True, exist_ok=True)
    for version in sorted(PYENV_VERSIONS.glob("*")) if PYENV_VERSIONS.is_dir() else []:
        match = re.fullmatch(r"(\d+)\.(\d+)\.\d+", version.name)
        executable = version / "bin" / f"python{match[1]}.{match[2]}" if match else None
        if executable is not None and executable.exists():
            link = folder / executable.name
            if not link.exists():
                link.symlink_to(executable)
    if not (folder / "pipx").exists():
        (folder / "pipx").symlink_to(Path(sys.executable).parent / "pipx")
    return folder


def fresh_shell(root: Path) -> dict[str, str]:
    """The environment of a new login, its folders under ``root``: a home (``root/home``),
    ``pythonX.Y`` on PATH (``root/pythons``) and pipx installing into ``root/pipx``, and
    nothing of the test run's virtual environment. The machine's own settings stay
    (certificates, the package index), as in any new shell, and so do the caches the run
    shares (a warm cache changes how fast a package comes, not which)."""
    links = python_links(root / "pythons")
    system_path = [p for p in os.environ["PATH"].split(os.pathsep) if Path(sys.executable).parent != Path(p)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(NOT_FRESH)}
    env.update({k: os.environ[k] for k in CACHE_VARIABLES if k in os.environ})
    env.update(
        HOME=str(make_home(root / "home")),
        PATH=os.pathsep.join([str(root / "pipx-bin"), str(links), *system_path]),
        PIPX_HOME=str(root / "pipx"),
        PIPX_BIN_DIR=str(root / "pipx-bin"),
        LANG="C.UTF-8",
        TERM="dumb",
    )
    return env


# ---- project shapes detect and switch both read -------------------------------------------------
DJANGO = {
    "requirements.txt": (
        "-r requirements/base.txt\n"
        "django==4.2.7 \\\n    --hash=sha256:"
        "8e0f1c2c2786b5c0e39fe1afce24c926040fad47c8ea8ad30aaf1188df29fc41\n"
    ),
    "requirements/base.txt": "psycopg2-binary==2.9.9\ncelery==5.3.4\n",
    "manage.py": "#!/usr/bin/env python\n",
}
PIPFILE = {
    "Pipfile": (
        '[[source]]\nurl = "https://pypi.org/simple"\nverify_ssl = true\nname = "pypi"\n\n'
        '[[source]]\nurl = "https://pypi.internal.example/simple"\nverify_ssl = true\nname = "internal"\n\n'
        '[packages]\nfastapi = "*"\nacme-auth = {version = "*", index = "internal"}\n\n'
        '[dev-packages]\npytest = "*"\n\n[requires]\npython_version = "3.11"\n'
    ),
    "Pipfile.lock": '{"_meta": {"hash": {"sha256": "0"}}, "default": {}, "develop": {}}\n',
}
CONDA = {
    "environment.yml": (
        "name: geo\nchannels: [conda-forge]\ndependencies:\n  - python=3.10\n  - gdal>=3.6\n"
        "  - numpy\n  - pip\n  - pip:\n      - rasterio-extras==0.1\n"
    ),
}
LEGACY = {
    "setup.py": (
        "from setuptools import setup\n\nsetup(\n    name='oldlib',\n    version='1.0',\n"
        "    python_requires='>=2.7, !=3.0.*, !=3.1.*',\n    py_modules=['oldlib'],\n)\n"
    ),
    "oldlib.py": "from __future__ import print_function\n",
}
UV = {
    "pyproject.toml": (
        '[project]\nname = "svc"\nversion = "0.1.0"\nrequires-python = ">=3.12"\n'
        'dependencies = ["httpx"]\n\n[project.scripts]\nsvc = "svc:main"\n\n'
        "[tool.uv]\ndev-dependencies = []\n"
    ),
    "uv.lock": 'version = 1\nrequires-python = ">=3.12"\n',
}


# ---- rules and the naive oracle of the decision -------------------------------------------------
# Team rules files several test modules use.
TEAM_EXCLUDE_ALL_ON_HPC = """
schema_version: 1
rules:
  - id: no-clusters-here
    when: {deploy: hpc}
    exclude: [venv, virtualenv, pipenv, conda]
    because: We do not deploy to clusters.
    source: https://example.org/policy
"""
TEAM_NO_VENV_ON_HEROKU = """
schema_version: 1
rules:
  - id: no-venv-on-heroku
    when: {deploy: heroku}
    exclude: [venv, virtualenv]
    because: Our buildpack reads Pipfile.lock only.
    source: https://example.org/policy
"""
RULE_TAIL = """
    because: a reason
    source: https://example.org
"""
LOCATED = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?P<message>.+)$")
# The interpreter the answers default to in these tests (explicit, not the running one).
INTERPRETER = PythonVersion(3, 11)


def rules_problems(load: Callable[[], object]) -> list[tuple[str, int, int, str]]:
    """Every problem of a failing load as (file, line, column, message), checking the format."""
    with pytest.raises(RulesError) as info:
        load()
    assert info.value.exit_code == EXIT_RULES
    out = []
    for problem in info.value.problems:
        match = LOCATED.match(str(problem))
        assert match, f"not file:line:column: message: {problem}"
        out.append((match["file"], int(match["line"]), int(match["column"]), match["message"]))
    return out


def answers_with(**overrides: Value) -> dict[str, Value]:
    """Complete answers: pickenv's defaults for a Python 3.11 interpreter, then overrides."""
    unknown = set(overrides) - {q.id for q in QUESTIONS}
    assert not unknown, f"test bug: unknown questions {unknown}"
    answers: dict[str, Value] = {}
    for question in QUESTIONS:
        if question.id in overrides:
            answers[question.id] = overrides[question.id]
        else:
            answers[question.id] = default_for(question.id, answers, INTERPRETER)
    return answers


@dataclass(frozen=True)
class OracleDecision:
    winner: str | None
    tie: bool
    scores: dict[str, int]
    excluded: frozenset[str]


def oracle(ruleset: RuleSet, answers: Mapping[str, Value]) -> OracleDecision:
    """The decision computed the slow, obvious way (no bitmasks, no caches)."""
    fired = [r for r in ruleset.rules if all(answers[c.question] in c.allowed for c in r.when)]
    return oracle_decide(ruleset.tools, fired)


def oracle_decide(tools: tuple[str, ...], fired: Iterable[Rule]) -> OracleDecision:
    """The decision for a given list of fired rules: sum the scores, drop excluded tools."""
    scores = dict.fromkeys(tools, 0)
    excluded: set[str] = set()
    for rule in fired:
        excluded.update(rule.exclude)
        for tool, points in rule.score:
            scores[tool] += points
    eligible = [t for t in tools if t not in excluded]
    if not eligible:
        return OracleDecision(None, False, scores, frozenset(excluded))
    best = max(scores[t] for t in eligible)
    top = [t for t in eligible if scores[t] == best]  # declared order: first one wins
    return OracleDecision(top[0], len(top) > 1, scores, frozenset(excluded))


# ---- the published JSON Schemas ---------------------------------------------------------------
def check_envelope(text: str) -> None:
    """A --format json output (an envelope naming ``pickenv/KIND``) validated against the JSON
    Schema that names it (src/pickenv/schemas); any other output is left alone."""
    if not text.startswith('{\n  "schema": "pickenv/'):
        return
    import json

    from jsonschema import Draft202012Validator

    from pickenv.schemas import load_schema

    document = json.loads(text)
    schema = load_schema(document["schema"].removeprefix("pickenv/"))
    errors = sorted(Draft202012Validator(schema).iter_errors(document), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors[:5])


# ---- generated workflows: the oracles (tests/test_generated_ci.py, test_generated_matrix.py) -------
def audit(path: Path) -> tuple[int, list[str]]:
    """zizmor's exit code and the identifiers of its findings, offline (as tests/test_own_ci.py)."""
    found = shutil.which("zizmor", path=str(Path(sys.executable).parent)) or shutil.which("zizmor")
    assert found, "zizmor is in pickenv's test extra: pip install -e '.[test]'"
    result = subprocess.run(
        [found, "--offline", "--format", "json", str(path)], capture_output=True, text=True, check=False
    )
    return result.returncode, [finding["ident"] for finding in json.loads(result.stdout or "[]")]


def schema_check(schema: str, *paths: Path) -> subprocess.CompletedProcess[str]:
    command = ["-m", "check_jsonschema", "--builtin-schema", schema, *map(str, paths)]
    return subprocess.run([sys.executable, *command], capture_output=True, text=True, check=False)
