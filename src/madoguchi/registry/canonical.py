"""RFC 8785 (JCS) canonical JSON of the access log's documents, by the standard library's C encoder.

The log hashes documents of strings, integers, nulls, lists and objects with
ASCII keys. For those, JCS is exactly ``json.dumps`` with sorted keys, no
whitespace and UTF-8 left as it is: both escape the same characters the same
way (``\\"``, ``\\\\``, ``\\b \\f \\n \\r \\t``, the other controls as
``\\u00xx``), and both refuse a lone surrogate. The pure-Python ``rfc8785``
package gives the same bytes (the tests check it) about three times slower,
on every read. Floats are outside that domain (JCS writes them its own way);
no logged document has one.
"""

from __future__ import annotations

import json
from typing import Any

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False)


def canonical_json(document: dict[str, Any]) -> bytes:
    """The document's RFC 8785 serialisation (strings, integers, nulls, lists, objects; no floats)."""
    return _ENCODER.encode(document).encode("utf-8")
