"""The pip requirements format, checked against pip itself.

The oracle is pip's own parser: ``pip._internal.req.req_file.parse_requirements`` and
``req.constructors.install_req_from_parsed_requirement`` on the same files, from the
project's folder as pip runs. Two pips are asked where installed: the venv's pip (23.2)
and pipenv's vendored pip (26.2), whose grammars differ a little (``--global-option``
left pip in 25, pip 26 refuses a non-name ``#egg=``); pickenv reads what either reads.
uv is the oracle of what uv writes (``uv pip compile``, ``uv export``), and pip's
``install --require-hashes --dry-run`` of what pickenv pins.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from helpers import REALWORLD, write_files
from pickenv.formats import format_of, get_format
from pickenv.formats.base import RenderOptions
from pickenv.formats.files import FileError, ProjectFiles
from pickenv.formats.model import DEFAULT, Declared, Group, Note, NoteKind, Pin, Req, SelfInstall, Source
from pickenv.formats.pip_lines import logical_lines
from pickenv.formats.requirements import (
    RequirementsFormat,
    compile_command,
    compiled_by,
    group_of,
    read_text,
    source_of,
)

FORMAT = RequirementsFormat()
OPTIONS = RenderOptions(project_name="demo", origin="Pipfile")


# ---- the oracle -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Pip:
    label: str
    package: str  # "pip" or "pipenv.patched.pip"

    def module(self, name: str) -> Any:
        return importlib.import_module(f"{self.package}._internal.{name}")


def _pips() -> list[Pip]:
    found = []
    for package in ("pip", "pipenv.patched.pip"):
        try:
            version = importlib.import_module(package).__version__
            importlib.import_module(f"{package}._internal.req.req_file")
        except ImportError:  # pragma: no cover - depends on the environment
            continue
        found.append(Pip(f"pip {version}", package))
    return found


PIPS = _pips()
if not PIPS:  # pragma: no cover
    pytest.skip("pip is not importable: it is the oracle", allow_module_level=True)


@dataclass(frozen=True)
class View:
    """What a reader found, in terms pip and pickenv both give: per (file, line), the
    requirements (packaging Requirements, hashes, editable), installs of the project
    itself, other local paths; the pins of lock files; constraint files; indexes."""

    items: set[tuple[Any, ...]]  # pip reads a file included twice twice; pickenv once
    constraints: frozenset[str]
    indexes: frozenset[tuple[str, bool]]


@contextmanager
def working_directory(path: Path) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def _without_egg(url: str) -> str:
    base, _, fragment = url.partition("#")
    kept = [p for p in fragment.split("&") if p and not p.startswith("egg=")]
    return base + ("#" + "&".join(kept) if kept else "")


def _pin_of(requirement: Requirement, hashes: tuple[str, ...]) -> tuple[Any, ...]:
    specs = list(requirement.specifier)
    version = specs[0].version if len(specs) == 1 and specs[0].operator in ("==", "===") else ""
    marker = str(requirement.marker) if requirement.marker else ""
    return ("pin", canonicalize_name(requirement.name), version, marker, hashes, requirement.url or "")


def _pip_item(ireq: Any, root: Path) -> tuple[Any, ...]:
    link, req = ireq.link, ireq.req
    if (req is None or not req.url) and link is not None and link.url.startswith("file:"):
        path = Path(url2pathname(urlsplit(link.url).path))
        if path.resolve() == root.resolve():
            return ("self", frozenset(canonicalize_name(e) for e in ireq.extras), bool(ireq.editable))
        return ("local",)
    if req is None:
        return ("local",)  # a URL pip names only by building it
    if req.url or link is None:
        requirement = Requirement(str(req))
    else:  # #egg= or a wheel's file name named it
        extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
        requirement = Requirement(f"{req.name}{extras} @ {_without_egg(link.url)}")
    if ireq.markers is not None:
        requirement.marker = Marker(str(ireq.markers))
    hashes = tuple(sorted({f"{a}:{d}" for a, ds in (ireq.hash_options or {}).items() for d in ds}))
    return ("req", requirement, hashes, bool(ireq.editable))


def pip_view(pip: Pip, root: Path, path: str, lock_only: Collection[str] = ()) -> View:
    """How pip reads ``path`` from ``root``; pins for the files in ``lock_only``."""
    req_file = pip.module("req.req_file")
    make = pip.module("req.constructors").install_req_from_parsed_requirement
    session = pip.module("network.session").PipSession()
    items: Counter[tuple[Any, ...]] = Counter()
    constraints: set[str] = set()
    selves: dict[str, tuple[int, frozenset[str], bool]] = {}
    with working_directory(root):
        for parsed in req_file.parse_requirements(path, session=session):
            found = re.match(r"^-[rc] (.*) \(line (\d+)\)$", parsed.comes_from)
            assert found, parsed.comes_from
            file, line = (
                os.path.normpath(os.path.relpath(found[1]) if os.path.isabs(found[1]) else found[1]),
                int(found[2]),
            )
            if parsed.constraint:
                constraints.add(file)
                continue
            item = _pip_item(make(parsed), root)
            if item[0] == "self":
                if file not in lock_only:  # a lock skips the project itself
                    first, extras, editable = selves.get(file, (line, frozenset(), False))
                    selves[file] = (first, extras | item[1], editable or item[2])
            elif file in lock_only and item[0] == "req":
                items[(file, None, _pin_of(item[1], item[2]))] += 1
            else:
                items[(file, line, item)] += 1
        indexes: set[tuple[str, bool]] = set()
        parser = req_file.RequirementsFileParser(session, req_file.get_line_parser(None))
        for parsed_line in parser.parse(path, False):
            is_requirement = getattr(parsed_line, "is_requirement", None)
            if is_requirement is None:  # pip 26
                is_requirement = parsed_line.requirement is not None
            if parsed_line.constraint or is_requirement:
                continue
            if parsed_line.opts.index_url:
                indexes.add((parsed_line.opts.index_url, True))
            indexes.update((url, False) for url in parsed_line.opts.extra_index_urls or ())
    for file, (line, extras, editable) in selves.items():
        items[(file, line, ("self", extras, editable))] += 1
    return View(set(items), frozenset(constraints), frozenset(indexes))


def _where(origin: str) -> tuple[str, int]:
    file, _, line = origin.rpartition(":")
    return file, int(line)


def _at(origin: str, item: tuple[Any, ...]) -> tuple[Any, ...]:
    file, line = _where(origin)
    return (file, line, item)


def pickenv_view(declared: Declared) -> View:
    items: Counter[tuple[Any, ...]] = Counter()
    manifests = {g.file for g in declared.groups}
    for group in declared.groups:
        for req in group.requirements:
            items[_at(req.origin, ("req", req.parsed, req.hashes, req.editable))] += 1
        if (own := group.self_install) is not None:
            items[_at(own.origin, ("self", own.extras, own.editable))] += 1
    for file in declared.lock_files:
        if file not in manifests:
            for pin in declared.locks[group_of(file)]:
                items[(file, None, ("pin", pin.name, pin.version, pin.marker, pin.hashes, pin.url))] += 1
    constraints = set()
    for note in declared.notes:
        if note.kind == "local":
            items[_at(note.origin, ("local",))] += 1
        elif note.kind == "constraint":
            target = re.sub(r"^(-c|--constraint)[= ]?\s*", "", note.text)
            constraints.add(os.path.normpath(os.path.join(os.path.dirname(_where(note.origin)[0]), target)))
    assert max(items.values(), default=1) == 1  # each line read once
    return View(set(items), frozenset(constraints), frozenset((s.url, s.default) for s in declared.sources))


def assert_reads_like_pip(root: Path, path: str) -> Declared:
    declared = FORMAT.read(ProjectFiles(root), path)
    lock_only = {f for f in declared.lock_files if f not in {g.file for g in declared.groups}}
    mine = pickenv_view(declared)
    for pip in PIPS:
        theirs = pip_view(pip, root, path, lock_only)
        assert mine.items == theirs.items, (pip.label, mine.items - theirs.items, theirs.items - mine.items)
        assert mine.constraints == theirs.constraints, pip.label
        assert mine.indexes == theirs.indexes, pip.label
    return declared


def pip_refuses(pip: Pip, root: Path, path: str) -> bool:
    make = pip.module("req.constructors").install_req_from_parsed_requirement
    session = pip.module("network.session").PipSession()
    with working_directory(root):
        try:
            for parsed in pip.module("req.req_file").parse_requirements(path, session=session):
                make(parsed)
        except Exception:
            return True
    return False


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project pip can install (``.``) with a local package in it and another beside it."""
    write_files(tmp_path, {"outside/setup.py": ""})
    return write_files(
        tmp_path / "project", {"pyproject.toml": "[project]\nname = 'demo'\n", "localpkg/setup.py": ""}
    )


# ---- file names and groups ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "group"),
    [
        ("requirements.txt", DEFAULT),
        ("requirements.in", DEFAULT),
        ("requirements-dev.txt", "dev"),
        ("requirements_test.txt", "test"),
        ("dev-requirements.txt", "dev"),
        ("Docs_requirements.txt", "docs"),
        ("dev.requirements.txt", "dev"),  # un33k/python-slugify
        ("requirements-dev.in", "dev"),
        ("requirements/base.txt", "base"),
        ("requirements/doc-spelling.in", "doc-spelling"),  # aio-libs/aiohttp
        ("requirements/development.txt", "dev"),  # wagtail/bakerydemo
        ("requirements-develop.txt", "dev"),
        ("requirements/devel.in", "dev"),
        ("requirements-tests.txt", "tests"),  # nothing else is renamed
        ("docs/requirements.txt", "docs"),
        ("tests/requirements.txt", "tests"),  # r1chardj0n3s/parse
        ("docs/source/readthedocs-requirements.txt", "readthedocs"),  # plone/plone.restapi
        ("requirements/requirements.txt", DEFAULT),
    ],
)
def test_group_of(path: str, group: str) -> None:
    assert group_of(path) == group


@pytest.mark.parametrize(
    ("path", "claimed"),
    [
        ("requirements.txt", True),
        ("requirements.in", True),
        ("requirements-dev.txt", True),
        ("dev-requirements.in", True),
        ("requirements/prod.txt", True),
        ("requirements/lint.in", True),
        ("docs/requirements.txt", True),
        ("docs/source/readthedocs-requirements.txt", True),
        ("constraints.txt", False),
        ("requirements/constraints.txt", False),
        ("constraints-5.2.txt", False),
        ("runtime.txt", False),
        ("setup.cfg", False),
        ("Pipfile", False),
        ("requirements.txt.orig", False),
    ],
)
def test_claims(tmp_path: Path, path: str, claimed: bool) -> None:
    files = ProjectFiles(tmp_path)
    assert FORMAT.claims(files, path) is claimed
    assert get_format("requirements").claims(files, path) is claimed  # the registered format
    if claimed:
        assert format_of(files, path, among=("requirements",)) is not None


# ---- pip's grammar, fixture by fixture ------------------------------------------------------
FIXTURES: dict[str, dict[str, str | bytes]] = {
    "plain": {"requirements.txt": "flask>=2.0\nrequests[socks,security] ==2.31.0 ; python_version<'3.12'\n"},
    "comments and blanks": {
        "requirements.txt": "# top\n\n   # indented\nflask  # trailing\nhttps://example.com/x-1.0-py3-none-any.whl#frag\n"
    },
    "continuations": {
        "requirements.txt": "flask \\\n>=2.0\nrequests\\\n[socks]\\\n==2.31.0\n# a comment \\\nsix\n"
        "attrs \\\n# ends the continuation\nclick \\"
    },
    "crlf and bom": {"requirements.txt": "\ufeffflask>=2\r\nrequests \\\r\n  ==2.31.0\r\n\r\n-e .\r\n"},
    "hashes": {
        "requirements.txt": "flask==2.0.1 --hash=sha256:aa --hash sha256:bb\nsix==1.16.0 \\\n"
        "    --hash=sha256:cc \\\n    --hash=sha512:dd\n--hash=sha256:ee\n"
    },
    "self and local": {
        "requirements.txt": "-e .[dev,Foo_Bar]\n.\n./localpkg\n-e ./localpkg\n./\n--editable=.[cli]\n"
        "file:../outside\n-e ../outside\n./dist/demo-1.0.tar.gz\ndemo-1.0-py3-none-any.whl\n"
    },
    "urls": {
        "requirements.txt": "demo @ https://example.com/demo-1.0.tar.gz ; sys_platform == 'linux'\n"
        "https://example.com/pkg/wheel_name-2.0-py3-none-any.whl ; python_version < '3.12'\n"
        "git+https://github.com/o/r.git@v1#egg=named&subdirectory=sub\n"
        "-e git+https://github.com/o/e.git@main#egg=edit\n"
        "-e git://github.com/o/plain.git#egg=plain\n"
        "https://example.com/unnamed.tar.gz\n"
        "name-at @ https://example.com/name-1.0.zip\n"
    },
    "variables": {
        "requirements.txt": "private @ https://${PICKENV_TOKEN}@example.com/private-1.0.tar.gz\n"
        "--extra-index-url https://${PICKENV_USER}:${PICKENV_TOKEN}@pypi.example.com/simple\n"
        "# ${PICKENV_COMMENTED}\nsix ; python_version > '$notexpanded'\n"
    },
    "options": {
        "requirements.txt": "-i https://pypi.example.com/simple\n--extra-index-url=https://extra.example.com\n"
        "--pre\n--prefer-binary\n-f https://example.com/links\n--trusted-host pypi.example.com\n"
        "--no-binary :all:\n--only-binary=lxml\n--require-hashes\n--no-index\n--use-feature fast-deps\n"
        "flask --pre --index-url https://ignored.example.com\n-C key=value --extra-index-url https://e2.example\n"
    },
    "includes": {
        "requirements.txt": "flask\n-r requirements/dev.txt\n-c constraints.txt\n",
        "requirements/dev.txt": "--requirement=../requirements.txt\npytest\n-r lint.in\n",
        "requirements/lint.in": "ruff\n-r ../requirements.txt\n",
        "constraints.txt": "flask<3\n",
    },
    "per-requirement options": {
        "requirements.txt": "flask -C editable_mode=compat --config-settings='key=a b'\n",
    },
}


@pytest.mark.parametrize("name", sorted(set(FIXTURES) - {"includes"}))
def test_fixture_reads_like_pip(project: Path, name: str) -> None:
    write_files(project, FIXTURES[name])
    assert_reads_like_pip(project, "requirements.txt")


def test_includes_read_like_pip(project: Path) -> None:
    """pip 26 refuses a cycle of -r; pickenv reads each file once. Without the cycle,
    both read the same."""
    write_files(project, {**FIXTURES["includes"], "requirements/lint.in": "ruff\n"})
    write_files(project, {"requirements/dev.txt": "pytest\n-r lint.in\n"})
    declared = assert_reads_like_pip(project, "requirements.txt")
    assert declared.group(DEFAULT) is not None
    assert declared.group(DEFAULT).includes == ("dev",)  # type: ignore[union-attr]
    assert declared.group("dev").includes == ("lint",)  # type: ignore[union-attr]
    assert declared.files == ("requirements.txt", "requirements/dev.txt", "requirements/lint.in")


def test_include_cycle_reads_each_file_once(project: Path) -> None:
    write_files(project, FIXTURES["includes"])
    declared = FORMAT.read(ProjectFiles(project), "requirements.txt")
    assert declared.names == (DEFAULT, "dev", "lint")
    assert declared.group("dev").includes == (DEFAULT, "lint")  # type: ignore[union-attr]
    assert declared.group("lint").includes == (DEFAULT,)  # type: ignore[union-attr]
    assert [r.text for g in declared.groups for r in g.requirements] == ["flask", "pytest", "ruff"]
    assert declared.files == ("requirements.txt", "requirements/dev.txt", "requirements/lint.in")
    assert [n.text for n in declared.notes] == ["-c constraints.txt"]  # never read
    pip26 = [pip for pip in PIPS if pip.package != "pip"]
    for pip in pip26:  # pip 26 refuses it; pip 23 recurses for ever (not run)
        assert pip_refuses(pip, project, "requirements.txt")


def test_what_each_line_becomes(project: Path) -> None:
    write_files(project, FIXTURES["urls"] | {"requirements-dev.txt": FIXTURES["options"]["requirements.txt"]})
    declared = FORMAT.read(ProjectFiles(project), "requirements.txt")
    group = declared.groups[0]
    assert group.self_install is None  # the urls file: no project line
    assert [(r.text, r.editable) for r in group.requirements] == [
        ('demo @ https://example.com/demo-1.0.tar.gz ; sys_platform == "linux"', False),
        (
            'wheel-name @ https://example.com/pkg/wheel_name-2.0-py3-none-any.whl ; python_version < "3.12"',
            False,
        ),
        ("named @ git+https://github.com/o/r.git@v1#subdirectory=sub", False),
        ("edit @ git+https://github.com/o/e.git@main", True),
        ("plain @ git+git://github.com/o/plain.git", True),
        ("name-at @ https://example.com/name-1.0.zip", False),
    ]
    assert group.requirements[0].origin == "requirements.txt:1"
    assert [(n.kind, n.text) for n in declared.notes] == [("local", "https://example.com/unnamed.tar.gz")]
    write_files(project, FIXTURES["self and local"])
    local = FORMAT.read(ProjectFiles(project), "requirements.txt")
    assert local.groups[0].self_install == SelfInstall(
        frozenset({"dev", "foo-bar", "cli"}), editable=True, origin="requirements.txt:1"
    )
    assert [n.text for n in local.notes if n.kind == "local"] == [
        "./localpkg",
        "-e ./localpkg",
        "file:../outside",
        "-e ../outside",
        "./dist/demo-1.0.tar.gz",
        "demo-1.0-py3-none-any.whl",
    ]
    options = FORMAT.read(ProjectFiles(project), "requirements-dev.txt")
    assert options.sources == (
        Source("", "https://pypi.example.com/simple", True, "requirements-dev.txt:1", verify_ssl=False),
        Source("", "https://extra.example.com", False, "requirements-dev.txt:2"),
        Source("", "https://e2.example", False, "requirements-dev.txt:13"),
    )
    assert [n.text for n in options.notes] == [
        "--pre",
        "--prefer-binary",
        "-f https://example.com/links",
        "--trusted-host pypi.example.com",
        "--no-binary :all:",
        "--only-binary=lxml",
        "--require-hashes",
        "--no-index",
        "--use-feature fast-deps",
        "-C key=value --extra-index-url https://e2.example",
    ]
    assert {n.kind for n in options.notes} == {"option"}
    assert [r.text for r in options.groups[0].requirements] == ["flask"]  # options after it: ignored


def test_hashes_and_per_requirement_options(project: Path) -> None:
    write_files(project, FIXTURES["hashes"])
    declared = FORMAT.read(ProjectFiles(project), "requirements.txt")
    assert [(r.text, r.hashes) for r in declared.groups[0].requirements] == [
        ("flask==2.0.1", ("sha256:aa", "sha256:bb")),
        ("six==1.16.0", ("sha256:cc", "sha512:dd")),
    ]
    assert declared.notes == (Note("requirements.txt:5", "--hash=sha256:ee", "option"),)  # pip ignores it
    assert declared.locks == {
        DEFAULT: (
            Pin("flask", "2.0.1", hashes=("sha256:aa", "sha256:bb")),
            Pin("six", "1.16.0", hashes=("sha256:cc", "sha512:dd")),
        )
    }
    write_files(project, FIXTURES["per-requirement options"])
    options = FORMAT.read(ProjectFiles(project), "requirements.txt")
    assert options.notes == (
        Note(
            "requirements.txt:1",
            "--config-settings=editable_mode=compat --config-settings='key=a b'",
            "option",
        ),
    )
    write_files(project, {"requirements.txt": "flask --global-option=--quiet\n"})  # pip 23's, gone in pip 25
    assert FORMAT.read(ProjectFiles(project), "requirements.txt").notes[0].text == "--global-option=--quiet"


def test_variables_are_kept_as_written(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pip expands ${NAME} from its environment; pickenv carries it as written, whatever
    the environment it runs in, and says so."""
    monkeypatch.setenv("PICKENV_TOKEN", "s3cret")
    write_files(project, FIXTURES["variables"])
    declared = FORMAT.read(ProjectFiles(project), "requirements.txt")
    assert declared.groups[0].requirements[0].text == (
        "private @ https://${PICKENV_TOKEN}@example.com/private-1.0.tar.gz"
    )
    assert declared.sources[0].url == "https://${PICKENV_USER}:${PICKENV_TOKEN}@pypi.example.com/simple"
    assert [(n.kind, n.text, n.origin) for n in declared.notes if n.kind == "variable"] == [
        ("variable", "${PICKENV_TOKEN}", "requirements.txt:1"),
        ("variable", "${PICKENV_USER}", "requirements.txt:2"),
        ("variable", "${PICKENV_TOKEN}", "requirements.txt:2"),
    ]
    assert declared.groups[0].requirements[1].text == 'six; python_version > "$notexpanded"'


# pip 23.2's packaging (21.3) still took legacy versions ("flask==") and non-name #egg=
# fragments (with a warning); pip 26 refuses them, as the packaging pickenv uses does.
PIP_26_ONLY = {"flask==", "git+https://github.com/o/r.git#egg=foo[bar]"}
BAD_LINES = [
    ("foo bar", "is not a requirement pip reads"),
    ("flask==", "is not a requirement pip reads"),
    ("flask>=1.0[extra]", "is not a requirement pip reads"),
    ("flask ; python_version <", "is not a requirement pip reads"),
    ("--unknown-option", "no such option"),
    ("-e", "requires 1 argument"),
    ("--hash=", "sha256:, sha384: or sha512: and a digest"),
    ("flask --hash=md5:abc", "sha256:, sha384: or sha512:"),
    ("flask --hash='unbalanced", "unbalanced quotes"),
    ("--no-binary -x", "requires 1 argument"),
    ("-C novalue", "KEY=VALUE"),
    ("--pre=yes", "does not take a value"),
    ("-e https://example.com/pkg.tar.gz", "neither a local folder nor a VCS URL"),
    ("-e git+https://github.com/o/r.git", "names no package"),
    ("https://example.com/bad.whl", "not a wheel's file name"),
    ("git+https://github.com/o/r.git#egg=foo[bar]", "not a project name"),  # pip 26; pip 23 warned
]


@pytest.mark.parametrize(("line", "why"), BAD_LINES)
def test_lines_pip_refuses(project: Path, line: str, why: str) -> None:
    write_files(project, {"requirements.txt": f"flask\n# fine\n\\\n\nsix\n\n{line}\nrequests\n"})
    with pytest.raises(FileError) as raised:
        FORMAT.read(ProjectFiles(project), "requirements.txt")
    assert raised.value.message.startswith("requirements.txt:7: ")
    assert why in raised.value.message
    assert raised.value.path == "requirements.txt"
    refusing = [pip for pip in PIPS if pip_refuses(pip, project, "requirements.txt")]
    assert refusing, "no pip refuses it"
    if line not in PIP_26_ONLY:
        assert refusing == PIPS


def test_refusal_message_is_one_short_line(project: Path) -> None:
    write_files(project, {"requirements.txt": "\n" * 6 + "foo bar\n"})
    with pytest.raises(FileError) as raised:
        FORMAT.read(ProjectFiles(project), "requirements.txt")
    assert raised.value.message == "requirements.txt:7: 'foo bar' is not a requirement pip reads"
    secret = "name @ https://user:s3cret@example.com/" + "x" * 300 + " y"
    write_files(project, {"requirements.txt": secret + "\n"})
    with pytest.raises(FileError) as raised:
        FORMAT.read(ProjectFiles(project), "requirements.txt")
    message = raised.value.message
    assert "s3cret" not in message and "x" * 61 not in message and "\n" not in message
    assert len(message) < 130


def test_local_paths_are_looked_up_inside_the_project_only(project: Path) -> None:
    """pip looks for a local path on the disk, from where it runs: inside the project
    pickenv looks too (a missing folder, or one pip cannot install, is refused as pip
    refuses it); outside it pickenv never looks, and the line is a Note."""
    (project / "empty").mkdir()
    for line, why in [
        ("./missing", "is not a requirement pip reads"),
        ("-e ./missing", "neither a local"),
        ("./empty", "pip cannot install the folder ./empty"),
        ("-e missing", "neither a local"),
    ]:
        write_files(project, {"requirements.txt": f"{line}\n"})
        with pytest.raises(FileError, match=why):
            FORMAT.read(ProjectFiles(project), "requirements.txt")
        assert all(pip_refuses(pip, project, "requirements.txt") for pip in PIPS)
    write_files(
        project, {"requirements.txt": "-e ./empty\n-e localpkg\n../missing-outside\n-e /nowhere/at/all\n"}
    )
    declared = FORMAT.read(ProjectFiles(project), "requirements.txt")
    assert [(n.kind, n.text) for n in declared.notes] == [
        ("local", "-e ./empty"),
        ("local", "-e localpkg"),
        ("local", "../missing-outside"),
        ("local", "-e /nowhere/at/all"),
    ]
    write_files(project, {"requirements.txt": "-e ./empty\n-e localpkg\n"})
    assert_reads_like_pip(project, "requirements.txt")  # pip reads these; the outside ones it would refuse


# ---- what users reported ---------------------------------------------------------------------
def test_bom(project: Path) -> None:
    write_files(
        project,
        {"requirements.txt": b"\xef\xbb\xbfflask\n-r other.txt\n", "other.txt": b"\xef\xbb\xbf-e .\n"},
    )
    declared = assert_reads_like_pip(project, "requirements.txt")
    assert declared.groups[0].requirements[0].text == "flask"
    assert declared.group("other").self_install is not None  # type: ignore[union-attr]


@pytest.mark.posix
@pytest.mark.parametrize(
    ("target", "why"),
    [
        ("/etc/passwd", "includes /etc/passwd, outside the project"),
        ("../../x", "includes ../../x, outside the project"),
        ("missing.txt", "includes missing.txt, which does not exist"),
        ("folder", "includes folder, which is a folder, not a file"),
        ("fifo", "includes fifo, which is not a regular file"),
        ("loop", "includes loop, a symlink loop"),
        ("escape", "includes escape, outside the project"),
    ],
)
def test_include_targets_refused(project: Path, target: str, why: str) -> None:
    (project / "folder").mkdir()
    os.mkfifo(project / "fifo")
    os.symlink("loop2", project / "loop")
    os.symlink("loop", project / "loop2")
    os.symlink("/etc/passwd", project / "escape")
    write_files(project, {"requirements.txt": f"flask\n-r {target}\n"})
    with pytest.raises(FileError) as raised:
        FORMAT.read(ProjectFiles(project), "requirements.txt")
    assert raised.value.message.startswith(f"requirements.txt:2: {why}")
    assert "root:" not in str(raised.value)  # never the content of the file named


def test_include_url_is_not_fetched(project: Path) -> None:
    write_files(
        project,
        {"requirements.txt": "-r https://example.com/requirements.txt\n-c http://example.com/c.txt\n"},
    )
    declared = FORMAT.read(ProjectFiles(project), "requirements.txt")
    assert [(n.kind, n.text) for n in declared.notes] == [
        ("option", "-r https://example.com/requirements.txt"),
        ("constraint", "-c http://example.com/c.txt"),
    ]


def test_editable_self_with_extras_and_egg(project: Path) -> None:
    write_files(
        project, {"requirements-dev.txt": "-e .[dev]\n-e git+https://github.com/o/r.git@v2#egg=Tool_X\n"}
    )
    declared = assert_reads_like_pip(project, "requirements-dev.txt")
    (group,) = declared.groups
    assert group.name == "dev"
    assert group.self_install == SelfInstall(frozenset({"dev"}), True, "requirements-dev.txt:1")
    assert group.requirements == (
        Req("Tool_X @ git+https://github.com/o/r.git@v2", "requirements-dev.txt:2", editable=True),
    )


@pytest.mark.slow  # 300,000 lines: 3 s
def test_300k_lines(tmp_path: Path) -> None:
    """Linear: 300,000 lines of pins with hashes, comments and continuations."""
    lines = ["# This file is autogenerated by pip-compile with Python 3.12"]
    i = 0
    while len(lines) < 300_000:
        digest = hashlib.sha256(str(i).encode()).hexdigest()
        marker = ' ; python_version >= "3.8"' if i % 5 == 0 else ""
        lines += [
            f"package-{i}==1.{i % 97}.{i}{marker} \\",
            f"    --hash=sha256:{digest}",
            f"    # via parent-{i}",
            f"# note {i}",
            "",
        ]
        i += 1
    write_files(tmp_path, {"requirements.txt": "\n".join(lines[:300_000]) + "\n"})
    start = time.perf_counter()
    declared = FORMAT.read(ProjectFiles(tmp_path), "requirements.txt")
    took = time.perf_counter() - start
    print(f"300,000 lines read in {took:.2f} s")  # 1.9 s of CPU on the busy machine of the module's comment
    assert len(declared.locks[DEFAULT]) == 60_000
    assert declared.locks[DEFAULT][-1].version == "1.53.59999"


def test_long_continuation_and_spaces_stay_linear() -> None:
    """pip's comment regex backtracks on long runs of spaces; the reader does not."""
    text = "flask" + " " * 200_000 + "x \\\n" * 20_000 + "# end\n"
    start = time.perf_counter()
    assert [n for n, _ in logical_lines(text)] == [1]
    assert time.perf_counter() - start < 5


# ---- the realworld corpus -------------------------------------------------------------------
def _realworld() -> list[tuple[str, str]]:
    if not REALWORLD.is_dir():
        return []
    found = []
    for path in sorted(REALWORLD.glob("*/**/*")):
        if path.suffix in (".txt", ".in") and path.name != "MISSING.txt":
            project = path.relative_to(REALWORLD).parts[0]
            found.append((project, path.relative_to(REALWORLD / project).as_posix()))
    return found


@pytest.mark.skipif(not REALWORLD.is_dir(), reason="the realworld corpus (../shared/realworld) is absent")
@pytest.mark.parametrize(("project_name", "path"), _realworld())
def test_realworld_reads_like_pip(project_name: str, path: str) -> None:
    root = REALWORLD / project_name
    if re.search(r"^-[rc]\s*https?:", (root / path).read_text(encoding="utf-8"), re.M) or (
        project_name == "plone+plone.restapi" and path == "requirements.txt"
    ):
        pytest.skip("pip would fetch a -c/-r URL from the network")
    assert_reads_like_pip(root, path)


@pytest.mark.skipif(not REALWORLD.is_dir(), reason="the realworld corpus (../shared/realworld) is absent")
def test_realworld_compiled_files() -> None:
    aiohttp = ProjectFiles(REALWORLD / "aio-libs+aiohttp")
    text = aiohttp.text("requirements/dev.txt")
    assert compiled_by(text) == "pip-compile"
    assert compile_command(text) == (
        "pip-compile --output-file=requirements/dev.txt --strip-extras --unsafe-package=aiohttp "
        "requirements/dev.in"
    )
    assert source_of("requirements/dev.txt", aiohttp) == "requirements/dev.in"
    declared = FORMAT.read(aiohttp, "requirements/dev.txt")
    assert declared.groups == () and declared.lock_files == ("requirements/dev.txt",)
    assert (
        Pin("aiodns", "4.0.4", 'sys_platform != "android" and sys_platform != "ios"') in declared.locks["dev"]
    )
    assert (
        compiled_by(aiohttp.text("requirements/dev.in")) == ""
        and source_of("requirements/dev.in", aiohttp) is None
    )
    warehouse = ProjectFiles(REALWORLD / "pypi+warehouse")
    everything = FORMAT.read(warehouse, "requirements.txt")
    assert everything.names == (DEFAULT,)
    assert everything.groups[0].includes == (
        "main",
        "deploy",
        "docs-dev",
        "docs-user",
        "docs-blog",
        "lint",
        "tests",
    )
    assert set(everything.locks) == set(everything.groups[0].includes)
    assert all(pin.hashes for pin in everything.locks["main"])
    assert source_of("requirements/main.txt", warehouse) == "requirements/main.in"
    httpx = FORMAT.read(ProjectFiles(REALWORLD / "encode+httpx"), "requirements.txt")
    assert httpx.groups[0].self_install == SelfInstall(
        frozenset({"brotli", "cli", "http2", "socks", "zstd"}), True, "requirements.txt:5"
    )


@pytest.mark.parametrize(
    ("header", "tool", "command"),
    [
        ("#\n# This file is autogenerated by pip-compile\n# To update, run:\n#\n#    pip-compile "
         "--output-file=requirements.txt requirements.in\n#\nflask==3.0.0\n", "pip-compile",
         "pip-compile --output-file=requirements.txt requirements.in"),
        ("# This file was autogenerated by uv via the following command:\n#    uv export --frozen "
         "--group dev --output-file=requirements/dev.txt --no-hashes\n-e .\nflask==3.0.0\n", "uv",
         "uv export --frozen --group dev --output-file=requirements/dev.txt --no-hashes"),
        ("# flask, by hand\nflask==3.0.0\n# This file is autogenerated by pip-compile\n", "", ""),
    ],
)  # fmt: skip
def test_compiled_headers(tmp_path: Path, header: str, tool: str, command: str) -> None:
    assert (compiled_by(header), compile_command(header)) == (tool, command)
    declared = read_text(ProjectFiles(tmp_path), "requirements-dev.txt", header)
    if tool:  # a lock: pins only, the project itself skipped
        assert declared.groups == () and declared.locks == {"dev": (Pin("flask", "3.0.0"),)}
    else:
        assert declared.locks == {} and declared.group("dev") is not None


def test_reading_a_text_without_files() -> None:
    """What conda's pip: section and uv export's output are read with: no file is followed."""
    declared = read_text(None, "environment.yml", "-r requirements.txt\n-e .\nflask\n", group="pip")
    (group,) = declared.groups
    assert (group.name, group.includes, group.self_install is not None) == ("pip", (DEFAULT,), True)
    assert declared.files == ("environment.yml",)


# ---- uv as the oracle of what uv writes ---------------------------------------------------------
def _wheel(folder: Path, name: str, version: str, *requires: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}-{version}-py3-none-any.whl"
    info = f"{name}-{version}.dist-info"
    with zipfile.ZipFile(path, "w") as archive:
        meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        archive.writestr(f"{info}/METADATA", meta + "".join(f"Requires-Dist: {r}\n" for r in requires))
        archive.writestr(
            f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        )
        archive.writestr(f"{info}/RECORD", "")
    return path


def _uv() -> list[str] | None:
    found = shutil.which("uv")
    if found:
        return [found]
    try:
        importlib.import_module("uv")
    except ImportError:
        return None
    return [sys.executable, "-m", "uv"]


@pytest.fixture
def wheels(tmp_path: Path) -> Path:
    _wheel(tmp_path / "wheels", "alpha", "1.2.0", "beta>=2")
    _wheel(tmp_path / "wheels", "beta", "2.0.1")
    _wheel(tmp_path / "wheels", "gamma", "0.3")
    return tmp_path


def test_uv_pip_compile_output_is_a_lock(wheels: Path) -> None:
    uv = _uv()
    if uv is None:
        pytest.skip("uv is not installed")
    write_files(
        wheels,
        {"requirements.in": "alpha\n-e .\n", "pyproject.toml": "[project]\nname='demo'\nversion='1'\n"},
    )
    command = "uv pip compile requirements.in --generate-hashes -o requirements.txt --no-index"
    subprocess.run(
        [*uv, *command.split()[1:], "--offline", "--no-cache", "--find-links", "wheels", "-q"],
        cwd=wheels,
        check=True,
        env={**os.environ, "UV_CUSTOM_COMPILE_COMMAND": command},
    )
    files = ProjectFiles(wheels)
    text = files.text("requirements.txt")
    assert compiled_by(text) == "uv"
    assert compile_command(text) == command
    assert source_of("requirements.txt", files) == "requirements.in"
    declared = assert_reads_like_pip(wheels, "requirements.txt")
    digest = hashlib.sha256((wheels / "wheels/alpha-1.2.0-py3-none-any.whl").read_bytes()).hexdigest()
    assert Pin("alpha", "1.2.0", hashes=(f"sha256:{digest}",)) in declared.locks[DEFAULT]
    assert declared.groups == ()  # -e . is the project, not a pin


def test_uv_export_output_is_a_lock(wheels: Path) -> None:
    uv = _uv()
    if uv is None:
        pytest.skip("uv is not installed")
    write_files(
        wheels,
        {
            "pyproject.toml": "[project]\nname = 'demo'\nversion = '0.1'\nrequires-python = '>=3.10'\n"
            "dependencies = ['alpha']\n[dependency-groups]\ndev = ['gamma']\n[tool.uv]\npackage = false\n"
        },
    )
    index = ["--offline", "--no-cache", "--no-index", "--find-links", "wheels", "-q"]
    subprocess.run([*uv, "lock", *index], cwd=wheels, check=True)
    (wheels / "requirements").mkdir()
    subprocess.run(
        [
            *uv,
            "export",
            "--frozen",
            "--group",
            "dev",
            "--output-file=requirements/dev.txt",
            "--no-hashes",
            "-q",
        ],
        cwd=wheels,
        check=True,
    )
    files = ProjectFiles(wheels)
    text = files.text("requirements/dev.txt")
    assert compiled_by(text) == "uv"
    assert (
        compile_command(text)
        == "uv export --frozen --group dev --output-file=requirements/dev.txt --no-hashes"
    )
    declared = assert_reads_like_pip(wheels, "requirements/dev.txt")
    assert {(p.name, p.version) for p in declared.locks["dev"]} == {
        ("alpha", "1.2.0"),
        ("beta", "2.0.1"),
        ("gamma", "0.3"),
    }
    bare = subprocess.run(
        [*uv, "export", "--frozen", "--no-header", "--no-dev", "-q"],
        cwd=wheels,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert compiled_by(bare) == ""
    assert read_text(files, "uv.lock", bare, group=DEFAULT, lock=True).locks[DEFAULT] == (
        Pin("alpha", "1.2.0"),
        Pin("beta", "2.0.1"),
    )
    assert read_text(files, "uv.lock", bare, group=DEFAULT).locks == {}  # unhashed: a manifest unless told


# ---- rendering ------------------------------------------------------------------------------
def test_render_new_manifest(project: Path) -> None:
    dev = Group(
        "dev",
        (
            Req("pytest>=8", "Pipfile [dev-packages] pytest"),
            Req('flask[async]==3.0.0; python_version >= "3.9"', "x", ("sha256:bb", "sha256:cc")),
            Req("tool @ git+https://github.com/o/tool.git@v1", "y", editable=True),
        ),
        includes=(DEFAULT,),
        self_install=SelfInstall(frozenset({"test", "cli"}), True),
    )
    part = Declared(
        (dev,),
        sources=(
            Source("", "https://pypi.example.com/simple", True, "", verify_ssl=False),
            Source("extra", "https://extra.example.com/simple", False, ""),
        ),
        notes=(
            Note("a", "--pre", "option", "dev"),
            Note("b", "-c constraints.txt", "constraint", "dev"),
            Note("c", "../outside", "local", "dev"),
            Note("d", "mylib = {path = '../lib'}", "local", "dev"),
            Note("e", "${TOKEN}", "variable", "dev"),
            Note("y", "--config-settings=k=v", "option", "dev"),
            Note("f", "--pre", "option", DEFAULT),
            Note("g", "[pipenv] allow_prereleases", "setting", "dev"),
        ),
    )
    options = replace(OPTIONS, group_files={DEFAULT: "requirements.txt"})
    text = FORMAT.render(None, "requirements/dev.txt", part, options)
    assert text.splitlines() == [
        "# The dev requirements of demo (pip install -r requirements/dev.txt); moved from Pipfile by "
        "pickenv switch.",
        "-r ../requirements.txt",
        "--index-url https://pypi.example.com/simple",
        "--trusted-host pypi.example.com",
        "--extra-index-url https://extra.example.com/simple",
        "--pre",
        "-c constraints.txt",
        "../outside",
        "-e .[cli,test]",
        "pytest>=8",
        'flask[async]==3.0.0; python_version >= "3.9" \\',
        "    --hash=sha256:bb \\",
        "    --hash=sha256:cc",
        "-e git+https://github.com/o/tool.git@v1#egg=tool --config-settings=k=v",
    ]
    write_files(
        project,
        {"requirements/dev.txt": text, "requirements.txt": "flask\n", "requirements/constraints.txt": "x\n"},
    )
    back = assert_reads_like_pip(project, "requirements/dev.txt")
    assert [(r.parsed, r.hashes, r.editable) for r in back.group("dev").requirements] == [  # type: ignore[union-attr]
        (r.parsed, r.hashes, r.editable) for r in dev.requirements
    ]
    assert back.group("dev").self_install.extras == {"cli", "test"}  # type: ignore[union-attr]
    assert [(s.url, s.default, s.verify_ssl) for s in back.sources] == [
        (s.url, s.default, s.verify_ssl) for s in part.sources
    ]


def test_render_lock_pip_installs_with_require_hashes(wheels: Path) -> None:
    def digest(name: str) -> str:
        return "sha256:" + hashlib.sha256((wheels / "wheels" / name).read_bytes()).hexdigest()

    pins = (
        Pin("beta", "2.0.1", hashes=(digest("beta-2.0.1-py3-none-any.whl"),)),
        Pin(
            "alpha",
            "1.2.0",
            'python_version >= "3"',
            hashes=("sha256:" + "0" * 64, digest("alpha-1.2.0-py3-none-any.whl")),
        ),
    )
    part = Declared(locks={DEFAULT: pins}, sources=(Source("", "https://pypi.example.com/simple", True, ""),))
    text = FORMAT.render(None, "requirements.txt", part, replace(OPTIONS, companion="alpha\n"))
    lines = text.splitlines()
    assert lines[0].startswith("# Pinned by pickenv switch from Pipfile; ")
    assert lines[1].startswith("# Regenerate it with `pip-compile --generate-hashes")
    assert lines[2] == "--index-url https://pypi.example.com/simple"
    assert lines[3] == 'alpha==1.2.0 ; python_version >= "3" \\'
    assert not lines[-1].endswith("\\")
    write_files(wheels, {"requirements.txt": text})
    back = assert_reads_like_pip(wheels, "requirements.txt")
    assert back.locks == {DEFAULT: tuple(sorted(pins, key=lambda p: p.name))} and back.groups == ()
    pip = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--dry-run",
        "--ignore-installed",
        "--no-index",
        "--find-links",
        "wheels",
        "--require-hashes",
        "--disable-pip-version-check",
        "-q",
        "-r",
    ]
    assert subprocess.run([*pip, "requirements.txt"], cwd=wheels, capture_output=True).returncode == 0
    write_files(wheels, {"bad.txt": text.replace(pins[0].hashes[0], "sha256:" + "1" * 64)})
    assert subprocess.run([*pip, "bad.txt"], cwd=wheels, capture_output=True).returncode != 0


def test_render_into_existing_file_keeps_it(project: Path) -> None:
    existing = "# mine\r\nFlask>=2 \\\r\n  ; python_version > '3'\r\n-e .\r\nsix"
    part = Declared(
        (
            Group(
                DEFAULT,
                (Req("flask>=3", "Pipfile"), Req("django", "Pipfile"), Req("six", "Pipfile")),
                self_install=SelfInstall(),
            ),
        ),
        notes=(Note("p", "--pre", "option"),),
    )
    text = FORMAT.render(existing, "requirements.txt", part, OPTIONS)
    assert text == existing + "\r\n# Moved from Pipfile by pickenv switch\r\n--pre\r\ndjango\r\n"
    assert FORMAT.render(text, "requirements.txt", part, OPTIONS) == text  # nothing new the second time
    write_files(project, {"requirements.txt": text})
    back = assert_reads_like_pip(project, "requirements.txt")
    assert [r.text for r in back.groups[0].requirements] == [
        'Flask>=2; python_version > "3"',
        "six",
        "django",
    ]
    ends_in_continuation = "flask \\"
    appended = FORMAT.render(ends_in_continuation, "requirements.txt", part, OPTIONS)
    assert appended.startswith("flask \\\n\n# Moved from")
    assert (
        FORMAT.render(
            "django\n", "requirements.txt", Declared((Group(DEFAULT, (Req("Django", "x"),)),)), OPTIONS
        )
        == "django\n"
    )


def test_render_picks_the_files_group() -> None:
    part = Declared((Group(DEFAULT, (Req("flask", "x"),)), Group("dev", (Req("pytest", "y"),))))
    assert FORMAT.render(None, "requirements-dev.txt", part, OPTIONS).splitlines()[1:] == ["pytest"]
    assert FORMAT.render(None, "requirements.txt", part, OPTIONS).splitlines()[1:] == ["flask"]
    only = Declared((Group("docs", (Req("sphinx", "x"),)),))
    assert FORMAT.render(None, "requirements-dev.txt", only, OPTIONS).splitlines()[1:] == ["sphinx"]
    with pytest.raises(ValueError, match="group docs"):
        FORMAT.render(None, "docs/requirements.txt", Declared(part.groups), OPTIONS)


# ---- Hypothesis: generated files read the same by pip and pickenv ---------------------------------
NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,5}([-_.][A-Za-z0-9]{1,3})?", fullmatch=True)
VERSIONS = st.sampled_from(["1", "1.0", "2.3.4", "0.1.dev1", "1.0rc2", "3.0.post1", "2024.1"])
MARKERS = st.sampled_from(
    [
        'python_version < "3.12"',
        "sys_platform == 'win32'",
        'platform_machine != "x86_64" and python_version >= "3.9"',
        'os_name == "nt" or implementation_name == "pypy"',
    ]
)
HASHES = st.lists(st.binary(min_size=32, max_size=32).map(lambda b: f"sha256:{b.hex()}"), max_size=3)
SPACE = st.sampled_from(["", " ", "  "])


@st.composite
def specifiers(draw: st.DrawFn) -> str:
    specs = []
    for _ in range(draw(st.integers(0, 2))):
        op = draw(st.sampled_from(["==", "!=", ">=", "<=", ">", "<", "~="]))
        version = draw(VERSIONS.filter(lambda v: "." in v) if op == "~=" else VERSIONS)  # ~=1 is invalid
        specs.append(f"{draw(SPACE)}{op}{draw(SPACE)}{version}")
    return ",".join(specs)


@st.composite
def requirement_lines(draw: st.DrawFn) -> str:
    name = draw(NAMES)
    marker = draw(st.none() | MARKERS)
    kind = draw(
        st.sampled_from(["pep508", "pep508", "pep508", "url", "vcs", "editable", "wheel", "variable"])
    )
    if kind == "pep508":
        extras = draw(st.lists(NAMES, max_size=2))
        text = name + (f"[{','.join(extras)}]" if extras else "") + draw(specifiers())
        if draw(st.booleans()) and text != name:
            text = text.replace(name, f"{name} \\\n", 1)  # a continuation inside the requirement
        text += f"{draw(SPACE)};{draw(SPACE)}{marker}" if marker else ""
    elif kind == "url":
        text = f"{name} @ https://example.com/{name}/{name}-1.0.tar.gz" + (f" ; {marker}" if marker else "")
    elif kind == "variable":
        text = f"{name} @ https://${{PICKENV_T0KEN}}@example.com/{name}.zip" + (
            f" ; {marker}" if marker else ""
        )
    elif kind == "wheel":
        text = f"https://example.com/{name.replace('-', '_').replace('.', '_')}-1.0-py3-none-any.whl"
        text += f"; {marker}" if marker else ""
    else:
        sub = draw(st.sampled_from(["", "&subdirectory=sub"]))
        text = f"git+https://github.com/o/{name}.git@v1#egg={name}{sub}"
        text = f"-e {text}" if kind == "editable" else text + (f"; {marker}" if marker else "")
    for digest in draw(HASHES):
        text += draw(st.sampled_from([f" --hash={digest}", f" \\\n    --hash={digest}", f" --hash {digest}"]))
    return text + draw(st.sampled_from(["", "  # a comment", " #"]))


OTHER_LINES = st.sampled_from(
    [
        "# a comment",
        "   # indented comment",
        "",
        "   ",
        "-e .",
        "-e .[x]",
        ".",
        ".[x,y]",
        "./localpkg",
        "-e ./localpkg",
        "--index-url https://i.example/simple",
        "-i https://i2.example/simple",
        "--extra-index-url https://e.example/simple",
        "--pre",
        "--prefer-binary",
        "-f https://f.example/links",
        "--trusted-host i.example",
        "--no-binary :all:",
        "-c constraints.txt",
        "--hash=sha256:ab",
        "# a comment \\",
    ]
)


@st.composite
def requirement_files(draw: st.DrawFn) -> dict[str, bytes]:
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    files = {}
    for name in ("requirements.txt", "requirements-dev.txt"):
        lines = draw(st.lists(requirement_lines() | OTHER_LINES, max_size=8))
        if name == "requirements-dev.txt":
            lines.insert(draw(st.integers(0, len(lines))), "-r requirements.txt")
        text = newline.join(line.replace("\n", newline) for line in lines) + draw(
            st.sampled_from(["", newline])
        )
        files[name] = (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + text.encode()
    return files


@pytest.mark.slow  # 80 generated projects read by two pips: 8 s
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requirement_files())
def test_generated_files_read_like_pip(files: dict[str, bytes]) -> None:
    assert "PICKENV_T0KEN" not in os.environ
    with tempfile.TemporaryDirectory() as folder:
        root = write_files(
            Path(folder),
            {
                **files,
                "pyproject.toml": "[project]\nname='x'\n",
                "localpkg/setup.py": "",
                "constraints.txt": "flask<9\n",
            },
        )
        assert_reads_like_pip(root, "requirements-dev.txt")


TOKENS = st.sampled_from(
    [*" -#\\;@[]=<>!~.:,ab1\"'$", "foo", "==1.0", "--hash=sha256:ab", "-e", "-r", "git+https://x/y", "#egg=z",
     " ; python_version<'3'", "https://h/p", ".[x]", "--pre", "-i", "\n", "${A}", "-C", "k=v", "r.txt", "./d"]
)  # fmt: skip


@pytest.mark.slow  # 150 examples, each read by two pips: 13 s
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(TOKENS, min_size=1, max_size=8).map("".join), min_size=1, max_size=3))
def test_token_soup_reads_like_pip_or_is_refused_like_pip(lines: list[str]) -> None:
    """Lines of random tokens: pickenv refuses what pip refuses and reads what pip reads,
    as pip reads it (pip 23 and 26 differ on a few: one of them must agree)."""
    text = "\n".join(lines) + "\n"
    assume(not re.search(r"(^|\s)-[rc]\s*h|(^|\s)(/|\.\.)", text, re.M))  # the network; outside the project
    with tempfile.TemporaryDirectory() as folder:
        root = write_files(Path(folder), {"requirements.txt": text, "pyproject.toml": "", "r.txt": "flask\n",
                                    "d/setup.py": ""})  # fmt: skip
        try:
            declared = FORMAT.read(ProjectFiles(root), "requirements.txt")
        except FileError:
            assert any(pip_refuses(pip, root, "requirements.txt") for pip in PIPS)
            return
        lock_only = {f for f in declared.lock_files if f not in {g.file for g in declared.groups}}
        mine = pickenv_view(declared)
        reading = [pip for pip in PIPS if not pip_refuses(pip, root, "requirements.txt")]
        assert reading
        for pip in reading:
            assert pip_view(pip, root, "requirements.txt", lock_only) == mine, pip.label


# ---- Hypothesis: render -> read gives back what was rendered ------------------------------------
def _requirement(name: str, extras: list[str], spec: str, marker: str | None, url: bool) -> str:
    text = name + (f"[{','.join(extras)}]" if extras else "")
    text += f" @ https://example.com/{name}.tar.gz" if url else spec
    return text + (f" ; {marker}" if marker else "")


@st.composite
def groups(draw: st.DrawFn, name: str, file: str) -> tuple[Group, list[Note]]:
    reqs = []
    for i in range(draw(st.integers(0, 4))):
        origin = f"{file}:{i}"
        if draw(st.integers(0, 4)) == 0:
            package = draw(NAMES)
            reqs.append(Req(f"{package} @ git+https://github.com/o/{package}.git@v1", origin, editable=True))
            continue
        text = _requirement(
            draw(NAMES),
            draw(st.lists(NAMES, max_size=2)),
            draw(specifiers()),
            draw(st.none() | MARKERS),
            draw(st.booleans()),
        )
        reqs.append(Req(str(Requirement(text)), origin, tuple(sorted(set(draw(HASHES))))))
    said: list[tuple[NoteKind, str]] = draw(
        st.lists(
            st.sampled_from(
                [
                    ("option", "--pre"),
                    ("option", "-f https://f.example/links"),
                    ("option", "--no-binary :all:"),
                    ("constraint", "-c constraints.txt"),
                    ("local", "./localpkg"),
                    ("local", "-e ../elsewhere"),
                ]
            ),
            unique=True,
        )
    )
    notes = [Note("n", text, kind, name) for kind, text in said]

    tied = draw(st.booleans())
    if reqs and tied:
        notes.append(Note(reqs[0].origin, "--config-settings=key=value", "option", name))
    own = draw(
        st.none() | st.builds(SelfInstall, st.frozensets(st.sampled_from(["dev", "cli"])), st.booleans())
    )
    return Group(name, tuple(reqs), (DEFAULT,) if name != DEFAULT else (), own, file), notes


@st.composite
def declareds(draw: st.DrawFn) -> Declared:
    default, notes = draw(groups(DEFAULT, "requirements.txt"))
    dev, dev_notes = draw(groups("dev", "requirements-dev.txt"))
    sources = (
        [Source("", "https://pypi.example.com/simple", True, "", draw(st.booleans()))]
        if draw(st.booleans())
        else []
    )
    sources += [Source("", "https://extra.example.com/simple", False, "")] if draw(st.booleans()) else []
    return Declared((default, dev), sources=tuple(sources), notes=tuple(notes + dev_notes))


def _projection(declared: Declared) -> tuple[Any, ...]:
    unverified = {f"--trusted-host {urlsplit(s.url).netloc}" for s in declared.sources if not s.verify_ssl}
    return (
        {
            g.name: (
                Counter((r.parsed, r.hashes, r.editable) for r in g.requirements),
                g.includes,
                g.self_install and (g.self_install.extras, g.self_install.editable),
            )
            for g in declared.groups
        },
        {(s.url, s.default, s.verify_ssl) for s in declared.sources},
        Counter(
            (n.kind, n.text, n.group)
            for n in declared.notes
            if n.kind in ("option", "constraint", "local") and n.text not in unverified
        ),
    )


@settings(max_examples=120, deadline=None)
@given(declareds())
@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_render_then_read_round_trips(declared: Declared) -> None:
    options = replace(OPTIONS, group_files={DEFAULT: "requirements.txt", "dev": "requirements-dev.txt"})
    with tempfile.TemporaryDirectory() as folder:
        root = write_files(Path(folder), {"localpkg/setup.py": "", "pyproject.toml": ""})  # as pip finds them
        for group in declared.groups:
            write_files(root, {group.file: FORMAT.render(None, group.file, declared, options)})
        back = FORMAT.read(ProjectFiles(root), "requirements-dev.txt")
    assert _projection(back) == _projection(declared)


@st.composite
def locks(draw: st.DrawFn) -> Declared:
    pins = {}
    for name in draw(st.lists(NAMES.map(lambda n: str(canonicalize_name(n))), max_size=6, unique=True)):
        marker = draw(st.none() | MARKERS.map(lambda m: str(Marker(m)))) or ""
        if draw(st.integers(0, 5)) == 0:
            pins[name] = Pin(name, "", marker, url=f"https://example.com/{name}.tar.gz")
        else:
            pins[name] = Pin(name, draw(VERSIONS), marker, tuple(sorted(set(draw(HASHES)))))
    sources = (Source("", "https://pypi.example.com/simple", True, ""),) if draw(st.booleans()) else ()
    return Declared(locks={"dev": tuple(pins.values())}, sources=sources)


@settings(max_examples=80, deadline=None)
@given(locks())
def test_lock_render_then_read_round_trips(declared: Declared) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = write_files(
            Path(folder),
            {"requirements-dev.txt": FORMAT.render(None, "requirements-dev.txt", declared, OPTIONS)},
        )
        back = FORMAT.read(ProjectFiles(root), "requirements-dev.txt")
    assert back.groups == ()
    assert Counter(back.locks["dev"]) == Counter(declared.locks["dev"])
    assert [(s.url, s.default) for s in back.sources] == [(s.url, s.default) for s in declared.sources]
