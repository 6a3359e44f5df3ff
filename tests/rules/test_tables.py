from __future__ import annotations

import pytest

from madoguchi.rules.tables import IncomeTable, income_tables_from_catalog

from .shipped import income_tables


def test_a_number_of_dependents_beyond_the_last_row_adds_each_additional() -> None:
    table = IncomeTable(((0, 2_080_000), (1, 2_460_000)), 380_000)
    assert [table.value(n) for n in range(4)] == [2_080_000, 2_460_000, 2_840_000, 3_220_000]


def test_a_gap_or_a_number_below_the_first_row_takes_the_row_below_or_the_first() -> None:
    table = IncomeTable(((1, 100), (3, 300)))
    assert [table.value(n) for n in range(5)] == [100, 100, 100, 300, 300]


def test_tables_keyed_by_name_are_not_income_tables() -> None:
    tables = income_tables_from_catalog([
        {"id": "limit", "key": "dependents", "values": {"0": 10, "1": 20}, "each_additional": 5},
        {"id": "amounts", "key": "name", "values": {"first-child": 15000}}])
    assert tables == {"limit": IncomeTable(((0, 10), (1, 20)), 5)}


def test_an_empty_or_unordered_table_is_refused() -> None:
    with pytest.raises(ValueError):
        IncomeTable(())
    with pytest.raises(ValueError):
        IncomeTable(((1, 10), (1, 20)))


def test_the_shipped_single_parent_limits_are_read() -> None:
    partial = income_tables()["single-parent-partial"]
    assert partial.value(0) < partial.value(1) < partial.value(9)
