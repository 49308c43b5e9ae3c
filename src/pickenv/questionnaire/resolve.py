"""One order for every answer: given (flag, then answers file), then the default with
--defaults, then a prompt on a terminal; otherwise it is recorded as missing, so a run
without a terminal names every open question at once instead of hanging."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")
Given = tuple[object, str]  # (raw value, where it came from: "--tool", "answers file", ...)


@dataclass
class Resolver:
    use_defaults: bool
    can_ask: bool
    missing: list[str] = field(default_factory=list)

    def resolve(
        self,
        key: str,
        given: Given | None,
        check: Callable[[object, str], T],
        default: Callable[[], T],
        ask: Callable[[T], object],
    ) -> T:
        """The checked answer for ``key``. ``default`` is computed only when needed
        (it may cost a process, e.g. `git config user.name`)."""
        if given is not None:
            return check(*given)
        if self.use_defaults:
            return check(default(), "default")
        if self.can_ask:
            return check(ask(default()), "prompt")
        self.missing.append(key)
        return default()  # lets later defaults depend on it; the run fails on `missing`
