"""The project questions of `pickenv new`: flag, answers file, prompt or default,
all through the same validation."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping

from pickenv.engine import Recommendation
from pickenv.errors import AnswerError
from pickenv.new_options import LICENSES, TOOLS
from pickenv.questions import parse_bool


def one_line(what: str, value: object, origin: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AnswerError(f"{what} ({origin}) must be non-empty text on one line")
    text = value.strip()
    if any(ord(c) < 32 for c in text):
        raise AnswerError(f"{what} ({origin}) must be one line of text without control characters")
    if len(text) > 200:
        raise AnswerError(f"{what} ({origin}) is longer than 200 characters; shorten it")
    return text


def check_license(value: object, origin: str) -> str:
    if value not in LICENSES:
        raise AnswerError(f"invalid licence {value!r} ({origin}); choose one of: {', '.join(LICENSES)}")
    return str(value)


def check_tool(value: object, origin: str, recommendation: Recommendation) -> str:
    if value not in TOOLS:
        raise AnswerError(f"invalid tool {value!r} ({origin}); choose one of: {', '.join(TOOLS)}")
    for assessment in recommendation.ranking:
        if assessment.tool == value and not assessment.eligible:
            why = "; ".join(r.because for r in assessment.excluded_by)
            allowed = [a.tool for a in recommendation.ranking if a.eligible and a.tool in TOOLS]
            raise AnswerError(
                f"{value} is ruled out for these answers: {why} Choose one of: {', '.join(allowed)}"
            )
    return str(value)


def check_bool(value: object, origin: str) -> bool:
    return parse_bool(value, "create_env", origin)


def git_user_name(env: Mapping[str, str]) -> str:
    try:
        result = subprocess.run(
            ["git", "config", "user.name"],
            capture_output=True,
            text=True,
            env=dict(env),
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except OSError:
        return "Your Name"
    return result.stdout.strip() or "Your Name"
