"""The versioned apply: a staging table's rows become versions of the hub's records, in a few statements.

For every system, with D the set's extraction date:

* a current version whose key has a valid row with other content is closed
  (``valid_to`` D, ``replaced``) and the row inserted as the new version
  (``valid_from`` D); a row equal to the current version writes nothing;
* a row for a key without a current version is inserted;
* a delta's ``delete`` closes the current version (``deleted``);
* in a full set, a current version whose key the file does not carry at all
  is closed (``ended``) — never deleted. A refused row still carries its key,
  so a record is not ended because its new row was bad.

A system's first load (its table empty) only inserts, its indexes built after (`bulk`). On
PostgreSQL a full set's first load has already written its valid rows straight into the table
as versions; `settle_first_load` takes out those the set-based checks refused.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Connection,
    Integer,
    Table,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.sql.elements import ColumnElement

from madoguchi.registry.models import SYSTEM_TABLES
from madoguchi.sources.bulk import indexes_built_after, is_empty
from madoguchi.sources.layout import FileLayout
from madoguchi.sources.report import FileCounts


def apply_stage(conn: Connection, stage: Table, layout: FileLayout, *, as_of: date,
                import_id: int, full: bool) -> FileCounts:
    model = SYSTEM_TABLES[layout.system]
    record = model.__table__
    current = record.c.valid_to.is_(None)
    same_key = and_(*(stage.c[name] == record.c[name] for name in layout.key))
    winner = and_(stage.c.reason.is_(None), stage.c.superseded == 0)

    def close(condition: ColumnElement[bool], end_reason: str) -> int:
        statement = update(model).where(current, condition).values(valid_to=as_of, end_reason=end_reason)
        return conn.execute(statement).rowcount

    applied = FileCounts()
    if is_empty(conn, record):
        with indexes_built_after(conn, model.__tablename__):
            applied.imported = _insert_new(conn, stage, layout, as_of=as_of, import_id=import_id)
        applied.unchanged = _count_rows(conn, stage, applied) - applied.imported
        return applied
    applied.replaced = close(exists().where(same_key, winner, stage.c.op == "upsert",
                                            stage.c.row_hash != record.c.row_hash), "replaced")
    if full:
        applied.ended = close(~exists().where(same_key), "ended")
    else:
        applied.ended = close(exists().where(same_key, winner, stage.c.op == "delete"), "deleted")
    applied.imported = _insert_new(conn, stage, layout, as_of=as_of, import_id=import_id)
    # Every winning row inserted a version, closed one (a delete), or had nothing to change.
    applied.unchanged = _count_rows(conn, stage, applied) - applied.imported - (0 if full else applied.ended)
    return applied


def settle_first_load(conn: Connection, stage: Table, layout: FileLayout) -> FileCounts:
    """Count a first load written straight into the hub's table, and delete the versions of
    the rows refused after it was written (by the set-based checks).

    Those are deleted by key: a refused key's every row is refused (a repeated key) or it has
    only the one row, so no good row shares it.
    """
    model = SYSTEM_TABLES[layout.system]
    record = model.__table__
    applied = FileCounts()
    applied.imported = _count_rows(conn, stage, applied)
    if applied.quarantined:
        same_key = and_(*(stage.c[name] == record.c[name] for name in layout.key))
        conn.execute(delete(model).where(exists().where(same_key, stage.c.reason.is_not(None))))
    return applied


def end_every_record(conn: Connection, layout: FileLayout, *, as_of: date) -> FileCounts:
    """A full set without the system's file: the system has no records any more; end them all."""
    model = SYSTEM_TABLES[layout.system]
    ended = conn.execute(update(model).where(model.__table__.c.valid_to.is_(None))
                         .values(valid_to=as_of, end_reason="ended")).rowcount
    return FileCounts(ended=ended, present=False)


def _insert_new(conn: Connection, stage: Table, layout: FileLayout, *, as_of: date, import_id: int) -> int:
    """Insert every winning upsert whose key has no current version; returns how many."""
    model = SYSTEM_TABLES[layout.system]
    record = model.__table__
    same_key = and_(*(stage.c[name] == record.c[name] for name in layout.key))
    outputs = [*layout.outputs, "row_hash"]
    blank = {column.name for column in layout.columns if column.blank}
    values = [func.coalesce(stage.c[name], "") if name in blank else stage.c[name] for name in outputs]
    rows = select(*values, literal(as_of).label("valid_from"), literal(import_id).label("import_id"))
    rows = rows.where(stage.c.reason.is_(None), stage.c.superseded == 0, stage.c.op == "upsert",
                      ~exists().where(same_key, record.c.valid_to.is_(None)))
    statement = insert(model).from_select([*outputs, "valid_from", "import_id"], rows)
    return int(conn.execute(statement.execution_options(preserve_rowcount=True)).rowcount)


def _count_rows(conn: Connection, stage: Table, applied: FileCounts) -> int:
    """Fill in the rows read, quarantined and superseded; returns the winning rows (to apply)."""
    def total(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0).cast(Integer)

    fresh = stage.c.reason.is_(None)
    read, quarantined, superseded, winners = conn.execute(select(
        func.count(),
        total(stage.c.reason.is_not(None)),
        total(and_(fresh, stage.c.superseded == 1)),
        total(and_(fresh, stage.c.superseded == 0)),
    ).select_from(stage)).one()
    applied.read, applied.quarantined, applied.superseded = read, quarantined, superseded
    return int(winners)
