"""Pipfile and Pipfile.lock (pickenv.formats.pipfile, pipfile_lock), checked against pipenv itself.

The oracles are pipenv's own: ``convert_deps_to_pip`` (the requirement pipenv hands pip
for a Pipfile entry), ``requirement_from_lockfile`` (what it installs from a lock entry),
its vendored plette (which refuses a Pipfile when pipenv locks or installs), its
``Pipfile.calculate_hash`` and ``pipenv verify`` run as a subprocess. Real projects'
files come from the shared corpus; the shapes it lacks are written here.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from pipenv.patched.pip._internal.req.constructors import install_req_from_line
from pipenv.utils.dependencies import (  # type: ignore[import-untyped]
    convert_deps_to_pip,
    requirement_from_lockfile,
)
from pipenv.utils.pipfile import Pipfile as PipenvPipfile  # type: ignore[import-untyped]
from pipenv.vendor import plette  # type: ignore[import-untyped]

from helpers import REALWORLD
from pickenv.formats import format_of, get_format
from pickenv.formats.base import RenderOptions
from pickenv.formats.files import FileError, ProjectFiles
from pickenv.formats.model import DEFAULT, Declared, Group, Note, Pin, Req, SelfInstall, Source, requirement
from pickenv.formats.pipfile import PipfileFormat, group_of, pipfile_entry
from pickenv.formats.pipfile_lock import PipfileLockFormat, pipfile_hash

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

REAL_PIPFILES = sorted(REALWORLD.glob("*/Pipfile")) if REALWORLD.is_dir() else []
REAL_LOCKS = sorted(REALWORLD.glob("*/Pipfile.lock")) if REALWORLD.is_dir() else []
needs_corpus = pytest.mark.skipif(not REAL_PIPFILES, reason=f"the realworld corpus is not at {REALWORLD}")
PIPFILE, LOCK = PipfileFormat(), PipfileLockFormat()
OPTIONS = RenderOptions(project_name="the-project-itself", python="3.11")
PACKAGE_TABLES_SKIP = {"source", "requires", "scripts", "pipenv", "build-system", "pipfile"}

# Every shape of entry pipenv reads, as a project would write it (comments and CRLF kept).
FIXTURE = """\
# The project's environment, for pipenv.
[[source]]
url = "https://pypi.org/simple"
verify_ssl = true
name = "pypi"

[[source]]
url = "https://download.example.com/simple/"
verify_ssl = false
name = "private"

[packages]
django = "2"  # the reported bare version
requests = "*"
flask = ">=2.0, <3"
"zope.interface" = "~=5.4"
pytest-cov = {version = "7.4.0"}
waitress = {version = "3.*", sys_platform = "== 'win32'"}
legacy-cgi = {version = "*", markers = "python_version >= '3.13'"}
myst-parser = {extras = ["linkify"], version = "*"}
both = {version = ">=1", markers = "python_version < '3.12'", platform_machine = "== 'x86_64'"}
precedence = {markers = "sys_platform == 'win32' or sys_platform == 'cygwin'", python_version = ">= '3.9'"}
pywin32 = {version = "*", os_name = "== 'nt'"}
pyyaml = {git = "https://github.com/yaml/pyyaml.git"}
tagged = {git = "https://github.com/org/t.git", ref = "v1.2", subdirectory = "src/tagged", extras = ["cli"]}
marked-vcs = {git = "https://github.com/org/marked.git", markers = "python_version >= '3.9'"}
edit-vcs = {git = "git+https://github.com/org/edit.git", ref = "main", editable = true}
hg-pkg = {hg = "https://hg.example.com/repo", ref = "abc"}
local-clone = {git = "file:///srv/repos/clone", ref = "v2", extras = ["x"]}
wheel-url = {file = "https://files.example/wheel_url-1.0-py3-none-any.whl", markers = "os_name == 'posix'"}
private-pkg = {version = "==1.0", index = "private"}
pypi-pkg = {version = "*", index = "pypi"}
extra-marker = {version = "*", markers = "extra == 'test'"}
hashed = {version = "==1.0", hashes = ["sha256:bb", "sha256:aa"]}
sibling = {path = "../sibling", editable = true}
nobin = {version = "*", no_binary = true}

[dev-packages]
myproject = {path = ".", editable = true, extras = ["test"]}
pytest = "*"

[docs_Tools]
sphinx = "==7.*"

[requires]
python_version = "3.11"

[scripts]
tests = "pytest -v"
serve = ["python", "-m", "http.server"]

[pipenv]
allow_prereleases = true
"""


# ---- the oracle ----------------------------------------------------------------------------
def pip_reads(line: str) -> Requirement:
    """A requirement line as pipenv's pip reads it (pip splits "name @ url; marker" itself)."""
    found = install_req_from_line(line)
    return Requirement(str(found.req) + (f" ; {found.markers}" if found.markers else ""))


def pipenv_view(name: str, value: Any) -> tuple[str, Any]:
    """What pipenv hands pip for a Pipfile entry, as something to compare: ("req",
    Requirement, editable), ("self", extras, editable) or ("local", line)."""
    line = convert_deps_to_pip({name: value})[name]
    line, *hashes = line.split(" --hash=")
    editable = line.startswith("-e ")
    line = line.removeprefix("-e ")
    if line.split("[")[0].split(";")[0].strip() in (".", "./"):
        extras = re.search(r"\[([^\]]*)\]", line)
        return "self", (
            frozenset(canonicalize_name(e) for e in extras.group(1).split(",")) if extras else frozenset(),
            editable,
        )
    if line.startswith(("git+", "hg+", "svn+", "bzr+")):  # pipenv's legacy "-e vcs+url#egg=name" line
        url, _, fragment = line.partition("#")
        parts = dict(p.partition("=")[::2] for p in re.sub(r"\[[^\]]*\]$", "", fragment).split("&"))
        extras = re.search(r"\[([^\]]*)\]$", fragment)
        sub = f"#subdirectory={parts['subdirectory']}" if "subdirectory" in parts else ""
        text = f"{parts['egg']}{'[' + extras.group(1) + ']' if extras else ''} @ {url}{sub}"
        return "req", (Requirement(text), editable, ())
    if line.startswith((".", "/", "~")):
        return "local", ("-e " if editable else "") + line
    return "req", (pip_reads(line), editable, tuple(sorted(h.strip() for h in hashes)))


def pickenv_view(files: ProjectFiles, table: str, name: str, value: Any) -> tuple[str, Any]:
    found, notes = pipfile_entry(files, "Pipfile", table, name, value)
    if isinstance(found, Req):
        return "req", (found.parsed, found.editable, found.hashes)
    if isinstance(found, SelfInstall):
        return "self", (found.extras, found.editable)
    local = [n for n in notes if n.kind == "local"]
    assert len(local) == 1, notes
    return "local", local[0].text


def entries(data: dict[str, Any]) -> list[tuple[str, str, Any]]:
    return [
        (table, name, value)
        for table, body in data.items()
        if table not in PACKAGE_TABLES_SKIP and isinstance(body, dict)
        for name, value in body.items()
    ]


def assert_pipenv_agrees(files: ProjectFiles, data: dict[str, Any]) -> int:
    """pickenv reads every entry as pipenv's convert_deps_to_pip does (packaging's equality);
    the os_name key is the one documented difference: pipenv's locker adds it."""
    checked = 0
    for table, name, value in entries(data):
        mine, theirs = pickenv_view(files, table, name, value), pipenv_view(name, value)
        if isinstance(value, dict) and "os_name" in value:
            assert mine[1][0].marker is not None and "os_name" in str(mine[1][0].marker)
            continue
        if mine[0] == "req" and theirs[0] == "req" and not theirs[1][1]:
            mine = ("req", (mine[1][0], False, mine[1][2]))  # editable VCS: pipenv's -e comes at install
        assert mine == theirs, (table, name, value)
        checked += 1
    return checked


def project(tmp_path: Path, text: str, name: str = "Pipfile") -> ProjectFiles:
    (tmp_path / name).write_bytes(text.encode())
    return ProjectFiles(tmp_path)


# ---- reading a Pipfile -----------------------------------------------------------------------
def test_registered_and_claims(tmp_path: Path) -> None:
    files = project(tmp_path, "[packages]\n")
    assert isinstance(get_format("pipfile"), PipfileFormat)
    assert isinstance(get_format("pipfile-lock"), PipfileLockFormat)
    assert get_format("pipfile-lock").role == "lock"
    assert isinstance(format_of(files, "Pipfile"), PipfileFormat)
    assert isinstance(format_of(files, "Pipfile.lock"), PipfileLockFormat)


def test_fixture_entries_as_pipenv_reads_them(tmp_path: Path) -> None:
    files = project(tmp_path, FIXTURE)
    data = tomllib.loads(FIXTURE)
    assert assert_pipenv_agrees(files, data) == len(entries(data)) - 1  # all but pywin32's os_name
    found, _ = pipfile_entry(files, "Pipfile", "packages", "pywin32", data["packages"]["pywin32"])
    assert isinstance(found, Req) and found.text == 'pywin32; os_name == "nt"'  # as pipenv's locker adds it


@pytest.mark.parametrize(
    ("table", "name", "value", "expected"),
    [
        ("packages", "django", "2", "django==2"),
        ("packages", "pytest", {"version": "7.4.0"}, "pytest==7.4.0"),
        (
            "dev-packages",
            "waitress",
            {"version": "3.*", "sys_platform": "== 'win32'"},
            'waitress==3.*; sys_platform == "win32"',
        ),
        (
            "packages",
            "legacy-cgi",
            {"version": "*", "markers": "python_version >= '3.13'"},
            'legacy-cgi; python_version >= "3.13"',
        ),
        ("packages", "myst-parser", {"extras": ["linkify"], "version": "*"}, "myst-parser[linkify]"),
        (
            "packages",
            "pyyaml",
            {"git": "https://github.com/yaml/pyyaml.git"},
            "pyyaml@ git+https://github.com/yaml/pyyaml.git",
        ),
        ("docs", "sphinx", "==7.*", "sphinx==7.*"),
    ],
)
def test_reported_cases(tmp_path: Path, table: str, name: str, value: Any, expected: str) -> None:
    files = project(tmp_path, "")
    found, _ = pipfile_entry(files, "Pipfile", table, name, value)
    assert isinstance(found, Req)
    assert found.parsed == Requirement(expected) == pipenv_view(name, value)[1][0]
    assert found.origin == f"Pipfile [{table}] {name}"


def test_fixture_read(tmp_path: Path) -> None:
    declared = PIPFILE.read(project(tmp_path, FIXTURE.replace("\n", "\r\n")), "Pipfile")
    assert declared.names == (DEFAULT, "dev", "docs-tools")
    assert declared.group("dev") == Group(
        "dev",
        (Req("pytest", "Pipfile [dev-packages] pytest"),),
        (DEFAULT,),
        SelfInstall(frozenset({"test"}), True, "Pipfile [dev-packages] myproject"),
        "Pipfile",
    )
    default = {r.name: r for r in declared.group(DEFAULT).requirements}  # type: ignore[union-attr]
    assert default["private-pkg"].index == "private" and default["pypi-pkg"].index == ""
    assert default["hashed"].hashes == ("sha256:aa", "sha256:bb")
    assert default["edit-vcs"].editable and default["local-clone"].editable
    assert default["precedence"].text == (  # pipenv's join drops the parentheses: kept, as pipenv does
        'precedence; python_version >= "3.9" and sys_platform == "win32" or sys_platform == "cygwin"'
    )
    assert declared.sources == (
        Source("private", "https://download.example.com/simple/", False, "Pipfile [[source]] private", False),
    )
    assert declared.python == "3.11"
    assert declared.files == ("Pipfile",) and declared.lock_files == ()
    assert {(n.kind, n.text) for n in declared.notes} == {
        ("local", "-e ../sibling"),
        ("option", "no_binary = true"),
        ("script", 'tests = "pytest -v"'),
        ("script", 'serve = ["python", "-m", "http.server"]'),
        ("setting", "allow_prereleases = true"),
    }


@needs_corpus
@pytest.mark.parametrize("path", REAL_PIPFILES, ids=lambda p: p.parent.name)
def test_realworld_pipfiles_as_pipenv_reads_them(path: Path) -> None:
    files = ProjectFiles(path.parent)
    data = tomllib.loads(path.read_text())
    assert assert_pipenv_agrees(files, data) == len(entries(data))
    declared = PIPFILE.read(files, "Pipfile")
    counted = sum(len(g.requirements) + (g.self_install is not None) for g in declared.groups)
    assert counted == len(entries(data))


@needs_corpus
def test_realworld_shapes() -> None:
    requests_html = PIPFILE.read(ProjectFiles(REALWORLD / "psf+requests-html"), "Pipfile")
    assert requests_html.group("dev").self_install == SelfInstall(  # type: ignore[union-attr]
        frozenset(), True, "Pipfile [dev-packages] e1839a8"
    )
    httpbin = PIPFILE.read(ProjectFiles(REALWORLD / "postmanlabs+httpbin"), "Pipfile")
    pyyaml = next(r for r in httpbin.group(DEFAULT).requirements if r.name == "pyyaml")  # type: ignore[union-attr]
    assert pyyaml.parsed.url == "git+https://github.com/yaml/pyyaml.git"
    assert httpbin.sources == ()  # its only [[source]] is PyPI, unnamed: pipenv names it "pypi.python.org"
    pipenv = PIPFILE.read(ProjectFiles(REALWORLD / "pypa+pipenv"), "Pipfile")
    assert {n.text for n in pipenv.notes if n.kind == "setting"} == {
        "allow_prereleases = true",
        "use_pylock = true",
    }


# What pipenv refuses, and the oracle that shows it refuses: plette (pipenv lock/install
# load the Pipfile through it) or convert_deps_to_pip (raising, or a line pip refuses).
REFUSED = [
    (
        "[packages]\ndjango = 2\n",
        "[packages] django: must be a version string or a table, not a number",
        "convert",
    ),
    ("[packages]\ndjango = true\n", "[packages] django: must be a version string or a table", "plette"),
    (
        "[packages]\ndjango = {version = 2}\n",
        "[packages] django: 'version' must be a string, not a number",
        "plette",
    ),
    ('[packages]\ndjango = {extras = "a"}\n', "'extras' must be an array, not a string", "plette"),
    ('[packages]\ndjango = {editable = "yes"}\n', "'editable' must be a boolean", "plette"),
    ("[packages]\ndjango = {extras = [1]}\n", "'extras' must be an array of strings", "convert"),
    (
        '[packages]\ndjango = {version = "*", commit = "abc"}\n',
        "[packages] django: pipenv does not know the key(s) commit",
        "plette",
    ),
    (
        '[packages]\ndjango = "~1.0"\n',
        "[packages] django: pipenv makes 'django==~1.0' of it, which pip refuses",
        "pip",
    ),
    ('[packages]\n"bad name" = "*"\n', "[packages] bad name: pipenv makes", "pip"),
    ("[packages]\ndjango = {markers = \"python_version >> '3'\"}\n", "has markers pip refuses", "convert"),
    (
        '[packages]\ndjango = {version = "*", sys_platform = "is linux"}\n',
        "has markers pip refuses",
        "convert",
    ),
    ('packages = "django"\n', "has 'packages' = a string, where pipenv expects a table", "pipenv"),
    ('[[source]]\nname = "x"\n[packages]\n', "[[source]] 1 needs a 'url' string", "plette"),
    ('[[source]]\nurl = "https://x/simple"\nverify_ssl = "yes"\n', "'verify_ssl' true or false", "plette"),
    ('[[sources]]\nurl = "https://x/simple"\nname = "x"\n', "has a [sources] table", "plette"),
    (
        "[requires]\npython_version = 3.11\n",
        "[requires] python_version and python_full_version must be strings",
        "plette",
    ),
    ('[pipenv]\nallow_prereleases = "yes"\n', "[pipenv] allow_prereleases must be true or false", "plette"),
    ("[scripts]\ntest = 1\n", "[scripts] test must be a command", "plette"),
]


@pytest.mark.parametrize(("text", "why", "oracle"), REFUSED)
def test_what_pipenv_refuses_is_a_file_error(tmp_path: Path, text: str, why: str, oracle: str) -> None:
    with pytest.raises(FileError) as caught:
        PIPFILE.read(project(tmp_path, text), "Pipfile")
    message = str(caught.value)
    assert message.startswith("Pipfile ") and why in message and "\n" not in message
    if oracle == "plette":
        with pytest.raises(Exception):  # noqa: B017 - plette raises several kinds
            plette.Pipfile.load(io.StringIO(text))
    elif oracle == "pipenv":  # what `pipenv install` reads first: the names of every category
        with pytest.raises(AttributeError):
            pipenv_pipfile(project(tmp_path, text).root / "Pipfile").package_names  # noqa: B018
    else:
        name, value = next((n, v) for _, n, v in entries(tomllib.loads(text)))
        try:
            line = convert_deps_to_pip({name: value})[name]
        except Exception:
            assert oracle == "convert"
        else:
            assert oracle == "pip"
            with pytest.raises(Exception):  # noqa: B017 - the requirement pip refuses
                pip_reads(line)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("[packages\n", "is not valid TOML"),
        ('[packages]\ndjango = "*"\ndjango = "2"\n', "is not valid TOML"),
        ("\x00", "is binary"),
    ],
)
def test_unreadable_pipfiles(tmp_path: Path, text: str, why: str) -> None:
    with pytest.raises(FileError, match=re.escape(why)):
        PIPFILE.read(project(tmp_path, text), "Pipfile")


def test_error_excerpt_is_short(tmp_path: Path) -> None:
    text = f'[packages]\ndjango = "~{"9" * 500}"\n'
    with pytest.raises(FileError) as caught:
        PIPFILE.read(project(tmp_path, text), "Pipfile")
    excerpt = re.search(r"'([^']*)'", str(caught.value))
    assert excerpt is not None and len(excerpt.group(1)) <= 60 and "\n" not in str(caught.value)


@pytest.mark.slow  # 300,000 lines, TOML's parser as the yardstick: 7 s
def test_a_large_pipfile_reads_in_seconds(tmp_path: Path) -> None:
    """300,000 lines read in a small multiple of the time TOML's own parser takes on them
    (about 4 s with tomllib's 2.7 s on an idle machine): linear, with no pathological shape."""
    shapes = [
        '"*"',
        '">=1.0"',
        '"2.1"',
        '{version = ">=1", markers = "python_version >= \'3.8\'"}',
        '{extras = ["a"]}',
    ]
    lines = ["[packages]", *(f"pkg{i} = {shapes[i % len(shapes)]}" for i in range(299_999))]
    files = project(tmp_path, "\n".join(lines) + "\n")
    started = time.perf_counter()
    tomllib.loads(files.text("Pipfile"))
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    declared = PIPFILE.read(files, "Pipfile")
    elapsed = time.perf_counter() - started
    assert len(declared.group(DEFAULT).requirements) == 299_999  # type: ignore[union-attr]
    assert elapsed < 3 * baseline + 2, f"{elapsed:.1f} s, tomllib alone {baseline:.1f} s"


# ---- Pipfile.lock ---------------------------------------------------------------------------
def lock_oracle(name: str, entry: Any) -> Requirement | None:
    line = requirement_from_lockfile(name, entry).split(" --hash=")[0]
    return None if line.startswith(("-e", ".")) else pip_reads(line)


def same_marker(mine: str, theirs: Marker | None, group: str) -> bool:
    """Equal where they apply, ``dependency_groups`` being the section's group."""
    if theirs is None:
        return not mine
    mine_marker = Marker(mine) if mine else None
    for python in ("3.7", "3.9", "3.11", "3.13"):
        for platform in ("linux", "win32"):
            env = {"python_version": python, "python_full_version": f"{python}.0", "sys_platform": platform}
            expected = theirs.evaluate({**env, "dependency_groups": frozenset({group})})
            if (mine_marker.evaluate(env) if mine_marker else True) != expected:
                return False
    return True


@needs_corpus
@pytest.mark.parametrize("path", REAL_LOCKS, ids=lambda p: p.parent.name)
def test_realworld_locks(path: Path) -> None:
    data = json.loads(path.read_text())
    declared = LOCK.read(ProjectFiles(path.parent), "Pipfile.lock")
    assert declared.lock_files == ("Pipfile.lock",) and declared.groups == ()
    for section, entries_ in data.items():
        if section == "_meta":
            continue
        pins = {p.name: p for p in declared.locks[group_of(section)]}
        project_itself = [n for n, e in entries_.items() if e.get("path") == "."]
        assert len(pins) == len(entries_) - len(project_itself)  # the project itself is no pin
        for name, entry in entries_.items():
            if name in project_itself:
                continue
            pin, theirs = pins[str(canonicalize_name(name))], lock_oracle(name, entry)
            assert theirs is not None
            assert (pin.url or None) == theirs.url
            assert pin.version == ("" if theirs.url else str(theirs.specifier).removeprefix("=="))
            assert same_marker(pin.marker, theirs.marker, group_of(section)), (name, pin.marker)
            assert list(pin.hashes) == sorted(entry.get("hashes", []))
            assert "dependency_groups" not in pin.marker
    pipfile = path.with_name("Pipfile")
    if "+httpbin" not in str(path):  # its lock was hashed by a pipenv that kept "Flask"'s case
        assert pipfile_hash(pipfile.read_text()) == data["_meta"]["hash"]["sha256"]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("[]", "must hold a JSON object, not an array"),
        ('{"default": []}', "section 'default' must be an object, not an array"),
        ('{"default": {"x": {"version": ">=1"}}}', "[default] x: version '>=1' is not an exact '==' pin"),
        ('{"default": {"x": {"hashes": "sha256:aa"}}}', "'hashes' must be an array, not a string"),
        ('{"default": {"x": {"version": "==1", "markers": "os >> 1"}}}', "has markers pip refuses"),
        ('{"_meta": {"sources": [{"name": "x"}]}}', "_meta.sources 1 needs a 'url' string"),
        ("{", "is not valid JSON"),
    ],
)
def test_unreadable_locks(tmp_path: Path, text: str, why: str) -> None:
    with pytest.raises(FileError) as caught:
        LOCK.read(project(tmp_path, text, "Pipfile.lock"), "Pipfile.lock")
    assert str(caught.value).startswith("Pipfile.lock ") and why in str(caught.value)


def test_lock_shapes(tmp_path: Path) -> None:
    lock = {
        "_meta": {
            "hash": {"sha256": ""},
            "pipfile-spec": 6,
            "requires": {"python_version": "3.12"},
            "sources": [
                {"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": True},
                {"name": "private", "url": "https://x.example/simple", "verify_ssl": True},
            ],
        },
        "default": {
            "Django": {"version": "==4.2.7", "hashes": ["sha256:bb", "sha256:aa"], "index": "pypi"},
            "lib": {"git": "https://github.com/org/lib.git", "ref": "0a1b2c", "subdirectory": "py"},
            "inner": {"version": "==1", "index": "private", "markers": "sys_platform == 'win32'"},
            "wheel": {"file": "https://files.example/wheel-1.0-py3-none-any.whl"},
            "me": {"path": ".", "editable": True},
            "other": {"path": "../other", "editable": True},
        },
        "develop": {
            "tool": {"version": "==2", "markers": "'dev' in dependency_groups or python_version < '3'"}
        },
        "docs": {"sphinx": {"version": "==7.2"}},
    }
    declared = LOCK.read(project(tmp_path, json.dumps(lock), "Pipfile.lock"), "Pipfile.lock")
    assert declared.locks == {
        DEFAULT: (
            Pin("django", "4.2.7", hashes=("sha256:aa", "sha256:bb")),
            Pin("lib", "", url="git+https://github.com/org/lib.git@0a1b2c#subdirectory=py"),
            Pin("inner", "1", 'sys_platform == "win32"', index="private"),
            Pin("wheel", "", url="https://files.example/wheel-1.0-py3-none-any.whl"),
        ),
        "dev": (Pin("tool", "2"),),  # the dependency group term is true in its own section
        "docs": (Pin("sphinx", "7.2"),),
    }
    assert declared.notes == (Note("Pipfile.lock [default] other", "-e ../other", "local"),)
    assert declared.python == "3.12"
    assert [s.name for s in declared.sources] == ["private"]


# ---- writing a Pipfile ------------------------------------------------------------------------
def test_new_pipfile_as_pipenv_writes_one() -> None:
    text = PIPFILE.render(None, "Pipfile", Declared(), OPTIONS)
    assert text == (
        '[[source]]\nurl = "https://pypi.org/simple"\nverify_ssl = true\nname = "pypi"\n\n'
        '[packages]\n\n[dev-packages]\n\n[requires]\npython_version = "3.11"\n'
    )
    plette.Pipfile.load(io.StringIO(text))


def test_fixture_read_and_rendered_again(tmp_path: Path) -> None:
    declared = PIPFILE.read(project(tmp_path, FIXTURE), "Pipfile")
    text = PIPFILE.render(None, "Pipfile", declared, OPTIONS)
    again = PIPFILE.read(project(tmp_path, text), "Pipfile")
    assert_same_groups(declared, again)
    assert again.sources == declared.sources
    assert {(n.kind, n.text) for n in again.notes} == {
        (n.kind, n.text) for n in declared.notes if n.kind in ("script", "setting")
    }
    assert_pipenv_agrees(ProjectFiles(tmp_path), tomllib.loads(text))
    plette.Pipfile.load(io.StringIO(text))


def test_existing_file_keeps_every_line_comment_and_crlf(tmp_path: Path) -> None:
    existing = FIXTURE.replace("\n", "\r\n")
    part = Declared(
        groups=(
            Group(DEFAULT, (requirement("Django>=4", "x"), requirement("numpy>=1.26", "x"))),
            Group(
                "dev", (requirement("pytest>=8", "x"), requirement("ruff", "x")), self_install=SelfInstall()
            ),
            Group("docs-tools", (requirement("furo", "x"),)),
            Group("lint", (requirement("mypy; python_version >= '3.10'", "x"),)),
        ),
        sources=(Source("mirror", "https://mirror.example/simple", False, "x"),),
        notes=(Note("x", 'tests = "pytest"', "script"), Note("x", 'lint = "ruff check"', "script")),
    )
    text = PIPFILE.render(existing, "Pipfile", part, OPTIONS)
    assert "\n" not in text.replace("\r\n", "")
    kept = iter(text.split("\r\n"))
    assert all(line in kept for line in existing.split("\r\n"))  # every line, in order
    declared = PIPFILE.read(project(tmp_path, text), "Pipfile")
    default = {r.name: r.text for r in declared.group(DEFAULT).requirements}  # type: ignore[union-attr]
    assert default["django"] == "django==2" and default["numpy"] == "numpy>=1.26"  # what it said stays
    assert [r.name for r in declared.group("dev").requirements] == ["pytest", "ruff"]  # type: ignore[union-attr]
    assert declared.group("docs-tools").requirements[-1].origin == "Pipfile [docs_Tools] furo"  # type: ignore[union-attr]
    assert declared.group("lint").requirements[0].text == 'mypy; python_version >= "3.10"'  # type: ignore[union-attr]
    assert declared.group("dev").self_install.origin == "Pipfile [dev-packages] myproject"  # type: ignore[union-attr]
    assert [s.name for s in declared.sources] == ["private", "mirror"]
    assert sorted(n.text for n in declared.notes if n.kind == "script") == [
        'lint = "ruff check"',
        'serve = ["python", "-m", "http.server"]',
        'tests = "pytest -v"',
    ]
    plette.Pipfile.load(io.StringIO(text))


def test_notes_pipenv_can_say(tmp_path: Path) -> None:
    notes = (
        Note("requirements.txt:1", "--pre", "option"),  # pip's --pre is pipenv's allow_prereleases
        Note("requirements.txt:2", "--no-binary :all:", "option"),  # no carrier in a Pipfile
        Note("Pipfile [build-system] requires", '[build-system] requires = ["setuptools"]', "setting"),
        Note("Pipfile [scripts] t", 't = {call = "pkg.module:main()"}', "script"),
    )
    text = PIPFILE.render(None, "Pipfile", Declared(notes=notes), OPTIONS)
    data = tomllib.loads(text)
    assert data["pipenv"] == {"allow_prereleases": True}
    assert data["scripts"] == {"t": {"call": "pkg.module:main()"}}
    assert "build-system" not in data and "binary" not in text  # plette refuses [build-system]
    plette.Pipfile.load(io.StringIO(text))


def test_sources_in_a_file_without_any(tmp_path: Path) -> None:
    extra = Source("mirror", "https://mirror.example/simple", False, "x")
    text = PIPFILE.render("[packages]\nrequests = '*'\n", "Pipfile", Declared(sources=(extra,)), OPTIONS)
    data = tomllib.loads(text)
    assert [s["name"] for s in data["source"]] == ["pypi", "mirror"]  # pipenv's implicit PyPI stays first
    assert "\n\n[packages]\nrequests = '*'\n" in text and data["requires"] == {"python_version": "3.11"}
    replacing = Source("corp", "https://corp.example/simple", True, "x")
    text = PIPFILE.render(None, "Pipfile", Declared(sources=(extra, replacing)), OPTIONS)
    assert [s["name"] for s in tomllib.loads(text)["source"]] == ["corp", "mirror"]
    read = PIPFILE.read(project(tmp_path, text), "Pipfile").sources
    assert [(s.name, s.default) for s in read] == [("corp", True), ("mirror", False)]


# ---- hypothesis: render -> read, checked by pipenv and plette ------------------------------
NAMES = st.from_regex(r"[a-z][a-z0-9]{0,5}(-[a-z0-9]{1,3})?", fullmatch=True)
SPECS = st.sampled_from(["", "==1.0", ">=1.0", "<2", "~=1.4", "!=1.5", "==1.*", ">=1.0,<2.0", "===1.0"])
MARKERS = st.sampled_from(
    [
        "",
        'python_version >= "3.8"',
        'sys_platform == "win32"',
        'os_name == "nt" and platform_machine == "x86_64"',
        'python_version < "3.10" or implementation_name == "pypy"',
    ]
)
EXTRAS = st.lists(st.sampled_from(["cli", "test", "socks", "docs"]), unique=True, max_size=2)


def vcs_url(org: str, ref: str, sub: str) -> str:
    return (
        f"git+https://github.com/{org}/repo.git"
        + (f"@{ref}" if ref else "")
        + (f"#subdirectory={sub}" if sub else "")
    )


VCS_URLS = st.builds(
    vcs_url,
    NAMES,
    st.sampled_from(["", "v1.0", "main", "0a1b2c3d"]),
    st.sampled_from(["", "python", "src/pkg"]),
)


@st.composite
def requirements(draw: st.DrawFn, name: str) -> Req:
    extras, marker = draw(EXTRAS), draw(MARKERS)
    head = name + (f"[{','.join(extras)}]" if extras else "")
    tail = f"; {marker}" if marker else ""
    kind = draw(st.sampled_from(["index", "index", "vcs", "url"]))
    if kind == "vcs":
        return requirement(
            f"{head} @ {draw(VCS_URLS)}{' ' if tail else ''}{tail}", "g", editable=draw(st.booleans())
        )
    if kind == "url":
        return requirement(
            f"{head} @ https://files.example/{name}-1.0.tar.gz{' ' if tail else ''}{tail}", "g"
        )
    return requirement(f"{head}{draw(SPECS)}{tail}", "g", index=draw(st.sampled_from(["", "private"])))


@st.composite
def declarations(draw: st.DrawFn) -> Declared:
    groups = []
    for group in draw(
        st.lists(st.sampled_from([DEFAULT, "dev", "docs-tools", "test"]), unique=True, min_size=1)
    ):
        names = draw(st.lists(NAMES, unique_by=canonicalize_name, max_size=5))
        self_install = draw(
            st.one_of(
                st.none(),
                st.builds(SelfInstall, st.frozensets(st.sampled_from(["cli", "test"])), st.booleans()),
            )
        )
        groups.append(Group(group, tuple(draw(requirements(n)) for n in names), self_install=self_install))
    indexes = draw(st.lists(st.sampled_from(["private", "mirror", "corp"]), unique=True, max_size=3))
    sources = [Source(n, f"https://{n}.example/simple", False, "s", draw(st.booleans())) for n in indexes]
    replaces_pypi = draw(st.booleans())
    if sources and replaces_pypi:
        sources[0] = Source(sources[0].name, sources[0].url, True, "s", sources[0].verify_ssl)
    return Declared(tuple(groups), sources=tuple(sources))


def assert_same_groups(written: Declared, read: Declared) -> None:
    """Same requirements (packaging's equality), index, editable and self-install; hashes
    belong in the lock, and a Pipfile written here leaves them out. An index naming the
    default source is the default index."""
    default = next((s.name for s in written.sources if s.default), "pypi")

    def view(d: Declared) -> dict[str, Any]:
        return {
            g.name: (
                [(r.parsed, "" if r.index == default else r.index, r.editable) for r in g.requirements],
                g.self_install and (g.self_install.extras, g.self_install.editable),
            )
            for g in d.groups
            if g.requirements or g.self_install
        }

    assert view(read) == view(written)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(part=declarations())
@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_render_then_read_round_trip(tmp_path: Path, part: Declared) -> None:
    text = PIPFILE.render(None, "Pipfile", part, OPTIONS)
    read = PIPFILE.read(project(tmp_path, text), "Pipfile")
    assert_same_groups(part, read)
    assert [(s.name, s.url, s.default, s.verify_ssl) for s in read.sources] == [
        (s.name, s.url, s.default, s.verify_ssl) for s in sorted(part.sources, key=lambda s: not s.default)
    ]
    assert read.python == "3.11"
    assert_pipenv_agrees(ProjectFiles(tmp_path), tomllib.loads(text))  # pipenv reads what pickenv reads
    plette.Pipfile.load(io.StringIO(text))  # and pipenv would lock it
    again = PIPFILE.render(text, "Pipfile", part, OPTIONS)
    assert again == text  # rendering into the file it made adds nothing


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(part=declarations())
@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_render_into_an_existing_file(tmp_path: Path, part: Declared) -> None:
    existing = FIXTURE.replace("\n", "\r\n")
    before = PIPFILE.read(project(tmp_path, existing), "Pipfile")
    text = PIPFILE.render(existing, "Pipfile", part, OPTIONS)
    assert "\n" not in text.replace("\r\n", "")  # CRLF throughout
    kept = iter(text.split("\r\n"))
    assert all(line in kept for line in existing.split("\r\n"))  # every line and comment, in order
    after = PIPFILE.read(project(tmp_path, text), "Pipfile")
    for group in part.groups:
        old = before.group(group.name) or Group(group.name)
        said = {r.name for r in old.requirements}
        expected = [*old.requirements, *(r for r in group.requirements if r.name not in said)]
        new = after.group(group.name) or Group(group.name)
        assert [(r.parsed, r.editable) for r in new.requirements] == [
            (r.parsed, r.editable) for r in expected
        ]
        assert new.self_install == (old.self_install or (group.self_install and new.self_install))
    names = [s.name for s in after.sources]
    assert set(names) == {"private"} | {s.name for s in part.sources}
    # a new default source goes before PyPI (pip's --index-url); a name the file has is not added again
    replacing = [s.name for s in part.sources if s.default and s.name != "private"]
    assert [s.name for s in after.sources if s.default] == replacing[:1]
    assert not replacing or names[0] == replacing[0]
    assert_pipenv_agrees(ProjectFiles(tmp_path), tomllib.loads(text))
    plette.Pipfile.load(io.StringIO(text))


# ---- writing a Pipfile.lock -------------------------------------------------------------------
def pipenv_pipfile(path: Path) -> Any:
    """pipenv's Pipfile subsystem for the file (its project reduced to the Pipfile's path)."""
    return PipenvPipfile(SimpleNamespace(s=SimpleNamespace(PIPENV_PIPFILE=str(path))))


def pipenv_hash(tmp_path: Path, text: str) -> str:
    """pipenv's own Pipfile.calculate_hash on the file."""
    path = tmp_path / "hashed" / "Pipfile"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return str(pipenv_pipfile(path).calculate_hash())


@pytest.mark.parametrize(
    "text",
    [
        FIXTURE,
        '[packages]\nDjango = "*"\nMy_Pkg = {version = ">=1"}\n',  # no [[source]]: pipenv's default
        '\n# comment first\n[dev-packages]\npytest = "*"\n',
        'loose = "*"\n[packages]\nx = "*"\n',  # key/values before the first table
        '[[source]]\nname = "p"\nurl = "https://p.example/simple"\nverify_ssl = true\n'
        '[packages]\n"café" = "*"\n',
    ],
)
def test_hash_is_pipenvs(tmp_path: Path, text: str) -> None:
    assert pipfile_hash(text) == pipenv_hash(tmp_path, text)


def test_lock_needs_its_pipfile() -> None:
    with pytest.raises(ValueError, match="companion"):
        LOCK.render(None, "Pipfile.lock", Declared(), OPTIONS)


def test_lock_keeps_crlf_and_has_pipenvs_sections() -> None:
    options = RenderOptions("x", companion='[packages]\nrequests = "*"\n')
    text = LOCK.render('{\r\n    "default": {}\r\n}\r\n', "Pipfile.lock", Declared(), options)
    assert text.endswith("}\r\n") and "\n" not in text.replace("\r\n", "")
    data = json.loads(text)
    assert data == {
        "_meta": {
            "hash": {"sha256": pipfile_hash('[packages]\nrequests = "*"\n')},
            "pipfile-spec": 6,
            "requires": {},
            "sources": [{"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": True}],
        },
        "default": {},
        "develop": {},
    }


def pin(name: str, version: str, marker: str, hashes: list[str], url: str, index: str) -> Pin:
    normal = str(Marker(marker)) if marker else ""
    return Pin(
        str(canonicalize_name(name)),
        "" if url else version,
        normal,
        tuple(sorted(hashes)),
        url,
        "" if url else index,
    )


PINS = st.builds(
    pin,
    NAMES,
    st.sampled_from(["1.0", "2.31.0", "0.9.1rc1"]),
    MARKERS,
    st.lists(st.from_regex(r"sha256:[0-9a-f]{64}", fullmatch=True), unique=True, max_size=3),
    st.one_of(st.just(""), VCS_URLS, st.just("https://files.example/x-1.0.tar.gz")),
    st.sampled_from(["", "private"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    locks=st.dictionaries(
        st.sampled_from([DEFAULT, "dev", "docs"]), st.lists(PINS, unique_by=lambda p: p.name, max_size=4)
    )
)
@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_lock_render_then_read_round_trip(tmp_path: Path, locks: dict[str, list[Pin]]) -> None:
    private = Source("private", "https://private.example/simple", False, "s")
    pipfile = PIPFILE.render(None, "Pipfile", Declared(sources=(private,)), OPTIONS)
    options = RenderOptions("the-project-itself", companion=pipfile)
    text = LOCK.render(None, "Pipfile.lock", Declared(locks={k: tuple(v) for k, v in locks.items()}), options)
    read = LOCK.read(project(tmp_path, text, "Pipfile.lock"), "Pipfile.lock")
    by_name = {k: tuple(sorted(v, key=lambda p: p.name)) for k, v in locks.items()}  # pipenv sorts them
    assert read.locks == {DEFAULT: (), "dev": (), **by_name}
    data = json.loads(text)
    assert data["_meta"]["hash"]["sha256"] == pipenv_hash(tmp_path, pipfile)
    assert (
        text == json.dumps(data, indent=4, separators=(",", ": "), sort_keys=True) + "\n"
    )  # pipenv's layout
    plette.Lockfile.load(io.StringIO(text))
    for section in ("default", "develop", "docs"):
        for name, entry in data.get(section, {}).items():  # what pipenv installs is the pin
            assert lock_oracle(name, entry) is not None


def pipenv_verify(folder: Path) -> subprocess.CompletedProcess[str]:
    home = folder / "home"
    home.mkdir(exist_ok=True)
    settings = {"PIPENV_VENV_IN_PROJECT": "1", "PIPENV_IGNORE_VIRTUALENVS": "1", "PIPENV_YES": "1"}
    env = {**os.environ, **settings, "HOME": str(home), "PIPENV_PIPFILE": str(folder / "Pipfile")}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        [sys.executable, "-m", "pipenv", "verify"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_pipenv_verify_accepts_the_written_lock(tmp_path: Path) -> None:
    pipfile = FIXTURE
    django = Pin("django", "2.0", hashes=("sha256:" + "a" * 64,))
    pyyaml = Pin("pyyaml", "", url="git+https://github.com/yaml/pyyaml.git@6.0")
    pytest_pin = Pin("pytest", "8.0.0", 'python_version >= "3.8"')
    sphinx = Pin("sphinx", "7.2.6", index="private")
    pins = Declared(locks={DEFAULT: (django, pyyaml), "dev": (pytest_pin,), "docs-tools": (sphinx,)})
    folder = tmp_path / "verified"
    folder.mkdir()
    (folder / "Pipfile").write_text(pipfile)
    lock = LOCK.render(None, "Pipfile.lock", pins, RenderOptions("x", companion=pipfile))
    (folder / "Pipfile.lock").write_text(lock)
    assert "docs_Tools" in json.loads(lock)  # the category keeps the Pipfile's spelling
    done = pipenv_verify(folder)
    assert done.returncode == 0 and "up-to-date" in done.stdout + done.stderr, done.stderr[-2000:]
    (folder / "Pipfile").write_text(pipfile.replace('pytest = "*"', 'pytest = ">=8"'))
    assert pipenv_verify(folder).returncode == 1  # and it does check: an edited Pipfile is out of date


@needs_corpus
@pytest.mark.parametrize(
    "path", [p for p in REAL_LOCKS if "+httpbin" not in str(p)], ids=lambda p: p.parent.name
)
def test_realworld_lock_rewritten(tmp_path: Path, path: Path) -> None:
    declared = LOCK.read(ProjectFiles(path.parent), "Pipfile.lock")
    companion = path.with_name("Pipfile").read_text()
    text = LOCK.render(path.read_text(), "Pipfile.lock", declared, RenderOptions("x", companion=companion))
    original = json.loads(path.read_text())
    assert json.loads(text)["_meta"] == original["_meta"]  # pipenv's own _meta, hash included
    assert LOCK.read(project(tmp_path, text, "Pipfile.lock"), "Pipfile.lock").locks == declared.locks
