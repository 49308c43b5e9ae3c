"""How much of a user's file a message may show: an excerpt, never the file.

Every error that quotes what a file holds quotes ``excerpt(value)``; what a parser says
is wrong is passed on as ``parser_reason(exc)``, never as ``str(exc)``, which for PyYAML
prints the offending lines of the file. A 5,000-line file that is not YAML is then one
line of error, not 49,153 characters (issue 17).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import yaml

EXCERPT = 60  # characters of a value shown in a message


def excerpt(value: object, width: int = EXCERPT) -> str:
    """``repr(value)`` cut to ``width`` characters: a message never prints a whole file
    (a rules file that is really /etc/passwd is one long YAML string)."""
    if isinstance(value, str) and len(value) > width:
        return repr(value[: width - 3] + "...")
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def parser_reason(exc: yaml.YAMLError) -> str:
    """The YAML parser's problem in one short line: never the snippet of the file its
    marks print, and what it quotes (a tag, an alias) cut to an excerpt."""
    import yaml  # loaded already: only a YAML reader has a YAML error to word

    if isinstance(exc, yaml.MarkedYAMLError):
        reason = exc.problem or exc.context or "invalid YAML"
    else:
        reason = next(iter(str(exc).splitlines()), "") or "invalid YAML"
    reason = re.sub(r"'([^']*)'", lambda m: excerpt(m[1], 40), reason)
    return reason if len(reason) <= 2 * EXCERPT else reason[: 2 * EXCERPT - 3] + "..."
