"""The item vocabulary: every name a purpose may list, and where its value comes from.

An item is read from one back-office system's records of one person. The
mapping below is the single place that says which table and columns make
each item; purposes, procedures and the data API only ever speak of item
names. Dates come out as ISO strings so every view is plain JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol, cast

from pydantic import JsonValue

from madoguchi.registry.models import VersionedRecord

Opener = Callable[[str, str], str]
"""Opens a sealed value with its context (``Vault.open``)."""

MY_NUMBER = "my_number"
HOUSEHOLD = "household"
MY_NUMBER_CONTEXT = "my_number"
"""The sealing context (AES-GCM associated data) of ``juki_records.my_number_sealed``."""
ACCOUNT_CONTEXT = "account"
"""The sealing context of ``account_records.account_sealed``."""


@dataclass(frozen=True)
class Read:
    """One item's value for one person, and the ``valid_from`` of the version it came from."""

    value: JsonValue
    since: date | None


class Shape(Protocol):
    """How an item's value is made from the person's records of its system."""

    def read(self, records: Sequence[VersionedRecord], subject: str, opener: Opener) -> Read: ...


def _plain(value: object) -> JsonValue:
    return value.isoformat() if isinstance(value, date) else cast(JsonValue, value)


def _since(records: Sequence[VersionedRecord]) -> date | None:
    return max((r.valid_from for r in records), default=None)


@dataclass(frozen=True)
class Column:
    """A single column of the person's one record."""

    column: str

    def read(self, records: Sequence[VersionedRecord], subject: str, opener: Opener) -> Read:
        if not records:
            return Read(None, None)
        return Read(_plain(getattr(records[0], self.column)), records[0].valid_from)


@dataclass(frozen=True)
class Group:
    """Several columns of the person's one record as an object; null when none has a value."""

    fields: Mapping[str, str]

    def read(self, records: Sequence[VersionedRecord], subject: str, opener: Opener) -> Read:
        if not records:
            return Read(None, None)
        value = {name: _plain(getattr(records[0], column)) for name, column in self.fields.items()}
        if all(v is None for v in value.values()):
            return Read(None, records[0].valid_from)
        return Read(value, records[0].valid_from)


@dataclass(frozen=True)
class Rows:
    """Every record of the person as a list of objects, newest ``order_by`` first."""

    fields: Mapping[str, str]
    order_by: str

    def read(self, records: Sequence[VersionedRecord], subject: str, opener: Opener) -> Read:
        ordered = sorted(records, key=lambda r: getattr(r, self.order_by), reverse=True)
        rows: list[JsonValue] = [
            {name: _plain(getattr(r, column)) for name, column in self.fields.items()} for r in ordered
        ]
        return Read(rows, _since(records))


@dataclass(frozen=True)
class Roles:
    """Records where the person takes one of several roles (the column naming them), a list per role."""

    roles: Mapping[str, str]
    """Role name → the column that holds the person's 宛名番号 in that role."""
    fields: Mapping[str, str]

    def read(self, records: Sequence[VersionedRecord], subject: str, opener: Opener) -> Read:
        value: dict[str, JsonValue] = {}
        for role, column in self.roles.items():
            mine = sorted((r for r in records if getattr(r, column) == subject), key=lambda r: r.id)
            value[role] = [{name: _plain(getattr(r, c)) for name, c in self.fields.items()} for r in mine]
        return Read(value, _since(records))


@dataclass(frozen=True)
class Sealed:
    """A sealed column, opened with the vault; ``as_json`` when it seals a JSON object."""

    column: str
    context: str
    as_json: bool = False

    def read(self, records: Sequence[VersionedRecord], subject: str, opener: Opener) -> Read:
        sealed = getattr(records[0], self.column) if records else None
        if sealed is None:
            return Read(None, records[0].valid_from if records else None)
        plain = opener(sealed, self.context)
        return Read(json.loads(plain) if self.as_json else plain, records[0].valid_from)


@dataclass(frozen=True)
class Item:
    name: str
    system: str
    """The back-office system (``SYSTEM_TABLES`` key) the value comes from: its ``source``."""
    shape: Shape | None
    """None for ``household``, which the service composes from the members' own views."""
    description: str


def _column(name: str, description: str, column: str | None = None) -> Item:
    return Item(name, "juki", Column(column or name), description)


ITEMS: dict[str, Item] = {item.name: item for item in (
    _column("family_name", "氏"),
    _column("given_name", "名"),
    _column("family_name_kana", "氏のフリガナ"),
    _column("given_name_kana", "名のフリガナ"),
    _column("alias_name", "通称 (foreign residents)"),
    Item("birth_date", "juki", Group({"date": "birth_date", "note": "birth_date_note"}),
         "生年月日: the date, or null with its 不詳 note (e.g. 昭和20年頃)"),
    _column("sex", "性別, ISO 5218 code: 1 male, 2 female, 9 not applicable, 0 unknown"),
    _column("relationship", "続柄 to the 世帯主"),
    _column("household_number", "世帯番号"),
    _column("resident_kind", "住民の種別: 1 Japanese national, 2 foreign resident"),
    _column("status", "住民状態: 1 resident, 2 moved out, 3 deceased, 4 erased"),
    Item("address", "juki", Group({
        "postal_code": "postal_code", "prefecture": "prefecture", "city": "city", "town": "town",
        "block": "block", "building": "building", "town_id": "town_id",
    }), "住所: postal code, 都道府県, 市区町村, 町字, 番地号, 方書 and 町字ID"),
    _column("resident_since", "住民となった年月日", "became_resident_on"),
    _column("address_since", "住所を定めた年月日"),
    Item("last_change", "juki", Group({"reason": "change_reason", "date": "change_date"}),
         "the last 異動事由 and its date"),
    _column("honseki", "本籍 (Japanese nationals)"),
    _column("hittousha", "筆頭者 (Japanese nationals)"),
    Item("foreign_resident", "juki", Group({
        "nationality": "nationality", "residence_status": "residence_status",
        "residence_expiry": "residence_expiry",
    }), "国籍・地域, 在留資格 and 在留期間の満了日 (foreign residents; null otherwise)"),
    Item(MY_NUMBER, "juki", Sealed("my_number_sealed", MY_NUMBER_CONTEXT),
         "個人番号: only for a purpose with a 番号法 basis"),
    Item("nhi", "nhi", Group({
        "insured_symbol": "insured_symbol", "insured_number": "insured_number",
        "acquired_on": "acquired_on", "lost_on": "lost_on",
    }), "国民健康保険: 記号, 番号, acquired and lost dates (null when not insured)"),
    Item("late_elderly", "late_elderly", Group({
        "insured_number": "insured_number", "acquired_on": "acquired_on", "lost_on": "lost_on",
    }), "後期高齢者医療: 被保険者番号, acquired and lost dates"),
    Item("ltc", "ltc", Group({
        "insured_number": "insured_number", "care_level": "care_level",
        "certified_until": "certified_until",
    }), "介護保険: 被保険者番号, 要介護度 and the certification's end"),
    Item("pension", "pension", Group({"category": "category", "since": "since"}),
         "国民年金: 被保険者種別 (1, 2, 3) and since when"),
    Item("child_allowance", "child_allowance", Roles(
        {"as_recipient": "recipient_atena", "as_child": "child_atena"},
        {"recipient": "recipient_atena", "child": "child_atena", "certified_on": "certified_on",
         "ended_on": "ended_on", "monthly_amount": "monthly_amount"},
    ), "児童手当: the allowances the person receives (with the children) and those paid for them"),
    Item("tax", "tax", Rows({
        "fiscal_year": "fiscal_year", "total_income": "total_income", "income_kind": "income_kind",
        "taxed": "taxed", "dependents": "dependents",
    }, order_by="fiscal_year"), "個人住民税 per fiscal year, newest first: 合計所得金額, 課税/非課税, 扶養人数"),
    Item("account", "accounts", Sealed("account_sealed", ACCOUNT_CONTEXT, as_json=True),
         "公金受取口座: bank, branch, type, number and holder"),
    Item(HOUSEHOLD, "juki", None,
         "the other members of the person's household, each read with the same purpose"),
)}
"""Every item, by name."""


def unknown_items(names: Sequence[str] | frozenset[str]) -> list[str]:
    """The names that are not items, sorted."""
    return sorted(set(names) - ITEMS.keys())
