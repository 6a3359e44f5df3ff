"""The checks that need more than one row, run as SQL over a staging table.

* in a full set, a key carried by more than one row (every carrier is refused:
  the hub cannot know which is right);
* a row of another system whose person is not in the resident register once
  this set's juki.csv is applied (an orphan), or whose qualification starts
  before that person's birth — both found by one join with the register.

Each finds the offending rows' lines, gives each a reason and records it in
the rejects table; the staging row is then marked refused, so it is neither
applied nor checked again. Results are read in batches: memory stays bounded
even if a whole file is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import groupby, islice

from sqlalchemy import Connection, Table, and_, exists, func, insert, or_, select, update

from madoguchi.identifiers import NumberingScheme
from madoguchi.registry.models import JukiRecord
from madoguchi.sources.layout import FileLayout
from madoguchi.sources.validate import number_problem

BATCH = 10_000
_SHOWN_LINES = 10

Reject = tuple[int, str]
"""A line of the file and why it is refused."""


def duplicate_keys(conn: Connection, stage: Table, layout: FileLayout) -> Iterator[Reject]:
    key = [stage.c[name] for name in layout.key]
    repeated = (select(*key).where(*(k.is_not(None) for k in key))
                .group_by(*key).having(func.count() > 1).subquery("repeated"))
    query = (
        select(stage.c.line, stage.c.reason.is_(None).label("fresh"), *key)
        .join(repeated, and_(*(repeated.c[k.key] == k for k in key)))
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


def unknown_or_unborn(conn: Connection, stage: Table, person: str, dates: Sequence[str],
                      scheme: NumberingScheme) -> Iterator[Reject]:
    """Rows naming, in column ``person``, someone the resident register does not hold (an
    orphan), or whose date columns ``dates`` precede that person's birth.

    One join with the register per person column finds both.
    """
    juki = JukiRecord.__table__
    resident = juki.c.atena_number.is_not(None).label("resident")
    too_early = [and_(stage.c[name].is_not(None), stage.c[name] < juki.c.birth_date) for name in dates]
    query = (
        select(stage.c.line, stage.c[person], resident, juki.c.birth_date, *(stage.c[name] for name in dates))
        .outerjoin(juki, and_(juki.c.atena_number == stage.c[person], juki.c.valid_to.is_(None)))
        .where(stage.c.reason.is_(None), stage.c.op == "upsert",
               or_(juki.c.atena_number.is_(None), *too_early))
        .order_by(stage.c.line)
    )
    whose = "the person's birth" if person == "atena_number" else f"the birth of {person}"
    for line, number, is_resident, born, *values in conn.execute(query.execution_options(yield_per=BATCH)):
        if not is_resident:
            yield line, _orphan_reason(person, number, scheme)
            continue
        early = [f"{name} {value}: is before {whose} ({born})"
                 for name, value in zip(dates, values, strict=True)
                 if value is not None and born is not None and value < born]
        yield line, "; ".join(early)


def _orphan_reason(person: str, number: str, scheme: NumberingScheme) -> str:
    problem = number_problem(number, scheme)
    if problem is not None:
        return f"{person} {number}: {problem}"
    return (f"{person} {number} is not in the resident register "
            "(neither in this set's juki.csv nor in the hub)")


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
