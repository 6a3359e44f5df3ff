"""Engines and sessions for the embedded SQLite file and for PostgreSQL."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

POOL_SIZE = 15
"""PostgreSQL connections an engine keeps, all kept once opened. SQLAlchemy's default pool keeps five
and opens up to ten more that it closes on their return: a web process with a few more requests under
way than five then opens and closes a connection for nearly every request, at several milliseconds of
CPU in the process and in the database. The cap is the default's (15)."""


def make_engine(url: str, **kwargs: Any) -> Engine:
    kwargs = {"json_serializer": json_text, "json_deserializer": orjson.loads, **kwargs}
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    return create_engine(url, **{"pool_pre_ping": True, "pool_size": POOL_SIZE, "max_overflow": 0, **kwargs})


def json_text(value: Any) -> str:
    """A JSON column's text, by orjson: a draft's tens of kilobytes cost the standard library's encoder
    (and decoder) several times more. Integer keys are written as strings, as the standard library writes
    them; dates and moments as ISO 8601 text (the standard library refuses them)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _begin_immediate(connection: Any) -> None:
    """Take SQLite's write lock when a transaction begins, not at its first write.

    Two transactions that read and then write would otherwise both start, and
    the second to write fails at once with "database is locked" (SQLite cannot
    wait there without risking a deadlock); beginning IMMEDIATE makes it wait
    its turn (``busy_timeout``) instead. Reads wait their turn too: one
    writer at a time is SQLite's nature, fine for the demo and a small town; a
    city runs PostgreSQL.
    """
    if connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # the driver's own BEGIN off: ``_begin_immediate`` emits it
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def is_postgres(engine_or_session: Engine | Session) -> bool:
    bind = engine_or_session.get_bind() if isinstance(engine_or_session, Session) else engine_or_session
    return bind.dialect.name == "postgresql"


_session_makers: weakref.WeakKeyDictionary[Engine, sessionmaker[Session]] = weakref.WeakKeyDictionary()


def session_maker(engine: Engine) -> sessionmaker[Session]:
    """The engine's one session factory (made once: building one per transaction is not free)."""
    maker = _session_makers.get(engine)
    if maker is None:
        maker = _session_makers[engine] = sessionmaker(engine, expire_on_commit=False)
    return maker


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit at the end, roll back on any error."""
    with session_maker(engine)() as session, session.begin():
        yield session
