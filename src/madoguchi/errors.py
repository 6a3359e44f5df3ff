"""The one error base every domain shares.

An expected condition is its own subclass with an explicit status, a stable
``type`` slug (documented in docs/problems.md) and a short ``title``; the
instance carries a ``detail`` a person can act on. The web layer renders any
of them as RFC 9457 problem+json, the command line as a message and an exit
code. A detail never carries a secret or a My Number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar


class AppError(Exception):
    status: ClassVar[int] = 500
    type: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Internal error"
    headers: ClassVar[Mapping[str, str]] = {}
    """Response headers the condition calls for (e.g. ``WWW-Authenticate`` on a 401)."""

    def __init__(self, detail: str | None = None, *, fields: Mapping[str, str] | None = None) -> None:
        self.detail = detail or self.title
        self.fields = dict(fields or {})
        """What is wrong with each input, by JSON Pointer (``#/body/values/phone``)."""
        super().__init__(self.detail)
