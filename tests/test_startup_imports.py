"""What each quick command imports: start-up time is mostly imports, so the commands a
person runs often (`recommend`, `--help`, `completion`, `detect`) must not load the
machinery of the commands that make or change projects.

Each check runs the real CLI in-process inside a fresh interpreter (a subprocess) and
reads ``sys.modules`` afterwards: which modules, not how long (no timed assertions;
bench/startup.py measures the time).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from pickenv.commands import COMMANDS

# Runs `pickenv ARGV` in-process and prints every module it loaded (the interpreter's
# own start-up excluded), after a first run has filled the rules cache.
_PROBE = """
import io, json, sys
argv = json.loads(sys.argv[1])
before = set(sys.modules)
if argv == ["<parser>"]:
    from pickenv.commands.parser import build_parser
    build_parser()
    code = 0
else:
    from pickenv.cli import main
    code = main(argv, stdout=io.StringIO(), stderr=io.StringIO())
loaded = sorted(set(sys.modules) - before)
# Classes pickenv defined on the way that cost a start their making (README, Speed): a
# dataclass, or a typing.NamedTuple (whose field annotations are compiled).
slow = [
    f"{name}.{cls.__name__}"
    for name in loaded
    if name.startswith("pickenv")
    for cls in vars(sys.modules[name]).values()
    if isinstance(cls, type) and cls.__module__ == name
    and (hasattr(cls, "__dataclass_fields__") or hasattr(cls, "_field_defaults"))
]
print(json.dumps({"code": code, "modules": loaded, "slow_classes": slow}))
"""

# Other people's libraries that only `new`, `update`, `switch` and prompts need.
THIRD_PARTY = ("copier", "jinja2", "questionary", "prompt_toolkit", "yaml", "ruamel", "packaging", "plumbum")
# pickenv's own machinery for making and changing projects.
MACHINERY = (
    "pickenv.templating",
    "pickenv.creation",
    "pickenv.formats",
    "pickenv.existing",
    "pickenv.repo",
)
# Standard-library modules that cost a measurable share of a 10 ms interpreter start
# (hashlib loads OpenSSL: about 2 ms) and that these commands have no use for.
STDLIB = ("hashlib", "subprocess", "tempfile", "threading", "tomllib", "ctypes")
# importlib.metadata (with email, zipfile, and through them tempfile and threading): only
# `pickenv --help` and `completion`, which list the plugin tools, need it.
METADATA = ("importlib.metadata", "email", "zipfile")
LISTS_PLUGINS = ("tempfile", "threading")

# What importing them cost `pickenv recommend` (valgrind, README Speed): dataclasses 43 M
# instructions (it imports inspect, and inspect ast, dis and tokenize) plus 3.7 M for each
# frozen dataclass defined, datetime 4.7 M, shutil 5.8 M (argparse asked it the width of
# every formatter), typing 13.5 M. Its path keeps its values in pickenv.records, and its
# modules import typing's names only for the type checker (TYPE_CHECKING = False).
RECOMMEND_SPARES = ("dataclasses", "inspect", "ast", "dis", "datetime", "shutil", "typing")

# --license's choices: creation/fields.py is data and validators, importing only
# pickenv.errors and pickenv.questionnaire.questions, which the parser has loaded anyway.
PARSER_ALLOWED = ("pickenv.creation", "pickenv.creation.fields")


def probe(argv: list[str], env: dict[str, str], cwd: Path) -> dict[str, Any]:
    """What `pickenv ARGV` loaded (``modules``) and the slow classes among them."""
    command = [sys.executable, "-c", _PROBE, json.dumps(argv)]
    # The first run parses the rules (and may import the YAML parser): measure the second.
    subprocess.run(command, env=env, cwd=cwd, capture_output=True, check=True, stdin=subprocess.DEVNULL)
    done = subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, check=True, stdin=subprocess.DEVNULL
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["code"] == 0, done.stderr
    return result


def loaded(argv: list[str], env: dict[str, str], cwd: Path) -> list[str]:
    modules: list[str] = probe(argv, env, cwd)["modules"]
    return modules


def offending(modules: Iterable[str], prefixes: Iterable[str], allowed: Iterable[str] = ()) -> list[str]:
    """The modules that are one of ``prefixes`` or inside one of those packages."""
    exempt = set(allowed)
    return sorted(
        m for m in modules if m not in exempt and any(m == p or m.startswith(p + ".") for p in prefixes)
    )


@pytest.mark.parametrize(
    "argv",
    [["<parser>"], ["--help"], ["recommend", "--help"], ["completion", "bash"]],
    ids=["build_parser", "help", "recommend-help", "completion"],
)
def test_the_parser_loads_no_project_machinery(
    argv: list[str], subprocess_env: dict[str, str], tmp_path: Path
) -> None:
    modules = loaded(argv, subprocess_env, tmp_path)
    assert "pickenv.commands.new" in modules or argv != ["<parser>"]  # the parser was really built
    assert offending(modules, (*THIRD_PARTY, *MACHINERY), PARSER_ALLOWED) == []
    if argv in (["--help"], ["completion", "bash"]):
        assert offending(modules, STDLIB, LISTS_PLUGINS) == []
    else:
        assert offending(modules, (*STDLIB, *METADATA)) == []
    # No tool class either: the parser reads only the registry's names.
    assert offending(modules, ("pickenv.tools",), ("pickenv.tools",)) == []


def test_recommend_loads_no_project_machinery(subprocess_env: dict[str, str], tmp_path: Path) -> None:
    result = probe(["recommend", "--defaults", "--format", "json"], subprocess_env, tmp_path)
    modules = result["modules"]
    assert "pickenv.rules.engine" in modules  # it did recommend
    assert offending(modules, THIRD_PARTY) == []
    # Without a team file in force, nothing of templates, projects or git: whether one is
    # in force is the user config's to say (pickenv.config.chosen_team).
    assert offending(modules, MACHINERY, PARSER_ALLOWED) == []
    assert offending(modules, ("pickenv.tools",), ("pickenv.tools",)) == []
    assert offending(modules, (*STDLIB, *METADATA)) == []
    assert offending(modules, RECOMMEND_SPARES) == []
    assert result["slow_classes"] == []  # pickenv.records instead
    # The parser holds the recommend command alone: no other command module is imported.
    others = tuple(f"pickenv.commands.{name}" for name in COMMANDS if name != "recommend")
    assert offending(modules, others) == []


def test_detect_loads_no_template_engine_or_prompts(subprocess_env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("requests\n", encoding="utf-8")
    modules = loaded(["detect", "--format", "json"], subprocess_env, tmp_path)
    assert "pickenv.existing.detect" in modules  # it did detect
    assert offending(modules, ("copier", "jinja2", "questionary", "prompt_toolkit", "yaml", "ruamel")) == []
