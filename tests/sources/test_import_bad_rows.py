"""Bad rows go to quarantine with their line and a reason a person can act on; the rest imports."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from madoguchi.registry.models import SYSTEM_TABLES, JukiRecord, QuarantinedRow
from madoguchi.sources.importer import import_set
from madoguchi.vault import Vault

from .export_sets import (
    account,
    atena,
    child_allowance,
    csv_line,
    header,
    ltc,
    my_number,
    nhi,
    pension,
    person,
    tax,
    upsert,
    write_set,
    wrong_check_digit,
)

BAD_JUKI = "juki.csv"


def juki_line(**overrides: str) -> str:
    row = person(7, **overrides)
    return csv_line([row.get(name, "") for name in header("juki.csv")])


CASES = [
    pytest.param(BAD_JUKI, person(7, atena_number=wrong_check_digit(atena(7))),
                 f"atena_number {wrong_check_digit(atena(7))}: check digit should be {atena(7)[-1]}",
                 id="atena-check-digit"),
    pytest.param(BAD_JUKI, person(7, atena_number="12345"), "atena_number 12345: must be 10 digits",
                 id="atena-length"),
    pytest.param(BAD_JUKI, person(7, household_number=wrong_check_digit(atena(900_007))),
                 "household_number", id="household-check-digit"),
    pytest.param(BAD_JUKI, person(7, my_number=wrong_check_digit(my_number(7))),
                 "my_number: check digit is wrong", id="my-number-check-digit"),
    pytest.param(BAD_JUKI, person(7, birth_date="2023-02-29"), "birth_date 2023-02-29: no such date",
                 id="impossible-date"),
    pytest.param(BAD_JUKI, person(7, birth_date="1980/05/01"),
                 "birth_date 1980/05/01: must be a date YYYY-MM-DD", id="date-format"),
    pytest.param(BAD_JUKI, person(7, birth_date=""),
                 "birth_date: is required when birth_date_note is empty", id="birth-date-missing"),
    pytest.param(BAD_JUKI, person(7, sex="3"), "sex 3: unknown code (allowed: 1, 2, 9, 0)", id="sex"),
    pytest.param(BAD_JUKI, person(7, resident_kind="3"), "resident_kind 3: unknown code",
                 id="resident-kind"),
    pytest.param(BAD_JUKI, person(7, status="5"), "status 5: unknown code", id="status"),
    pytest.param(BAD_JUKI, person(7, change_reason="引越し"), "change_reason 引越し: unknown code",
                 id="change-reason"),
    pytest.param(BAD_JUKI, person(7, family_name=""), "family_name: is required", id="required"),
    pytest.param(BAD_JUKI, person(7, relationship=""), "relationship: is required", id="relationship"),
    pytest.param(BAD_JUKI, person(7, family_name_kana="やまだ"),
                 "family_name_kana やまだ: must be full-width katakana", id="kana-hiragana"),
    pytest.param(BAD_JUKI, person(7, given_name_kana="Taro"), "given_name_kana Taro: must be full-width",
                 id="kana-latin"),
    pytest.param(BAD_JUKI, person(7, postal_code="160-0022"), "postal_code 160-0022: must be 7 digits",
                 id="postal-code"),
    pytest.param(BAD_JUKI, person(7, became_resident_on="1970-01-01"),
                 "became_resident_on 1970-01-01: is before birth_date 1980-05-01", id="resident-before-birth"),
    pytest.param(BAD_JUKI, juki_line() + ",extra", "wrong column count: 32 values, the header has 31",
                 id="column-count"),
    pytest.param(BAD_JUKI, juki_line(building="A棟\x00"), "NUL character", id="nul"),
    pytest.param(BAD_JUKI, juki_line(building="x").replace(",x,", ',"x"y,'), "cannot be split into fields",
                 id="bad-quoting"),
    pytest.param("tax.csv", tax(7), f"atena_number {atena(7)} is not in the resident register",
                 id="orphan"),
    pytest.param("tax.csv", tax(7, atena_number=wrong_check_digit(atena(7))),
                 f"atena_number {wrong_check_digit(atena(7))}: check digit should be", id="orphan-check-digit"),
    pytest.param("tax.csv", tax(1, fiscal_year="2024", income_kind="wages"), "income_kind wages: unknown code",
                 id="income-kind"),
    pytest.param("tax.csv", tax(1, fiscal_year="2024", taxed="2"), "taxed 2: must be 1 or 0", id="taxed"),
    pytest.param("tax.csv", tax(1, fiscal_year="2024", total_income="3000000000"),
                 "total_income 3000000000: must be between 0 and 2147483647", id="integer-range"),
    pytest.param("tax.csv", tax(1, fiscal_year="2024", total_income="-5"),
                 "total_income -5: must be a whole number", id="integer"),
    pytest.param("nhi.csv", nhi(3, acquired_on="1970-01-01"),
                 "acquired_on 1970-01-01: is before the person's birth (2020-02-29)", id="qualification-before-birth"),
    pytest.param("nhi.csv", nhi(3, lost_on="2019-01-01"), "lost_on 2019-01-01: is before acquired_on 2020-04-01",
                 id="end-before-start"),
    pytest.param("child_allowance.csv", child_allowance(1, 3, certified_on="2019-01-01"),
                 "certified_on 2019-01-01: is before the birth of child_atena (2020-02-29)",
                 id="allowance-before-childs-birth"),
    pytest.param("ltc.csv", ltc(3, care_level="要介護6"), "care_level 要介護6: unknown code", id="care-level"),
    pytest.param("pension.csv", pension(3, category="4"), "category 4: unknown code", id="pension-category"),
    pytest.param("accounts.csv", account(3, bank_code="01"), "bank_code: must be 4 digits", id="bank-code"),
    pytest.param("accounts.csv", account(3, account_type="3"), "account_type 3: unknown code",
                 id="account-type"),
    pytest.param("accounts.csv", account(3, holder_kana="ヤマダタロウ"),
                 "holder_kana: must be the family and given name separated by one full-width space",
                 id="holder-kana"),
]


def good_rows(file: str) -> list[Any]:
    """Two valid rows of each file, about the people of `people()`."""
    return {
        "juki.csv": [person(1), person(2)],
        "tax.csv": [tax(1), tax(2)],
        "nhi.csv": [nhi(1), nhi(2)],
        "child_allowance.csv": [child_allowance(1, 2)],
        "ltc.csv": [ltc(1), ltc(2)],
        "pension.csv": [pension(1), pension(2)],
        "accounts.csv": [account(1), account(2)],
    }[file]


def people() -> list[Any]:
    return [person(1), person(2), person(3, birth_date="2020-02-29", became_resident_on="2020-02-29",
                                          address_since="2020-02-29")]


def quarantined(engine: Engine) -> list[QuarantinedRow]:
    with Session(engine) as session:
        return list(session.scalars(select(QuarantinedRow).order_by(QuarantinedRow.file, QuarantinedRow.line)))


@pytest.mark.parametrize(("file", "bad", "reason"), CASES)
def test_bad_row_is_quarantined_with_its_line_and_reason(clean_engine: Engine, vault: Vault, tmp_path: Path,
                                                         file: str, bad: Any, reason: str) -> None:
    rows = good_rows(file)
    files = {"juki.csv": people(), file: [*rows, bad]} if file != BAD_JUKI else {file: [*people(), bad]}
    expected_line = len(files[file]) + 1

    report = import_set(clean_engine, write_set(tmp_path / "set", files), vault=vault)

    [row] = quarantined(clean_engine)
    assert (row.file, row.line) == (file, expected_line)
    assert reason in row.reason
    counts = report.files[file]
    assert (counts.read, counts.imported, counts.quarantined) == (expected_line - 1, expected_line - 2, 1)
    with Session(clean_engine) as session:
        model = SYSTEM_TABLES[file.removesuffix(".csv")]
        assert session.scalar(select(func.count()).select_from(model)) == expected_line - 2


def test_no_reason_names_a_my_number(clean_engine: Engine, vault: Vault, tmp_path: Path) -> None:
    bad = person(7, my_number=wrong_check_digit(my_number(7)), sex="x")
    duplicate = person(2, given_name="別人")
    folder = write_set(tmp_path / "set", {"juki.csv": [*people(), bad, duplicate]})

    import_set(clean_engine, folder, vault=vault)

    reasons = " ".join(row.reason for row in quarantined(clean_engine))
    assert "sex x" in reasons and "my_number: check digit is wrong" in reasons
    for serial in (1, 2, 3, 7):
        assert my_number(serial) not in reasons and my_number(serial)[:11] not in reasons


def test_every_row_of_a_duplicated_key_is_quarantined(clean_engine: Engine, vault: Vault,
                                                      tmp_path: Path) -> None:
    import_set(clean_engine, write_set(tmp_path / "april", {"juki.csv": people()},
                                       extracted_at="2025-04-01T09:00:00+09:00"), vault=vault)
    may = [*people(), person(2, given_name="別人"), person(2, given_name="三人目")]

    report = import_set(clean_engine, write_set(tmp_path / "may", {"juki.csv": may},
                                                extracted_at="2025-05-01T09:00:00+09:00"), vault=vault)

    rows = quarantined(clean_engine)
    assert [row.line for row in rows] == [3, 5, 6]
    assert all(f"atena_number {atena(2)} appears 3 times in this file (lines 3, 5, 6)" in row.reason
               for row in rows)
    assert (report.files["juki.csv"].quarantined, report.files["juki.csv"].ended) == (3, 0)
    with Session(clean_engine) as session:
        kept = session.scalars(select(JukiRecord).filter_by(atena_number=atena(2))).one()
        assert (kept.given_name, kept.valid_to) == ("太郎2", None)


def test_a_refused_row_does_not_end_the_record_it_would_have_replaced(clean_engine: Engine, vault: Vault,
                                                                      tmp_path: Path) -> None:
    import_set(clean_engine, write_set(tmp_path / "april", {"juki.csv": people()},
                                       extracted_at="2025-04-01T09:00:00+09:00"), vault=vault)
    may = [person(1), person(2, sex="x"), people()[2]]

    report = import_set(clean_engine, write_set(tmp_path / "may", {"juki.csv": may},
                                                extracted_at="2025-05-01T09:00:00+09:00"), vault=vault)

    assert (report.files["juki.csv"].quarantined, report.files["juki.csv"].ended) == (1, 0)
    with Session(clean_engine) as session:
        assert session.scalars(select(JukiRecord).filter_by(atena_number=atena(2))).one().valid_to is None


def test_an_unknown_birth_date_with_its_note_is_accepted(clean_engine: Engine, vault: Vault,
                                                         tmp_path: Path) -> None:
    folder = write_set(tmp_path / "set", {"juki.csv": [person(1, birth_date="", birth_date_note="昭和20年頃")]})

    import_set(clean_engine, folder, vault=vault)

    with Session(clean_engine) as session:
        record = session.scalars(select(JukiRecord)).one()
        assert (record.birth_date, record.birth_date_note) == (None, "昭和20年頃")


def test_half_width_kana_is_stored_full_width(clean_engine: Engine, vault: Vault, tmp_path: Path) -> None:
    folder = write_set(tmp_path / "set", {
        "juki.csv": [person(1, family_name_kana="ﾔﾏﾀﾞ", given_name_kana="ｼﾞｮｰｼﾞ･ｳﾞｪﾙﾃﾞｨ")],
        "accounts.csv": [account(1, holder_kana="ﾔﾏﾀﾞ\u3000ﾀﾛｳ")],
    })

    report = import_set(clean_engine, folder, vault=vault)

    assert report.quarantined == 0
    with Session(clean_engine) as session:
        record = session.scalars(select(JukiRecord)).one()
        assert (record.family_name_kana, record.given_name_kana) == ("ヤマダ", "ジョージ・ヴェルディ")
        sealed = session.scalars(select(SYSTEM_TABLES["accounts"])).one().account_sealed
        assert "ヤマダ\u3000タロウ" in vault.open(sealed, "account")


def test_a_delta_row_with_an_unknown_op_is_quarantined(clean_engine: Engine, vault: Vault,
                                                       tmp_path: Path) -> None:
    rows = [upsert(person(1)), {"op": "insert", **person(2)}]
    report = import_set(clean_engine, write_set(tmp_path / "delta", {"juki.csv": rows}, kind="delta"),
                        vault=vault)

    [row] = quarantined(clean_engine)
    assert (row.line, row.reason) == (3, "op insert: must be upsert or delete")
    assert report.files["juki.csv"].imported == 1


def test_the_quarantine_keeps_the_header_and_the_original_text_sealed(clean_engine: Engine, vault: Vault,
                                                                      tmp_path: Path) -> None:
    bad = juki_line(sex="x", building="ハイツ\u3000\"A\"")
    import_set(clean_engine, write_set(tmp_path / "set", {"juki.csv": [*people(), bad]}), vault=vault)

    [row] = quarantined(clean_engine)
    assert row.header == header("juki.csv")
    assert my_number(7) not in row.raw_sealed
    assert vault.open(row.raw_sealed, "quarantined_row") == bad
    assert row.created_at is not None and row.created_at.date() >= date(2025, 1, 1)
