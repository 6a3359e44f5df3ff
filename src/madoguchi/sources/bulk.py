"""The first load of a system: fill its empty record table first, build its indexes and foreign keys after.

Building an index over a million rows at once is several times cheaper than
growing it a row at a time, and checking a foreign key once for the whole
table (one join) cheaper than once per inserted row (a trigger's look-up
each). So when a system's table holds no row at all, the import drops the
table's secondary indexes and, on PostgreSQL, its foreign keys, inserts, and
recreates them from the very definitions the database held (not from the
models, so an index a migration added is kept exactly). All of it happens
inside the import's transaction: a failure rolls the indexes and keys back
with the rows. While it runs, PostgreSQL keeps other sessions out of that
(empty) table and out of ``import_runs`` (the keys' target) until the commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, FromClause, exists, select, table, text

from madoguchi.db.engine import is_postgres


def tune_for_import(conn: Connection) -> None:
    """Memory for the import's joins and groupings over whole files and its index builds.

    PostgreSQL: for this transaction only; enough that finding a full file's repeated keys
    (a grouping of every key) does not spill to disk, and no JIT compilation, which costs
    more than it saves on these few scans. SQLite: a larger page cache for the staging
    tables (temporary storage), kept by the connection.
    """
    if is_postgres(conn.engine):
        conn.exec_driver_sql("SET LOCAL work_mem = '256MB'")
        conn.exec_driver_sql("SET LOCAL jit = off")
        conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
    else:
        conn.exec_driver_sql("PRAGMA temp.cache_size = -65536")


def is_empty(conn: Connection, table: FromClause) -> bool:
    return not conn.execute(select(exists().select_from(table))).scalar()


def claim_if_empty(conn: Connection, name: str) -> bool:
    """Whether the table is empty, and if so keep other writers out of it until the commit.

    PostgreSQL: an exclusive lock (plain reads go on), taken before looking again, so the
    table is still empty when this import's first load writes into it.
    """
    if not is_empty(conn, table(name)):
        return False
    conn.exec_driver_sql(f'LOCK TABLE "{name}" IN EXCLUSIVE MODE')
    return is_empty(conn, table(name))


@contextmanager
def indexes_built_after(conn: Connection, table: str) -> Iterator[None]:
    """Drop the table's secondary indexes and foreign keys now; recreate them when the block ends.

    On PostgreSQL the table's statistics are then gathered, so that the statements that
    follow in the same import (the other systems' checks against the resident register)
    are planned for a full table rather than the empty one last seen.
    """
    indexes = _secondary_indexes(conn, table)
    keys = _foreign_keys(conn, table)
    for name, _ in keys:
        conn.exec_driver_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _, definition in indexes:
        conn.exec_driver_sql(definition)
    for name, definition in keys:
        conn.exec_driver_sql(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    if is_postgres(conn.engine):
        conn.exec_driver_sql(f'ANALYZE "{table}"')


def _secondary_indexes(conn: Connection, table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of each index not backing a constraint (the primary key)."""
    if is_postgres(conn.engine):
        query = text("SELECT indexname, indexdef FROM pg_indexes "
                     "WHERE schemaname = current_schema() AND tablename = :t AND indexname NOT IN "
                     "(SELECT conname FROM pg_constraint WHERE conrelid = CAST(:t AS regclass))")
    else:
        query = text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t "
                     "AND sql IS NOT NULL")
    return [(name, definition) for name, definition in conn.execute(query, {"t": table})]


def _foreign_keys(conn: Connection, table: str) -> list[tuple[str, str]]:
    """(name, definition) of each foreign key of the table, on PostgreSQL.

    SQLite cannot drop a constraint; its look-up per row is an in-process B-tree probe.
    """
    if not is_postgres(conn.engine):
        return []
    query = text("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                 "WHERE conrelid = CAST(:t AS regclass) AND contype = 'f' ORDER BY conname")
    return [(name, definition) for name, definition in conn.execute(query, {"t": table})]
