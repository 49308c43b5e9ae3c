"""`pickenv diff`'s service: how a project differs from its template at the version it
records (cruft's `diff`). The template is rendered at the project's ``_commit`` with the
project's recorded answers, as copier renders the old side of an update (so what shows
here is what an update treats as the user's own edits), tasks skipped, into a scratch
folder; nothing in the project is written.

Compared: every file the render has. A file the project changed is shown as a unified
diff; one the render has and the project does not, as deleted. The project's own files
(code, data: everything the template never had) are counted, not shown; the answers
files are left out (copier's records the answers compared with, pickenv's is its own).
"""

from __future__ import annotations

import difflib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pickenv.context import Context
from pickenv.errors import Fix, ProjectError
from pickenv.repo.git import shown
from pickenv.templating.answers import pickenv_answers_name, read_answers
from pickenv.templating.render import render
from pickenv.templating.source import TemplateSource
from pickenv.templating.update_answers import find_answers_file
from pickenv.templating.update_source import update_source

LINE_LIMIT = 5_000  # lines of one file compared: a generated lock file is not worth a diff
_SIZE_LIMIT = 1 << 20  # bytes of one file compared as text


@dataclass(frozen=True)
class FileDrift:
    path: str  # relative to the project
    change: str  # "changed", "deleted", "binary" (differs, not text)
    diff: str = ""  # unified diff, template -> project ("" for deleted and binary)


@dataclass(frozen=True)
class Drift:
    path: Path
    template: str  # as the project records it
    version: str  # the template version compared with
    files: tuple[FileDrift, ...]  # template files the project changed or deleted
    same: int  # template files the project has unchanged
    own: int  # the project's files the template does not have

    @property
    def drifted(self) -> bool:
        return bool(self.files)


def drift(
    project: Path,
    ctx: Context,
    *,
    answers_file: str | None = None,
    allow: Callable[[tuple[str, ...], str], bool] = lambda unsafe, location: False,
) -> Drift:
    """Compare ``project`` with its template at the recorded version. ``allow`` is asked
    when the template loads Jinja extensions (the render runs them; tasks are skipped)."""
    name = answers_file or find_answers_file(project)
    if not (project / name).is_file():
        raise ProjectError(
            f"{shown(project)} has no {name}: it was not made from a template; "
            "`pickenv adopt` links it to one",
            fixes=[Fix.NOT_A_PROJECT],
        )
    answers = read_answers(project, name)
    if not answers.get("_commit"):
        raise ProjectError(
            f"{shown(project)} records its template ({answers['_src_path']}) but no version (_commit): "
            "there is nothing to compare with",
            fixes=[],
        )
    source = update_source(answers, str(answers["_commit"]), ctx, {})
    template = _source_at(source.recorded, source.src, source.old, source.builtin, ctx)
    trusted = False
    if not source.builtin:
        from pickenv.templating.source import inspect

        extensions = tuple(u for u in inspect(template, ctx).unsafe if u.startswith("Jinja extension"))
        trusted = bool(extensions) and allow(extensions, source.recorded)
    data = {k: v for k, v in answers.items() if not k.startswith("_")}
    if source.builtin:
        data["reasons"] = list(_reasons(data, ctx))
    with tempfile.TemporaryDirectory(prefix="pickenv-diff-") as scratch:
        rendered = Path(scratch)
        render(template, data, rendered, trusted=trusted, skip_tasks=True)
        # source.src: a team's local template as a path (``~/`` expanded), which the
        # report shows relative to here
        return compare(project, rendered, source.src, source.old, {name, pickenv_answers_name(name)})


def _reasons(answers: dict[str, object], ctx: Context) -> tuple[str, ...]:
    """Why the recorded tool, as pickenv's template writes it into the README (it records
    the answers, not the reasons): the rules' reasons for these answers today, when they
    still recommend that tool. Otherwise none, and the README's paragraph shows as the
    project's: the rules have moved on since the project was made."""
    from pickenv.errors import PickenvError
    from pickenv.questionnaire.questions import QUESTIONS, coerce
    from pickenv.resources import bundled_layers
    from pickenv.rules.engine import recommend
    from pickenv.rules.service import effective_rules

    try:
        given = {
            q.id: coerce(q, answers[q.id], origin="the answers file") for q in QUESTIONS if q.id in answers
        }
        tool = str(answers.get("tool"))
        layers = (tool,) if tool in bundled_layers() else ()  # a tool that joins the ranking on request
        result = recommend(effective_rules(ctx, (), layers), given)
    except (PickenvError, KeyError, ValueError):
        return ()
    if result.recommendation != tool:
        return ()
    top = next(a for a in result.ranking if a.tool == tool)
    return tuple(r.because for r in top.reasons if r.effect.startswith("+"))


def _source_at(recorded: str, src: str, ref: str, builtin: bool, ctx: Context) -> TemplateSource:
    if builtin:  # pickenv's own template history: a local repository on this machine
        from pickenv.resources import project_template
        from pickenv.templating.history import ensure_history

        history = ensure_history(ctx, project_template())
        return TemplateSource(str(history.repo), "git", ref=ref, folder=history.repo)
    from pickenv.templating.source import resolve_source

    return resolve_source(recorded, ref, ctx)


def compare(project: Path, rendered: Path, template: str, version: str, skip: set[str]) -> Drift:
    theirs = _files(rendered)
    ours = _files(project)
    files: list[FileDrift] = []
    same = 0
    for path in sorted(theirs):
        if path in skip or Path(path).name in skip:
            continue
        if path not in ours:
            files.append(FileDrift(path, "deleted"))
            continue
        old, new = (rendered / path).read_bytes(), (project / path).read_bytes()
        if old == new:
            same += 1
            continue
        text = _text_diff(path, old, new)
        files.append(FileDrift(path, "changed", text) if text is not None else FileDrift(path, "binary"))
    own = len([p for p in ours if p not in theirs and p not in skip and Path(p).name not in skip])
    return Drift(project, template, version, tuple(files), same, own)


def _files(root: Path) -> set[str]:
    """Regular files under ``root``, never inside .git nor through a link."""
    found = set()
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if ".git" in relative.parts or path.is_symlink() or not path.is_file():
            continue
        found.add(relative.as_posix())
    return found


def _text_diff(path: str, old: bytes, new: bytes) -> str | None:
    """A unified diff of two versions of a text file; None when either is not text."""
    if max(len(old), len(new)) > _SIZE_LIMIT:
        return None
    try:
        before, after = old.decode("utf-8").splitlines(), new.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return None
    if max(len(before), len(after)) > LINE_LIMIT:
        return None
    lines = difflib.unified_diff(before, after, f"template/{path}", f"project/{path}", lineterm="")
    return "\n".join(lines) + "\n"
