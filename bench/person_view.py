"""A purpose-bound person view, in process: the read and its access-log append, one transaction each.

Usage: madoguchi bench person_view [--residents N] [--reads R] [--backends sqlite,postgres]

Builds a scratch hub of N residents (households of one to four, with NHI,
tax, child-allowance and sealed My Numbers) on each database, then times R
views of random residents for two purposes: a procedure reading 7 items from
3 systems (My Number opened), and a resident's ``self-view`` of everything,
household members included. Each view is its own transaction, committed.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from madoguchi.actor import Actor
from madoguchi.benchmark import Report
from madoguchi.db.engine import make_engine, transaction
from madoguchi.db.migrate import upgrade
from madoguchi.identifiers import REFERENCE_SCHEME, my_number_check_digit
from madoguchi.registry.items import MY_NUMBER_CONTEXT
from madoguchi.registry.models import ImportRun, JukiRecord, NhiRecord, SystemSnapshot, TaxRecord
from madoguchi.registry.purpose import (
    ProcedureAccess,
    ProcedureList,
    PurposeRegistry,
    load_purposes,
)
from madoguchi.registry.service import view_person
from madoguchi.vault import Vault

POSTGRES_ADMIN = os.environ.get("MADOGUCHI_BENCH_POSTGRES_URL",
                                "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PREFILL = ProcedureAccess(
    id="bench-prefill", name_ja="ベンチマーク", name_en="Benchmark", department="保険年金課",
    items=frozenset({"family_name", "given_name", "birth_date", "address", "nhi", "tax", "my_number"}),
    my_number_basis="番号法第9条第1項 別表")
EXPORTED = date(2025, 4, 1)


def run(args: list[str]) -> Report:
    parser = argparse.ArgumentParser(prog="madoguchi bench person_view")
    parser.add_argument("--residents", type=int, default=3000)
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--backends", default="sqlite,postgres")
    options = parser.parse_args(args)
    report = Report("Purpose-bound person view with its access-log append")
    report.notes.append(f"{options.residents:,} residents; {options.reads:,} views per purpose, "
                        "each its own committed transaction, after 100 warm-up views")
    purposes = load_purposes(None, ProcedureList((PREFILL,)))
    vault = Vault.generate()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        for backend in options.backends.split(","):
            engine = _scratch_engine(backend, Path(folder))
            try:
                upgrade(engine)
                atena_numbers = _populate(engine, vault, options.residents)
                _measure(report, backend, engine, purposes, vault, atena_numbers, options.reads)
            finally:
                engine.dispose()
                _drop(backend)
    report.notes.append("CPU: the benchmark process's own time (Python, SQLite in process; not the "
                        "PostgreSQL server's): waiting for the machine does not count, though sharing its cores "
                        "still slows the work")
    report.notes.append(f"1-minute load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after "
                        "(other work on the machine inflates the wall figures)")
    return report


def _scratch_engine(backend: str, folder: Path) -> Engine:
    if backend == "sqlite":
        return make_engine(f"sqlite:///{folder / 'bench.db'}")
    _drop(backend)
    admin = make_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('CREATE DATABASE "madoguchi_bench_person_view"'))
    admin.dispose()
    return make_engine(make_url(POSTGRES_ADMIN).set(database="madoguchi_bench_person_view")
                       .render_as_string(hide_password=False))


def _drop(backend: str) -> None:
    if backend != "postgres":
        return
    admin = make_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('DROP DATABASE IF EXISTS "madoguchi_bench_person_view"'))
    admin.dispose()


def _populate(engine: Engine, vault: Vault, residents: int) -> list[str]:
    """Insert the residents as an import would; returns their 宛名番号."""
    rng = random.Random(20250401)
    numbers = (n for n in (REFERENCE_SCHEME.issue(s) for s in range(1, 10 * residents)) if n is not None)
    moment = datetime(2025, 4, 1, 9, tzinfo=UTC)
    juki: list[dict[str, Any]] = []
    nhi: list[dict[str, Any]] = []
    tax: list[dict[str, Any]] = []
    with transaction(engine) as session:
        run_row = ImportRun(kind="full", municipality_code="131041", municipality_name="新宿区",
                            extracted_at=moment, started_at=moment, summary={})
        session.add(run_row)
        session.flush()
        common = {"valid_from": EXPORTED, "import_id": run_row.id, "row_hash": "0" * 64}
        while len(juki) < residents:
            household = next(numbers)
            for position in range(rng.randint(1, 4)):
                atena = next(numbers)
                serial = str(len(juki)).zfill(11)
                juki.append({**common, **_resident(rng, atena, household, position),
                             "my_number_sealed": vault.seal(serial + str(my_number_check_digit(serial)),
                                                            MY_NUMBER_CONTEXT)})
                if rng.random() < 0.5:
                    nhi.append({**common, "atena_number": atena, "insured_symbol": "01",
                                "insured_number": str(len(nhi)), "acquired_on": date(2020, 4, 1)})
                for year in (2024, 2025):
                    tax.append({**common, "atena_number": atena, "fiscal_year": year,
                                "total_income": rng.randint(0, 8_000_000), "income_kind": "salary",
                                "taxed": True, "dependents": rng.randint(0, 3)})
        for model, rows in ((JukiRecord, juki), (NhiRecord, nhi), (TaxRecord, tax)):
            session.execute(insert(model), rows)
        for system in ("juki", "nhi", "tax"):
            session.add(SystemSnapshot(system=system, extracted_at=moment, import_id=run_row.id))
    return [row["atena_number"] for row in juki]


def _resident(rng: random.Random, atena: str, household: str, position: int) -> dict[str, Any]:
    return {
        "atena_number": atena, "household_number": household,
        "relationship": ("世帯主", "妻", "子", "子")[position],
        "family_name": "山田", "given_name": "花子", "family_name_kana": "ヤマダ", "given_name_kana": "ハナコ",
        "birth_date": date(1950 + rng.randint(0, 70), rng.randint(1, 12), rng.randint(1, 28)),
        "sex": rng.choice("12"), "resident_kind": "1", "status": "1", "postal_code": "1600022",
        "prefecture": "東京都", "city": "新宿区", "town": "西新宿", "block": f"{rng.randint(1, 9)}-1-1",
        "support_measure": False,
    }


def _measure(report: Report, backend: str, engine: Engine, purposes: PurposeRegistry, vault: Vault,
             atena_numbers: list[str], reads: int) -> None:
    rng = random.Random(7)
    sessions = sessionmaker(engine)  # as the web app's per-request session: one maker, reused
    scenarios: dict[str, Callable[[str], tuple[Actor, str]]] = {
        "procedure (7 items, 3 systems)": lambda atena: (Actor.system("bench", "保険年金課"),
                                                         "procedure:bench-prefill"),
        "self-view (all items, household)": lambda atena: (Actor.resident(atena), "self-view"),
    }
    for label, who in scenarios.items():
        wall: list[float] = []
        cpu: list[float] = []
        for i in range(100 + reads):
            atena = rng.choice(atena_numbers)
            actor, purpose = who(atena)
            started, used = time.perf_counter(), time.process_time()
            with sessions() as session, session.begin():
                view_person(session, actor=actor, atena_number=atena, purpose=purpose,
                            purposes=purposes, vault=vault)
            if i >= 100:
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - used) * 1000)
        key = f"{backend}_{label.split()[0]}"
        for measure, timings in (("", wall), (" (this process's CPU)", cpu)):
            cuts = statistics.quantiles(timings, n=100)
            suffix = "_cpu" if measure else ""
            report.add(f"{backend}: {label}{measure} p50", cuts[49], key=f"{key}{suffix}_p50_ms", unit="ms")
            report.add(f"{backend}: {label}{measure} p95", cuts[94], key=f"{key}{suffix}_p95_ms", unit="ms")
