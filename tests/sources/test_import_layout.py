"""The import's layout agrees with the hub's tables and with the synthetic city's export files."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.orm import Session

from madoguchi.registry.models import SYSTEM_TABLES, JukiRecord, QuarantinedRow, TaxRecord
from madoguchi.sources import apply, importer
from madoguchi.sources.errors import UnreadableSet
from madoguchi.sources.importer import import_set
from madoguchi.sources.layout import LAYOUTS
from madoguchi.sources.synthetic import layout as synthetic_layout
from madoguchi.vault import Vault

from .export_sets import atena, person, tax, write_set

VERSIONING = {"id", "valid_from", "valid_to", "end_reason", "import_id", "row_hash"}


def test_every_layout_fills_exactly_its_record_tables_columns() -> None:
    for layout in LAYOUTS.values():
        table = SYSTEM_TABLES[layout.system].__table__
        assert set(layout.outputs) == {c.name for c in table.columns} - VERSIONING, layout.file


def test_layout_columns_are_the_ones_the_synthetic_city_writes() -> None:
    assert {file: tuple(c.name for c in layout.columns) for file, layout in LAYOUTS.items()} == \
        synthetic_layout.COLUMNS


def keys_and_indexes(engine: Engine) -> dict[str, tuple[list[str], list[str]]]:
    """Each record table's index names and foreign keys, as the database holds them now."""
    inspector = inspect(engine)
    return {model.__tablename__: (
        sorted(i["name"] or "" for i in inspector.get_indexes(model.__tablename__)),
        sorted(f"{k['name']}: {k['constrained_columns']} -> {k['referred_table']}"
               for k in inspector.get_foreign_keys(model.__tablename__)),
    ) for model in SYSTEM_TABLES.values()}


def test_first_load_leaves_every_index_and_foreign_key_in_place(clean_engine: Engine, vault: Vault,
                                                                tmp_path: Path) -> None:
    before = keys_and_indexes(clean_engine)
    import_set(clean_engine, write_set(tmp_path / "set", {"juki.csv": [person(1)], "tax.csv": [tax(1)]}),
               vault=vault)

    assert keys_and_indexes(clean_engine) == before
    juki_indexes, juki_keys = before["juki_records"]
    assert "uq_juki_records_current" in juki_indexes and any("import_runs" in key for key in juki_keys)


def test_a_first_load_failing_after_its_resident_register_leaves_indexes_and_keys_in_place(
        clean_engine: Engine, vault: Vault, tmp_path: Path) -> None:
    folder = write_set(tmp_path / "set", {"juki.csv": [person(1)], "tax.csv": [tax(1)]})
    tax_file = folder / "tax.csv"  # read only once juki.csv is applied, its indexes rebuilt
    tax_file.write_bytes(tax_file.read_bytes() + "あ".encode("shift_jis") + b"\n")
    before = keys_and_indexes(clean_engine)

    with pytest.raises(UnreadableSet, match="tax.csv"):
        import_set(clean_engine, folder, vault=vault)

    assert keys_and_indexes(clean_engine) == before
    assert record_count(clean_engine) == 0


def test_a_first_load_failing_with_its_indexes_dropped_leaves_them_in_place(
        clean_engine: Engine, vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> int:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(apply, "_insert_new", fail)  # where the rows are inserted from staging
    monkeypatch.setattr(importer, "settle_first_load", fail)  # where they were written straight
    before = keys_and_indexes(clean_engine)

    with pytest.raises(RuntimeError, match="the disk is full"):
        import_set(clean_engine, write_set(tmp_path / "set", {"juki.csv": [person(1)]}), vault=vault)

    assert keys_and_indexes(clean_engine) == before
    assert record_count(clean_engine) == 0


def test_a_first_load_keeps_no_version_of_a_row_refused_after_reading(clean_engine: Engine, vault: Vault,
                                                                      tmp_path: Path) -> None:
    juki = [person(1), person(2), person(2, given_name="別人"), person(3, sex="x"), person(4)]
    taxes = [tax(1), tax(4, fiscal_year="2024"), tax(9)]

    report = import_set(clean_engine, write_set(tmp_path / "set", {"juki.csv": juki, "tax.csv": taxes}),
                        vault=vault)

    with Session(clean_engine) as session:
        assert sorted(session.scalars(select(JukiRecord.atena_number))) == [atena(1), atena(4)]
        assert sorted(session.scalars(select(TaxRecord.atena_number))) == [atena(1), atena(4)]
        refused = session.execute(select(QuarantinedRow.file, QuarantinedRow.line)
                                  .order_by(QuarantinedRow.file, QuarantinedRow.line)).all()
    assert refused == [("juki.csv", 3), ("juki.csv", 4), ("juki.csv", 5), ("tax.csv", 4)]
    counts = {name: (c.read, c.imported, c.quarantined) for name, c in report.files.items() if c.present}
    assert counts == {"juki.csv": (5, 2, 3), "tax.csv": (3, 2, 1)}


def record_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(JukiRecord)).scalar_one()
