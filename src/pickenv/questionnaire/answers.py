"""Collect complete answers to the questionnaire from given values, defaults or prompts.

Precedence: given answers (flags beat the answers file; the caller merges them)
first; whatever is still open takes its default with ``use_defaults``, is asked when a
terminal is there, and is an error otherwise (never a hang, never an EOFError).
Every route goes through ``questions.coerce``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from pickenv.errors import AnswerError, AnswersFileError, Fix, NoTTYError, Problem, ProjectError
from pickenv.inputs import ANSWERS_LIMIT, STDIN, InputError, read_text
from pickenv.questionnaire.questions import (
    QUESTION_IDS,
    QUESTIONS,
    Question,
    Value,
    coerce,
    default_for,
    did_you_mean,
    get_question,
)
from pickenv.questionnaire.resolve import Resolver
from pickenv.versions import PythonVersion

# Keys an answers file may hold besides the questions: pickenv new's project
# questions, and copier's own bookkeeping (a .copier-answers.yml can be reused).
EXTRA_KEYS = ("project_name", "description", "author", "license", "tool", "create_env")

Asker = Callable[[Question, Value], Value]


@dataclass(frozen=True)
class AnswersFile:
    path: Path
    questions: dict[str, Value]  # validated like typed answers
    extras: dict[str, object]  # pickenv new's project answers, validated by new


def read_answers_file(
    path: Path, *, extra_keys: Sequence[str] = EXTRA_KEYS, stdin: TextIO | None = None
) -> AnswersFile:
    """Read a YAML answers file once (``-``: standard input): the questionnaire's
    answers and the project's."""
    from pickenv.yamlio import excerpt, load_located, plain, trimmed  # the YAML parser only with a file

    name = "standard input" if str(path) == STDIN else str(path)
    try:
        text = read_text(path, ANSWERS_LIMIT, stdin)
    except InputError as exc:
        fixes = [Fix.ANSWERS_PATH] if str(exc) == "not found" else []
        raise AnswerError(f"answers file {name} {exc}", fixes=fixes) from None
    root, problems = load_located(text, name)
    if root is None:
        raise trimmed(AnswersFileError(problems or [Problem(str(path), 1, 1, "empty answers file")]))
    if not isinstance(root.value, dict):
        problems.append(root.problem(f"an answers file is a mapping QUESTION: VALUE, not {root.kind()}"))
        raise trimmed(AnswersFileError(problems))
    raw: dict[str, Value] = {}
    extras: dict[str, object] = {}
    for key, node in root.value.items():
        if key in extra_keys:
            extras[key] = plain(node)
            continue
        if key.startswith("_"):
            continue
        if key not in QUESTION_IDS:
            problems.append(
                root.key_problem(key, f"unknown question {excerpt(key)}{did_you_mean(key, QUESTION_IDS)}")
            )
            continue
        if isinstance(node.value, list | dict):
            problems.append(node.problem(f"{key} takes one value, not {node.describe()}"))
            continue
        try:
            raw[key] = coerce_bounded(get_question(key), node.value)
        except AnswerError as exc:
            problems.append(node.problem(str(exc)))
    if problems:
        raise trimmed(AnswersFileError(problems))
    return AnswersFile(path, raw, extras)


def coerce_bounded(question: Question, raw: object, *, origin: str = "") -> Value:
    """``coerce``, but a value far longer than any answer is refused without being
    printed whole (a file's content never reaches the terminal beyond an excerpt)."""
    from pickenv.yamlio import EXCERPT, excerpt

    if isinstance(raw, str) and len(raw) > EXCERPT:
        where = f" ({origin})" if origin else ""
        raise AnswerError(f"invalid value {excerpt(raw)} for {question.id}{where}: longer than any answer")
    return coerce(question, raw, origin=origin)


def read_recorded_answers(path: Path) -> dict[str, object]:
    """The answers a project made from a copier template recorded (its
    ``.copier-answers.yml``), read as copier reads them (YAML 1.1 types), bounded, and
    checked to name its template (``_src_path``). The project was made from a template:
    a broken file is worded as that file's problem (ProjectError, exit 12), with the
    way back (git has the good version), never as "not a pickenv project"."""
    from pickenv.yamlio import YAMLInputError, excerpt, load_documents

    restore = f"fix it, or restore it from git (git checkout -- {path.name})"
    try:
        documents = load_documents(read_text(path, ANSWERS_LIMIT), str(path))  # aliases bounded
        if len(documents) > 1:
            raise YAMLInputError(f"{path} holds {len(documents)} YAML documents, not one")
        data = documents[0] if documents else None
    except InputError as exc:
        raise ProjectError(f"the answers file {path} {exc}; {restore}") from None
    except YAMLInputError as exc:
        raise ProjectError(f"the answers file {exc}; {restore}") from None
    if not isinstance(data, dict):
        shown = "nothing" if data is None else f"not a mapping ({excerpt(data)})"
        raise ProjectError(
            f"the answers file {path} holds {shown}: copier writes ANSWER: VALUE lines; {restore}"
        )
    if not isinstance(data.get("_src_path"), str) or not data["_src_path"].strip():
        raise ProjectError(f"the answers file {path} records no template (_src_path); {restore}")
    return {str(k): v for k, v in data.items()}


def collect_answers(
    given: Mapping[str, Value],
    *,
    use_defaults: bool,
    interpreter: PythonVersion,
    ask: Asker | None,
    defaults: Mapping[str, Value] | None = None,
) -> dict[str, Value]:
    """Complete, validated answers in question order. ``defaults`` (a team's) replace
    pickenv's own defaults for the questions they name."""
    preferred = defaults or {}
    resolver = Resolver(use_defaults=use_defaults, can_ask=ask is not None)
    answers: dict[str, Value] = {}
    for question in QUESTIONS:

        def check(raw: object, origin: str, question: Question = question) -> Value:
            return coerce(question, raw, origin=origin if origin != "given" else "")

        def prompt(default: Value, question: Question = question) -> object:
            assert ask is not None  # only called when the resolver may ask
            return ask(question, default)

        answers[question.id] = resolver.resolve(
            question.id,
            (given[question.id], "given") if question.id in given else None,
            check,
            lambda question=question: (  # type: ignore[misc]
                preferred[question.id]
                if question.id in preferred
                else default_for(question.id, answers, interpreter)
            ),
            prompt,
        )
    if resolver.missing:
        raise NoTTYError(f"no terminal to ask {', '.join(resolver.missing)}", fixes=[Fix.ANSWER_QUESTIONS])
    return answers
