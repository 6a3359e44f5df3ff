"""Small export sets written from Python rows, for the import's tests.

A row is a dict of column values (missing columns are empty) or, for rows a
test wants malformed, the raw line itself. Named states give a valid person
and the rows other systems hold about them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from madoguchi.identifiers import REFERENCE_SCHEME, my_number_check_digit
from madoguchi.sources.layout import LAYOUTS

Row = Mapping[str, str] | str
EXTRACTED_AT = "2025-04-01T09:00:00+09:00"
MUNICIPALITY = "131041"


def atena(serial: int) -> str:
    """The serial-th valid 宛名番号 (skipping serials that are never issued)."""
    number = REFERENCE_SCHEME.issue(serial)
    return number if number is not None else atena(serial + 100_000)


def wrong_check_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def my_number(serial: int) -> str:
    body = str(10_000_000_000 + serial)[-11:]
    return body + str(my_number_check_digit(body))


def person(serial: int, **overrides: str) -> dict[str, str]:
    """A valid juki.csv row: a Japanese national living in 新宿区, head of their own household."""
    row = {
        "atena_number": atena(serial),
        "household_number": atena(900_000 + serial),
        "my_number": my_number(serial),
        "family_name": "山田",
        "given_name": f"太郎{serial}",
        "family_name_kana": "ヤマダ",
        "given_name_kana": "タロウ",
        "birth_date": "1980-05-01",
        "sex": "1",
        "relationship": "世帯主",
        "resident_kind": "1",
        "status": "1",
        "postal_code": "1600022",
        "prefecture": "東京都",
        "city": "新宿区",
        "town": "新宿",
        "block": "1-2-3",
        "became_resident_on": "2000-04-01",
        "address_since": "2010-04-01",
        "change_reason": "転居",
        "change_date": "2010-04-01",
    }
    row.update(overrides)
    return row


def tax(serial: int, **overrides: str) -> dict[str, str]:
    row = {"atena_number": atena(serial), "fiscal_year": "2025", "total_income": "3500000",
           "income_kind": "salary", "taxed": "1", "dependents": "0"}
    return {**row, **overrides}


def nhi(serial: int, **overrides: str) -> dict[str, str]:
    row = {"atena_number": atena(serial), "insured_symbol": "新宿", "insured_number": f"{serial:06d}",
           "acquired_on": "2020-04-01"}
    return {**row, **overrides}


def child_allowance(recipient: int, child: int, **overrides: str) -> dict[str, str]:
    row = {"recipient_atena": atena(recipient), "child_atena": atena(child),
           "certified_on": "2021-06-01", "monthly_amount": "10000"}
    return {**row, **overrides}


def ltc(serial: int, **overrides: str) -> dict[str, str]:
    row = {"atena_number": atena(serial), "insured_number": f"L{serial:07d}", "care_level": "要介護1",
           "certified_until": "2026-03-31"}
    return {**row, **overrides}


def late_elderly(serial: int, **overrides: str) -> dict[str, str]:
    row = {"atena_number": atena(serial), "insured_number": f"K{serial:07d}", "acquired_on": "2016-05-01"}
    return {**row, **overrides}


def pension(serial: int, **overrides: str) -> dict[str, str]:
    return {"atena_number": atena(serial), "category": "1", "since": "2000-05-01", **overrides}


def account(serial: int, **overrides: str) -> dict[str, str]:
    row = {"atena_number": atena(serial), "bank_code": "0001", "branch_code": "123", "account_type": "1",
           "account_number": f"{serial:07d}", "holder_kana": "ヤマダ\u3000タロウ"}
    return {**row, **overrides}


def header(file: str, *, delta: bool = False) -> list[str]:
    return (["op"] if delta else []) + [c.name for c in LAYOUTS[file].columns]


def csv_line(values: Sequence[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(values)  # quotes any field holding \r or \n
    return out.getvalue().removesuffix("\r\n")


def write_set(folder: Path, files: Mapping[str, Sequence[Row]], *, kind: str = "full",
              extracted_at: str = EXTRACTED_AT, municipality_code: str = MUNICIPALITY,
              bom: bool = False, newline: str = "\n") -> Path:
    """Write an export set: a manifest and one CSV per entry of ``files``."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {"municipality_code": municipality_code, "municipality_name": "新宿区",
                "extracted_at": extracted_at, "kind": kind}
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    for file, rows in files.items():
        names = header(file, delta=kind == "delta")
        lines = [csv_line(names)]
        for row in rows:
            lines.append(row if isinstance(row, str) else csv_line([row.get(n, "") for n in names]))
        text = newline.join(lines) + newline
        (folder / file).write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return folder


def upsert(row: Mapping[str, str]) -> dict[str, str]:
    return {"op": "upsert", **row}


def delete(row: Mapping[str, str]) -> dict[str, str]:
    return {"op": "delete", **row}
