"""`pickenv new` never removes what it did not make (issue 16, "own only what you made").

Each fault is driven by a hook the test controls, never by sleeping: a fake slow
interpreter given with --python (it makes the environment, says so on a FIFO and waits
for the test's verdict on another), the user's own conftest.py (the project's tests
wait the same way), or a trusted team template whose task waits. While pickenv waits
there, the test writes into the project, creates the destination, starts a second run
or kills the first; then it compares every entry (kind, mode, size, bytes, link target)
with what the user had and wrote. Real processes and real signals throughout.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import select
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pickenv.creation.placement import Placement, place
from pickenv.errors import (
    EXIT_DESTINATION,
    EXIT_ENVIRONMENT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_UNTRUSTED,
)

pytestmark = pytest.mark.posix  # signals, FIFOs, file modes and links throughout
WATCHDOG = (
    120.0  # seconds before a hook that is never reached fails the test (never reached when all is well)
)

Entry = tuple[str, int, int, bytes]  # kind, permission bits, size, content (a link: its target)


def entry(path: Path) -> Entry:
    info = path.lstat()
    mode = stat.S_IMODE(info.st_mode)
    if stat.S_ISLNK(info.st_mode):
        return ("link", 0, 0, os.readlink(path).encode())
    if stat.S_ISDIR(info.st_mode):
        return ("folder", mode, 0, b"")
    return ("file", mode, info.st_size, path.read_bytes())


def entries(folder: Path) -> dict[str, Entry]:
    """Every entry under ``folder``, hidden ones and .git's included (links not followed),
    with its kind and permission bits: what helpers.snapshot leaves out (folders, modes),
    which pickenv must not touch either where it owns nothing."""
    return {str(p.relative_to(folder)): entry(p) for p in sorted(folder.rglob("*"))}


def with_parents(folder: Path, paths: list[Path]) -> dict[str, Entry]:
    """The entries of ``paths`` and of the folders between them and ``folder``, as they are now."""
    out: dict[str, Entry] = {}
    for path in paths:
        for each in [path, *path.parents]:
            if each == folder:
                break
            out[str(each.relative_to(folder))] = entry(each)
    return out


def start(env: Mapping[str, str], *args: str, cwd: Path) -> subprocess.Popen[bytes]:
    """`pickenv ARGS` in a session of its own, as a terminal's foreground job is."""
    return subprocess.Popen(
        [sys.executable, "-m", "pickenv", *args],
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def finish(process: subprocess.Popen[bytes]) -> Run:
    out, err = process.communicate(timeout=WATCHDOG)
    return Run(process.returncode, out.decode(), err.decode())


def one_line(run: Run) -> str:
    """The one line pickenv says on stderr (after the blank line an interrupt starts with)."""
    assert "Traceback" not in run.err, run.err
    lines = run.err.strip("\n").splitlines()
    assert len(lines) == 1, run.err
    assert lines[0].startswith("pickenv: "), run.err
    return lines[0]


@dataclass(frozen=True)
class Hook:
    """Two FIFOs: the hooked program writes a line to ``ready`` when it gets there, then
    blocks reading its verdict from ``go``."""

    ready: Path
    go: Path

    @classmethod
    def make(cls, folder: Path) -> Hook:
        folder.mkdir(exist_ok=True)
        hook = cls(folder / "ready", folder / "go")
        os.mkfifo(hook.ready)
        os.mkfifo(hook.go)
        return hook

    def reached(self, process: subprocess.Popen[bytes]) -> str:
        """Wait until the program is at the hook (or fail if it ended before)."""
        fd = os.open(self.ready, os.O_RDONLY | os.O_NONBLOCK)
        ours = os.open(self.ready, os.O_WRONLY)  # a writer of our own: no end-of-file meanwhile
        try:
            deadline = time.monotonic() + WATCHDOG
            while time.monotonic() < deadline:
                if select.select([fd], [], [], 0.5)[0]:
                    return os.read(fd, 4096).decode()
                if process.poll() is not None:
                    out, err = process.communicate()
                    raise AssertionError(f"pickenv ended before the hook: {out!r} {err!r}")
            raise AssertionError("the hook was never reached")
        finally:
            os.close(fd)
            os.close(ours)

    def release(self, verdict: str) -> bool:
        """Give the waiting program its verdict; False when nobody waits there."""
        deadline = time.monotonic() + WATCHDOG
        while True:
            try:
                fd = os.open(self.go, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:  # ENXIO: not reading yet (or not any more)
                if exc.errno != errno.ENXIO or time.monotonic() > deadline:
                    return False
                select.select([], [], [], 0.05)
                continue
            try:
                os.write(fd, f"{verdict}\n".encode())
            finally:
                os.close(fd)
            return True


@pytest.fixture
def hooks(tmp_path: Path) -> Iterator[list[Hook]]:
    """Hooks made by a test; any program still waiting at one is let go afterwards."""
    made: list[Hook] = []
    yield made
    for hook in made:
        with contextlib.suppress(OSError):
            fd = os.open(hook.go, os.O_WRONLY | os.O_NONBLOCK)
            os.write(fd, b"stop\n")
            os.close(fd)


def hook_in(hooks: list[Hook], folder: Path) -> Hook:
    hook = Hook.make(folder)
    hooks.append(hook)
    return hook


def fake_python(folder: Path, hook: Hook) -> Path:
    """An interpreter that is the real one, except that `-m venv DIR` makes the
    environment (without pip: quick), reaches the hook, and then succeeds or fails."""
    script = folder / "python-with-a-hook"
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then\n'
        f'    "{sys.executable}" -m venv --without-pip "$3" || exit 1\n'
        f'    echo building > "{hook.ready}"\n'
        f'    read verdict < "{hook.go}"\n'
        '    [ "$verdict" = go ] && exit 0\n'
        '    echo "the environment tool failed as told" >&2\n'
        "    exit 3\n"
        "fi\n"
        f'exec "{sys.executable}" "$@"\n'
    )
    script.chmod(0o755)
    return script


def team_template(
    folder: Path,
    *,
    task: str = "",
    links: Mapping[str, str] | None = None,
    files: Mapping[str, str] | None = None,
) -> Path:
    """A small team template: pickenv's three questions, a README, maybe a task and links."""
    folder.mkdir()
    config = [
        "project_name: {type: str}",
        "tool: {type: str, default: venv, choices: [venv]}",
        'python_version: {type: str, default: "3.11"}',
    ]
    if task:
        config.insert(0, f"_tasks: [{json.dumps(task)}]")
    if links:
        config.insert(0, "_preserve_symlinks: true")
    (folder / "copier.yml").write_text("\n".join(config) + "\n")
    (folder / "README.md.jinja").write_text("# {{ project_name }}\n")
    for name, text in (files or {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    for name, target in (links or {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).symlink_to(target)
    return folder


def waiting_template(folder: Path, hook: Hook) -> Path:
    """A team template that waits at ``hook`` while it renders into the staging folder,
    before anything is placed: its Jinja extension (a module beside the template, which
    `python -m pickenv` run from that folder imports) reports and blocks when copier
    loads it. A task would not do: tasks run once the project is in place."""
    module = folder.parent / "pickenv_render_hook.py"
    module.write_text(
        "from jinja2.ext import Extension\n\n"
        "WAITED = []\n\n\n"
        "class Hook(Extension):\n"
        "    def __init__(self, environment):\n"
        "        super().__init__(environment)\n"
        "        if not WAITED:  # copier may load it more than once\n"
        "            WAITED.append(True)\n"
        f"            with open({str(hook.ready)!r}, 'w') as ready:\n"
        "                ready.write('rendering\\n')\n"
        f"            with open({str(hook.go)!r}) as go:\n"
        "                go.read()\n"
    )
    template = team_template(folder)
    config = template / "copier.yml"
    config.write_text("_jinja_extensions: [pickenv_render_hook.Hook]\n" + config.read_text())
    return template


def left_in(folder: Path) -> list[str]:
    """pickenv's own leftovers in a folder: staging folders and lock files."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".pickenv-tmp", ".pickenv-lock")))


# ----- a rollback removes exactly what pickenv made ---------------------------------------------


def user_folder(project: Path) -> None:
    """What the user has before `pickenv new --force`: odd modes on purpose."""
    (project / "src").mkdir(parents=True)
    (project / "notes.txt").write_text("my notes\n")
    (project / "notes.txt").chmod(0o600)
    (project / "src" / "other.py").write_text("print('mine')\n")
    (project / "src" / "other.py").chmod(0o750)
    (project / "data").mkdir()
    (project / "data").chmod(0o700)


def write_meanwhile(project: Path, name: str) -> list[Path]:
    """What the user (or another program) writes while pickenv builds the environment:
    beside pickenv's files, inside a folder pickenv made, a folder of its own, and over
    one of pickenv's files (rewritten in place: then it is the user's)."""
    written = {
        project / "late.txt": b"written while pickenv built\n",
        project / "src" / "late.py": b"# mine too\n",
        project / "src" / name / "mine.py": b"# in pickenv's package folder\n",
        project / "later" / "inner.txt": b"a folder of mine\n",
        project / "README.md": b"rewritten by the user while pickenv built\n",
    }
    assert (project / "README.md").is_file()  # pickenv's, until now
    for path, content in written.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return list(written)


@pytest.mark.parametrize("existing", [True, False], ids=["force-into-existing", "new-folder"])
@pytest.mark.parametrize("fault", ["SIGINT", "SIGTERM", "environment fails"])
def test_a_rollback_keeps_what_others_wrote_during_the_build(
    tmp_path: Path, subprocess_env: dict[str, str], hooks: list[Hook], existing: bool, fault: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    project = work / "proj"
    if existing:
        user_folder(project)
    before = entries(project) if existing else {}
    hook = hook_in(hooks, tmp_path / "hook")
    python = fake_python(tmp_path, hook)
    args = ["new", "proj", "--defaults", "--create-env", "--tool", "venv", "--python", str(python)]
    process = start(
        subprocess_env, *args, "--output-dir", str(work), *(["--force"] if existing else []), cwd=tmp_path
    )

    assert hook.reached(process) == "building\n"
    # pickenv's files are in place and the tool is making .venv right now.
    assert (project / "pyproject.toml").is_file() and (project / ".venv" / "pyvenv.cfg").is_file()
    expected = {**before, **with_parents(project, write_meanwhile(project, "proj"))}
    if fault == "SIGINT":
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the terminal's whole foreground group
    elif fault == "SIGTERM":
        process.send_signal(signal.SIGTERM)  # to pickenv alone, as `kill` or a service manager
    else:
        assert hook.release("fail")
    run = finish(process)

    line = one_line(run)
    if fault == "environment fails":
        assert run.code == EXIT_ENVIRONMENT
        assert line.startswith("pickenv: error: Creating .venv with venv failed (exit 3)")
        assert "the environment tool failed as told" in line
    else:
        assert run.code == EXIT_INTERRUPTED and line == "pickenv: interrupted; nothing was changed"
    assert entries(project) == expected  # byte for byte, and nothing of pickenv's is left
    assert sorted(os.listdir(work)) == ["proj"]  # no staging folder, no lock


@pytest.mark.slow
@pytest.mark.network  # the environment installs the project and pytest
@pytest.mark.parametrize("fault", ["SIGINT", "tests fail"])
def test_a_real_build_stopped_in_the_projects_tests_keeps_what_others_wrote(
    tmp_path: Path, subprocess_env: dict[str, str], hooks: list[Hook], fault: str
) -> None:
    """The latest instant: the environment is made and the project installed into it
    (NAME.egg-info written), and the project's tests run, waiting in the user's conftest.py."""
    work = tmp_path / "work"
    project = work / "built"
    user_folder(project)
    hook = hook_in(hooks, tmp_path / "hook")
    (project / "tests").mkdir()
    (project / "tests" / "conftest.py").write_text(
        "import pathlib\n"
        f"pathlib.Path({str(hook.ready)!r}).write_text('testing\\n')\n"
        f"if pathlib.Path({str(hook.go)!r}).read_text().strip() != 'go':\n"
        "    raise SystemExit('the tests failed as told')\n"
    )
    before = entries(project)
    args = [
        "new",
        "built",
        "--defaults",
        "--create-env",
        "--tool",
        "venv",
        "--force",
        "--output-dir",
        str(work),
    ]
    process = start(subprocess_env, *args, cwd=tmp_path)

    assert hook.reached(process) == "testing\n"
    assert list((project / "src").glob("*.egg-info")) and (project / ".venv" / "bin" / "pytest").exists()
    expected = {**before, **with_parents(project, write_meanwhile(project, "built"))}
    if fault == "SIGINT":
        os.killpg(process.pid, signal.SIGINT)
    else:
        assert hook.release("fail")
    run = finish(process)

    line = one_line(run)
    assert run.code == (EXIT_INTERRUPTED if fault == "SIGINT" else EXIT_ENVIRONMENT), line
    if fault != "SIGINT":
        assert line.startswith("pickenv: error: Running the project's tests failed")
    assert entries(project) == expected
    assert sorted(os.listdir(work)) == ["built"]


# Paths in a small tree: folders a, b, c; files NAME.txt (never a folder's name).
_FILE = st.lists(st.sampled_from("abc"), min_size=1, max_size=3).map(lambda p: "/".join(p) + ".txt")
_FILES = st.dictionaries(_FILE, st.binary(max_size=24), max_size=6)


def _write(root: Path, files: Mapping[str, bytes]) -> list[Path]:
    written = []
    for name, content in files.items():
        path = root / name
        if any(p.is_file() for p in path.parents if p.is_relative_to(root)) or path.is_dir():
            continue  # a file stands where a folder would go: nobody can write there
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.append(path)
    return written


@settings(max_examples=60, deadline=None)
@given(template=_FILES, before=_FILES, meanwhile=_FILES, existing=st.booleans())
def test_rollback_removes_exactly_what_was_placed(
    template: dict[str, bytes], before: dict[str, bytes], meanwhile: dict[str, bytes], existing: bool
) -> None:
    """Any project placed over any folder, anything written afterwards by others (new
    files, beside or inside pickenv's folders, or the user's own files rewritten): the
    rollback leaves exactly what was there and what the others wrote."""
    with tempfile.TemporaryDirectory() as scratch:
        destination, tree = Path(scratch, "project"), Path(scratch, "tree")
        tree.mkdir()
        _write(tree, template)
        if existing:
            destination.mkdir()
            _write(destination, before)
        placement = Placement.start(destination)
        expected = entries(destination) if existing else {}
        try:
            place(tree, placement)
        except Exception as exc:  # a user's file where the template needs a folder: refused, untouched
            assert "where the project needs a folder" in str(exc)
            assert entries(destination) == expected
            return
        # Others write anything but pickenv's own files (those are covered end to end above:
        # a rewrite in the very clock tick of the placement could not be told apart).
        others = {name: data for name, data in meanwhile.items() if name not in template}
        expected.update(with_parents(destination, _write(destination, others)))
        placement.rollback()
        assert (entries(destination) if destination.exists() else {}) == expected
        assert destination.exists() == bool(expected) or existing


# ----- a destination that appears, a file that appears, a second run ----------------------------


def test_a_destination_that_appears_while_rendering_is_left_alone(
    tmp_path: Path, subprocess_env: dict[str, str], hooks: list[Hook]
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    hook = hook_in(hooks, tmp_path / "hook")
    template = waiting_template(tmp_path / "tpl", hook)
    args = ["new", "same", "--template", str(template), "--trust", "--defaults", "--output-dir", str(work)]
    process = start(subprocess_env, *args, cwd=tmp_path)

    assert hook.reached(process) == "rendering\n"
    (work / "same").mkdir()
    (work / "same" / "notes.txt").write_text("the user's notes\n")
    expected = entries(work / "same")
    assert hook.release("go")
    run = finish(process)

    assert run.code == EXIT_DESTINATION
    assert one_line(run) == (
        f"pickenv: error: {work / 'same'} appeared while pickenv was rendering the project; "
        "nothing in it was touched; choose another name"
    )
    assert entries(work / "same") == expected
    assert sorted(os.listdir(work)) == ["same"]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_while_rendering_leaves_nothing(
    tmp_path: Path, subprocess_env: dict[str, str], hooks: list[Hook], signum: int
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    hook = hook_in(hooks, tmp_path / "hook")
    template = waiting_template(tmp_path / "tpl", hook)
    args = ["new", "same", "--template", str(template), "--trust", "--defaults", "--output-dir", str(work)]
    process = start(subprocess_env, *args, cwd=tmp_path)
    assert hook.reached(process) == "rendering\n"
    assert len(left_in(work)) == 2  # its staging folder and its lock, nothing else yet
    os.killpg(process.pid, signum)
    run = finish(process)
    assert run.code == EXIT_INTERRUPTED and one_line(run) == "pickenv: interrupted; nothing was changed"
    assert os.listdir(work) == []


def test_a_file_that_appears_in_an_existing_folder_is_kept(
    tmp_path: Path, subprocess_env: dict[str, str], hooks: list[Hook]
) -> None:
    """--force: the user's README.md, written while pickenv renders, is kept as it is;
    pickenv's goes beside it, and every other file of the template is placed."""
    work = tmp_path / "work"
    project = work / "proj"
    project.mkdir(parents=True)
    hook = hook_in(hooks, tmp_path / "hook")
    template = waiting_template(tmp_path / "tpl", hook)
    args = ["new", "proj", "--template", str(template), "--trust", "--defaults", "--force"]
    process = start(subprocess_env, *args, "--output-dir", str(work), "--format", "json", cwd=tmp_path)

    assert hook.reached(process) == "rendering\n"
    (project / "README.md").write_text("the user's README\n")
    theirs = entry(project / "README.md")
    assert hook.release("go")
    run = finish(process)

    assert run.code == EXIT_OK, run.err
    report = json.loads(run.out)
    assert report["kept"] == ["README.md"] and report["merge"] == ["README.md"]
    # The folder was empty when the run began, but `git add -A` would now commit the user's file.
    assert report["git"] == "skipped: files pickenv did not make appeared in the folder (README.md)"
    assert entry(project / "README.md") == theirs
    assert (project / "README.md.pickenv-new").read_text() == "# proj\n"
    # .pickenv-answers.yml: pickenv's answers the template does not ask (domain, ...)
    assert sorted(os.listdir(project)) == [".pickenv-answers.yml", "README.md", "README.md.pickenv-new"]
    assert left_in(work) == [] and left_in(project) == []


def test_a_second_run_for_a_destination_being_made_refuses_at_once(
    tmp_path: Path, subprocess_env: dict[str, str], hooks: list[Hook]
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    hook = hook_in(hooks, tmp_path / "hook")
    template = waiting_template(tmp_path / "tpl", hook)
    first = start(
        subprocess_env,
        *("new", "same", "--template", str(template), "--trust", "--defaults", "--output-dir", str(work)),
        cwd=tmp_path,
    )
    assert hook.reached(first) == "rendering\n"

    second = finish(
        start(subprocess_env, "new", "same", "--defaults", "--output-dir", str(work), cwd=tmp_path)
    )
    assert second.code == EXIT_DESTINATION
    assert one_line(second) == (
        f"pickenv: error: another pickenv run (pid {first.pid}) is creating {work / 'same'} right now; "
        "choose another name"
    )
    assert hook.release("go")
    done = finish(first)
    assert done.code == EXIT_OK, done.err
    assert (work / "same" / "README.md").read_text() == "# same\n"
    assert sorted(os.listdir(work)) == ["same"]


@pytest.mark.slow  # 20 races of two real runs: 13 s
def test_two_runs_started_together_leave_one_whole_project(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    """20 times: one run makes `same`, the other refuses with one line; `same` is whole."""
    refusals = re.compile(
        r"pickenv: error: (another pickenv run \(pid \d+\) is creating .*/same right now"
        r"|.*/same exists and is not empty|.*/same appeared while pickenv was rendering the project; "
        r"nothing in it was touched); .+"
    )
    for attempt in range(20):
        work = tmp_path / f"work{attempt}"
        work.mkdir()
        args = ("new", "same", "--defaults", "--format", "json", "--output-dir", str(work))
        both = [start(subprocess_env, *args, cwd=tmp_path) for _ in range(2)]
        runs = sorted((finish(p) for p in both), key=lambda r: r.code)
        assert [r.code for r in runs] == [EXIT_OK, EXIT_DESTINATION], [r.err for r in runs]
        made, refused = runs
        assert refusals.fullmatch(one_line(refused)), refused.err
        project = work / "same"
        on_disk = sorted(
            str(p.relative_to(project)) for p in project.rglob("*") if p.is_file() and ".git" not in p.parts
        )
        assert on_disk == sorted(json.loads(made.out)["files"])
        git = ["git", "-C", str(project)]
        log = subprocess.run([*git, "log", "--format=%s"], capture_output=True, text=True, check=True)
        assert log.stdout.startswith("Initial commit from pickenv") and log.stdout.count("\n") == 1
        status = subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True, check=True)
        assert status.stdout == ""  # what is committed is what is there, whole
        assert sorted(os.listdir(work)) == ["same"]


# ----- what a run killed with SIGKILL leaves ------------------------------------------------------


def staging_of(folder: Path, name: str, pid: int) -> Path:
    found = [
        p
        for p in folder.iterdir()
        if p.name.startswith(f".{name}.{pid}-") and p.name.endswith(".pickenv-tmp")
    ]
    assert len(found) == 1, sorted(os.listdir(folder))
    return found[0]


def test_a_killed_runs_staging_folder_is_removed_by_the_next_run_never_a_live_ones(
    tmp_path: Path, subprocess_env: dict[str, str], hooks: list[Hook]
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    hook = hook_in(hooks, tmp_path / "hook")
    template = waiting_template(tmp_path / "tpl", hook)
    args = ("new", "alpha", "--template", str(template), "--trust", "--defaults", "--output-dir", str(work))
    alpha = start(subprocess_env, *args, cwd=tmp_path)
    assert hook.reached(alpha) == "rendering\n"
    staging = staging_of(work, "alpha", alpha.pid)
    assert (staging / "owner").read_text() == f"{alpha.pid}\n"
    while_alive = entries(staging)

    beta = finish(start(subprocess_env, "new", "beta", "--defaults", "--output-dir", str(work), cwd=tmp_path))
    assert beta.code == EXIT_OK and beta.err == ""  # alpha still runs: its folder is not beta's business
    assert entries(staging) == while_alive

    os.killpg(alpha.pid, signal.SIGKILL)  # pickenv and the task it runs
    assert finish(alpha).code == -signal.SIGKILL
    assert staging.is_dir() and (work / ".alpha.pickenv-lock").is_file()  # what SIGKILL leaves

    gamma = finish(
        start(subprocess_env, "new", "gamma", "--defaults", "--output-dir", str(work), cwd=tmp_path)
    )
    assert gamma.code == EXIT_OK, gamma.err
    assert (
        gamma.err
        == f"pickenv: note: removed {staging}, left by a pickenv run that was killed (pid {alpha.pid})\n"
    )
    assert sorted(os.listdir(work)) == ["beta", "gamma"]


def test_a_killed_force_runs_staging_folder_inside_the_project_is_removed(
    tmp_path: Path, subprocess_env: dict[str, str], hooks: list[Hook]
) -> None:
    work = tmp_path / "work"
    project = work / "proj"
    user_folder(project)
    before = entries(project)
    hook = hook_in(hooks, tmp_path / "hook")
    template = waiting_template(tmp_path / "tpl", hook)
    args = ("new", "proj", "--template", str(template), "--trust", "--defaults", "--force")
    killed = start(subprocess_env, *args, "--output-dir", str(work), cwd=tmp_path)
    assert hook.reached(killed) == "rendering\n"
    staging = staging_of(project, "proj", killed.pid)
    os.killpg(killed.pid, signal.SIGKILL)
    finish(killed)

    run = finish(
        start(subprocess_env, "new", "proj", "--defaults", "--force", "--output-dir", str(work), cwd=tmp_path)
    )
    assert run.code == EXIT_OK, run.err
    assert (
        run.err
        == f"pickenv: note: removed {staging}, left by a pickenv run that was killed (pid {killed.pid})\n"
    )
    after = entries(project)
    assert {k: v for k, v in after.items() if k in before} == before
    assert (project / "pyproject.toml").is_file() and left_in(project) == [] and left_in(work) == []


def test_a_staging_folder_whose_owner_is_unknown_is_reported_and_kept(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    """An older pickenv's (no owner recorded): it may still run, so it is only reported."""
    work = tmp_path / "work"
    old = work / ".old.k2x9_q0a.pickenv-tmp"
    (old / "src").mkdir(parents=True)
    (old / "src" / "half.py").write_text("# half made\n")
    before = entries(old)
    run = finish(start(subprocess_env, "new", "fresh", "--defaults", "--output-dir", str(work), cwd=tmp_path))
    assert run.code == EXIT_OK
    assert run.err == (
        f"pickenv: note: {old} looks left by an interrupted pickenv run; remove it if no pickenv runs there\n"
    )
    assert entries(old) == before


# ----- a template's links that lead outside the project -----------------------------------------

OUTSIDE = [
    pytest.param({"link": "../../etc/passwd"}, "link", "../../etc/passwd", id="relative"),
    pytest.param({"abs": "/etc/hostname"}, "abs", "/etc/hostname", id="absolute"),
    # Lexically sub/up/.. is sub, inside; through the link sub/up (the root) it is the root's parent.
    pytest.param({"sub/up": "..", "escape": "sub/up/.."}, "escape", "sub/up/..", id="through-a-link"),
]


@pytest.mark.parametrize(("links", "name", "target"), OUTSIDE)
@pytest.mark.parametrize("dry_run", [False, True], ids=["new", "dry-run"])
def test_links_outside_the_project_are_refused_unless_trusted(
    tmp_path: Path,
    subprocess_env: dict[str, str],
    links: dict[str, str],
    name: str,
    target: str,
    dry_run: bool,
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    template = team_template(tmp_path / "tpl", links=links)
    args = ["new", "linked", "--template", str(template), "--defaults", "--output-dir", str(work)]
    run = finish(start(subprocess_env, *args, *(["--dry-run"] if dry_run else []), cwd=tmp_path))
    assert run.code == EXIT_UNTRUSTED
    assert one_line(run) == (
        f"pickenv: error: the template {template} links {name} to {target}, outside the project; "
        "nothing was written; pass --trust if you have read what it runs "
        "(or trust it in the team file or user config)"
    )
    assert os.listdir(work) == []


@pytest.mark.parametrize("how", ["--trust", "team file"])
def test_trusted_links_outside_the_project_are_made(
    tmp_path: Path, subprocess_env: dict[str, str], how: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    template = team_template(tmp_path / "tpl", links={"link": "../../etc/passwd", "abs": "/etc/hostname"})
    if how == "--trust":
        trust = ["--trust"]
    else:
        (tmp_path / "team.yaml").write_text(
            f"schema_version: 1\nname: acme\ntrust: [{json.dumps(str(template))}]\n"
        )
        trust = ["--team", str(tmp_path / "team.yaml")]
    args = ["new", "linked", "--template", str(template), "--defaults", "--output-dir", str(work), *trust]
    run = finish(start(subprocess_env, *args, cwd=tmp_path))
    assert run.code == EXIT_OK, run.err
    assert os.readlink(work / "linked" / "link") == "../../etc/passwd"
    assert os.readlink(work / "linked" / "abs") == "/etc/hostname"


def test_links_inside_the_project_need_no_trust(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    work = tmp_path / "work"
    work.mkdir()
    links = {"docs/readme.md": "../README.md", "sub/up": "..", "dangling": "not-there-yet"}
    template = team_template(tmp_path / "tpl", links=links, files={"sub/keep.txt": "kept\n"})
    args = ["new", "linked", "--template", str(template), "--defaults", "--output-dir", str(work)]
    run = finish(start(subprocess_env, *args, cwd=tmp_path))
    assert run.code == EXIT_OK, run.err
    project = work / "linked"
    assert {name: os.readlink(project / name) for name in links} == links
    assert (project / "docs" / "readme.md").read_text() == "# linked\n"
