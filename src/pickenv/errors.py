"""The one error hierarchy of pickenv and its exit codes.

Every exit code pickenv can return is listed in ``EXIT_CODES`` below; the README's
"Exit codes" table is generated from the same data (see ``tests/test_docs.py``).
User errors carry their own exit code so the CLI never has to guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
EXIT_INTERRUPTED = 130

# Documented in one place: the README table is checked against this mapping.
EXIT_CODES: dict[int, str] = {
    EXIT_OK: "success",
    EXIT_INTERNAL: "internal error (a bug: rerun with --traceback and report it)",
    EXIT_USAGE: "bad command line or user config file (unknown option, missing argument)",
    EXIT_ANSWER: "invalid answer: unknown question or value, unreadable answers file",
    EXIT_RULES: "invalid rules file, or `rules check` found errors",
    EXIT_NO_TTY: "a question is unanswered and there is no terminal to ask it",
    EXIT_NO_TOOL: "the rules exclude every tool for these answers",
    EXIT_DESTINATION: "bad project name or destination (exists, not empty, not writable)",
    EXIT_ENVIRONMENT: "creating the environment or running the project's tests in it failed",
    EXIT_TEMPLATE: "rendering the project template failed",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C); nothing was left behind",
}


class PickenvError(Exception):
    """Base class of every error pickenv reports to its user.

    ``str(error)`` is a complete one-line message that names the fix.
    """

    exit_code: int = EXIT_INTERNAL

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code

    @property
    def lines(self) -> list[str]:
        return [str(self)]


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


@dataclass(frozen=True)
class Problem:
    """One located problem in a YAML file, printed as ``file:line:column: message``."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class FileProblemsError(PickenvError):
    """A YAML file (rules or answers) has one or more located problems."""

    def __init__(self, problems: Sequence[Problem], *, hint: str, exit_code: int) -> None:
        # Files in the order they were read, each file's problems top to bottom.
        file_order = {name: i for i, name in reversed(list(enumerate(p.file for p in problems)))}
        self.problems = tuple(sorted(problems, key=lambda p: (file_order[p.file], p.line, p.column)))
        self.hint = hint
        first = str(self.problems[0]) if self.problems else "invalid file"
        more = len(self.problems) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        super().__init__(first + suffix, exit_code=exit_code)

    @property
    def lines(self) -> list[str]:
        return [str(p) for p in self.problems] + ([self.hint] if self.hint else [])


class RulesError(FileProblemsError):
    def __init__(self, problems: Sequence[Problem], *, hint: str = "") -> None:
        super().__init__(problems, hint=hint, exit_code=EXIT_RULES)


class AnswersFileError(FileProblemsError):
    def __init__(self, problems: Sequence[Problem], *, hint: str = "") -> None:
        super().__init__(problems, hint=hint, exit_code=EXIT_ANSWER)


class ConfigError(FileProblemsError):
    def __init__(self, problems: Sequence[Problem], *, hint: str = "") -> None:
        super().__init__(problems, hint=hint, exit_code=EXIT_USAGE)
