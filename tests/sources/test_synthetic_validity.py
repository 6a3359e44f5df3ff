"""A synthetic city and its deltas hold no row the importer would quarantine.

The rules of source-layouts.md ("What counts as a bad row") are checked here
on their own — check digits, katakana, dates, codes, key uniqueness, orphans,
column counts — without the importer, so a fault in either is caught.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from madoguchi.identifiers import REFERENCE_SCHEME, is_valid_municipality_code, is_valid_my_number
from madoguchi.sources.synthetic import generate_city, generate_delta

EXTRACTED_AT = datetime.fromisoformat("2025-06-15T09:00:00+09:00")
DELTA_AT = datetime.fromisoformat("2025-06-22T09:00:00+09:00")

HEADERS = {
    "juki.csv": "atena_number,household_number,my_number,family_name,given_name,family_name_kana,"
                "given_name_kana,alias_name,birth_date,birth_date_note,sex,honseki,hittousha,relationship,"
                "resident_kind,status,postal_code,prefecture,city,town,block,building,town_id,became_resident_on,"
                "address_since,change_reason,change_date,nationality,residence_status,residence_expiry,support_measure",
    "tax.csv": "atena_number,fiscal_year,total_income,income_kind,taxed,dependents",
    "nhi.csv": "atena_number,insured_symbol,insured_number,acquired_on,lost_on",
    "child_allowance.csv": "recipient_atena,child_atena,certified_on,ended_on,monthly_amount",
    "ltc.csv": "atena_number,insured_number,care_level,certified_until",
    "late_elderly.csv": "atena_number,insured_number,acquired_on,lost_on",
    "pension.csv": "atena_number,category,since",
    "accounts.csv": "atena_number,bank_code,branch_code,account_type,account_number,holder_kana",
}
"""Written out from the spec, not taken from the generator."""
KEYS = {"juki.csv": ("atena_number",), "tax.csv": ("atena_number", "fiscal_year"), "nhi.csv": ("atena_number",),
        "child_allowance.csv": ("recipient_atena", "child_atena"), "ltc.csv": ("atena_number",),
        "late_elderly.csv": ("atena_number",), "pension.csv": ("atena_number",), "accounts.csv": ("atena_number",)}
KATAKANA = re.compile(r"[\u30a1-\u30f6\u30fb\u30fc\u3000]*")
CHANGE_REASONS = {"出生", "国内転入", "国外転入", "転居", "国内転出", "国外転出", "死亡", "世帯変更", "職権記載",
                  "職権消除", "修正"}
CARE_LEVELS = {"", "要支援1", "要支援2", "要介護1", "要介護2", "要介護3", "要介護4", "要介護5"}

Table = dict[tuple[str, ...], dict[str, str]]


def read(folder: Path, file: str) -> tuple[list[str], list[list[str]]]:
    with open(folder / file, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def day(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


class Faults:
    """Collects every bad row with its reason, so a failure shows them all."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def check(self, ok: bool, file: str, row: dict[str, str], reason: str) -> None:
        if not ok:
            self.found.append(f"{file}: {reason}: {row}")


def check_juki(faults: Faults, r: dict[str, str]) -> None:
    f = "juki.csv"
    faults.check(REFERENCE_SCHEME.is_valid(r["atena_number"]), f, r, "宛名番号 check digit")
    faults.check(REFERENCE_SCHEME.is_valid(r["household_number"]), f, r, "世帯番号 check digit")
    faults.check(not r["my_number"] or is_valid_my_number(r["my_number"]), f, r, "個人番号 check digit")
    foreign = r["resident_kind"] == "2"
    faults.check(bool(r["family_name"]) and (bool(r["given_name"]) or foreign), f, r, "name missing")
    for column in ("family_name_kana", "given_name_kana"):
        faults.check(KATAKANA.fullmatch(r[column]) is not None, f, r, f"{column} not katakana")
    faults.check(bool(r["family_name_kana"]) and bool(r["given_name_kana"]) == bool(r["given_name"]), f, r, "kana missing")
    birth = day(r["birth_date"])
    faults.check(birth is not None or bool(r["birth_date_note"]), f, r, "birth date missing without a note")
    faults.check(r["sex"] in {"0", "1", "2", "9"} and r["resident_kind"] in {"1", "2"}
                 and r["status"] in {"1", "2", "3", "4"}, f, r, "unknown code")
    faults.check(re.fullmatch(r"\d{7}", r["postal_code"]) is not None and bool(r["prefecture"] and r["city"] and r["town"]),
                 f, r, "address")
    faults.check(r["town_id"] == "" or re.fullmatch(r"\d{7}", r["town_id"]) is not None, f, r, "town_id")
    faults.check(r["change_reason"] in CHANGE_REASONS and bool(r["relationship"]), f, r, "change reason")
    faults.check(r["support_measure"] in {"", "1"}, f, r, "support_measure")
    faults.check(foreign or not (r["nationality"] or r["residence_status"] or r["residence_expiry"]), f, r,
                 "foreign items on a Japanese national")
    faults.check(not foreign or bool(r["nationality"] and r["residence_status"]), f, r, "foreign items missing")
    faults.check(not foreign or not (r["honseki"] or r["hittousha"]), f, r, "本籍 on a foreign resident")
    for column in ("became_resident_on", "address_since", "change_date", "residence_expiry"):
        value = day(r[column])
        faults.check(birth is None or value is None or value >= birth, f, r, f"{column} before birth")


def check_system_row(faults: Faults, file: str, r: dict[str, str], births: dict[str, date | None]) -> None:
    for column in ("atena_number", "recipient_atena", "child_atena"):
        if column in r:
            faults.check(r[column] in births, file, r, f"{column} is nobody in juki (orphan)")
    birth = births.get(r.get("atena_number") or r["child_atena"])
    starts = [day(r[c]) for c in ("acquired_on", "since", "certified_on") if c in r]
    for start in starts:
        faults.check(start is not None and (birth is None or start >= birth), file, r, "starts before birth")
    if "lost_on" in r and r["lost_on"]:
        faults.check(starts[0] is not None and day(r["lost_on"]) >= starts[0], file, r, "lost before acquired")  # type: ignore[operator]
    if file == "tax.csv":
        faults.check(r["income_kind"] in {"salary", "business", "pension", "other", "none"} and r["taxed"] in {"0", "1"}
                     and r["total_income"].isdigit() and r["dependents"].isdigit() and r["fiscal_year"].isdigit(),
                     file, r, "tax codes")
    if file == "pension.csv":
        faults.check(r["category"] in {"1", "2", "3"}, file, r, "pension category")
    if file == "ltc.csv":
        faults.check(r["care_level"] in CARE_LEVELS and bool(r["certified_until"]) == bool(r["care_level"]), file, r,
                     "care level")
    if file == "accounts.csv":
        faults.check(re.fullmatch(r"\d{4}", r["bank_code"]) is not None and re.fullmatch(r"\d{3}", r["branch_code"]) is not None
                     and r["account_type"] in {"1", "2"} and re.fullmatch(r"\d{7}", r["account_number"]) is not None,
                     file, r, "account codes")
        faults.check(KATAKANA.fullmatch(r["holder_kana"]) is not None and r["holder_kana"].count("\u3000") == 1
                     and not r["holder_kana"].startswith("\u3000") and not r["holder_kana"].endswith("\u3000"),
                     file, r, "holder name")
    if file == "child_allowance.csv":
        faults.check(r["monthly_amount"] in {"10000", "15000", "30000"}, file, r, "allowance amount")


def load_full(folder: Path, faults: Faults) -> dict[str, Table]:
    """Every file of a full set keyed by its key, checking layout and duplicates on the way."""
    tables: dict[str, Table] = {}
    for file, header in HEADERS.items():
        columns, rows = read(folder, file)
        assert columns == header.split(","), f"{file} header"
        table: Table = {}
        for row in rows:
            assert len(row) == len(columns), f"{file}: wrong column count {row}"
            record = dict(zip(columns, row, strict=True))
            key = tuple(record[k] for k in KEYS[file])
            faults.check(key not in table, file, record, "duplicate key")
            table[key] = record
        tables[file] = table
    return tables


def apply_delta(folder: Path, tables: dict[str, Table], faults: Faults) -> None:
    """Apply a delta set to the tables (juki first), checking each row's layout and op."""
    for file, header in HEADERS.items():
        if not (folder / file).exists():
            continue
        columns, rows = read(folder, file)
        assert columns == ["op", *header.split(",")], f"delta {file} header"
        for row in rows:
            assert len(row) == len(columns), f"delta {file}: wrong column count {row}"
            record = dict(zip(columns[1:], row[1:], strict=True))
            key = tuple(record[k] for k in KEYS[file])
            faults.check(row[0] in {"upsert", "delete"}, file, record, "op")
            if row[0] == "delete":
                faults.check(key in tables[file], file, record, "delete of an unknown record")
                tables[file].pop(key, None)
            else:
                tables[file][key] = record


def validate(tables: dict[str, Table], faults: Faults) -> None:
    births: dict[str, date | None] = {}
    for record in tables["juki.csv"].values():
        check_juki(faults, record)
        births[record["atena_number"]] = day(record["birth_date"])
    for file, table in tables.items():
        if file != "juki.csv":
            for record in table.values():
                check_system_row(faults, file, record, births)


def all_rows(tables: dict[str, Table], file: str) -> Iterator[dict[str, str]]:
    yield from tables[file].values()


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("city") / "full"
    generate_city(out, residents=2000, seed=11, extracted_at=EXTRACTED_AT)
    return out


def test_full_set_has_no_bad_row(city: Path) -> None:
    faults = Faults()
    validate(load_full(city, faults), faults)
    assert faults.found == []


def test_manifest_names_a_valid_municipality_and_the_extraction_in_tokyo_time(city: Path) -> None:
    manifest = json.loads((city / "manifest.json").read_text(encoding="utf-8"))
    assert manifest == {"municipality_code": "012084", "municipality_name": "北見市",
                        "extracted_at": "2025-06-15T09:00:00+09:00", "kind": "full"}
    assert is_valid_municipality_code(manifest["municipality_code"])


def test_every_my_number_is_unique(city: Path) -> None:
    faults = Faults()
    numbers = [r["my_number"] for r in all_rows(load_full(city, faults), "juki.csv") if r["my_number"]]
    assert len(numbers) == len(set(numbers))


@pytest.mark.parametrize("seed", [1, 2])
def test_delta_applied_to_the_full_set_leaves_no_bad_row(city: Path, tmp_path: Path, seed: int) -> None:
    delta = tmp_path / "delta"
    summary = generate_delta(city, delta, seed=seed, changes=120, extracted_at=DELTA_AT)
    faults = Faults()
    tables = load_full(city, faults)
    apply_delta(delta, tables, faults)
    validate(tables, faults)
    assert faults.found == []
    assert sum(summary.changes.values()) == 120
    assert json.loads((delta / "manifest.json").read_text(encoding="utf-8"))["kind"] == "delta"


def test_a_city_elsewhere_uses_that_municipalitys_towns_and_stays_valid(tmp_path: Path) -> None:
    out = tmp_path / "shinjuku"
    generate_city(out, residents=300, seed=3, municipality_code="131041", extracted_at=EXTRACTED_AT)
    faults = Faults()
    tables = load_full(out, faults)
    validate(tables, faults)
    assert faults.found == []
    assert {r["city"] for r in all_rows(tables, "juki.csv")} == {"新宿区"}
    assert {r["postal_code"][:2] for r in all_rows(tables, "juki.csv")} == {"16"}  # 〒160–169
