"""The README's promises: exactly two set-up commands, the second one is what CI runs,
and the exit-code table is the one in pickenv.errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import README, ROOT, console_blocks, make_home, shown_part
from pickenv.errors import EXIT_CODES


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
    """(command, output) of every pickenv command the README shows."""
    return [pair for _, pairs in console_blocks() for pair in pairs if pair[0].startswith("pickenv ")]


def run_example(command: str, folder: Path) -> str:
    """One README example, run as shown in an empty folder with a clean environment."""
    import shlex
    import shutil
    import subprocess
    import sys

    home = make_home(folder / ".home")
    env = {
        "PATH": "/usr/bin:/bin",
        "NO_COLOR": "1",
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }
    if not (folder / "examples").exists():  # what a checkout of pickenv has beside its README
        shutil.copytree(ROOT / "examples", folder / "examples")
    if not command.startswith("pickenv "):  # a shell step of a longer example (git, cp)
        done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=env, cwd=folder)
        assert done.returncode == 0, f"{command}: {done.stderr}"
        return done.stdout
    argv = [sys.executable, "-m", "pickenv", *shlex.split(command)[1:]]
    return subprocess.run(argv, capture_output=True, text=True, env=env, cwd=folder, check=False).stdout


def test_the_readme_shows_examples() -> None:
    assert len(console_examples()) >= 6


def _example_id(pairs: list[tuple[str, str]]) -> str:
    """An example's test id: its (first) pickenv command."""
    return next((command for command, _ in pairs if command.startswith("pickenv ")), pairs[0][0])


EXAMPLES = [
    pytest.param(
        pairs,
        id=_example_id(pairs),
        # The team flow (template check, new, updates, diff, template init) takes 5 s: a slow test.
        marks=[pytest.mark.slow] if any("template init" in command for command, _ in pairs) else [],
    )
    for _, pairs in console_blocks()
]


@pytest.mark.posix
@pytest.mark.parametrize("pairs", EXAMPLES)
def test_readme_example_is_real_output(tmp_path: Path, pairs: list[tuple[str, str]]) -> None:
    """Each example, run as shown in an empty folder: the same output, byte for byte (an
    example of several commands runs them in order, in one folder).
    After changing pickenv's output, `python tests/test_docs.py --update` rewrites them."""
    for command, shown in pairs:
        assert shown_part(run_example(command, tmp_path / "example"), shown) == shown, command


@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_the_winner_table_is_computed_from_the_rules() -> None:
    import itertools
    from collections import Counter

    from pickenv.questionnaire.questions import QUESTIONS
    from pickenv.resources import builtin_rules_path
    from pickenv.rules.engine import Decider
    from pickenv.rules.service import parse_rules

    decider = Decider(parse_rules([builtin_rules_path()]))
    ids = [q.id for q in QUESTIONS]
    groups: dict[str, Counter[str]] = {name: Counter() for name in ("all", "binary", "managed", "neither")}
    for values in itertools.product(*(q.values for q in QUESTIONS)):
        answers = dict(zip(ids, values, strict=True))
        winner = decider.decide(decider.fired(answers)).winner
        assert winner is not None
        groups["all"][winner] += 1
        group = (
            "binary"
            if answers["binary_deps"] == "no-wheels"
            else "managed"
            if answers["manage_python"]
            else "neither"
        )
        groups[group][winner] += 1
    table = README.split("| answers | venv | virtualenv | pipenv | conda |", 1)[1].split("\n\n", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == 4
    for row, group in zip(rows, groups.values(), strict=True):
        total = sum(group.values())
        shown = [cell.strip() for cell in row.strip("|").split("|")][1:]
        assert shown == [
            f"{100 * group[tool] / total:.1f}%" for tool in ("venv", "virtualenv", "pipenv", "conda")
        ]


def test_the_tool_table_follows_the_registry() -> None:
    from pickenv.tools import BUILTIN, get_tool

    table = README.split("| tool | creates | lock file | pickenv runs |", 1)[1].split("\n\n", 1)[0]
    rows = {line.split("|")[1].strip(): line for line in table.splitlines() if line.startswith("  | ")}
    assert list(rows) == ["---", *BUILTIN]
    for name in BUILTIN:
        tool = get_tool(name)
        assert (f"`{tool.lock_file}`" in rows[name]) == bool(tool.lock_file)
        assert ("`.venv`" in rows[name]) == (tool.env_dir == ".venv")


if __name__ == "__main__":
    import sys
    import tempfile

    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python tests/test_docs.py --update  (rewrites the README's console examples)")
    text = README
    with tempfile.TemporaryDirectory() as scratch:
        for index, (body, pairs) in enumerate(console_blocks()):
            real = "".join(
                f"$ {command}\n{shown_part(run_example(command, Path(scratch) / str(index)), shown)}"
                for command, shown in pairs
            )
            text = text.replace(f"```console\n{body}```", f"```console\n{real}```")
    (ROOT / "README.md").write_text(text, encoding="utf-8")
