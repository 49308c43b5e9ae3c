"""Issue 16, part 3: every file people point pickenv at is read bounded, team files stay
inside their repository, credentials never show, and the wrong words are right.

Each fault is made for real (a FIFO, a symlink to /dev/zero, a folder, a symlink loop, a
sparse file over the limit, an alias bomb, random bytes) at each YAML input: answers
file, rules file, team file, a rules file a team file names, the user config, a
template's copier.yml and a file it includes. The alias bombs run in a subprocess
whose address space is limited to 1 GiB. copier's own reader of copier.yml
(``copier._template.load_template_config``) is the oracle for what pickenv reads of a
template; real git repositories stand in for remote ones (``file://`` URLs, and
``url.<base>.insteadOf`` for an https URL with credentials).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import Result, git, make_home, repository
from pickenv.context import Context
from pickenv.errors import (
    EXIT_ANSWER,
    EXIT_OK,
    EXIT_PROJECT,
    EXIT_RULES,
    EXIT_TEMPLATE,
    EXIT_UNTRUSTED,
    EXIT_UPDATE_AVAILABLE,
    EXIT_USAGE,
    ProjectError,
)
from pickenv.templating.answers import read_answers
from pickenv.templating.source import inspect, newest_release, resolve_source
from pickenv.yamlio import MAX_SHOWN, YAMLInputError, load_documents, load_located

Run = Callable[..., Result]

# 9 levels of 9 aliases: 387,420,489 values from 350 bytes.
BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{name}: &{name} [{', '.join([f'*{below}'] * 9)}]\n"
    for below, name in zip("abcdefgh", "bcdefghi", strict=True)
)
CONFIG = """\
_answers_file: .copier-answers.yml
_min_copier_version: "9.0.0"
project_name: {type: str}
tool: {type: str, choices: [venv, pipenv]}
python_version: {type: str, default: "3.12"}
"""
ANSWERS_TEMPLATE = {"{{ _copier_conf.answers_file }}.jinja": "{{ _copier_answers|to_nice_yaml }}"}
BAD_RULE = "  - id: r{i}\n    exclude: [vnev{i}]\n    because: b\n    source: s\n"
VALID_LAYER = (
    "schema_version: 1\nrules:\n  - id: read-it\n    score: {conda: 50}\n"
    "    because: b\n    source: https://example.org\n"
)


def lines(result: Result) -> list[str]:
    """stderr of a failed run, checked: no traceback, nothing on stdout, every line
    short (no file content), at most a handful of them."""
    assert "Traceback" not in result.err and result.out == "", result.out + result.err
    found = result.err.splitlines()
    assert found and found[0].startswith("pickenv: error: "), result.err
    assert len(found) <= 3 and all(len(line) < 400 for line in found), result.err
    return found


# ---- one bounded reader for every YAML input ----------------------------------------

# input kind -> (where the faulty file goes, the command line, its exit code), built in tmp_path
Arranged = tuple[Path, list[str], int]


def arrange(kind: str, tmp: Path) -> Arranged:
    if kind == "answers":
        return tmp / "answers.yaml", ["recommend", "--answers-file", str(tmp / "answers.yaml")], EXIT_ANSWER
    if kind == "rules":
        return tmp / "rules.yaml", ["recommend", "--defaults", "--rules", str(tmp / "rules.yaml")], EXIT_RULES
    if kind == "team":
        return tmp / "team.yaml", ["recommend", "--defaults", "--team", str(tmp / "team.yaml")], EXIT_USAGE
    if kind == "team-rules":
        (tmp / "team").mkdir()
        (tmp / "team" / "pickenv-team.yaml").write_text("schema_version: 1\nrules: [r.yaml]\n")
        return tmp / "team" / "r.yaml", ["recommend", "--defaults", "--team", str(tmp / "team")], EXIT_RULES
    if kind == "config":
        (tmp / "xdg-config" / "pickenv").mkdir(parents=True, exist_ok=True)
        return tmp / "xdg-config" / "pickenv" / "config.yaml", ["recommend", "--defaults"], EXIT_USAGE
    (tmp / "tpl").mkdir()
    if kind == "copier.yml":
        return tmp / "tpl" / "copier.yml", ["template", "check", str(tmp / "tpl")], EXIT_TEMPLATE
    assert kind == "include"
    (tmp / "tpl" / "copier.yml").write_text(CONFIG + "---\n!include extra.yml\n")
    return tmp / "tpl" / "extra.yml", ["template", "check", str(tmp / "tpl")], EXIT_TEMPLATE


def sparse(path: Path, size: int) -> None:
    with path.open("wb") as handle:
        handle.truncate(size)  # no disk used: only its size is ever looked at


KINDS = ("answers", "rules", "team", "team-rules", "config", "copier.yml", "include")
FAULTS: dict[str, tuple[Callable[[Path], object], str]] = {
    "device": (lambda p: p.symlink_to("/dev/zero"), r"is not a regular file|leads outside"),
    "folder": (lambda p: p.mkdir(), r"is a folder|not found|has no copier.yml"),
    "loop": (lambda p: p.symlink_to(p.name), r"symlink loop"),
    "large": (lambda p: sparse(p, 5 << 20), r"is larger than \d MiB"),
    "binary": (lambda p: p.write_bytes(bytes(range(256))), r"is not UTF-8 text|binary"),
}


@pytest.mark.parametrize(
    "fault", [pytest.param(f, marks=pytest.mark.posix) if f in ("device", "loop") else f for f in FAULTS]
)  # a link to /dev/zero and a symlink loop need POSIX
@pytest.mark.parametrize("kind", KINDS)
def test_every_yaml_input_refuses_what_is_not_a_small_text_file(
    tmp_path: Path, run_cli: Run, kind: str, fault: str
) -> None:
    if (kind, fault) == ("include", "folder"):
        pytest.skip("a glob names files: a folder matches nothing, as in copier")
    target, argv, code = arrange(kind, tmp_path)
    make, said = FAULTS[fault]
    make(target)
    if kind == "team-rules" and fault in ("device", "loop"):
        code = EXIT_USAGE  # the team file's path is refused before the rules file is read
    result = run_cli(*argv)
    assert result.code == code, result.err
    found = lines(result)
    assert target.name in found[0]
    assert re.search(said, result.err), result.err


def limited(
    argv: list[str], env: dict[str, str], cwd: Path
) -> tuple[subprocess.CompletedProcess[str], float]:
    """pickenv in a subprocess whose address space is capped at 1 GiB, timed."""
    import resource  # POSIX's: the tests that call this are marked posix

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pickenv", *argv], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=60, preexec_fn=cap, stdin=subprocess.DEVNULL)  # fmt: skip
    return done, time.monotonic() - start


@pytest.mark.posix
@pytest.mark.parametrize("kind", KINDS)
def test_an_alias_bomb_is_one_line_at_once_in_little_memory(
    tmp_path: Path, subprocess_env: dict[str, str], kind: str
) -> None:
    target, argv, code = arrange(kind, tmp_path)
    target.write_text(BOMB)
    done, seconds = limited(argv, subprocess_env, tmp_path)
    assert done.returncode == code, done.stderr
    found = lines(Result(done.returncode, done.stdout, done.stderr))
    assert "alias" in done.stderr and target.name in done.stderr
    assert len(found) <= 3
    assert seconds < 10  # the process with its imports; the parse itself is below


@pytest.mark.posix
@pytest.mark.parametrize("kind", KINDS)
def test_a_fifo_is_refused_before_it_is_opened(
    tmp_path: Path, subprocess_env: dict[str, str], kind: str
) -> None:
    target, argv, code = arrange(kind, tmp_path)
    os.mkfifo(target)  # nobody ever writes to it: reading it would wait forever
    done, _ = limited(argv, subprocess_env, tmp_path)
    assert done.returncode == code, done.stderr
    assert "is not a regular file" in done.stderr and target.name in done.stderr
    lines(Result(done.returncode, done.stdout, done.stderr))


def test_the_bomb_parses_in_milliseconds() -> None:
    bigger = BOMB + "j: &j [" + ", ".join(["*i"] * 9) + "]\n"  # 3.5 billion values
    start = time.monotonic()
    _, problems = load_located(bigger, "b.yaml")
    with pytest.raises(YAMLInputError, match=r"b.yaml:2: more than 100,000 values"):
        load_documents(bigger, "b.yaml")
    assert time.monotonic() - start < 0.5
    assert [(p.line, p.column) for p in problems] == [(2, 8)]  # the first alias, once
    assert problems[0].message.endswith("(and 80 more aliases)")


@pytest.mark.parametrize(
    "text",
    ["[" * 900 + "]" * 900, "a:\n" + "".join(" " * i + "- \n" for i in range(1, 300)), "num: " + "9" * 5000],
)
def test_deep_or_huge_values_are_problems_not_crashes(text: str) -> None:
    root, problems = load_located(text, "d.yaml")
    assert all(p.file == "d.yaml" for p in problems)
    if text.startswith("num:"):
        assert problems == [] and root is not None and root.value["num"].value == "9" * 5000
    else:
        assert len(problems) == 1 and (
            "nested deeper" in problems[0].message or "invalid" in problems[0].message
        )
        with pytest.raises(YAMLInputError):
            load_documents(text, "d.yaml")


def test_a_self_referencing_alias_in_copier_yml_is_refused() -> None:
    with pytest.raises(YAMLInputError, match="refers to the value it is in"):
        load_documents("a: &x [1, *x]\n", "copier.yml")


@pytest.mark.parametrize(
    ("kind", "body", "code"),
    [
        ("rules", "".join(BAD_RULE.format(i=i) for i in range(40)), EXIT_RULES),
        ("answers", "".join(f"question{i}: x\n" for i in range(50)), EXIT_ANSWER),
        ("config", "".join(f"key{i}: x\n" for i in range(30)), EXIT_USAGE),
    ],
)  # fmt: skip
def test_many_problems_print_a_handful_then_how_many_more(
    tmp_path: Path, run_cli: Run, kind: str, body: str, code: int
) -> None:
    target, argv, _ = arrange(kind, tmp_path)
    target.write_text(("schema_version: 1\nrules:\n" if kind == "rules" else "") + body)
    result = run_cli(*argv)
    assert result.code == code
    found = result.err.splitlines()
    total = {"rules": 40, "answers": 50, "config": 30}[kind]
    assert len(found) <= MAX_SHOWN + 3, result.err
    assert f"pickenv: error: and {total - MAX_SHOWN} more problems" in found, result.err
    located = [line for line in found if f"{target}:" in line]
    assert len(located) == MAX_SHOWN


# ---- copier.yml read as copier reads it, bounded -------------------------------------

TEXTS = st.one_of(st.text("abc-", min_size=1, max_size=4), st.lists(st.text("xyz", max_size=3), max_size=3))
VALUES = st.one_of(st.integers(-5, 5), TEXTS, st.dictionaries(st.sampled_from(["type", "default"]), TEXTS))
# copier merges the lists of the first two over documents (and crashes on a number there).
DOCUMENT = st.dictionaries(st.sampled_from(["_exclude", "_skip_if_exists"]), TEXTS) | st.dictionaries(
    st.sampled_from(["_tasks", "_subdirectory", "project_name", "tool", "extra"]), VALUES, max_size=4
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(DOCUMENT, st.sampled_from(["inline", "include", "nested"])), min_size=1, max_size=5)
)
def test_copier_yml_with_includes_reads_as_copier_reads_it(
    documents: list[tuple[dict[str, object], str]],
) -> None:
    from copier._template import load_template_config

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        parts = []
        for index, (document, where) in enumerate(documents):
            text = yaml.safe_dump(document)
            if where == "inline":
                parts.append(text)
                continue
            (folder / "inc").mkdir(exist_ok=True)
            if where == "nested":  # an included file including another
                (folder / "inc" / f"deep{index}.yaml").write_text(text)
                text = f"!include inc/deep{index}.yaml\n"
            (folder / "inc" / f"part{index}.yml").write_text(text)
            parts.append(f"!include inc/part{index}.yml\n")
        (folder / "copier.yml").write_text("".join(f"---\n{p}" for p in parts))
        expected = load_template_config(folder / "copier.yml")
        ctx = Context.from_environment({"HOME": scratch, "PATH": os.environ["PATH"]})
        info = inspect(resolve_source(str(folder), None, ctx), ctx)
        assert dict(info.config) == expected


def test_a_small_alias_in_copier_yml_is_read_like_copier(tmp_path: Path) -> None:
    from copier._template import load_template_config

    (tmp_path / "copier.yml").write_text(
        CONFIG + "shared: &versions [a, b]\nother: {type: str, choices: *versions}\n"
    )
    ctx = Context.from_environment({"HOME": str(tmp_path), "PATH": os.environ["PATH"]})
    info = inspect(resolve_source(str(tmp_path), None, ctx), ctx)
    assert dict(info.config) == load_template_config(tmp_path / "copier.yml")


def test_tasks_hidden_in_an_included_file_reach_the_consent_list(tmp_path: Path, run_cli: Run) -> None:
    template = repository(tmp_path / "t", {"v1.0.0": {
        "copier.yml": CONFIG + "---\n!include extra/*.yml\n",
        "extra/tasks.yml": '_tasks:\n  - "echo from-include > task-ran.txt"\n',
        **ANSWERS_TEMPLATE,
    }}, tag=True)  # fmt: skip
    out = tmp_path / "out"
    out.mkdir()
    refused = run_cli("new", "app", "--template", str(template), "--defaults", "--output-dir", str(out))
    assert refused.code == EXIT_UNTRUSTED, refused.err
    assert "task: echo from-include > task-ran.txt" in refused.err and list(out.iterdir()) == []
    allowed = run_cli(
        "new", "app", "--template", str(template), "--defaults", "--trust", "--output-dir", str(out)
    )
    assert allowed.code == EXIT_OK, allowed.err
    assert (out / "app" / "task-ran.txt").read_text() == "from-include\n"  # copier ran what was listed


LOOP = {"a.yml": "!include b.yml\n", "b.yml": "!include a.yml\n"}


def test_every_task_one_glob_may_bring_is_listed(tmp_path: Path, run_cli: Run) -> None:
    """copier keeps the last `_tasks` of the files a glob matches, in its clone's file
    system order: consent covers each of them."""
    template = repository(tmp_path / "t", {"v1.0.0": {
        "copier.yml": CONFIG + "---\n!include tasks/*.yml\n",
        "tasks/a.yml": "_tasks: [echo first]\n",
        "tasks/b.yml": "_tasks: [echo second]\n",
        **ANSWERS_TEMPLATE,
    }}, tag=True)  # fmt: skip
    result = run_cli("new", "app", "--template", str(template), "--defaults", "--output-dir", str(tmp_path))
    assert result.code == EXIT_UNTRUSTED and "tasks: echo first, echo second" in result.err, result.err


@pytest.mark.parametrize(
    ("files", "said"),
    [
        ({"copier.yml": CONFIG + "---\n!include ../outside.yml\n"}, "names files outside the template"),
        ({"copier.yml": CONFIG + "---\n!include /etc/passwd\n"}, "names files outside the template"),
        ({"copier.yml": CONFIG + "---\n!include a.yml\n", **LOOP}, "a.yml includes itself (a loop)"),
        ({"copier.yml": CONFIG + "x: !unknown 1\n"}, "could not determine a constructor"),
        ({"copier.yml": "- a list\n"}, "copier.yml: not a mapping of settings and questions"),
    ],
)  # fmt: skip
def test_a_bad_copier_yml_is_one_line_before_copier_sees_it(
    tmp_path: Path, run_cli: Run, files: dict[str, str], said: str
) -> None:
    template = repository(tmp_path / "t", {"v1.0.0": {**files, **ANSWERS_TEMPLATE}}, tag=True)
    (tmp_path / "outside.yml").write_text("_tasks: [echo outside]\n")
    result = run_cli("template", "check", str(template))
    assert result.code == EXIT_TEMPLATE and said in result.err, result.err
    assert len(lines(result)) == 1


@pytest.mark.posix
def test_a_symlinked_include_in_a_git_template_is_refused(tmp_path: Path, run_cli: Run) -> None:
    (tmp_path / "secret.yml").write_text("_tasks: [echo secret]\n")
    template = repository(
        tmp_path / "t", {"v1.0.0": {"copier.yml": CONFIG + "---\n!include link.yml\n"}}, tag=True
    )
    (template / "link.yml").symlink_to(tmp_path / "secret.yml")
    git(template, "add", "-A")
    git(template, "commit", "-q", "-m", "link")
    git(template, "tag", "v2.0.0")
    result = run_cli("template", "check", str(template))
    assert result.code == EXIT_TEMPLATE and "link.yml at v2.0.0 is a symlink" in result.err, result.err
    assert "secret" not in result.err


@pytest.mark.posix
def test_new_and_check_on_a_copier_yml_alias_bomb(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    template = repository(
        tmp_path / "t", {"v1.0.0": {"copier.yml": CONFIG + BOMB, **ANSWERS_TEMPLATE}}, tag=True
    )
    new = ["new", "app", "--template", str(template), "--defaults", "--output-dir", str(tmp_path)]
    for argv in (["template", "check", str(template)], new):
        done, seconds = limited(argv, subprocess_env, tmp_path)
        assert done.returncode == EXIT_TEMPLATE and done.stderr.count("\n") == 1, done.stderr
        assert "copier.yml:7: more than 100,000 values once its YAML aliases are expanded" in done.stderr
        assert seconds < 10
    assert not (tmp_path / "app").exists()


# ---- team files stay where they belong -----------------------------------------------


def team(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pickenv-team.yaml").write_text("schema_version: 1\nname: acme\n" + text)
    return folder / "pickenv-team.yaml"


@pytest.mark.posix
@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            "rules: [../../../../etc/passwd]\n",
            "`rules` '../../../../etc/passwd' leads outside the team's folder",
        ),
        ("rules: [evil.yaml]\n", "`rules` 'evil.yaml' leads outside the team's folder"),
        ("template: ../../elsewhere\n", "`template` '../../elsewhere' leads outside the team's folder"),
        ("rules: [" + "x" * 5000 + "]\n", "`rules` 'xxxxxxxx"),
    ],
)
def test_a_local_team_file_stays_in_its_folder(tmp_path: Path, run_cli: Run, text: str, said: str) -> None:
    path = team(tmp_path / "a" / "b" / "team", text)
    (path.parent / "evil.yaml").symlink_to("/etc/passwd")
    result = run_cli("recommend", "--defaults", "--team", str(path))
    assert result.code == EXIT_USAGE and said in result.err, result.err
    assert len(lines(result)) == 1 and "root:" not in result.err


def test_a_team_file_in_a_repository_may_name_files_anywhere_in_it(tmp_path: Path, run_cli: Run) -> None:
    repo = tmp_path / "handbook"
    (repo / "shared").mkdir(parents=True)
    (repo / "shared" / "rules.yaml").write_text(VALID_LAYER)
    git(repo, "init", "-q")
    path = team(repo / "teams" / "acme", "rules: [../../shared/rules.yaml]\n")
    result = run_cli("recommend", "--defaults", "--team", str(path), "--format", "json")
    assert result.code == EXIT_OK and '"conda"' in result.out, result.err
    (tmp_path / "outside.yaml").write_text(VALID_LAYER)
    path.write_text("schema_version: 1\nrules: [../../../outside.yaml]\n")
    result = run_cli("recommend", "--defaults", "--team", str(path))
    assert result.code == EXIT_USAGE and f"leads outside the team's repository {repo}" in result.err


def test_a_rules_file_that_is_not_yaml_is_never_printed(tmp_path: Path, run_cli: Run) -> None:
    """An absolute path in a local team file is the writer's choice; what is in that
    file never reaches the terminal (here a made-up passwd)."""
    passwd = tmp_path / "passwd"
    passwd.write_text("root:x:0:0:root:/root:/bin/bash\n" * 50)
    path = team(tmp_path / "team", f"rules: [{passwd}]\n")
    result = run_cli("recommend", "--defaults", "--team", str(path))
    assert (
        result.code == EXIT_RULES and "must be a mapping (schema_version, rules...), not text" in result.err
    )
    assert "root:x" not in result.err


def remote_team(tmp_path: Path, text: str, extra: dict[str, str] | None = None) -> str:
    files = {"pickenv-team.yaml": "schema_version: 1\n" + text, "ok.yaml": VALID_LAYER, **(extra or {})}
    repo = repository(tmp_path / "team-repo", {"v1": files}, tag=True)
    return f"file://{repo}"


@pytest.mark.parametrize(
    "rules",
    ["{secret}", "../outside.yaml", "~/secret.yaml", "sub/../../outside.yaml"],
)
def test_a_team_file_from_git_names_nothing_on_this_computer(
    tmp_path: Path, run_cli: Run, rules: str
) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text(VALID_LAYER.replace("read-it", "secret-rule"))  # valid: read, it would work
    (tmp_path / "outside.yaml").write_text(secret.read_text())
    url = remote_team(tmp_path, f"rules: ['{rules.format(secret=secret)}']\n")
    result = run_cli("recommend", "--defaults", "--team", url)
    assert result.code == EXIT_USAGE, result.err
    assert "is not a path inside the team's repository (a team file from git names nothing" in result.err
    assert "secret-rule" not in result.err and len(lines(result)) == 1


@pytest.mark.posix
def test_a_team_file_from_git_reads_its_own_files_only(tmp_path: Path, run_cli: Run) -> None:
    url = remote_team(tmp_path, "rules: [ok.yaml]\n")
    assert run_cli("recommend", "--defaults", "--team", url).code == EXIT_OK
    repo = tmp_path / "team-repo"
    (repo / "link.yaml").symlink_to("/etc/passwd")
    (repo / "pickenv-team.yaml").write_text("schema_version: 1\nrules: [link.yaml]\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "link")
    result = run_cli("recommend", "--defaults", "--team", url)
    assert result.code == EXIT_USAGE and "the rules file 'link.yaml' is a symlink" in result.err, result.err
    (repo / "pickenv-team.yaml").unlink()
    (repo / "pickenv-team.yaml").symlink_to("/etc/passwd")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "link")
    result = run_cli("recommend", "--defaults", "--team", url)
    assert result.code == EXIT_USAGE and "'pickenv-team.yaml' is a symlink" in result.err, result.err
    assert "root:" not in result.err


# ---- credentials -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["recommend", "--defaults", "--team", "https://deploy:s3cret@127.0.0.1:1/team.git"], EXIT_USAGE),
        (["template", "check", "https://deploy:s3cret@127.0.0.1:1/t.git"], EXIT_TEMPLATE),
        (["template", "check", "https://s3cret@127.0.0.1:1/t.git"], EXIT_TEMPLATE),
    ],
)
def test_credentials_never_reach_the_output(run_cli: Run, argv: list[str], code: int) -> None:
    result = run_cli(*argv)  # nothing listens on port 1: git fails at once
    assert result.code == code and "s3cret" not in result.err + result.out, result.err
    assert len(lines(result)) == 1


@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_a_team_template_url_with_credentials_keeps_the_team_pin(tmp_path: Path, run_subprocess: Run) -> None:
    files = {"copier.yml": CONFIG, **ANSWERS_TEMPLATE}
    template = repository(
        tmp_path / "t", {"v1.0.0": files, "v1.1.0": {**files, "NEWS.md": "v1.1\n"}}, tag=True
    )
    clean = "https://git.example.invalid/acme/template.git"
    secret = "https://deploy:s3cret@git.example.invalid/acme/template.git"
    # git reaches both spellings of the URL in the local repository: a home of its own says so.
    home = make_home(
        tmp_path / "home", f'[url "file://{template}"]\n\tinsteadOf = {clean}\n\tinsteadOf = {secret}\n'
    )
    env = {"HOME": str(home)}
    path = team(tmp_path / "team", f"template: {{source: '{secret}', ref: v1.0.0}}\n")
    made = run_subprocess(
        "new", "app", "--team", str(path), "--defaults", "--output-dir", str(tmp_path), env=env
    )
    assert made.code == EXIT_OK, made.err
    recorded = (tmp_path / "app" / ".copier-answers.yml").read_text()
    assert yaml.safe_load(recorded)["_src_path"] == clean and "s3cret" not in recorded
    pinned = run_subprocess("update", str(tmp_path / "app"), "--team", str(path), "--check", env=env)
    assert pinned.code == EXIT_OK and "up to date: template v1.0.0" in pinned.out, pinned.out + pinned.err
    newer = run_subprocess("update", str(tmp_path / "app"), "--check", env=env)
    assert newer.code == EXIT_UPDATE_AVAILABLE and "v1.0.0 -> v1.1.0" in newer.out
    assert all("s3cret" not in r.out + r.err for r in (made, pinned, newer))


# ---- the wrong words -------------------------------------------------------------------


def test_without_git_a_repository_is_not_called_a_plain_folder(tmp_path: Path, run_cli: Run) -> None:
    template = repository(tmp_path / "t", {"v1.0.0": {"copier.yml": CONFIG, **ANSWERS_TEMPLATE}}, tag=True)
    (template / "README.md").write_text("uncommitted work\n")  # what rendering the work tree would take
    no_git = {"PATH": str(tmp_path / "no-such-bin")}
    checked = run_cli("template", "check", str(template), env=no_git)
    assert checked.code == EXIT_TEMPLATE and "plain folder" not in checked.out + checked.err
    assert f"git is not installed; the template {template} is a git repository" in checked.err
    made = run_cli("new", "app", "--template", str(template), "--defaults", "--output-dir", str(tmp_path),
                   env=no_git)  # fmt: skip
    assert made.code == EXIT_TEMPLATE and "install git" in made.err and not (tmp_path / "app").exists()


def test_template_check_on_a_file_says_what_a_template_is(run_cli: Run) -> None:
    result = run_cli("template", "check", "/etc/passwd")
    assert result.code == EXIT_TEMPLATE and "--template" not in result.err
    assert "the template /etc/passwd is a file, not a folder or a git repository" in result.err
    assert len(lines(result)) == 1 and "root:" not in result.err


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"_src_path: [unclosed\n", ".copier-answers.yml:2: not valid YAML"),
        (bytes(range(256)), "is not UTF-8 text"),
        (BOMB.encode(), ".copier-answers.yml:2 uses a YAML alias (*name), which copier never writes"),
        (b"- a\n- b\n", "holds not a mapping (['a', 'b'])"),
        (b"tool: venv\n", "records no template (_src_path)"),
        (b"", "holds nothing"),
    ],
)
def test_a_garbage_answers_file_is_that_files_problem(tmp_path: Path, content: bytes, said: str) -> None:
    path = tmp_path / ".copier-answers.yml"
    path.write_bytes(content)
    with pytest.raises(ProjectError) as info:
        read_answers(tmp_path)
    error = info.value
    assert error.exit_code == EXIT_PROJECT and said in error.message, error.message
    assert "restore it from git (git checkout -- .copier-answers.yml)" in str(error)
    assert "made by pickenv or copier" not in str(error) and "\n" not in str(error)


def test_recorded_answers_are_read_as_copier_writes_them(tmp_path: Path) -> None:
    path = tmp_path / ".copier-answers.yml"
    data = {"_src_path": "gh:acme/t", "_commit": "v1.0.0", "create_env": True, "python_version": "3.10"}
    path.write_text("# Changes here will be overwritten by Copier\n" + yaml.safe_dump(data))
    assert read_answers(tmp_path) == data


def test_a_deleted_template_folder_is_said_to_be_gone(tmp_path: Path) -> None:
    template = repository(tmp_path / "t", {"v1.0.0": {"copier.yml": CONFIG}}, tag=True)
    ctx = Context.from_environment({"HOME": str(tmp_path), "PATH": os.environ["PATH"]})
    assert newest_release(str(template), ctx) == "v1.0.0"
    git(template, "tag", "v1.1.0rc1")  # a pre-release is never the newest release
    assert newest_release(str(template), ctx) == "v1.0.0"
    import shutil

    shutil.rmtree(template)
    with pytest.raises(ProjectError) as info:
        newest_release(str(template), ctx)
    assert f"the template {template} no longer exists" in info.value.message
    assert "version tags" not in info.value.message
    with pytest.raises(ProjectError, match="cannot be read"):
        newest_release("https://deploy:s3cret@127.0.0.1:1/t.git", ctx)


def update_project_made_from(tmp_path: Path, run_cli: Run) -> tuple[Path, Path]:
    template = repository(tmp_path / "t", {"v1.0.0": {"copier.yml": CONFIG, **ANSWERS_TEMPLATE}}, tag=True)
    made = run_cli("new", "app", "--template", str(template), "--defaults", "--output-dir", str(tmp_path))
    assert made.code == EXIT_OK, made.err
    return tmp_path / "app", template


def test_update_words_a_garbage_answers_file_as_that_files_problem(tmp_path: Path, run_cli: Run) -> None:
    project, _ = update_project_made_from(tmp_path, run_cli)
    (project / ".copier-answers.yml").write_bytes(bytes(range(256)))
    result = run_cli("update", str(project), "--check")
    assert result.code == EXIT_PROJECT and "made by pickenv or copier" not in result.err, result.err
    assert "restore it from git" in result.err


def test_update_says_a_deleted_template_is_gone(tmp_path: Path, run_cli: Run) -> None:
    import shutil

    project, template = update_project_made_from(tmp_path, run_cli)
    shutil.rmtree(template)
    result = run_cli("update", str(project), "--check")
    assert result.code == EXIT_PROJECT and "no longer exists" in result.err, result.err
    assert "version tags" not in result.err
