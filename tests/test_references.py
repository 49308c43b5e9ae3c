"""Files that still name the old tool or a removed file (pickenv.existing.references).

GNU grep is the oracle for tool words (``grep -n -i -w -I``: whole words, case-insensitive,
binary files skipped); tox's own reading of the realworld tox.ini files (``tox config``) says
which removed requirement files they really use.
"""

from __future__ import annotations

import itertools
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import REALWORLD, write_files
from pickenv.existing.references import (
    FILE_LIMIT,
    Mention,
    Reference,
    References,
    find_references,
    mentions_for,
)

BIN = Path(sys.executable).parent

REPO = {
    "Dockerfile": (
        "FROM python:3.12-slim\n"
        "RUN pip install pipenv\n"
        "COPY Pipfile Pipfile.lock ./\n"
        "RUN pipenv install --deploy --system\n"
        "COPY . /app\n"
    ),
    ".github/workflows/ci.yml": (
        "jobs:\n"
        "  test:\n"
        "    steps:\n"
        "      - uses: actions/cache@v4\n"
        "        with:\n"
        "          key: ${{ hashFiles('**/Pipfile.lock') }}\n"
        "      - run: pipenv run pytest\n"
    ),
    "Makefile": "install:\n\tpipenv sync --dev\n\ntest:\n\tpython -m pytest\n",
    "tox.ini": "[testenv]\ndeps = -r{toxinidir}/requirements.txt\ncommands = pytest\n",
    "README.md": (
        "# Demo\n\n"
        "Install with Pipenv:\n\n"
        "    pipenv install --index https://alice:hunter2@pypi.example.com/simple\n\n"
        "Docs live in docs/requirements.txt and dev-requirements.txt; see also requirements.txt.bak.\n"
        "Pipenv_like and mypipenv are other words.\n"
    ),
    "docs/requirements.txt": "sphinx\n",
    "scripts/bootstrap.sh": "#!/bin/sh\nset -e\npip install -r ./requirements.txt\n",
    "pyproject.toml": '[project]\nname = "demo"\n# switched from pipenv\n',
}


def write_repo(root: Path, extra: dict[str, str | bytes] | None = None) -> list[str]:
    files: dict[str, str | bytes] = {**REPO, **(extra or {})}
    write_files(root, files)
    return sorted(files)


def found(refs: References) -> list[tuple[str, int, str]]:
    return [(r.path, r.line, r.mention.what) for r in refs]


def test_mentions_for_builds_bounded_patterns() -> None:
    mentions = mentions_for(["pipenv"], ["Pipfile", "Pipfile.lock", "requirements/dev.txt"])
    assert [m.what for m in mentions] == [
        "pipenv",
        "Pipfile (removed)",
        "Pipfile.lock (removed)",
        "requirements/dev.txt (removed)",
    ]
    pipfile = re.compile(mentions[1].pattern)
    assert pipfile.search("COPY Pipfile ./") and not pipfile.search("COPY Pipfile.lock ./")
    dev = re.compile(mentions[3].pattern)
    assert dev.search("-r requirements/dev.txt") and dev.search("-r ./requirements/dev.txt")
    assert not dev.search("-r other/requirements/dev.txt") and not dev.search("requirements/dev.txt.in")
    root = re.compile(mentions_for([], ["requirements.txt"])[0].pattern)
    for line in (
        "-r requirements.txt",
        "-r{toxinidir}/requirements.txt",
        "$(CURDIR)/requirements.txt",
        "COPY Requirements.txt .",
        "key: '**/requirements.txt'",
    ):
        assert root.search(line), line
    for line in (
        "docs/requirements.txt",
        "dev-requirements.txt",
        "https://x.org/requirements.txt",
        "requirements.txt.bak",
        "requirements.txt-old",
    ):
        assert not root.search(line), line


def test_fixture_repository(tmp_path: Path) -> None:
    tracked = write_repo(
        tmp_path,
        {
            "logo.png": b"\x89PNG\r\n\x1a\n\x00pipenv\x00",
            "data.bin": b"\x00\x01pipenv install\x00",
            "latin1.txt": "pipenv caf\xe9\n".encode("latin-1"),
        },
    )
    (tmp_path / "untracked.txt").write_text("pipenv\n")  # not in git's list: not searched
    words = mentions_for(["pipenv"], ["Pipfile", "Pipfile.lock", "requirements.txt"])
    refs = find_references(
        tmp_path, words, [*tracked, "deleted-since.txt"], skip=frozenset({"pyproject.toml"})
    )
    assert found(refs) == [
        (".github/workflows/ci.yml", 6, "Pipfile.lock (removed)"),
        (".github/workflows/ci.yml", 7, "pipenv"),
        ("Dockerfile", 2, "pipenv"),
        ("Dockerfile", 3, "Pipfile (removed)"),
        ("Dockerfile", 4, "pipenv"),
        ("Makefile", 2, "pipenv"),
        ("README.md", 3, "pipenv"),
        ("README.md", 5, "pipenv"),
        ("scripts/bootstrap.sh", 3, "requirements.txt (removed)"),
        ("tox.ini", 2, "requirements.txt (removed)"),
    ]
    assert refs.more == 0 and refs.unread == ()
    readme = [r for r in refs if r.path == "README.md"][1]
    assert readme.text == "pipenv install --index https://alice:****@pypi.example.com/simple"
    assert str(readme) == f"README.md:5: {readme.text}"


def test_tool_words_agree_with_grep(tmp_path: Path) -> None:
    tracked = write_repo(tmp_path, {"logo.png": b"\x89PNG\x00pipenv\x00"})
    refs = find_references(tmp_path, mentions_for(["pipenv"], []), tracked)
    grep = subprocess.run(
        ["grep", "-n", "-i", "-w", "-I", "-H", "pipenv", "--", *tracked],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    expected = [
        (path, int(line)) for path, line, _ in (out.split(":", 2) for out in grep.stdout.splitlines())
    ]
    assert [(r.path, r.line) for r in refs] == sorted(expected)


def test_bounded_count_and_text(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("".join(f"pipenv run {i}\n" for i in range(150)))
    (tmp_path / "b.txt").write_text("".join(f"pipenv run {'x' * 200} {i}\n" for i in range(100)))
    (tmp_path / "huge.txt").write_text("pipenv\n" + "x" * FILE_LIMIT)
    refs = find_references(tmp_path, mentions_for(["pipenv"], []), ["b.txt", "a.txt", "huge.txt"])
    assert len(refs) == 200 and refs.more == 50 and refs.unread == ("huge.txt",)
    assert [r.path for r in refs] == ["a.txt"] * 150 + ["b.txt"] * 50
    assert [r.line for r in refs][148:152] == [149, 150, 1, 2]
    assert all(len(r.text) <= 120 for r in refs) and refs.found[-1].text.endswith("…")


@pytest.mark.posix
def test_a_symlink_out_of_the_project_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("pipenv install\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / "link.txt").symlink_to(outside)
    assert found(find_references(project, mentions_for(["pipenv"], []), ["link.txt"])) == []


def test_caller_patterns_with_global_flags(tmp_path: Path) -> None:
    (tmp_path / "x.cfg").write_text("a\nUses CONDA here\nb\n")
    words = [Mention(r"(?i)\bconda\b", "conda"), Mention(r"(?i)\bmamba\b", "mamba")]
    assert found(find_references(tmp_path, words, ["x.cfg"])) == [("x.cfg", 2, "conda")]


def test_many_files_are_searched_quickly(tmp_path: Path) -> None:
    body = "".join(f"line {i} of some ordinary text without the word\n" for i in range(1000))
    tracked = []
    for i in range(2000):
        (tmp_path / f"f{i}.txt").write_text(body + ("pipenv sync\n" if i % 100 == 0 else ""))
        tracked.append(f"f{i}.txt")
    start = time.process_time()  # CPU time: the suite may run in parallel
    refs = find_references(tmp_path, mentions_for(["pipenv"], ["Pipfile", "Pipfile.lock"]), tracked)
    elapsed = time.process_time() - start
    assert len(refs) == 20 and all(r.line == 1001 for r in refs)
    assert elapsed < 5, elapsed  # 2,000 files of 47 KiB (94 MiB): about a second


# ---- the realworld tox.ini files, tox as the oracle ----------------------------------------
@pytest.mark.slow  # tox itself on every corpus tox.ini: 5 s
@pytest.mark.skipif(not REALWORLD.is_dir(), reason=f"the realworld corpus is not at {REALWORLD}")
def test_realworld_tox_files_name_the_requirement_files_tox_uses(tmp_path: Path) -> None:
    """Removing every requirement and constraints file: the tox.ini lines found name exactly the
    local files tox's own reading of the deps (-r/-c) uses; URLs ending in the same name do not."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    projects = sorted(p for p in REALWORLD.iterdir() if (p / "tox.ini").is_file())
    assert len(projects) >= 8
    running: dict[Path, subprocess.Popen[str] | None] = {}
    for source in projects:
        if not re.search(r"(?:^|\s)-[rc]", (source / "tox.ini").read_text()):
            running[source] = None  # names no file for pip: nothing for tox to tell
            continue
        folder = tmp_path / source.name
        folder.mkdir()
        for path in source.rglob("*"):
            if path.is_file():
                (folder / path.relative_to(source)).parent.mkdir(parents=True, exist_ok=True)
                (folder / path.relative_to(source)).write_bytes(path.read_bytes())
        command = [str(BIN / "tox"), "config", "-e", "ALL", "-k", "deps"]
        running[source] = subprocess.Popen(command, cwd=folder, stdout=subprocess.PIPE, text=True, env=env)
    checked = 0
    for source, process in running.items():
        out = process.communicate(timeout=180)[0] if process else ""
        assert process is None or process.returncode == 0
        used = set()
        for line in out.splitlines():
            words = shlex.split(line.partition("=")[2] if line.startswith("deps =") else line)
            for option, value in itertools.pairwise(words):
                if option in ("-r", "-c") and "://" not in value:
                    used.add(value)
        files = sorted(str(p.relative_to(source)) for p in source.rglob("*") if p.is_file())
        removed = [
            f for f in files if f.endswith((".txt", ".in")) and ("requirements" in f or "constraints" in f)
        ]
        refs = find_references(source, mentions_for([], removed), ["tox.ini"])
        named = {r.mention.what.removesuffix(" (removed)") for r in refs}
        assert named == used & set(removed), source.name
        assert all(isinstance(r, Reference) and r.path == "tox.ini" for r in refs)
        checked += bool(used)
    assert checked >= 2  # rich's -r docs/requirements.txt, plone's -c constraints-5.2.txt
