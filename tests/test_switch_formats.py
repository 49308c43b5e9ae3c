"""The dependency formats `pickenv switch` reads and writes: every shape a requirement
takes in a requirements file, a Pipfile and an environment.yml, written and read back,
with the written files checked by the formats' own parsers (tomllib, py-rattler)."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomllib
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.requirements import Requirement

from pickenv.errors import ProjectError
from pickenv.project.depfiles import Skeleton, read_file, write
from pickenv.project.deps import Dependency, read_requirement_files
from pickenv.project.manifests import conda_to_pip

SKELETON = Skeleton("3.12", "demo", installs_project=True, dev_style="extra")


def requirement(text: str, group: str = "runtime") -> Dependency:
    parsed = Requirement(text)
    return Dependency(parsed.name.lower(), str(parsed), group, "test")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("conda", "pip"),
    [
        ("numpy", "numpy"),
        ("numpy=1.26", "numpy==1.26.*"),
        ("numpy=1.26.*", "numpy==1.26.*"),
        ("numpy==1.26.4", "numpy==1.26.4"),
        ("numpy>=1.26,<2", "numpy>=1.26,<2"),
        ("conda-forge::requests>=2.31", "requests>=2.31"),
        ("numpy 1.26.*", "numpy==1.26.*"),
        ("numpy=1.26.4=py312h8753938_0", None),  # a build string: conda's own
    ],
)
def test_conda_specs_become_pip_requirements(conda: str, pip: str | None) -> None:
    converted = conda_to_pip(conda)
    assert converted == pip
    if converted is not None:
        Requirement(converted)


def test_requirements_files_as_pip_reads_them(tmp_path: Path) -> None:
    (tmp_path / "requirements").mkdir()
    (tmp_path / "requirements" / "base.txt").write_text("celery==5.3.4  # workers\n")
    (tmp_path / "requirements.txt").write_text(
        "-r requirements/base.txt\n"
        "--index-url https://pypi.internal.example/simple\n"
        "-c constraints.txt\n"
        "django==4.2.7 \\\n    --hash=sha256:8e0f\n"
        "requests[socks]>=2.31; python_version >= '3.8'\n"
        "-e git+https://example.org/lib.git#egg=lib\n"
        "pkg @ https://example.org/pkg-1.0.tar.gz\n"
        ".\n"
    )
    (tmp_path / "requirements-test.txt").write_text("-r requirements.txt\npytest>=8\n-e .[dev]\n")
    found = read_requirement_files(tmp_path)
    assert {(d.name, d.group) for d in found.items} == {
        ("celery", "runtime"),
        ("django", "runtime"),
        ("requests", "runtime"),
        ("pkg", "runtime"),
        ("pytest", "dev"),
    }
    assert next(d for d in found.items if d.name == "requests").requirement == (
        'requests[socks]>=2.31; python_version >= "3.8"'
    )
    why = {x.text.split()[0]: x.why for x in found.leftovers}
    assert set(why) == {"--index-url", "-c", "django", "-e"}
    assert found.project_extras == frozenset({"dev"})


REQUIREMENTS = [
    "attrs",
    "attrs>=23.1",
    "requests[socks,security]>=2.31,<3",
    'pywin32>=306; sys_platform == "win32"',
    "lib@ git+https://example.org/lib.git@v1.2",
    "pkg@ https://example.org/pkg-1.0.tar.gz",
]


@pytest.mark.parametrize("text", REQUIREMENTS)
def test_a_pipfile_entry_written_reads_back_the_same(tmp_path: Path, text: str) -> None:
    write(tmp_path, "Pipfile", "runtime", [requirement(text)], SKELETON)
    pipfile = tomllib.loads((tmp_path / "Pipfile").read_text())  # valid TOML for pipenv
    assert pipfile["requires"] == {"python_version": "3.12"}
    assert pipfile["packages"][tmp_path.name] == {"path": ".", "editable": True}
    back = read_file(tmp_path, "Pipfile", "runtime", "extra").items
    assert [Requirement(d.requirement) for d in back] == [Requirement(text)]


@pytest.mark.parametrize("text", REQUIREMENTS)
def test_an_environment_yml_entry_written_reads_back_the_same(tmp_path: Path, text: str) -> None:
    from rattler import MatchSpec

    write(tmp_path, "environment.yml", "runtime", [requirement(text)], SKELETON)
    environment = yaml.safe_load((tmp_path / "environment.yml").read_text())
    for spec in environment["dependencies"]:
        if isinstance(spec, str):
            MatchSpec(spec)
    assert environment["dependencies"][-1] == {"pip": ["-e .", str(Requirement(text))]}
    back = read_file(tmp_path, "environment.yml", "runtime", "extra").items
    assert [Requirement(d.requirement) for d in back] == [Requirement(text)]


def test_editing_keeps_the_users_comments(tmp_path: Path) -> None:
    (tmp_path / "Pipfile").write_text('# ours\n[packages]\nflask = "*"  # the web part\n\n[dev-packages]\n')
    (tmp_path / "environment.yml").write_text(
        "# our environment\nname: geo\ndependencies:\n  - python=3.12  # pinned\n  - pip\n"
    )
    (tmp_path / "requirements.txt").write_text("# ours\nflask\n")
    items = [requirement("attrs>=23.1")]
    for name in ("Pipfile", "environment.yml", "requirements.txt"):
        write(tmp_path, name, "runtime", items, SKELETON)
    assert (tmp_path / "Pipfile").read_text().startswith('# ours\n[packages]\nflask = "*"  # the web part\n')
    environment = (tmp_path / "environment.yml").read_text()
    assert environment.startswith("# our environment\nname: geo\n")
    assert (
        "python=3.12  # pinned" in environment and "- pip:\n      - -e .\n      - attrs>=23.1" in environment
    )
    assert (tmp_path / "requirements.txt").read_text().startswith("# ours\nflask\n")


def test_an_unreadable_manifest_stops_the_switch(tmp_path: Path) -> None:
    (tmp_path / "Pipfile").write_text("[packages\n")
    with pytest.raises(ProjectError, match="Pipfile cannot be read"):
        read_file(tmp_path, "Pipfile", "runtime", "extra")


names = st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,5})?", fullmatch=True)
versions = st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3}){0,2}", fullmatch=True)
specifiers = st.sampled_from(["", ">=", "==", "~=", "<", "!="])


@settings(max_examples=40, deadline=None)  # each example writes three files
@given(st.lists(st.tuples(names, specifiers, versions), min_size=1, max_size=6, unique_by=lambda t: t[0]))
def test_every_requirement_survives_each_format(entries: list[tuple[str, str, str]]) -> None:
    import tempfile

    # ~= needs two version parts (PEP 440)
    texts = [
        f"{name}{op}{version}{'.0' if op == '~=' and '.' not in version else ''}" if op else name
        for name, op, version in entries
    ]
    items = [requirement(text) for text in texts]
    for name in ("requirements.txt", "Pipfile", "environment.yml"):
        with tempfile.TemporaryDirectory() as folder:
            write(Path(folder), name, "runtime", items, SKELETON)
            back = read_file(Path(folder), name, "runtime", "extra").items
            assert sorted(str(Requirement(d.requirement)) for d in back) == sorted(
                str(Requirement(t)) for t in texts
            ), name
