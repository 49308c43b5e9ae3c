"""`pickenv detect`'s service: which tool an existing project uses, from its files.

Each tool's evidence is declared by the tool registry (``pickenv.tools``, and
``tools.others`` for the tools pickenv recognises but does not scaffold); this module
only weighs it. Strong evidence (a lock file, a tool's manifest, a tool's table in
pyproject.toml) counts 3, weak evidence (an environment folder's marks) 1. The tool
with the most wins; its confidence is high when no other tool has strong evidence,
and several tools' strong evidence together is a finding, not an error. A pickenv
project's answers file names its tool too, and disagreeing files are reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pickenv.errors import Fix, ProjectError
from pickenv.project.infer import Inferred, infer_answers
from pickenv.tools.base import Evidence

Confidence = Literal["high", "medium", "low", "none"]
_WEIGHT = {"strong": 3, "weak": 1}


@dataclass(frozen=True)
class Found:
    tool: str
    path: str  # the file, relative to the project
    strength: str
    note: str


@dataclass(frozen=True)
class Detection:
    path: Path
    tool: str | None  # None: nothing found
    confidence: Confidence
    evidence: tuple[Found, ...]  # strongest first
    findings: tuple[str, ...]  # several tools, disagreement with the answers file
    inferred: Inferred


def detect(project: Path) -> Detection:
    if not project.is_dir():
        raise ProjectError(f"{project} is not a folder", fixes=[Fix.NOT_A_PROJECT])
    from pickenv.tools.others import all_evidence

    found = [
        Found(tool, path, ev.strength, ev.note)
        for tool, evidence in all_evidence().items()
        for ev in evidence
        for path in _matches(project, ev)
    ]
    recorded = _recorded_tool(project)
    if recorded is not None:
        found.append(
            Found(recorded[0], recorded[1], "strong", "the tool pickenv recorded when it made the project")
        )
    scores: dict[str, int] = {}
    for item in found:
        scores[item.tool] = scores.get(item.tool, 0) + _WEIGHT[item.strength]
    strong_tools = sorted({f.tool for f in found if f.strength == "strong"})
    findings = _findings(found, strong_tools, recorded)
    tool = max(scores, key=lambda t: (scores[t], t in strong_tools, -_ORDER.get(t, 99))) if scores else None
    confidence: Confidence = "none"
    if tool is not None:
        rivals = [t for t in strong_tools if t != tool and not _same_family(t, tool)]
        confidence = "low" if tool not in strong_tools else "medium" if rivals else "high"
    evidence = tuple(sorted(found, key=lambda f: (-_WEIGHT[f.strength], f.tool != tool, f.tool, f.path)))
    return Detection(project, tool, confidence, evidence, findings, infer_answers(project, tool))


# requirements files point at venv and virtualenv alike: venv (the standard library's)
# is the answer unless something says virtualenv.
_ORDER = {"venv": 0, "virtualenv": 1}


def _same_family(a: str, b: str) -> bool:
    """Tools whose evidence overlaps by nature, not a conflict in the project."""
    family = {"venv", "virtualenv", "pip-tools"}
    return a in family and b in family


def _matches(project: Path, evidence: Evidence) -> list[str]:
    hits = []
    for path in sorted(project.glob(evidence.path)):
        if evidence.contains or evidence.lacks:
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if evidence.contains and evidence.contains not in text:
                continue
            if any(mark in text for mark in evidence.lacks):
                continue
        hits.append(path.relative_to(project).as_posix())
    return hits


def _recorded_tool(project: Path) -> tuple[str, str] | None:
    """A pickenv (or team template) project's answers file names its tool."""
    import yaml

    for path in sorted(project.glob(".copier-answers*.yml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        if isinstance(data, dict) and isinstance(data.get("tool"), str):
            return data["tool"], path.name
    return None


def _findings(
    found: list[Found], strong_tools: list[str], recorded: tuple[str, str] | None
) -> tuple[str, ...]:
    findings = []
    by_files = sorted(
        {f.tool for f in found if f.strength == "strong" and not f.path.startswith(".copier-answers")}
    )
    # one tool per family: venv's and virtualenv's evidence is the same requirements file
    unrelated = [t for i, t in enumerate(by_files) if not any(_same_family(t, o) for o in by_files[:i])]
    if len(unrelated) > 1:
        files = {t: next(f.path for f in found if f.tool == t and f.strength == "strong") for t in unrelated}
        listed = ", ".join(f"{files[t]} ({t})" for t in unrelated)
        findings.append(
            f"files of several tools: {listed}; keep one tool's, or say in the README which is used"
        )
    if recorded is not None and by_files and recorded[0] not in by_files:
        findings.append(
            f"{recorded[1]} records {recorded[0]}, but the files are {', '.join(by_files)}'s: "
            "the project has moved on from what was generated"
        )
    return tuple(findings)


@dataclass(frozen=True)
class SwitchOutline:
    """What moving to another tool would change, as files (``detect --recommend`` says
    it; ``project.switch`` does it)."""

    target: str
    replace: tuple[str, ...]  # the detected tool's files in the project
    write: tuple[str, ...]  # the target's dependency and lock files


def switch_outline(found: Detection, target: str, locked: bool) -> SwitchOutline:
    from pickenv.tools import get_tool

    tool = get_tool(target)
    write = (*tool.files(locked), *tool.lock_files(locked)) or ("pyproject.toml",)
    old = tuple(
        dict.fromkeys(
            e.path
            for e in found.evidence
            if e.tool == found.tool and e.strength == "strong" and not e.path.startswith(".copier-answers")
        )
    )
    return SwitchOutline(target, tuple(p for p in old if p not in write), tuple(write))
