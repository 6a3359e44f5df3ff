"""Synthetic city generation: residents per second, and peak memory that does not grow with the city.

Usage: madoguchi bench city_generate [--residents N] [--memory-sizes A,B] [--workers W]

Writes a full export set of N residents (default 200,000) to a scratch folder
and times it. Then generates a city of each memory size (default 100,000 and
400,000) in a fresh process and reads its peak resident set size
(``resource.getrusage``): the generating process and, separately, the largest
worker process. Streaming generation keeps both flat as the city grows.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from madoguchi.benchmark import Report
from madoguchi.sources.synthetic import generate_city

EXTRACTED_AT = datetime.fromisoformat("2025-06-15T00:00:00+09:00")

_MEASURE = """
import json, resource, sys, tempfile
from datetime import datetime
from pathlib import Path
from madoguchi.sources.synthetic import generate_city
with tempfile.TemporaryDirectory() as scratch:
    generate_city(Path(scratch) / "city", residents=int(sys.argv[1]), seed=1, workers=int(sys.argv[2]) or None,
                  extracted_at=datetime.fromisoformat(sys.argv[3]))
print(json.dumps({"self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "workers": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def _peak_rss_mib(residents: int, workers: int) -> tuple[float, float]:
    """(generating process, largest worker) peak RSS in MiB, measured in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(residents), str(workers), EXTRACTED_AT.isoformat()],
                          check=True, capture_output=True, text=True)
    peaks = json.loads(done.stdout.strip().splitlines()[-1])
    return peaks["self"] / 1024, peaks["workers"] / 1024  # ru_maxrss is in KiB on Linux


def run(args: list[str]) -> Report:
    parser = argparse.ArgumentParser(prog="madoguchi bench city_generate")
    parser.add_argument("--residents", type=int, default=200_000)
    parser.add_argument("--memory-sizes", default="100000,400000")
    parser.add_argument("--workers", type=int, default=0, help="0: one per CPU")
    options = parser.parse_args(args)
    workers = options.workers or None

    report = Report("Synthetic city generation")
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "city"
        started = time.perf_counter()
        summary = generate_city(out, residents=options.residents, seed=1, workers=workers, extracted_at=EXTRACTED_AT)
        seconds = time.perf_counter() - started
        size = sum(path.stat().st_size for path in out.iterdir())
    report.add("residents", summary.residents, key="residents")
    report.add("households", summary.households, key="households")
    report.add("rows written (all files)", sum(summary.files.values()), key="rows")
    report.add("bytes written", size, key="bytes")
    report.add("seconds", round(seconds, 2), key="seconds", unit="s")
    report.add("residents per second", round(summary.residents / seconds), key="residents_per_second", unit="/s")
    report.add("worker processes", workers or os.cpu_count() or 1, key="workers")

    peaks = {}
    for residents in (int(n) for n in options.memory_sizes.split(",")):
        own, worker = _peak_rss_mib(residents, options.workers)
        peaks[residents] = {"process_mib": round(own, 1), "largest_worker_mib": round(worker, 1)}
        report.add(f"peak RSS at {residents:,} residents: process / largest worker",
                   f"{own:,.0f} MiB / {worker:,.0f} MiB")
    report.figures["peak_rss"] = peaks
    report.notes.append("Each memory size runs in a fresh interpreter; ru_maxrss of the process and of its "
                        "largest child (a worker making blocks of 20,000 residents).")
    report.notes.append(f"Benchmark process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB.")
    return report
