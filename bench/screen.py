"""Population screening in SQL against evaluating the same rules one resident at a time in Python.

Usage: madoguchi bench screen [--residents N] [--sample S] [--rebuild] [--plans P]

Generates a synthetic city of N residents (default 1,000,000) and imports it
into a PostgreSQL database of its own (kept between runs: a later run with the
same N reuses it; ``--rebuild`` makes it again). Then, on the import date:

* **SQL**: `screen` for every (event, procedure) rule of the shipped catalog
  that can be screened (all but move-in), with representative answers;
* **Python**: for a random sample of S residents (default 10,000), what the
  navigator would do one resident at a time — read the household's rows
  (one query per system), build its facts, and decide every rule as the
  screening does (`screen_household`) — timed in two parts and scaled to N;
* **birth plan**: evaluating the birth event's rules for every subject of a
  household, p50/p95 over P households (the navigator's share of a plan).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from sqlalchemy import Engine, func, or_, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from madoguchi.benchmark import Report
from madoguchi.db.engine import make_engine
from madoguchi.db.migrate import upgrade
from madoguchi.registry.models import (
    ChildAllowanceRecord,
    JukiRecord,
    LateElderlyRecord,
    LtcRecord,
    NhiRecord,
    PensionRecord,
    TaxRecord,
)
from madoguchi.rules import (
    HouseholdFacts,
    NeedsAnswers,
    build_household,
    evaluate,
    income_tables_from_catalog,
    screen,
    screen_household,
    select_subjects,
)
from madoguchi.rules.tables import IncomeTable
from madoguchi.sources.importer import import_set
from madoguchi.sources.synthetic import generate_city
from madoguchi.vault import Vault

POSTGRES_ADMIN = os.environ.get("MADOGUCHI_BENCH_POSTGRES_URL",
                                "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DATABASE = "madoguchi_bench_screen"
EXTRACTED_AT = datetime.fromisoformat("2025-06-15T00:00:00+09:00")
EVENT_DATE = EXTRACTED_AT.date()
CATALOG = Path(__file__).resolve().parents[1] / "catalog"
ANSWERS: dict[str, dict[str, Any]] = {
    "birth": {"claimant_public_servant": False, "lump_sum_direct_payment": "partial", "single_parent": True},
    "death": {"funeral_held": True, "survivor_public_servant": False, "deceased_received_pension": False},
    "divorce": {"divorce_kind": "agreement", "children_stay_with_applicant": True},
    "marriage": {"living_together": True, "joins_spouse_employer_plan": ""},
    "move-within": {"school_district_changes": True},
    "care-need": {"specified_disease": True},
}
"""Representative answers; the questions naming persons stay unanswered, so they range over each household."""
SYSTEMS = {"nhi": NhiRecord, "late_elderly": LateElderlyRecord, "ltc": LtcRecord, "pension": PensionRecord,
           "tax": TaxRecord}


class Case(NamedTuple):
    event: str
    procedure: str
    subjects: str
    rule: str

    @property
    def answers(self) -> dict[str, Any]:
        return ANSWERS.get(self.event, {})


def run(args: list[str]) -> Report:
    parser = argparse.ArgumentParser(prog="madoguchi bench screen")
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=10_000)
    parser.add_argument("--plans", type=int, default=2_000)
    parser.add_argument("--rebuild", action="store_true")
    options = parser.parse_args(args)

    report = Report("Population screening: SQL against Python one resident at a time")
    engine = _city(options.residents, rebuild=options.rebuild, report=report)
    cases, tables = _cases()
    with Session(engine) as session:
        residents = session.scalar(select(func.count()).select_from(JukiRecord).where(
            JukiRecord.valid_to.is_(None), JukiRecord.status == "1")) or 0
        sql_seconds, counts = _time_sql(session, cases, tables)
        sample = _sample(session, options.sample)
        load_seconds, eval_seconds = _time_python(session, sample, cases, tables)
        plan_p50, plan_p95, evaluation_us = _time_birth_plans(session, sample[:options.plans], cases, tables)
    engine.dispose()

    scale = residents / len(sample)
    python_total = (load_seconds + eval_seconds) * scale
    report.add("residents (status 1)", residents, key="residents")
    report.add("rules screened (event, procedure)", len(cases), key="rules")
    report.add("SQL: all rules, total", round(sum(sql_seconds.values()), 2), key="sql_seconds", unit="s")
    slowest = max(sql_seconds, key=lambda k: sql_seconds[k])
    report.add(f"SQL: slowest rule ({slowest})", round(sql_seconds[slowest], 2), unit="s")
    report.add("SQL: residents screened in, all rules", sum(counts.values()), key="screened_in")
    report.add(f"Python: sample of {len(sample):,}, reading households", round(load_seconds, 2),
               key="python_load_seconds", unit="s")
    report.add(f"Python: sample of {len(sample):,}, deciding every rule", round(eval_seconds, 2),
               key="python_eval_seconds", unit="s")
    report.add(f"Python scaled to {residents:,} residents", round(python_total, 1),
               key="python_scaled_seconds", unit="s")
    report.add("speed-up of SQL over Python (reading + deciding)",
               round(python_total / sum(sql_seconds.values()), 1), key="speedup", unit="×")
    report.add("speed-up of SQL over Python (deciding only)",
               round(eval_seconds * scale / sum(sql_seconds.values()), 1), key="speedup_eval_only", unit="×")
    report.add("birth plan (every birth rule for each subject) p50", round(plan_p50, 3),
               key="birth_plan_p50_ms", unit="ms")
    report.add("birth plan p95", round(plan_p95, 3), key="birth_plan_p95_ms", unit="ms")
    report.add("one evaluation of a rule, mean", round(evaluation_us, 1), key="evaluation_us", unit="µs")
    report.figures["sql_seconds_by_rule"] = {k: round(v, 3) for k, v in sql_seconds.items()}
    report.figures["screened_in_by_rule"] = counts
    report.notes.append(f"PostgreSQL; event date {EVENT_DATE}; answers per event: {ANSWERS}; questions "
                        "naming persons unanswered (they range over each household)")
    report.notes.append("Python reads each sampled resident's household as the navigator would: one query per "
                        "system; the SQL side is one statement per rule")
    load = os.getloadavg()[0]
    report.notes.append(f"1-minute load average at the end: {load:.2f} (other work on the machine inflates "
                        "the figures)")
    return report


def _cases() -> tuple[list[Case], dict[str, IncomeTable]]:
    cases = []
    for path in sorted(CATALOG.glob("events/*.yaml")):
        event = yaml.safe_load(path.read_text(encoding="utf-8"))
        if event["id"] == "move-in":
            continue  # its people are not in the hub
        for entry in event["procedures"]:
            cases.append(Case(event["id"], entry["procedure"], entry["subjects"], entry["applies_when"]))
    tables = yaml.safe_load((CATALOG / "tables.yaml").read_text(encoding="utf-8"))["tables"]
    return cases, income_tables_from_catalog(tables)


def _city(residents: int, *, rebuild: bool, report: Report) -> Engine:
    """The benchmark's database holding a city of ``residents``, made unless it is there already."""
    admin = make_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    url = make_url(POSTGRES_ADMIN).set(database=f"{DATABASE}_{residents}")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database})
        if exists and rebuild:
            conn.execute(text(f'DROP DATABASE "{url.database}"'))
        if not exists or rebuild:
            conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    engine: Engine = make_engine(url.render_as_string(hide_password=False))
    with engine.connect() as conn:
        made = conn.scalar(text("SELECT to_regclass('juki_records') IS NOT NULL")) and conn.scalar(
            text("SELECT EXISTS (SELECT 1 FROM juki_records)"))
    upgrade(engine)  # a city made before a migration gets its indexes too
    if made:
        report.notes.append(f"reused the city in database {url.database}")
        return engine
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        generate_city(Path(scratch) / "city", residents=residents, seed=1, extracted_at=EXTRACTED_AT)
        generated = time.perf_counter()
        import_set(engine, Path(scratch) / "city", vault=Vault.generate())
        imported = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (ANALYZE)"))  # now, not when autovacuum comes: index-only scans need it
    report.notes.append(f"made the city: generated in {generated - started:.0f} s, imported in "
                        f"{imported - generated:.0f} s")
    return engine


def _time_sql(session: Session, cases: list[Case],
              tables: dict[str, IncomeTable]) -> tuple[dict[str, float], dict[str, int]]:
    seconds: dict[str, float] = {}
    counts: dict[str, int] = {}
    for case in cases:
        key = f"{case.event}/{case.procedure}/{case.subjects}"
        started = time.perf_counter()
        found = screen(session, case.rule, event_date=EVENT_DATE, answers=case.answers,
                       subjects_selector=case.subjects, income_tables=tables)
        seconds[key] = seconds.get(key, 0.0) + time.perf_counter() - started
        counts[key] = counts.get(key, 0) + len(found)
    return seconds, counts


def _sample(session: Session, size: int) -> list[str]:
    everyone = list(session.scalars(select(JukiRecord.atena_number).where(
        JukiRecord.valid_to.is_(None), JukiRecord.status == "1").order_by(JukiRecord.atena_number)))
    return random.Random(20250615).sample(everyone, min(size, len(everyone)))


def household_of(session: Session, atena: str) -> HouseholdFacts:
    """The resident's household read the way the navigator reads one: a query per system."""
    juki = JukiRecord.__table__
    number = session.scalar(select(juki.c.household_number).where(
        juki.c.atena_number == atena, juki.c.valid_to.is_(None)))
    rows = session.execute(select(juki).where(juki.c.household_number == number,
                                              juki.c.valid_to.is_(None))).mappings().all()
    members = [r["atena_number"] for r in rows]
    records: dict[str, Any] = {}
    for name, model in SYSTEMS.items():
        table = model.__table__
        records[name] = session.execute(select(table).where(
            table.c.atena_number.in_(members), table.c.valid_to.is_(None))).mappings().all()
    allowances = ChildAllowanceRecord.__table__
    records["child_allowance"] = session.execute(select(allowances).where(
        or_(allowances.c.recipient_atena.in_(members), allowances.c.child_atena.in_(members)),
        allowances.c.valid_to.is_(None))).mappings().all()
    return build_household(atena, EVENT_DATE, juki=rows, **records)


def _time_python(session: Session, sample: list[str], cases: list[Case],
                 tables: dict[str, IncomeTable]) -> tuple[float, float]:
    """Seconds reading the sample's households, and seconds deciding every rule for them."""
    started = time.perf_counter()
    households = [household_of(session, atena) for atena in sample]
    loaded = time.perf_counter()
    for household in households:
        for case in cases:
            screen_household(case.rule, household, subjects_selector=case.subjects,
                             answers=case.answers, income_tables=tables)
    return loaded - started, time.perf_counter() - loaded


def _time_birth_plans(session: Session, sample: list[str], cases: list[Case],
                      tables: dict[str, IncomeTable]) -> tuple[float, float, float]:
    """p50 and p95 ms of evaluating every birth rule for each of its subjects in one household,
    and the mean µs of one evaluation."""
    births = [c for c in cases if c.event == "birth"]
    timings, evaluations = [], 0
    for atena in sample:
        household = household_of(session, atena)
        answers = {**ANSWERS["birth"], "claimant": atena, "mother": atena}
        started = time.perf_counter()
        for case in births:
            subjects = select_subjects(case.subjects, household, answers)
            for subject in [] if isinstance(subjects, NeedsAnswers) else subjects:
                evaluate(case.rule, household, subject=subject, answers=answers, income_tables=tables)
                evaluations += 1
        timings.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(timings, n=100)
    return cuts[49], cuts[94], sum(timings) * 1000 / evaluations
