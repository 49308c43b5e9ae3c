"""Collect complete answers from flags, an answers file, defaults or prompts.

Precedence: ``--answer`` beats the answers file; whatever is still open takes its
default with ``--defaults``, is asked when a terminal is there, and is an error
otherwise (never a hang, never an EOFError). Every route goes through
``questions.coerce``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pickenv.errors import AnswerError, AnswersFileError, NoTTYError, Problem
from pickenv.questions import (
    QUESTION_IDS,
    QUESTIONS,
    Question,
    Value,
    coerce,
    default_for,
    did_you_mean,
    get_question,
)

# Keys an answers file may hold besides the questions: pickenv new's project
# questions, and copier's own bookkeeping (a .copier-answers.yml can be reused).
EXTRA_KEYS = ("project_name", "description", "author", "license", "tool", "create_env")

Asker = Callable[[Question, Value, Mapping[str, Value]], Value]


def parse_pair(text: str) -> tuple[str, str]:
    """``"domain=web"`` -> ``("domain", "web")`` with the question id checked."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise AnswerError(f"--answer {text!r} must look like QUESTION=VALUE, e.g. --answer domain=web")
    get_question(key.strip())
    return key.strip(), value


@dataclass(frozen=True)
class AnswersFile:
    questions: dict[str, Value]  # validated like typed answers
    extras: dict[str, object]  # pickenv new's project answers, validated by new


def read_answers_file(path: Path, *, extra_keys: Sequence[str] = EXTRA_KEYS) -> AnswersFile:
    """Read a YAML answers file once: the questionnaire's answers and the project's."""
    from pickenv.yamlio import load_located  # the YAML parser only when a file is given

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AnswerError(f"answers file {path} not found; check the path given to --answers-file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AnswerError(f"cannot read answers file {path}: {exc}") from None
    root, problems = load_located(text, str(path))
    if root is None:
        raise AnswersFileError(problems or [Problem(str(path), 1, 1, "empty answers file")])
    if not isinstance(root.value, dict):
        raise AnswersFileError(
            [root.problem(f"an answers file is a mapping QUESTION: VALUE, not {root.describe()}")]
        )
    raw: dict[str, Value] = {}
    extras: dict[str, object] = {}
    for key, node in root.value.items():
        if key in extra_keys:
            extras[key] = node.value
            continue
        if key.startswith("_"):
            continue
        if key not in QUESTION_IDS:
            problems.append(
                root.key_problem(key, f"unknown question {key!r}{did_you_mean(key, QUESTION_IDS)}")
            )
            continue
        question = get_question(key)
        try:
            raw[key] = coerce(question, node.value)
        except AnswerError as exc:
            problems.append(node.problem(str(exc)))
    if problems:
        raise AnswersFileError(problems)
    return AnswersFile(raw, extras)


def collect_answers(
    *,
    pairs: Sequence[str],
    answers_file: AnswersFile | None,
    use_defaults: bool,
    interpreter: tuple[int, int],
    ask: Asker | None,
) -> dict[str, Value]:
    """Complete, validated answers in question order."""
    given: dict[str, Value] = dict(answers_file.questions) if answers_file else {}
    for pair in pairs:
        key, raw = parse_pair(pair)
        given[key] = coerce(get_question(key), raw, origin=f"--answer {pair}")
    answers: dict[str, Value] = {}
    missing: list[str] = []
    for question in QUESTIONS:
        if question.id in given:
            answers[question.id] = given[question.id]
            continue
        default = default_for(question.id, answers, interpreter)
        if use_defaults:
            answers[question.id] = default
        elif ask is not None:
            answers[question.id] = coerce(question, ask(question, default, answers), origin="prompt")
        else:
            missing.append(question.id)
            answers[question.id] = default  # lets later defaults be computed; never returned
    if missing:
        raise NoTTYError(
            f"no terminal to ask {', '.join(missing)}: answer with --answer QUESTION=VALUE, "
            "--answers-file FILE, or take the defaults with --defaults"
        )
    return answers
