"""The catalog's tables keyed by a number of dependents, as ``income_limit`` reads them.

A table (``tables.yaml``) gives a value for some numbers of dependents and,
optionally, what each dependent beyond its last row adds (児童扶養手当's 所得制限
限度額 grows by a fixed sum per further dependent). The figures change with the
law, so they are data; this module only says how a number of dependents picks
a value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class IncomeTable:
    rows: tuple[tuple[int, int], ...]
    """(dependents, value), dependents ascending; at least one row."""
    each_additional: int = 0

    def __post_init__(self) -> None:
        if not self.rows:
            raise ValueError("an income table needs at least one row")
        keys = [k for k, _ in self.rows]
        if keys != sorted(set(keys)):
            raise ValueError("an income table's rows must have distinct dependents, ascending")

    @classmethod
    def from_catalog(cls, table: Mapping[str, Any]) -> IncomeTable:
        """From a ``tables.yaml`` entry keyed by dependents (``values`` keys are digit strings)."""
        rows = sorted((int(k), int(v)) for k, v in table["values"].items())
        return cls(tuple(rows), int(table.get("each_additional", 0)))

    def value(self, dependents: int) -> int:
        """The row of the greatest number ≤ ``dependents`` (the first row below it), plus
        ``each_additional`` per dependent beyond the last row."""
        last_key, last_value = self.rows[-1]
        if dependents >= last_key:
            return last_value + (dependents - last_key) * self.each_additional
        chosen = self.rows[0][1]
        for key, value in self.rows:
            if key <= dependents:
                chosen = value
        return chosen


def income_tables_from_catalog(tables: Iterable[Mapping[str, Any]]) -> dict[str, IncomeTable]:
    """The catalog's tables keyed by dependents, by id (tables keyed by name are left out)."""
    return {t["id"]: IncomeTable.from_catalog(t) for t in tables if t.get("key") == "dependents"}
