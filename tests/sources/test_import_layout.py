"""The import's layout agrees with the hub's tables and with the synthetic city's export files."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect

from madoguchi.registry.models import SYSTEM_TABLES
from madoguchi.sources.importer import import_set
from madoguchi.sources.layout import LAYOUTS
from madoguchi.sources.synthetic import layout as synthetic_layout
from madoguchi.vault import Vault

from .export_sets import person, write_set

VERSIONING = {"id", "valid_from", "valid_to", "end_reason", "import_id", "row_hash"}


def test_every_layout_fills_exactly_its_record_tables_columns() -> None:
    for layout in LAYOUTS.values():
        table = SYSTEM_TABLES[layout.system].__table__
        assert set(layout.outputs) == {c.name for c in table.columns} - VERSIONING, layout.file


def test_layout_columns_are_the_ones_the_synthetic_city_writes() -> None:
    assert {file: tuple(c.name for c in layout.columns) for file, layout in LAYOUTS.items()} == \
        synthetic_layout.COLUMNS


def test_first_load_leaves_every_index_in_place(clean_engine: Engine, vault: Vault, tmp_path: Path) -> None:
    def indexes() -> dict[str, list[str]]:
        inspector = inspect(clean_engine)
        return {name: sorted(i["name"] or "" for i in inspector.get_indexes(name))
                for name in ("juki_records", "tax_records")}

    before = indexes()
    import_set(clean_engine, write_set(tmp_path / "set", {"juki.csv": [person(1)]}), vault=vault)

    assert indexes() == before and "uq_juki_records_current" in before["juki_records"]
