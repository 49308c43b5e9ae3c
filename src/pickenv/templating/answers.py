"""The answers file of a project made from a copier template: the one reader of it.

copier records a project's answers, its template (``_src_path``) and the template's
version (``_commit``) in ``.copier-answers.yml``, or in the file its template's
``_answers_file`` names (``.copier-answers.acme.yml``). Everything pickenv reads from
such a file (``update``, ``switch``, the check for an unfinished update) reads it here:
as copier reads it (YAML 1.1 types), inside the project (never through a symlink out
of it), within ``ANSWERS_LIMIT`` and without YAML aliases (copier writes none, and an
alias bomb of a few hundred bytes would expand to gigabytes). A file that cannot be
read is one line naming it, with the way back (git has the good version).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from pickenv.errors import ProjectError
from pickenv.inputs import ANSWERS_LIMIT, InputError, read_inside

ANSWERS_FILE = ".copier-answers.yml"


def read_answers(project: Path, name: str = ANSWERS_FILE, *, template: bool = True) -> dict[str, object]:
    """The answers recorded in ``project``'s answers file ``name`` (a path relative to
    the project). ``template``: the file must name its template (``_src_path``), as
    every file copier writes does. Raises ProjectError (exit 12): the project was made
    from a template, so a broken file is that file's problem, never "not a project"."""
    path = project / name
    try:
        text = read_inside(project, name, ANSWERS_LIMIT)
    except InputError as exc:
        raise ProjectError(f"the answers file {path} {exc}; {_restore(path)}") from None
    return parse_answers(text, str(path), template=template, restore=_restore(path))


def recorded_answers(project: Path, name: str = ANSWERS_FILE) -> dict[str, object] | None:
    """The answers of a project made from a template; None: it has no answers file."""
    if not (project / name).is_file():
        return None
    return read_answers(project, name)


def parse_answers(text: str, where: str, *, template: bool = True, restore: str = "") -> dict[str, object]:
    """An answers file's text (already read within its limit), ``where`` naming it in
    messages; ``restore`` is added to each of them. Raises ProjectError."""
    from pickenv.yamlio import YAMLInputError, excerpt, load_documents

    tail = f"; {restore}" if restore else ""
    alias = _first_alias(text)
    if alias:
        why = "uses a YAML alias (*name), which copier never writes"
        raise ProjectError(f"the answers file {where}:{alias} {why}{tail}")
    try:
        documents = load_documents(text, where)  # copier's YAML 1.1 types; nesting bounded
    except YAMLInputError as exc:
        raise ProjectError(f"the answers file {exc}{tail}") from None
    if len(documents) > 1:
        raise ProjectError(f"the answers file {where} holds {len(documents)} YAML documents, not one{tail}")
    data = documents[0] if documents else None
    if not isinstance(data, dict):
        shown = "nothing" if data is None else f"not a mapping ({excerpt(data)})"
        why = f"holds {shown}: copier writes ANSWER: VALUE lines"
        raise ProjectError(f"the answers file {where} {why}{tail}")
    source = data.get("_src_path")
    if template and (not isinstance(source, str) or not source.strip()):
        raise ProjectError(f"the answers file {where} records no template (_src_path){tail}")
    return {str(key): value for key, value in data.items()}


def _restore(path: Path) -> str:
    return f"fix it, or restore it from git (git checkout -- {path.name})"


def _first_alias(text: str) -> int:
    """The line of the first YAML alias in ``text`` (0: none). Looked for in the event
    stream, before anything is built: a refused file costs one pass of the parser."""
    import yaml

    try:
        from yaml import CSafeLoader as Loader
    except ImportError:  # pragma: no cover - depends on how PyYAML was built
        from yaml import SafeLoader as Loader  # type: ignore[assignment]
    try:
        for event in yaml.parse(text, Loader=Loader):
            if isinstance(event, yaml.AliasEvent):
                return event.start_mark.line + 1 if event.start_mark is not None else 1
    except yaml.YAMLError:
        return 0  # invalid YAML: the reader says where
    return 0


# ---- pickenv's own answers beside a team template's ----------------------------------------
PICKENV_ANSWERS = ".pickenv-answers.yml"
_PICKENV_HEADER = (
    "# pickenv's answers that the project's template does not ask (pickenv update offers\n"
    "# them to a question a newer version of the template adds). Written by pickenv new.\n"
)


def pickenv_answers_name(answers_file: str | None) -> str:
    """pickenv's record beside a template's answers file: ``.pickenv-answers.yml`` beside
    copier's usual one, and one per template where a project has several (copier's
    ``-a``): ``.copier-answers.ci.yml`` -> ``.pickenv-answers.ci.yml``, in its folder."""
    if not answers_file or answers_file == ANSWERS_FILE:
        return PICKENV_ANSWERS
    path = PurePosixPath(answers_file)
    name = path.name.replace("copier-answers", "pickenv-answers")
    if name == path.name:  # a name of the template's own: keep it recognisable
        name = f".pickenv-answers.{path.stem.lstrip('.')}.yml"
    return str(path.with_name(name))


def pickenv_answers_text(answers: dict[str, object]) -> str:
    """The file pickenv writes beside a team template's render (``templating.offer``)."""
    import yaml

    body = yaml.safe_dump(
        {"schema_version": 1, "answers": answers},
        default_flow_style=False,
        allow_unicode=True,
        sort_keys=False,
    )
    return _PICKENV_HEADER + body


def read_pickenv_answers(project: Path, name: str = PICKENV_ANSWERS) -> dict[str, object]:
    """What pickenv's record ``name`` holds (empty: no such file). Read as the answers
    file is: inside the project, bounded, without aliases."""
    if not (project / name).is_file():
        return {}
    data = read_answers(project, name, template=False)
    answers = data.get("answers")
    if data.get("schema_version") != 1 or not isinstance(answers, dict):
        path = project / name
        raise ProjectError(
            f"the answers file {path} is not pickenv's (schema_version 1, answers); {_restore(path)}"
        )
    return {str(k): v for k, v in answers.items()}
