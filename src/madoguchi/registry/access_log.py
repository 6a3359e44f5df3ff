"""The access log: one hash chain per resident.

Each entry records one purpose-bound read of one resident: who (actor kind,
id, department), why (purpose and its legal basis), which items, when. Its
hash is ``sha256(prev_hash ‖ RFC 8785 canonical JSON of the entry)``, the
previous hash being that of the resident's preceding entry (64 zeros for the
first), so a resident's history can be verified on its own.

An append locks only the chain heads of the residents it writes to (row locks
on PostgreSQL; SQLite's write lock serialises writers anyway): reads of
different residents never wait for each other — there is no global sequence.
Appends of several residents lock their heads in 宛名番号 order, so two of
them cannot deadlock. However many entries a view writes (a household, a
bundle's forms), its append takes three statements (two on PostgreSQL).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.db.engine import is_postgres
from madoguchi.registry.access_models import AccessChainHead, AccessLogEntry
from madoguchi.registry.canonical import canonical_json

GENESIS = "0" * 64
"""The previous hash of a chain's first entry."""

_HEADS = cast(Table, AccessChainHead.__table__)
_ENTRIES = cast(Table, AccessLogEntry.__table__)


@dataclass(frozen=True)
class AccessRecord:
    """What one read was: the same for every person a view read."""

    actor: Actor
    purpose: str
    legal_basis: str
    my_number_basis: str | None
    as_of: date | None


@dataclass(frozen=True)
class LoggedRead:
    """One person read for one purpose: the items read, and what the read was."""

    subject: str
    items: Sequence[str]
    record: AccessRecord


@dataclass
class Entry:
    """An entry as written: the columns of its ``access_log_entries`` row, but its id."""

    subject: str
    seq: int
    recorded_at: datetime
    actor_kind: str
    actor_id: str
    department: str | None
    purpose: str
    legal_basis: str
    my_number_basis: str | None
    items: list[Any]
    as_of: date | None
    prev_hash: str
    hash: str


def entry_document(entry: AccessLogEntry | Entry) -> dict[str, Any]:
    """The entry's content as hashed: everything but its row id and its hashes."""
    return {
        "subject": entry.subject,
        "seq": entry.seq,
        "recorded_at": utc_text(entry.recorded_at),
        "actor": {"kind": entry.actor_kind, "id": entry.actor_id, "department": entry.department},
        "purpose": entry.purpose,
        "legal_basis": entry.legal_basis,
        "my_number_basis": entry.my_number_basis,
        "items": list(entry.items),
        "as_of": entry.as_of.isoformat() if entry.as_of is not None else None,
    }


def chain_hash(prev_hash: str, document: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_json(document)).hexdigest()


def aware(moment: datetime) -> datetime:
    """A stored moment with its offset: the log writes UTC, and SQLite gives it back without one."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def utc_text(moment: datetime) -> str:
    """A moment as hashed: UTC with microseconds."""
    return aware(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def append_reads(session: Session, *, record: AccessRecord,
                 reads: Iterable[tuple[str, Sequence[str]]]) -> list[Entry]:
    """Append one entry per (宛名番号, items read) to each resident's chain; never commits."""
    return append(session, [LoggedRead(subject, items, record) for subject, items in reads])


def append(session: Session, reads: Sequence[LoggedRead]) -> list[Entry]:
    """Append one entry per read to its resident's chain: three statements (two on PostgreSQL) however many.

    The first statement locks and moves on every head at once (in 宛名番号
    order); then the entries are inserted and each head takes the hash of its
    newest entry. Two reads of one resident become consecutive entries, in
    the order given. Never commits; returns the entries as written.
    """
    if not reads:
        return []
    at = clock.now().astimezone(UTC)
    ordered = sorted(reads, key=lambda read: read.subject)
    counts = Counter(read.subject for read in ordered)
    connection = session.connection()
    postgres = is_postgres(session)
    heads = {subject: (seq - counts[subject], prev_hash) for subject, seq, prev_hash in connection.execute(
        _ADVANCE_HEADS["postgresql" if postgres else "sqlite"],
        [{"subject": subject, "count": count} for subject, count in counts.items()])}
    entries: list[Entry] = []
    for read in ordered:
        seq, prev_hash = heads[read.subject]
        entry = _entry(read, seq + 1, prev_hash, at)
        heads[read.subject] = (entry.seq, entry.hash)
        entries.append(entry)
    if postgres:  # one round trip for both tables
        connection.execute(_WRITE_ENTRIES, [{f"e_{key}": value for key, value in vars(entry).items()}
                                            for entry in entries])
    else:  # SQLite has no INSERT inside WITH
        connection.execute(_INSERT_ENTRY, [vars(entry) for entry in entries])
        connection.execute(_SET_HEAD_HASH, [{"b_subject": subject, "b_hash": hash_}
                                            for subject, (_, hash_) in heads.items()])
    return entries


def _entry(read: LoggedRead, seq: int, prev_hash: str, at: datetime) -> Entry:
    record = read.record
    entry = Entry(subject=read.subject, seq=seq, recorded_at=at, actor_kind=record.actor.kind,
                  actor_id=record.actor.id, department=record.actor.department, purpose=record.purpose,
                  legal_basis=record.legal_basis, my_number_basis=record.my_number_basis,
                  items=sorted(read.items), as_of=record.as_of, prev_hash=prev_hash, hash="")
    entry.hash = chain_hash(prev_hash, entry_document(entry))
    return entry


def _advance_heads_statement(dialect: Any) -> Any:
    """Lock each subject's chain head by moving it on ``:count`` entries; returns the new seq and the previous hash.

    One upsert creates a head at the resident's first read or advances it,
    taking the lock as it reads: a row lock on PostgreSQL (as ``SELECT … FOR
    UPDATE`` would; a concurrent first read waits on the row being created),
    and SQLite's write lock, held from this statement on at the latest, so no
    reader ever has to upgrade a stale snapshot. Its rows go in 宛名番号 order,
    so two appends lock in the same order and cannot deadlock.
    """
    first = dialect.insert(_HEADS).values(subject=bindparam("subject"), seq=bindparam("count"), hash=GENESIS,
                                          sealed_seq=0, pending=True)
    return first.on_conflict_do_update(
        index_elements=[_HEADS.c.subject], set_={"seq": _HEADS.c.seq + first.excluded.seq, "pending": True},
    ).returning(_HEADS.c.subject, _HEADS.c.seq, _HEADS.c.hash)


# Built once: the append runs with every read, and building SQL costs more than running it.
_ADVANCE_HEADS = {"postgresql": _advance_heads_statement(postgresql), "sqlite": _advance_heads_statement(sqlite)}
_INSERT_ENTRY = insert(_ENTRIES)
_SET_HEAD_HASH = update(_HEADS).where(_HEADS.c.subject == bindparam("b_subject")).values(
    hash=bindparam("b_hash"))


def _write_entries_statement() -> Any:
    """PostgreSQL: insert an entry and, if it is its chain's newest, set the head's hash — in one statement.

    Run once per entry (``executemany``, pipelined by psycopg). Parameters are
    the entry's columns prefixed ``e_``.
    """
    written = insert(_ENTRIES).values({key: bindparam(f"e_{key}") for key in _ENTRY_COLUMNS}).returning(
        _ENTRIES.c.subject, _ENTRIES.c.seq, _ENTRIES.c.hash).cte("written")
    return update(_HEADS).values(hash=written.c.hash).where(
        _HEADS.c.subject == written.c.subject, _HEADS.c.seq == written.c.seq)


_ENTRY_COLUMNS = [c.key for c in _ENTRIES.c if c.key != "id"]
_WRITE_ENTRIES = _write_entries_statement()


def latest_entries(session: Session, subject: str, *, limit: int,
                   before: int | None = None) -> list[AccessLogEntry]:
    """A resident's entries, newest first, those with ``seq`` below ``before`` when given."""
    statement = select(AccessLogEntry).where(AccessLogEntry.subject == subject)
    if before is not None:
        statement = statement.where(AccessLogEntry.seq < before)
    return list(session.scalars(statement.order_by(AccessLogEntry.seq.desc()).limit(limit)))
