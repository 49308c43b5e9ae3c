"""What a generated library contains, side by side: pickenv's own template (for each
tool) against scientific-python/cookie, pawamoy/copier-uv and `uv init --lib`.

    python bench/compare_generators.py [--cookie SRC] [--copier-uv SRC] [--markdown]

Each generator makes a library called `demo` into a scratch folder, with answers given
on the command line (no prompt). For each project it counts the files it holds (git's
own folder aside) and reads what it has: a CI workflow and the Pythons and systems it
tests on, a lint job, a pre-commit configuration, a type checker, a release workflow,
Dependabot, zizmor's findings on the workflows (offline) and Scientific Python's
repo-review (`sp-repo-review`): passed, failed and skipped checks, and the failed
checks' codes.

SRC is anything copier takes (a local clone, `gh:org/repo`); the defaults need the
internet. Needs, in this interpreter's environment: pickenv, copier,
copier-templates-extensions (copier-uv's template uses it), `sp-repo-review[cli]`,
zizmor and uv. Run from the venv pickenv is installed in.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

BIN = Path(sys.executable).parent
COOKIE_DATA = {
    "project_name": "demo",
    "org": "acme",
    "full_name": "Ada Lovelace",
    "email": "ada@example.com",
    "license": "MIT",
    "backend": "hatch",
    "docs": "sphinx",
    "vcs": "false",
}
COPIER_UV_DATA = {
    "project_name": "demo",
    "project_description": "A demo library.",
    "author_fullname": "Ada Lovelace",
    "author_email": "ada@example.com",
    "author_username": "ada",
    "repository_namespace": "ada",
    "copyright_license": "MIT",
}
PICKENV_TOOLS = ("venv", "virtualenv", "pipenv", "conda", "uv")


@dataclass(frozen=True)
class Contents:
    name: str
    files: int
    pythons: str
    systems: int
    lint_job: bool
    pre_commit: bool
    type_checker: bool
    release: bool
    dependabot: bool
    zizmor: int
    review: tuple[int, int, int]  # passed, failed, skipped
    failed: tuple[str, ...]


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if not found:
        raise SystemExit(f"{name} is not installed here: pip install {name}")
    return found


def run(argv: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, cwd=cwd, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL
    )


def made(argv: list[str], cwd: Path | None = None) -> None:
    done = run(argv, cwd)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:3])} failed:\n{done.stderr or done.stdout}")


def copier_copy(source: str, target: Path, data: dict[str, str]) -> Path:
    answers = [arg for key, value in data.items() for arg in ("-d", f"{key}={value}")]
    made([tool("copier"), "copy", "-q", "--trust", "--defaults", *answers, source, str(target)])
    return target


def pickenv_new(scratch: Path, name: str) -> Path:
    folder = scratch / name
    folder.mkdir()
    made(
        [tool("pickenv"), "new", "demo", "--tool", name, "-a", "domain=library", "-a", "python_version=3.12",
         "--defaults", "--no-create-env", "--author", "Ada Lovelace", "--output-dir", str(folder)]
    )  # fmt: skip
    return folder / "demo"


def uv_init(scratch: Path) -> Path:
    made([tool("uv"), "init", "-q", "--lib", "--no-workspace", "--name", "demo", str(scratch / "uv-init")])
    return scratch / "uv-init"


def workflows(project: Path) -> list[Path]:
    folder = project / ".github" / "workflows"
    return sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]) if folder.is_dir() else []


def matrix_of(project: Path) -> tuple[set[str], set[str]]:
    """The Python versions and operating systems the workflows name in their matrices."""
    pythons: set[str] = set()
    systems: set[str] = set()
    for path in workflows(project):
        text = path.read_text()
        systems.update(re.findall(r"\b(ubuntu|windows|macos)-(?:latest|\d[\w.-]*)", text))
        for job in (yaml.safe_load(text) or {}).get("jobs", {}).values():
            matrix = (job.get("strategy") or {}).get("matrix") or {}
            for key in ("python-version", "python", "py"):
                pythons.update(str(value) for value in matrix.get(key, []) if re.match(r"^\d", str(value)))
            for entry in matrix.get("include", []) or []:
                for key in ("python-version", "python"):
                    if key in entry:
                        pythons.add(str(entry[key]))
            for step in job.get("steps", []) or []:
                version = (step.get("with") or {}).get("python-version")
                if isinstance(version, str) and re.match(r"^\d", version):
                    pythons.add(version)
    return pythons, systems


def review(project: Path) -> tuple[tuple[int, int, int], tuple[str, ...]]:
    done = run([tool("repo-review"), "--format", "json", str(project)])
    report = json.loads(done.stdout)
    checks = report["checks"]
    failed = tuple(sorted(code for code, check in checks.items() if check["result"] is False))
    passed = sum(1 for check in checks.values() if check["result"] is True)
    skipped = sum(1 for check in checks.values() if check["result"] is None)
    return (passed, len(failed), skipped), failed


def zizmor_findings(project: Path) -> int:
    found = workflows(project)
    if not found:
        return 0
    done = run([tool("zizmor"), "--offline", "--format", "json", *map(str, found)])
    return len(json.loads(done.stdout or "[]"))


# mypy, pyright and ty (copier-uv runs it through its `duty` tasks) named as something to run.
TYPE_CHECKERS = re.compile(r"\b(mypy|pyright|basedpyright)\b|\bty check\b|tools\.ty\b")


def tooling(project: Path) -> str:
    """The text of the files that configure and run a project's checks (not its code)."""
    names = ("pyproject.toml", ".pre-commit-config.yaml", "noxfile.py", "tox.ini", "Makefile", "duties.py")
    found = [project / name for name in names] + workflows(project)
    return "\n".join(path.read_text(errors="replace") for path in found if path.is_file())


def contents(name: str, project: Path) -> Contents:
    files = [p for p in project.rglob("*") if p.is_file() and ".git" not in p.relative_to(project).parts]
    texts = "\n".join(p.read_text(errors="replace") for p in workflows(project))
    pythons, systems = matrix_of(project)
    results, failed = review(project)
    return Contents(
        name=name,
        files=len(files),
        pythons=", ".join(sorted(pythons, key=lambda v: tuple(int(p) for p in re.findall(r"\d+", v)))) or "-",
        systems=len(systems),
        lint_job=bool(re.search(r"^  (lint|pre-commit|checks?|quality):", texts, re.M)),
        pre_commit=(project / ".pre-commit-config.yaml").is_file(),
        type_checker=bool(TYPE_CHECKERS.search(tooling(project))),
        release=bool(re.search(r"pypi-publish|twine upload|uv publish", texts)),
        dependabot=(project / ".github" / "dependabot.yml").is_file(),
        zizmor=zizmor_findings(project),
        review=results,
        failed=failed,
    )


def table(rows: list[Contents]) -> str:
    def mark(flag: bool) -> str:
        return "yes" if flag else "no"

    lines = [
        "| generator | files | CI Pythons | OSes | lint job | pre-commit | type checker | release "
        "| Dependabot | zizmor findings | repo-review pass / fail / skip | failed checks |",
        "| --- | ---: | --- | ---: | --- | --- | --- | --- | --- | ---: | --- | --- |",
    ]
    for row in rows:
        passed, failed, skipped = row.review
        lines.append(
            f"| {row.name} | {row.files} | {row.pythons} | {row.systems} | {mark(row.lint_job)} "
            f"| {mark(row.pre_commit)} | {mark(row.type_checker)} | {mark(row.release)} "
            f"| {mark(row.dependabot)} | {row.zizmor} | {passed} / {failed} / {skipped} "
            f"| {', '.join(row.failed) or '-'} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cookie", default="gh:scientific-python/cookie", help="copier source of cookie")
    parser.add_argument("--copier-uv", default="gh:pawamoy/copier-uv", help="copier source of copier-uv")
    parser.add_argument("--tools", default=",".join(PICKENV_TOOLS), help="pickenv's tools to include")
    parser.add_argument("--json", action="store_true", help="the rows as JSON instead of a table")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pickenv-compare-") as scratch_name:
        scratch = Path(scratch_name)
        projects = {f"pickenv ({name})": pickenv_new(scratch, name) for name in args.tools.split(",") if name}
        projects["scientific-python/cookie"] = copier_copy(args.cookie, scratch / "cookie", COOKIE_DATA)
        projects["copier-uv"] = copier_copy(args.copier_uv, scratch / "copier-uv", COPIER_UV_DATA)
        projects["uv init --lib"] = uv_init(scratch)
        rows = [contents(name, project) for name, project in projects.items()]
    if args.json:
        print(json.dumps([row.__dict__ for row in rows], indent=2))
    else:
        print(table(rows))


if __name__ == "__main__":
    main()
