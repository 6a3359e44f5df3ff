"""Full import of a synthetic city: rows per second, against PostgreSQL's bare COPY, and flat memory.

Usage: madoguchi bench import_full [--residents N] [--sqlite-residents M] [--db URL] [--data DIR]

Generates a city of N residents (default 1,000,000; all eight files) and
imports it into an empty hub on PostgreSQL (a scratch database of its own,
``madoguchi_bench``, created if missing; ``--db`` overrides it), in a fresh
process. In the same run it times PostgreSQL's own ``COPY`` of the same files
into bare text tables (no checks, no indexes, no history) and gives the ratio.
It then imports a city of N/4 residents the same way to compare peak resident
set sizes (the importing process and its largest worker): streaming keeps
them flat as the city grows. Last, a city of M residents (default 200,000)
into a SQLite file. ``--data DIR`` keeps the generated cities for another run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

from madoguchi.benchmark import Report
from madoguchi.db.engine import make_engine
from madoguchi.db.migrate import upgrade
from madoguchi.sources.layout import LAYOUTS
from madoguchi.sources.synthetic import generate_city

POSTGRES_URL = os.environ.get("MADOGUCHI_BENCH_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/madoguchi_bench")
EXTRACTED_AT = datetime.fromisoformat("2025-06-15T00:00:00+09:00")

_IMPORT = """
import json, os, resource, sys, threading, time
from pathlib import Path
from madoguchi.db.engine import make_engine
from madoguchi.sources.importer import import_set
from madoguchi.vault import Vault

def descendants():
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    found, frontier = set(), {os.getpid()}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found

def peak_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0

workers_peak, done = 0, threading.Event()
def watch():  # workers are the forkserver's children: getrusage does not see them
    global workers_peak
    while not done.wait(0.2):
        for pid in descendants():
            try:
                workers_peak = max(workers_peak, peak_kib(pid))
            except OSError:
                pass
threading.Thread(target=watch, daemon=True).start()
engine = make_engine(sys.argv[1])
started = time.perf_counter()
report = import_set(engine, Path(sys.argv[2]), vault=Vault.generate())
seconds = time.perf_counter() - started
done.set()
print(json.dumps({"seconds": seconds, "totals": report.totals(),
                  "self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "workers": workers_peak}))
"""


def city(data: Path, residents: int) -> tuple[Path, int]:
    """A generated city (kept in ``data``) and its number of rows."""
    folder = data / f"city-{residents}"
    if not (folder / "manifest.json").exists():
        generate_city(folder, residents=residents, seed=1, extracted_at=EXTRACTED_AT)
    rows = 0
    for name in LAYOUTS:
        with (folder / name).open("rb") as handle:
            rows += sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b"")) - 1
    return folder, rows


def empty_hub(url: str) -> None:
    """A freshly migrated, empty database (created on the server if missing)."""
    target = make_url(url)
    if target.get_backend_name() == "postgresql":
        admin = make_engine(target.set(database="postgres").render_as_string(False), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}).first() is None:
                conn.execute(text(f'CREATE DATABASE "{target.database}"'))
        admin.dispose()
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        engine = make_engine(url)
    upgrade(engine)
    engine.dispose()


def measured_import(url: str, folder: Path) -> dict[str, Any]:
    """Import in a fresh interpreter: its seconds, totals and peak RSS (KiB) of itself and its workers."""
    empty_hub(url)
    done = subprocess.run([sys.executable, "-c", _IMPORT, url, str(folder)], check=True,
                          capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def bare_copy_seconds(url: str, folder: Path) -> float:
    """PostgreSQL's own COPY of every file of the set into bare text tables (dropped afterwards)."""
    engine = make_engine(url)
    started = time.perf_counter()
    with engine.begin() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor:
            for name, layout in LAYOUTS.items():
                table = f"bare_{layout.system}"
                columns = ", ".join(f"{c.name} text" for c in layout.columns)
                cursor.execute(f"CREATE TABLE {table} ({columns})")
                with (folder / name).open("rb") as source, \
                        cursor.copy(f"COPY {table} FROM STDIN (FORMAT csv, HEADER)") as copy:
                    while block := source.read(1 << 20):
                        copy.write(block)
    seconds = time.perf_counter() - started
    with engine.begin() as conn:
        for layout in LAYOUTS.values():
            conn.execute(text(f"DROP TABLE bare_{layout.system}"))
    engine.dispose()
    return seconds


def run(args: list[str]) -> Report:
    parser = argparse.ArgumentParser(prog="madoguchi bench import_full")
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--sqlite-residents", type=int, default=200_000)
    parser.add_argument("--db", default=POSTGRES_URL, help="PostgreSQL URL of a scratch database")
    parser.add_argument("--data", type=Path, help="keep the generated cities here")
    options = parser.parse_args(args)

    report = Report("Full import")
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as scratch:
        data = options.data or Path(scratch)
        data.mkdir(parents=True, exist_ok=True)
        big, big_rows = city(data, options.residents)
        imported = measured_import(options.db, big)
        copy_seconds = bare_copy_seconds(options.db, big)
        small_residents = options.residents // 4
        small, _ = city(data, small_residents)
        small_import = measured_import(options.db, small)
        lite, lite_rows = city(data, options.sqlite_residents)
        lite_import = measured_import(f"sqlite:///{Path(scratch) / 'bench.db'}", lite)

    seconds = imported["seconds"]
    report.add("PostgreSQL: residents", options.residents, "residents")
    report.add("PostgreSQL: rows (8 files)", big_rows, "rows")
    report.add("PostgreSQL: import", seconds, "seconds", "s")
    report.add("PostgreSQL: import rate", big_rows / seconds, "rows_per_second", "rows/s")
    report.add("PostgreSQL: bare COPY of the same files", copy_seconds, "bare_copy_seconds", "s")
    report.add("PostgreSQL: import / bare COPY", seconds / copy_seconds, "ratio_to_copy", "×")
    report.add(f"peak RSS, importing process: {small_residents:,} / {options.residents:,} residents",
               f"{small_import['self'] / 1024:,.0f} / {imported['self'] / 1024:,.0f} MiB")
    report.add(f"peak RSS, largest worker: {small_residents:,} / {options.residents:,} residents",
               f"{small_import['workers'] / 1024:,.0f} / {imported['workers'] / 1024:,.0f} MiB")
    report.figures["peak_rss_mib"] = {
        str(small_residents): {"self": small_import["self"] / 1024, "workers": small_import["workers"] / 1024},
        str(options.residents): {"self": imported["self"] / 1024, "workers": imported["workers"] / 1024}}
    report.add("SQLite: residents", options.sqlite_residents, "sqlite_residents", "residents")
    report.add("SQLite: import", lite_import["seconds"], "sqlite_seconds", "s")
    report.add("SQLite: import rate", lite_rows / lite_import["seconds"], "sqlite_rows_per_second", "rows/s")
    quarantined = imported["totals"]["quarantined"] + lite_import["totals"]["quarantined"]
    report.notes.append(f"{quarantined:,} rows quarantined over both imports (the synthetic city is valid).")
    report.notes.append("Each import runs in a fresh process into an empty, migrated hub; the bare COPY "
                        "streams the CSV files into text tables without indexes, checks or history.")
    report.notes.append(f"1-minute load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after "
                        "(other work on the machine inflates the figures).")
    return report
