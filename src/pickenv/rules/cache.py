"""A cache of parsed rule sets, so `pickenv recommend` need not import a YAML parser.

The key is every layer's path, size and modification time plus the pickenv and
Python versions; any edit to a rules file is a miss. Entries are written with
``marshal`` (built in, nothing to import) through a temporary file and an atomic
rename, so a concurrent run never reads half an entry. A broken or unreadable
cache is ignored: it only ever costs the time of a parse.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pickenv import __version__
from pickenv.rules.model import Condition, NotConsidered, Rule, RuleSet


def cache_key(paths: Sequence[Path]) -> str | None:
    parts = [__version__, sys.version]
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            return None  # the loader reports a missing file properly
        # The name as given too: messages quote it, so another spelling is another entry.
        parts.append(f"{path}\0{path.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


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
            )
            for rid, when, exclude, score, advice, warn, because, source, origin in rules
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
    entry = cache_dir / "rules" / f"{key}.marshal"
    try:
        return _load(marshal.loads(entry.read_bytes()))
    except (OSError, EOFError, ValueError, TypeError):
        pass
    ruleset = parse()
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        partial = entry.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(marshal.dumps(_dump(ruleset)))
        os.replace(partial, entry)
    except OSError:
        pass  # a read-only cache folder only costs speed
    return ruleset
