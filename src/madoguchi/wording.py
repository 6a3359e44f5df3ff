"""How madoguchi says things in Japanese wherever it shows them (pages, PDFs): the back-office
systems' names, names from the catalog, 和暦 moments, and where a value came from.

One place, so a receipt, the back office and a resident's page never call the
same thing by two names.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from madoguchi.catalog.errors import EventNotFound, ProcedureNotFound
from madoguchi.catalog.models import Catalog
from madoguchi.clock import TOKYO
from madoguchi.prefill.display import era_date

SYSTEM_NAMES = {"juki": "住民記録", "tax": "個人住民税", "nhi": "国民健康保険", "child_allowance": "児童手当",
                "ltc": "介護保険", "late_elderly": "後期高齢者医療", "pension": "国民年金",
                "accounts": "公金受取口座"}
"""The back-office systems (``registry.models.SYSTEM_TABLES``) by the names their departments and
residents use."""


def era_day(iso: str | None) -> str | None:
    """令和7年6月12日 from ``2025-06-12`` (None stays None)."""
    return era_date(date.fromisoformat(iso)) if iso else None


def era_moment(iso: str) -> str:
    """令和7年6月1日 10時05分, in Asia/Tokyo, from an ISO timestamp with its offset."""
    moment = datetime.fromisoformat(iso).astimezone(TOKYO)
    return f"{era_date(moment.date())} {moment.hour}時{moment.minute:02d}分"


def procedure_name(catalog: Catalog, procedure_id: str) -> str:
    """The procedure's Japanese name; its id when the catalog no longer has it."""
    try:
        return catalog.procedure(procedure_id).name.ja
    except ProcedureNotFound:
        return procedure_id


def event_name(catalog: Catalog, event_id: str) -> str:
    """The life event's Japanese name (出生); its id when the catalog no longer has it."""
    try:
        return catalog.event(event_id).name.ja
    except EventNotFound:
        return event_id


def provenance(source: Mapping[str, Any] | None, catalog: Catalog) -> str:
    """Where a value came from: 住民記録 令和7年5月31日時点, 出生証明書（北見みらい病院）, 申請者が入力, …"""
    source = source or {}
    if source.get("system"):
        system = SYSTEM_NAMES.get(str(source["system"]), str(source["system"]))
        as_of = era_day(source.get("as_of"))
        return f"{system} {as_of}時点" if as_of else system
    if source.get("certificate"):
        kind = catalog.certificates.get(str(source["certificate"]))
        name = kind.name.ja if kind else str(source["certificate"])
        return f"{name}（{source['issuer']}）" if source.get("issuer") else f"{name}の記載（申請者が入力）"
    if source.get("event_date"):
        return "届け出たできごとの日"
    if source.get("answer"):
        return "申請者の回答"
    if source.get("corrected"):
        return "申請者が入力（補正）"
    if source.get("resident"):
        return "申請者が入力"
    return "—"
