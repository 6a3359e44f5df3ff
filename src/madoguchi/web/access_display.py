"""An access-log entry as the resident reads it: when, who, why, on what basis, which items."""

from __future__ import annotations

from dataclasses import dataclass

from madoguchi.prefill.display import era_date
from madoguchi.registry.errors import PurposeUnknown
from madoguchi.registry.purpose import PurposeRegistry
from madoguchi.registry.schemas import AccessEntryView
from madoguchi.web.my_data_wording import ITEM_LABELS

TEMPLATE_KINDS = {"procedure": "手続のための利用", "screening": "手続の対象者の抽出",
                  "review": "担当課による申請の審査", "guidance": "ライフイベントの手続案内"}
"""Purpose templates (``purposes.yaml``) by what they are for, as the purpose filter offers them."""
_ITEM_ORDER = {name: position for position, name in enumerate(ITEM_LABELS)}


@dataclass(frozen=True)
class AccessLine:
    when: str
    who: str
    department: str
    purpose: str
    legal_basis: str
    my_number_basis: str | None
    items: str
    as_of: str | None
    """和暦, when the read was of the values of a past day."""


def access_line(entry: AccessEntryView, *, viewer: str, subject: str, purposes: PurposeRegistry) -> AccessLine:
    """The entry in words; ``viewer`` is the resident looking, ``subject`` whose log it is."""
    moment = entry.recorded_at
    return AccessLine(
        when=f"{era_date(moment.date())} {moment:%H:%M}", who=_who(entry, viewer=viewer, subject=subject),
        department=entry.department or "—", purpose=purpose_name(purposes, entry.purpose),
        legal_basis=entry.legal_basis, my_number_basis=entry.my_number_basis,
        items="、".join(ITEM_LABELS.get(item, item) for item in sorted(entry.items, key=_item_order)) or "（項目なし）",
        as_of=era_date(entry.as_of) if entry.as_of else None)


def purpose_name(purposes: PurposeRegistry, purpose_id: str) -> str:
    """The purpose's Japanese name; its id when the catalog no longer knows it."""
    try:
        return purposes.resolve(purpose_id).name_ja
    except PurposeUnknown:
        return purpose_id


def purpose_kind_name(purposes: PurposeRegistry, kind: str) -> str:
    static = purposes.purposes.get(kind)
    return static.name_ja if static is not None else TEMPLATE_KINDS.get(kind, kind)


def _item_order(item: str) -> int:
    return _ITEM_ORDER.get(item, len(_ITEM_ORDER))


def _who(entry: AccessEntryView, *, viewer: str, subject: str) -> str:
    if entry.actor_kind == "resident":
        if entry.actor_id == viewer:
            return "あなた"
        return "ご本人" if entry.actor_id == subject else "世帯の方"
    if entry.actor_kind == "system":
        return f"業務システム（{entry.actor_id}）"
    return {"staff": "市の職員", "operator": "システムの運用担当者"}.get(entry.actor_kind, entry.actor_kind)
