"""Listing the quarantine: file, line, reason and text, with the My Number and account masked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from madoguchi.cli import app
from madoguchi.settings import get_settings
from madoguchi.sources.importer import import_set
from madoguchi.sources.quarantine import MASK, list_quarantined_rows, mask_row
from madoguchi.vault import Vault

from .export_sets import account, csv_line, header, my_number, person, write_set

JUKI = header("juki.csv")
ACCOUNTS = header("accounts.csv")


def a_set_with_bad_rows(folder: Path, extracted_at: str = "2025-04-01T09:00:00+09:00") -> Path:
    shifted = person(3, sex="x")
    del shifted["household_number"]  # every value after it moves one column to the left
    return write_set(folder, {
        "juki.csv": [person(1), person(2, sex="x"), csv_line([shifted.get(n, "") for n in JUKI[:-1]])],
        "accounts.csv": [account(1, account_type="9", account_number="7654321")],
    }, extracted_at=extracted_at)


@pytest.fixture
def cli_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, vault: Vault) -> Iterator[None]:
    keys = tmp_path / "keys.json"
    keys.write_text(vault.to_json(), encoding="utf-8")
    monkeypatch.setenv("MADOGUCHI_KEYS_FILE", str(keys))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_listing_masks_my_number_and_account_columns(clean_engine: Engine, vault: Vault,
                                                     tmp_path: Path) -> None:
    import_set(clean_engine, a_set_with_bad_rows(tmp_path / "set"), vault=vault)

    with Session(clean_engine) as session:
        entries = list_quarantined_rows(session, vault=vault)

    assert [(e.file, e.line) for e in entries] == [("accounts.csv", 2), ("juki.csv", 3), ("juki.csv", 4)]
    account_fields = entries[0].raw.split(",")
    assert account_fields[1:] == [MASK, MASK, "9", MASK, MASK]
    juki_fields = entries[1].raw.split(",")
    assert juki_fields[JUKI.index("my_number")] == MASK
    assert juki_fields[JUKI.index("family_name")] == "山田"
    listing = json.dumps([e.to_json() for e in entries], ensure_ascii=False)
    for serial in (1, 2, 3):
        assert my_number(serial) not in listing
    assert "7654321" not in listing and "ヤマダ\u3000タロウ" not in listing


def test_command_lists_the_quarantine_as_json_without_a_my_number(clean_engine: Engine, vault: Vault,
                                                                  tmp_path: Path, cli_keys: None) -> None:
    first = import_set(clean_engine, a_set_with_bad_rows(tmp_path / "april"), vault=vault)
    import_set(clean_engine, a_set_with_bad_rows(tmp_path / "may", "2025-05-01T09:00:00+09:00"), vault=vault)
    url = clean_engine.url.render_as_string(False)

    everything = CliRunner().invoke(app, ["quarantine", "list", "--db", url, "--json"])
    first_only = CliRunner().invoke(app, ["quarantine", "list", "--db", url, "--json",
                                          "--import", str(first.import_id)])
    shown = CliRunner().invoke(app, ["quarantine", "list", "--db", url])

    assert everything.exit_code == first_only.exit_code == shown.exit_code == 0
    rows = json.loads(everything.stdout)
    assert len(rows) == 6 and len(json.loads(first_only.stdout)) == 3
    assert rows[1] | {"raw": ""} == {"import_id": first.import_id, "file": "juki.csv", "line": 3,
                                     "reason": "sex x: unknown code (allowed: 1, 2, 9, 0)", "raw": ""}
    for output in (everything.output, shown.output):
        assert all(my_number(serial) not in output for serial in (1, 2, 3))
    assert "juki.csv:3" in shown.stdout


def test_a_row_whose_columns_shifted_is_masked_from_the_first_sensitive_column_on() -> None:
    raw = csv_line(["0000000019", "123456789018", "山田", "太郎"])

    assert mask_row(raw, JUKI).split(",") == ["0000000019", MASK, MASK, MASK]


def test_any_twelve_digit_run_is_masked_wherever_it_stands() -> None:
    raw = csv_line(["0000000019", "0000000027", "", "山田", "番号123456789018を記載"])

    assert "123456789018" not in mask_row(raw, ["a", "b", "c", "d", "e"])
