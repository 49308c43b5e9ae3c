"""Collect complete answers to the questionnaire from given values, defaults or prompts.

Precedence: given answers (flags beat the answers file; the caller merges them)
first; whatever is still open takes its default with ``use_defaults``, is asked when a
terminal is there, and is an error otherwise (never a hang, never an EOFError).
Every route goes through ``questions.coerce``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from pickenv.errors import AnswerError, AnswersFileError, Fix, NoTTYError, Problem
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
from pickenv.records import Record
from pickenv.versions import PythonVersion

TYPE_CHECKING = False  # as typing's, without importing typing on every start (README, Speed)
if TYPE_CHECKING:
    from typing import TextIO

# Keys an answers file may hold besides the questions: pickenv new's project
# questions, and copier's own bookkeeping (a .copier-answers.yml can be reused).
EXTRA_KEYS = ("project_name", "description", "author", "license", "tool", "create_env")

Asker = Callable[[Question, Value], Value]


# A Record, not a frozen dataclass: every `pickenv recommend` defines it (pickenv.records).
class AnswersFile(Record):
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
    # Questions added after answers files were written (QUESTION.optional) are asked in a
    # questionnaire, but take their default when every other question is answered: an
    # answers file or a script that was complete stays complete.
    scripted = all(q.id in given for q in QUESTIONS if not q.optional)
    resolver = Resolver(use_defaults=use_defaults or scripted, can_ask=ask is not None)
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
