"""The first load of a system: fill its empty record table first, build its indexes after.

Building an index over a million rows at once is several times cheaper than
growing it a row at a time. So when a system's table holds no row at all, the
import drops the table's secondary indexes, inserts, and recreates them from
the very definitions the database held (not from the models, so an index a
migration added is kept exactly). All of it happens inside the import's
transaction: a failure rolls the indexes back with the rows. While it runs,
PostgreSQL keeps other sessions out of that (empty) table until the commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, FromClause, exists, select, text

from madoguchi.db.engine import is_postgres


def tune_for_import(conn: Connection) -> None:
    """Memory for the import's joins over whole files and its index builds.

    PostgreSQL: for this transaction only. SQLite: a larger page cache for the staging
    tables (temporary storage), kept by the connection.
    """
    if is_postgres(conn.engine):
        conn.exec_driver_sql("SET LOCAL work_mem = '64MB'")
        conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
    else:
        conn.exec_driver_sql("PRAGMA temp.cache_size = -65536")


def is_empty(conn: Connection, table: FromClause) -> bool:
    return not conn.execute(select(exists().select_from(table))).scalar()


@contextmanager
def indexes_built_after(conn: Connection, table: str) -> Iterator[None]:
    """Drop the table's secondary indexes now and recreate them when the block ends."""
    definitions = _secondary_indexes(conn, table)
    for name, _ in definitions:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _, definition in definitions:
        conn.exec_driver_sql(definition)


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
