"""What printing refuses: each a problem the caller can act on (docs/problems.md)."""

from __future__ import annotations

from madoguchi.errors import AppError


class FontMissing(AppError):
    """The server cannot print: the font every PDF embeds is not installed."""

    status = 503
    type = "font-missing"
    title = "PDFs cannot be printed on this server"


class NotAtCounter(AppError):
    """A resident prints only the form that waits at the counter; the rest reach their department online."""

    status = 409
    type = "application-not-at-counter"
    title = "This application is not waiting at the counter"
