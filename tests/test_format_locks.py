"""Lock files as pins per group: uv.lock (read through ``uv export``) and pylock.toml
(PEP 751).

The uv.lock reader uses uv itself, so its oracles are the lock's own TOML (tomllib:
every exported pin is a locked package at that version with those hashes, and the
packages a group reaches through the lock's dependency graph are exactly the pins) and
pip's requirements parser for the exported text. pylock.toml files are written by uv
and by pipenv and checked against packaging's PEP 751 implementation
(``packaging.pylock``) and pipenv's own pylock reader."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packaging.markers import Marker, default_environment
from packaging.pylock import Pylock
from packaging.tags import compatible_tags, cpython_tags
from pip._internal.network.session import PipSession
from pip._internal.req.req_file import parse_requirements
from pipenv.utils.pylock import PylockFile  # type: ignore[import-untyped]

from helpers import REALWORLD
from pickenv.formats import format_of, get_format
from pickenv.formats.base import RenderOptions
from pickenv.formats.files import FileError, ProjectFiles
from pickenv.formats.model import DEFAULT, Declared, Pin, group_name
from pickenv.formats.pylock import PylockFormat
from pickenv.formats.uvlock import UvLockFormat, compiled_lines, export, uv_command

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

UV_LOCK = UvLockFormat()
PYLOCK = PylockFormat()
needs_uv = pytest.mark.skipif(uv_command() is None, reason="uv is not installed")


def corpus_locks() -> list[str]:
    if not REALWORLD.is_dir():
        return ["(absent)"]
    return sorted(str(p.relative_to(REALWORLD)) for p in REALWORLD.rglob("uv.lock"))


def cut(relative: str) -> str:
    """The MISSING.txt line saying the lock was cut, or ""."""
    repo, _, inner = relative.partition("/")
    missing = REALWORLD / repo / "MISSING.txt"
    if not missing.is_file():
        return ""
    return next((line for line in missing.read_text().splitlines() if line.startswith(f"- {inner}:")), "")


def reachable(lock: Mapping[str, Any], group: str) -> set[str]:
    """The packages the project's dependencies (and ``group``'s) reach in the lock's
    graph, extras followed, markers ignored: what uv export may emit. The project
    itself is never emitted, but a group naming it with extras brings those extras."""
    packages = lock["package"]
    by_name: dict[str, list[Mapping[str, Any]]] = {}
    for package in packages:
        by_name.setdefault(package["name"], []).append(package)
    root = next(p for p in packages if p.get("source", {}).get("editable", p["source"].get("virtual")) == ".")
    todo = list(root.get("dependencies", []))
    if group != DEFAULT:
        groups = root.get("dev-dependencies", {})
        todo += [d for key, deps in groups.items() if group_name(key) == group for d in deps]
    seen: set[tuple[str, str, tuple[str, ...]]] = set()
    names: set[str] = set()
    while todo:
        dependency = todo.pop()
        for package in by_name[dependency["name"]]:
            if "version" in dependency and package.get("version") != dependency["version"]:
                continue
            extras = tuple(sorted(dependency.get("extra", [])))
            key = (package["name"], str(package.get("version")), extras)
            if key in seen:
                continue
            seen.add(key)
            if package is not root:
                names.add(package["name"])
                todo += package.get("dependencies", [])
            for extra in extras:
                todo += package.get("optional-dependencies", {}).get(extra, [])
    return names


# ---- uv.lock: the corpus ------------------------------------------------------------------
@needs_uv
@pytest.mark.parametrize("relative", corpus_locks())
def test_every_realworld_uv_lock_as_uv_exports_it(relative: str) -> None:
    if not REALWORLD.is_dir():
        pytest.skip(f"the real-world corpus is not at {REALWORLD}")
    if cut(relative):
        pytest.skip(f"cut in the corpus: {cut(relative)}")
    folder = (REALWORLD / relative).parent
    lock = tomllib.loads((folder / "uv.lock").read_text())
    files = ProjectFiles(folder)
    members = lock.get("manifest", {}).get("members", [])
    if members:
        with pytest.raises(FileError, match=r"workspace of .*switch each member on its own"):
            UV_LOCK.read(files, "uv.lock")
        return
    started = time.perf_counter()
    declared = UV_LOCK.read(files, "uv.lock")
    assert time.perf_counter() - started < 10
    pyproject = tomllib.loads((folder / "pyproject.toml").read_text())
    assert set(declared.locks) == {DEFAULT} | {group_name(g) for g in pyproject.get("dependency-groups", {})}
    locked = {(p["name"], p.get("version", "")): p for p in lock["package"]}
    for group, pins in declared.locks.items():
        assert {p.name for p in pins} == reachable(lock, group)
        for pin in pins:
            if pin.version:
                package = locked[(pin.name, pin.version)]
                files_hashes = {
                    f["hash"] for f in [package.get("sdist", {}), *package.get("wheels", [])] if "hash" in f
                }
                assert set(pin.hashes) <= files_hashes and pin.hashes
            else:
                [package] = [p for (name, _), p in locked.items() if name == pin.name]
                source = package["source"]
                assert (
                    pin.url.endswith(source["git"].split("#")[1])
                    if "git" in source
                    else pin.url == source["editable"]
                )


@needs_uv
@pytest.mark.parametrize(
    "relative", [r for r in corpus_locks() if "django" in r or "checkpoint-postgres" in r]
)
def test_exported_text_reads_as_pip_reads_it(tmp_path: Path, relative: str) -> None:
    """compiled_lines against pip's own parser on the same uv export output."""
    if not REALWORLD.is_dir():
        pytest.skip(f"the real-world corpus is not at {REALWORLD}")
    uv = uv_command()
    assert uv is not None
    result = export(uv, str((REALWORLD / relative).parent), "dev")
    assert result.returncode == 0, result.stderr
    (tmp_path / "requirements.txt").write_text(result.stdout)
    by_pip = []
    for parsed in parse_requirements(str(tmp_path / "requirements.txt"), session=PipSession()):
        hashes = parsed.options.get("hashes", {}) if parsed.options else {}
        flat_hashes = sorted(f"{algo}:{h}" for algo, values in hashes.items() for h in values)
        by_pip.append((parsed.requirement, parsed.is_editable, flat_hashes))
    mine = [
        (line.removeprefix("-e "), line.startswith("-e "), sorted(h))
        for line, h in compiled_lines(result.stdout)
    ]
    by_pip = [(text.strip(), editable, hashes) for text, editable, hashes in by_pip]
    assert mine == by_pip


def test_compiled_lines_are_linear(tmp_path: Path) -> None:
    lines = []
    for n in range(100_000):
        lines += [
            f"package-{n}==1.{n} ; sys_platform == 'linux' \\",
            f"    --hash=sha256:{n:064x} \\",
            f"    --hash=sha256:{n + 1:064x}",
        ]
    text = "\n".join(lines)
    started = time.perf_counter()
    parsed = compiled_lines(text)
    assert time.perf_counter() - started < 5
    assert len(parsed) == 100_000 and parsed[7] == (
        "package-7==1.7 ; sys_platform == 'linux'",
        (f"sha256:{7:064x}", f"sha256:{8:064x}"),
    )


# ---- uv.lock: shapes the corpus lacks --------------------------------------------------------
HAND_PYPROJECT = """\
[project]
name = "app"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = ["six"]

[tool.uv]
package = false
dev-dependencies = ["idna"]

[[tool.uv.index]]
name = "mirror"
url = "https://mirror.example/simple/"

[tool.uv.sources]
six = { index = "mirror" }
"""
# A lock as uv writes one for the file above (an index only this test knows).
HAND_LOCK = """\
version = 1
revision = 3
requires-python = ">=3.10"

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "six" }]

[package.dev-dependencies]
dev = [{ name = "idna" }]

[package.metadata]
requires-dist = [{ name = "six", index = "https://mirror.example/simple/" }]

[package.metadata.requires-dev]
dev = [{ name = "idna" }]

[[package]]
name = "idna"
version = "3.10"
source = { registry = "https://pypi.org/simple" }

[package.sdist]
url = "https://files.pythonhosted.org/packages/idna-3.10.tar.gz"
hash = "sha256:12f65c9b470abda6dc35cf8e63cc574b1c52b11df2c86030af0ac09b01b13ea9"
size = 190490

[[package]]
name = "six"
version = "1.17.0"
source = { registry = "https://mirror.example/simple/" }

[package.sdist]
url = "https://mirror.example/six-1.17.0.tar.gz"
hash = "sha256:ff70335d468e7eb6ec65b95b99d3a2836546063f63acc5171de367e834932a81"
size = 34031
"""


@needs_uv
def test_legacy_dev_dependencies_and_a_named_index(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(HAND_PYPROJECT)
    (tmp_path / "uv.lock").write_text(HAND_LOCK)
    declared = UV_LOCK.read(ProjectFiles(tmp_path), "uv.lock")
    six = Pin(
        "six",
        "1.17.0",
        "",
        ("sha256:ff70335d468e7eb6ec65b95b99d3a2836546063f63acc5171de367e834932a81",),
        "",
        "mirror",
    )
    assert declared.locks[DEFAULT] == (six,)
    assert [p.name for p in declared.locks["dev"]] == ["idna", "six"]
    assert declared.lock_files == ("uv.lock",) and declared.python == ">=3.10"


@needs_uv
def test_a_lock_uv_refuses_is_a_file_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(HAND_PYPROJECT)
    (tmp_path / "uv.lock").write_text(HAND_LOCK.replace("revision = 3", "revision = 3\nversion = 1"))
    with pytest.raises(FileError, match="is not valid TOML"):
        UV_LOCK.read(ProjectFiles(tmp_path), "uv.lock")
    (tmp_path / "uv.lock").write_text(HAND_LOCK.replace("version = 1\n", "version = 99\n", 1))
    with pytest.raises(FileError) as caught:
        UV_LOCK.read(ProjectFiles(tmp_path), "uv.lock")
    message = caught.value.args[0]
    assert message.startswith("uv.lock cannot be read by uv (error: ") and "schema version" in message
    assert "\n" not in message and len(message) < 240
    (tmp_path / "uv.lock").write_text("version = 1\n")
    with pytest.raises(FileError, match="has no package for the project"):
        UV_LOCK.read(ProjectFiles(tmp_path), "uv.lock")


def test_uv_lock_is_not_written() -> None:
    with pytest.raises(NotImplementedError, match="uv lock"):
        UV_LOCK.render(None, "uv.lock", Declared(), RenderOptions("x"))


# ---- pylock.toml -----------------------------------------------------------------------------
def environment(python: str, platform: str) -> dict[str, str]:
    env = {key: str(value) for key, value in default_environment().items()}
    env.update(python_version=python, python_full_version=f"{python}.0", sys_platform=platform)
    env.update(os_name="nt" if platform == "win32" else "posix", implementation_name="cpython")
    env.update(platform_system="Windows" if platform == "win32" else "Linux")
    return env


def installed(pins: tuple[Pin, ...], env: Mapping[str, str]) -> set[str]:
    return {p.name for p in pins if not p.marker or Marker(p.marker).evaluate(dict(env))}


@needs_uv
@pytest.mark.parametrize("platform", ["linux", "win32"])
def test_a_pylock_written_by_uv(tmp_path: Path, platform: str) -> None:
    if not REALWORLD.is_dir():
        pytest.skip(f"the real-world corpus is not at {REALWORLD}")
    uv = uv_command()
    assert uv is not None
    source = str(REALWORLD / "django+djangoproject.com")
    command = [*uv, "export", "--frozen", "--offline", "--format", "pylock.toml", "--all-groups"]
    command += ["--no-emit-project", "--directory", source, "-o", str(tmp_path / "pylock.toml")]
    subprocess.run(command, check=True, capture_output=True)
    declared = PYLOCK.read(ProjectFiles(tmp_path), "pylock.toml")
    lock = Pylock.from_dict(tomllib.loads((tmp_path / "pylock.toml").read_text()))
    assert list(declared.locks) == [DEFAULT] and declared.notes == () and declared.python == "==3.12.*"
    env = environment("3.12", platform)
    linux = [f"manylinux_2_{n}_x86_64" for n in range(35, 4, -1)] + [
        "manylinux2014_x86_64",
        "manylinux1_x86_64",
    ]
    arch = ["win_amd64"] if platform == "win32" else linux
    tags = [*cpython_tags((3, 12), platforms=arch), *compatible_tags((3, 12), platforms=arch)]
    selected = {str(package.name) for package, _ in lock.select(environment=env, tags=tags)}  # type: ignore[arg-type]
    assert installed(declared.locks[DEFAULT], env) == selected
    git = next(p for p in declared.locks[DEFAULT] if p.name == "django-push")
    assert git.url.startswith("git+https://github.com/brutasse/django-push.git@22fda99")
    assert all(p.hashes for p in declared.locks[DEFAULT] if not p.url)


PIPFILE_LOCK = {
    "_meta": {
        "hash": {"sha256": "x"},
        "pipfile-spec": 6,
        "requires": {"python_version": "3.11"},
        "sources": [],
    },
    "default": {
        "requests": {"version": "==2.31.0"},
        "colorama": {"version": "==0.4.6", "markers": "sys_platform == 'win32'"},
        "mylib": {"path": "./mylib", "editable": True},
        "tool": {"git": "https://github.com/example/tool.git", "ref": "0123abcd"},
    },
    "develop": {
        "pytest": {"version": "==8.0.0"},
        "pywin32": {"version": "==306", "markers": "sys_platform == 'win32'"},
        "requests": {"version": "==2.31.0"},
    },
}


@pytest.mark.parametrize("platform", ["linux", "win32"])
def test_a_multi_use_pylock_written_by_pipenv(tmp_path: Path, platform: str) -> None:
    (tmp_path / "Pipfile.lock").write_text(json.dumps(PIPFILE_LOCK))
    written = PylockFile.from_lockfile(tmp_path / "Pipfile.lock", tmp_path / "pylock.toml")
    written.write()
    declared = PYLOCK.read(ProjectFiles(tmp_path), "pylock.toml")
    assert set(declared.locks) == {DEFAULT, "dev"}
    env = environment("3.11", platform)
    oracle = PylockFile.from_path(tmp_path / "pylock.toml")
    by_pipenv = {p["name"] for p in oracle.get_packages_for_environment(environment=env)}
    assert installed(declared.locks[DEFAULT], env) == by_pipenv
    dev = {
        p["name"]
        for p in oracle.get_packages_for_environment(dependency_groups={"default", "dev"}, environment=env)
    }
    assert installed(declared.locks["dev"], env) == dev
    assert {"pytest", "requests"} <= dev and "pytest" not in by_pipenv
    tool = next(p for p in declared.locks[DEFAULT] if p.name == "tool")
    assert tool.url == "git+https://github.com/example/tool.git@0123abcd" and tool.version == ""
    assert [(n.kind, n.text) for n in declared.notes] == [("local", "mylib: ./mylib (editable)")]


GROUP_ATOMS = [
    "'dev' in dependency_groups",
    "'test' not in dependency_groups",
    "'default' in dependency_groups",
]
ENV_ATOMS = ['sys_platform == "win32"', 'python_version < "3.12"', "os_name == 'nt'"]


def markers(atoms: list[str]) -> st.SearchStrategy[str]:
    return st.recursive(
        st.sampled_from(atoms),
        lambda inner: st.tuples(inner, st.sampled_from([" and ", " or "]), inner).map(
            lambda t: f"({t[0]}{t[1]}{t[2]})"
        ),
        max_leaves=6,
    )


def pylock_text(marks: list[str], extra: str = "") -> str:
    packages = "".join(
        f'[[packages]]\nname = "pkg{n}"\nversion = "1.0"\nmarker = {json.dumps(m)}\n'
        f'sdist = {{ url = "https://example.org/pkg{n}-1.0.tar.gz", hashes = {{ sha256 = "{n:064x}" }} }}\n\n'
        for n, m in enumerate(marks)
    )
    head = 'lock-version = "1.0"\ncreated-by = "test"\n'
    head += 'default-groups = ["default"]\ndependency-groups = ["dev", "test"]\n'
    return head + extra + "\n" + packages


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(markers(GROUP_ATOMS + ENV_ATOMS), min_size=1, max_size=6))
def test_group_markers_are_decided_as_packaging_evaluates_them(tmp_path: Path, marks: list[str]) -> None:
    (tmp_path / "pylock.toml").write_text(pylock_text(marks))
    declared = PYLOCK.read(ProjectFiles(tmp_path), "pylock.toml")
    lock = Pylock.from_dict(tomllib.loads((tmp_path / "pylock.toml").read_text()))
    for group, chosen in ((DEFAULT, {"default"}), ("dev", {"default", "dev"}), ("test", {"default", "test"})):
        for env in (environment("3.11", "win32"), environment("3.13", "linux")):
            oracle = {
                str(p.name)
                for p in lock.packages
                if p.marker is None
                or p.marker.evaluate(
                    {**env, "dependency_groups": frozenset(chosen), "extras": frozenset()},
                    context="lock_file",
                )
            }
            assert installed(declared.locks[group], env) == oracle


def test_extras_in_markers_keep_every_package_under_default(tmp_path: Path) -> None:
    text = pylock_text(["'cli' in extras", "'dev' in dependency_groups"], 'extras = ["cli"]\n')
    (tmp_path / "pylock.dev.toml").write_text(text)
    declared = PYLOCK.read(ProjectFiles(tmp_path), "pylock.dev.toml")
    assert list(declared.locks) == [DEFAULT]
    assert [p.marker for p in declared.locks[DEFAULT]] == ['"cli" in extras', '"dev" in dependency_groups']
    [note] = declared.notes
    assert note.kind == "setting" and "every package is under the default group" in note.text


def test_pylock_names_and_errors(tmp_path: Path) -> None:
    files = ProjectFiles(tmp_path)
    assert PYLOCK.claims(files, "pylock.toml") and PYLOCK.claims(files, "pylock.dev.toml")
    assert not PYLOCK.claims(files, "pylock.a.b.toml") and not PYLOCK.claims(files, "pylock.TOML")
    assert format_of(files, "pylock.web.toml") is get_format("pylock")
    assert format_of(files, "uv.lock") is get_format("uv-lock")
    for text, why in [
        ('lock-version = "2.0"\npackages = []', "lock-version '2.0'"),
        ('lock-version = "1.0"', "no [[packages]]"),
        ('lock-version = "1.0"\n[[packages]]\nversion = "1"', "entry 1 has no name"),
        (
            'lock-version = "1.0"\n[[packages]]\nname = "a"\nmarker = "python_version <"',
            "has an invalid marker",
        ),
        ('lock-version = "1.0"\ndependency-groups = "dev"\npackages = []', "dependency-groups is not a list"),
    ]:
        (tmp_path / "pylock.toml").write_text(text)
        with pytest.raises(
            FileError, match=r"^pylock\.toml .*" + why.replace("[", r"\[").replace("]", r"\]")
        ):
            PYLOCK.read(ProjectFiles(tmp_path), "pylock.toml")
    with pytest.raises(NotImplementedError, match=r"pylock\.toml is not written"):
        PYLOCK.render(None, "pylock.toml", Declared(), RenderOptions("x"))


def test_without_uv_a_uv_lock_is_refused(tmp_path: Path) -> None:
    """uv neither on PATH nor importable (a real interpreter, its ``uv`` import blocked)."""
    (tmp_path / "pyproject.toml").write_text(HAND_PYPROJECT)
    (tmp_path / "uv.lock").write_text(HAND_LOCK)
    script = (
        "import sys; sys.modules['uv'] = None\n"
        "from pathlib import Path\n"
        "from pickenv.formats.files import FileError, ProjectFiles\n"
        "from pickenv.formats.uvlock import UvLockFormat\n"
        "try:\n    UvLockFormat().read(ProjectFiles(Path(sys.argv[1])), 'uv.lock')\n"
        "except FileError as exc:\n    print(exc.args[0])\n"
    )
    env = {"PATH": str(tmp_path), "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], env=env, capture_output=True, text=True
    )
    assert done.stdout == "uv.lock can only be read by uv; install uv\n", done.stderr


def test_uv_is_found_on_path_or_in_the_interpreter() -> None:
    command = uv_command()
    assert command is None or command == [shutil.which("uv")] or command[1:] == ["-m", "uv"]
