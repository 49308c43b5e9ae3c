"""The versioned JSON envelope shared by every --format json output."""

from __future__ import annotations

import json
from collections.abc import Mapping

from pickenv import __version__

JSON_SCHEMA_VERSION = 1


def envelope(kind: str, payload: Mapping[str, object]) -> str:
    """The versioned JSON envelope shared by every --format json output."""
    document = {
        "schema": f"pickenv/{kind}",
        "schema_version": JSON_SCHEMA_VERSION,
        "pickenv_version": __version__,
        **payload,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
