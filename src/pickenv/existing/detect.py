"""`pickenv detect`'s service: which tool an existing project uses, from its files.

Each tool's evidence is declared by the tool registry (``pickenv.tools``, and
``tools.others`` for the tools pickenv recognises but does not scaffold); this module
weighs it: strong evidence (a lock file, a manifest, a tool's own table in
pyproject.toml) counts 3, weak (an environment folder, a subfolder's file) 1. What the
files say of each other comes first: a requirements file an environment.yml pulls in
(``-r``) is conda's; requirements beside an environment.yml serve pip users of a conda
project; venv, virtualenv and pip-tools share their files by nature; a runner (tox,
nox, hatch) is named beside the project's tool, and is the answer only alone.

Confidence, measured on 37 real projects (tests/test_detect_realworld.py): ``high``
when one tool's files are all there is; ``medium`` when another tool has fewer files
there, when only subfolders are projects (a monorepo) or a file cannot be read;
``low`` for a tie, or an environment folder or subfolder's file alone. Files are read
through ``ProjectFiles`` (confined, bounded): one that cannot be read is a finding.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Literal

from pickenv.errors import Fix, ProjectError
from pickenv.existing.infer import Inferred, infer_answers
from pickenv.formats.files import FileError, ProjectFiles, as_mapping
from pickenv.tools.base import Evidence
from pickenv.tools.others import FAMILY, FAMILY_NAME, MEMBER_MARKS

Confidence = Literal["high", "medium", "low", "none"]
_WEIGHT = {"strong": 3, "weak": 1}
_SKIPPED = frozenset({"node_modules", "site-packages", "__pycache__"})
_MAX_DIRS = 2000  # a scan of subfolders stops here: detect answers in a moment on any tree
_TOML = ("Pipfile", "uv.lock", "poetry.lock", "pdm.lock")  # TOML files not named .toml
_INCLUDE = ("-r", "--requirement", "-c", "--constraint")


@dataclass(frozen=True)
class Found:
    tool: str
    path: str  # the file, relative to the project
    strength: str
    note: str
    runner: bool = False  # tox, nox, hatch: environments of their own
    outranks: tuple[str, ...] = ()  # tools whose files beside this one serve their own users


@dataclass(frozen=True)
class Detection:
    path: Path
    tool: str | None  # None: nothing found
    confidence: Confidence
    evidence: tuple[Found, ...]  # strongest first
    findings: tuple[str, ...]  # several tools, runners, unreadable files, disagreements
    inferred: Inferred
    members: tuple[str, ...] = ()  # subfolders that are projects of their own ("libs/cli (uv)")
    seen: tuple[str, ...] = ()  # what the project's files are, for an answer of "nothing found"
    looked_for: tuple[str, ...] = ()  # every file name and table the evidence names


def detect(project: Path, *, answers: bool = True) -> Detection:
    """Which tool ``project``'s files say; ``answers``: what they say of the answers too."""
    if not project.is_dir():
        raise ProjectError(f"{project} is not a folder", fixes=[Fix.NOT_A_PROJECT])
    from pickenv.tools.others import all_evidence, looked_for

    files = ProjectFiles(project)
    scan = _Scan(files)
    found: list[Found] = []
    owners: list[tuple[str, str]] = []  # files whose -r includes are their tool's
    for name, evidence in all_evidence().items():
        for ev in evidence:
            for path in scan.matches(ev):
                found.append(Found(name, path, ev.strength, ev.note, ev.runner, ev.outranks))
                owners += [(name, path)] if ev.owns_includes else []
    recorded_answers, answers_file = _recorded(files, scan)
    recorded = recorded_answers.get("tool") if isinstance(recorded_answers.get("tool"), str) else None
    if recorded is not None:
        found.append(
            Found(str(recorded), answers_file, "strong", "the tool recorded when the project was made")
        )
    found = _includes(files, scan, found, owners)
    for path in dict.fromkeys(f.path for f in found if f.strength == "strong"):
        scan.check(path)  # a strong file that cannot be read makes the answer less sure
    members = _members(project)
    tool, confidence, findings = _weigh(found, members, answers_file)
    by_files: dict[str, str] = {}  # camp -> its tool, as the files (not the answers file) say
    for item in sorted(found, key=lambda f: _order(f.tool)):
        if item.strength == "strong" and item.path != answers_file and not item.runner:
            by_files.setdefault(_camp(item.tool), item.tool)
    if recorded is not None and by_files and _camp(recorded) not in by_files:
        findings.append(
            f"{answers_file} records {recorded}, but the files are {', '.join(sorted(by_files.values()))}'s: "
            "the project has moved on from what was generated"
        )
    inferred = infer_answers(files, tool, recorded_answers, answers_file) if answers else Inferred({}, {}, ())
    problems = [*scan.problems.values(), *inferred.problems]
    findings += [*problems, *inferred.notes]
    if problems and confidence == "high":
        confidence = "medium"  # the answer may change once the file is fixed
    if tool is not None and _unreadable_only(found, tool, scan):
        confidence = "low"
    return Detection(
        project, tool, confidence, _shown(found, tool), tuple(dict.fromkeys(findings)), inferred,
        tuple(f"{folder} ({member})" for folder, member in members),
        _seen(files, scan) if tool is None else (), looked_for(),
    )  # fmt: skip


# ---- weighing -----------------------------------------------------------------------------
def _camp(tool: str | None) -> str:
    """Tools whose evidence overlaps by nature share a camp: never each other's rivals."""
    return FAMILY_NAME if tool in FAMILY else str(tool)


def _order(tool: str) -> int:
    return FAMILY.index(tool) if tool in FAMILY else len(FAMILY)


def _weigh(
    found: list[Found], members: list[tuple[str, str]], answers_file: str
) -> tuple[str | None, Confidence, list[str]]:
    """The tool, how sure, and what the files say of each other."""
    scores: dict[str, int] = {}
    for item in found:
        scores[item.tool] = scores.get(item.tool, 0) + _WEIGHT[item.strength]
    env = [f for f in found if not f.runner]
    strong: dict[str, set[str]] = {}  # camp -> its strong files
    for item in env:
        if item.strength == "strong":
            strong.setdefault(_camp(item.tool), set()).add(item.path)
    runners = sorted(
        {f.tool for f in found if f.runner and f.strength == "strong"}, key=lambda t: (-scores[t], t)
    )
    findings: list[str] = []
    for camp, other in [(c, o) for c in strong for o in strong if c != o]:
        givers = [f for f in env if f.strength == "strong" and _camp(f.tool) == camp]
        takers = [f for f in env if f.strength == "strong" and _camp(f.tool) == other]
        outranked = {t for f in givers for t in f.outranks}
        if (
            camp in strong
            and other in strong
            and all(f.tool in outranked and f.path != answers_file for f in takers)
        ):
            offered, beside = sorted(strong.pop(other)), ", ".join(sorted(strong[camp]))
            serve = "serves" if len(offered) == 1 else "serve"
            findings.append(
                f"{', '.join(offered)} {serve} {other} users beside {beside} ({_leader(camp, scores, found)})"
            )
    tool: str | None
    confidence: Confidence
    if strong:
        best = max(strong, key=lambda c: (len(strong[c]), _camp_score(c, scores)))
        tool = _leader(best, scores, found)
        rivals = {c: files for c, files in strong.items() if c != best}
        confidence = "high"
        if rivals:
            listed = ", ".join(
                f"{min(files)} ({_leader(c, scores, found)})" for c, files in sorted(rivals.items())
            )
            findings.append(
                f"files of several tools: {min(strong[best])} ({tool}), {listed}; "
                "keep one tool's, or say in the README which is used"
            )
            confidence = "medium" if len(strong[best]) > max(len(f) for f in rivals.values()) else "low"
    elif runners:
        tool, confidence = runners[0], "high" if len(runners) == 1 else "medium"
        findings.append(
            f"{tool} manages the environments ({_paths(found, tool)}): no file of an environment tool is "
            f"there besides; pickenv names {tool} but cannot switch a project from it"
        )
    elif members:
        tools = sorted({t for _, t in members})
        tool = max(tools, key=lambda t: sum(1 for _, m in members if m == t))
        confidence = "medium" if len(tools) == 1 else "low"
    elif scores:
        tool, confidence = max(scores, key=lambda t: (scores[t], -_order(t))), "low"
    else:
        return None, "none", findings
    findings += [
        f"{r} also runs tasks in environments of its own ({_paths(found, r)})" for r in runners if r != tool
    ]
    if members:
        listed = ", ".join(f"{folder} ({t})" for folder, t in members[:6])
        more = f" and {len(members) - 6} more" if len(members) > 6 else ""
        findings.append(f"subfolders are projects of their own: {listed}{more}; run `pickenv detect` in each")
    return tool, confidence, findings


def _camp_score(camp: str, scores: Mapping[str, int]) -> int:
    return max((s for t, s in scores.items() if _camp(t) == camp), default=0)


def _leader(camp: str, scores: Mapping[str, int], found: list[Found]) -> str:
    """The camp's tool with the most evidence (venv before virtualenv on a tie)."""
    tools = [t for t in scores if _camp(t) == camp and not all(f.runner for f in found if f.tool == t)]
    return max(tools, key=lambda t: (scores[t], -_order(t)))


def _paths(found: list[Found], tool: str) -> str:
    """The tool's strong files, with the table where the evidence is one ("[tool.tox]")."""
    strong = [f for f in found if f.tool == tool and f.strength == "strong"]
    return ", ".join(
        dict.fromkeys(f"{f.path} {f.note.split(': ')[0]}" if f.note[:1] == "[" else f.path for f in strong)
    )


def _unreadable_only(found: list[Found], tool: str, scan: _Scan) -> bool:
    """Every strong file that names the tool is one that cannot be read."""
    paths = {f.path for f in found if f.tool == tool and f.strength == "strong"}
    return bool(paths) and paths <= set(scan.problems)


def _shown(found: list[Found], tool: str | None) -> tuple[Found, ...]:
    """Strongest first, the answer's own first; a file the family shares once."""
    kept: dict[tuple[str, str], Found] = {}
    for item in sorted(found, key=lambda f: (f.tool != tool, _order(f.tool), f.tool)):
        key = (_camp(item.tool), item.path) if item.tool in FAMILY else (item.tool, item.path + item.note)
        kept.setdefault(key, item)
    return tuple(sorted(kept.values(), key=lambda f: (-_WEIGHT[f.strength], f.tool != tool, f.tool, f.path)))


# ---- what the files say of each other ------------------------------------------------------
def _includes(
    files: ProjectFiles, scan: _Scan, found: list[Found], owners: list[tuple[str, str]]
) -> list[Found]:
    """A requirements file an environment file names (``- -r requirements.txt`` in
    environment.yml's pip: section), with what it includes in turn, is that tool's."""
    claimed: dict[str, Found] = {}
    for tool, owner in owners:
        for line in scan.text(owner).splitlines():
            target = _include_target(re.sub(r"^\s*-\s+", "", line).strip().strip("'\""))  # a YAML item
            for path in _closure(files, scan, owner, target) if target else ():
                claimed.setdefault(path, Found(tool, path, "strong", f"installed by {owner} (-r {target})"))
    kept = [f for f in found if f.path not in claimed or f.runner or f.tool == claimed[f.path].tool]
    return kept + list(claimed.values())


def _include_target(line: str) -> str:
    words = line.strip().replace("=", " ", 1).split() if line.strip().startswith("-") else []
    return words[1] if len(words) >= 2 and words[0] in _INCLUDE else ""


def _closure(files: ProjectFiles, scan: _Scan, start: str, target: str) -> list[str]:
    """``target`` as written in ``start``, and every file it includes, each once."""
    seen: dict[str, None] = {}
    pending = [(start, target)]
    while pending:
        origin, name = pending.pop()
        try:
            path = files.relative(name, origin)
        except FileError as exc:
            scan.problems.setdefault(origin, exc.message)
            continue
        if path not in seen:
            seen[path] = None
            pending += [(path, t) for line in scan.text(path).splitlines() if (t := _include_target(line))]
    return list(seen)


def _recorded(files: ProjectFiles, scan: _Scan) -> tuple[Mapping[str, Any], str]:
    """A pickenv (or team template) project's answers file: its tool and answers."""
    for path in files.glob(".copier-answers*.yml"):
        data = scan.parsed(path)
        if isinstance(data, Mapping):
            return data, path
        scan.problems.setdefault(path, f"{path} is not a copier answers file (not a mapping of answers)")
    return {}, ""


# ---- what is in the project ----------------------------------------------------------------
class _Scan:
    """The project's files as the evidence names them, each read at most once; what
    cannot be read is a problem (path -> one line), never an exception."""

    def __init__(self, files: ProjectFiles) -> None:
        self.files = files
        self.problems: dict[str, str] = {}
        self._parsed: dict[str, object] = {}

    def matches(self, evidence: Evidence) -> list[str]:
        hits = []
        for path in _glob(self.files.root, evidence.path):
            if not self.files.exists(path):  # a folder, FIFO, symlink loop or link outside
                self.text(path)
                if evidence.contains or evidence.table:
                    continue  # what it holds cannot be known: a problem, not evidence
            elif evidence.table and not _has_table(self.parsed(path), evidence.table):
                continue
            elif evidence.contains or evidence.lacks:
                text = self.text(path)
                if (evidence.contains and evidence.contains not in text) or any(
                    m in text for m in evidence.lacks
                ):
                    continue
            hits.append(path)
        return hits

    def text(self, path: str) -> str:
        try:
            return self.files.text(path)
        except FileError as exc:
            self.problems.setdefault(path, exc.message)
            return ""

    def parsed(self, path: str) -> object:
        """A TOML, YAML or JSON file's data (None when it cannot be read)."""
        if path not in self._parsed:
            name = path.rsplit("/", 1)[-1]
            read = self.files.toml if name.endswith(".toml") or name in _TOML else self.files.yaml
            try:
                self._parsed[path] = self.files.json(path) if name == "Pipfile.lock" else read(path)
            except FileError as exc:
                self.problems.setdefault(path, exc.message)
                self._parsed[path] = None
        return self._parsed[path]

    def check(self, path: str) -> None:
        """Read a file as its kind says (text only for the others)."""
        name = path.rsplit("/", 1)[-1]
        if name.endswith((".toml", ".yml", ".yaml", ".lock")) or name in _TOML:
            self.parsed(path)
        else:
            self.text(path)


def _has_table(data: object, dotted: str) -> bool:
    for key in dotted.split("."):
        if not isinstance(data, Mapping) or key not in data:
            return False
        data = data[key]
    return True


def _glob(root: Path, pattern: str) -> list[str]:
    """Entries of any kind (a FIFO and a dangling link too) matching ``pattern``,
    relative posix paths, sorted; ``*`` never enters hidden folders or node_modules."""
    return sorted(_walk(root, "", pattern.split("/"), [0]))


def _walk(root: Path, prefix: str, parts: list[str], budget: list[int]) -> Iterator[str]:
    head, rest = parts[0], parts[1:]
    folder = root / prefix if prefix else root
    if not any(c in head for c in "*?["):
        names = [head] if os.path.lexists(folder / head) else []
    else:
        budget[0] += 1
        if budget[0] > _MAX_DIRS:
            return
        try:
            with os.scandir(folder) as entries:
                hidden = head.startswith(".")
                names = [
                    e.name for e in entries if fnmatchcase(e.name, head) and (hidden or e.name[0] != ".")
                ]
        except OSError:
            return
    for name in names:
        path = f"{prefix}/{name}" if prefix else name
        if not rest:
            yield path
        elif name not in _SKIPPED and (root / path).is_dir():
            yield from _walk(root, path, rest, budget)


def _members(project: Path) -> list[tuple[str, str]]:
    """Subfolders (one or two levels down) with a lock file of their own."""
    found: dict[str, str] = {}
    for mark, tool in MEMBER_MARKS.items():
        for path in (*_glob(project, f"*/{mark}"), *_glob(project, f"*/*/{mark}")):
            found.setdefault(path.rsplit("/", 1)[0], tool)
    return sorted(found.items())


def _seen(files: ProjectFiles, scan: _Scan) -> tuple[str, ...]:
    """What the project's own files are, when no tool's are there: what detect saw."""
    seen = []
    if files.exists("pyproject.toml"):
        data = as_mapping(scan.parsed("pyproject.toml"))
        name = as_mapping(data.get("project")).get("name")
        backend = as_mapping(data.get("build-system")).get("build-backend")
        groups = ", ".join(sorted(str(g) for g in as_mapping(data.get("dependency-groups"))))
        tools = ", ".join(sorted(str(t) for t in as_mapping(data.get("tool"))))
        parts = [
            f"[project] {name}" if isinstance(name, str) else "",
            f"built by {backend}" if isinstance(backend, str) else "",
            f"dependency groups {groups}" if groups else "",
            f"settings of {tools}" if tools else "",
        ]
        seen.append(f"pyproject.toml ({'; '.join(p for p in parts if p) or 'no tables pickenv reads'})")
    kinds = (".txt", ".cfg", ".ini", ".toml", ".yml", ".yaml", ".py", ".lock")
    others = [p for p in files.glob("*") if p != "pyproject.toml" and p.endswith(kinds)]
    if others:
        seen.append(", ".join(others[:12]) + (f" and {len(others) - 12} more" if len(others) > 12 else ""))
    return tuple(seen) or ("no file pickenv reads",)
