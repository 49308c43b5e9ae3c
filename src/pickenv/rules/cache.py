"""A cache of parsed rule sets, so `pickenv recommend` need not import a YAML parser.

The key is every layer's path, size and modification time plus the pickenv and
Python versions; any edit to a rules file is a miss. An entry is named by the key's
CRC-32 and holds the whole key, so two keys with one name only cost a miss: hashlib
would load OpenSSL, about 2 ms of every `pickenv recommend` (python -X importtime). Entries are written with
``marshal`` (built in, nothing to import) through a temporary file and an atomic
rename, so a concurrent run never reads half an entry. A broken or unreadable
cache is ignored: it only ever costs the time of a parse.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

from pickenv import __version__
from pickenv.rules.model import Condition, Fact, NotConsidered, Rule, RuleSet

TYPE_CHECKING = False  # as typing's, without importing typing on every start (README, Speed)
if TYPE_CHECKING:
    from typing import Any


def cache_key(paths: Sequence[Path]) -> str | None:
    """Everything a parse depends on, as one text (None: a file cannot be looked at)."""
    parts = [__version__, "rules-cache-3", sys.version]  # 3: named by CRC-32, holds its key
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            return None  # the loader reports a missing file properly
        # The name as given too: messages quote it, so another spelling is another entry.
        parts.append(f"{path}\0{path.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}")
    return "\n".join(parts)


def _dump(ruleset: RuleSet) -> Any:
    rules = tuple(
        (
            r.id,
            tuple((c.question, c.allowed, c.text) for c in r.when),
            r.exclude,
            r.score,
            r.advice,
            r.warn,
            r.because,
            r.source,
            r.origin,
            r.needs,
            r.end_of_life,
            tuple((f.claim, f.checked, f.check) for f in r.facts),
        )
        for r in ruleset.rules
    )
    notes = tuple((n.tool, n.when, n.source, n.include) for n in ruleset.not_considered)
    return (ruleset.tools, rules, ruleset.files, ruleset.disabled, ruleset.tie_break, notes)


def _load(data: Any) -> RuleSet:
    tools, rules, files, disabled, tie_break, notes = data
    return RuleSet(
        tools=tools,
        rules=tuple(
            Rule(
                rid,
                tuple(Condition(q, a, t) for q, a, t in when),
                exclude,
                score,
                advice,
                warn,
                because,
                source,
                origin,
                needs,
                end_of_life,
                tuple(Fact(*fact) for fact in facts),
            )
            for (
                rid,
                when,
                exclude,
                score,
                advice,
                warn,
                because,
                source,
                origin,
                needs,
                end_of_life,
                facts,
            ) in rules
        ),
        files=files,
        disabled=disabled,
        tie_break=tie_break,
        not_considered=tuple(NotConsidered(*note) for note in notes),
    )


def cached_rules(paths: Sequence[Path], cache_dir: Path | None, parse: Callable[[], RuleSet]) -> RuleSet:
    key = cache_key(paths) if cache_dir is not None else None
    if key is None or cache_dir is None:
        return parse()
    entry = cache_dir / "rules" / f"{zlib.crc32(key.encode()):08x}.marshal"
    try:
        stored_key, data = marshal.loads(entry.read_bytes())
        if stored_key == key:
            return _load(data)
    except (OSError, EOFError, ValueError, TypeError):
        pass
    ruleset = parse()
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        partial = entry.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(marshal.dumps((key, _dump(ruleset))))
        os.replace(partial, entry)
    except OSError:
        pass  # a read-only cache folder only costs speed
    return ruleset
