"""A project's dependencies, read from every format a tool keeps them in.

``pickenv switch`` carries them from one tool's files to another's, so this reads
what pip, pipenv and conda would install, each with where it came from:
requirements files (with their ``-r`` includes, as pip reads them), a Pipfile's
``[packages]`` and ``[dev-packages]``, an environment.yml's conda list and ``pip:``
section, and pyproject.toml. Requirements are parsed by ``packaging`` (PEP 508), so
what is carried is what pip would accept. What cannot be expressed as a plain
requirement (a custom index, hashes, pip options, constraints, a conda package with
no PyPI counterpart) is a ``Leftover``, said to the user, never dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from pickenv.errors import Fix, ProjectError

Group = Literal["runtime", "dev"]

# conda packages that are compiled non-Python libraries or programs: PyPI has no
# package of that name that installs them (gdal's PyPI package needs the C library
# already there; PyPI's graphviz and ffmpeg are unrelated Python packages).
CONDA_ONLY = frozenset(
    [
        "cudatoolkit",
        "cuda",
        "cuda-version",
        "cuda-toolkit",
        "cuda-nvcc",
        "cudnn",
        "nccl",
        "pytorch-cuda",
        "gdal",
        "libgdal",
        "mkl",
        "intel-openmp",
        "llvm-openmp",
        "tbb",
        "hdf5",
        "libnetcdf",
        "proj",
        "geos",
        "openblas",
        "libblas",
        "libcblas",
        "liblapack",
        "blas",
        "nodejs",
        "r-base",
        "compilers",
        "c-compiler",
        "cxx-compiler",
        "fortran-compiler",
        "gcc",
        "gxx",
        "gfortran",
        "make",
        "pkg-config",
        "openjdk",
        "graphviz",
        "ffmpeg",
        "poppler",
        "tesseract",
        "zlib",
        "openssl",
        "sqlite",
        "libgcc-ng",
        "libstdcxx-ng",
        "tk",
        "xz",
    ]
)
# conda-forge names whose PyPI package is named otherwise.
CONDA_TO_PYPI = {
    "pytorch": "torch",
    "pytorch-cpu": "torch",
    "pytorch-gpu": "torch",
    "matplotlib-base": "matplotlib",
    "pytables": "tables",
    "py-opencv": "opencv-python",
    "opencv": "opencv-python",
    "msgpack-python": "msgpack",
    "pyqt": "PyQt5",
    "python-graphviz": "graphviz",
    "tensorflow-base": "tensorflow",
    "py-xgboost": "xgboost",
    "python-kaleido": "kaleido",
}
DEFAULT_INDEX = "https://pypi.org/simple"


@dataclass(frozen=True)
class Dependency:
    name: str  # canonical (PEP 503)
    requirement: str  # as pip reads it (PEP 508): "django>=4.2; python_version < '3.12'"
    group: Group
    origin: str  # "requirements.txt:3"

    @property
    def parsed(self) -> Requirement:
        return Requirement(self.requirement)


@dataclass(frozen=True)
class Leftover:
    """Something the old files say that no other tool's files can say for it."""

    origin: str
    text: str
    why: str


@dataclass(frozen=True)
class Dependencies:
    items: tuple[Dependency, ...]
    leftovers: tuple[Leftover, ...] = ()
    # The files install the project itself (`.`, `-e .[dev]`): None when they do not,
    # else the extras they install it with.
    project_extras: frozenset[str] | None = None

    def names(self, group: Group | None = None) -> frozenset[str]:
        return frozenset(d.name for d in self.items if group is None or d.group == group)

    def __add__(self, other: Dependencies) -> Dependencies:
        return Dependencies(
            self.items + other.items,
            self.leftovers + other.leftovers,
            _union(self.project_extras, other.project_extras),
        )


def _union(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    return b if a is None else a if b is None else a | b


def _extras(text: str | None) -> frozenset[str]:
    return frozenset(canonicalize_name(e) for e in (text or "").strip("[]").split(",") if e.strip())


def parse_requirement(text: str) -> Requirement | None:
    try:
        return Requirement(text)
    except InvalidRequirement:
        return None


def dependency(requirement: Requirement, group: Group, origin: str) -> Dependency:
    return Dependency(canonicalize_name(requirement.name), str(requirement), group, origin)


def unique(items: Iterable[Dependency]) -> tuple[Dependency, ...]:
    """One entry per package: the first seen; a runtime need wins over a dev one."""
    chosen: dict[str, Dependency] = {}
    for item in items:
        old = chosen.get(item.name)
        if old is None or (old.group == "dev" and item.group == "runtime"):
            chosen[item.name] = item
    return tuple(chosen.values())


# ---- requirements files ------------------------------------------------------------
_SELF = re.compile(r"^(-e\s+|--editable[\s=]+)?\.(/)?(\[[\w,\s-]+\])?$")
_INCLUDE = re.compile(r"^(-r|--requirement|-c|--constraint)[\s=]+(\S+)$")
_HASH = re.compile(r"\s--hash[=\s]\S+")
_VCS = re.compile(r"^(?P<url>(git|hg|svn|bzr)\+[^#\s]+)#egg=(?P<egg>[\w.\-]+)&?(?P<rest>\S*)$")


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """pip's view of a requirements file: continuations joined, comments dropped."""
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = (pending + line).strip(), ""
        if line:
            yield start, line


def read_requirements(path: Path, root: Path, group: Group, seen: set[Path] | None = None) -> Dependencies:
    """One requirements file and the files it includes with ``-r``."""
    seen = set() if seen is None else seen
    resolved = path.resolve()
    if resolved in seen:
        return Dependencies(())
    seen.add(resolved)
    name = relative(path, root)
    found = Dependencies(())
    for number, line in logical_lines(path.read_text(encoding="utf-8", errors="replace")):
        found += requirement_line(line, f"{name}:{number}", group, path.parent, root, seen)
    return found


def requirement_line(
    line: str, origin: str, group: Group, folder: Path, root: Path, seen: set[Path]
) -> Dependencies:
    """One logical line of a requirements file (or of environment.yml's ``pip:``)."""
    if found_self := _SELF.match(line):
        return Dependencies((), project_extras=_extras(found_self[3]))
    include = _INCLUDE.match(line)
    if include and include[1] in ("-r", "--requirement"):
        target = folder / include[2]
        if not target.is_file():  # pip stops here too: the file's packages are unknown
            raise _bad_line(origin, line, "includes a file that does not exist")
        return read_requirements(target, root, group, seen)
    if include:
        return Dependencies(
            (), (Leftover(origin, line, "constraints pin versions only; the new lock file pins them"),)
        )
    vcs = _VCS.match(line)
    if vcs:  # a bare VCS URL names its package in #egg=
        line = f"{vcs['egg']} @ {vcs['url']}" + (f"#{vcs['rest']}" if vcs["rest"] else "")
    if line.startswith("-"):
        why = "a pip option: declare the same in the new tool's configuration by hand"
        if line.startswith(("-e", "--editable")):
            why = "an editable install of another folder or repository: add it by hand"
        return Dependencies((), (Leftover(origin, line, why),))
    hashed = _HASH.search(line) is not None
    requirement = parse_requirement(_HASH.sub("", " " + line).strip())
    if requirement is None:  # pip refuses the file: carrying the rest would hide it
        raise _bad_line(origin, line, "is not a requirement pip reads")
    leftovers = (
        (
            Leftover(
                origin, f"{requirement.name} --hash=…", "hashes are not carried: the new lock records them"
            ),
        )
        if hashed
        else ()
    )
    return Dependencies((dependency(requirement, group, origin),), leftovers)


def requirement_files(root: Path) -> list[Path]:
    """requirements.txt first: it is what the project needs to run."""
    files = sorted(root.glob("*requirements*.txt"))
    return sorted(files, key=lambda p: p.name != "requirements.txt")


def requirements_group(name: str) -> Group:
    """requirements.txt is what the project runs with; every other requirements file
    (requirements-dev.txt, dev-requirements.txt) is development."""
    return "runtime" if name == "requirements.txt" else "dev"


def read_requirement_files(root: Path) -> Dependencies:
    seen: set[Path] = set()
    found = Dependencies(())
    for path in requirement_files(root):
        found += read_requirements(path, root, requirements_group(path.name), seen)
    return found


def has_project_table(root: Path) -> bool:
    """pyproject.toml has a [project] table (PEP 621), which can take dependencies."""
    pyproject = root / "pyproject.toml"
    return pyproject.is_file() and bool(load_toml(pyproject).get("project"))


def installable(root: Path) -> bool:
    """pip can install the project itself (``.``)."""
    return (root / "setup.py").is_file() or (root / "setup.cfg").is_file() or has_project_table(root)


# ---- helpers -------------------------------------------------------------------------------
def load_toml(path: Path) -> dict[str, Any]:
    """A TOML file's data; an unreadable one stops the switch (it holds dependencies)."""
    import tomlkit

    try:
        return tomlkit.parse(path.read_text(encoding="utf-8")).unwrap()
    except (OSError, UnicodeDecodeError, tomlkit.exceptions.ParseError) as exc:
        raise unreadable(path, str(exc)) from None


def load_yaml(path: Path) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise unreadable(path, str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise unreadable(path, "it is not a mapping")
    return data


def origin_file(origin: str) -> str:
    """The file an origin names: "requirements.txt:3", "Pipfile [packages] x"."""
    return origin.split(":")[0].split(" ")[0]


def _bad_line(origin: str, line: str, why: str) -> ProjectError:
    return ProjectError(
        f"{origin}: {line!r} {why}", fixes=[Fix.FIX_FILE], facts={"file": origin_file(origin)}
    )


def unreadable_entry(origin: str, text: str) -> ProjectError:
    return _bad_line(origin, text, "is not a requirement pickenv can read")


def unreadable(path: Path, why: str) -> ProjectError:
    return ProjectError(
        f"{path.name} cannot be read ({why})", fixes=[Fix.FIX_FILE], facts={"file": path.name}
    )


def relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
