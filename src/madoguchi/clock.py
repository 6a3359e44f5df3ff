"""The city's clock: every "today" and "now" is Asia/Tokyo.

Code asks this module instead of ``datetime.now()`` so tests can move time.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")

_frozen: datetime | None = None


def now() -> datetime:
    return _frozen if _frozen is not None else datetime.now(TOKYO)


def today() -> date:
    return now().date()


def freeze(at: datetime | None) -> None:
    """Fix the clock at a moment (tests, simulated runs); None lets it run again."""
    global _frozen
    _frozen = at.astimezone(TOKYO) if at is not None else None
