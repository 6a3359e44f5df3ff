"""Benchmarks: `madoguchi bench NAME` runs ``bench/NAME.py`` and records its figures.

A benchmark script defines ``run(args: list[str]) -> Report``. The runner prints
the report and replaces the script's section of ``bench/RESULTS.md`` with it,
stamped with the date and the machine it ran on. Tests never time anything;
speed and memory are measured here.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from madoguchi import clock


@dataclass
class Report:
    """What one benchmark measured: a figure table, notes, and the raw numbers for --json."""

    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    def add(self, label: str, value: Any, key: str | None = None, unit: str = "") -> None:
        shown = f"{value:,.2f}" if isinstance(value, float) else f"{value:,}" if isinstance(value, int) else str(value)
        self.rows.append((label, f"{shown} {unit}".strip()))
        if key is not None:
            self.figures[key] = value

    def markdown(self) -> str:
        lines = ["| figure | value |", "|---|---|", *(f"| {a} | {b} |" for a, b in self.rows)]
        return "\n".join(lines + ([""] + [f"* {n}" for n in self.notes] if self.notes else []))


def bench_dir() -> Path:
    """The project's bench/ folder (from a checkout; benchmarks are not installed)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "bench").is_dir() and (parent / "pyproject.toml").exists():
            return parent / "bench"
    return Path.cwd() / "bench"


def available() -> list[str]:
    return sorted(p.stem for p in bench_dir().glob("*.py") if not p.stem.startswith("_"))


def load_benchmark(name: str) -> Any:
    path = bench_dir() / f"{name}.py"
    if not re.fullmatch(r"[a-z0-9_]+", name) or not path.exists():
        raise LookupError(f"no benchmark {name!r}; available: {', '.join(available()) or 'none'}")
    spec = importlib.util.spec_from_file_location(f"madoguchi_bench_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def record(name: str, report: Report, results: Path | None = None) -> Path:
    """Write the report as the ``name`` section of RESULTS.md, keeping the other sections."""
    path = results or bench_dir() / "RESULTS.md"
    text = path.read_text() if path.exists() else "# Benchmark results\n\nWritten by `madoguchi bench NAME`; each section is replaced when its benchmark runs again.\n"
    section = (f"<!-- bench:{name} -->\n## {report.title} (`madoguchi bench {name}`)\n\n"
               f"Run {clock.now():%Y-%m-%d %H:%M} JST on {machine()}.\n\n{report.markdown()}\n<!-- /bench:{name} -->")
    pattern = re.compile(rf"<!-- bench:{name} -->.*?<!-- /bench:{name} -->", re.S)
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text)
    return path


def report_json(name: str, report: Report) -> str:
    return json.dumps({"benchmark": name, "title": report.title, "machine": machine(),
                       "figures": report.figures}, ensure_ascii=False, indent=2, default=str)
