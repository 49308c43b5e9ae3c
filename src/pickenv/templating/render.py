"""Rendering a copier template, and what a template says about itself."""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Mapping
from pathlib import Path

from pickenv.errors import Fix, TemplateError
from pickenv.repo.git import last_complaint
from pickenv.templating.source import TemplateSource


def template_failures() -> tuple[type[Exception], ...]:
    """What a template's fault raises inside copier: its own errors, Jinja's (a syntax
    error in a team template), plumbum's for a git command that failed (a template
    repository that is gone), and ValueError for bad answers."""
    from copier.errors import CopierError
    from jinja2 import TemplateError as JinjaError
    from plumbum import ProcessExecutionError

    return (CopierError, JinjaError, ProcessExecutionError, ValueError)


TEXT_LIMIT = 600  # characters of copier's message kept: its reasons, not a whole page


def failure_text(exc: Exception) -> str:
    """copier's whole message on one line (its first line alone, "could not load some
    Jinja extensions:", hides which); plumbum's errors carry the whole command and its
    output, of which git's last complaint is the point."""
    stderr = getattr(exc, "stderr", None)
    if isinstance(stderr, str) and stderr.strip():
        return last_complaint(stderr)
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    text = lines[0]
    for line in lines[1:]:
        text += (" " if text.endswith((":", ".")) else "; ") + line
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


def render(
    source: TemplateSource,
    data: Mapping[str, object],
    target: Path,
    *,
    trusted: bool = False,
    ask: bool = False,
    skip_tasks: bool = False,
    cache_dir: Path | None = None,
) -> None:
    """Render the template into ``target`` (an existing, empty folder). ``trusted``: the
    user allowed what it runs, and copier is told to trust this source alone (never a
    blanket ``unsafe``). ``ask``: copier prompts for the questions nobody answered.

    pickenv's own template is rendered without copier where it can be (see
    ``templating.direct``: the same files, about 250 ms sooner), its compiled templates
    kept in ``cache_dir``."""
    if source.kind == "builtin" and source.folder is not None and not ask:
        from pickenv.templating.direct import NotDirect, render_direct

        try:
            render_direct(source.folder, data, target, cache_dir)
            return
        except NotDirect:
            _empty(target)  # nothing is written before the render is known to succeed; to be sure
    try:
        _copy(
            source,
            data,
            target,
            trusted=trusted,
            defaults=not ask,
            skip_tasks=skip_tasks,
            # A template's own `_exclude` replaces copier's defaults, `.git` among
            # them: a project must never arrive inside its template's repository.
            exclude=[".git"],
        )
    except template_failures() as exc:
        where = _where(exc)
        raise TemplateError(
            f"rendering the template {source.location} failed: "
            + (f"{where[0]}:{where[1]}: " if where else "")
            + failure_text(exc),
            facts={"file": where[0], "line": str(where[1])} if where else None,
        ) from None


def run_tasks(source: TemplateSource, data: Mapping[str, object], target: Path) -> None:
    """Run the template's tasks in ``target``, the project's final folder, rendering no
    file: pickenv renders into a staging folder and moves the result into place, and a
    task that writes the project's own path (a virtual environment's scripts, a
    workspace file) must see where the project is, not where it was rendered. copier
    runs tasks after its render; excluding every file leaves only them. The user
    trusted the template before (tasks never run untrusted)."""
    try:
        # gitignore patterns: every file and folder, at any depth
        _copy(source, data, target, trusted=True, defaults=True, skip_tasks=False, exclude=["*", ".*"])
    except template_failures() as exc:
        raise TemplateError(
            f"a task of the template {source.location} failed: {failure_text(exc)}", fixes=[Fix.SKIP_TASKS]
        ) from None


def _copy(
    source: TemplateSource,
    data: Mapping[str, object],
    target: Path,
    *,
    trusted: bool,
    defaults: bool,
    skip_tasks: bool,
    exclude: list[str],
) -> None:
    """copier's copy of ``source`` into ``target``: quiet, never a blanket ``unsafe``
    (``trusted`` trusts this source alone), its git credentials for this run only."""
    import copier

    location = str(source.folder) if source.kind in ("builtin", "folder") else source.location
    with warnings.catch_warnings(), source.credentials():
        warnings.simplefilter("ignore")
        copier.run_copy(
            location,
            str(target),
            data=dict(data),
            vcs_ref=source.ref,
            defaults=defaults,
            quiet=True,
            overwrite=True,
            unsafe=False,
            settings=copier.Settings(trust=[source.location]) if trusted else None,
            skip_tasks=skip_tasks,
            cleanup_on_error=False,  # the folder is ours to remove
            exclude=exclude,
        )


def _empty(folder: Path) -> None:
    for path in folder.iterdir():
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def _where(exc: Exception) -> tuple[str, int] | None:
    """The template file and line of a Jinja syntax error (copier loads files by their
    path in the template, so Jinja knows it)."""
    from jinja2 import TemplateError as JinjaError
    from jinja2 import TemplateSyntaxError

    if isinstance(exc, TemplateSyntaxError) and (exc.name or exc.filename):
        return str(exc.name or exc.filename), exc.lineno
    if isinstance(exc, JinjaError):
        # A runtime error (an unknown filter in a branch, an undefined name): Jinja
        # rewrites the traceback so that the template's own frame names its file.
        found = None
        frame = exc.__traceback__
        while frame is not None:
            name = frame.tb_frame.f_code.co_filename
            if not name.endswith(".py") and not name.startswith("<"):
                found = (name, frame.tb_lineno)
            frame = frame.tb_next
        return found
    return None


def supported_tools(template: Path) -> tuple[str, ...]:
    """The tools a template scaffolds: the choices of its `tool` question."""
    import yaml

    try:  # the C loader when libyaml is there: 2 ms instead of 60 for the built-in template
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        config = yaml.load((template / "copier.yml").read_text(encoding="utf-8"), Loader=loader)
        choices = config["tool"]["choices"]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise TemplateError(f"{template} declares no `tool` question with choices: {exc}") from None
    return tuple(str(c) for c in choices)
