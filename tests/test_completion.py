"""Shell completion scripts, run in the real shells."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import Result
from pickenv.commands.parser import build_parser
from pickenv.report.completion import answer_values

pytestmark = pytest.mark.posix  # bash, zsh and fish (and their users' homes, with links)

Run = Callable[..., Result]
BASH = shutil.which("bash")


@pytest.fixture
def script(run_cli: Run, tmp_path: Path) -> Callable[[str], Path]:
    def _script(shell: str) -> Path:
        result = run_cli("completion", shell)
        assert result.code == 0 and result.err == ""
        path = tmp_path / f"pickenv.{shell}"
        path.write_text(result.out, encoding="utf-8")
        return path

    return _script


@pytest.fixture
def complete(script: Callable[[str], Path], tmp_path: Path) -> Callable[..., list[str]]:
    """COMPREPLY for a command line whose last word is being completed ("" = after a space)."""
    if BASH is None:
        pytest.skip("bash is not installed")
    bash_script = script("bash")

    def _complete(*words: str, cwd: Path = tmp_path) -> list[str]:
        program = (
            f"source {shlex.quote(str(bash_script))}\n"
            f"COMP_WORDS=({' '.join(shlex.quote(w) for w in ('pickenv', *words))})\n"
            f"COMP_CWORD={len(words)}\n"
            f"COMP_LINE={shlex.quote(' '.join(('pickenv', *words)))}\n"
            "_pickenv\n"
            "printf '%s\\n' \"${COMPREPLY[@]}\"\n"
        )
        proc = subprocess.run(
            [BASH, "--norc", "--noprofile", "-c", program],
            capture_output=True,
            text=True,
            timeout=30,
            cwd=cwd,
        )
        assert proc.returncode == 0 and proc.stderr == "", proc.stderr
        return [line for line in proc.stdout.splitlines() if line]

    return _complete


def test_bash_script_is_valid_bash(script: Callable[[str], Path]) -> None:
    if BASH is None:
        pytest.skip("bash is not installed")
    proc = subprocess.run([BASH, "-n", str(script("bash"))], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    registered = subprocess.run(
        [BASH, "--norc", "-c", f"source {shlex.quote(str(script('bash')))}; complete -p pickenv"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert registered.stdout.strip() == "complete -F _pickenv pickenv"  # no file names for free text


def test_bash_completes_commands(complete: Callable[..., list[str]]) -> None:
    assert complete("rec") == ["recommend"]
    # An empty word offers the subcommands first, then the options.
    assert complete("") == [
        "recommend",
        "new",
        "update",
        "diff",
        "adopt",
        "detect",
        "switch",
        "rules",
        "template",
        "completion",
        "schema",
        "-h",
        "--help",
        "--version",
        "--traceback",
        "-q",
        "--quiet",
        "--color",
    ]
    assert complete("rules", "") == ["check", "show", "-h", "--help"]
    assert complete("rules", "s") == ["show"]


def test_bash_completes_options_of_the_subcommand(complete: Callable[..., list[str]]) -> None:
    assert complete("recommend", "--for") == ["--format"]
    assert complete("recommend", "-a", "domain=web", "--def") == ["--defaults"]
    assert set(complete("rules", "check", "--")) == {
        "--help",
        "--standalone",
        "--strict",
        "--facts",
        "--format",
        "--rules",
        "--with",
        "--traceback",
        "--quiet",
        "--color",
    }
    assert complete("rules", "show", "--st") == []  # --strict belongs to `rules check` only


def test_bash_completes_answers(complete: Callable[..., list[str]]) -> None:
    domains = complete("recommend", "--answer", "dom")
    assert "domain=web" in domains
    assert domains == [v for v in answer_values() if v.startswith("dom")]
    assert complete("recommend", "-a", "python_version=3.1") == [
        f"python_version=3.1{n}" for n in ("5", "5t", "4", "4t", "3", "2", "1", "0")
    ]
    assert complete("recommend", "-a", "lockfile=") == ["lockfile=true", "lockfile=false"]


def test_bash_completes_values_per_subcommand(complete: Callable[..., list[str]]) -> None:
    assert complete("recommend", "--format", "") == ["text", "json", "markdown"]
    assert complete("rules", "show", "--format", "") == ["text", "json", "markdown", "mermaid", "dot"]
    assert complete("rules", "check", "--format", "") == ["text", "json"]  # no markdown for check
    assert [w for w in complete("completion", "") if not w.startswith("-")] == ["bash", "zsh", "fish"]
    assert complete("completion", "f") == ["fish"]
    assert complete("--color", "a") == ["auto", "always"]


def test_bash_skips_option_values_when_finding_the_subcommand(complete: Callable[..., list[str]]) -> None:
    assert complete("--color", "always", "rules", "") == ["check", "show", "-h", "--help"]
    assert complete("--color", "always", "rules", "c") == ["check"]
    assert complete("recommend", "--answer", "domain=web", "--format", "json", "--ans") == [
        "--answer",
        "--answers-file",
    ]


def test_bash_completes_file_names_for_rules(complete: Callable[..., list[str]], tmp_path: Path) -> None:
    (tmp_path / "team.yaml").write_text("schema_version: 1\n", encoding="utf-8")
    (tmp_path / "other.txt").write_text("", encoding="utf-8")
    assert complete("recommend", "--rules", "te", cwd=tmp_path) == ["team.yaml"]
    assert complete("rules", "check", "--rules", "o", cwd=tmp_path) == ["other.txt"]


def test_bash_completes_folders_for_template_init(complete: Callable[..., list[str]], tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "team.yaml").write_text("schema_version: 1\n", encoding="utf-8")
    assert complete("template", "") == ["check", "init", "-h", "--help"]
    assert complete("template", "init", "te", cwd=tmp_path) == ["templates"]  # a folder, never a file
    assert complete("template", "init", "acme", "--name", "") == []  # the team's name: free text


def test_bash_script_knows_every_option_of_recommend(script: Callable[[str], Path]) -> None:
    text = script("bash").read_text(encoding="utf-8")
    recommend = next(line for line in text.splitlines() if line.strip().startswith('"recommend")'))
    parser = build_parser()
    sub = parser._subparsers._group_actions[0].choices["recommend"]  # type: ignore[union-attr]
    for action in sub._actions:
        for option in action.option_strings:
            assert f" {option}" in recommend or f'"{option}' in recommend, option


def test_zsh_script(script: Callable[[str], Path]) -> None:
    text = script("zsh").read_text(encoding="utf-8")
    assert "bashcompinit" in text and "complete -o filenames -F _pickenv pickenv" in text
    zsh = shutil.which("zsh")
    if zsh is None:
        pytest.skip("zsh is not installed")
    proc = subprocess.run([zsh, "-n", str(script("zsh"))], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr


def test_fish_script(script: Callable[[str], Path]) -> None:
    text = script("fish").read_text(encoding="utf-8")
    lines = text.splitlines()
    commands = "recommend new update diff adopt detect switch rules template completion schema"
    assert f"complete -c pickenv -n __fish_use_subcommand -f -a '{commands}'" in lines
    check = "complete -c pickenv -n '__fish_seen_subcommand_from rules && __fish_seen_subcommand_from check'"
    assert f"{check} -l format -r -f -a 'text json'" in lines
    recommend = "complete -c pickenv -n '__fish_seen_subcommand_from recommend'"
    assert any(line.startswith(f"{recommend} -l answer -r -f -a 'domain=web ") for line in lines)
    fish = shutil.which("fish")
    if fish is None:
        pytest.skip("fish is not installed")
    proc = subprocess.run(
        [fish, "--no-execute", str(script("fish"))], capture_output=True, text=True, timeout=30
    )
    assert proc.returncode == 0, proc.stderr


def test_fish_completes_for_real(script: Callable[[str], Path]) -> None:
    fish = shutil.which("fish")
    if fish is None:
        pytest.skip("fish is not installed")
    path = script("fish")

    def complete(line: str) -> list[str]:
        proc = subprocess.run(
            [fish, "--no-config", "-c", f"source {path}; complete -C '{line}'"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        return [row.split("\t")[0] for row in proc.stdout.splitlines()]

    assert complete("pickenv rec") == ["recommend"]
    assert complete("pickenv completion f") == ["fish"]
    assert "domain=web" in complete("pickenv recommend --answer dom")
    assert complete("pickenv rules check --format j") == ["json"]


def _persistent_setup() -> dict[str, str]:
    """The README's table: shell -> the command that keeps completion in every new shell."""
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (bash|zsh|fish)\b[^|]* \| `(.+)` \|$", readme, flags=re.M)
    return dict(rows)


def test_the_readme_has_a_persistent_setup_for_every_shell() -> None:
    assert set(_persistent_setup()) == {"bash", "zsh", "fish"}


@pytest.fixture
def new_user(tmp_path: Path) -> dict[str, str]:
    """A user with an empty home and `pickenv` on PATH, as after `pipx install`."""
    home, bin_dir = tmp_path / "home", tmp_path / "bin"
    home.mkdir()
    bin_dir.mkdir()
    (bin_dir / "pickenv").symlink_to(Path(sys.executable).parent / "pickenv")
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "ZDOTDIR", "BASH_COMPLETION"))}
    return {**keep, "HOME": str(home), "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def _in(shell: str, command: str, env: dict[str, str], *flags: str) -> str:
    path = shutil.which(shell)
    if path is None:
        pytest.skip(f"{shell} is not installed")
    proc = subprocess.run(
        [path, *flags, "-c", command], capture_output=True, text=True, timeout=60, env=env, check=False
    )
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    return proc.stdout


def test_bash_keeps_completion_through_bash_completion(new_user: dict[str, str]) -> None:
    loader = Path("/usr/share/bash-completion/bash_completion")
    if not loader.exists():
        pytest.skip("the bash-completion package is not installed (.ci/run installs it)")
    _in("bash", _persistent_setup()["bash"], new_user, "--norc", "--noprofile")
    # A new interactive shell sources the package's loader (Debian's ~/.bashrc does);
    # it finds pickenv's file on first use of the command, as at a real Tab.
    program = (
        f"source {loader}\n__load_completion pickenv || exit 1\ncomplete -p pickenv\n"
        "COMP_WORDS=(pickenv rec); COMP_CWORD=1; _pickenv; printf '%s\\n' \"${COMPREPLY[@]}\"\n"
    )
    out = _in("bash", program, new_user, "--norc", "--noprofile")
    assert out.splitlines() == ["complete -F _pickenv pickenv", "recommend"]


def test_zsh_keeps_completion_through_zshrc(new_user: dict[str, str]) -> None:
    _in("zsh", _persistent_setup()["zsh"], new_user, "-f")
    # A new interactive zsh reads ~/.zshrc; nothing else has loaded compinit.
    out = _in("zsh", "print -r -- ${_comps[pickenv]}", new_user, "-i")
    assert out.strip() == "_bash_complete -o filenames -F _pickenv"


def test_fish_keeps_completion_in_its_completions_folder(new_user: dict[str, str]) -> None:
    _in("fish", _persistent_setup()["fish"], new_user)
    out = _in("fish", "complete -C 'pickenv rec'", new_user)
    assert [row.split("\t")[0] for row in out.splitlines()] == ["recommend"]
