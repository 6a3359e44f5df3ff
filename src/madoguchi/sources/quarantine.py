"""Quarantine: the rows the hub refused, kept with their reason and their original text, sealed.

Rows refused while reading arrive in the staging table with their text already
sealed; rows refused by a set-based check (duplicate key, orphan, date before
birth) are found after reading, so their text is read again from the chunk
that holds them. A listing opens the text and masks the My Number and the
account columns — and any other run of 12 digits, should a row be so broken
that its columns have shifted.
"""

from __future__ import annotations

import bisect
import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from sqlalchemy import Connection, DateTime, Table, bindparam, insert, literal, select, update
from sqlalchemy.orm import Session

from madoguchi.registry.models import QuarantinedRow
from madoguchi.sources.checks import BATCH
from madoguchi.sources.layout import MASKED_COLUMNS
from madoguchi.sources.reader import Chunk, read_chunk_text, read_records
from madoguchi.sources.worker import QUARANTINE_CONTEXT
from madoguchi.vault import Vault

MASK = "****"
_MY_NUMBER_SHAPED = re.compile(r"(?<!\d)\d{12}(?!\d)")


@dataclass(frozen=True)
class QuarantineEntry:
    import_id: int
    file: str
    line: int
    reason: str
    raw: str
    """The row's text with its sensitive columns masked."""

    def to_json(self) -> dict[str, str | int]:
        return {"import_id": self.import_id, "file": self.file, "line": self.line,
                "reason": self.reason, "raw": self.raw}


def seal_reject_texts(conn: Connection, rejects: Table, file: str, chunks: Sequence[Chunk],
                      vault: Vault) -> None:
    """Fill in the sealed text of a file's set-based rejects, reading only the chunks that hold them."""
    starts = [chunk.first_line for chunk in chunks]
    statement = (update(rejects).where(rejects.c.file == file, rejects.c.line == bindparam("l"))
                 .values(raw_sealed=bindparam("t")))
    after = 0
    while lines := conn.execute(
        select(rejects.c.line).where(rejects.c.file == file, rejects.c.line > after)
        .order_by(rejects.c.line).limit(BATCH)
    ).scalars().all():
        after = lines[-1]
        for position, group in groupby(lines, key=lambda line: bisect.bisect_right(starts, line) - 1):
            chunk, wanted = chunks[position], set(group)
            texts = [{"l": record.line, "t": vault.seal(record.raw, QUARANTINE_CONTEXT)}
                     for record in read_records(read_chunk_text(chunk), chunk.first_line)
                     if record.line in wanted]
            conn.execute(statement, texts)


def store_quarantine(conn: Connection, *, stage: Table, rejects: Table, file: str,
                     header: Sequence[str], import_id: int, now: datetime) -> None:
    """Move a file's refused rows into ``quarantined_rows``."""
    table = QuarantinedRow.__table__
    columns = ["import_id", "file", "line", "reason", "header", "raw_sealed", "created_at"]
    fixed = (literal(import_id).label("import_id"), literal(file).label("file"))
    shared = (literal(list(header), table.c.header.type).label("header"),)
    created = literal(now, DateTime(timezone=True)).label("created_at")
    from_reading = select(*fixed, stage.c.line, stage.c.reason, *shared, stage.c.raw_sealed,
                          created).where(stage.c.raw_sealed.is_not(None))
    from_checks = select(*fixed, rejects.c.line, rejects.c.reason, *shared, rejects.c.raw_sealed,
                         created).where(rejects.c.file == file)
    for rows in (from_reading, from_checks):
        conn.execute(insert(QuarantinedRow).from_select(columns, rows))


def list_quarantined_rows(session: Session, *, vault: Vault,
                          import_id: int | None = None) -> list[QuarantineEntry]:
    """The refused rows, oldest import first, their sensitive columns masked."""
    query = select(QuarantinedRow).order_by(QuarantinedRow.import_id, QuarantinedRow.file,
                                            QuarantinedRow.line)
    if import_id is not None:
        query = query.where(QuarantinedRow.import_id == import_id)
    return [
        QuarantineEntry(row.import_id, row.file, row.line, row.reason,
                        mask_row(vault.open(row.raw_sealed, QUARANTINE_CONTEXT), row.header))
        for row in session.scalars(query)
    ]


def mask_row(raw: str, header: Sequence[str]) -> str:
    """The row's text with the My Number and the account columns replaced by a mask."""
    try:
        fields = next(csv.reader(io.StringIO(raw, newline="")), [])
    except csv.Error:  # beyond reading: split it crudely, the shifted-columns rule then masks widely
        fields = raw.split(",")
    sensitive = [i for i, name in enumerate(header) if name in MASKED_COLUMNS]
    if len(fields) != len(header) and sensitive:
        # The columns may have shifted: hide everything from the first sensitive position on.
        sensitive = list(range(sensitive[0], len(fields)))
    masked = [MASK if i in sensitive and value else _MY_NUMBER_SHAPED.sub(MASK, value)
              for i, value in enumerate(fields)]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(masked)
    return out.getvalue().removesuffix("\n")
