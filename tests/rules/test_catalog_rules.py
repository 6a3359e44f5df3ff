"""Every rule of the shipped catalog compiles both ways."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from madoguchi.rules.compiler import check_rule, compile_rule
from madoguchi.rules.screen import screen_query

from .shipped import Entry, entries, income_tables, other_rules

ON = date(2025, 4, 1)
ENTRIES = entries()


def test_the_shipped_catalog_has_rules() -> None:
    assert len(ENTRIES) >= 40
    assert {e.event for e in ENTRIES} >= {"birth", "death", "move-in", "move-out", "job-loss"}


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: f"{e.event}:{e.what}:{e.subjects}")
def test_a_shipped_rule_compiles_to_python_and_to_sql(entry: Entry) -> None:
    tables = income_tables()
    assert check_rule(entry.rule, tables=set(tables)) == []
    assert callable(compile_rule(entry.rule).program)
    if not entry.screenable:
        return
    query = screen_query(entry.rule, event_date=ON, subjects_selector=entry.subjects, income_tables=tables)
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        assert "SELECT applicant.atena_number" in str(query.compile(dialect=dialect))


@pytest.mark.parametrize("rule", other_rules())
def test_a_shipped_form_or_evidence_condition_is_in_the_rule_language(rule: str) -> None:
    assert check_rule(rule, tables=set(income_tables())) == []
