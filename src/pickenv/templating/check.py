"""`pickenv template check`: is a team's copier template fit for pickenv? It must
write an answers file (found in a real render), carry PEP 440 version tags (copier
updates between them), say which copier it needs, declare its migrations as copier
runs them, and render for every tool and domain it offers. A template without a `tool`
question sets up its own tool: it is rendered once per domain. pickenv's answers go to
the questions the template asks (``templating.offer``); ``--data`` answers its own.
Teams run it in their template's CI.

Each render is real (into a temporary folder, without tasks): copier's pretend mode
skips the very file rendering whose errors this is looking for.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from pickenv.context import Context
from pickenv.errors import Fix, PickenvError, TemplateError, join_fix
from pickenv.formats.files import mask
from pickenv.templating.history import release_key
from pickenv.templating.render import render
from pickenv.templating.source import TemplateInfo, TemplateSource, inspect, resolve_source
from pickenv.yamlio import excerpt

ANSWERS_TEMPLATE = re.compile(r"(^|/)(\{\{ *_copier_conf\.answers_file *\}\}|\.copier-answers\.yml)\.jinja$")


@dataclass(frozen=True)
class TemplateProblem:
    file: str  # relative to the template, or its copier.yml
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


@dataclass(frozen=True)
class TemplateCheck:
    source: str  # as the user named it
    location: str  # as projects would record it
    ref: str | None
    tools: tuple[str, ...]  # the tools it scaffolds that pickenv knows
    domains: tuple[str, ...]
    rendered: int  # renders that succeeded
    unsafe: tuple[str, ...]  # what it runs (tasks are skipped here)
    problems: tuple[TemplateProblem, ...]
    planned: int = 0  # renders tried: each tool and domain (each domain, when it owns its tool)
    owns_tool: bool = False  # no `tool` question pickenv answers: the template sets up its own
    notes: tuple[str, ...] = field(default=())  # worth knowing, not a problem


def check_template(
    given: str, ref: str | None, ctx: Context, *, trusted: bool, data: Mapping[str, str] | None = None
) -> TemplateCheck:
    from pickenv.templating.offer import offer_of, refuse_unknown_data
    from pickenv.tools import tool_names

    try:
        source = resolve_source(given, ref, ctx)
        info = inspect(source, ctx)
    except TemplateError as exc:
        raise _worded_for_check(exc) from None
    refuse_unknown_data(data or {}, info.questions, "--data", source.location)
    known = tool_names()
    offer = offer_of(info, {}, known)
    version_problems, notes = _versions(info)
    problems = [*_declarations(info, notes), *_migrations(info), *version_problems]
    tools: tuple[str | None, ...] = (None,) if offer.owns_tool else tuple(t for t in info.tools if t in known)
    for choice in () if offer.owns_tool else info.tools:
        if choice not in known:
            problems.append(
                TemplateProblem(
                    "copier.yml",
                    f"tool choice {excerpt(choice)} is not a tool pickenv knows ({', '.join(known)}): "
                    "never offered",
                )
            )
    if offer.owns_tool:
        notes.append("it asks no `tool` pickenv answers: it sets up its own environment tool")
    domains = _domains(info) if "domain" in offer.names else ("scripting",)
    rendered = 0
    answers_found: bool | None = None  # None: nothing rendered, the file list says
    tried = False  # a render was tried: a failed one says nothing of the answers file
    extensions = [u for u in info.unsafe if u.startswith("Jinja extension")]
    if extensions and not trusted:
        problems.append(
            TemplateProblem(
                "copier.yml", f"not rendered: it loads {'; '.join(extensions)}; pass --trust to render it"
            )
        )
    elif unanswered := _unanswered(info, offer.names, data or {}):
        # copier stops at the first one: all of them at once, before any render
        problems.append(
            TemplateProblem(
                "copier.yml",
                f"no default for {', '.join(unanswered)}: answer them with --data NAME=VALUE to render",
            )
        )
        tried = True
    else:
        tried = True
        pinned = replace(source, ref=info.ref)
        for tool in tools:
            for domain in domains:
                answers: dict[str, object] = {**offer.data(_answers(info, tool, domain)), **(data or {})}
                problem, found = _render_one(pinned, info, answers, f"tool={tool or '-'} domain={domain}",
                                             trusted)  # fmt: skip
                if problem is None:
                    rendered += 1
                    answers_found = bool(answers_found) or found
                else:
                    problems.append(problem)
    if answers_found is not None or not tried:
        problems += _answers_file(info, answers_found)
    planned = len(tools) * len(domains)
    return TemplateCheck(
        mask(given), source.location, info.ref, tuple(t for t in tools if t), domains, rendered,
        info.unsafe, tuple(problems), planned, offer.owns_tool, tuple(notes),
    )  # fmt: skip


def _worded_for_check(exc: TemplateError) -> TemplateError:
    """The source is this command's argument, not `new`'s --template: what a template
    source can be is said in the message, never as a flag."""
    if Fix.TEMPLATE_SOURCE not in exc.fixes:
        return exc
    fixes = [f for f in exc.fixes if f is not Fix.TEMPLATE_SOURCE]
    message = join_fix(exc.message, Fix.TEMPLATE_SOURCE.value)
    return TemplateError(message, fixes=fixes, facts=exc.facts)


def _answers_file(info: TemplateInfo, found: bool | None) -> list[TemplateProblem]:
    """Projects record their template in copier's answers file: seen in a render (a
    template may name it through a variable of its own), else looked for by its usual
    file names when nothing could be rendered."""
    subdirectory = str(info.config.get("_subdirectory") or "").strip("/")
    if found is None:
        inside = [f for f in info.files if not subdirectory or f.startswith(subdirectory + "/")]
        found = any(ANSWERS_TEMPLATE.search(f) for f in inside)
    if found:
        return []
    where = f"{subdirectory}/" if subdirectory else ""
    return [
        TemplateProblem(
            f"{where}{{{{ _copier_conf.answers_file }}}}.jinja",
            "missing: without an answers file, projects cannot be updated",
        )
    ]


def _migrations(info: TemplateInfo) -> list[TemplateProblem]:
    """copier runs a migration when an update crosses its `version`: one without a
    PEP 440 version, or without a command, never runs as its author meant."""
    entries = info.config.get("_migrations") or []
    problems = []
    for number, entry in enumerate(entries if isinstance(entries, list) else [entries], 1):
        if not isinstance(entry, Mapping):
            continue  # copier 9's plain commands run on every update
        version = entry.get("version")
        if version is not None and release_key(str(version)) is None:
            problems.append(
                TemplateProblem(
                    "copier.yml", f"migration {number}: version {excerpt(version)} is not PEP 440"
                )
            )
        if not any(key in entry for key in ("command", "before", "after")):
            problems.append(TemplateProblem("copier.yml", f"migration {number}: no command"))
    return problems


def _declarations(info: TemplateInfo, notes: list[str]) -> list[TemplateProblem]:
    problems: list[TemplateProblem] = []
    minimum = info.config.get("_min_copier_version")
    if minimum is None:
        notes.append("copier.yml has no _min_copier_version: saying which copier it needs helps its users")
    else:
        import copier

        needed, installed = release_key(str(minimum)), release_key(copier.__version__)
        if needed is None:
            problems.append(
                TemplateProblem("copier.yml", f"_min_copier_version {excerpt(minimum)} is not a version")
            )
        elif installed is not None and needed > installed:
            problems.append(
                TemplateProblem(
                    "copier.yml", f"needs copier {minimum}; pickenv runs copier {copier.__version__}"
                )
            )
    return problems


def _versions(info: TemplateInfo) -> tuple[list[TemplateProblem], list[str]]:
    """Problems, and notes: a tag that is not PEP 440 (an old one, or a branch marker) is
    only worth a note while the template has release tags to update between."""
    if info.source.kind == "folder":
        return [
            TemplateProblem(
                ".", "a plain folder, not a git repository: projects made from it can never be updated"
            )
        ], []
    odd = [tag for tag in info.tags if release_key(tag) is None]
    if not any(release_key(t) is not None for t in info.tags):
        return [TemplateProblem("tags", "no version tags (such as v1.0.0): projects cannot be updated")], []
    shown = ", ".join(excerpt(t) for t in odd[:3]) + (f" and {len(odd) - 3} more" if len(odd) > 3 else "")
    return [], [f"tags {shown}: not PEP 440 versions, copier never updates to them"] if odd else []


def _domains(info: TemplateInfo) -> tuple[str, ...]:
    from pickenv.questionnaire.questions import QUESTIONS

    ours = tuple(str(v) for v in next(q for q in QUESTIONS if q.id == "domain").values)
    declared = info.questions.get("domain")
    if declared is None:
        return ("scripting",)  # the template does not vary by domain: one render per tool
    choices = declared.get("choices")
    values = choices.values() if isinstance(choices, dict) else choices or ours
    return tuple(str(v) for v in values if str(v) in ours)


def _unanswered(info: TemplateInfo, offered: Mapping[str, str], data: Mapping[str, str]) -> list[str]:
    """The template's questions with no default that nobody answers here (a question
    asked only under a condition, `when:`, may never be asked: left to copier)."""
    given = {*offered.values(), *data}
    return [
        name
        for name, question in info.questions.items()
        if question.get("default") is None and "when" not in question and name not in given
    ]


def _answers(info: TemplateInfo, tool: str | None, domain: str) -> dict[str, object]:
    """pickenv's answers for one render (only those the template asks reach it)."""
    licences = info.choices("license")
    data = {
        "project_name": "check-project",
        "tool": tool,
        "domain": domain,
        "python_version": _python(info, tool, domain),
        # pickenv's fields, as `new` gives them where the template has no default
        "description": "check-project: a Python project",
        "author": "Template Check",
        "license": licences[0] if licences else "MIT",
    }
    return {k: v for k, v in data.items() if v is not None and not _has_default(info, k)}


def _has_default(info: TemplateInfo, name: str) -> bool:
    """A field of pickenv's that the template answers itself (`new` keeps its default)."""
    return (
        name in ("description", "author", "license")
        and info.questions.get(name, {}).get("default") is not None
    )


def _render_one(
    source: TemplateSource, info: TemplateInfo, data: Mapping[str, object], label: str, trusted: bool
) -> tuple[TemplateProblem | None, bool]:
    """A render's problem (None: it rendered), and whether it wrote the answers file."""
    with tempfile.TemporaryDirectory(prefix="pickenv-template-check-") as scratch:
        try:
            render(source, data, Path(scratch), trusted=trusted, skip_tasks=True)
            return None, _wrote_answers(Path(scratch))
        except PickenvError as exc:
            message = exc.message.split(" failed: ", 1)[-1]
            file = "copier.yml"
            if "file" in exc.facts:
                named = exc.facts["file"]
                message = message.removeprefix(f"{named}:{exc.facts['line']}: ")
                # A path in copier's clone: the template file it ends with.
                ends = [f for f in info.files if named == f or named.endswith("/" + f)]
                file = f"{max(ends, key=len) if ends else named}:{exc.facts['line']}"
            return TemplateProblem(file, f"{label}: {message}"), False


def _wrote_answers(folder: Path) -> bool:
    """The render holds copier's answers file: a YAML file whose name says answers and
    that records the template (its name may come from a variable of the template's)."""
    for path in folder.rglob("*answers*.y*ml"):
        try:
            if path.is_file() and path.stat().st_size < 1 << 20 and "_src_path" in path.read_text("utf-8"):
                return True
        except (OSError, UnicodeDecodeError):
            continue
    return False


def _python(info: TemplateInfo, tool: str | None, domain: str) -> str | None:
    """The version pickenv would make such a project for: 2.7 for 2/3 code where the
    tool can, else the newest the template offers and the tool supports (as a user
    would pick after the rules refuse 2.7)."""
    from pickenv.tools import get_tool
    from pickenv.versions import KNOWN_VERSIONS, PythonVersion

    choices = info.questions.get("python_version", {}).get("choices")
    offered = [str(c) for c in (choices.values() if isinstance(choices, dict) else choices or KNOWN_VERSIONS)]
    preferred = ["2.7", "3.12"] if domain == "legacy-python2" else ["3.12"]
    ordered = [v for v in preferred if v in offered] + sorted(
        (v for v in offered if v not in preferred), key=PythonVersion.parse, reverse=True
    )
    return next((v for v in ordered if tool is None or get_tool(tool).supports(PythonVersion.parse(v))), None)
