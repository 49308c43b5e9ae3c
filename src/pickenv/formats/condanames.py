"""Names in conda environment files and on PyPI: the group an environment file's name
says, the conda packages PyPI has no counterpart of (``CONDA_ONLY``) or names otherwise
(``CONDA_TO_PYPI``), a conda match spec as the PEP 508 requirement that says the same
(``conda_to_pep508``) and a requirement back in conda's spelling (``conda_spelling``).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from packaging.requirements import InvalidRequirement, Requirement

from pickenv.formats.matchspec import NAME_RE, Constraint, MatchSpec, Versions, parse_matchspec
from pickenv.formats.model import DEFAULT, Req, group_name

# Compiled libraries and programs: PyPI has no package of the name that installs them
# (PyPI's graphviz, ffmpeg, snappy, zstd and pandoc are unrelated Python packages).
CONDA_ONLY = frozenset(
    """cudatoolkit cuda cuda-version cuda-toolkit cuda-nvcc cuda-cudart cudnn nccl pytorch-cuda gdal
    libgdal mkl mkl-include intel-openmp llvm-openmp libgomp tbb hdf5 libnetcdf netcdf-fortran proj geos
    libspatialite openblas libblas libcblas liblapack blas nodejs yarn r-base compilers c-compiler
    cxx-compiler fortran-compiler gcc gxx gfortran gcc_linux-64 gxx_linux-64 sysroot_linux-64 make
    pkg-config openjdk graphviz ffmpeg poppler tesseract pandoc git git-lfs curl zlib openssl
    ca-certificates sqlite libgcc-ng libstdcxx-ng libffi ncurses readline bzip2 tk xz zstd lz4-c snappy
    boost boost-cpp eigen cairo pango glib libiconv icu libxml2 libxslt jpeg libpng libtiff freetype
    fontconfig harfbuzz libarrow arrow-cpp libprotobuf tzdata""".split()  # noqa: SIM905 - a word list
)
# conda-forge (and defaults) names whose PyPI package is named otherwise.
CONDA_TO_PYPI = {
    "pytorch": "torch", "pytorch-cpu": "torch", "pytorch-gpu": "torch", "matplotlib-base": "matplotlib",
    "numpy-base": "numpy", "dask-core": "dask", "pytables": "tables", "py-opencv": "opencv-python",
    "opencv": "opencv-python", "msgpack-python": "msgpack", "pyqt": "PyQt5", "python-graphviz": "graphviz",
    "tensorflow-base": "tensorflow", "py-xgboost": "xgboost", "python-kaleido": "kaleido",
    "python-lmdb": "lmdb", "python-xxhash": "xxhash", "python-flatbuffers": "flatbuffers",
    "python-tzdata": "tzdata",
}  # fmt: skip
# Back to conda's spelling only where conda-forge has no package of the PyPI name.
_PYPI_TO_CONDA = {
    "torch": "pytorch", "tables": "pytables", "opencv-python": "py-opencv", "msgpack": "msgpack-python",
    "pyqt5": "pyqt", "graphviz": "python-graphviz", "kaleido": "python-kaleido", "lmdb": "python-lmdb",
    "xxhash": "python-xxhash", "flatbuffers": "python-flatbuffers", "tzdata": "python-tzdata",
}  # fmt: skip
_ALIASES = {"development": "dev", "develop": "dev", "devel": "dev"}
CONDA_LIST = " dependencies["  # in the origin of what a conda list says: the render keeps it there
# A path pip installs from (-e ., ../lib[x], file:..) in a pip: list: conda runs pip in the environment
# file's folder, so it is relative to that folder (the requirements format reads from the project's root).
PIP_PATH = re.compile(
    r"(?P<e>(?:-e|--editable)(?:\s+|\s*=\s*))?(?P<path>(?:file:)?(?:[.~/][^\s\[\]]*|[^\s\[\]:@]*/[^\s\[\]]*))"
    r"(?:\[(?P<extras>[^\]]*)\])?"
)


def group_of(path: str) -> str:
    """``environment.yml`` -> default; ``environment-X.yml`` -> X; ``doc/environment.yml`` -> doc."""
    where = PurePosixPath(path)
    named = re.fullmatch(r"environment[-_](.+)\.ya?ml", where.name)
    if named is None and where.parent.name == "":
        return DEFAULT
    name = group_name(named[1] if named else where.parent.name)
    return _ALIASES.get(name, name)


def conda_only(name: str) -> bool:  # R packages are r-*; mutexes, virtual packages _* and __*
    return name in CONDA_ONLY or name.startswith(("r-", "_"))


# Versions conda and PEP 440 order alike among final releases (conda orders "dev", "post" and
# letters after a dot otherwise: 1.1dev1 < 1.1a1, 1.1.post1 < 1.1post1, 1rc1 is not 1.0rc1).
_SAFE = re.compile(r"(?:\d+!)?\d+(?:\.\d+)*(?:(?:a|b|rc)\d+)?")
_RELEASE = re.compile(r"(?:\d+!)?\d+(?:\.\d+)*")
_PEP508_NAME = re.compile(NAME_RE)


def _pep440(spec: Constraint | Versions | None) -> str | None:
    """The PEP 440 specifier that admits the same versions ("" for any), or None."""
    if spec is None:
        return ""
    if isinstance(spec, Versions):
        parts = [_pep440(p) for p in spec.parts]
        return None if spec.join == "|" or None in parts else ",".join(p for p in parts if p)
    if spec.op == "*":
        return ""
    if spec.op == "glob" or not _SAFE.fullmatch(spec.version):
        return None
    if spec.op in ("=", "!=*"):  # PEP 440 has no prefix of a pre-release
        return (
            f"{spec.op[:2] if spec.op == '!=*' else '=='}{spec.version}.*"
            if _RELEASE.fullmatch(spec.version)
            else None
        )
    return None if spec.op == "~=" and "." not in spec.version else f"{spec.op}{spec.version}"


def pep508(parsed: MatchSpec) -> tuple[str | None, tuple[str, ...]]:
    name = parsed.name
    if parsed.url:
        return None, (f"{parsed.url} is a conda package file",)
    if name in ("python", "pip"):
        return None, (f"{name} is the interpreter or the installer, not a requirement",)
    if conda_only(name):
        return None, (f"{name} is a conda package with no PyPI counterpart",)
    why = [f"the build string {parsed.build!r} is conda's own"] if parsed.build else []
    why += [f"{f} is conda's own" for f in parsed.fields]
    why += [f"it comes from the conda channel {parsed.channel}"] if parsed.channel else []
    version = _pep440(parsed.version)
    if version is None:
        return None, (*why, f"conda's version {parsed.version} has no PEP 440 form")
    pypi = CONDA_TO_PYPI.get(name, name)
    if _PEP508_NAME.fullmatch(pypi) and "," not in version:  # packaging would write the same text
        return f"{pypi}{version}", tuple(why)
    try:
        return str(Requirement(f"{pypi}{version}")), tuple(why)
    except InvalidRequirement:
        return None, (*why, f"{name} is not a name PyPI allows")


def conda_to_pep508(spec: str) -> tuple[str | None, tuple[str, ...]]:
    """A conda match spec as a PEP 508 requirement on PyPI's name (None when there is none),
    and why it is not exactly the same (empty when it is). ``SpecError`` if conda refuses it."""
    return pep508(parse_matchspec(spec))


def conda_spelling(req: Req) -> str | None:
    """A requirement in conda's own spelling, where conda says the same."""
    parsed = req.parsed
    specs = sorted(parsed.specifier, key=str)
    if parsed.marker or parsed.url or parsed.extras:
        return None
    if any(s.operator == "===" or not _SAFE.fullmatch(s.version.removesuffix(".*")) for s in specs):
        return None
    name = _PYPI_TO_CONDA.get(req.name, parsed.name.lower())
    if len(specs) == 1 and specs[0].operator == "==" and specs[0].version.endswith(".*"):
        return f"{name}={specs[0].version[:-2]}"
    parts = [s.version if s.operator == "==" and s.version.endswith(".*") else str(s) for s in specs]
    return f"{name} {','.join(parts)}" if parts else name
