"""Every shell block of every generated README, run literally in a fresh shell.

For each tool x domain, pickenv renders the project (no environment), then each
```sh block of its README runs in ``bash --noprofile --norc -e`` from the project
folder, as a newcomer would paste it. The shell is fresh: a temporary HOME, the
system PATH, no VIRTUAL_ENV, pipx (from the test extra) installing into a temporary
PIPX_HOME, and ``pythonX.Y`` for every installed interpreter, standing in for a user
who has installed the Python the README names.

Two lines start servers that run until Ctrl-C: ``flask --app … run`` and
``jupyter lab notebooks/``. They run literally too, in the background with the port
set through the environment (FLASK_RUN_PORT, JUPYTER_PORT; BROWSER=true so no
browser is asked for); the test requests a page from them on loopback and then
stops them. conda projects run only where a conda is on PATH (none can be installed
on this machine); their files are validated by tests/test_template.py instead.
Slow and network: every case installs real packages from the package index (its downloads
and wheels come from the run's shared cache after the first case that needs them).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import README_PAIRS, fresh_shell, sh_blocks
from pickenv.questionnaire.questions import QUESTIONS

DOMAINS = [str(v) for v in next(q for q in QUESTIONS if q.id == "domain").values]
CASES = [*README_PAIRS, *((d, "conda") for d in DOMAINS)]


@dataclass(frozen=True)
class Server:
    """A README line that serves until Ctrl-C: how to move its port and what to ask it."""

    command: str  # recognises the line
    port_variable: str
    path: str
    expect: str  # text the answer must contain


SERVERS = (
    Server("flask --app", "FLASK_RUN_PORT", "/", "It works!"),
    Server("jupyter lab", "JUPYTER_PORT", "/api", '"version"'),
)


def test_sh_blocks_finds_every_block() -> None:
    text = "# T\n```sh\na\nb\n```\nprose `x`\n```toml\nc = 1\n```\n```sh\nd\n```\n"
    assert sh_blocks(text) == [["a", "b"], ["d"]]


@pytest.fixture(scope="module")
def shell_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The environment of a new login: nothing of the test run's virtual environment.
    One pipx home per worker, so a tool pipx installed once is reused."""
    root = tmp_path_factory.mktemp("shell")
    env = fresh_shell(root)
    if os.geteuid() == 0:
        # CI runs as root, and Jupyter refuses root unless its user config allows it.
        config = Path(env["HOME"]) / ".jupyter" / "jupyter_server_config.json"
        config.parent.mkdir()
        config.write_text(json.dumps({"ServerApp": {"allow_root": True}}))
    # A conda keeps its named environments here, not in the developer's conda.
    env["CONDA_ENVS_PATH"] = str(root / "conda-envs")
    yield env


def _render(tmp_path: Path, tool: str, domain: str) -> Path:
    name = f"{tool}-{domain}".replace("-python2", "")
    extra = []
    if domain == "legacy-python2" and tool != "virtualenv":
        extra = ["--answer", "python_version=3.11"]  # venv, pipenv, uv and conda cannot target 2.7
    result = subprocess.run(
        [sys.executable, "-m", "pickenv", "new", name, "--defaults", "--answer", f"domain={domain}",
         "--tool", tool, "--no-create-env", "--output-dir", str(tmp_path), "--format", "json", *extra],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["environment"]["created"] is False
    return tmp_path / name


def _run_block(project: Path, lines: list[str], env: dict[str, str]) -> None:
    script = "\n".join(lines) + "\n"
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-u", "-o", "pipefail", "-c", script],
        cwd=project, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL,
        timeout=1500, check=False,
    )  # fmt: skip
    shown = f"{script}\n--- stdout\n{result.stdout[-4000:]}\n--- stderr\n{result.stderr[-4000:]}"
    assert result.returncode == 0, shown


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve_and_ask(project: Path, line: str, server: Server, env: dict[str, str]) -> str:
    """Run a serving line literally, ask it for a page on loopback, stop it with Ctrl-C."""
    port = _free_port()
    log = project.parent / f"{project.name}-server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["bash", "--noprofile", "--norc", "-c", line],
            cwd=project, env={**env, server.port_variable: str(port), "BROWSER": "true"},
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{server.path}", timeout=5) as answer:
                    return str(answer.read().decode())
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        output = log.read_text(errors="replace")[-4000:]
        raise AssertionError(f"`{line}` did not answer on port {port}:\n{output}")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.mark.slow
@pytest.mark.network
@pytest.mark.posix  # bash, and servers stopped with SIGINT
# Each tool x domain pair is made for real once, here or in test_new_env (helpers.README_PAIRS);
# conda's cases run wherever a conda is on PATH.
@pytest.mark.parametrize(("domain", "tool"), CASES, ids=[f"{d}-{t}" for d, t in CASES])
def test_every_readme_block_works_literally(
    tmp_path: Path, shell_env: dict[str, str], tool: str, domain: str
) -> None:
    if tool == "conda" and shutil.which("conda", path=shell_env["PATH"]) is None:
        pytest.skip("no conda on PATH: conda cannot be installed on this machine")
    project = _render(tmp_path, tool, domain)
    blocks = sh_blocks((project / "README.md").read_text())
    assert len(blocks) >= 2, "a Set up block and a Use block"
    served = []
    for block in blocks:
        plain = []
        for line in block:
            server = next((s for s in SERVERS if s.command in line), None)
            if server is None:
                plain.append(line)
                continue
            _run_block(project, plain, shell_env)  # what comes before the server, in order
            plain = []
            answer = _serve_and_ask(project, line, server, shell_env)
            assert server.expect in answer, answer
            served.append(server.command)
        if plain:
            _run_block(project, plain, shell_env)
    expected_servers = {"web": ["flask --app"], "data-science": ["jupyter lab"]}.get(domain, [])
    assert served == expected_servers
    # The blocks made the environment the README promised, in the project folder.
    assert (project / ".venv" / "bin" / "python").exists() or tool == "conda"
