"""pickenv's own template rendered without copier: the files `copier copy` writes, with
Jinja alone.

`pickenv new` spent most of its own time in copier (its import, about 200 ms: pydantic,
plumbum, questionary and prompt_toolkit for prompts nobody sees; then about 150 ms
compiling every question's strings again and running git once per file), against
about 60 ms here, 30 ms with the compiled templates kept (``templating.compiled``;
bench/uv_ready.py, a uv project). This renders what the built-in template uses of copier: questions
with a ``type``, ``default``, ``choices``, ``when`` and ``validator``; ``_subdirectory``,
``_answers_file`` and ``_envops``; templated file and folder names (an empty name
skips it); ``.jinja`` files rendered and the rest copied, with the template file's
mode; copier's default exclusions; Jinja in copier's sandbox with the same filters
(jinja2-ansible-filters). Anything else raises ``NotDirect`` before a file is written,
and so does a wrong answer or a failing Jinja expression: the caller then renders
with copier, which says what is wrong as it always did. Team templates, updates and
prompting always go through copier.

The answers file is the template's own (``_copier_answers``, merged with the
``template_record`` pickenv passes): copier's own ``_src_path`` and ``_commit`` are not
computed here, so a render without a record is copier's. A test renders the template
both ways across tools, domains, Python versions and licences, and compares every
byte and mode.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Template
    from jinja2.sandbox import SandboxedEnvironment

    from pickenv.templating.compiled import OneFileCache

CONFIG = "copier.yml"
SUFFIX = ".jinja"  # copier's default _templates_suffix
# copier's DEFAULT_EXCLUDE, matched against each part of a path as gitignore does.
EXCLUDED = ("copier.yaml", "copier.yml", "~*", "*.py[co]", "__pycache__", ".git", ".DS_Store", ".svn")
_SETTINGS = frozenset({"_min_copier_version", "_subdirectory", "_answers_file", "_envops"})
_FIELDS = frozenset({"type", "help", "default", "choices", "when", "validator"})
_TYPES = frozenset({"str", "bool", "yaml"})
_RECORD = "template_record"  # what the answers file records as the template (see creation.create)


class NotDirect(Exception):
    """This render needs copier: the template or the answers use what is not done here."""


def render_direct(
    template: Path, data: Mapping[str, object], target: Path, cache_dir: Path | None = None
) -> None:
    """Render ``template`` into ``target`` (an existing, empty folder) as
    ``copier.run_copy(template, target, data=data, defaults=True)`` would; with
    ``cache_dir``, its compiled templates are kept there (``templating.compiled``)."""
    config, questions = _read(template)
    env = _environment(template, config)
    cache = None
    if cache_dir is not None:
        from pickenv.templating.compiled import OneFileCache, cache_file

        cache = OneFileCache(cache_file(cache_dir, template, config.get("_envops", {})))
        env.bytecode_cache = cache
    strings = _Strings(env, cache)
    answers, remembered = _answer(questions, data, strings)
    context: dict[str, object] = {
        **data,
        **answers,
        "_copier_answers": remembered,
        "_copier_conf": {"answers_file": config.get("_answers_file", ".copier-answers.yml")},
    }
    root = template / str(config.get("_subdirectory", ""))
    planned = _plan(template, root, context, strings)
    if cache is not None:
        cache.save()
    for folder in planned.folders:
        (target / folder).mkdir(parents=True, exist_ok=True)
    for relative, content, mode in planned.files:
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        if path.stat().st_mode != mode:
            path.chmod(mode)


def _read(template: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        config = yaml.load((template / CONFIG).read_text(encoding="utf-8"), Loader=loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise NotDirect(f"{CONFIG}: {exc}") from None
    if not isinstance(config, dict):
        raise NotDirect(f"{CONFIG} is not a mapping")
    settings = {k: v for k, v in config.items() if str(k).startswith("_")}
    if set(settings) - _SETTINGS:
        raise NotDirect(f"settings copier alone handles: {sorted(set(settings) - _SETTINGS)}")
    envops = settings.get("_envops", {})
    if not isinstance(envops, dict) or {"undefined", "extensions"} & set(envops):
        raise NotDirect("Jinja settings copier alone handles")
    questions = {str(k): v for k, v in config.items() if not str(k).startswith("_")}
    for name, details in questions.items():
        if not isinstance(details, dict) or set(details) - _FIELDS or details.get("type") not in _TYPES:
            raise NotDirect(f"question {name} uses what copier alone handles")
        choices = details.get("choices", [])
        if not isinstance(choices, list) or not all(isinstance(c, (str, int, float)) for c in choices):
            raise NotDirect(f"question {name}: choices other than a list of values")
    if _copier_settings() is not None:
        raise NotDirect("the user's copier settings may give defaults")
    return settings, questions


def _copier_settings() -> Path | None:
    """copier's user settings file, where copier would read one (its defaults apply to
    the questions nobody answered)."""
    named = os.environ.get("COPIER_SETTINGS_PATH")
    if named:
        return Path(named)
    from platformdirs import user_config_path

    for folder in (user_config_path("copier", appauthor=False), user_config_path("copier")):
        if (folder / "settings.yml").is_file():
            return folder / "settings.yml"
    return None


def _environment(template: Path, config: Mapping[str, Any]) -> SandboxedEnvironment:
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    # Strict, where copier renders an unknown name as "": a name copier defines and this
    # module does not (_copier_python, _folder_name, ...) fails here, and copier renders.
    return SandboxedEnvironment(
        loader=FileSystemLoader([str(template.resolve())]),
        extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"],
        undefined=StrictUndefined,
        **config.get("_envops", {}),
    )


class _Strings:
    """Templated strings rendered with copier's rules: each compiled once (copier
    compiles the same `when` and `default` again for every look)."""

    def __init__(self, env: SandboxedEnvironment, cache: OneFileCache | None = None) -> None:
        self.env = env
        self.cache = cache
        self.compiled: dict[str, Template] = {}

    def value(self, value: object, context: Mapping[str, object]) -> object:
        """A string rendered; a list item by item; anything else as it is."""
        if isinstance(value, list):
            return [self.value(item, context) for item in value]
        if not isinstance(value, str):
            return value
        return self.text(value, context)

    def text(self, source: str, context: Mapping[str, object]) -> str:
        from jinja2 import TemplateError

        try:
            template = self.compiled.get(source)
            if template is None:
                made = (
                    self.cache.compile_string(self.env, source)
                    if self.cache
                    else self.env.from_string(source)
                )
                template = self.compiled[source] = made
            return template.render(context)
        except TemplateError as exc:
            raise NotDirect(f"{source!r}: {exc}") from None


def _answer(
    questions: Mapping[str, Mapping[str, Any]], data: Mapping[str, object], strings: _Strings
) -> tuple[dict[str, object], dict[str, object]]:
    """Every question's answer, in copier.yml's order (a default sees the answers before
    it, and all the data), and those the answers file records (not the computed ones)."""
    if not isinstance(data.get(_RECORD), dict) or not data[_RECORD]:
        raise NotDirect("no template record: copier writes its own _src_path and _commit")
    answers: dict[str, object] = {}
    hidden = set()
    for name, details in questions.items():
        context = {**data, **answers}
        kind = str(details["type"])
        when = _to_bool(strings.value(details.get("when", True), context))
        if not when:
            hidden.add(name)
        given = name in data
        if given:
            answer = _cast(kind, data[name])
        elif "default" in details:
            answer = _cast(kind, strings.value(details["default"], context))
        else:
            raise NotDirect(f"question {name} has neither an answer nor a default")
        if "choices" in details:
            choices = [_cast(kind, strings.value(choice, context)) for choice in details["choices"]]
            if answer not in choices:
                raise NotDirect(f"{answer!r} is not a choice of {name}")
        # copier validates what was given always, a default only when it is asked for.
        validator = str(details.get("validator") or "")
        if (given or when) and validator and strings.text(validator, {**context, name: answer}).strip():
            raise NotDirect(f"the answer to {name} is not valid")
        answers[name] = answer
    remembered = {k: v for k, v in answers.items() if k not in hidden}
    return answers, remembered


def _cast(kind: str, value: object) -> object:
    """copier's casts for the three types the template uses."""
    if kind == "bool":
        return _to_bool(value)
    if kind == "yaml":
        if not isinstance(value, str):
            return value
        import yaml

        try:
            return yaml.load(value, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError as exc:
            raise NotDirect(f"not YAML: {exc}") from None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise NotDirect(f"not a string: {value!r}")  # copier refuses None, lists, mappings
    return value if isinstance(value, str) else str(value)


def _to_bool(value: object) -> bool:
    """copier's cast_to_bool: a number, then YAML's words, then Python's truth."""
    try:
        return bool(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        pass
    if isinstance(value, str):
        word = value.strip().lower()
        if word in {"", "n", "no", "f", "false", "off", "~", "null", "none"}:
            return False
        if word in {"y", "yes", "t", "true", "on"}:
            return True
    return bool(value)


class _Plan:
    def __init__(self) -> None:
        self.folders: list[Path] = []
        self.files: list[tuple[Path, bytes, int]] = []


def _plan(template: Path, root: Path, context: Mapping[str, object], strings: _Strings) -> _Plan:
    """What to write, all of it rendered before the first file is: a failure here leaves
    the target empty for copier."""
    from jinja2 import TemplateError

    plan = _Plan()
    for folder, folders, files in os.walk(root):
        here = Path(folder)
        if here.is_symlink() or any((here / name).is_symlink() for name in (*folders, *files)):
            raise NotDirect("links: copier decides whether they are kept")
        relative = here.relative_to(root)
        parts = [strings.text(part, context) for part in relative.parts]
        if not all(parts) or _excluded(parts):
            folders[:] = []
            continue
        if parts:
            plan.folders.append(Path(*parts))
        for name in sorted(files):
            templated = name.endswith(SUFFIX)
            if not templated and f"{name}{SUFFIX}" in files:
                continue  # copier renders the templated sibling instead
            rendered = strings.text(name[: -len(SUFFIX)] if templated else name, context)
            if not rendered or _excluded([*parts, rendered]):
                continue
            source = here / name
            if templated:
                try:
                    page = strings.env.get_template(source.relative_to(template).as_posix())
                    content = page.render(context).encode()
                except (TemplateError, UnicodeDecodeError) as exc:
                    raise NotDirect(f"{source}: {exc}") from None
            else:
                content = source.read_bytes()
            plan.files.append((Path(*parts, rendered), content, source.stat().st_mode))
    return plan


def _excluded(parts: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(part, pattern) for part in parts for pattern in EXCLUDED)
