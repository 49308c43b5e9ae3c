"""The README's promises: exactly two set-up commands, the second one is what CI runs,
and the exit-code table is the one in pickenv.errors."""

from __future__ import annotations

import re
from pathlib import Path

from pickenv.errors import EXIT_CODES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def setup_commands() -> list[str]:
    section = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", section, flags=re.S)


def test_two_setup_commands() -> None:
    commands = setup_commands()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands)  # each is one copy-paste line
    assert "pickenv new myproject --defaults" in commands[0]
    assert "pytest" in commands[1] and "'.[test]'" in commands[1]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert setup_commands()[1] in ci.splitlines()


def test_exit_code_table_matches_the_code() -> None:
    rows = re.findall(r"^\| (\d+) \| (.+?) \|$", README.split("## Exit codes", 1)[1], flags=re.M)
    assert {int(code): text for code, text in rows} == EXIT_CODES


def test_readme_examples_name_real_rules() -> None:
    from pickenv.resources import builtin_rules_path, bundled_layers
    from pickenv.rules.service import parse_rules

    ids = {rule.id for rule in parse_rules([builtin_rules_path(), *bundled_layers().values()]).rules}
    shown = set(re.findall(r"  \[([a-z0-9-]+)\]$", README, flags=re.M))  # reports end lines with it
    assert shown and shown <= ids


def console_examples() -> list[tuple[str, str]]:
    """(command, output) of every README example whose output is shown in full."""
    blocks = re.findall(r"```console\n\$ (pickenv [^\n]*)\n(.*?)```", README, flags=re.S)
    return [(command, output) for command, output in blocks if "\n...\n" not in output]


def test_readme_examples_are_real_output(tmp_path: Path) -> None:
    """Every example, run as shown in an empty folder: the same output, byte for byte."""
    import shlex
    import subprocess
    import sys

    examples = console_examples()
    assert len(examples) >= 6
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[user]\n\tname = Ada Lovelace\n\temail = ada@example.org\n")
    env = {
        "PATH": "/usr/bin:/bin",
        "NO_COLOR": "1",
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }
    for index, (command, shown) in enumerate(examples):
        folder = tmp_path / f"example-{index}"
        folder.mkdir()
        argv = [sys.executable, "-m", "pickenv", *shlex.split(command)[1:]]
        result = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=folder, check=False)
        assert result.stdout == shown, command


def test_the_tool_table_follows_the_registry() -> None:
    from pickenv.tools import BUILTIN, get_tool

    table = README.split("| tool | creates | lock file | pickenv runs |", 1)[1].split("\n\n", 1)[0]
    rows = {line.split("|")[1].strip(): line for line in table.splitlines() if line.startswith("  | ")}
    assert list(rows) == ["---", *BUILTIN]
    for name in BUILTIN:
        tool = get_tool(name)
        assert (f"`{tool.lock_file}`" in rows[name]) == bool(tool.lock_file)
        assert ("`.venv`" in rows[name]) == (tool.env_dir == ".venv")
