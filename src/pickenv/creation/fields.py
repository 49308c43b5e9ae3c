"""The project's own answers (description, author, licence, create_env):
validation shared by flags, the answers file and prompts."""

from __future__ import annotations

from collections.abc import Mapping

from pickenv.errors import AnswerError
from pickenv.questionnaire.questions import parse_bool

LICENSES = ("MIT", "Apache-2.0", "BSD-3-Clause", "GPL-3.0-or-later", "Proprietary")
MAX_TEXT = 200


def one_line(what: str, value: object, origin: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AnswerError(f"{what} ({origin}) must be non-empty text on one line")
    text = value.strip()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes from the command line (surrogate escapes)
        raise AnswerError(f"{what} ({origin}) is not valid UTF-8 text; retype it in UTF-8") from None
    if any(ord(c) < 32 for c in text):
        raise AnswerError(f"{what} ({origin}) must be one line of text without control characters")
    if len(text) > MAX_TEXT:
        raise AnswerError(f"{what} ({origin}) is longer than {MAX_TEXT} characters; shorten it")
    return text


def check_license(value: object, origin: str) -> str:
    if value not in LICENSES:
        near = [name for name in LICENSES if name.lower() == str(value).lower()]
        fix = f"did you mean {near[0]!r}?" if near else f"choose one of: {', '.join(LICENSES)}"
        raise AnswerError(f"invalid licence {value!r} ({origin}); {fix}")
    return str(value)


def check_bool(value: object, origin: str) -> bool:
    return parse_bool(value, "create_env", origin)


def git_user_name(env: Mapping[str, str]) -> str:
    """The author by default: git's user.name, git found on ``env``'s PATH."""
    from pickenv.repo.git import user_name  # git only when the author is asked for

    return user_name(env, "Your Name")
