"""Check the rules' versioned facts again: `pickenv rules check --facts`.

Every fact a rule rests on (a pin, a floor, a release, an end of life) says what it
claims, the day it was checked and one check a machine can repeat (model.Fact). Most
are checked against the package index's JSON API (the Requires-Python of a release,
its upload date, the newest release for a Python, the wheels of the newest release),
end-of-life dates against the day, and a few against the tool itself where it is
installed. A maintainer runs this before a release; tests/test_facts_network.py runs it
against the real index, and tests/test_rules_facts.py against a local index.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pickenv.rules.model import Fact, RuleSet

PYPI_JSON = "https://pypi.org/pypi"
_TIMEOUT = 20.0

OK, CHANGED, PASSED, AHEAD, UNREACHABLE, NOT_INSTALLED = (
    "ok", "changed", "passed", "ahead", "unreachable", "not installed",
)  # fmt: skip


@dataclass(frozen=True)
class FactResult:
    rule: str
    claim: str
    checked: str  # when a person last checked it
    check: str  # what was checked, in words
    status: str  # ok, changed, passed (an end of life behind us), ahead, unreachable, not installed
    found: str = ""  # what the index or the tool says now, when it differs


@dataclass(frozen=True)
class FactsReport:
    files: tuple[str, ...]
    today: str
    index: str
    results: tuple[FactResult, ...]

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> bool:
        return self.count(CHANGED) > 0


Fetch = Callable[[str], Any]  # package name -> the index's JSON for it (raises OSError)


def index_fetcher(base: str = PYPI_JSON) -> Fetch:
    cache: dict[str, Any] = {}

    def fetch(package: str) -> Any:
        if package not in cache:
            url = f"{base.rstrip('/')}/{package}/json"
            with urllib.request.urlopen(url, timeout=_TIMEOUT) as response:  # https, or a test's localhost
                cache[package] = json.load(response)
        return cache[package]

    return fetch


def check_facts(ruleset: RuleSet, *, today: str, fetch: Fetch, index: str = PYPI_JSON) -> FactsReport:
    results = []
    for rule in ruleset.rules:
        for fact in rule.facts:
            results.append(_check(rule.id, fact, today, fetch))
    return FactsReport(ruleset.files, today, index, tuple(results))


def _check(rule: str, fact: Fact, today: str, fetch: Fetch) -> FactResult:
    def result(check: str, status: str, found: str = "") -> FactResult:
        return FactResult(rule, fact.claim, fact.checked, check, status, found)

    if fact.get("end_of_life"):
        date = fact.get("end_of_life")
        return result(f"end of life {date}", PASSED if today >= date else AHEAD)
    if fact.get("tool"):
        return _tool(fact, result)
    package = fact.get("pypi")
    try:
        data = fetch(package)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        status = CHANGED if isinstance(exc, urllib.error.HTTPError) and exc.code == 404 else UNREACHABLE
        return result(f"{package} on the package index", status, f"{package}: {reason}")
    release = fact.get("release")
    if fact.get("requires_python"):
        files = _files(data, release)
        found = _requires(files) if files else f"no release {release}"
        same = bool(files) and _same_spec(found, fact.get("requires_python"))
        return result(
            f"{package} {release} Requires-Python {fact.get('requires_python')}",
            OK if same else CHANGED,
            found,
        )
    if fact.get("released"):
        files = _files(data, release)
        found = min(f["upload_time"][:10] for f in files) if files else f"no release {release}"
        same = found == fact.get("released")
        return result(f"{package} {release} released {fact.get('released')}", OK if same else CHANGED, found)
    if fact.get("last_for"):
        python = fact.get("last_for")
        found = _newest_for(data, python) or "none"
        return result(
            f"newest {package} for Python {python} is {release}", OK if found == release else CHANGED, found
        )
    if fact.get("latest_requires_python"):
        found = data["info"].get("requires_python") or ""
        expected = fact.get("latest_requires_python")
        now = f"{data['info']['version']}: {found}"
        return result(
            f"newest {package} Requires-Python {expected}",
            OK if _same_spec(found, expected) else CHANGED,
            now,
        )
    wheels = fact.get("wheels").split()
    found_platforms = _wheel_platforms(data)
    latest = data["info"]["version"]
    shown = f"{latest}: {', '.join(sorted(found_platforms)) or 'no platform wheels'}"
    if wheels == ["none"]:
        return result(
            f"newest {package} has no platform wheels", OK if not found_platforms else CHANGED, shown
        )
    missing = [p for p in wheels if p not in found_platforms]
    return result(f"newest {package} has wheels for {', '.join(wheels)}", CHANGED if missing else OK, shown)


def _tool(fact: Fact, result: Callable[..., FactResult]) -> FactResult:
    argv = shlex.split(fact.get("tool"))
    check = f"`{fact.get('tool')}` says {fact.get('contains')!r}"
    if not argv or shutil.which(argv[0]) is None:
        return result(check, NOT_INSTALLED)
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return result(check, UNREACHABLE, str(exc))
    said = done.stdout + done.stderr
    return result(
        check,
        OK if fact.get("contains") in said else CHANGED,
        said.strip().splitlines()[0] if said.strip() else "",
    )


def _files(data: Any, release: str) -> list[dict[str, Any]]:
    files: list[dict[str, Any]] = data.get("releases", {}).get(release) or []
    return files


def _requires(files: list[dict[str, Any]]) -> str:
    return next((f.get("requires_python") or "" for f in files), "")


def _same_spec(found: str, expected: str) -> bool:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return SpecifierSet(found) == SpecifierSet(expected)
    except InvalidSpecifier:
        return found.strip() == expected.strip()


def _newest_for(data: Any, python: str) -> str | None:
    """The newest final release whose Requires-Python admits ``python`` (yanked ones aside)."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version

    best: Version | None = None
    for text, files in data.get("releases", {}).items():
        if not files or all(f.get("yanked") for f in files):
            continue
        try:
            version = Version(text)
            requires = _requires(files)
            if version.is_prerelease or (
                requires and not SpecifierSet(requires).contains(python, prereleases=True)
            ):
                continue
        except (InvalidVersion, InvalidSpecifier):
            continue
        if best is None or version > best:
            best = version
    return str(best) if best is not None else None


def _wheel_platforms(data: Any) -> set[str]:
    """The platforms the newest release has binary wheels for (``any`` wheels are not)."""
    found = set()
    for file in data.get("urls", []):
        name = file.get("filename", "")
        if name.endswith(".whl"):
            for tag in name[:-4].rsplit("-", 1)[-1].split("."):
                if "linux" in tag:
                    found.add("linux")
                elif tag.startswith("win"):
                    found.add("windows")
                elif tag.startswith("macosx"):
                    found.add("macos")
    return found
