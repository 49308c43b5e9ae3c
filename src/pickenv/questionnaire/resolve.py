"""One order for every answer: given (flag, then answers file), then the default with
--defaults, then a prompt on a terminal; otherwise it is recorded as missing, so a run
without a terminal names every open question at once instead of hanging."""

from __future__ import annotations

from collections.abc import Callable

TYPE_CHECKING = False  # as typing's, without importing typing on every start (README, Speed)
if TYPE_CHECKING:
    from typing import TypeVar

    T = TypeVar("T")

Given = tuple[object, str]  # (raw value, where it came from: "--tool", "answers file", ...)


class Resolver:
    def __init__(self, use_defaults: bool, can_ask: bool) -> None:
        self.use_defaults = use_defaults
        self.can_ask = can_ask
        self.missing: list[str] = []  # the keys left unanswered

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
