"""How the back office says things: names from the catalog, 和暦 dates, deadlines, whom an
application is for, and where each value came from (provenance)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from madoguchi.catalog.models import Catalog
from madoguchi.prefill.display import era_date
from madoguchi.wording import procedure_name

EVENT_PEOPLE = {"newborn": "新生児", "spouse": "配偶者"}
"""Subjects the hub does not hold yet, by their reference in the plan (``guidance`` subjects)."""
ACTOR_LABELS = {"resident": "申請者", "staff": "職員", "system": "業務システム", "operator": "運用担当"}
HISTORY_REASONS = {"corrected": "申請者が補正しました"}
"""Reasons the intake itself writes into an application's history."""
DEADLINE_NEAR_DAYS = 3
"""A deadline this many days away or fewer is marked 期限間近."""


@dataclass(frozen=True)
class Deadline:
    text: str
    """和暦: 令和7年6月13日."""
    marker: str | None = None
    """期限超過（2日）, 本日が期限, 期限まであと3日: shown in words, not only in colour."""
    level: str | None = None
    """``past`` or ``near``: the marker's style."""


def subject_label(subject: str) -> str:
    """Whom an application is for, from its subject reference alone (no personal data is read)."""
    if subject.isdigit():
        return f"宛名番号 {subject}"
    if subject.startswith("mover:"):
        return f"転入者{subject.removeprefix('mover:')}"
    return EVENT_PEOPLE.get(subject, subject)


def deadline(iso: str | None, *, today: date, still_open: bool) -> Deadline | None:
    """The deadline in 和暦, marked when it is near or past and the application is still open."""
    if iso is None:
        return None
    day = date.fromisoformat(iso)
    left = (day - today).days
    if not still_open or left > DEADLINE_NEAR_DAYS:
        return Deadline(era_date(day))
    if left < 0:
        return Deadline(era_date(day), f"期限超過（{-left}日）", "past")
    return Deadline(era_date(day), "本日が期限" if left == 0 else f"期限まであと{left}日", "near")


def shared_note(source: Mapping[str, Any] | None, catalog: Catalog) -> str | None:
    """出生届と共通: the value was asked once in the bundle and copied from that form."""
    shared_from = (source or {}).get("shared_from")
    if not shared_from:
        return None
    return f"{procedure_name(catalog, str(shared_from).split('.')[0])}と共通"
