"""Platform as data: the Context builds one Platform from the environment it is given,
ToolContext carries it, and the tools' displayed commands follow it. A Windows
Platform built on Linux shows the real commands of the real tools (no mocks): the
PowerShell and cmd lines a Windows user would type. Interpreter discovery goes through
python-discovery, imported only when an interpreter is searched."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pickenv.context import Context
from pickenv.errors import EnvironmentCreationError
from pickenv.platforms import POSIX, WINDOWS, Platform
from pickenv.tools import get_tool
from pickenv.tools.base import ToolContext
from pickenv.tools.interpreters import find_interpreter, interpreter_version
from pickenv.tools.steps import Step, run_steps
from pickenv.versions import PythonVersion

CMD = Platform.windows("cmd")
GIT_BASH = Platform.windows("sh")
V312 = PythonVersion(3, 12)
PYENV_VERSIONS = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"


# ---- the Platform the Context builds ---------------------------------------------------------
@pytest.mark.parametrize(
    ("sys_platform", "env", "family", "shell", "bin_dir", "suffix", "separator"),
    [
        ("linux", {}, "linux", "sh", "bin", "", ":"),
        ("darwin", {}, "macos", "sh", "bin", "", ":"),
        ("win32", {}, "windows", "powershell", "Scripts", ".exe", ";"),
        ("win32", {"MSYSTEM": "MINGW64"}, "windows", "sh", "Scripts", ".exe", ";"),
    ],
)
def test_the_context_builds_the_platform_from_what_it_is_given(
    tmp_path: Path,
    sys_platform: str,
    env: dict[str, str],
    family: str,
    shell: str,
    bin_dir: str,
    suffix: str,
    separator: str,
) -> None:
    home = {"USERPROFILE": str(tmp_path)} if sys_platform == "win32" else {"HOME": str(tmp_path)}
    ctx = Context.from_environment({**home, **env}, platform=sys_platform, cwd=tmp_path)
    system = ctx.system
    assert (system.family, system.shell) == (family, shell)
    assert (system.venv_bin, system.exe_suffix) == (bin_dir, suffix)
    assert system.path_list_separator == separator
    assert system.path_separator == ("\\" if family == "windows" else "/")
    assert system.split_path_list(f"a{separator}{separator}b") == ["a", "b"]


def test_the_running_platform_is_the_hosts() -> None:
    """ToolContext's default, for a caller without a Context: the OS running the tests."""
    assert ToolContext.for_text(V312, "demo").platform == POSIX  # text for everyone: the README's
    assert ToolContext({}, Path(), sys.executable, None, V312, "demo").platform == Platform.running()
    assert Platform.running().venv_bin == ("Scripts" if os.name == "nt" else "bin")


# ---- commands as a Windows user types them ---------------------------------------------------
def test_venv_commands_on_windows_use_the_py_launcher_and_scripts() -> None:
    tool = get_tool("venv")
    assert tool.manual(V312, "demo", platform=WINDOWS) == (
        "py -3.12 -m venv .venv",
        ".venv\\Scripts\\python.exe -m pip install -r requirements-dev.txt",
        ".venv\\Scripts\\python.exe -m pytest",
    )
    assert tool.manual(V312, "demo", platform=POSIX) == (
        "python3.12 -m venv .venv",
        ".venv/bin/python -m pip install -r requirements-dev.txt",
        ".venv/bin/python -m pytest",
    )
    # Git Bash: Windows' layout, a POSIX shell's separators
    assert tool.manual(V312, "demo", platform=GIT_BASH)[1] == (
        ".venv/Scripts/python.exe -m pip install -r requirements-dev.txt"
    )


def test_a_locked_venv_compiles_with_the_scripts_interpreter() -> None:
    commands = get_tool("venv").manual(V312, "demo", locked=True, platform=WINDOWS)
    assert ".venv\\Scripts\\python.exe -m piptools compile --output-file requirements.txt pyproject.toml" in (
        commands
    )
    assert not any("/bin/" in c or "'" in c for c in commands)


def test_pipenv_sets_its_variable_the_powershell_and_cmd_way() -> None:
    tool = get_tool("pipenv")
    assert tool.manual(V312, "demo", platform=WINDOWS)[1] == (
        "$env:PIPENV_VENV_IN_PROJECT=1; pipenv install --dev --python 3.12"
    )
    assert tool.manual(V312, "demo", platform=CMD)[1] == (
        'set "PIPENV_VENV_IN_PROJECT=1" && pipenv install --dev --python 3.12'
    )
    assert tool.manual(V312, "demo")[1] == "PIPENV_VENV_IN_PROJECT=1 pipenv install --dev --python 3.12"


def test_a_pinned_virtualenv_is_quoted_for_each_shell() -> None:
    tool = get_tool("virtualenv")
    version = PythonVersion(3, 6)
    shown = {
        "posix": tool.manual(version, "demo")[0],
        "powershell": tool.manual(version, "demo", platform=WINDOWS)[0],
        "cmd": tool.manual(version, "demo", platform=CMD)[0],
    }
    assert shown == {
        "posix": "pipx run --spec 'virtualenv<20.22' virtualenv -p python3.6 .venv",
        # Windows has no python3.6 on PATH: virtualenv looks the bare version up
        "powershell": "pipx run --spec 'virtualenv<20.22' virtualenv -p 3.6 .venv",
        "cmd": 'pipx run --spec "virtualenv<20.22" virtualenv -p 3.6 .venv',
    }
    assert shlex.split(shown["posix"])[3] == "virtualenv<20.22"


def test_a_switched_projects_test_command_is_quoted_for_powershell() -> None:
    ctx = ToolContext.for_text(V312, "demo", platform=WINDOWS)
    ctx = ToolContext(
        ctx.env, ctx.cache_dir, ctx.host_python, None, V312, "demo x", probe=False, platform=WINDOWS,
        test=("-m", "pytest", "-k", "it's $HOME"),
    )  # fmt: skip
    conda = get_tool("conda").plan(ctx)
    assert conda.create[0].display() == "conda env create -n 'demo x' -f environment.yml"
    assert conda.test.display() == "conda run -n 'demo x' python -m pytest -k 'it''s $HOME'"
    venv = get_tool("venv").plan(ctx)
    assert venv.test.display() == ".venv\\Scripts\\python.exe -m pytest -k 'it''s $HOME'"


def test_removing_the_old_environment_is_the_shells_own_command(tmp_path: Path) -> None:
    tool = get_tool("venv")
    assert tool.removal(tmp_path, "demo", WINDOWS) == ""  # nothing to remove
    (tmp_path / ".venv").mkdir()
    assert tool.removal(tmp_path, "demo", WINDOWS) == "Remove-Item -Recurse -Force .venv"
    assert tool.removal(tmp_path, "demo", CMD) == "rmdir /s /q .venv"
    assert tool.removal(tmp_path, "demo", POSIX) == "rm -rf .venv"
    assert get_tool("pipenv").removal(tmp_path, "demo", WINDOWS) == "pipenv --rm"
    assert get_tool("conda").removal(tmp_path, "my env", WINDOWS) == "conda env remove -n 'my env'"


@pytest.mark.parametrize("name", ["venv", "virtualenv", "uv"])
def test_activation_follows_the_platform(name: str) -> None:
    activation = get_tool(name).activation("demo")
    assert activation.line(WINDOWS) == activation.line(CMD) == ".venv\\Scripts\\activate"
    assert activation.line(POSIX) == "source .venv/bin/activate"
    assert activation.line(GIT_BASH) == "source .venv/Scripts/activate"
    # the generated README names both, as before
    assert (activation.posix, activation.windows) == ("source .venv/bin/activate", ".venv\\Scripts\\activate")


def test_a_tools_own_activation_is_the_same_everywhere() -> None:
    assert {get_tool("pipenv").activation("demo").line(p) for p in (POSIX, WINDOWS, CMD)} == {"pipenv shell"}
    assert get_tool("conda").activation("demo").line(WINDOWS) == "conda activate demo"


# ---- quoting --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("word", "powershell", "cmd"),
    [
        ("plain-word_1.0", "plain-word_1.0", "plain-word_1.0"),
        ("C:\\Users\\ada\\proj", "C:\\Users\\ada\\proj", "C:\\Users\\ada\\proj"),
        ("two words", "'two words'", '"two words"'),
        ("it's", "'it''s'", '"it\'s"'),
        ("it\u2019s", "'it\u2019\u2019s'", '"it\u2019s"'),  # PowerShell's typographic quote
        ("$HOME", "'$HOME'", '"$HOME"'),
        ("a,b", "'a,b'", '"a,b"'),  # a comma makes an array in PowerShell
        ("@args", "'@args'", '"@args"'),  # splatting
        ("--%", "'--%'", '"--%"'),  # PowerShell's stop-parsing token
        ('say "hi"', "'say \"hi\"'", '"say ""hi"""'),
        ("", "''", '""'),
    ],
)
def test_windows_shells_quote_a_word(word: str, powershell: str, cmd: str) -> None:
    assert WINDOWS.quote(word) == powershell
    assert CMD.quote(word) == cmd


def test_powershell_calls_a_quoted_program_with_the_call_operator() -> None:
    program = "C:\\Program Files\\Python312\\python.exe"
    assert WINDOWS.join((program, "-V")) == "& 'C:\\Program Files\\Python312\\python.exe' -V"
    assert WINDOWS.join(("python", "-V")) == "python -V"
    assert POSIX.join((program, "-V")) == "'C:\\Program Files\\Python312\\python.exe' -V"


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))))
def test_posix_quoting_round_trips_through_shlex(words: list[str]) -> None:
    assert shlex.split(POSIX.join(words)) == words


@pytest.mark.posix
def test_posix_quoting_is_what_sh_reads(tmp_path: Path) -> None:
    words = ["it's", "$HOME", "a b", "back\\slash", "*", "~", "semi;colon", "new\nline", ""]
    line = POSIX.command(("printf", "%s\\0", *words), [("PICKENV_X", "it's $HOME")])
    result = subprocess.run(
        ["sh", "-c", line + '; printf "%s" "$PICKENV_X"'], capture_output=True, check=True, cwd=tmp_path
    )
    *printed, rest = result.stdout.decode().split("\0")
    assert printed == words
    assert rest == ""  # sh set the variable for printf alone


def test_a_failed_step_names_the_command_as_the_platform_quotes_it(tmp_path: Path) -> None:
    step = Step("Failing on purpose", (sys.executable, "-c", "import sys; sys.exit(3)"))
    with pytest.raises(EnvironmentCreationError) as caught:
        run_steps([step], tmp_path, dict(os.environ), lambda _: None, WINDOWS)
    assert f"`{sys.executable} -c 'import sys; sys.exit(3)'`" in str(caught.value)
    assert "(exit 3)" in str(caught.value)


# ---- finding interpreters --------------------------------------------------------------------
def _pyenv_other_than_host() -> tuple[PythonVersion, Path] | None:
    """A real interpreter of another version than the one running the tests."""
    host = PythonVersion(*sys.version_info[:2])
    for folder in sorted(PYENV_VERSIONS.glob("3.*")) if PYENV_VERSIONS.is_dir() else ():
        version = PythonVersion.parse(".".join(folder.name.split(".")[:2]))
        executable = folder / "bin" / f"python{version}"
        if version >= PythonVersion(3, 6) and version != host and executable.exists():
            return version, executable
    return None


@pytest.mark.posix
def test_python_discovery_finds_an_interpreter_on_path_without_pyenv(tmp_path: Path) -> None:
    other = _pyenv_other_than_host()
    if other is None:
        pytest.skip("needs a Python 3.6+ of another version than the test's, under pyenv")
    version, executable = other
    on_path = tmp_path / "bin"
    on_path.mkdir()
    (on_path / f"python{version}").symlink_to(executable)
    home = tmp_path / "home"  # no .pyenv there: only PATH can answer
    home.mkdir()
    found = find_interpreter(version, {"PATH": str(on_path), "HOME": str(home)}, home)
    assert found is not None and interpreter_version(found) == version
    assert Path(found).resolve() == executable.resolve()


@pytest.mark.posix
def test_an_old_python_is_found_on_path_below_python_discoverys_reach(tmp_path: Path) -> None:
    executables = sorted(PYENV_VERSIONS.glob("2.7.*/bin/python2.7")) if PYENV_VERSIONS.is_dir() else []
    if not executables:
        pytest.skip("needs Python 2.7 under pyenv")
    on_path = tmp_path / "bin"
    on_path.mkdir()
    (on_path / "python2.7").symlink_to(executables[-1])
    found = find_interpreter(PythonVersion(2, 7), {"PATH": str(on_path)}, tmp_path)
    assert found == str(on_path / "python2.7")


def test_pyenvs_installs_are_found_first(tmp_path: Path) -> None:
    installs = [p for p in PYENV_VERSIONS.glob("3.*/bin/python3.*") if p.name.count(".") == 1]
    if not PYENV_VERSIONS.is_dir() or not installs:
        pytest.skip("needs a Python under pyenv")
    executable = sorted(installs)[0]
    version = PythonVersion.parse(executable.name.removeprefix("python"))
    root = PYENV_VERSIONS.parent
    found = find_interpreter(version, {"PATH": "", "PYENV_ROOT": str(root)}, tmp_path)
    assert found is not None and Path(found).parent.parent.parent == PYENV_VERSIONS


def test_a_missing_version_is_none(tmp_path: Path) -> None:
    assert find_interpreter(PythonVersion(3, 4), {"PATH": str(tmp_path)}, tmp_path) is None
    assert find_interpreter(PythonVersion(2, 6), {"PATH": str(tmp_path)}, tmp_path) is None
    running = (sys.executable, PythonVersion(3, 4))
    assert find_interpreter(PythonVersion(3, 4), {}, tmp_path, running) == sys.executable


_IMPORTED = """
import io, json, sys
from pickenv.cli import main
code = main(json.loads(sys.argv[1]), stdout=io.StringIO(), stderr=io.StringIO())
import pickenv.tools.interpreters, pickenv.creation.create
print(json.dumps({"code": code, "discovery": "python_discovery" in sys.modules}))
"""


def test_python_discovery_is_imported_only_to_search(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    argv = ["recommend", "--defaults", "--format", "json"]
    command = [sys.executable, "-c", _IMPORTED, json.dumps(argv)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == {"code": 0, "discovery": False}
