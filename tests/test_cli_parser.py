"""The parser of one command: a command line that names its command plainly gets a parser
holding only that command (start-up), and it must read every command line exactly as the
full parser does: the same values, the same help, the same errors."""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex

import pytest

from pickenv.commands import COMMANDS
from pickenv.commands.parser import build_parser, named_command
from pickenv.report.completion import subparsers


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["recommend", "--defaults"], "recommend"),
        (["--color", "never", "-q", "--traceback", "rules", "show"], "rules"),
        (["--color=always", "detect"], "detect"),
        (["--quiet", "recommend", "new"], "recommend"),
        (["--color", "recommend"], None),  # the value of --color, even if misspelt: no command follows
        (["--help", "recommend"], None),  # the top-level help lists every command
        (["-h", "recommend"], None),
        (["--version"], None),
        (["--col", "never", "recommend"], None),  # an abbreviation: argparse's to judge
        (["-qq", "recommend"], None),
        (["recomend"], None),  # did-you-mean needs every command
        (["--", "recommend"], None),
        ([], None),
    ],
)
def test_the_command_a_command_line_names_plainly(argv: list[str], named: str | None) -> None:
    assert named_command(argv) == named


def _examples(parser: argparse.ArgumentParser | None = None) -> list[list[str]]:
    """The command lines of every --help's examples (inside `$(...)` or before `>` too)."""
    parser = parser or build_parser()
    found = []
    for line in (parser.epilog or "").splitlines()[1:]:
        if "pickenv " in line and not line.strip().startswith("#"):
            found.append(shlex.split(re.split(r"[)\"|>]", line[line.index("pickenv ") :])[0])[1:])
    for sub in subparsers(parser).values():
        found += _examples(sub)
    return found


@pytest.mark.parametrize("argv", _examples(), ids=" ".join)
def test_the_parser_of_one_command_reads_every_example_as_the_full_one(argv: list[str]) -> None:
    parser = build_parser(argv)
    assert list(subparsers(parser)) == [argv[0]]  # only the command named
    assert vars(parser.parse_args(argv)) == vars(build_parser().parse_args(argv))


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> tuple[object, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            result: object = vars(parser.parse_args(argv))
        except SystemExit as exc:
            result = exc.code
    return result, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    "argv",
    [
        ["recommend", "--help"],
        ["rules", "check", "--help"],
        ["template", "--help"],
        ["recommend", "--format", "jsn"],
        ["recommend", "--defualts"],
        ["recommend", "--defaults", "extra", "words", "here", "and", "more"],
        ["--color", "blue", "recommend"],
        ["--traceback", "recommend", "--rules"],
        ["--color=never", "rules", "chek"],
        ["new", "x", "--license", "mit"],
        ["completion", "bsh"],
        ["-q", "recommend", "-a"],
    ],
    ids=" ".join,
)
def test_the_parser_of_one_command_says_what_the_full_one_says(argv: list[str]) -> None:
    assert named_command(argv) in COMMANDS
    assert _parse(build_parser(argv), argv) == _parse(build_parser(), argv)


@pytest.mark.parametrize("columns", [None, "100", "60", " 90 ", "-3", "wide"])
def test_help_is_as_wide_as_argparse_makes_it(monkeypatch: pytest.MonkeyPatch, columns: str | None) -> None:
    import shutil

    from pickenv.commands.options import _help_width

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert _help_width() == shutil.get_terminal_size().columns - 2  # what argparse computes
