"""The one error hierarchy of pickenv and its exit codes.

Every exit code pickenv can return is listed in ``EXIT_CODES`` below; the README's
"Exit codes" table is checked against the same data (see ``tests/test_docs.py``).
User errors carry their own exit code so the CLI never has to guess.

Domain errors state a problem and the *kinds* of fix (``Fix``) that would solve it,
never a command-line flag: ``pickenv new`` words ``Fix.OTHER_FOLDER`` as "choose
another --output-dir", while a command that reuses the same code with other flags
words it its own way (see ``pickenv.commands.wording``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum

from pickenv.records import Record

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_ANSWER = 3
EXIT_RULES = 4
EXIT_NO_TTY = 5
EXIT_NO_TOOL = 6
EXIT_DESTINATION = 7
EXIT_ENVIRONMENT = 8
EXIT_TEMPLATE = 9
EXIT_NO_ENVIRONMENT = 10
EXIT_OUTPUT = 11
EXIT_PROJECT = 12
EXIT_UPDATE_AVAILABLE = 13
EXIT_UNTRUSTED = 14
EXIT_MISFIT = 15
EXIT_CONFLICTS = 16
EXIT_DRIFT = 17
EXIT_NO_GIT = 18
EXIT_INTERRUPTED = 130

# Documented in one place: the README table is checked against this mapping.
EXIT_CODES: dict[int, str] = {
    EXIT_OK: "success",
    EXIT_INTERNAL: "internal error (a bug: rerun with --traceback and report it)",
    EXIT_USAGE: "bad command line or user config file (unknown option, missing argument)",
    EXIT_ANSWER: "invalid answer: unknown question or value, unreadable answers file",
    EXIT_RULES: "invalid rules file, or `rules check` found errors",
    EXIT_NO_TTY: "a question is unanswered and there is no terminal to ask it",
    EXIT_NO_TOOL: "the rules exclude every tool for these answers, or recommend one pickenv cannot scaffold",
    EXIT_DESTINATION: (
        "bad project name or destination (exists, not empty, not writable, appeared while pickenv "
        "was making it, or another pickenv run is making it)"
    ),
    EXIT_ENVIRONMENT: "creating the environment or running the project's tests in it failed",
    EXIT_TEMPLATE: "rendering the project template failed",
    EXIT_NO_ENVIRONMENT: (
        "the project is complete, but the environment asked for was not created (a tool or "
        "the Python version is missing): the commands that create it are printed"
    ),
    EXIT_OUTPUT: "the output could not be written (standard output closed or full)",
    EXIT_PROJECT: (
        "the project cannot be changed: not made from a template, no tool's files, not a clean "
        "git work tree (an unfinished update too), a tool the rules rule out for it, losses a switch "
        "would make and were not accepted, no space or not writable, or it needs a newer pickenv; "
        "nothing was changed"
    ),
    EXIT_UPDATE_AVAILABLE: "`update --check`: a newer template is available (nothing was changed)",
    EXIT_UNTRUSTED: (
        "the template runs tasks, migrations or Jinja extensions, or links outside the project, and "
        "was not trusted (no terminal to ask, or the answer was no); nothing was written"
    ),
    EXIT_MISFIT: "`detect --recommend`: the project's tool is not the one pickenv recommends for it",
    EXIT_CONFLICTS: (
        "`update`: the update is applied, but files have conflicts to resolve (markers in them, or "
        "FILE.rej beside them) before it is committed"
    ),
    EXIT_DRIFT: "`diff --exit-code`: the project differs from its template at the version it records",
    EXIT_NO_GIT: (
        "`template init`: the template folder is made, but git is not installed: it is not a "
        "repository and has no version tag yet (the commands that make it one are printed)"
    ),
    EXIT_INTERRUPTED: (
        "interrupted or aborted: Ctrl-C, SIGTERM, SIGHUP or SIGQUIT at any moment, or Abort at the review "
        "of `new`; what was being changed is put back (a signal while the report is written keeps the "
        "finished work and says so)"
    ),
}


class Fix(Enum):
    """A kind of remedy. The value is its plain wording; the CLI words it with flags."""

    ANSWER_QUESTIONS = "answer the open questions, or take the defaults"
    ANSWER_PROJECT = "answer {missing}, or take the defaults"
    ANSWERS_PATH = "check the path of the answers file"
    OTHER_FOLDER = "create that folder or choose another one"
    WRITABLE_FOLDER = "make it writable or choose another folder"
    OTHER_NAME = "choose another project name"
    TRY_NAME = "try the name {suggestion}"
    SPLIT_PATH = "give the folder it goes in separately"
    MOVE_AWAY = "move it away"
    FREE_SPACE = "free some space there, or choose another folder"
    ALLOW_EXISTING = "allow adding the project's files beside yours (existing files are kept)"
    REMOVE_OR_SKIP_ENV = "remove it, or do not create the environment"
    SKIP_ENV = "fix the cause, or do not create the environment"
    SKIP_ENV_TEAM = "do not create the environment"
    FIX_FILE = "fix {file} first: every dependency in it is read"
    REMOVE_OLD_ENV = "remove the old environment first ({command}), or do not create the new one"
    OTHER_TARGET = "switch to one of: {tools}"
    ONE_TOOL = "keep one tool's files (remove the others, or move them into it by hand) first"
    ADD_PROJECT_TABLE = "add a [project] table (PEP 621: name, version) to pyproject.toml first"
    SWITCH_MEMBERS = "switch each member on its own (its folder), or move them together by hand"
    MERGE_BY_HAND = (
        "change that file for the new tool by hand, or undo your edit there that the template's "
        "render conflicts with"
    )
    GIVE_INTERPRETER = "give the path of a Python {version} interpreter"
    MATCH_VERSION = "give a Python {version} interpreter, or target Python {found}"
    CHOOSE_TOOL = "choose one of: {tools}"
    INSTALL_GIT = "install git"
    GIT_IDENTITY = "tell git who you are (its user.name and user.email)"
    ADD_BESIDE = "allow adding the template's files beside yours (none of yours is replaced)"
    PLACE_FOLDER = "create the folder it goes in, or make the template elsewhere"
    PLACE_WRITABLE = "make that folder writable, or make the template elsewhere"
    PLACE_SPACE = "free some space there, or make the template elsewhere"
    GIT_INIT = "put the project under git (`git init`, then commit it)"
    COMMIT_FIRST = "commit the project first"
    COMMIT_OR_STASH = "commit or stash them first (`git stash -u`)"
    NOT_A_PROJECT = "run it in a project made by pickenv or copier, or give its folder"
    UPGRADE_PICKENV = "install pickenv {version} or later"
    KNOWN_REF = "choose one of the template's versions: {versions}"
    TEMPLATE_SOURCE = "give a git URL, a local git repository or a folder with a copier.yml"
    TEMPLATE_REPO = "make it a git repository with version tags to pin a version"
    TEMPLATE_QUESTIONS = "answer only the template's questions: {questions}"
    ANSWER_TEMPLATE = "answer {question} with one of {choices}"
    TEAM_FILE = "fix the team file (its format is in the README, For teams)"
    TRUST = "trust the template if you have read what it runs"
    SKIP_TASKS = "install what the task runs, or skip the template's tasks"
    CHECK_RULES = "change an answer, or check the team rules"
    CHECK_RULES_FILE = "check the rules file for every problem; its format is explained in rules.yaml"
    LAYER_OR_STANDALONE = (
        "{file} was checked as a team layer over the built-in rules; "
        "a complete rules file such as a copy of rules.yaml is checked on its own"
    )


class PickenvError(Exception):
    """Base class of every error pickenv reports to its user.

    ``message`` states the problem; ``fixes`` name what would solve it, worded by the
    caller (``lines(wording)``); ``facts`` fill the placeholders of that wording.
    """

    exit_code: int = EXIT_INTERNAL

    def __init__(
        self,
        message: str,
        *,
        fixes: Sequence[Fix] = (),
        facts: Mapping[str, str] | None = None,
        exit_code: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fixes = tuple(fixes)
        self.facts = dict(facts or {})
        if exit_code is not None:
            self.exit_code = exit_code

    def fix_text(self, wording: Mapping[Fix, str] | None = None) -> str:
        words = [(wording or {}).get(fix, fix.value).format(**self.facts) for fix in self.fixes]
        return ", or ".join(words)

    def lines(self, wording: Mapping[Fix, str] | None = None) -> list[str]:
        return [join_fix(self.message, self.fix_text(wording))]

    def __str__(self) -> str:
        return self.lines()[0]


def join_fix(message: str, fix: str) -> str:
    """ "problem; fix", or "Problem. Fix." when the problem is a full sentence."""
    if not fix:
        return message
    if message.endswith("."):
        return f"{message} {fix[0].upper()}{fix[1:]}"
    return f"{message}; {fix}"


class UsageError(PickenvError):
    exit_code = EXIT_USAGE


class AnswerError(PickenvError):
    exit_code = EXIT_ANSWER


class NoTTYError(PickenvError):
    exit_code = EXIT_NO_TTY


class NoToolError(PickenvError):
    exit_code = EXIT_NO_TOOL


class DestinationError(PickenvError):
    exit_code = EXIT_DESTINATION


class EnvironmentCreationError(PickenvError):
    exit_code = EXIT_ENVIRONMENT


class TemplateError(PickenvError):
    exit_code = EXIT_TEMPLATE


class UntrustedError(PickenvError):
    """A template would run commands (tasks, migrations, extensions) nobody allowed."""

    exit_code = EXIT_UNTRUSTED


class ProjectError(PickenvError):
    """An existing project cannot be changed as asked; nothing was changed."""

    exit_code = EXIT_PROJECT


# A Record, not a frozen dataclass: every `pickenv recommend` defines it (pickenv.records).
class Problem(Record):
    """One located problem in a YAML file, printed as ``file:line:column: message``."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class FileProblemsError(PickenvError):
    """A YAML file (rules or answers) has one or more located problems."""

    def __init__(
        self,
        problems: Sequence[Problem],
        *,
        hint: str,
        exit_code: int,
        fixes: Sequence[Fix] = (),
        facts: Mapping[str, str] | None = None,
    ) -> None:
        # Files in the order they were read, each file's problems top to bottom.
        file_order = {name: i for i, name in reversed(list(enumerate(p.file for p in problems)))}
        self.problems = tuple(sorted(problems, key=lambda p: (file_order[p.file], p.line, p.column)))
        self.hint = hint
        first = str(self.problems[0]) if self.problems else "invalid file"
        more = len(self.problems) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        super().__init__(first + suffix, exit_code=exit_code, fixes=fixes, facts=facts)

    def lines(self, wording: Mapping[Fix, str] | None = None) -> list[str]:
        hints = [self.hint] if self.hint else []
        fix = self.fix_text(wording)
        return [str(p) for p in self.problems] + hints + ([fix] if fix else [])

    def __str__(self) -> str:
        return self.message


class RulesError(FileProblemsError):
    def __init__(
        self,
        problems: Sequence[Problem],
        *,
        hint: str = "",
        fixes: Sequence[Fix] = (),
        facts: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(problems, hint=hint, exit_code=EXIT_RULES, fixes=fixes, facts=facts)


class AnswersFileError(FileProblemsError):
    def __init__(self, problems: Sequence[Problem], *, hint: str = "") -> None:
        super().__init__(problems, hint=hint, exit_code=EXIT_ANSWER)


class ConfigError(FileProblemsError):
    def __init__(self, problems: Sequence[Problem], *, hint: str = "") -> None:
        super().__init__(problems, hint=hint, exit_code=EXIT_USAGE)
