"""The checks that need more than one row, run as SQL over a staging table.

* in a full set, a key carried by more than one row (every carrier is refused:
  the hub cannot know which is right);
* a row of another system whose person is not in the resident register once
  this set's juki.csv is applied (an orphan);
* a qualification that starts before the person's birth.

Each finds the offending rows' lines, gives each a reason and records it in
the rejects table; the staging row is then marked refused, so it is neither
applied nor checked again. Results are read in batches: memory stays bounded
even if a whole file is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import groupby, islice

from sqlalchemy import Connection, Table, and_, exists, insert, select, update

from madoguchi.identifiers import NumberingScheme
from madoguchi.registry.models import JukiRecord
from madoguchi.sources.layout import FileLayout
from madoguchi.sources.validate import number_problem

BATCH = 10_000
_SHOWN_LINES = 10

Reject = tuple[int, str]
"""A line of the file and why it is refused."""


def duplicate_keys(conn: Connection, stage: Table, layout: FileLayout) -> Iterator[Reject]:
    other = stage.alias("other")
    key = [stage.c[name] for name in layout.key]
    query = (
        select(stage.c.line, stage.c.reason.is_(None).label("fresh"), *key)
        .where(*(k.is_not(None) for k in key),
               exists().where(*(other.c[k.key] == k for k in key), other.c.line != stage.c.line))
        .order_by(*key, stage.c.line)
    )
    rows = conn.execute(query.execution_options(yield_per=BATCH))
    for values, group in groupby(rows, key=lambda row: tuple(row[2:])):
        carriers = list(group)
        lines = [row.line for row in carriers]
        shown = ", ".join(str(n) for n in lines[:_SHOWN_LINES]) + (", …" if len(lines) > _SHOWN_LINES else "")
        named = ", ".join(f"{name} {value}" for name, value in zip(layout.key, values, strict=True))
        reason = (f"{named} appears {len(lines)} times in this file (lines {shown}); "
                  "every row of it is refused: the hub cannot tell which is right")
        yield from ((row.line, reason) for row in carriers if row.fresh)


def orphans(conn: Connection, stage: Table, person: str, scheme: NumberingScheme) -> Iterator[Reject]:
    """Rows naming, in column ``person``, someone the resident register does not hold."""
    juki = JukiRecord.__table__
    query = (
        select(stage.c.line, stage.c[person])
        .where(stage.c.reason.is_(None), stage.c.op == "upsert",
               ~exists().where(juki.c.atena_number == stage.c[person], juki.c.valid_to.is_(None)))
        .order_by(stage.c.line)
    )
    for line, number in conn.execute(query.execution_options(yield_per=BATCH)):
        problem = number_problem(number, scheme)
        if problem is not None:
            yield line, f"{person} {number}: {problem}"
        else:
            yield line, (f"{person} {number} is not in the resident register "
                         "(neither in this set's juki.csv nor in the hub)")


def before_birth(conn: Connection, stage: Table, column: str, person: str) -> Iterator[Reject]:
    """Rows whose date ``column`` precedes the birth of the person in column ``person``."""
    juki = JukiRecord.__table__
    query = (
        select(stage.c.line, stage.c[column], juki.c.birth_date)
        .join(juki, and_(juki.c.atena_number == stage.c[person], juki.c.valid_to.is_(None)))
        .where(stage.c.reason.is_(None), stage.c.op == "upsert", stage.c[column] < juki.c.birth_date)
        .order_by(stage.c.line)
    )
    whose = "the person's birth" if person == "atena_number" else f"the birth of {person}"
    for line, when, born in conn.execute(query.execution_options(yield_per=BATCH)):
        yield line, f"{column} {when}: is before {whose} ({born})"


def record_rejects(conn: Connection, stage: Table, rejects: Table, file: str,
                   found: Iterable[Reject]) -> int:
    """Keep the rejects for quarantine and mark their staging rows refused; returns how many."""
    count = 0
    found = iter(found)
    while batch := list(islice(found, BATCH)):
        conn.execute(insert(rejects), [{"file": file, "line": line, "reason": reason}
                                       for line, reason in batch])
        count += len(batch)
    if count:
        mine = select(rejects.c.line).where(rejects.c.file == file)
        conn.execute(update(stage).where(stage.c.reason.is_(None), stage.c.line.in_(mine))
                     .values(reason="refused by a set-based check"))
    return count


def mark_superseded(conn: Connection, stage: Table, layout: FileLayout) -> None:
    """In a delta, every row followed by a later row of the same key gives way to it."""
    later = stage.alias("later")
    conn.execute(update(stage).where(exists().where(
        *(later.c[name] == stage.c[name] for name in layout.key), later.c.line > stage.c.line,
    )).values(superseded=1))
