"""CLI conventions every command keeps: a group without its subcommand prints its help
and exits 2, every --help describes and shows examples (that parse), did-you-mean for a
mistyped word, --quiet, the colour order (--color, NO_COLOR, FORCE_COLOR), errors that
never print more of a user's file than an excerpt, and what completion offers for each
kind of value in bash, zsh and fish."""

from __future__ import annotations

import argparse
import io
import re
import shlex
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from helpers import Result, TTYOutput
from pickenv.cli import main
from pickenv.commands.parser import build_parser
from pickenv.commands.terminal import Terminal
from pickenv.errors import EXIT_ANSWER, EXIT_CODES, EXIT_USAGE
from pickenv.report.completion import FILES, FOLDERS, NOTHING, subparsers, value_kind
from pickenv.tools import tool_names

Run = Callable[..., Result]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def walk(parser: argparse.ArgumentParser, path: str = "") -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield path, parser
    for name, sub in subparsers(parser).items():
        yield from walk(sub, f"{path} {name}".strip())


PARSERS = dict(walk(build_parser()))
GROUPS = [path for path, parser in PARSERS.items() if subparsers(parser)]
COMMANDS = [path for path in PARSERS if path]


# ----- a group without its subcommand ------------------------------------------------------


def test_the_groups_are_found_in_the_parser() -> None:
    assert {"", "rules", "template"} <= set(GROUPS)


@pytest.mark.parametrize("group", GROUPS, ids=lambda g: g or "pickenv")
def test_a_group_without_its_subcommand_prints_its_help_on_stderr_and_exits_2(
    run_cli: Run, group: str
) -> None:
    result = run_cli(*group.split())
    assert result.code == EXIT_USAGE == 2
    assert result.out == ""
    assert result.err.startswith(f"usage: pickenv {group}".rstrip() + " ")
    assert "pickenv: internal error" not in result.err and "examples:" in result.err


def test_pickenv_template_alone_is_no_internal_error_in_a_subprocess(run_subprocess: Run) -> None:
    result = run_subprocess("template")  # issue 17: "internal error: AttributeError", exit 1
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("usage: pickenv template ") and "check" in result.err


# ----- --help -------------------------------------------------------------------------------


def _example_commands(epilog: str) -> list[str]:
    """The pickenv command lines of a help's examples (inside `$(...)` or before `>` too)."""
    lines = [line.strip() for line in epilog.splitlines()[1:] if not line.strip().startswith("#")]
    return [re.split(r"[)\"|>]", line[line.index("pickenv ") :])[0].strip() for line in lines]


@pytest.mark.parametrize("path", COMMANDS)
def test_every_command_describes_itself_with_examples_that_parse(path: str) -> None:
    parser = PARSERS[path]
    assert parser.description and len(parser.description) > 40, path
    assert parser.epilog and parser.epilog.startswith("examples:\n  # "), path
    commands = _example_commands(parser.epilog)
    assert commands, path
    for command in commands:
        argv = shlex.split(command)[1:]
        assert argv[: len(path.split())] == path.split() or path in GROUPS, command
        build_parser().parse_args(argv)  # exits (SystemExit) on an example that does not parse


@pytest.mark.parametrize("path", COMMANDS)
def test_every_option_and_argument_has_help(path: str) -> None:
    for action in PARSERS[path]._actions:
        if not isinstance(action, argparse._SubParsersAction):
            assert action.help, f"{path}: {action.option_strings or action.dest} has no help"
    if "--format" in PARSERS[path]._option_string_actions:
        help_text = " ".join(PARSERS[path].format_help().split())
        assert "json for programs (JSON Schema: `pickenv schema " in help_text, path


def test_command_help_shows_its_description_and_examples(run_cli: Run) -> None:
    for argv in (("recommend", "--help"), ("rules", "check", "--help"), ("template", "check", "--help")):
        result = run_cli(*argv)
        assert result.code == 0 and result.err == ""
        assert "\nexamples:\n  # " in result.out and "\n  pickenv " in result.out


def test_the_top_help_names_every_tool_and_every_exit_code(run_cli: Run) -> None:
    result = run_cli("--help")
    assert result.code == 0
    flat = " ".join(result.out.split())
    names = tool_names()
    assert f"{', '.join(names[:-1])} or {names[-1]}" in flat  # the registry's, plugins included
    assert "exit codes:" in result.out
    for code, meaning in EXIT_CODES.items():
        assert f"{code} {' '.join(meaning.split())}" in flat, code
    assert max(len(line) for line in result.out.splitlines()) <= 80


# ----- did you mean -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (("recomend",), "invalid choice: 'recomend' (did you mean 'recommend'?)"),
        (("rules", "chek"), "invalid choice: 'chek' (did you mean 'check'?)"),
        (("template", "chekc", "."), "invalid choice: 'chekc' (did you mean 'check'?)"),
        (("recommend", "--format", "jsn"), "invalid choice: 'jsn' (did you mean 'json'?)"),
        (("completion", "bsh"), "invalid choice: 'bsh' (did you mean 'bash'?)"),
        (("schema", "team"), "invalid choice: 'team' (did you mean 'team-file'?)"),
        (("recommend", "--defualts"), "unrecognized arguments: --defualts (did you mean '--defaults'?)"),
        (("rules", "check", "--stirct"), "unrecognized arguments: --stirct (did you mean '--strict'?)"),
        (("frobnicate",), "invalid choice: 'frobnicate' (choose from 'recommend', "),
    ],
)
def test_a_mistyped_word_gets_one_line_with_the_likely_one(
    run_cli: Run, argv: tuple[str, ...], needle: str
) -> None:
    result = run_cli(*argv)
    assert (result.code, result.out) == (EXIT_USAGE, "")
    (line,) = result.err.splitlines()
    assert needle in line and line.endswith("--help`)")


def test_did_you_mean_in_a_subprocess(run_subprocess: Run) -> None:
    result = run_subprocess("recomend", "--defaults")
    assert result.code == 2
    assert result.err == (
        "pickenv: error: argument COMMAND: invalid choice: 'recomend' (did you mean 'recommend'?) "
        "(see `pickenv --help`)\n"
    )


def test_a_pasted_file_as_a_choice_is_cut(run_cli: Run) -> None:
    result = run_cli("recommend", "--format", "x" * 5000)
    (line,) = result.err.splitlines()
    assert result.code == 2 and len(line) < 250


# ----- --quiet ------------------------------------------------------------------------------


def test_quiet_leaves_stdout_alone(run_cli: Run) -> None:
    for argv in (("recommend", "--defaults"), ("rules", "show", "--format", "json"), ("schema",)):
        loud, quiet = run_cli(*argv), run_cli(*argv, "-q")
        assert (quiet.code, quiet.out, quiet.err) == (loud.code, loud.out, "")
    assert run_cli("--quiet", "recommend", "--defaults").out == run_cli("recommend", "--defaults").out


def test_quiet_errors_are_still_one_line(run_cli: Run) -> None:
    result = run_cli("recommend", "--defaults", "-q", "--answer", "domain=wbe")
    assert result.code == 3 and result.out == ""
    (line,) = result.err.splitlines()
    assert line.startswith("pickenv: error: ") and "did you mean 'web'?" in line


def test_quiet_and_verbose_are_a_usage_error(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("new", "demo", "--defaults", "-q", "-v", "--output-dir", str(tmp_path))
    assert (result.code, result.out) == (EXIT_USAGE, "")
    assert result.err == "pickenv: error: --quiet and --verbose ask for opposite things; pass one of them\n"
    assert not (tmp_path / "demo").exists()


class _TTYError(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_quiet_hides_progress_and_notes_even_on_a_terminal(
    isolated_env: dict[str, str], tmp_path: Path
) -> None:
    """A staging folder an older run left makes a note; a terminal on stderr shows progress."""

    def new(name: str, *flags: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), _TTYError()
        argv = ["new", name, "--defaults", "--output-dir", str(tmp_path), *flags]
        code = main(argv, env=isolated_env, stdin=io.StringIO(), stdout=out, stderr=err)
        return code, out.getvalue(), err.getvalue()

    (tmp_path / ".old.k2x9_q0a.pickenv-tmp").mkdir()
    code, out, err = new("loud")
    assert code == 0 and "pickenv: note: " in err and "looks left by an interrupted pickenv run" in err
    assert err.count("\rpickenv: ") >= 1  # the live progress line of a terminal
    code, out, err = new("hushed", "--quiet")
    assert (code, err) == (0, "")
    assert out == f"{(tmp_path / 'hushed').resolve()}\n"  # what a script needs: the project's path
    assert (tmp_path / "hushed" / "pyproject.toml").is_file()


def test_quiet_new_prints_the_path_of_a_dry_run_and_whole_json(run_cli: Run, tmp_path: Path) -> None:
    dry = run_cli("new", "demo", "--defaults", "--dry-run", "-q", "--output-dir", str(tmp_path))
    assert (dry.code, dry.out, dry.err) == (0, f"{(tmp_path / 'demo').resolve()}\n", "")
    assert not (tmp_path / "demo").exists()
    loud = run_cli(
        "new", "demo", "--defaults", "--dry-run", "--format", "json", "--output-dir", str(tmp_path)
    )
    quiet = run_cli(
        "new", "demo", "--defaults", "--dry-run", "--format", "json", "-q", "--output-dir", str(tmp_path)
    )
    assert quiet.out.splitlines()[:4] == loud.out.splitlines()[:4] and '"files": [' in quiet.out


def test_a_quiet_terminal_writes_neither_steps_nor_notes() -> None:
    err = _TTYError()
    quiet = Terminal(io.StringIO(), io.StringIO(), err, "auto", {}, quiet=True)
    with quiet.activity() as activity:
        activity.step("Rendering the template")
    quiet.note("something was left behind")
    assert err.getvalue() == ""
    loud = Terminal(io.StringIO(), io.StringIO(), err, "auto", {}, verbose=True)
    with loud.activity() as activity:
        activity.step("Rendering the template")
    loud.note("something was left behind")
    assert "Rendering the template" in err.getvalue()
    assert err.getvalue().endswith("pickenv: note: something was left behind\n")


# ----- colour -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "env", "coloured"),
    [
        ((), {"FORCE_COLOR": "1"}, True),  # force-color.org: colour in a pipe too
        ((), {"FORCE_COLOR": "0"}, True),  # any value that is not empty
        ((), {"FORCE_COLOR": ""}, False),
        ((), {"FORCE_COLOR": "1", "TERM": "dumb"}, True),
        ((), {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),  # NO_COLOR wins, as in CPython
        (("--color", "never"), {"FORCE_COLOR": "1"}, False),  # the flag wins over both
        (("--color", "always"), {"NO_COLOR": "1", "FORCE_COLOR": "1"}, True),
        ((), {}, False),  # a pipe, nothing set
    ],
)
def test_colour_order_in_a_pipe(
    run_cli: Run, argv: tuple[str, ...], env: dict[str, str], coloured: bool
) -> None:
    result = run_cli("recommend", "--defaults", *argv, env=env)
    assert result.code == 0 and bool(ANSI.search(result.out)) == coloured


def test_force_color_on_a_terminal_and_never_in_json(run_cli: Run, run_subprocess: Run) -> None:
    assert ANSI.search(run_cli("recommend", "--defaults", env={"FORCE_COLOR": "1"}, stdout=TTYOutput()).out)
    json_out = run_cli("recommend", "--defaults", "--format", "json", env={"FORCE_COLOR": "1"}).out
    assert not ANSI.search(json_out)
    assert ANSI.search(run_subprocess("rules", "show", env={"FORCE_COLOR": "1"}).out)
    assert not ANSI.search(run_subprocess("rules", "show", env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).out)


# ----- no error prints a user's file back ------------------------------------------------------

LINES = 5_000
EXCERPT = 80  # the most of a file an error may show, in one piece


def _non_yaml(kind: str) -> str:
    """A 5,000-line file that is not YAML pickenv reads: each kind meets another reader path."""
    if kind == "prose":  # one long plain scalar
        return "".join(
            f"Line {n} of an essay that someone passed by mistake, word after word.\n" for n in range(LINES)
        )
    if kind == "passwd":
        return "".join(f"user{n}:x:{n}:{n}:User {n}:/home/user{n}:/bin/sh\n" for n in range(LINES))
    if kind == "invalid":  # the parser stops on the first line
        return "".join(f"line {n}: with: colons and {{braces}} [brackets\n" for n in range(LINES))
    if kind == "json":  # valid YAML: a mapping with none of the keys pickenv reads
        return "{\n" + ",\n".join(f'  "key{n}": "{"v" * 40}{n}"' for n in range(LINES)) + "\n}\n"
    if kind == "tags":  # a parser message that quotes what it read
        return "".join(f"!tag{'x' * 300}{n} value\n" for n in range(LINES))
    assert kind == "one-line"
    return "k: " + ", ".join(f"item{n} {'z' * 10}" for n in range(LINES)) + "\n"


KINDS = ("prose", "passwd", "invalid", "json", "tags", "one-line")


def _echoes_more_than_an_excerpt(line: str, text: str) -> bool:
    """Whether ``line`` prints more than EXCERPT characters of ``text`` in one piece."""
    return any(line[start : start + EXCERPT + 1] in text for start in range(len(line) - EXCERPT))


def _reader(reader: str, path: Path, config: Path) -> tuple[str, ...]:
    if reader == "user config":
        config.mkdir(parents=True, exist_ok=True)
        (config / "config.yaml").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        return ("recommend", "--defaults")
    if reader == "copier.yml":
        template = path.parent / "template"
        template.mkdir(exist_ok=True)
        (template / "copier.yml").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        return ("template", "check", str(template))
    return {
        "rules check": ("rules", "check", str(path)),
        "rules check --standalone": ("rules", "check", "--standalone", str(path)),
        "--rules": ("recommend", "--defaults", "--rules", str(path)),
        "answers file": ("recommend", "--defaults", "--answers-file", str(path)),
        "team file": ("recommend", "--defaults", "--team", str(path)),
    }[reader]


READERS = (
    "rules check",
    "rules check --standalone",
    "--rules",
    "answers file",
    "team file",
    "user config",
    "copier.yml",
)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("reader", READERS)
def test_no_error_prints_more_than_an_excerpt_of_the_file(
    run_cli: Run, isolated_env: dict[str, str], tmp_path: Path, reader: str, kind: str
) -> None:
    text = _non_yaml(kind)
    path = tmp_path / f"{kind}.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_cli(*_reader(reader, path, Path(isolated_env["XDG_CONFIG_HOME"]) / "pickenv"))
    if reader == "copier.yml" and result.code == 9 and result.err == "":
        return  # a mapping copier would read: `template check` reports its problems on stdout
    assert result.code not in (0, 1), result.err
    assert result.err.startswith("pickenv: error: ") and "Traceback" not in result.err
    lines = result.err.splitlines()
    if kind == "json" and reader in ("answers file", "user config"):
        # A mapping of unknown keys: these readers list ten (each an excerpt of a key),
        # then count the rest; the rules readers say "not a rules file" once.
        assert len(lines) <= 12, result.err
    else:
        assert len(lines) <= 3, result.err  # the problem, a hint, the fix
    assert not any(_echoes_more_than_an_excerpt(line, text) for line in lines), result.err


def test_rules_check_of_a_non_yaml_file_is_one_problem(run_subprocess: Run, tmp_path: Path) -> None:
    """Issue 17: 49,153 characters for a 5,000-line file."""
    for kind in KINDS:
        path = tmp_path / f"{kind}.txt"
        path.write_text(_non_yaml(kind), encoding="utf-8")
        result = run_subprocess("rules", "check", str(path))
        assert result.code == 4 and result.out == "" and len(result.err) < 600, (kind, result.err)
        assert result.err.startswith(f"pickenv: error: {path}:"), result.err


# ----- completion: what each kind of value offers --------------------------------------------


def test_each_argument_completes_to_its_kind() -> None:
    def kind(path: str, option: str) -> str | list[str]:
        parser = PARSERS[path]
        actions = {a.dest: a for a in parser._actions if not a.option_strings}
        action = parser._option_string_actions[option] if option.startswith("-") else actions[option]
        return value_kind(action)

    assert (
        kind("new", "--output-dir") == kind("detect", "path") == kind("template check", "source") == FOLDERS
    )
    assert kind("new", "--template") == FOLDERS
    for option in ("--author", "--description", "--data", "--template-ref"):
        assert kind("new", option) == NOTHING, option
    assert kind("new", "name") == kind("update", "--to") == kind("update", "--data") == NOTHING
    for option in ("--answers-file", "--rules", "--team", "--python"):
        assert kind("new", option) == FILES, option
    assert kind("rules check", "file") == FILES
    assert kind("new", "--tool") == list(tool_names())
    assert "domain=web" in kind("new", "--answer")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A folder with two subfolders and two files to complete."""
    root = tmp_path / "here"
    for folder in ("src", "site docs"):
        (root / folder).mkdir(parents=True)
    for name in ("setup.cfg", "team.yaml"):
        (root / name).write_text("", encoding="utf-8")
    return root


def _script(run_cli: Run, shell: str, tmp_path: Path) -> Path:
    result = run_cli("completion", shell)
    assert result.code == 0 and result.err == ""
    path = tmp_path / f"pickenv.{shell}"
    path.write_text(result.out, encoding="utf-8")
    return path


def _shell(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed")
    return found


def _bash_like(shell: str, script: Path, words: tuple[str, ...], cwd: Path) -> list[str]:
    """COMPREPLY of the generated function for a command line whose last word is being
    completed, as bash (or zsh through bashcompinit) calls it."""
    quoted = " ".join(shlex.quote(w) for w in ("pickenv", *words))
    # zsh calls bash functions from compgen -F under `emulate sh` (0-based arrays).
    setup = "emulate -L sh; setopt kshglob noshglob braceexpand; " if shell == "zsh" else ""
    program = (
        f"source {shlex.quote(str(script))}\n"
        f"run() {{ {setup}COMP_WORDS=({quoted}); COMP_CWORD={len(words)}; COMPREPLY=(); _pickenv;"
        " printf '%s\\n' \"${COMPREPLY[@]}\"; }\nrun\n"
    )
    flags = ["-f"] if shell == "zsh" else ["--norc", "--noprofile"]
    proc = subprocess.run(
        [_shell(shell), *flags, "-c", program], capture_output=True, text=True, timeout=60, cwd=cwd
    )
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    return sorted(line for line in proc.stdout.splitlines() if line)


CASES = [
    (("new", "x", "--output-dir", ""), ["site docs", "src"]),
    (("new", "x", "--output-dir", "s"), ["site docs", "src"]),
    (("detect", ""), ["site docs", "src"]),
    (("update", "s"), ["site docs", "src"]),
    (("template", "check", ""), ["site docs", "src"]),
    (("new", "x", "--template", ""), ["site docs", "src"]),
    (("new", "x", "--author", ""), []),
    (("new", "x", "--description", ""), []),
    (("new", "x", "--data", ""), []),
    (("new", ""), []),  # the project's name: free text
    (("update", "--to", ""), []),
    (("new", "x", "--answers-file", ""), ["setup.cfg", "site docs", "src", "team.yaml"]),
    (("recommend", "--rules", "t"), ["team.yaml"]),
    (("rules", "check", "s"), ["setup.cfg", "site docs", "src"]),
]


@pytest.mark.parametrize(("words", "expected"), CASES, ids=[" ".join(w) for w, _ in CASES])
def test_bash_completes_folders_files_and_nothing(
    run_cli: Run, tmp_path: Path, tree: Path, words: tuple[str, ...], expected: list[str]
) -> None:
    assert _bash_like("bash", _script(run_cli, "bash", tmp_path), words, tree) == expected


def _in(shell: str, flags: tuple[str, ...], script: Path, command: str, cwd: Path | None = None) -> str:
    """The output of ``command`` in ``shell`` after sourcing ``script``."""
    program = f"source {shlex.quote(str(script))}; {command}"
    proc = subprocess.run(
        [_shell(shell), *flags, "-c", program], capture_output=True, text=True, timeout=60, cwd=cwd
    )
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    return proc.stdout


def _fish(script: Path, line: str, cwd: Path) -> list[str]:
    """What fish offers for the command line ``line`` (its last word being completed)."""
    out = _in("fish", ("--no-config",), script, f"complete -C {shlex.quote(line)}", cwd)
    return sorted(row.split("\t")[0] for row in out.splitlines())


def test_bash_registers_no_fallback_to_file_names(run_cli: Run, tmp_path: Path) -> None:
    script = _script(run_cli, "bash", tmp_path)
    registered = _in("bash", ("--norc", "--noprofile"), script, "complete -p pickenv")
    assert registered.strip() == "complete -F _pickenv pickenv"  # -o default would offer files for free text


@pytest.mark.parametrize(("words", "expected"), CASES, ids=[" ".join(w) for w, _ in CASES])
def test_zsh_completes_folders_files_and_nothing(
    run_cli: Run, tmp_path: Path, tree: Path, words: tuple[str, ...], expected: list[str]
) -> None:
    # zsh's compgen leaves matching the typed prefix to zsh itself: compare what it offers.
    offered = _bash_like("zsh", _script(run_cli, "zsh", tmp_path), words, tree)
    prefix = words[-1]
    assert [w for w in offered if w.startswith(prefix)] == expected


def test_zsh_registers_no_fallback_to_file_names(run_cli: Run, tmp_path: Path) -> None:
    registered = _in("zsh", ("-f",), _script(run_cli, "zsh", tmp_path), "print -r -- ${_comps[pickenv]}")
    assert registered.strip() == "_bash_complete -o filenames -F _pickenv"


@pytest.mark.parametrize(("words", "expected"), CASES, ids=[" ".join(w) for w, _ in CASES])
def test_fish_completes_folders_files_and_nothing(
    run_cli: Run, tmp_path: Path, tree: Path, words: tuple[str, ...], expected: list[str]
) -> None:
    line = " ".join(["pickenv", *(shlex.quote(w) for w in words[:-1]), words[-1]])
    offered = _fish(_script(run_cli, "fish", tmp_path), line, tree)
    assert sorted(w.rstrip("/") for w in offered) == expected


def test_fish_offers_a_group_s_subcommands_only_until_one_is_given(
    run_cli: Run, tmp_path: Path, tree: Path
) -> None:
    script = _script(run_cli, "fish", tmp_path)
    assert _fish(script, "pickenv rules ", tree) == ["check", "show"]
    assert _fish(script, "pickenv rules check t", tree) == ["team.yaml"]
    assert _fish(script, "pickenv template check s", tree) == ["site docs/", "src/"]


def test_a_mistyped_licence_gets_the_likely_one(run_cli: Run, tmp_path: Path) -> None:
    """Licences are checked against the template's choices (a team template has its
    own), so after parsing: an answer error, still one line with the likely one."""
    result = run_cli("new", "x", "--defaults", "--license", "mit", "--output-dir", str(tmp_path))
    assert (result.code, result.out) == (EXIT_ANSWER, "")
    assert result.err.strip().endswith("invalid licence 'mit' (--license); did you mean 'MIT'?")
    assert not (tmp_path / "x").exists()
