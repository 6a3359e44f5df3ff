"""Staging tables: where an import's checked rows wait before the set-based apply.

One temporary table per system, shaped like the hub's record table plus the
row's line, op, reason, sealed original text (refused rows) and content hash.
They live in the import's own connection and transaction and are dropped at
its end. The dialect branches are here: loading each chunk's spool file
(``COPY`` on PostgreSQL, ``executemany`` of whole chunks on SQLite) and
helping the planner.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import Column, Connection, Index, Integer, MetaData, String, Table, Text, text

from madoguchi.db.engine import is_postgres
from madoguchi.registry.models import SYSTEM_TABLES
from madoguchi.sources.layout import FileLayout
from madoguchi.sources.worker import STAGING_PREFIX, ChunkResult

REJECTS = "import_rejects"
_COPY_BLOCK_BYTES = 1 << 20


def staging_table(layout: FileLayout, metadata: MetaData) -> Table:
    record = SYSTEM_TABLES[layout.system].__table__
    return Table(
        f"import_stage_{layout.system}", metadata,
        Column("line", Integer, nullable=False),
        Column("op", String(8)),
        Column("reason", Text),
        Column("raw_sealed", Text),
        Column("row_hash", String(64)),
        Column("superseded", Integer, nullable=False, server_default=text("0")),
        *(Column(name, record.c[name].type) for name in layout.outputs),
        prefixes=["TEMPORARY"],
    )


def rejects_table(metadata: MetaData) -> Table:
    """Rows found bad only by set-based checks (duplicate keys, orphans, dates before birth)."""
    return Table(
        REJECTS, metadata,
        Column("file", String(64), primary_key=True),
        Column("line", Integer, primary_key=True),
        Column("reason", Text, nullable=False),
        Column("raw_sealed", Text),
        prefixes=["TEMPORARY"],
    )


def create_tables(conn: Connection, tables: Iterable[Table]) -> None:
    for table in tables:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table.name}")
        table.create(conn)


def drop_tables(conn: Connection, tables: Iterable[Table]) -> None:
    for table in tables:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table.name}")


LoadChunk = Callable[[ChunkResult], object]


@contextmanager
def loader(conn: Connection, table: Table) -> Iterator[LoadChunk]:
    """Write chunk results into a staging table (streaming with COPY where the database allows),
    deleting each chunk's spool file once loaded."""
    columns = (*STAGING_PREFIX, *(c.name for c in table.columns if c.name not in STAGING_PREFIX
                                  and c.name != "superseded"))
    names = ", ".join(columns)
    if is_postgres(conn.engine):
        driver = conn.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN (NULL '')") as copy:

            def copy_chunk(result: ChunkResult) -> None:
                with open(result.spool, "rb") as rows:
                    while block := rows.read(_COPY_BLOCK_BYTES):
                        copy.write(block)
                os.unlink(result.spool)

            yield copy_chunk
        return
    insert = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join('?' * len(columns))})"

    def insert_chunk(result: ChunkResult) -> None:
        with open(result.spool, "rb") as spool:
            rows = pickle.load(spool)
        os.unlink(result.spool)
        if rows:
            conn.exec_driver_sql(insert, rows)

    yield insert_chunk


def index_for_apply(conn: Connection, table: Table, key: tuple[str, ...]) -> None:
    """Help the planner: statistics on PostgreSQL, a key index on SQLite (which joins by index)."""
    if is_postgres(conn.engine):
        conn.exec_driver_sql(f"ANALYZE {table.name}")
    else:
        Index(f"{table.name}_key", *(table.c[k] for k in key), table.c.line).create(conn)
