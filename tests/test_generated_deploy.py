"""What the ``deploy`` answer makes in a generated project, checked with the tools that
read it (issue 20, item 4).

- docker: hadolint on every tool x domain's Dockerfile; the build stage's lines run for
  real, pairwise over the tools, as the README's blocks are (a fresh shell, in a scratch
  folder standing for the image's WORKDIR, a stand-in for the base image's Python made
  from this machine's interpreter of the target version), then the final stage's command
  runs with the environment that stage copies and nothing else. There is a docker client
  here but no daemon or registry, so `docker build` itself is never run. conda's
  micromamba stage is linted only: no conda can be installed on this machine.
- heroku: ``.python-version`` in the form the buildpack documents ("3.12"), a Procfile,
  and the file the buildpack installs from; conda, which the buildpack cannot read, is
  refused by ``pickenv new`` and gets no Procfile from the template itself.
- serverless: the README's build block makes build/lambda.zip from Linux wheels, and
  the handler is imported from the zip and called.
- hpc: every job script passes ``bash -n`` and shellcheck; the README's block runs.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dockerstage import copy_context, env_of, readme_part, run_in_shell, stages
from helpers import fresh_shell, home_env, new_demo, sh_blocks, tool_and_domain
from pickenv.questionnaire.questions import QUESTIONS
from pickenv.resources import project_template
from pickenv.templating.direct import render_direct
from pickenv.tools import BUILTIN as TOOLS
from pickenv.tools import get_tool
from pickenv.versions import PythonVersion

DOMAINS = [str(v) for v in next(q for q in QUESTIONS if q.id == "domain").values]
TARGETS = ("docker", "heroku", "serverless", "hpc")
BIN = Path(sys.executable).parent
# A base pinned to a release: python:3.12.14-slim-trixie, debian:13.6-slim, mambaorg/micromamba:2.6.1.
PINNED_IMAGE = re.compile(
    r"^FROM (?:python:\d+\.\d+\.\d+\w*-slim-\w+|[\w./-]+:\d+\.\d+[\w.-]*)(?: AS build)?$", re.M
)


def tool_binary(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    assert found, f"{name} is in pickenv's test extra: pip install -e '.[test]'"
    return found


def new(out: Path, tool: str, domain: str, deploy: str, *answers: str) -> tuple[int, str, Path]:
    """`pickenv new demo` in-process (config and cache folders in ``out``)."""
    out.mkdir(parents=True, exist_ok=True)
    return new_demo(out, home_env(out), *tool_and_domain(tool, domain), "-a", f"deploy={deploy}", *answers)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str, str], Path]:
    """Every deploy target x tool x domain that `pickenv new` makes (conda on Heroku it refuses)."""
    projects = {}
    for target, tool, domain in itertools.product(TARGETS, TOOLS, DOMAINS):
        code, err, folder = new(tmp_path_factory.mktemp(f"{target}-{tool}-{domain}"), tool, domain, target)
        if target == "heroku" and tool == "conda":
            assert code != 0 and "conda is ruled out" in err, err
            continue
        assert code == 0, (target, tool, domain, err)
        projects[target, tool, domain] = folder
    return projects


def of(made: dict[tuple[str, str, str], Path], target: str) -> dict[tuple[str, str], Path]:
    return {(tool, domain): path for (t, tool, domain), path in made.items() if t == target}


def answers_of(project: Path) -> dict[str, str]:
    text = (project / ".copier-answers.yml").read_text(encoding="utf-8")
    return dict(re.findall(r"^(\w+): '?([^'\n]*)'?$", text, re.M))


# ---- docker ---------------------------------------------------------------------------------
def hadolint(*files: Path) -> subprocess.CompletedProcess[str]:
    command = [tool_binary("hadolint"), "--no-color", *map(str, files)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_hadolint_finds_nothing_in_one_dockerfile_and_something_in_a_bad_one(tmp_path: Path) -> None:
    code, err, project = new(tmp_path, "uv", "web", "docker")
    assert code == 0, err
    assert hadolint(project / "Dockerfile").returncode == 0
    bad = tmp_path / "Dockerfile.bad"  # the oracle is real: an unpinned base and pip with its cache
    bad.write_text("FROM python\nRUN pip install flask\n", encoding="utf-8")
    found = hadolint(bad).stdout
    assert "DL3006" in found and "DL3013" in found and "DL3042" in found


@pytest.mark.slow  # 120 renders
def test_hadolint_finds_nothing_in_any_dockerfile(made: dict[tuple[str, str, str], Path]) -> None:
    files = [folder / "Dockerfile" for folder in of(made, "docker").values()]
    assert len(files) == len(TOOLS) * len(DOMAINS)
    result = hadolint(*files)
    assert result.returncode == 0 and not result.stdout, result.stdout


@pytest.mark.slow
def test_every_image_is_pinned_two_staged_and_unprivileged(made: dict[tuple[str, str, str], Path]) -> None:
    for key, folder in of(made, "docker").items():
        text = (folder / "Dockerfile").read_text(encoding="utf-8")
        assert len(PINNED_IMAGE.findall(text)) == 2, key  # a build stage and the final one
        final = text.split("\nFROM ")[-1]
        assert re.search(r"^USER 10001$", final, re.M) and "--from=build /app/.venv" in final, key
        assert "pip install" not in final and "uv " not in final, key  # no installer in the image
        ignored = (folder / ".dockerignore").read_text(encoding="utf-8").split()
        assert {".venv", ".git", "**/__pycache__", "**/.ipynb_checkpoints"} <= set(ignored), key
    # Dependabot proposes newer pins of the base images, and its configuration stays valid.
    configs = [folder / ".github" / "dependabot.yml" for folder in of(made, "docker").values()]
    assert all("package-ecosystem: docker" in p.read_text(encoding="utf-8") for p in configs)
    command = [
        sys.executable,
        "-m",
        "check_jsonschema",
        "--builtin-schema",
        "vendor.dependabot",
        *map(str, configs),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout


@pytest.fixture(scope="module")
def shell(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A new login's environment (see tests/test_readme_blocks.py), shared by the module."""
    return fresh_shell(tmp_path_factory.mktemp("shell"))


def set_up(project: Path, shell: dict[str, str]) -> None:
    """The README's "Set up" block: the environment and the lock the project then commits."""
    for block in sh_blocks(readme_part(project, "Set up")):
        run_in_shell(block, project, shell)


# Pairwise over the tools that can run here: a lock and no lock, 2.7's virtualenv pin,
# every kind of final command (an installed console program, python -m, gunicorn).
DOCKER_CASES = [
    ("venv", "cli", ("-a", "lockfile=true")),
    ("virtualenv", "legacy-python2", ()),
    ("pipenv", "web", ()),
    ("uv", "scripting", ()),
]


@pytest.mark.slow
@pytest.mark.network
@pytest.mark.posix
@pytest.mark.parametrize(("tool", "domain", "answers"), DOCKER_CASES)
def test_the_dockerfile_installs_and_runs(
    tmp_path: Path, shell: dict[str, str], tool: str, domain: str, answers: tuple[str, ...]
) -> None:
    code, err, project = new(tmp_path / "made", tool, domain, "docker", *answers)
    assert code == 0, err
    set_up(project, shell)
    build, final = stages((project / "Dockerfile").read_text(encoding="utf-8"))
    version = answers_of(project)["python_version"]
    # The base image's Python: an environment of this machine's interpreter, so that what
    # the build stage installs into "the image's Python" lands there.
    base = tmp_path / "image-python"
    if PythonVersion.parse(version) < PythonVersion(3, 3):
        run_in_shell(
            [f"pipx run --spec 'virtualenv<20.22' virtualenv -p python{version} {base}"], tmp_path, shell
        )
    else:
        run_in_shell([f"python{version} -m venv {base}"], tmp_path, shell)
    system = [p for p in shell["PATH"].split(os.pathsep) if "pipx" not in p]  # no uv or pipenv of the user's
    env = {**shell, "PATH": os.pathsep.join([str(base / "bin"), *system])}
    app = tmp_path / "app"
    for word, argument in build.steps:
        if word == "WORKDIR":
            assert argument == "/app"
            app.mkdir()
        elif word == "ENV":
            env.update(env_of(argument, env))
        elif word == "COPY":
            assert argument == ". ."
            copy_context(project, app)
        elif word == "RUN":
            run_in_shell([argument], app, env, shell="sh")
        else:
            assert word == "USER", word
    # The final stage: what it copies (/app/.venv, /app/src) and its ENV, and no base tools.
    runtime = {**shell, "PATH": os.pathsep.join(system)}
    command: list[str] = []
    for word, argument in final.steps:
        if word == "ENV":
            runtime.update(env_of(argument.replace("/app", str(app)), runtime))
        elif word == "CMD":
            command = json.loads(argument)
    assert command, "the image has a command"
    if command[0] == "gunicorn":  # a server: gunicorn loads the app and stops
        command = ["gunicorn", "--check-config", command[-1]]
    result = subprocess.run(command, cwd=app, env=runtime, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    expected = {"cli": "Hello, World!", "scripting": "Hello, World!", "legacy-python2": "0.1.0"}
    assert expected.get(domain, "") in result.stdout


# ---- heroku ---------------------------------------------------------------------------------
@pytest.mark.slow
def test_heroku_gets_what_its_buildpack_reads(made: dict[tuple[str, str, str], Path]) -> None:
    projects = of(made, "heroku")
    assert len(projects) == (len(TOOLS) - 1) * len(DOMAINS)  # conda refused
    for (tool, domain), folder in projects.items():
        version = answers_of(folder)["python_version"]
        # The buildpack's README: the major form ("3.13") gets the newest patch release.
        assert (folder / ".python-version").read_text(encoding="utf-8") == f"{version}\n", (tool, domain)
        assert re.fullmatch(r"\d+\.\d+", version)
        (process,) = (folder / "Procfile").read_text(encoding="utf-8").splitlines()
        if domain == "web":
            assert re.fullmatch(r"web: (PYTHONPATH=src )?gunicorn demo\.app:app", process), process
            declared = [folder / name for name in ("pyproject.toml", "setup.cfg") if (folder / name).exists()]
            assert any("gunicorn>=" in p.read_text(encoding="utf-8") for p in declared), (tool, domain)
        else:
            assert process.startswith("job: "), process
        reads = get_tool(tool).heroku(locked=False).reads
        made_by_setup = {"Pipfile.lock": "Pipfile", "uv.lock": "pyproject.toml"}  # `Set up` writes the lock
        for name in reads:
            assert (folder / made_by_setup.get(name, name)).exists(), (tool, domain, name)
        assert all(
            f"`{name}`" in readme_part(folder, "Deploy") for name in reads if name != ".python-version"
        )


def test_conda_on_heroku_is_refused_by_new_and_explained_by_the_template(tmp_path: Path) -> None:
    code, err, _ = new(tmp_path / "new", "conda", "web", "heroku")
    assert code != 0 and "environment.yml is not among them" in err
    # Plain copier (rendered here without it, byte for byte the same) cannot refuse: it
    # writes no Procfile and says why in the README.
    answers = {"project_name": "demo", "tool": "conda", "deploy": "heroku", "domain": "web"}
    answers["template_record"] = {"_src_path": "x", "_commit": "0.4.0"}  # type: ignore[assignment]
    out = tmp_path / "copier"
    out.mkdir()
    render_direct(project_template(), answers, out)
    assert not (out / "Procfile").exists()
    assert "does not read `environment.yml`" in readme_part(out, "Deploy")


def test_uv_projects_always_have_a_python_version_file(tmp_path: Path) -> None:
    code, err, project = new(tmp_path, "uv", "library", "none", "-a", "python_version=3.13")
    assert code == 0, err
    assert (project / ".python-version").read_text(encoding="utf-8") == "3.13\n"
    code, err, project = new(tmp_path / "venv", "venv", "library", "none")
    assert code == 0 and not (project / ".python-version").exists(), err


# ---- serverless -----------------------------------------------------------------------------
def shellcheck(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([tool_binary("shellcheck"), *map(str, files)], capture_output=True, text=True)


@pytest.mark.slow
def test_every_script_passes_bash_n_and_shellcheck(made: dict[tuple[str, str, str], Path]) -> None:
    scripts = [p / "job.sbatch" for p in of(made, "hpc").values()]
    scripts += [p / "scripts" / "build_lambda.sh" for p in of(made, "serverless").values()]
    assert len(scripts) == 2 * len(TOOLS) * len(DOMAINS)
    for script in scripts:
        assert subprocess.run(["bash", "-n", str(script)], check=False).returncode == 0, script
    result = shellcheck(*scripts)
    assert result.returncode == 0, result.stdout[-3000:]
    for folder in of(made, "serverless").values():
        assert os.access(folder / "scripts" / "build_lambda.sh", os.X_OK)


@pytest.mark.slow
def test_every_lambda_handler_is_ruff_clean(made: dict[tuple[str, str, str], Path]) -> None:
    """For the project's own target version (pyupgrade's rules included) and ruff's format."""
    by_version: dict[str, list[str]] = {}
    for folder in of(made, "serverless").values():
        version = answers_of(folder)["python_version"]
        # ruff's oldest target is 3.7: a 2.7 or 3.6 handler is checked as 3.7 code
        version = "37" if PythonVersion.parse(version) < PythonVersion(3, 7) else version.replace(".", "")
        by_version.setdefault(version, []).append(str(folder / "src" / "demo" / "handler.py"))
    ruff = [tool_binary("ruff"), "--quiet"]
    for version, handlers in by_version.items():
        settings = ["--isolated", "--line-length", "110", "--target-version", f"py{version}"]
        rules = ["--select", "E,F,W,I,UP,B,SIM,RUF"]
        lint = subprocess.run([*ruff, "check", *settings, *rules, *handlers], capture_output=True, text=True)
        assert lint.returncode == 0, lint.stdout
        shape = subprocess.run(
            [*ruff, "format", "--check", *settings, *handlers], capture_output=True, text=True
        )
        assert shape.returncode == 0, shape.stdout


API_GATEWAY_EVENT = {  # an HTTP API (payload 2.0) GET /
    "version": "2.0",
    "routeKey": "$default",
    "rawPath": "/",
    "rawQueryString": "",
    "headers": {"host": "example.com"},
    "requestContext": {
        "http": {"method": "GET", "path": "/", "protocol": "HTTP/1.1", "sourceIp": "192.0.2.1"}
    },
    "isBase64Encoded": False,
}
LAMBDA_CASES = [  # (tool, domain, answers, event, what the answer holds)
    ("venv", "scripting", (), {"name": "Lambda"}, "Hello, Lambda!"),
    ("uv", "web", (), API_GATEWAY_EVENT, "It works!"),
    ("pipenv", "cli", (), {"args": ["--name", "Ada"]}, '"status": 0'),
    ("virtualenv", "library", ("-a", "lockfile=true"), {}, '"version": "0.1.0"'),
]


@pytest.mark.slow
@pytest.mark.network
@pytest.mark.posix
@pytest.mark.parametrize(("tool", "domain", "answers", "event", "expected"), LAMBDA_CASES)
def test_the_lambda_zip_is_built_and_its_handler_imports_from_it(
    tmp_path: Path,
    shell: dict[str, str],
    tool: str,
    domain: str,
    answers: tuple[str, ...],
    event: dict[str, object],
    expected: str,
) -> None:
    code, err, project = new(tmp_path, tool, domain, "serverless", "-a", "python_version=3.12", *answers)
    assert code == 0, err
    set_up(project, shell)  # the lock the zip is made from
    blocks = sh_blocks(readme_part(project, "Deploy"))
    assert blocks == [["scripts/build_lambda.sh"]]
    run_in_shell(blocks[0], project, shell)
    zipped = project / "build" / "lambda.zip"
    import zipfile

    names = zipfile.ZipFile(zipped).namelist()
    assert "demo/handler.py" in names and not any("__pycache__" in n or n.startswith("bin/") for n in names)
    probe = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import demo.handler as h; "
        "assert h.__file__.startswith(sys.argv[1]), h.__file__; "
        "print(json.dumps(h.handler(json.loads(sys.argv[2]), None)))"
    )
    result = subprocess.run(
        ["python3.12", "-I", "-c", probe, str(zipped), json.dumps(event)],
        cwd=tmp_path, env=shell, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert expected in result.stdout, result.stdout


# ---- hpc ------------------------------------------------------------------------------------
@pytest.mark.posix  # bash
def test_the_job_script_and_its_readme_block(tmp_path: Path, shell: dict[str, str]) -> None:
    code, err, project = new(tmp_path, "venv", "scripting", "hpc")
    assert code == 0, err
    script = (project / "job.sbatch").read_text(encoding="utf-8")
    assert "#SBATCH --job-name=demo" in script and "srun .venv/bin/python -m demo World" in script
    blocks = sh_blocks(readme_part(project, "Deploy"))
    assert blocks == [["bash -n job.sbatch"]]
    run_in_shell(blocks[0], project, shell)
    assert shellcheck(project / "job.sbatch").returncode == 0


def test_nothing_of_deploy_without_it(tmp_path: Path) -> None:
    code, err, project = new(tmp_path, "pipenv", "web", "none")
    assert code == 0, err
    made = {p.name for p in project.rglob("*")}
    assert not made & {
        "Dockerfile",
        ".dockerignore",
        "Procfile",
        "handler.py",
        "job.sbatch",
        "build_lambda.sh",
    }
    assert "## Deploy" not in (project / "README.md").read_text(encoding="utf-8")
    assert "gunicorn" not in (project / "Pipfile").read_text(encoding="utf-8")
