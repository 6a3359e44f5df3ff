"""The reference export layout (source-layouts.md): file names and their columns, in order."""

from __future__ import annotations

JUKI = "juki.csv"
TAX = "tax.csv"
NHI = "nhi.csv"
CHILD_ALLOWANCE = "child_allowance.csv"
LTC = "ltc.csv"
LATE_ELDERLY = "late_elderly.csv"
PENSION = "pension.csv"
ACCOUNTS = "accounts.csv"
MANIFEST = "manifest.json"
PERSONAS_FILE = "personas.json"

COLUMNS: dict[str, tuple[str, ...]] = {
    JUKI: (
        "atena_number", "household_number", "my_number",
        "family_name", "given_name", "family_name_kana", "given_name_kana", "alias_name",
        "birth_date", "birth_date_note", "sex", "honseki", "hittousha", "relationship",
        "resident_kind", "status",
        "postal_code", "prefecture", "city", "town", "block", "building", "town_id",
        "became_resident_on", "address_since", "change_reason", "change_date",
        "nationality", "residence_status", "residence_expiry", "support_measure",
    ),
    TAX: ("atena_number", "fiscal_year", "total_income", "income_kind", "taxed", "dependents"),
    NHI: ("atena_number", "insured_symbol", "insured_number", "acquired_on", "lost_on"),
    CHILD_ALLOWANCE: ("recipient_atena", "child_atena", "certified_on", "ended_on", "monthly_amount"),
    LTC: ("atena_number", "insured_number", "care_level", "certified_until"),
    LATE_ELDERLY: ("atena_number", "insured_number", "acquired_on", "lost_on"),
    PENSION: ("atena_number", "category", "since"),
    ACCOUNTS: ("atena_number", "bank_code", "branch_code", "account_type", "account_number", "holder_kana"),
}
"""Every CSV of an export set; a delta set puts ``op`` before these columns."""

FILES = tuple(COLUMNS)

UPSERT = "upsert"
DELETE = "delete"
