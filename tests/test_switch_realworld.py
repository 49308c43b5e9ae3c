"""`pickenv switch` on the world's projects (issue 15's "Done means"): every project of the
real-world corpus (../shared/realworld) whose tool switch moves from, in every direction.

Each project is copied into tmp_path under its repository's name, made a git repository
with one commit, and switched in-process with `--format json -a python_version=3.12`.
Every outcome is in OUTCOMES:

- "refused": exit 12 with the ledger and nothing changed (files and .git); every blocking
  entry says why. With --accept-losses the same entries are accepted and the switch made.
- "error": exit 12 with one line on stderr and nothing changed; ERRORS says why.
- "switched": exit 0, and the independent oracle (tests/deporacle.py: pip's, pipenv's,
  rattler's and uv's own readers, nothing of pickenv) finds nothing lost or changed; see
  `losses` for the only differences it may show. The dry run's diff is the real run's.

Where pickenv looks wrong (a loss that is not one, a switch that loses something) the
right outcome is written and the case is an expected failure (WRONG, strict): fixing
pickenv makes it pass, and the strict mark then asks for the entry to go.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TypeVar

import pytest
from packaging.markers import Marker, default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from rattler import MatchSpec

from corpus import CORPUS
from deporacle import OracleEnv, OracleUnreadable, compare, read_project
from helpers import REALWORLD, Result, git, realworld, repository, snapshot
from pickenv.errors import EXIT_OK, EXIT_PROJECT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the test interpreter is 3.11+
    import tomli as tomllib

Run = Callable[..., Result]
Pair = tuple[str, str]
T = TypeVar("T")
pytestmark = pytest.mark.skipif(not REALWORLD.is_dir(), reason=f"the real-world corpus is not at {REALWORLD}")

TOOLS = ("venv", "virtualenv", "pipenv", "conda", "uv")  # the tools switch moves between
# The corpus's projects as detect answers them (test_detect_realworld asserts it): those
# whose tool switch moves from, where detect is certain of it.
PROJECTS = {
    folder: case[0] for folder, case in sorted(CORPUS.items()) if case[0] in TOOLS and case[1] == "high"
}
PAIRS = [(folder, to) for folder, tool in PROJECTS.items() for to in TOOLS if to != tool]

# ---- what each switch does ---------------------------------------------------------------------
S, R, E = "switched", "refused", "error"
_PIP = ("venv", "virtualenv")
_FROM_UV = ("venv", "virtualenv", "pipenv", "conda")


def _rows(folder: str, value: T, *targets: str) -> dict[Pair, T]:
    return {(folder, to): value for to in targets}


# project -> target -> what the switch does; REFUSALS and ERRORS say why. Where WRONG has the
# pair, this is the outcome pickenv should have, not the one it has.
ROWS: dict[str, dict[str, str]] = {
    "18F+tock": {"venv": S, "virtualenv": S, "conda": R, "uv": R},
    "CompVis+stable-diffusion": {"venv": R, "virtualenv": R, "pipenv": R, "uv": R},
    "DjangoGirls+djangogirls": {"virtualenv": S, "pipenv": S, "conda": R, "uv": R},
    "NVlabs+stylegan3": {"venv": R, "virtualenv": R, "pipenv": R, "uv": R},
    "ageron+handson-ml2": {"venv": R, "virtualenv": R, "pipenv": R, "uv": R},
    "aio-libs+aiohttp": {"virtualenv": S, "pipenv": R, "conda": R, "uv": R},
    "binder-examples+python-conda_pip": {"venv": S, "virtualenv": S, "pipenv": S, "uv": S},
    "django+djangoproject.com": {"venv": S, "virtualenv": S, "pipenv": S, "conda": R},
    "encode+httpx": {"virtualenv": S, "pipenv": S, "conda": S, "uv": S},
    "fastapi+fastapi": {"venv": E, "virtualenv": E, "pipenv": E, "conda": E},
    "fastapi+full-stack-fastapi-template": {"venv": E, "virtualenv": E, "pipenv": E, "conda": E},
    "geopandas+geopandas": {"venv": R, "virtualenv": R, "pipenv": R, "uv": R},
    "jakevdp+PythonDataScienceHandbook": {"venv": S, "virtualenv": S, "pipenv": S, "uv": S},
    "miguelgrinberg+flasky": {"virtualenv": S, "pipenv": S, "conda": S, "uv": S},
    "miguelgrinberg+microblog": {"virtualenv": S, "pipenv": S, "conda": S, "uv": S},
    "plone+plone.restapi": {"virtualenv": S, "pipenv": R, "conda": S, "uv": E},
    "postmanlabs+httpbin": {"venv": R, "virtualenv": R, "conda": R, "uv": R},
    "psf+requests-html": {"venv": R, "virtualenv": R, "conda": R, "uv": R},
    "pydantic+pydantic-ai": {"venv": E, "virtualenv": E, "pipenv": E, "conda": E},
    "pydantic+pydantic-settings": {"venv": E, "virtualenv": E, "pipenv": E, "conda": E},
    "pypa+pipenv": {"venv": R, "virtualenv": R, "conda": R, "uv": R},
    "pypi+warehouse": {"virtualenv": S, "pipenv": S, "conda": R, "uv": R},
    "tartley+colorama": {"virtualenv": S, "pipenv": S, "conda": S, "uv": S},
    "un33k+python-slugify": {"virtualenv": S, "pipenv": S, "conda": S, "uv": E},
    "wagtail+bakerydemo": {"virtualenv": S, "pipenv": S, "conda": S, "uv": S},
}
OUTCOMES: dict[Pair, str] = {(folder, to): done for folder, row in ROWS.items() for to, done in row.items()}


# A refusal's blocking entries by kind (the ledger's "what"), each checked by hand against the
# project's files: the comment says what is lost and why that is a real loss.
_LOCK = ("pin",)  # a lock's pins, which conda (no lock file) and uv (uv.lock needs a resolve) cannot hold
REFUSALS: dict[Pair, tuple[str, ...]] = {
    # Pipfile.lock: 110 pins (45 default, 65 develop)
    **_rows("18F+tock", _LOCK, "conda", "uv"),
    # cudatoolkit=11.3 is conda's only and pytorch comes from the pytorch channel; `-e .` is not
    # carried (the corpus has no setup.py: there is nothing to build)
    **_rows("CompVis+stable-diffusion", ("note", "project"), *_PIP, "pipenv", "uv"),
    # requirements.txt is a pip-compile output: 116 pins
    **_rows("DjangoGirls+djangogirls", _LOCK, "conda", "uv"),
    # cudatoolkit=11.1 is conda's only; pytorch and nvidia are conda channels
    **_rows("NVlabs+stylegan3", ("note",), *_PIP, "pipenv", "uv"),
    # graphviz (the binaries; python-graphviz is the binding) is conda's only; for venv, the
    # requirements.txt kept for pip users asks for other versions than environment.yml
    # (`ftfy=6.0` is 6.0.*, requirements.txt says ~=6.0.3; Pillow 8.3.* against ~=8.4.0, ...)
    **_rows("ageron+handson-ml2", ("note", "requirement"), *_PIP),
    **_rows("ageron+handson-ml2", ("note",), "pipenv", "uv"),
    # a Pipfile category has one entry per package: uvloop, aiodns, backports.zstd, isal, trustme
    # and proxy.py come with other markers or bounds from the .in files merged into one
    **_rows("aio-libs+aiohttp", ("requirement",), "pipenv"),
    # 539 pins of requirements/*.txt (pip-compile)
    **_rows("aio-libs+aiohttp", _LOCK, "conda", "uv"),
    # uv.lock: 231 pins
    **_rows("django+djangoproject.com", _LOCK, "conda"),
    # libspatialite is conda's only; for venv, requirements-dev.txt (for pip users) asks for other
    # versions than environment-dev.yml (ruff==0.13.3 against ruff, pandas>=2.0 against >=2.2, ...)
    **_rows("geopandas+geopandas", ("note", "requirement"), *_PIP),
    **_rows("geopandas+geopandas", ("note",), "pipenv", "uv"),
    # requirements.txt's `-c constraints.txt` (Plone's release constraints): pipenv reads no
    # constraints file (conda's pip: section passes it to pip, so conda takes it)
    **_rows("plone+plone.restapi", ("note",), "pipenv"),
    # Pipfile.lock's hash is not the Pipfile's: its pins are stale, pipenv would lock again
    **_rows("postmanlabs+httpbin", ("note",), *_PIP, "conda", "uv"),
    # [scripts] tests = "pytest ..." has no counterpart; the editable self-install
    # (`e1839a8 = {path = "."}`) is not carried (the corpus has no setup.py); 91 pins for conda/uv
    **_rows("psf+requests-html", ("note", "project"), *_PIP),
    **_rows("psf+requests-html", ("note", "pin", "project"), "conda", "uv"),
    # [scripts] (tests, test) and [pipenv] use_pylock have no counterpart; conda and uv hold none
    # of Pipfile.lock's 112 pins (venv's pip-tools pair keeps them, develop's versions for dev)
    **_rows("pypa+pipenv", ("note",), *_PIP),
    **_rows("pypa+pipenv", ("note", "pin"), "conda", "uv"),
    # requirements/*.txt (pip-compile, with hashes): 434 pins
    **_rows("pypi+warehouse", _LOCK, "conda", "uv"),
}

# A one-line error (exit 12, no JSON): what the line says; the comment says why it is right.
_CUT = "uv.lock has no package for the project in its folder (a cut or foreign lock?)"
_WORKSPACE = "is a uv workspace (members: "
_SETUP_PY = (
    "uv cannot take this project: uv reads the project's metadata from pyproject.toml's [project] table"
)
ERRORS: dict[Pair, str] = {
    # uv.lock is cut to its header in the corpus (MISSING.txt): its pins cannot be carried
    **_rows("fastapi+fastapi", _CUT, *_FROM_UV),
    **_rows("pydantic+pydantic-settings", _CUT, *_FROM_UV),
    # uv workspaces: members are switched one by one (backend/; clai, examples, pydantic_ai_slim, ...)
    **_rows("fastapi+full-stack-fastapi-template", _WORKSPACE, *_FROM_UV),
    **_rows("pydantic+pydantic-ai", _WORKSPACE, *_FROM_UV),
    # their metadata is in setup.py (not in the corpus), and pyproject.toml has no [project]
    ("plone+plone.restapi", "uv"): _SETUP_PY,
    ("un33k+python-slugify", "uv"): _SETUP_PY,
}

# Where the oracle cannot read the old files offline: the switch must change no file.
UNREAD: dict[Pair, str] = {
    # requirements.txt -> constraints.txt -> -c https://dist.plone.org/release/6.2-dev/constraints.txt
    ("plone+plone.restapi", "virtualenv"): "pip would fetch Plone's constraints from dist.plone.org",
    ("plone+plone.restapi", "conda"): "pip would fetch Plone's constraints from dist.plone.org",
}

# Where pickenv looks wrong, per test: the tables above say what is RIGHT; today it fails.
_SHARED = (
    "venv and virtualenv share their files, so nothing needs to change; pickenv rewrites the "
    "pip-compile outputs with its own header (no `# via`, no pip-compile command)"
)
_GROUPS = (
    "the JSON 'groups' maps {} to themselves, groups the new files do not have; the ledger says "
    "they went into the default group ('carried group ... -> group default')"
)
_NOT_A_PACKAGE = (
    "refused for 'the project would become a package' ([tool.uv] package = false is removed), "
    "but nothing the new files install builds the project: with --accept-losses the oracle finds "
    "nothing lost"
)
WRONG: dict[Pair, str] = {}
# a dry run of a switch that refuses wrongly refuses too
WRONG_DRY_RUN: dict[Pair, str] = {}
WRONG_ACCEPTED: dict[Pair, str] = {}


def cases(pairs: Iterable[Pair], wrong: Mapping[Pair, str]) -> list[Any]:
    return [
        pytest.param(*pair, id=f"{pair[0]}-to-{pair[1]}", marks=_xfail(wrong.get(pair))) for pair in pairs
    ]


def _xfail(reason: str | None) -> list[pytest.MarkDecorator]:
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


# ---- running a switch on a copy ----------------------------------------------------------------
def checkout(folder: str, into: Path, files: Mapping[str, str] | None = None) -> Path:
    """The corpus folder as its maintainers' checkout: a folder named like the repository
    (`flasky`, not `miguelgrinberg+flasky`), with one commit (of ``files`` too)."""
    project = Path(shutil.copytree(realworld(folder), into / folder.split("+", 1)[1]))
    return repository(project, {"theirs": files or {}})


# uv writes uv.lock itself (`uv lock`, with the old pins as constraints): that needs the
# package index. Offline, it fails at once and the pins are a loss the ledger lists
# (test_switch.py's network test makes the lock). Online, the corpus's own locks do not
# resolve as they are (tock pins waitress 3.0.0 and 3.0.1, DjangoGirls' compiled file is
# older than its .in, warehouse's groups pin tzdata apart): refused with uv's reason.
OFFLINE = {"UV_OFFLINE": "1", "UV_PYTHON_DOWNLOADS": "never"}


def switch(run_cli: Run, project: Path, to: str, *more: str) -> Result:
    command = ("switch", str(project), "--to", to, "--format", "json", "-a", "python_version=3.12", *more)
    return run_cli(*command, env=OFFLINE)


def outcome(result: Result) -> str:
    if result.code == EXIT_OK:
        return "switched"
    if result.code == EXIT_PROJECT and not result.out:
        return "error"
    if result.code == EXIT_PROJECT and json.loads(result.out)["refused"]:
        return "refused"
    return f"exit {result.code}: {result.err.strip()[:300]}"


def said(result: Result) -> str:
    """What a failing assertion shows of a run: its error, or its blocking entries."""
    if not result.out:
        return result.err
    report = json.loads(result.out)
    entries = [f"{e['what']} {e['text'][:60]!r}: {e['why'][:100]}" for e in blocking(report)]
    return f"exit {result.code}, refused={report['refused']}; blocking: " + "; ".join(entries[:8])


def blocking(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [e for e in report["ledger"] if e["blocking"]]


def changed_paths(project: Path) -> set[str]:
    status = git(project, "status", "--porcelain", "-z", "--untracked-files=all")
    return {entry[3:] for entry in status.split("\0") if entry}


# ---- the oracle's verdict ----------------------------------------------------------------------
_CHANGE = re.compile(r"group (?P<group>\S+): (?P<kind>lost|gained) (?P<token>.+)")
_INTERPRETER = {"python", "pip"}  # conda lists them like packages; every venv has both
# pip's markers on the switch's Python (-a python_version=3.12), on this machine otherwise
_PY312 = {k: str(v) for k, v in default_environment().items()} | {
    "python_version": "3.12",
    "python_full_version": "3.12.0",
}


def _name(token: str) -> str | None:
    """The package a reading's entry names: conda's by rattler's MatchSpec, pip's by packaging."""
    if token.startswith("conda:"):
        return canonicalize_name(MatchSpec(token.removeprefix("conda:")).name.normalized)
    try:
        return canonicalize_name(Requirement(token).name)
    except InvalidRequirement:  # -e/-c lines, the project itself, a workspace member
        return None


def _names(tokens: Iterable[str]) -> set[str]:
    return {n for t in tokens if (n := _name(t)) is not None}


def _extras(token: str) -> set[str]:
    try:
        return set(Requirement(token).extras)
    except InvalidRequirement:
        return set()


def _version(token: str) -> tuple[str, str] | None:
    """(name, version) of an exact pin such as `django==4.2.18; python_version >= "3.8"`."""
    try:
        req = Requirement(token)
    except InvalidRequirement:
        return None
    specs = list(req.specifier)
    if req.url or len(specs) != 1 or specs[0].operator != "==":
        return None
    return (canonicalize_name(req.name), specs[0].version)


def _locked(env: OracleEnv, groups: Iterable[str]) -> set[tuple[str, str]]:
    return {p[:2] for g in groups for p in env.pins.get(g, ())}


def losses(old: OracleEnv, new: OracleEnv, groups: Mapping[str, str], tools: Pair) -> list[str]:
    """What `compare` finds that is a loss or a change, what `pin_changes` finds, and pins pip
    cannot install."""
    out = []
    for line in compare(old, new, groups):
        change = _CHANGE.fullmatch(line)
        if change is None:
            if line.endswith(": new group") or re.match(r"group \S+: pin ", line):
                continue  # a new group's content is judged entry by entry; pins by `pin_changes`
            if re.fullmatch(r"index conda:\S+ (lost|gained)", line) and "conda" in tools:
                continue  # a conda channel: where conda's packages come from
            out.append(line)
            continue
        token = ast.literal_eval(change["token"])
        allowed = _kept if change["kind"] == "lost" else _no_gain
        if not allowed(token, change["group"], old, new, groups, tools):
            out.append(line)
    return out + pin_changes(old, new, groups) + double_pins(old, new, tools)


def _kept(
    token: str, group: str, old: OracleEnv, new: OracleEnv, groups: Mapping[str, str], tools: Pair
) -> bool:
    """A "lost" entry that is there in another form: a conda package named in the other tool's
    list (by name only), or a locked version that stays locked, with its extras."""
    target = groups.get(group, group)
    there = new.groups.get(target, frozenset())
    name = _name(token)
    if token.startswith("conda:") or tools[1] == "conda":
        return name in _INTERPRETER or name in _names(there)
    pin = _version(token)
    # a compiled lock pins what an extra brings too, each package on its own line: the pin
    # is the environment, with or without the extra said again (pip-compile's --strip-extras)
    return pin is not None and pin in _locked(old, [group]) and pin in _locked(new, [target])


def _no_gain(
    token: str, group: str, old: OracleEnv, new: OracleEnv, groups: Mapping[str, str], tools: Pair
) -> bool:
    """A "gained" entry that is no new dependency: anything in a group other than "default" (a
    tool installs a group with what it includes: pipenv's dev-packages come with [packages]); a
    conda package the other side names; a version the old files locked too (a lock the oracle
    does not know as compiled reads as requirements: the same pins); or the project and its
    own, unchanged, dependencies where the old files installed the project in another group."""
    if group != "default":
        return True
    sources = [g for g in old.groups if groups.get(g, g) == group]
    before = [t for g in sources for t in old.groups[g]]
    if "conda" in tools and (_name(token) in _INTERPRETER or _name(token) in _names(before)):
        return True
    pin = _version(token)
    if pin is not None and pin in _locked(old, sources) and pin in _locked(new, [group]):
        return True
    installed = any(t.startswith("<project>") for tokens in old.groups.values() for t in tokens)
    own = set(old.metadata[1] or ()) if old.metadata else set()
    return installed and "<project>" in new.groups[group] and (token == "<project>" or token in own)


def pin_changes(old: OracleEnv, new: OracleEnv, groups: Mapping[str, str]) -> list[str]:
    """Every pinned group keeps its (name, version) set and every pin its hashes; the runtime
    group pins nothing the old files did not (other groups install theirs with it: pipenv's
    dev-packages come with [packages])."""
    out = []
    for group, pins in sorted(old.pins.items()):
        target = groups.get(group, group)
        after = new.pins.get(target, frozenset())
        lost = _locked(old, [group]) - _locked(new, [target])
        if lost:
            out.append(f"group {group}: {len(lost)} pins lost: {sorted(lost)[:5]}")
        for pin in sorted(_locked(old, [group]) - lost):
            hashes = {h for p in pins if p[:2] == pin for h in p[3]}
            kept = {h for p in after if p[:2] == pin for h in p[3]}
            if not hashes <= kept:
                out.append(f"group {group}: {pin[0]}=={pin[1]} lost {len(hashes - kept)} hashes")
    runtime = [g for g in old.groups if groups.get(g, g) == "default"]
    urls = " ".join(t for g in runtime for t in old.groups[g] if " @ " in t)
    # a git requirement's commit is a pin in Pipfile.lock, its URL's in the old files
    gained = {p for p in _locked(new, ["default"]) - _locked(old, runtime) if f"@{p[1]}" not in urls}
    if gained:
        out.append(f"group default: {len(gained)} pins gained: {sorted(gained)[:5]}")
    return out


def double_pins(old: OracleEnv, new: OracleEnv, tools: Pair) -> list[str]:
    """A requirements file that pins one package to two versions whose markers both hold: pip
    refuses it (ResolutionImpossible), unless the old files, installed by pip, did so already.
    (pipenv installs Pipfile.lock's categories one after the other; uv and conda lock none.)"""
    if tools[1] not in ("venv", "virtualenv"):
        return []

    def doubles(env: OracleEnv) -> set[tuple[str, str, tuple[str, ...]]]:
        found = set()
        for group, pins in env.pins.items():
            versions: dict[str, set[str]] = {}
            for name, version, marker, _ in pins:
                if not marker or Marker(marker).evaluate(_PY312):
                    versions.setdefault(name, set()).add(version)
            found |= {(group, n, tuple(sorted(v))) for n, v in versions.items() if len(v) > 1}
        return found

    before = doubles(old) if tools[0] in ("venv", "virtualenv") else set()
    return [f"group {g}: {n} pinned to {', '.join(v)} at once" for g, n, v in sorted(doubles(new) - before)]


def lock_is_current(project: Path) -> bool:
    """Pipfile.lock's hash is the Pipfile's as pipenv computes it (`pipenv install --deploy`
    refuses a lock whose hash is not)."""
    # imported here: pipenv puts its patched pip on sys.path, and deporacle reads with pip's own
    from pipenv.utils.pipfile import Pipfile  # type: ignore[import-untyped]

    pipfile = project / "Pipfile"
    computed = Pipfile.calculate_hash(SimpleNamespace(exists=True, location=str(pipfile)))
    return bool(json.loads((project / "Pipfile.lock").read_text())["_meta"]["hash"]["sha256"] == computed)


# ---- the tests ---------------------------------------------------------------------------------
def test_every_project_and_target_has_an_outcome() -> None:
    """A project added to the corpus, or a new outcome, needs its row (and its reason)."""
    assert sorted(OUTCOMES) == sorted(PAIRS)
    assert {p for p, o in OUTCOMES.items() if o == "refused"} == set(REFUSALS)
    assert {p for p, o in OUTCOMES.items() if o == "error"} == set(ERRORS)
    assert set(WRONG) | set(UNREAD) <= set(PAIRS)
    assert set(WRONG_DRY_RUN) <= {p for p, o in OUTCOMES.items() if o == "switched"}
    assert set(WRONG_ACCEPTED) <= set(REFUSALS)


def test_the_verdict_sees_a_dropped_requirement_a_new_one_and_a_changed_pin(
    tmp_path: Path, run_cli: Run
) -> None:
    """The differences `losses` lets pass hide no loss: a switched project edited afterwards."""
    project = checkout("DjangoGirls+djangogirls", tmp_path / "project")
    result = switch(run_cli, project, "pipenv")
    assert result.code == EXIT_OK, said(result)
    pipfile = (project / "Pipfile").read_text()
    pipfile = pipfile.replace('django-bleach = "<4"\n', 'requests = "*"\n')
    (project / "Pipfile").write_text(pipfile.replace("[dev-packages]\n", '[dev-packages]\nrich = "*"\n'))
    lock = json.loads((project / "Pipfile.lock").read_text())
    lock["default"]["asgiref"]["version"] = "==3.7.0"
    (project / "Pipfile.lock").write_text(json.dumps(lock))
    old = read_project(REALWORLD / "DjangoGirls+djangogirls", "venv")
    new = read_project(project, "pipenv")

    found = losses(old, new, json.loads(result.out)["groups"], ("venv", "pipenv"))

    assert found == [
        "group default: lost 'django-bleach<4'",
        "group default: gained 'requests'",  # rich in dev-packages is no runtime dependency
        "group default: 1 pins lost: [('asgiref', '3.6.0')]",
        "group default: 1 pins gained: [('asgiref', '3.7.0')]",
    ]


@pytest.mark.parametrize(("folder", "to"), cases(PAIRS, WRONG))
def test_a_real_project_is_switched_whole_or_not_at_all(
    folder: str, to: str, tmp_path: Path, run_cli: Run
) -> None:
    """A switch either changes the project and loses nothing the oracle can see, or changes
    nothing (files and .git) and says why: with the ledger, or in one line."""
    project = checkout(folder, tmp_path / "project")
    before = snapshot(project)
    head = git(project, "rev-parse", "HEAD")

    result = switch(run_cli, project, to)

    expected = OUTCOMES[(folder, to)]
    assert outcome(result) == expected, said(result)
    if expected == "error":
        assert snapshot(project) == before
        assert result.out == "" and "Traceback" not in result.err
        assert len(result.err.strip().splitlines()) == 1, result.err
        assert ERRORS[(folder, to)] in result.err
        return
    report = json.loads(result.out)
    assert (report["from"], report["to"]) == (PROJECTS[folder], to)
    entries = blocking(report)
    if expected == "refused":
        assert snapshot(project) == before
        assert entries and report["blocking"] == len(entries)
        assert all(e["why"].strip() for e in entries), [e for e in entries if not e["why"].strip()]
        assert tuple(sorted({e["what"] for e in entries})) == REFUSALS[(folder, to)]
        return
    assert entries == [] and report["refused"] is False
    assert git(project, "rev-list", "HEAD") == head  # nothing committed
    gone = {r for r in report["removed"] if " [" not in r} - set(report["written"])
    assert not [r for r in gone if (project / r).exists()]
    # what changed is what the report says it wrote and removed
    touched = set(report["written"]) | {r.split(" [")[0] for r in report["removed"]}
    assert changed_paths(project) == touched
    if {PROJECTS[folder], to} <= {"venv", "virtualenv"}:
        assert touched == set()  # they read and write the same files
    if "Pipfile.lock" in report["written"]:
        assert lock_is_current(project)
    old_copy = shutil.copytree(REALWORLD / folder, tmp_path / "before" / project.name)
    try:
        old = read_project(old_copy, PROJECTS[folder])
    except OracleUnreadable as exc:
        assert (folder, to) in UNREAD, exc
        # the oracle cannot vouch: between venv and virtualenv nothing changes; elsewhere the
        # ledger must have carried everything
        if to in _PIP and PROJECTS[folder] in _PIP:
            assert changed_paths(project) == set()
        assert blocking(report) == []
        return
    new = read_project(project, to)
    assert losses(old, new, report["groups"], (PROJECTS[folder], to)) == []


SWITCHED = [pair for pair in PAIRS if OUTCOMES.get(pair) == "switched"]
REFUSED = [pair for pair in PAIRS if OUTCOMES.get(pair) == "refused"]


def _diff_files(diff: str) -> list[str]:
    return re.findall(r"^diff --git a/(.+?) b/", diff, flags=re.MULTILINE)


@pytest.mark.slow  # the corpus switched twice more (43 cases, 9 s)
@pytest.mark.parametrize(("folder", "to"), cases(SWITCHED, WRONG_DRY_RUN))
def test_the_dry_run_is_the_real_run(folder: str, to: str, tmp_path: Path, run_cli: Run) -> None:
    """--dry-run makes the switch in a scratch copy: its diff is what the real run changes, as
    git shows it once staged; nothing else of the report differs."""
    dry = checkout(folder, tmp_path / "dry")
    before = snapshot(dry)
    shown = switch(run_cli, dry, to, "--dry-run")
    assert shown.code == EXIT_OK, said(shown)
    assert snapshot(dry) == before

    real = checkout(folder, tmp_path / "real")  # the same folder name: names derive from it
    done = switch(run_cli, real, to)
    assert done.code == EXIT_OK, said(done)
    git(real, "add", "-A")
    staged = git(real, "-c", "core.quotepath=off", "diff", "--cached", "--no-color", "HEAD")

    would, did = json.loads(shown.out), json.loads(done.out)
    assert _diff_files(would["diff"]) == _diff_files(staged)
    assert would["diff"] == staged
    assert (would["dry_run"], did["dry_run"], did["diff"]) == (True, False, None)
    same = ("ledger", "groups", "written", "removed", "read", "summary", "blocking", "refused")
    assert {k: would[k] for k in same} == {k: did[k] for k in same}


@pytest.mark.slow  # the corpus switched twice more (39 cases, 9 s)
@pytest.mark.parametrize(("folder", "to"), cases(REFUSED, WRONG_ACCEPTED))
def test_accepting_the_losses_switches_with_the_same_ledger(
    folder: str, to: str, tmp_path: Path, run_cli: Run
) -> None:
    """--accept-losses makes every refused switch, accepting exactly what the refusal listed;
    the new tool's files are read by the oracle (each tool's own parser) without error."""
    refusal = switch(run_cli, checkout(folder, tmp_path / "refused"), to)
    assert outcome(refusal) == "refused", said(refusal)
    project = checkout(folder, tmp_path / "accepted")

    result = switch(run_cli, project, to, "--accept-losses")

    assert result.code == EXIT_OK, said(result)
    report = json.loads(result.out)
    assert report["refused"] is False
    assert blocking(report) == blocking(json.loads(refusal.out))
    assert git(project, "rev-list", "--count", "HEAD").strip() == "1"
    read_project(project, to)  # raises OracleUnreadable with the reason


# ---- the switched project still builds ---------------------------------------------------------
def _pyproject(folder: str) -> dict[str, Any]:
    path = REALWORLD / folder / "pyproject.toml"
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


# Projects whose pyproject.toml makes them buildable: pip install -e . builds them.
def _install_target(folder: str) -> str:
    return "venv" if PROJECTS[folder] == "uv" else "uv"


# Projects pip builds whose switch (to uv, or from uv to venv) is carried out; a switch that
# is an error is checked with its reason by the outcome test, not here.
BUILDABLE = [
    f
    for f in PROJECTS
    if {"project", "build-system"} & set(_pyproject(f)) and OUTCOMES[(f, _install_target(f))] != E
]


def package_files(folder: str) -> dict[str, str]:
    """A minimal package where the project's build configuration looks for it (the corpus
    has no code): the import package, the file its version is read from, its readme and
    licence files."""
    data = _pyproject(folder)
    project, tool = data.get("project", {}), data.get("tool", {})
    hatch, setuptools = tool.get("hatch", {}), tool.get("setuptools", {})
    version = '__version__ = "0.0.1"\n'
    files: dict[str, str] = {}
    name = canonicalize_name(project.get("name", folder.split("+")[1])).replace("-", "_")
    found = setuptools.get("packages", {}).get("find", {}).get("include", [])
    name = next((n for n in found if "*" not in n), name)
    attr = setuptools.get("dynamic", {}).get("version", {}).get("attr", "")
    name = attr.split(".")[0] or name
    if path := hatch.get("version", {}).get("path"):
        name = Path(path).parts[0]
        files[path] = version
    layout = "src/" if setuptools.get("package-dir", {}).get("") == "src" else ""
    files.setdefault(f"{layout}{name}/__init__.py", version)
    if isinstance(project.get("readme"), str):
        files[project["readme"]] = "A project.\n"
    fragments = hatch.get("metadata", {}).get("hooks", {}).get("fancy-pypi-readme", {}).get("fragments", [])
    for fragment in fragments:  # a changelog fragment is cut by its pattern: give it one section
        if "path" in fragment:
            files[fragment["path"]] = "# Changes\n\n## 1.0\n\n### Added\n## 0.9\n"
    for licence in setuptools.get("license-files", []):
        if "*" not in licence:
            files[licence] = "A licence.\n"
    return files


def _pip_install(python: Path, project: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "-e", "."],
        cwd=project,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.network
@pytest.mark.parametrize("folder", BUILDABLE)
def test_the_project_still_installs_after_the_switch(
    folder: str, tmp_path: Path, run_cli: Run, subprocess_env: dict[str, str]
) -> None:
    """`pip install --no-deps -e .` (pip fetching the build backend) works after the switch that
    changes pyproject.toml (to uv, or leaving it) where it worked before; the switch is made
    with --accept-losses where it refuses, as a user would who accepted them."""
    from pickenv.tools.interpreters import find_interpreter
    from pickenv.versions import PythonVersion

    python312 = find_interpreter(PythonVersion(3, 12), os.environ, Path.home())
    if python312 is None:
        pytest.skip("no python3.12 to build with (the switches target 3.12)")
    to = _install_target(folder)
    files = package_files(folder)
    env = {**subprocess_env, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}  # pip's cache: the run's (conftest)
    subprocess.run([python312, "-m", "venv", str(tmp_path / "venv")], check=True, timeout=120)
    python = tmp_path / "venv" / "bin" / "python"

    before = _pip_install(python, checkout(folder, tmp_path / "before", files), env)
    if before.returncode != 0:
        pytest.skip(f"pip install -e . fails before the switch too: {before.stderr.strip().splitlines()[-1]}")
    project = checkout(folder, tmp_path / "after", files)
    result = switch(run_cli, project, to)
    if outcome(result) == "refused":
        result = switch(run_cli, project, to, "--accept-losses")
    assert result.code == EXIT_OK, said(result)
    assert "pyproject.toml" in changed_paths(project)  # what pip builds from changed

    after = _pip_install(python, project, env)

    assert after.returncode == 0, after.stderr[-3000:]


# The corpus's other projects: tools switch does not move from (tox, nox, hatch, poetry,
# pdm, pixi), a monorepo, one whose files name no tool, one with only a tests/ file.
UNMOVABLE = {folder: case for folder, case in sorted(CORPUS.items()) if folder not in PROJECTS}
_REFUSED_BECAUSE = (
    "whose files pickenv cannot carry yet",  # tox, nox, hatch, poetry, pdm, pixi
    "has no dependency files of a tool pickenv knows",  # nothing found
    "is not clear",  # weak evidence alone
    "holds projects of their own",  # a monorepo: its members are switched one by one
)


@pytest.mark.parametrize("folder", sorted(UNMOVABLE))
def test_a_project_switch_cannot_move_is_refused_in_one_line(
    folder: str, tmp_path: Path, run_cli: Run
) -> None:
    """Every corpus project is tried: those of a tool outside the registry, or whose tool
    is not clear, are refused before anything is read for writing."""
    project = checkout(folder, tmp_path)
    before = snapshot(project)
    result = switch(run_cli, project, "uv" if UNMOVABLE[folder][0] != "uv" else "venv")
    assert result.code == EXIT_PROJECT and not result.out, result.out
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert any(words in result.err for words in _REFUSED_BECAUSE), result.err
    assert snapshot(project) == before
