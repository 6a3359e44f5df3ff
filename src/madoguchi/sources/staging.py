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
from madoguchi.sources.worker import STAGING_PREFIX, ChunkResult, hub_columns

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
def loader(conn: Connection, table: Table, first_load: FileLayout | None = None) -> Iterator[LoadChunk]:
    """Write chunk results into a staging table (streaming with COPY where the database allows),
    deleting each chunk's spool files once loaded.

    The chunks of a ``first_load`` also carry versions for that system's hub table
    (PostgreSQL only): each chunk is then two COPY statements, its versions and its staging rows.
    """
    columns = (*STAGING_PREFIX, *(c.name for c in table.columns if c.name not in STAGING_PREFIX
                                  and c.name != "superseded"))
    names = ", ".join(columns)
    if is_postgres(conn.engine):
        driver = conn.connection.driver_connection
        assert driver is not None
        into_stage = f"COPY {table.name} ({names}) FROM STDIN (NULL '')"
        into_hub = "" if first_load is None else (
            f"COPY {SYSTEM_TABLES[first_load.system].__tablename__} "
            f"({', '.join(hub_columns(first_load))}) FROM STDIN")
        with driver.cursor() as cursor:

            def copy_file(statement: str, path: str) -> None:
                with cursor.copy(statement) as copy, open(path, "rb") as rows:
                    while block := rows.read(_COPY_BLOCK_BYTES):
                        copy.write(block)
                os.unlink(path)

            def copy_chunk(result: ChunkResult) -> None:
                if result.hub_spool is not None:
                    assert into_hub, "a first load's chunk needs its hub table"
                    copy_file(into_hub, result.hub_spool)
                copy_file(into_stage, result.spool)

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
