"""Shared fixtures: every database-facing test runs on a real SQLite file and a real PostgreSQL.

* ``engine`` — a migrated database of each kind (migrations run once per test session,
  so they are tested too);
* ``session`` — a session inside an outer transaction that is rolled back after the test;
* ``clean_engine`` — an emptied, migrated database for tests that must commit (imports,
  concurrent workers); its tables are truncated before the test.

PostgreSQL is taken from ``MADOGUCHI_TEST_POSTGRES_URL`` (default: trust auth on
127.0.0.1:5432). Without a server the PostgreSQL variants skip, saying why — unless
``CI=true``, where they fail: CI must run them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.db.base import Base
from madoguchi.db.engine import make_engine
from madoguchi.db.migrate import upgrade
from madoguchi.vault import Vault

POSTGRES_ADMIN_URL = os.environ.get(
    "MADOGUCHI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() == "true"
DB_TAG = os.environ.get("MADOGUCHI_TEST_DB_TAG", "")
"""Sets apart the test databases of two suites run at once on one server."""

BACKENDS = [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgres", id="postgres", marks=pytest.mark.postgres)]


def _postgres_url(worker: str, suffix: str) -> str:
    """Create (once) a database of this xdist worker's own and return its URL."""
    admin = make_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"madoguchi_test{DB_TAG}_{worker}_{suffix}"
    try:
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            if exists is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # the server is absent or refuses us
        message = f"PostgreSQL is not reachable at {make_url(POSTGRES_ADMIN_URL).render_as_string()}: {exc.__class__.__name__}"
        if IN_CI:
            pytest.fail(message + " (CI=true requires the PostgreSQL tests)")
        pytest.skip(message)
    finally:
        admin.dispose()
    return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _fresh_database(kind: str, worker: str, suffix: str, tmp_dir: Path) -> Engine:
    if kind == "sqlite":
        path = tmp_dir / f"{suffix}.db"
        engine = make_engine(f"sqlite:///{path}")
    else:
        engine = make_engine(_postgres_url(worker, suffix))
        with engine.begin() as conn:  # start from nothing: the migrations are under test
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    return engine


@pytest.fixture(scope="session")
def worker_id_safe(request: pytest.FixtureRequest) -> str:
    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    return str(worker)


@pytest.fixture(scope="session", params=BACKENDS)
def engine(request: pytest.FixtureRequest, worker_id_safe: str,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    kind = request.param
    eng = _fresh_database(kind, worker_id_safe, "tx", tmp_path_factory.mktemp(f"db-{kind}"))
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose work is rolled back after the test, commits included."""
    connection = engine.connect()
    outer = connection.begin()
    db = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield db
    finally:
        db.close()
        outer.rollback()
        connection.close()


@pytest.fixture(scope="session", params=BACKENDS)
def _committing_engine(request: pytest.FixtureRequest, worker_id_safe: str,
                       tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    kind = request.param
    eng = _fresh_database(kind, worker_id_safe, "commit", tmp_path_factory.mktemp(f"cdb-{kind}"))
    yield eng
    eng.dispose()


@pytest.fixture
def clean_engine(_committing_engine: Engine) -> Engine:
    """A migrated database with every table emptied, for tests whose work must commit."""
    tables = [t for t in reversed(Base.metadata.sorted_tables)]
    with _committing_engine.begin() as conn:
        if _committing_engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
    return _committing_engine


@pytest.fixture
def vault() -> Vault:
    return Vault.generate()


@pytest.fixture(autouse=True)
def _unfrozen_clock() -> Iterator[None]:
    yield
    clock.freeze(None)
