"""The export layout the import checks: each file's columns, what a valid value is, and its key.

One declarative table per back-office system (source-layouts.md); the
validator, the staging tables and the set-based checks are all driven by it,
so a column is described once. Names match the hub's record columns, except
the sensitive items, which the hub keeps only sealed (`Sealed`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal[
    "number",       # the city's own 宛名番号/世帯番号: digits and check digit (NumberingScheme)
    "person",       # a reference to a person: must be a 宛名番号 in the resident register
    "my_number",    # 個人番号: 12 digits, check digit
    "text",         # kept exactly as given
    "kana",         # フリガナ: full-width katakana after normalising half-width input
    "kana_name",    # kana family and given name separated by one U+3000
    "date",         # YYYY-MM-DD, a real date
    "code",         # one of `codes`
    "integer",      # whole number in [minimum, maximum]
    "digits",       # exactly `length` ASCII digits
    "flag",         # "1" (yes) or empty (no)
    "boolean",      # "1" or "0"
]

INT4_MAX = 2_147_483_647
"""The largest integer the hub's integer columns hold."""


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = "text"
    required: bool = False
    """An empty value is a bad row."""
    blank: bool = False
    """An empty value is kept as an empty string rather than "none" (NOT NULL text that may be empty)."""
    codes: tuple[str, ...] = ()
    length: int = 0
    minimum: int = 0
    maximum: int = INT4_MAX
    sensitive: bool = False
    """Never shown: masked in quarantine listings, its value left out of reasons."""
    required_unless: str | None = None
    """Required when this other column is empty (生年月日 may be empty only with its 不詳 note)."""
    not_before: str | None = None
    """A date that may not precede this other date column of the same row (an end before its start)."""
    not_before_birth_of: str | None = None
    """A date that may not precede the birth of the person in this column (a start before birth)."""


@dataclass(frozen=True)
class Sealed:
    """Input columns the hub stores only encrypted, as one sealed value."""

    columns: tuple[str, ...]
    target: str
    """The hub column holding the sealed text (AES-GCM, vault context `context`)."""
    context: str
    lookup: str | None = None
    """The hub column holding the keyed hash of the value, for equality look-ups."""


@dataclass(frozen=True)
class FileLayout:
    system: str
    """The back-office system: the hub's record table (registry.models.SYSTEM_TABLES) and the file stem."""
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    sealed: tuple[Sealed, ...] = ()
    by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {c.name: c for c in self.columns})

    @property
    def file(self) -> str:
        return f"{self.system}.csv"

    @property
    def persons(self) -> tuple[str, ...]:
        """Columns naming a person who must be in the resident register."""
        return tuple(c.name for c in self.columns if c.kind == "person")

    @property
    def carries_birth_date(self) -> bool:
        """Whether a row holds its person's birth date, so dates can be checked against it in the row."""
        return "birth_date" in self.by_name

    @property
    def outputs(self) -> tuple[str, ...]:
        """The hub columns a valid row fills, in the validator's output order."""
        sealed_inputs = {name for s in self.sealed for name in s.columns}
        plain = tuple(c.name for c in self.columns if c.name not in sealed_inputs)
        return plain + tuple(t for s in self.sealed for t in (s.target, s.lookup) if t is not None)


SEX = ("1", "2", "9", "0")
"""ISO 5218: male, female, not applicable, unknown."""
CHANGE_REASONS = ("出生", "国内転入", "国外転入", "転居", "国内転出", "国外転出", "死亡",
                  "世帯変更", "職権記載", "職権消除", "修正")
INCOME_KINDS = ("salary", "business", "pension", "other", "none")
CARE_LEVELS = ("要支援1", "要支援2", "要介護1", "要介護2", "要介護3", "要介護4", "要介護5")

_ACCOUNT = ("bank_code", "branch_code", "account_type", "account_number", "holder_kana")

JUKI = FileLayout(
    system="juki",
    key=("atena_number",),
    columns=(
        Column("atena_number", "number", required=True),
        Column("household_number", "number", required=True),
        Column("my_number", "my_number", sensitive=True),
        Column("family_name", required=True),
        Column("given_name", blank=True),
        Column("family_name_kana", "kana", required=True),
        Column("given_name_kana", "kana", blank=True),
        Column("alias_name"),
        Column("birth_date", "date", required_unless="birth_date_note"),
        Column("birth_date_note"),
        Column("sex", "code", required=True, codes=SEX),
        Column("honseki"),
        Column("hittousha"),
        Column("relationship", required=True),
        Column("resident_kind", "code", required=True, codes=("1", "2")),
        Column("status", "code", required=True, codes=("1", "2", "3", "4")),
        Column("postal_code", "digits", length=7),
        Column("prefecture"),
        Column("city"),
        Column("town"),
        Column("block"),
        Column("building"),
        Column("town_id", "digits", length=7),
        Column("became_resident_on", "date", not_before_birth_of="atena_number"),
        Column("address_since", "date", not_before_birth_of="atena_number"),
        Column("change_reason", "code", codes=CHANGE_REASONS),
        Column("change_date", "date"),
        Column("nationality"),
        Column("residence_status"),
        Column("residence_expiry", "date"),
        Column("support_measure", "flag"),
    ),
    sealed=(Sealed(("my_number",), "my_number_sealed", "my_number", lookup="my_number_lookup"),),
)

TAX = FileLayout(
    system="tax",
    key=("atena_number", "fiscal_year"),
    columns=(
        Column("atena_number", "person", required=True),
        Column("fiscal_year", "integer", required=True, minimum=1900, maximum=2999),
        Column("total_income", "integer", required=True),
        Column("income_kind", "code", required=True, codes=INCOME_KINDS),
        Column("taxed", "boolean", required=True),
        Column("dependents", "integer", required=True, maximum=99),
    ),
)

NHI = FileLayout(
    system="nhi",
    key=("atena_number",),
    columns=(
        Column("atena_number", "person", required=True),
        Column("insured_symbol", required=True),
        Column("insured_number", required=True),
        Column("acquired_on", "date", required=True, not_before_birth_of="atena_number"),
        Column("lost_on", "date", not_before="acquired_on"),
    ),
)

CHILD_ALLOWANCE = FileLayout(
    system="child_allowance",
    key=("recipient_atena", "child_atena"),
    columns=(
        Column("recipient_atena", "person", required=True),
        Column("child_atena", "person", required=True),
        Column("certified_on", "date", required=True, not_before_birth_of="child_atena"),
        Column("ended_on", "date", not_before="certified_on"),
        Column("monthly_amount", "integer", required=True),
    ),
)

LTC = FileLayout(
    system="ltc",
    key=("atena_number",),
    columns=(
        Column("atena_number", "person", required=True),
        Column("insured_number", required=True),
        Column("care_level", "code", codes=CARE_LEVELS),
        Column("certified_until", "date"),
    ),
)

LATE_ELDERLY = FileLayout(
    system="late_elderly",
    key=("atena_number",),
    columns=(
        Column("atena_number", "person", required=True),
        Column("insured_number", required=True),
        Column("acquired_on", "date", required=True, not_before_birth_of="atena_number"),
        Column("lost_on", "date", not_before="acquired_on"),
    ),
)

PENSION = FileLayout(
    system="pension",
    key=("atena_number",),
    columns=(
        Column("atena_number", "person", required=True),
        Column("category", "code", required=True, codes=("1", "2", "3")),
        Column("since", "date", not_before_birth_of="atena_number"),
    ),
)

ACCOUNTS = FileLayout(
    system="accounts",
    key=("atena_number",),
    columns=(
        Column("atena_number", "person", required=True),
        Column("bank_code", "digits", required=True, length=4, sensitive=True),
        Column("branch_code", "digits", required=True, length=3, sensitive=True),
        Column("account_type", "code", required=True, codes=("1", "2")),
        Column("account_number", "digits", required=True, length=7, sensitive=True),
        Column("holder_kana", "kana_name", required=True, sensitive=True),
    ),
    sealed=(Sealed(_ACCOUNT, "account_sealed", "account"),),
)

LAYOUTS: dict[str, FileLayout] = {
    layout.file: layout
    for layout in (JUKI, TAX, NHI, CHILD_ALLOWANCE, LTC, LATE_ELDERLY, PENSION, ACCOUNTS)
}
"""Every file of an export set, in the order a set applies (juki.csv first)."""

MANIFEST = "manifest.json"
OP = "op"
"""A delta's first column: ``upsert`` or ``delete``."""
OPS = ("upsert", "delete")

MASKED_COLUMNS = frozenset(c.name for layout in LAYOUTS.values() for c in layout.columns if c.sensitive)
"""Columns a listing never shows: the My Number and the account."""
