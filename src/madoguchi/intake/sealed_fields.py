"""Sensitive form values (the My Number, a bank account) sealed at rest and masked when shown.

A filled form holds what the hub gave it, the My Number included where the
procedure's legal basis allows it. Drafts and applications keep such values
sealed with the vault (AES-GCM); a view shown to the resident masks them;
only the department's own read (the pull API, its inbox) opens them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import JsonValue

from madoguchi.prefill import display
from madoguchi.vault import Vault

SENSITIVE_ITEMS = frozenset({"my_number", "account"})
CONTEXT = "intake-field"
MASK = "••••"


def source_item(field: Mapping[str, Any]) -> str | None:
    """The hub item a field's value was read from: ``my_number`` also for the head's
    (``household.head_my_number``)."""
    item = (field.get("source") or {}).get("item")
    return str(item).rsplit(".", 1)[-1].removeprefix("head_") if item else None


def is_sensitive(field: Mapping[str, Any]) -> bool:
    return field.get("type") == "account" or source_item(field) in SENSITIVE_ITEMS


def reads_my_number(field: Mapping[str, Any]) -> bool:
    return source_item(field) == "my_number"


def seal_value(vault: Vault, value: JsonValue) -> dict[str, JsonValue]:
    return {"sealed": vault.seal(json.dumps(value, ensure_ascii=False), CONTEXT)}


def open_value(vault: Vault, stored: JsonValue) -> JsonValue:
    if isinstance(stored, dict) and set(stored) == {"sealed"}:
        return json.loads(vault.open(str(stored["sealed"]), CONTEXT))  # type: ignore[no-any-return]
    return stored


def is_sealed(stored: JsonValue) -> bool:
    return isinstance(stored, dict) and set(stored) == {"sealed"}


def seal_field(vault: Vault, field: dict[str, Any]) -> dict[str, Any]:
    """The field as stored: its value and display sealed when it is sensitive."""
    value = field.get("value")
    if not is_sensitive(field) or value is None:
        return field
    return {**field, "value": seal_value(vault, value), "display": seal_value(vault, field.get("display")),
            "hint": hint(value)}


def open_field(vault: Vault, field: Mapping[str, Any]) -> dict[str, Any]:
    return {**field, "value": open_value(vault, field.get("value")), "display": open_value(vault, field.get("display"))}


def mask_field(field: Mapping[str, Any]) -> dict[str, Any]:
    """The field as shown to the resident: a sealed value says only that it is there."""
    if not is_sealed(field.get("value")):
        return dict(field)
    return {**field, "value": None, "display": field.get("hint") or MASK, "masked": True}


def hint(value: JsonValue) -> str:
    """Enough to recognise the value, not to use it: the last digits of a number, the bank of an account."""
    if isinstance(value, dict):
        number = str(value.get("account_number") or "")
        return display.account({**value, "account_number": MASK + number[-3:]})
    return MASK + str(value)[-4:]
