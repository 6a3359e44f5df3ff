"""A day's delta on a loaded hub: seconds to apply 10,000 changes to a city of 100,000.

Usage: madoguchi bench import_delta [--residents N] [--changes K] [--db URL] [--data DIR] [--backends LIST]

Generates a city of N residents (default 100,000) and a delta of K realistic
changes against it (default 10,000: births, deaths, moves, insurance changes),
imports the city into an empty hub on each backend (PostgreSQL in the scratch
database ``madoguchi_bench``, and a SQLite file), then times the delta's
import. The full import's time is given for comparison.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from madoguchi.benchmark import Report, load_benchmark
from madoguchi.db.engine import make_engine
from madoguchi.sources.importer import ImportReport, import_set
from madoguchi.sources.synthetic import generate_delta
from madoguchi.vault import Vault

full_import = load_benchmark("import_full")


def timed_import(url: str, folder: Path, vault: Vault) -> tuple[float, ImportReport]:
    engine = make_engine(url)
    started = time.perf_counter()
    report = import_set(engine, folder, vault=vault)
    seconds = time.perf_counter() - started
    engine.dispose()
    return seconds, report


def run(args: list[str]) -> Report:
    parser = argparse.ArgumentParser(prog="madoguchi bench import_delta")
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--db", default=full_import.POSTGRES_URL, help="PostgreSQL URL of a scratch database")
    parser.add_argument("--data", type=Path, help="keep the generated sets here")
    parser.add_argument("--backends", default="postgres,sqlite")
    options = parser.parse_args(args)

    report = Report("Delta import")
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as scratch:
        data = options.data or Path(scratch)
        data.mkdir(parents=True, exist_ok=True)
        city, _ = full_import.city(data, options.residents)
        delta = data / f"delta-{options.residents}-{options.changes}"
        if not (delta / "manifest.json").exists():
            generate_delta(city, delta, seed=1, changes=options.changes,
                           extracted_at=full_import.EXTRACTED_AT + timedelta(days=1))
        urls = {"postgres": options.db, "sqlite": f"sqlite:///{Path(scratch) / 'bench.db'}"}
        for backend in options.backends.split(","):
            url = urls[backend]
            full_import.empty_hub(url)
            vault = Vault.generate()
            full_seconds, _ = timed_import(url, city, vault)
            seconds, applied = timed_import(url, delta, vault)
            totals = applied.totals()
            report.add(f"{backend}: delta of {options.changes:,} changes on {options.residents:,} residents",
                       seconds, f"{backend}_delta_seconds", "s")
            report.add(f"{backend}: delta rows read / imported / ended / quarantined",
                       f"{totals['read']:,} / {totals['imported']:,} / {totals['ended']:,} / "
                       f"{totals['quarantined']:,}")
            report.figures[f"{backend}_delta_totals"] = totals
            report.add(f"{backend}: the full import before it", full_seconds, f"{backend}_full_seconds", "s")
    report.notes.append("The delta applies on a hub loaded with its full set, in one transaction, "
                        "in the calling process.")
    report.notes.append(f"1-minute load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after "
                        "(other work on the machine inflates the figures).")
    return report
