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
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from madoguchi import clock
from madoguchi.db.engine import make_engine

POSTGRES_ADMIN_URL = os.environ.get("MADOGUCHI_BENCH_POSTGRES_URL",
                                    "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
"""The PostgreSQL server where benchmarks make their scratch databases (trust auth on localhost)."""


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
    folder = str(bench_dir())
    if folder not in sys.path:  # a benchmark may import the shared helpers of bench/_NAME.py
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location(f"madoguchi_bench_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # what dataclasses and pickling look a class's module up in
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


@contextmanager
def scratch_database(backend: str, name: str, folder: Path, *, admin_url: str | None = None) -> Iterator[Engine]:
    """An empty database for one run: ``folder/<name>.db`` (sqlite), or the PostgreSQL database ``name``.

    The PostgreSQL one is made on the server of ``admin_url`` (default
    ``POSTGRES_ADMIN_URL``) after dropping what a crashed run may have left,
    and dropped at the end, its connections closed by force. The engine is
    disposed of at the end either way.
    """
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,62}", name):
        raise ValueError(f"a scratch database's name is lower-case letters, digits and _: {name!r}")
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{folder / f'{name}.db'}")
        try:
            yield engine
        finally:
            engine.dispose()
        return
    if backend != "postgres":
        raise ValueError(f"no scratch database of kind {backend!r}: sqlite or postgres")
    admin = admin_url or POSTGRES_ADMIN_URL
    _postgres_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _postgres_admin(admin, f'CREATE DATABASE "{name}"')
    engine = make_engine(make_url(admin).set(database=name).render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        _postgres_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres_admin(admin_url: str, statement: str) -> None:
    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(statement))
    finally:
        admin.dispose()
