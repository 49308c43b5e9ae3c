"""`pickenv template check`: is a team's copier template fit for pickenv? It must
declare the questions pickenv answers, write an answers file, carry PEP 440 version
tags (copier updates between them), say which copier it needs, and render for every
tool and domain it claims to support. Teams run it in their template's CI.

Each render is real (into a temporary folder, without tasks): copier's pretend mode
skips the very file rendering whose errors this is looking for.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, replace
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


def check_template(given: str, ref: str | None, ctx: Context, *, trusted: bool) -> TemplateCheck:
    try:
        source = resolve_source(given, ref, ctx)
        info = inspect(source, ctx)
    except TemplateError as exc:
        raise _worded_for_check(exc) from None
    problems = [*_declarations(info), *_versions(info)]
    from pickenv.tools import tool_names

    known = tool_names()
    tools = tuple(t for t in info.tools if t in known)
    for tool in info.tools:
        if tool not in known:
            problems.append(
                TemplateProblem(
                    "copier.yml",
                    f"tool choice {excerpt(tool)} is not a tool pickenv knows ({', '.join(known)}): "
                    "never offered",
                )
            )
    domains = _domains(info)
    rendered = 0
    extensions = [u for u in info.unsafe if u.startswith("Jinja extension")]
    if extensions and not trusted:
        problems.append(
            TemplateProblem(
                "copier.yml", f"not rendered: it loads {'; '.join(extensions)}; pass --trust to render it"
            )
        )
    elif not info.missing:
        pinned = replace(source, ref=info.ref)
        for tool in tools:
            for domain in domains:
                problem = _render_one(pinned, info, tool, domain, trusted)
                if problem is None:
                    rendered += 1
                else:
                    problems.append(problem)
    return TemplateCheck(
        mask(given), source.location, info.ref, tools, domains, rendered, info.unsafe, tuple(problems)
    )


def _worded_for_check(exc: TemplateError) -> TemplateError:
    """The source is this command's argument, not `new`'s --template: what a template
    source can be is said in the message, never as a flag."""
    if Fix.TEMPLATE_SOURCE not in exc.fixes:
        return exc
    fixes = [f for f in exc.fixes if f is not Fix.TEMPLATE_SOURCE]
    message = join_fix(exc.message, Fix.TEMPLATE_SOURCE.value)
    return TemplateError(message, fixes=fixes, facts=exc.facts)


def _declarations(info: TemplateInfo) -> list[TemplateProblem]:
    problems = [
        TemplateProblem(
            "copier.yml",
            f"declares no `{q}` question: pickenv answers it, and copier records only declared questions",
        )
        for q in info.missing
    ]
    subdirectory = str(info.config.get("_subdirectory") or "").strip("/")
    inside = [f for f in info.files if not subdirectory or f.startswith(subdirectory + "/")]
    if not any(ANSWERS_TEMPLATE.search(f) for f in inside):
        where = f"{subdirectory}/" if subdirectory else ""
        problems.append(
            TemplateProblem(
                f"{where}{{{{ _copier_conf.answers_file }}}}.jinja",
                "missing: without an answers file, projects cannot be updated",
            )
        )
    minimum = info.config.get("_min_copier_version")
    if minimum is None:
        problems.append(
            TemplateProblem("copier.yml", "no _min_copier_version: say which copier the template needs")
        )
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


def _versions(info: TemplateInfo) -> list[TemplateProblem]:
    if info.source.kind == "folder":
        return [
            TemplateProblem(
                ".", "a plain folder, not a git repository: projects made from it can never be updated"
            )
        ]
    problems = [
        TemplateProblem("tags", f"tag {excerpt(tag)} is not a PEP 440 version: copier never updates to it")
        for tag in info.tags
        if release_key(tag) is None
    ]
    if not any(release_key(t) is not None for t in info.tags):
        problems.append(
            TemplateProblem("tags", "no version tags (such as v1.0.0): projects cannot be updated")
        )
    return problems


def _domains(info: TemplateInfo) -> tuple[str, ...]:
    from pickenv.questionnaire.questions import QUESTIONS

    ours = tuple(str(v) for v in next(q for q in QUESTIONS if q.id == "domain").values)
    declared = info.questions.get("domain")
    if declared is None:
        return ("scripting",)  # the template does not vary by domain: one render per tool
    choices = declared.get("choices")
    values = choices.values() if isinstance(choices, dict) else choices or ours
    return tuple(str(v) for v in values if str(v) in ours)


def _render_one(
    source: TemplateSource, info: TemplateInfo, tool: str, domain: str, trusted: bool
) -> TemplateProblem | None:
    data = {
        "project_name": "check-project",
        "tool": tool,
        "domain": domain,
        "python_version": _python(info, tool, domain),
    }
    data = {k: v for k, v in data.items() if k in info.questions and v is not None}
    with tempfile.TemporaryDirectory(prefix="pickenv-template-check-") as scratch:
        try:
            render(source, data, Path(scratch), trusted=trusted, skip_tasks=True)
        except PickenvError as exc:
            message = exc.message.split(" failed: ", 1)[-1]
            file = "copier.yml"
            if "file" in exc.facts:
                named = exc.facts["file"]
                message = message.removeprefix(f"{named}:{exc.facts['line']}: ")
                # A path in copier's clone: the template file it ends with.
                ends = [f for f in info.files if named == f or named.endswith("/" + f)]
                file = f"{max(ends, key=len) if ends else named}:{exc.facts['line']}"
            return TemplateProblem(file, f"tool={tool} domain={domain}: {message}")
    return None


def _python(info: TemplateInfo, tool: str, domain: str) -> str | None:
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
    return next((v for v in ordered if get_tool(tool).supports(PythonVersion.parse(v))), None)
