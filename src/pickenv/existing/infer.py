"""What an existing project's files say about the questionnaire's answers.

Only what a file states is inferred, each with where it came from; the rest stays
unknown (``pickenv detect --recommend`` takes defaults or --answer for those). The
answers a pickenv (or team template) project recorded in ``.copier-answers.yml`` are
the user's own words: they answer what they record.

The Python target: a file that names one version (``.python-version``, ``runtime.txt``'s
``python-3.10.4``, a Pipfile's ``python_version``, environment.yml's ``python=3.10``,
``requires-python = "==3.12.*"``, the Python pip-compile compiled a lock with) is the
target. A lower bound (``requires-python = ">=3.8"``, setup.py's ``python_requires``) is
not: the project runs on every version it admits, so the target is the newest one
pickenv knows inside it, and it says so. A stated version wins over a recorded answer,
which wins over a lower bound.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pickenv.errors import PickenvError
from pickenv.formats.files import FileError, ProjectFiles, as_mapping
from pickenv.questionnaire.questions import QUESTIONS, Value, coerce, get_question
from pickenv.versions import KNOWN_VERSIONS

_WEB = {"flask", "django", "fastapi", "starlette", "pyramid", "bottle", "tornado", "aiohttp", "wagtail"}
_DATA = {
    "pandas",
    "numpy",
    "scipy",
    "jupyter",
    "jupyterlab",
    "notebook",
    "matplotlib",
    "scikit-learn",
    "polars",
}
_LOCKS = ("Pipfile.lock", "uv.lock", "poetry.lock", "pdm.lock", "conda-lock.yml", "pixi.lock", "pylock.toml")
# Every minor version a specifier could name: a specifier that admits exactly one of
# them names one version; one that admits the newest admits the future too (a bound).
_MINORS = (*(f"2.{n}" for n in range(8)), *(f"3.{n}" for n in range(40)))


@dataclass(frozen=True)
class Inferred:
    answers: dict[str, Value]  # question -> value
    sources: dict[str, str]  # question -> the file and what it says
    unknown: tuple[str, ...]  # questions nothing answers
    problems: tuple[str, ...] = ()  # files that could not be read (one line each)
    notes: tuple[str, ...] = ()  # files that disagree about an answer
    # python_version names the version a file (or the recorded answers) gives; False when it
    # is only the newest a bound admits (">=3.8"), which a file written for it must not pin
    python_stated: bool = False


@dataclass(frozen=True)
class _Python:
    version: str  # "3.12" (maybe one the questionnaire does not take: "3.5")
    source: str  # what the file says, for the answer's "from"
    exact: bool  # the file names this version; else it is the newest a lower bound admits
    where: str = ""  # the file
    spec: str = ""  # the specifier, where the file gives one
    admits_27: bool = False  # the specifier admits Python 2.7 (2/3-compatible code)


class _Reader:
    """Reads through ``ProjectFiles``; what cannot be read is a problem, not an error."""

    def __init__(self, files: ProjectFiles) -> None:
        self.files = files
        self.problems: list[str] = []

    def attempt(self, read: Any, *args: Any) -> Any:
        try:
            return read(*args)
        except FileError as exc:
            if exc.message not in self.problems:
                self.problems.append(exc.message)
            return None

    def text(self, path: str) -> str:
        return (self.attempt(self.files.text, path) or "") if self.files.exists(path) else ""

    def data(self, path: str) -> Mapping[str, Any]:
        if not self.files.exists(path):
            return {}
        read = self.files.toml if path.endswith((".toml", "Pipfile")) else self.files.yaml
        return as_mapping(self.attempt(read, path))


def infer_answers(
    files: ProjectFiles, tool: str | None, recorded: Mapping[str, Any] | None = None, recorded_file: str = ""
) -> Inferred:
    del tool  # what the files say does not depend on which tool reads them
    from pickenv.formats.package import read_package

    reader = _Reader(files)
    pyproject = reader.data("pyproject.toml")
    if pyproject:
        reader.attempt(read_package, files)  # a [project] pip would refuse is the file's problem
    pipfile = reader.data("Pipfile")
    environments = [p for p in files.glob("environment*.y*ml") if p.endswith((".yml", ".yaml"))]
    envs = {path: reader.data(path) for path in environments}
    requirements = _requirement_files(files)
    answers: dict[str, Value] = {}
    sources: dict[str, str] = {}
    candidates = _pythons(reader, pyproject, pipfile, envs, requirements)
    exact = next((c for c in candidates if c.exact), None)
    bound = next((c for c in candidates if not c.exact), None)
    chosen = exact or bound
    if chosen is not None:
        answers["python_version"], sources["python_version"] = chosen.version, chosen.source
    notes = _disagreements(candidates, chosen)
    deps = _dependencies(reader, pyproject, pipfile, envs, requirements)
    domain = _domain(files, pyproject, deps, candidates)
    if domain:
        answers["domain"], sources["domain"] = domain
    lock = next((name for name in (*_LOCKS, *files.glob("pylock.*.toml")) if files.exists(name)), None)
    hashed = next((path for path, hashed in deps["hashed"].items() if hashed), None)
    if lock or hashed:
        what = "pins every package" if lock else "pins every package with its hashes"
        answers["lockfile"], sources["lockfile"] = True, f"{lock or hashed} {what}"
    conda_only = sorted(deps["conda-only"])
    if conda_only:
        answers["binary_deps"] = True
        sources["binary_deps"] = f"{environments[0]} needs {', '.join(conda_only)} from conda"
    stated = exact is not None
    for key, value in _answers_of(recorded or {}).items():
        if key == "python_version" and exact is not None:
            continue  # a file that names the version says what the project is now
        answers[key], sources[key] = value, f"{recorded_file} records {key}={_shown(value)}"
        stated = stated or key == "python_version"
    checked: dict[str, Value] = {}
    for key, raw in answers.items():
        try:
            checked[key] = coerce(get_question(key), raw, origin=sources[key])
        except PickenvError:
            notes.append(f"{sources.pop(key)}, which pickenv's questions do not offer")
    unknown = tuple(q.id for q in QUESTIONS if q.id not in checked)
    stated = stated and "python_version" in checked
    return Inferred(checked, sources, unknown, tuple(reader.problems), tuple(notes), stated)


def _shown(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _answers_of(recorded: Mapping[str, Any]) -> dict[str, Value]:
    """The questionnaire's answers among what an answers file records."""
    return {q.id: v for q in QUESTIONS if isinstance(v := recorded.get(q.id), (str, bool))}


def _requirement_files(files: ProjectFiles) -> list[str]:
    patterns = ("*requirements*.txt", "requirements*.in", "requirements/*.txt", "requirements/*.in")
    return list(dict.fromkeys(p for pattern in patterns for p in files.glob(pattern)))


# ---- the Python target ----------------------------------------------------------------------
def _pythons(
    reader: _Reader,
    pyproject: Mapping[str, Any],
    pipfile: Mapping[str, Any],
    envs: Mapping[str, Mapping[str, Any]],
    requirements: list[str],
) -> list[_Python]:
    """Every statement of the Python version, most telling first."""
    found: list[_Python | None] = []
    text = reader.text(".python-version")
    line = next((w for w in text.splitlines() if w.strip() and not w.lstrip().startswith("#")), "")
    if match := re.match(r"\s*(?:cpython-|python)?(\d+\.\d+)", line):
        found.append(_Python(match[1], f".python-version says {line.strip()[:20]}", True, ".python-version"))
    requires = as_mapping(pipfile.get("requires"))
    for key in ("python_version", "python_full_version"):
        if isinstance(requires.get(key), str) and (match := re.match(r"\s*(\d+\.\d+)", requires[key])):
            found.append(
                _Python(match[1], f"Pipfile [requires] {key} = {requires[key][:20]!r}", True, "Pipfile")
            )
    for path, env in envs.items():
        found += [_conda_python(path, str(entry)) for entry in _list(env.get("dependencies"))]
    if match := re.match(r"\s*python-(\d+\.\d+)", reader.text("runtime.txt")):
        found.append(_Python(match[1], f"runtime.txt says {match[0].strip()}", True, "runtime.txt"))
    project = as_mapping(pyproject.get("project"))
    if isinstance(project.get("requires-python"), str):
        found.append(_specified("pyproject.toml", "requires-python", project["requires-python"]))
    poetry = as_mapping(as_mapping(as_mapping(pyproject.get("tool")).get("poetry")).get("dependencies"))
    if isinstance(poetry.get("python"), str):
        found.append(
            _specified("pyproject.toml", "[tool.poetry.dependencies] python", _poetry(poetry["python"]))
        )
    setup = reader.text("setup.py")
    if match := re.search(r"python_requires\s*=\s*(['\"])([^'\"\n]{1,200})\1", setup):
        found.append(_specified("setup.py", "python_requires", match[2]))
    cfg = re.search(r"(?m)^\s*python_requires\s*=\s*(\S[^\n]{0,200})", reader.text("setup.cfg"))
    if cfg:
        found.append(_specified("setup.cfg", "python_requires", cfg[1].strip()))
    for path in requirements:
        head = reader.text(path)[:2000]
        if match := re.search(r"autogenerated by pip-compile with Python (\d+\.\d+)", head):
            said = f"{path} was compiled by pip-compile with Python {match[1]}"
            found.append(_Python(match[1], said, True, path))
            break
    cfg_text = reader.text(".venv/pyvenv.cfg")
    if match := re.search(r"(?m)^version(?:_info)?\s*=\s*(\d+\.\d+)", cfg_text):
        found.append(_Python(match[1], f".venv/pyvenv.cfg says {match[1]}", True, ".venv/pyvenv.cfg"))
    return [p for p in found if p is not None]


def _specified(where: str, key: str, specifier: str, said: str = "") -> _Python | None:
    """A PEP 440 specifier: the version when it admits only one, else the newest it admits."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet  # 17 ms with requirements: read when used

    clauses = [f"=={c.strip()}" if re.match(r"\s*\d", c) else c for c in specifier.split(",")]
    try:
        spec = SpecifierSet(",".join(clauses))
    except InvalidSpecifier:
        return None
    patches = [s.version for s in spec if re.fullmatch(r"\d+\.\d+\.\d+", s.version)]
    admitted = [
        v
        for v in _MINORS
        if any(
            spec.contains(x, prereleases=True) for x in (v, f"{v}.0", f"{v}.99", *patches) if _minor(x) == v
        )
    ]
    if not admitted:
        return None
    source = said or f"{where} {key} {specifier.strip()!r}"
    known = [v for v in KNOWN_VERSIONS if v in admitted]
    two = "2.7" in admitted
    if len(admitted) == 1:
        return _Python(admitted[0], source, True, where, specifier, two)
    newest = known[-1] if known else admitted[-1]
    return _Python(newest, f"{source} (the newest it admits)", False, where, specifier, two)


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def _conda_python(path: str, entry: str) -> _Python | None:
    """environment.yml's ``python=3.10`` (a version), ``python>=3.8`` (a bound)."""
    from pickenv.formats.matchspec import Constraint, SpecError, Versions, parse_matchspec

    try:
        spec = parse_matchspec(entry)
    except SpecError:
        return None
    if spec.name != "python" or spec.version is None:
        return None
    said = f"{path} asks for {entry.strip()[:40]!r}"
    if isinstance(spec.version, Versions):
        if spec.version.join == "|":
            return None
        parts = spec.version.parts
    else:
        parts = (spec.version,)
    clauses = []
    for part in parts:
        if not isinstance(part, Constraint) or part.op in ("glob", "!=*"):
            return None
        match = re.match(r"(\d+\.\d+)", part.version)
        if part.op in ("=", "==") and len(parts) == 1 and match:
            return _Python(match[1], said, True, path)  # python=3.10, python 3.8.5: the version named
        if part.op != "*":
            clauses.append(f"=={part.version}.*" if part.op == "=" else str(part))
    return _specified(path, "python", ",".join(clauses), said) if clauses else None


def _poetry(constraint: str) -> str:
    """poetry's ``^3.9`` and ``~3.9`` as PEP 440 (``>=3.9,<4.0``, ``>=3.9,<3.10``)."""
    parts = []
    for part in constraint.split(","):
        part = part.strip()
        if match := re.fullmatch(r"\^\s*(\d+)(?:\.(\d+))?(?:\.\d+)?", part):
            parts += [f">={part[1:].strip()}", f"<{int(match[1]) + 1}.0"]
        elif match := re.fullmatch(r"~(?!=)\s*(\d+)\.(\d+)(?:\.\d+)?", part):
            parts += [f">={part[1:].strip()}", f"<{match[1]}.{int(match[2]) + 1}"]
        else:
            parts.append(part)
    return ",".join(parts)


def _disagreements(candidates: list[_Python], chosen: _Python | None) -> list[str]:
    """Files that name another version, or bounds the chosen version is outside of."""
    if chosen is None:
        return []
    said = []
    for other in candidates:
        if other is chosen or (other.where == chosen.where and other.spec == chosen.spec):
            continue
        if other.exact and other.version != chosen.version:
            said.append(f"{other.source}, but the target is {chosen.version} ({chosen.where})")
        elif not other.exact and other.spec and not _admits(other.spec, chosen.version):
            said.append(
                f"the target {chosen.version} ({chosen.where}) is outside {other.where} {other.spec!r}"
            )
    return said


def _admits(specifier: str, version: str) -> bool:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return SpecifierSet(specifier).contains(f"{version}.0", prereleases=True)
    except InvalidSpecifier:
        return True


# ---- dependencies: what kind of project ---------------------------------------------------
def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _names(texts: Iterable[object]) -> set[str]:
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    names = set()
    for text in texts:
        try:
            names.add(str(canonicalize_name(Requirement(str(text)).name)))
        except InvalidRequirement:
            continue
    return names


def _dependencies(
    reader: _Reader,
    pyproject: Mapping[str, Any],
    pipfile: Mapping[str, Any],
    envs: Mapping[str, Mapping[str, Any]],
    requirements: list[str],
) -> dict[str, Any]:
    from packaging.utils import canonicalize_name

    from pickenv.formats import get_format
    from pickenv.formats.condanames import CONDA_ONLY
    from pickenv.formats.matchspec import SpecError, parse_matchspec

    names = _names(_list(as_mapping(pyproject.get("project")).get("dependencies")))
    for section in ("packages", "dev-packages"):
        names |= {str(canonicalize_name(str(n))) for n in as_mapping(pipfile.get(section))}
    hashed: dict[str, bool] = {}
    fmt = get_format("requirements")
    for path in requirements:
        declared = reader.attempt(fmt.read, reader.files, path) if fmt.claims(reader.files, path) else None
        reqs = [r for g in declared.groups for r in g.requirements] if declared is not None else []
        names |= {r.name for r in reqs}
        hashed[path] = bool(reqs) and all(r.hashes for r in reqs)
    conda_only: set[str] = set()
    for env in envs.values():
        for entry in _list(env.get("dependencies")):
            if isinstance(entry, Mapping):
                names |= _names(line for line in _list(entry.get("pip")) if not str(line).startswith("-"))
                continue
            try:
                name = parse_matchspec(str(entry)).name
            except SpecError:
                continue
            names.add(name)
            if name in CONDA_ONLY:
                conda_only.add(name)
    return {"names": names, "hashed": hashed, "conda-only": conda_only}


def _domain(
    files: ProjectFiles, pyproject: Mapping[str, Any], deps: Mapping[str, Any], pythons: list[_Python]
) -> tuple[str, str] | None:
    legacy = next((p for p in pythons if p.admits_27 or p.version == "2.7"), None)
    if legacy is not None:
        return "legacy-python2", f"{legacy.source.split(' (')[0]} admits Python 2.7"
    web = sorted(_WEB & deps["names"])
    if web:
        return "web", f"it depends on {', '.join(web)}"
    data = sorted(_DATA & deps["names"])
    if data or files.is_dir("notebooks") or files.glob("*.ipynb"):
        return "data-science", f"it {'depends on ' + ', '.join(data) if data else 'has notebooks'}"
    if as_mapping(pyproject.get("project")).get("scripts"):
        return "cli", "pyproject.toml declares console scripts"
    if files.glob("src/*/py.typed") or files.glob("*/py.typed"):
        return "library", "it ships py.typed (a typed library)"
    return None
