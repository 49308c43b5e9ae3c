"""The questionnaire's questions: ids, values and validation.

Question ids and values are pickenv's public interface: flags (``--answer``), answers
files, rules files and the copier template all use them, and every route goes through
``coerce`` so a typed answer and a file answer are validated the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

from pickenv.errors import AnswerError
from pickenv.records import Record
from pickenv.versions import FREE_THREADED, KNOWN_VERSIONS, PythonVersion, closest_known

TYPE_CHECKING = False  # as typing's, without importing typing on every start (README, Speed)
if TYPE_CHECKING:
    from typing import Literal

    Kind = Literal["choice", "bool", "version"]

Value = str | bool
Answers = Mapping[str, Value]

_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}


# Records, not frozen dataclasses: every `pickenv recommend` defines them (pickenv.records).
class Choice(Record):
    value: Value
    label: str


class Question(Record):
    id: str
    kind: Kind
    prompt: str
    help: str
    choices: tuple[Choice, ...]
    # Values an earlier pickenv accepted, and what they mean now (answers files, team
    # files and recorded copier answers keep working): README "Questions" lists them.
    legacy: tuple[tuple[bool, Value], ...] = ()
    # New since answers files were first written: asked in a questionnaire, but taking its
    # default when every other question is answered (answers.collect_answers).
    optional: bool = False

    @property
    def values(self) -> tuple[Value, ...]:
        return tuple(c.value for c in self.choices)

    def migrate(self, raw: object) -> object:
        """An old answer in today's terms (``binary_deps: true`` -> ``no-wheels``); any
        other answer unchanged."""
        if not self.legacy:
            return raw
        old: bool | None = raw if isinstance(raw, bool) else None
        if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
            old = raw.strip().lower() in _TRUE
        for before, now in self.legacy:
            if old is not None and old == before:
                return now
        return raw


def _bool_choices() -> tuple[Choice, ...]:
    return (Choice(True, "yes"), Choice(False, "no"))


def _version_choices() -> tuple[Choice, ...]:
    """Newest first, each free-threaded build after its version."""
    choices = []
    for version in reversed(KNOWN_VERSIONS):
        choices.append(Choice(version, version))
        if f"{version}t" in FREE_THREADED:
            choices.append(Choice(f"{version}t", f"{version}t (free-threaded)"))
    return tuple(choices)


QUESTIONS: tuple[Question, ...] = (
    Question(
        "domain",
        "choice",
        "What kind of project is it?",
        "Shapes both the recommendation and the generated project.",
        (
            Choice("web", "web: a web application or API"),
            Choice("data-science", "data-science: notebooks, analysis, machine learning"),
            Choice("legacy-python2", "legacy-python2: code that must still run on Python 2.7"),
            Choice("library", "library: a package others install"),
            Choice("cli", "cli: a command-line tool"),
            Choice("scripting", "scripting: scripts and automation"),
        ),
    ),
    Question(
        "python_version",
        "version",
        "Which Python version will the project run on?",
        "Default: the Python running pickenv (2.7 for legacy-python2 projects); 3.14t: free-threaded.",
        _version_choices(),
    ),
    Question(
        "team_size",
        "choice",
        "Who works on it?",
        "Shared projects need the same packages on every machine.",
        (
            Choice("solo", "solo: just me"),
            Choice("small", "small: a small team"),
            Choice("large", "large: several teams"),
        ),
    ),
    Question(
        "organisation",
        "choice",
        "For whom is it made?",
        "Anaconda's licence depends on the organisation's size, not the team's.",
        (
            Choice("small", "small: yourself, or an organisation of fewer than 200 people"),
            Choice("large", "large: an organisation of 200 or more employees and contractors"),
            Choice("education", "education: teaching at a university or school"),
        ),
        optional=True,
    ),
    Question(
        "lockfile",
        "bool",
        "Do you need a lockfile that pins every dependency (with hashes)?",
        "Reproducible installs for everyone and every deployment.",
        _bool_choices(),
    ),
    Question(
        "binary_deps",
        "choice",
        "Does it need compiled libraries beyond everyday wheels?",
        "no-wheels: not on PyPI as wheels for your platforms (an old true means no-wheels, false none).",
        (
            Choice("none", "none: pure Python, or everyday wheels (NumPy, pandas)"),
            Choice(
                "wheels",
                "wheels: heavy binaries that ship as wheels (PyTorch with CUDA, rasterio, pyogrio, mpi4py)",
            ),
            Choice(
                "no-wheels",
                "no-wheels: libraries with no wheel for your platforms (GDAL's bindings, PyGObject, R)",
            ),
        ),
        legacy=((True, "no-wheels"), (False, "none")),
    ),
    Question(
        "os_packages",
        "bool",
        "Does it import Python modules that the OS installs (apt, dnf)?",
        "Such as Raspberry Pi OS's picamera2 or python3-gi: only the OS's own Python can import them.",
        _bool_choices(),
        optional=True,
    ),
    Question(
        "windows",
        "bool",
        "Will some of the team work on Windows?",
        "Affects activation instructions and binary packages.",
        _bool_choices(),
    ),
    Question(
        "manage_python",
        "bool",
        "Must the tool install or pin the Python interpreter itself?",
        "Yes if you cannot rely on a system or python.org installer; otherwise pickenv says what to add.",
        _bool_choices(),
    ),
    Question(
        "deploy",
        "choice",
        "Where will it be deployed?",
        "The deployment target may rule a tool out.",
        (
            Choice("none", "none: it runs where it is developed"),
            Choice("docker", "docker: a container image"),
            Choice("heroku", "heroku: a Heroku app"),
            Choice("hpc", "hpc: an HPC cluster"),
            Choice("serverless", "serverless: functions such as AWS Lambda"),
        ),
    ),
    Question(
        "offline",
        "bool",
        "Must installs work offline (air-gapped machines)?",
        "Packages must be brought in ahead of time.",
        _bool_choices(),
    ),
)

QUESTION_IDS: tuple[str, ...] = tuple(q.id for q in QUESTIONS)
_BY_ID: dict[str, Question] = {q.id: q for q in QUESTIONS}

# Defaults for everything but python_version, which depends on the interpreter and domain.
_STATIC_DEFAULTS: dict[str, Value] = {
    "domain": "scripting",
    "team_size": "solo",
    "organisation": "small",
    "lockfile": False,
    "binary_deps": "none",
    "os_packages": False,
    "windows": False,
    "manage_python": False,
    "deploy": "none",
    "offline": False,
}


def did_you_mean(word: str, options: object) -> str:
    """`` (did you mean 'x'?)`` or an empty string."""
    import difflib  # only on the error path: it is slow to import

    names = [str(o) for o in options]  # type: ignore[attr-defined]
    close = difflib.get_close_matches(str(word), names, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def get_question(question_id: str) -> Question:
    try:
        return _BY_ID[question_id]
    except KeyError:
        raise AnswerError(
            f"unknown question {question_id!r}{did_you_mean(question_id, QUESTION_IDS)}; "
            f"questions are: {', '.join(QUESTION_IDS)}"
        ) from None


def format_value(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def parse_bool(raw: object, what: str, origin: str = "") -> bool:
    """true/false (also yes/no, y/n, 1/0, on/off as typed on a command line)."""
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    where = f" ({origin})" if origin else ""
    raise AnswerError(f"invalid value {raw!r} for {what}{where}: answer true or false")


def coerce(question: Question, raw: object, *, origin: str = "") -> Value:
    """Validate one answer, typed or read from a file, and return its canonical value."""
    where = f" ({origin})" if origin else ""
    raw = question.migrate(raw)
    if question.kind == "bool":
        return parse_bool(raw, question.id, origin)
    if not isinstance(raw, str):
        hint = ""
        if question.kind == "version":
            hint = '; write the version in quotes, e.g. "3.10" (YAML reads 3.10 as the number 3.1)'
        raise AnswerError(f"invalid value {raw!r} for {question.id}{where}: expected text{hint}")
    text = raw.strip()
    if text in question.values:
        return text
    allowed = ", ".join(str(v) for v in question.values)
    raise AnswerError(
        f"invalid value {raw!r} for {question.id}{where}{did_you_mean(text, question.values)}; "
        f"choose one of: {allowed}"
    )


def default_for(question_id: str, answers: Answers, interpreter: PythonVersion) -> Value:
    """The default answer, which may depend on earlier answers (hence ``answers``)."""
    if question_id == "python_version":
        if answers.get("domain") == "legacy-python2":
            return "2.7"
        return closest_known(interpreter)
    return _STATIC_DEFAULTS[question_id]
