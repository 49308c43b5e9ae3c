"""What an existing project's files say about the questionnaire's answers.

Only what a file states is inferred, each with where it came from; the rest stays
unknown (``pickenv detect --recommend`` takes defaults or --answer for those).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pickenv.errors import PickenvError
from pickenv.project.deps import CONDA_ONLY, read_requirements
from pickenv.questionnaire.questions import QUESTIONS, Value, coerce, get_question
from pickenv.versions import KNOWN_VERSIONS, select_versions

_WEB = {"flask", "django", "fastapi", "starlette", "pyramid", "bottle", "tornado", "aiohttp"}
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
_LOCKS = ("Pipfile.lock", "uv.lock", "poetry.lock", "pdm.lock", "conda-lock.yml", "pixi.lock")


@dataclass(frozen=True)
class Inferred:
    answers: dict[str, Value]  # question -> value
    sources: dict[str, str]  # question -> the file and what it says
    unknown: tuple[str, ...]  # questions nothing answers


def infer_answers(project: Path, tool: str | None) -> Inferred:
    answers: dict[str, Value] = {}
    sources: dict[str, str] = {}
    pyproject = _toml(project / "pyproject.toml")
    pipfile = _toml(project / "Pipfile")
    environment = _yaml(project / "environment.yml") or _yaml(project / "environment.yaml")
    deps = _dependencies(project, pyproject, pipfile, environment)

    version = _python_version(project, pyproject, pipfile, environment)
    if version:
        answers["python_version"], sources["python_version"] = version
    domain = _domain(project, pyproject, deps, answers.get("python_version"))
    if domain:
        answers["domain"], sources["domain"] = domain
    lock = next((name for name in _LOCKS if (project / name).exists()), None)
    hashed = next((p.name for p in sorted(project.glob("requirements*.txt")) if "--hash=" in _text(p)), None)
    if lock or hashed:
        answers["lockfile"], sources["lockfile"] = True, f"{lock or hashed} pins every package"
    conda_only = sorted(CONDA_ONLY & {d for d in deps.get("conda", set())})
    if conda_only:
        answers["binary_deps"] = True
        sources["binary_deps"] = f"environment.yml needs {', '.join(conda_only)} from conda"
    checked: dict[str, Value] = {}
    for key, raw in answers.items():
        try:
            checked[key] = coerce(get_question(key), raw, origin=sources[key])
        except PickenvError:
            sources.pop(key)  # a value the questionnaire does not take (Python 3.5): unknown
    unknown = tuple(q.id for q in QUESTIONS if q.id not in checked)
    return Inferred(checked, sources, unknown)


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    try:
        return tomllib.loads(_text(path)) if path.is_file() else {}
    except tomllib.TOMLDecodeError:
        return {}


def _yaml(path: Path) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(_text(path)) if path.is_file() else None
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[@]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _dependencies(
    project: Path, pyproject: dict[str, Any], pipfile: dict[str, Any], env: dict[str, Any]
) -> dict[str, set[str]]:
    pip: set[str] = set()
    for requirement in pyproject.get("project", {}).get("dependencies", []) or []:
        pip.add(_name(str(requirement)))
    for section in ("packages", "dev-packages"):
        pip.update(str(name).lower() for name in pipfile.get(section, {}) or {})
    seen: set[Path] = set()
    for path in sorted(project.glob("*requirements*.txt")) + sorted(project.glob("requirements*.in")):
        pip |= read_requirements(path, project, "runtime", seen).names()  # with their -r includes
    conda: set[str] = set()
    for entry in env.get("dependencies", []) or []:
        if isinstance(entry, str):
            conda.add(_name(entry.split("::")[-1]))
        elif isinstance(entry, dict):
            pip.update(_name(str(r)) for r in entry.get("pip", []) or [])
    return {"pip": pip, "conda": conda, "all": pip | conda}


def _lowest(specifier: str) -> str | None:
    try:
        allowed = select_versions(specifier.replace(" ", ""))
    except ValueError:
        return None
    return next((v for v in KNOWN_VERSIONS if v in allowed), None)  # oldest first: the lowest supported


def _python_version(
    project: Path, pyproject: dict[str, Any], pipfile: dict[str, Any], env: dict[str, Any]
) -> tuple[str, str] | None:
    requires = pyproject.get("project", {}).get("requires-python")
    if isinstance(requires, str) and (found := _lowest(requires)):
        return found, f"pyproject.toml requires-python {requires!r}"
    pinned = pipfile.get("requires", {}).get("python_version")
    if pinned and (found := _lowest(str(pinned))):
        return found, f"Pipfile [requires] python_version = {pinned!r}"
    for entry in env.get("dependencies", []) or []:
        match = re.fullmatch(r"python\s*([=<>!~]*)\s*(\d+\.\d+)(?:\.\*|\.\d+)?", str(entry).strip())
        if match:
            return match[2], f"environment.yml asks for {str(entry).strip()!r}"
    setup = _text(project / "setup.py")
    if (found_setup := re.search(r"python_requires\s*=\s*['\"]([^'\"]+)['\"]", setup)) and (
        found := _lowest(found_setup[1])
    ):
        return found, f"setup.py python_requires {found_setup[1]!r}"
    for name, pattern in (
        (".python-version", r"^\s*(\d+\.\d+)"),
        (".venv/pyvenv.cfg", r"(?m)^version(?:_info)?\s*=\s*(\d+\.\d+)"),
    ):
        match = re.search(pattern, _text(project / name))
        if match and match[1] in KNOWN_VERSIONS:
            return match[1], f"{name} says {match[1]}"
    return None


def _domain(
    project: Path, pyproject: dict[str, Any], deps: dict[str, set[str]], version: Value | None
) -> tuple[str, str] | None:
    if str(version) == "2.7":
        return "legacy-python2", "the project targets Python 2.7"
    web = sorted(_WEB & deps["all"])
    if web:
        return "web", f"it depends on {', '.join(web)}"
    data = sorted(_DATA & deps["all"])
    if data or (project / "notebooks").is_dir() or any(project.glob("*.ipynb")):
        return "data-science", f"it {'depends on ' + ', '.join(data) if data else 'has notebooks'}"
    if pyproject.get("project", {}).get("scripts"):
        return "cli", "pyproject.toml declares console scripts"
    if any(project.glob("src/*/py.typed")) or any(project.glob("*/py.typed")):
        return "library", "it ships py.typed (a typed library)"
    return None
