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
    from pickenv.resources import builtin_rules_path
    from pickenv.rules.service import parse_rules

    ids = {rule.id for rule in parse_rules([builtin_rules_path()]).rules}
    shown = set(re.findall(r"\[([a-z0-9-]+)\]$", README, flags=re.M))
    assert shown and shown <= ids


def console_examples() -> list[tuple[str, str]]:
    """(command, output) of every README example whose output is shown in full."""
    blocks = re.findall(r"```console\n\$ (pickenv [^\n]*)\n(.*?)```", README, flags=re.S)
    return [
        (command, output) for command, output in blocks if "\n...\n" not in output and " new " not in command
    ]


def _normalise(text: str) -> str:
    # The rules file's path depends on where pickenv is installed.
    text = re.sub(r"^Rules: .*$", "Rules: RULES", text, flags=re.M)
    return re.sub(r"^Checked \S+: ", "Checked RULES: ", text, flags=re.M)


def test_readme_examples_are_real_output(tmp_path: Path) -> None:
    import shlex
    import subprocess
    import sys

    examples = console_examples()
    assert len(examples) >= 3
    env = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path)}
    for command, shown in examples:
        argv = [sys.executable, "-m", "pickenv", *shlex.split(command)[1:]]
        result = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
        assert _normalise(result.stdout) == _normalise(shown), command
