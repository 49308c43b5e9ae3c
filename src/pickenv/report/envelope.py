"""The versioned JSON envelope shared by every --format json output.

Its ``schema`` field names what the document is (``pickenv/KIND``) and
``schema_version`` its version; ``src/pickenv/schemas/KIND.schema.json`` is the JSON
Schema of that kind and version (``pickenv schema KIND`` prints it), whose ``$id`` is
``schema_id(KIND)``. A change that breaks readers (a field removed, renamed or of
another type) raises ``JSON_SCHEMA_VERSION``; a field added extends the schema.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from pickenv import __version__

JSON_SCHEMA_VERSION = 1


def schema_id(kind: str, version: int = JSON_SCHEMA_VERSION) -> str:
    """The ``$id`` of the JSON Schema of ``pickenv/KIND`` at ``version``: a URN, as no
    address of pickenv's serves them (``pickenv schema KIND`` prints them)."""
    return f"urn:pickenv:{kind}:{version}"


def envelope(kind: str, payload: Mapping[str, object]) -> str:
    """The versioned JSON envelope shared by every --format json output."""
    document = {
        "schema": f"pickenv/{kind}",
        "schema_version": JSON_SCHEMA_VERSION,
        "pickenv_version": __version__,
        **payload,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
