"""conda environment files, checked against conda's own tools: every match spec against
py-rattler's ``MatchSpec`` (name, version, build, channel) and ``VersionSpec.matches``,
the ``pip:`` list against pip's own requirements parser, YAML against PyYAML."""

from __future__ import annotations

import itertools
import re
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pytest
import rattler
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from helpers import REALWORLD
from pickenv.formats import BUILTIN, format_of, get_format
from pickenv.formats.base import RenderOptions
from pickenv.formats.conda import EnvironmentFormat
from pickenv.formats.condanames import CONDA_ONLY, CONDA_TO_PYPI, conda_to_pep508, group_of
from pickenv.formats.files import FileError, ProjectFiles
from pickenv.formats.matchspec import SpecError, parse_matchspec
from pickenv.formats.model import DEFAULT, Declared, Group, Note, NoteKind, Req, SelfInstall, Source

FORMAT = EnvironmentFormat()
OPTIONS = RenderOptions("demo")
HYPOTHESIS = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))


def environment_files() -> list[Path]:
    if not REALWORLD.is_dir():
        return []
    found = [*REALWORLD.glob("*/environment*.y*ml"), *REALWORLD.glob("*/*/environment*.y*ml")]
    return sorted(found)


def rattler_view(spec: str) -> tuple[str, str | None, str | None, str | None]:
    """What rattler reads: name, version (its canonical text), build, channel[/subdir]."""
    match = rattler.MatchSpec(spec)
    channel = None
    if match.channel is not None:
        channel = f"{match.channel.name}{f'/{match.subdir}' if match.subdir else ''}"
    name = match.name.normalized if hasattr(match.name, "normalized") else str(match.name).split('"')[1]
    version = str(match.version) if match.version is not None else None
    return name, version, str(match.build) if match.build is not None else None, channel


def our_view(spec: str) -> tuple[str, str | None, str | None, str | None]:
    parsed = parse_matchspec(spec)
    version = str(parsed.version) if parsed.version is not None else None
    return parsed.name, version, parsed.build or None, parsed.channel or None


# Final releases: conda and PEP 440 order these alike. (Pre-releases differ: conda's 1rc1 is
# not 1.0rc1, and PEP 440's <2 excludes 2.0rc1; pip installs pre-releases only when asked.)
SAMPLE = sorted(
    {".".join(p) for n in range(1, 4) for p in itertools.product(["0", "1", "2", "10"], repeat=n)}
)


def same_versions(spec: str, pep508: str) -> None:
    conda = rattler.MatchSpec(spec).version
    ours = Requirement(pep508).specifier
    for version in SAMPLE:
        admitted = conda is None or rattler.VersionSpec(str(conda)).matches(rattler.Version(version))
        assert ours.contains(Version(version), prereleases=True) == admitted, (spec, pep508, version)


# ---- names and files --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "group"),
    [
        ("environment.yml", DEFAULT),
        ("environment.yaml", DEFAULT),
        ("environment-dev.yml", "dev"),
        ("environment-development.yaml", "dev"),
        ("environment_Docs.yml", "docs"),
        ("environment-py3.11.yml", "py3-11"),
        ("doc/environment.yml", "doc"),
        ("binder/environment.yaml", "binder"),
        ("ci/environment-devel.yml", "dev"),
    ],
)
def test_group_of(path: str, group: str) -> None:
    assert group_of(path) == group


def test_registered_and_claims() -> None:
    assert BUILTIN["environment"] == "pickenv.formats.conda:EnvironmentFormat"
    conda = get_format("environment")
    assert isinstance(conda, EnvironmentFormat)
    files = ProjectFiles(Path.cwd())
    for path in ("environment.yml", "environment-dev.yaml", "environment_test.yml", "doc/environment.yml"):
        assert conda.claims(files, path), path
    for path in ("environment.json", "requirements.txt", "envs/dev.yml", "environment_x.yaml.bak"):
        assert not conda.claims(files, path), path
    assert format_of(files, "binder/environment.yml", among=("environment",)) is conda


def test_tables() -> None:
    assert not set(CONDA_TO_PYPI) & CONDA_ONLY
    assert {"cudatoolkit", "gdal", "mkl", "hdf5", "proj", "geos", "nodejs", "r-base", "ffmpeg"} <= CONDA_ONLY
    assert CONDA_TO_PYPI["pytorch"] == "torch" and CONDA_TO_PYPI["py-opencv"] == "opencv-python"


# ---- match specs, against rattler -------------------------------------------------------------
TASK_SPECS = [
    "numpy",
    "numpy 1.26",
    "numpy=1.26",
    "numpy==1.26",
    "numpy 1.26.*",
    "numpy>=1.2,<2",
    "numpy=1.26=py312_0",
    "conda-forge::numpy>=1.2",
    "pytorch::pytorch",
    "numpy[version='>=1.2',build=py312*]",
    "numpy 1.2|1.4",
    "numpy 1.*",
    "numpy=1.2*",
    "numpy ~=1.2",
    "python >= 3.8",
    "libblas=*=*openblas",
    "numpy >=1.2 py312*",
    "numpy (>=1|<0.5),!=2",
    "numpy !=1.2.*",
    "conda-forge/linux-64::numpy 1.2.* *mkl",
    "NumPy 01.002",
    "numpy=1.2.*=py_0",
    "numpy 1.0+local_1",
    "numpy 2!1.0",
    "numpy # a comment",
    "numpy[build_number='>=3']",
    'numpy[version=">=*"]',
    "numpy ~=1.2.*",
    "numpy 1.0-1",
    "numpy >1.2.*",
]


@pytest.mark.parametrize("spec", TASK_SPECS)
def test_matchspec_as_rattler_reads_it(spec: str) -> None:
    assert our_view(spec) == rattler_view(spec)


@pytest.mark.parametrize(
    "spec",
    ["numpy >>1", "numpy=>1", "numpy===1", "num*py", "numpy 1.2.", "numpy 1..2", "numpy 1+", "numpy 1.2|",
     "numpy (1.2", "numpy[foo=1]", "numpy[version=1][build=2]", "numpy 1.0-_", "numpy >*", "",
     "numpy 99999999999999999999", "numpy * **_0", "numpy[md5=abc]", "numpy; if x",
     "https://example.org/notapackage", "numpy 1.2[x]=3", "numpy ((1)", "numpy 1.2,(", 'numpy[version="=>1"]',
     "numpy >=1+", 'numpy[version="(" ]'],
)  # fmt: skip
def test_refused_as_rattler_refuses(spec: str) -> None:
    with pytest.raises(Exception):  # noqa: B017 - any error: rattler's are not one class
        rattler.MatchSpec(spec)
    with pytest.raises(SpecError):
        parse_matchspec(spec)


def test_glob_inside_a_version_is_conda_own() -> None:
    """conda's Python parser matches ``1.*.3`` as a glob; rattler refuses it. It is read, and
    PEP 440 cannot say it: no requirement, only the note."""
    with pytest.raises(Exception):  # noqa: B017
        rattler.MatchSpec("numpy 1.*.3")
    assert conda_to_pep508("numpy 1.*.3") == (None, ("conda's version 1.*.3 has no PEP 440 form",))


_num = st.sampled_from(["0", "1", "2", "10", "01"])
_comp = st.one_of(_num, st.sampled_from(["a", "b", "rc", "dev", "post", "RC"]), st.just("*"))
_seg = st.lists(_comp, min_size=1, max_size=3).map("".join)
_version = st.builds(
    lambda first, rest, tail: first + "".join(s + c for s, c in rest) + tail,
    _seg,
    st.lists(st.tuples(st.sampled_from([".", ".", "-", "_", ".."]), _seg), max_size=3),
    st.sampled_from(["", "", ".*", "*", ".", "+a", "_", "+"]),
)
_term = st.builds(
    lambda o, w, v: o + w + v,
    st.sampled_from(["", "", "=", "==", ">=", ">", "<", "<=", "!=", "~=", "=>", "==="]),
    st.sampled_from(["", "", " "]),
    _version,
)
_group = st.recursive(
    _term,
    lambda inner: st.one_of(
        st.builds(lambda a, s, b: a + s + b, inner, st.sampled_from([",", "|", " , ", " | "]), inner),
        inner.map(lambda x: f"({x})"),
    ),
    max_leaves=4,
)
SPECS = st.builds(
    lambda chan, name, joiner, group, bj, build, bracket: (
        chan + name + (joiner + group if group else "") + (bj + build if build else "") + bracket
    ),
    st.sampled_from(["", "", "conda-forge::", "pytorch::", "conda-forge/linux-64::", "a:b:"]),
    st.sampled_from(["numpy", "NumPy", "python", "scikit-learn", "ruamel.yaml", "_libgcc_mutex"]),
    st.sampled_from([" ", "", "=", "  "]),
    st.one_of(st.just(""), _group),
    st.sampled_from([" ", "="]),
    st.sampled_from(["", "", "py_0", "*mkl", "py312*", "*", "h1234_0", "=", "**_0"]),
    st.sampled_from(["", "", "[build=py_0]", "[version='>=1.2,<2']", '[version="=1.2"]', "[build_number=3]",
                     "[channel=pytorch]", "[foo=1]", "[ version=1 ]", "[version=' >=1']"]),
)  # fmt: skip


@HYPOTHESIS
@given(SPECS)
def test_generated_specs_read_as_rattler_reads_them(spec: str) -> None:
    try:
        theirs: object = rattler_view(spec)
    except Exception as exc:
        theirs = exc
    try:
        ours: object = our_view(spec)
    except SpecError as exc:
        ours = exc
    if isinstance(theirs, Exception) and "regex constraints are not supported" in str(theirs):
        return  # a glob inside a version: conda reads it, rattler does not (see above)
    if isinstance(theirs, Exception):
        assert isinstance(ours, SpecError), (spec, ours, theirs)
    else:
        assert ours == theirs, spec


_release = st.lists(st.sampled_from(["0", "1", "2", "10"]), min_size=1, max_size=3).map(".".join)
_pep_term = st.builds(
    lambda o, v, p, t: o + v + p + t,
    st.sampled_from(["", "=", "==", ">=", ">", "<", "<=", "!=", "~="]),
    _release,
    st.sampled_from(["", "", "", "rc1", "a1", ".post1", "dev1"]),
    st.sampled_from(["", "", ".*", "*"]),
)
PEP_SPECS = st.builds(
    lambda j, terms, sep: "numpy" + j + sep.join(terms),
    st.sampled_from([" ", "="]),
    st.lists(_pep_term, min_size=1, max_size=3),
    st.sampled_from([",", ",", "|"]),
)


@HYPOTHESIS
@given(PEP_SPECS)
def test_pep508_admits_what_conda_admits(spec: str) -> None:
    try:
        text, why = conda_to_pep508(spec)
    except SpecError:
        with pytest.raises(Exception):  # noqa: B017
            rattler.MatchSpec(spec)
        return
    if text is None:
        assert why and ("|" in spec or "no PEP 440 form" in why[-1])
        return
    assert why == ()
    same_versions(spec, text)


@pytest.mark.parametrize(
    ("spec", "text", "kinds"),
    [
        ("numpy", "numpy", ()),
        ("numpy 1.26", "numpy==1.26", ()),
        ("numpy=1.26", "numpy==1.26.*", ()),
        ("numpy==1.26", "numpy==1.26", ()),
        ("numpy 1.26.*", "numpy==1.26.*", ()),
        ("numpy>=1.2,<2", "numpy<2,>=1.2", ()),
        ("numpy ~=1.2", "numpy~=1.2", ()),
        ("numpy !=1.2.*", "numpy!=1.2.*", ()),
        ("numpy=1.26=py312_0", "numpy==1.26", ("build",)),
        ("numpy * *mkl", "numpy", ("build",)),
        ("numpy 1.2|1.4", None, ("build",)),
        ("numpy ~=1", None, ("build",)),
        ("numpy=1.0.post1", None, ("build",)),
        ("tzdata=2024a", None, ("conda-only",)),
        ("pytorch::pytorch=2.1", "torch==2.1.*", ("channel",)),
        ("matplotlib-base >=3.7", "matplotlib>=3.7", ()),
        ("py-opencv=4.5", "opencv-python==4.5.*", ()),
        ("cudatoolkit=11.3", None, ("conda-only",)),
        ("r-ggplot2", None, ("conda-only",)),
        ("https://conda.anaconda.org/conda-forge/noarch/six-1.16.0-pyh6c4a22f_0.tar.bz2", None, ("build",)),
    ],
)
def test_conversion_and_notes(tmp_path: Path, spec: str, text: str | None, kinds: tuple[str, ...]) -> None:
    (tmp_path / "environment.yml").write_text(f"dependencies:\n  - {spec!r}\n".replace("'", '"'))
    declared = FORMAT.read(ProjectFiles(tmp_path), "environment.yml")
    reqs = declared.groups[0].requirements
    assert [r.text for r in reqs] == ([text] if text else [])
    assert tuple(n.kind for n in declared.notes) == kinds
    assert all(n.text == spec and n.origin == "environment.yml dependencies[1]" for n in declared.notes)
    if text:
        assert conda_to_pep508(spec)[0] == text
        same_versions(spec, text)


@pytest.mark.parametrize(
    ("entry", "python"),
    [("python=3.12", "3.12"), ("python>=3.10", ">=3.10"), ("python >= 3.8", ">=3.8"),
     ("python==3.11", "==3.11"), ("python 3.12.*", "3.12.*"), ("python=3.12=*_cpython", "3.12"),
     ("python", "")],
)  # fmt: skip
def test_python_and_pip(tmp_path: Path, entry: str, python: str) -> None:
    (tmp_path / "environment.yml").write_text(f"dependencies:\n  - {entry}\n  - pip=24\n  - pip\n")
    declared = FORMAT.read(ProjectFiles(tmp_path), "environment.yml")
    assert declared.python == python
    assert declared.groups[0].requirements == () and declared.notes == ()


# ---- the real world ---------------------------------------------------------------------------
def pip_reads(requirements: Path) -> set[tuple[str, str, bool]]:
    """pip's own reading of a requirements file: (name, specifier or URL, editable)."""
    from pip._internal.network.session import PipSession
    from pip._internal.req.constructors import install_req_from_parsed_requirement
    from pip._internal.req.req_file import parse_requirements

    found = set()
    for parsed in parse_requirements(str(requirements), session=PipSession()):
        req = install_req_from_parsed_requirement(parsed)
        if req.name is None:  # the project itself (-e .)
            continue
        assert req.req is not None
        url = req.req.url or (req.link.url if req.link is not None else "")
        url = re.sub(r"[#&]egg=[^&]*$", "", url)  # the name, compared on its own
        found.add((str(canonicalize_name(req.name)), str(url or req.req.specifier), req.editable))
    return found


def as_pip(req: Req) -> tuple[str, str, bool]:
    return req.name, str(req.parsed.url or req.parsed.specifier), req.editable


@pytest.mark.skipif(not environment_files(), reason="the realworld corpus (../shared/realworld) is not here")
@pytest.mark.parametrize("path", environment_files(), ids=lambda p: str(p.relative_to(REALWORLD)))
def test_realworld_entry_by_entry(path: Path, tmp_path: Path) -> None:
    project = path.parents[len(path.relative_to(REALWORLD).parts) - 2]
    shutil.copytree(project, tmp_path / "p")
    relative = path.relative_to(project).as_posix()
    declared = FORMAT.read(ProjectFiles(tmp_path / "p"), relative)
    group = declared.group(group_of(relative))
    assert group is not None
    data = yaml.safe_load(path.read_text())
    conda_reqs = {r.origin: r for r in group.requirements if " dependencies[" in r.origin}
    notes = {(n.origin, n.kind): n.text for n in declared.notes}
    for number, entry in enumerate(data["dependencies"], 1):
        origin = f"{relative} dependencies[{number}]"
        if isinstance(entry, dict):
            continue
        name, version, build, channel = rattler_view(entry)
        assert our_view(entry) == (name, version, build, channel)
        if name == "python":
            assert declared.python == entry.replace(" ", "").removeprefix("python").lstrip("=")
        elif name == "pip":
            assert origin not in conda_reqs and not any(o == origin for o, _ in notes)
        elif name in CONDA_ONLY:
            assert notes[(origin, "conda-only")] == entry and origin not in conda_reqs
        else:
            req = conda_reqs[origin]
            assert req.name == canonicalize_name(CONDA_TO_PYPI.get(name, name))
            same_versions(entry, req.text)
    # The pip: list, as pip reads it from the file conda writes beside environment.yml.
    pip_lines = [line for e in data["dependencies"] if isinstance(e, dict) for line in e.get("pip", [])]
    written = tmp_path / "p" / Path(relative).parent / "condaenv.pickenv-test.requirements.txt"
    written.write_text("\n".join(pip_lines) + "\n")
    theirs = pip_reads(written)
    ours = {as_pip(r) for g in declared.groups for r in g.requirements if " dependencies[" not in r.origin}
    assert ours == theirs
    assert (group.self_install is not None) == any(line.strip() in ("-e .", ".") for line in pip_lines)


@pytest.mark.skipif(not (REALWORLD / "jakevdp+PythonDataScienceHandbook").is_dir(), reason="corpus absent")
def test_realworld_pip_include_is_followed() -> None:
    files = ProjectFiles(REALWORLD / "jakevdp+PythonDataScienceHandbook")
    declared = FORMAT.read(files, "environment.yml")
    assert declared.files == ("environment.yml", "requirements.txt")
    assert declared.python == "3.5"
    names = {r.name for r in declared.groups[0].requirements}
    assert {"numpy", "pandas", "scikit-learn", "netcdf4"} <= names
    assert names == {
        n for n, _, _ in pip_reads(REALWORLD / "jakevdp+PythonDataScienceHandbook" / "requirements.txt")
    }
    # Rendering the file with what it declares adds nothing: requirements.txt says those.
    text = files.text("environment.yml")
    assert FORMAT.render(text, "environment.yml", declared, OPTIONS) == text


@pytest.mark.skipif(not environment_files(), reason="the realworld corpus (../shared/realworld) is not here")
@pytest.mark.parametrize("path", environment_files(), ids=lambda p: str(p.relative_to(REALWORLD)))
def test_realworld_render_keeps_every_line(path: Path, tmp_path: Path) -> None:
    project = path.parents[len(path.relative_to(REALWORLD).parts) - 2]
    relative = path.relative_to(project).as_posix()
    files = ProjectFiles(project)
    declared = FORMAT.read(files, relative)
    text = files.text(relative)
    assert FORMAT.render(text, relative, declared, OPTIONS) == text  # nothing new: untouched
    group = declared.group(group_of(relative))
    assert group is not None
    more = Declared(
        (replace(group, requirements=(*group.requirements, Req("zzz-new>=1", "pyproject.toml"),
                                      Req("yyy-new==2.1.*", "x.yml dependencies[1]"))),),
        sources=(Source("", "https://example.org/simple", False, "Pipfile"),),
        notes=(*declared.notes, Note("x.yml channels[1]", "bioconda", "channel", group.name),
               Note("x.yml dependencies[2]", "cudnn=8", "conda-only", group.name)),
    )  # fmt: skip
    out = FORMAT.render(text, relative, more, OPTIONS)
    kept = iter(out.splitlines())
    assert all(line in kept for line in text.splitlines()), "an existing line changed or moved"
    assert len(out.splitlines()) - len(text.splitlines()) in (5, 6, 7)  # (and "pip", "pip:" if missing)
    shutil.copytree(project, tmp_path / "p")
    (tmp_path / "p" / relative).write_text(out)
    back = FORMAT.read(ProjectFiles(tmp_path / "p"), relative)
    back_group = back.group(group.name)
    assert back_group is not None
    assert {"zzz-new", "yyy-new"} <= {r.name for r in back_group.requirements}
    assert ("bioconda", "channel") in {(n.text, n.kind) for n in back.notes}
    assert ("cudnn=8", "conda-only") in {(n.text, n.kind) for n in back.notes}
    assert Source("", "https://example.org/simple", False, f"{relative} pip[1]").url in {
        s.url for s in back.sources
    }
    for entry in yaml.safe_load(out)["dependencies"]:
        if isinstance(entry, str):
            rattler.MatchSpec(entry)


# ---- render -> read ---------------------------------------------------------------------------
_CONDA_NAMES = [
    "numpy",
    "scipy",
    "torch",
    "matplotlib",
    "tables",
    "graphviz",
    "jupyter_client",
    "ruamel.yaml",
]
_CONDA_VERSIONS = ["", "==1.26.*", ">=1.2,<2", "==1.2", "~=1.2", "!=1.3.*", ">1", "==1.*,>=1.2", "<=2.0.1"]
_PIP_REQS = [
    "requests>=2",
    "rich[jupyter]==13.*",
    'tomli; python_version < "3.11"',
    "pkg @ https://example.org/pkg-1.0.tar.gz",
    "Django~=4.2",
    "attrs==23.1.0",
]
_VERBATIM: list[
    tuple[str, str | None, NoteKind]
] = [  # conda entries PEP 508 cannot say, with the requirement each keeps
    ("numpy-financial=1.0=py_0", "numpy-financial==1.0", "build"),
    ("pytorch::torchvision=0.16", "torchvision==0.16.*", "channel"),
    ("cudatoolkit=11.3", None, "conda-only"),
    ("libblas=*=*openblas", None, "conda-only"),
    ("pandas 2.0|2.1", None, "build"),
]


@st.composite
def declarations(draw: st.DrawFn) -> Declared:
    reqs: list[Req] = []
    notes: list[Note] = []
    conda = draw(st.lists(st.tuples(st.sampled_from(_CONDA_NAMES), st.sampled_from(_CONDA_VERSIONS)),
                          unique_by=lambda t: t[0], max_size=5))  # fmt: skip
    for number, (name, version) in enumerate(conda, 1):
        reqs.append(Req(str(Requirement(name + version)), f"environment.yml dependencies[{number}]"))
    for number, (entry, text, kind) in enumerate(draw(st.lists(st.sampled_from(_VERBATIM), unique=True)), 50):
        origin = f"environment.yml dependencies[{number}]"
        reqs += [Req(text, origin)] if text else []
        notes.append(Note(origin, entry, kind))
    for number, text in enumerate(draw(st.lists(st.sampled_from(_PIP_REQS), unique=True)), 1):
        hashes = ("sha256:" + "a" * 64,) if "==" in text and draw(st.booleans()) else ()
        reqs.append(Req(str(Requirement(text)), f"environment.yml pip[{number}]", hashes=hashes))
    if draw(st.booleans()):
        reqs.append(
            Req("clip@ git+https://github.com/openai/CLIP.git@main", "environment.yml pip[20]", editable=True)
        )
    notes += [
        Note("Pipfile [pipenv]", o, "option")
        for o in draw(st.lists(st.sampled_from(["--pre", "--no-binary :all:"]), unique=True))
    ]
    notes += [
        Note(f"environment.yml channels[{n}]", c, "channel")
        for n, c in enumerate(draw(st.lists(st.sampled_from(["pytorch", "bioconda"]), unique=True)), 1)
    ]
    notes += [
        Note("environment.yml variables", v, "setting")
        for v in draw(st.lists(st.sampled_from(["MY_VAR=1", "OTHER=a b"]), unique=True))
    ]
    sources = tuple(
        Source("", u, d, "Pipfile")
        for u, d in draw(
            st.lists(
                st.sampled_from(
                    [("https://example.org/simple", True), ("https://mirror.example/simple", False)]
                ),
                unique_by=lambda s: s[1],
            )
        )
    )
    own = draw(
        st.sampled_from(
            [None, SelfInstall(), SelfInstall(frozenset({"dev", "docs"})), SelfInstall(editable=False)]
        )
    )
    python = draw(st.sampled_from(["", "3.12", ">=3.10", "3.11.*"]))
    return Declared(
        (Group(DEFAULT, tuple(reqs), (), own, "environment.yml"),), {}, sources, tuple(notes), python
    )


def said(declared: Declared) -> dict[str, object]:
    group = declared.groups[0]
    return {
        "reqs": sorted((str(r.parsed), r.hashes, r.editable) for r in group.requirements),
        "conda": sorted(r.name for r in group.requirements if " dependencies[" in r.origin),
        "notes": sorted((n.kind, n.text) for n in declared.notes if n.kind != "variable"),
        "sources": sorted((s.url, s.default) for s in declared.sources),
        "self": group.self_install and (group.self_install.extras, group.self_install.editable),
        "python": declared.python,
    }


@HYPOTHESIS
@given(declarations())
@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_render_read_round_trip(declared: Declared) -> None:

    text = FORMAT.render(None, "environment.yml", declared, OPTIONS)
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "environment.yml").write_text(text)
        back = FORMAT.read(ProjectFiles(Path(folder)), "environment.yml")
    assert said(back) == said(declared)
    data = yaml.safe_load(text)
    assert data["name"] == "demo" and data["channels"][-2:] == ["conda-forge", "nodefaults"]
    for entry in data["dependencies"]:
        if isinstance(entry, str):
            rattler.MatchSpec(entry)  # conda's own parser reads every entry written
    # ...and writing it again into the file it made adds nothing.
    assert FORMAT.render(text, "environment.yml", back, OPTIONS) == text


EXISTING = """\
# The demo environment (comments stay)
name: demo   # its name
channels:
  - conda-forge
dependencies:
  - python=3.11     # the interpreter
  - numpy>=1.2      # arrays
  # a comment between entries
  - 'scipy'
  - pip:
    - requests    # http
"""


@HYPOTHESIS
@given(declarations(), st.sampled_from(["\\n", "\\r\\n"]))
@pytest.mark.slow  # over 1.5 s: out of the fast suite (issue 17's 2-minute goal)
def test_render_into_an_existing_file_keeps_it(declared: Declared, newline: str) -> None:

    existing = EXISTING.replace("\\n", newline)
    out = FORMAT.render(existing, "environment.yml", declared, replace(OPTIONS, python="3.12"))
    kept = iter(out.splitlines(keepends=True))
    assert all(line in kept for line in existing.splitlines(keepends=True)), "an existing line changed"
    assert "\\n" not in out.replace("\\r\\n", "") if newline == "\\r\\n" else "\\r" not in out
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "environment.yml").write_text(out, newline="")
        back = FORMAT.read(ProjectFiles(Path(folder)), "environment.yml")
    names = {r.name for r in back.groups[0].requirements}
    assert {"numpy", "scipy", "requests"} <= names
    already = {"numpy", "scipy", "requests"}
    assert {r.name for r in declared.groups[0].requirements} - already <= names
    assert back.python == "3.11"  # the file says one: kept
    assert {n.text for n in declared.notes if n.kind in ("build", "conda-only", "channel")} <= {
        n.text for n in back.notes
    }


def test_render_flow_style_falls_back_to_ruamel(tmp_path: Path) -> None:
    existing = "name: x  # kept\nchannels: [conda-forge]\ndependencies: [numpy, pip]\n"
    part = Declared(
        (Group(DEFAULT, (Req("rich>=13", "Pipfile [packages]"),)),), notes=(Note("c", "bioconda", "channel"),)
    )
    out = FORMAT.render(existing, "environment.yml", part, OPTIONS)
    assert "# kept" in out
    (tmp_path / "environment.yml").write_text(out)
    back = FORMAT.read(ProjectFiles(tmp_path), "environment.yml")
    assert {r.name for r in back.groups[0].requirements} == {"numpy", "rich"}
    assert [n.text for n in back.notes] == ["bioconda"]


def test_render_writes_includes_as_r_lines() -> None:
    part = Declared(
        (Group("dev", (Req("pytest", "requirements-dev.txt:1"),), includes=(DEFAULT, "docs")),),
    )
    options = RenderOptions("demo", group_files={DEFAULT: "requirements.txt", "docs": "doc/environment.yml"})
    out = FORMAT.render(None, "ci/environment-dev.yml", part, options)
    pip = next(e for e in yaml.safe_load(out)["dependencies"] if isinstance(e, dict))["pip"]
    assert pip == ["-r ../requirements.txt", "pytest"]  # conda cannot include another environment file


# ---- the pip: section --------------------------------------------------------------------------
def test_pip_section_as_pip_reads_it(tmp_path: Path) -> None:
    (tmp_path / "libs" / "local").mkdir(parents=True)
    (tmp_path / "requirements-dev.txt").write_text(
        "pytest>=8 \\\n  --hash=sha256:" + "b" * 64 + "\n-r requirements.txt\n"
    )
    (tmp_path / "requirements.txt").write_text("# runtime\nrequests\n")
    (tmp_path / "environment.yml").write_text(
        "dependencies:\n  - pip:\n"
        "    - --index-url https://${TOKEN}@example.org/simple\n"
        "    - --extra-index-url https://mirror.example/simple\n"
        "    - --pre\n"
        "    - -c constraints.txt\n"
        "    - -e .[Dev,docs]\n"
        "    - ./libs/local\n"
        "    - https://example.org/x.tar.gz\n"
        "    - rich==13.7.0 --hash=sha256:" + "a" * 64 + "\n"
        "    - -r requirements-dev.txt\n"
        "    - -e git+https://github.com/o/r.git@v1#egg=thing&subdirectory=sub\n"
    )
    declared = FORMAT.read(ProjectFiles(tmp_path), "environment.yml")
    assert declared.files == ("environment.yml", "requirements-dev.txt", "requirements.txt")
    default = declared.group(DEFAULT)
    assert default is not None and default.includes == ("dev",)
    assert default.self_install == SelfInstall(frozenset({"dev", "docs"}), True, "environment.yml pip[5]")
    assert [(r.parsed, r.hashes, r.editable) for r in default.requirements] == [
        (Requirement("rich==13.7.0"), ("sha256:" + "a" * 64,), False),
        (Requirement("thing @ git+https://github.com/o/r.git@v1#subdirectory=sub"), (), True),
        (Requirement("requests"), (), False),  # requirements.txt, included by requirements-dev.txt: default
    ]
    assert [(s.url, s.default) for s in declared.sources] == [
        ("https://${TOKEN}@example.org/simple", True),
        ("https://mirror.example/simple", False),
    ]
    assert [(n.kind, n.text) for n in declared.notes if n.group == DEFAULT] == [
        ("variable", "${TOKEN}"),
        ("option", "--pre"),
        ("constraint", "-c constraints.txt"),
        ("local", "./libs/local"),
        ("local", "https://example.org/x.tar.gz"),
    ]
    dev = declared.group("dev")
    assert dev is not None and [(r.name, r.hashes) for r in dev.requirements] == [
        ("pytest", ("sha256:" + "b" * 64,))
    ]
    assert dev.includes == (DEFAULT,)


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("-r ../outside.txt", "includes ../outside.txt, outside the project"),
        ("-r /etc/passwd", "includes /etc/passwd, outside the project"),
        ("-r missing.txt", "includes missing.txt, which does not exist"),
        ("foo bar baz", "'foo bar baz' is not a requirement pip reads"),
    ],
)
def test_pip_section_errors(tmp_path: Path, line: str, why: str) -> None:
    (tmp_path / "environment.yml").write_text(f"dependencies:\n  - pip:\n    - {line}\n")
    with pytest.raises(FileError) as caught:
        FORMAT.read(ProjectFiles(tmp_path), "environment.yml")
    message = caught.value.message
    assert message.startswith("environment.yml:3: ") and why in message, message  # the line in the file
    assert "root:" not in message  # never a file's content


# ---- bounds and refusals -----------------------------------------------------------------------
ALIAS_BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
dependencies: [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (ALIAS_BOMB, "uses a YAML alias (line 2)"),
        ("dependencies: numpy\n", "has a dependencies that is not a list"),
        ("dependencies:\n  numpy: 1\n", "has a dependencies that is not a list"),
        ("channels: conda-forge\n", "has a channels that is not a list"),
        ("variables: [A]\n", "has a variables that is not a mapping"),
        ("- numpy\n", "is not a conda environment"),
        ("", "is not a conda environment"),
        ("dependencies:\n  - 1.5\n", "has dependencies[1] = '1.5', not a package spec"),
        ("dependencies:\n  - pip: requests\n", "has a pip: section (dependencies[1]) that is not a list"),
        ("name: x\ndependencies:\n  - numpy >>1.2\n", ":3: 'numpy >>1.2' is not a package spec conda reads"),
        ("dependencies:\n  - numpy " + ">>1" * 40 + "\n", "...' is not a package spec conda reads"),
        ("dependencies: [\n", "is not valid YAML"),
    ],
)
def test_refused_files(tmp_path: Path, text: str, why: str) -> None:
    (tmp_path / "environment.yml").write_text(text)
    started = time.perf_counter()
    with pytest.raises(FileError) as caught:
        FORMAT.read(ProjectFiles(tmp_path), "environment.yml")
    assert time.perf_counter() - started < 1
    message = caught.value.message
    assert message.startswith("environment.yml") and why in message and "\n" not in message
    assert len(message) < 250 and "lol" not in message


@pytest.mark.slow  # 300,000 lines: 4 s
def test_a_300000_line_file_reads_in_linear_time(tmp_path: Path) -> None:
    lines = ["name: big", "channels:", "  - conda-forge", "dependencies:"]
    specs = [
        "numpy>=1.2,<2",
        "scipy=1.11",
        "pytorch::pytorch 2.1.* cuda*",
        "libblas=*=*mkl",
        "pandas 2.0|2.1",
    ]
    lines += [f"  - pkg{n}-{specs[n % 5]}" if n % 5 else f"  # comment {n}" for n in range(299_000)]
    lines += ["  - pip:", *(f"    - req{n}>={n % 9}.0" for n in range(1_000))]
    (tmp_path / "environment.yml").write_text("\n".join(lines) + "\n")
    started = time.perf_counter()
    declared = FORMAT.read(ProjectFiles(tmp_path), "environment.yml")
    elapsed = time.perf_counter() - started
    print(f"300,000-line environment.yml read in {elapsed:.2f} s")
    assert len(declared.groups[0].requirements) > 180_000
    assert elapsed < 60  # measured ~ a few seconds; a quadratic parser would take hours


def test_a_long_spec_is_linear() -> None:
    started = time.perf_counter()
    with pytest.raises(SpecError, match="nested too deep"):  # a bound of ours: rattler recurses on
        parse_matchspec("numpy " + "(" * 40 + "1" + ")" * 40)
    parse_matchspec("numpy " + ",".join(f">={n}" for n in range(20_000)))
    parse_matchspec("numpy 1" + "a1" * 50_000 + " " + "b" * 100_000)
    assert time.perf_counter() - started < 2


LAYOUTS = {
    "bare": "name: bare  # only a name\n",
    "no channels": "name: x\ndependencies:\n- numpy\n",
    "four spaces": "channels:\n    - conda-forge\ndependencies:\n    - numpy\nvariables:\n    A: '1'\n",
    "no newline at the end": "dependencies:\n  - numpy\n  - pip:\n    - rich",
    "flow lists": "channels: [conda-forge]  # flow\ndependencies: [numpy]\nvariables: {A: '1'}\n",
    "null lists": "channels:\ndependencies:\nvariables:\n",
    "empty pip list": "dependencies:\n  - numpy\n  - pip:\n",
    "crlf": "name: x\r\ndependencies:\r\n  - numpy  # arrays\r\n",
}
ADDED = Declared(
    (
        Group(
            DEFAULT,
            (
                Req("scipy==1.11.*", "environment-old.yml dependencies[1]"),
                Req('tomli; python_version < "3.11"', "environment-old.yml dependencies[2]"),  # a marker: pip
                Req("httpx>=0.27", "Pipfile [packages] httpx"),
                Req("numpy>=2", "Pipfile [packages] numpy"),  # named already: not added again
            ),
            self_install=SelfInstall(frozenset({"cli"})),
        ),
    ),
    notes=(
        Note("environment-old.yml channels[1]", "bioconda", "channel"),
        Note("environment-old.yml dependencies[3]", "cudatoolkit=11.8", "conda-only"),
        Note("environment-old.yml variables", "MY_VAR=on", "setting"),
    ),
)


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_render_into_layouts(layout: str, tmp_path: Path) -> None:
    existing = LAYOUTS[layout]
    out = FORMAT.render(existing, "environment.yml", ADDED, replace(OPTIONS, python="3.12"))
    before = yaml.safe_load(existing) or {}
    after = yaml.safe_load(out)
    conda = [e for e in after["dependencies"] if isinstance(e, str)]
    pip: list[str] = next((e["pip"] for e in after["dependencies"] if isinstance(e, dict)), [])
    assert conda[0] == "python=3.12" and {"scipy=1.11", "cudatoolkit=11.8"} <= set(conda)
    assert {'tomli; python_version < "3.11"', "httpx>=0.27", "-e .[cli]"} <= set(pip)
    assert ("numpy>=2" in pip) == ("numpy" not in existing) and "bioconda" in after["channels"]
    assert after["variables"]["MY_VAR"] == "on"
    for key, value in before.items():  # nothing removed or changed
        if isinstance(value, list):
            assert all(v in after[key] for v in value if not isinstance(v, dict))
        elif isinstance(value, dict):
            assert value.items() <= after[key].items()
        elif value is not None:
            assert after[key] == value
    if "flow" not in layout and "null" not in layout and "empty" not in layout:
        kept = iter(out.splitlines())
        assert all(line in kept for line in existing.splitlines()), "an existing line changed"
    assert ("\r\n" in out) == ("\r\n" in existing) and "\r\r" not in out
    assert "# " not in existing or existing.split("# ")[1].split("\n")[0].strip() in out  # comments kept
    (tmp_path / "environment.yml").write_text(out, newline="")
    back = FORMAT.read(ProjectFiles(tmp_path), "environment.yml")
    assert back.python == "3.12"
    assert FORMAT.render(out, "environment.yml", ADDED, replace(OPTIONS, python="3.12")) == out  # said: no-op


def test_render_refuses_a_file_that_is_not_an_environment() -> None:
    with pytest.raises(FileError):
        FORMAT.render("- numpy\n", "environment.yml", ADDED, OPTIONS)


def test_pip_paths_are_relative_to_the_environment_file(tmp_path: Path) -> None:
    """conda runs pip in the environment file's folder: ``-e ..`` in doc/ is the project."""
    (tmp_path / "doc").mkdir()
    (tmp_path / "doc" / "requirements.txt").write_text("sphinx\n")
    (tmp_path / "doc" / "environment.yml").write_text(
        "dependencies:\n  - pip:\n    - -e ..[docs]\n    - -r requirements.txt\n    - ../../elsewhere\n"
        "  - mamba: [x]  # another installer's section\n"
    )
    declared = FORMAT.read(ProjectFiles(tmp_path), "doc/environment.yml")
    doc = declared.group("doc")
    assert doc is not None and doc.self_install == SelfInstall(
        frozenset({"docs"}), True, "doc/environment.yml pip[1]"
    )
    assert declared.files == ("doc/environment.yml", "doc/requirements.txt")
    assert [r.name for g in declared.groups for r in g.requirements] == ["sphinx"]
    assert sorted((n.kind, n.text) for n in declared.notes) == [
        ("local", "../../elsewhere"),
        ("setting", "mamba: ['x']"),
    ]


def test_self_install_from_a_sub_folder_round_trips(tmp_path: Path) -> None:
    part = Declared(
        (Group("doc", (Req("sphinx>=7", "docs/requirements.txt:1"),), (), SelfInstall(frozenset({"docs"}))),)
    )
    text = FORMAT.render(None, "doc/environment.yml", part, OPTIONS)
    pip = next(e for e in yaml.safe_load(text)["dependencies"] if isinstance(e, dict))["pip"]
    assert pip == ["-e ..[docs]", "sphinx>=7"]
    (tmp_path / "doc").mkdir()
    (tmp_path / "doc" / "environment.yml").write_text(text)
    back = FORMAT.read(ProjectFiles(tmp_path), "doc/environment.yml")
    group = back.group("doc")
    assert group is not None and group.self_install is not None and group.self_install.extras == {"docs"}
    assert FORMAT.render(text, "doc/environment.yml", back, OPTIONS) == text
    assert FORMAT.render(text, "doc/environment.yml", part, OPTIONS) == text


def test_per_requirement_options_and_odd_pythons_round_trip(tmp_path: Path) -> None:
    (tmp_path / "environment.yml").write_text(
        "dependencies:\n  - python=3.11\n  - pip:\n    - pkg==1.0 --config-settings=key=value\n    - other\n"
    )
    declared = FORMAT.read(ProjectFiles(tmp_path), "environment.yml")
    options = [(n.origin, n.kind) for n in declared.notes]
    assert options == [("environment.yml pip[1]", "option")]  # tied to pkg by its origin
    text = FORMAT.render(None, "environment.yml", declared, OPTIONS)
    (tmp_path / "environment.yml").write_text(text)
    back = FORMAT.read(ProjectFiles(tmp_path), "environment.yml")
    assert said(back) == said(declared)
    poetry = FORMAT.render(None, "environment.yml", replace(declared, python="^3.9"), OPTIONS)
    assert yaml.safe_load(poetry)["dependencies"][0] == "python"  # conda cannot say ^3.9


def test_the_last_pip_section_is_the_one_conda_installs(tmp_path: Path) -> None:
    (tmp_path / "environment.yml").write_text(
        "dependencies:\n  - pip:\n    - first\n  - pip:\n    - second\n"
    )
    declared = FORMAT.read(ProjectFiles(tmp_path), "environment.yml")
    assert [r.name for r in declared.groups[0].requirements] == ["second"]
