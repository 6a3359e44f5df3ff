"""The benchmark runner's helpers: scratch databases and loading a benchmark with its shared helpers."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from conftest import DB_TAG, IN_CI, POSTGRES_ADMIN_URL
from madoguchi import benchmark
from madoguchi.benchmark import scratch_database
from madoguchi.db.engine import make_engine


def test_a_scratch_sqlite_database_is_a_file_in_the_folder(tmp_path: Path) -> None:
    with scratch_database("sqlite", "madoguchi_scratch", tmp_path) as engine:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (n INTEGER)"))
            connection.execute(text("INSERT INTO t VALUES (1)"))
        assert (tmp_path / "madoguchi_scratch.db").exists()


def _databases(name: str) -> list[str]:
    admin = make_engine(POSTGRES_ADMIN_URL)
    try:
        with admin.connect() as connection:
            return list(connection.execute(text("SELECT datname FROM pg_database WHERE datname = :n"),
                                           {"n": name}).scalars())
    finally:
        admin.dispose()


@pytest.mark.postgres
def test_a_scratch_postgres_database_is_made_empty_and_dropped_at_the_end(tmp_path: Path) -> None:
    name = f"madoguchi_test{DB_TAG}_scratch_{os.getpid()}"
    try:
        _databases(name)
    except OperationalError as exc:
        if IN_CI:
            pytest.fail(f"PostgreSQL is not reachable (CI=true requires it): {exc.__class__.__name__}")
        pytest.skip(f"PostgreSQL is not reachable: {exc.__class__.__name__}")
    with scratch_database("postgres", name, tmp_path, admin_url=POSTGRES_ADMIN_URL) as engine:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE left_over (n INTEGER)"))
        held = engine.connect()  # a connection still open at the end does not keep the database alive
    assert _databases(name) == []
    held.invalidate()
    with scratch_database("postgres", name, tmp_path, admin_url=POSTGRES_ADMIN_URL) as engine, \
            engine.connect() as connection:
        assert connection.execute(text("SELECT to_regclass('left_over')")).scalar() is None
    assert _databases(name) == []


@pytest.mark.parametrize("name", ['x"; DROP DATABASE postgres; --', "Upper", ""])
def test_a_scratch_database_name_is_only_lower_case_letters_digits_and_underscores(
        tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="scratch database"), scratch_database("sqlite", name, tmp_path):
        pass


def test_a_benchmark_may_use_dataclasses_and_import_the_shared_helpers_beside_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "_shared.py").write_text("ANSWER = 42\n")
    (tmp_path / "probe.py").write_text(
        "from __future__ import annotations\n"
        "from dataclasses import dataclass\n"
        "from _shared import ANSWER\n\n"
        "@dataclass\nclass Figure:\n    value: int\n\n"
        "def run(args: list[str]) -> Figure:\n    return Figure(ANSWER)\n")
    monkeypatch.setattr(benchmark, "bench_dir", lambda: tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    try:
        module = benchmark.load_benchmark("probe")
        assert module.run([]).value == 42
        assert benchmark.available() == ["probe"]
    finally:
        sys.modules.pop("_shared", None)
        sys.modules.pop("madoguchi_bench_probe", None)
