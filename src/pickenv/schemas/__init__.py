"""JSON Schemas (draft 2020-12) of everything pickenv writes as JSON and of the files
people write for it.

Every ``--format json`` output is an envelope whose ``schema`` field is
``pickenv/KIND`` and ``schema_version`` its version (``report.envelope``); its schema is
``KIND.schema.json`` here, with ``$id`` ``urn:pickenv:KIND:VERSION``. ``rules-file``
and ``team-file`` describe the YAML files people write (read as JSON data: an editor's
YAML language server can check them). ``pickenv schema KIND`` prints one. The files are
the source: tests validate every JSON output of the suite and the bundled rules and
team files against them, and a field added to an output without its schema fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

_FOLDER = Path(__file__).resolve().parent
_SUFFIX = ".schema.json"


def kinds() -> tuple[str, ...]:
    """Every kind with a schema, sorted."""
    return tuple(sorted(p.name.removesuffix(_SUFFIX) for p in _FOLDER.glob(f"*{_SUFFIX}")))


def schema_path(kind: str) -> Path:
    return _FOLDER / f"{kind}{_SUFFIX}"


def schema_text(kind: str) -> str:
    return schema_path(kind).read_text(encoding="utf-8")


def load_schema(kind: str) -> dict[str, Any]:
    import json  # not at import: `pickenv schema`'s choices are listed on every run

    schema: dict[str, Any] = json.loads(schema_text(kind))
    return schema
