"""Values shown the Japanese way: 和暦 dates, full-width katakana, names, addresses, accounts.

A form keeps the value as data (an ISO date, the address's parts) and shows
this text beside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache

import jaconv
from japanera import EraDate
from pydantic import JsonValue

from madoguchi.catalog.models import FormField
from madoguchi.guidance.language import Lang, say

NAME_SPACE = "\u3000"
"""The full-width space between family and given name."""
ACCOUNT_TYPES = {"1": "普通", "2": "当座"}


@lru_cache(maxsize=4096)
def era_date(day: date) -> str:
    """和暦: 令和8年11月28日; the first year of an era is 元年 (令和元年5月1日).

    Remembered: japanera takes a quarter of a millisecond, and a bundle shows the same dates again and again.
    """
    era = EraDate.from_date(day)
    year = int(era.strftime("%-Y"))
    return f"{era.strftime('%-K')}{'元' if year == 1 else year}年{day.month}月{day.day}日"


def western_date(day: date) -> str:
    """西暦 in Japanese: 2026年11月28日."""
    return f"{day.year}年{day.month}月{day.day}日"


def katakana(text: str) -> str:
    """Full-width katakana, from half-width katakana or hiragana alike."""
    return jaconv.hira2kata(jaconv.h2z(text, kana=True, ascii=False, digit=False))


def full_name(family: JsonValue, given: JsonValue) -> str:
    return NAME_SPACE.join(str(part) for part in (family, given) if part)


def address(value: Mapping[str, JsonValue]) -> str:
    """〒160-0022 東京都新宿区新宿1-2-3 コーポ201, from the 住所 item's parts."""
    postal = str(value.get("postal_code") or "")
    lines = "".join(str(value.get(k) or "") for k in ("prefecture", "city", "town", "block"))
    parts = [f"〒{postal[:3]}-{postal[3:]}" if len(postal) == 7 else postal, lines, str(value.get("building") or "")]
    return " ".join(p for p in parts if p)


def account(value: Mapping[str, JsonValue]) -> str:
    """金融機関 0116 支店 201 普通 1234567 サトウ ケンイチ, from the 公金受取口座 item."""
    kind = ACCOUNT_TYPES.get(str(value.get("account_type")), str(value.get("account_type") or ""))
    parts = [f"金融機関 {value.get('bank_code') or ''}", f"支店 {value.get('branch_code') or ''}", kind,
             str(value.get("account_number") or ""), katakana(str(value.get("holder_kana") or ""))]
    return " ".join(p.strip() for p in parts if p.strip())


def fitted(field: FormField, raw: JsonValue, lang: Lang) -> tuple[JsonValue, str] | None:
    """The value in the field's shape, and how it is shown; None when the value does not fit the field."""
    kind = field.type
    if kind in ("date", "era_date"):
        day = _day(raw.get("date") if isinstance(raw, dict) else raw)
        return None if day is None else (day.isoformat(), era_date(day) if kind == "era_date" else western_date(day))
    if kind == "kana":
        return (katakana(raw),) * 2 if isinstance(raw, str) and raw else None
    if kind == "text":
        text = raw if isinstance(raw, str) else str(raw) if isinstance(raw, int) and not isinstance(raw, bool) else ""
        return (text, text) if text else None
    if kind == "number":
        number = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
        return None if number is None else (number, str(number))
    if kind == "bool":
        return (raw, _yes_no(raw, lang)) if isinstance(raw, bool) else None
    if kind == "select":
        label = next((say(o.label, lang) for o in field.options if o.value == raw), None)
        return None if label is None else (raw, label)
    if kind in ("address", "account") and isinstance(raw, dict):
        return raw, address(raw) if kind == "address" else account(raw)
    if isinstance(raw, str) and raw:
        return raw, raw
    if isinstance(raw, list) and raw:
        return raw, "、".join(_listed(entry) for entry in raw)
    return None


def _day(text: JsonValue) -> date | None:
    try:
        return date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def _yes_no(value: bool, lang: Lang) -> str:
    return ("はい" if value else "いいえ") if lang == "ja" else ("Yes" if value else "No")


def _listed(entry: JsonValue) -> str:
    """A person of a list: a mover by name, a member by 宛名番号."""
    if isinstance(entry, dict):
        return full_name(entry.get("family_name"), entry.get("given_name")) or "?"
    return str(entry)
