"""The access log: one hash chain per resident.

Each entry records one purpose-bound read of one resident: who (actor kind,
id, department), why (purpose and its legal basis), which items, when. Its
hash is ``sha256(prev_hash ‖ RFC 8785 canonical JSON of the entry)``, the
previous hash being that of the resident's preceding entry (64 zeros for the
first), so a resident's history can be verified on its own.

An append locks only that resident's chain head (a row lock on PostgreSQL;
SQLite's write lock serialises writers anyway): reads of different residents
never wait for each other — there is no global sequence. Appends of several residents
lock their heads in 宛名番号 order, so two of them cannot deadlock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, cast

import rfc8785
from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.db.engine import is_postgres
from madoguchi.registry.access_models import AccessChainHead, AccessLogEntry

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


def entry_document(entry: AccessLogEntry) -> dict[str, Any]:
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
    return hashlib.sha256(prev_hash.encode("ascii") + rfc8785.dumps(document)).hexdigest()


def aware(moment: datetime) -> datetime:
    """A stored moment with its offset: the log writes UTC, and SQLite gives it back without one."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def utc_text(moment: datetime) -> str:
    """A moment as hashed: UTC with microseconds."""
    return aware(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def append_reads(session: Session, *, record: AccessRecord,
                 reads: Iterable[tuple[str, Sequence[str]]]) -> list[AccessLogEntry]:
    """Append one entry per (宛名番号, items read) to each resident's chain; never commits.

    Returns the entries as written (not attached to the session).
    """
    at = clock.now().astimezone(UTC)
    return [_append(session, subject, sorted(items), record, at)
            for subject, items in sorted(reads, key=lambda read: read[0])]


def _append(session: Session, subject: str, items: list[str], record: AccessRecord,
            at: datetime) -> AccessLogEntry:
    connection = session.connection()
    upsert = _ADVANCE_HEAD["postgresql" if is_postgres(session) else "sqlite"]
    seq, prev_hash = connection.execute(upsert, {"subject": subject}).one()
    entry = AccessLogEntry(
        subject=subject, seq=seq, recorded_at=at,
        actor_kind=record.actor.kind, actor_id=record.actor.id, department=record.actor.department,
        purpose=record.purpose, legal_basis=record.legal_basis,
        my_number_basis=record.my_number_basis, items=items, as_of=record.as_of,
        prev_hash=prev_hash,
    )
    entry.hash = chain_hash(prev_hash, entry_document(entry))
    connection.execute(_INSERT_ENTRY, {c: getattr(entry, c) for c in _ENTRY_COLUMNS})
    connection.execute(_SET_HEAD_HASH, {"b_subject": subject, "b_hash": entry.hash})
    return entry


def _advance_head_statement(dialect: Any) -> Any:
    """Lock the subject's chain head by moving it on; returns the new seq and the previous hash.

    One upsert creates the head at the resident's first read or advances it,
    taking the lock as it reads: a row lock on PostgreSQL (as ``SELECT … FOR
    UPDATE`` would; a concurrent first read waits on the row being created),
    and SQLite's write lock — taken by the write's first statement, so no
    reader ever has to upgrade a stale snapshot.
    """
    first = dialect.insert(_HEADS).values(subject=bindparam("subject"), seq=1, hash=GENESIS,
                                          sealed_seq=0, pending=True)
    return first.on_conflict_do_update(
        index_elements=[_HEADS.c.subject], set_={"seq": _HEADS.c.seq + 1, "pending": True},
    ).returning(_HEADS.c.seq, _HEADS.c.hash)


# Built once: the append runs with every read, and building SQL costs more than running it.
_ADVANCE_HEAD = {"postgresql": _advance_head_statement(postgresql), "sqlite": _advance_head_statement(sqlite)}
_ENTRY_COLUMNS = [c.key for c in _ENTRIES.c if c.key != "id"]
_INSERT_ENTRY = insert(_ENTRIES)
_SET_HEAD_HASH = update(_HEADS).where(_HEADS.c.subject == bindparam("b_subject")).values(
    hash=bindparam("b_hash"))


def latest_entries(session: Session, subject: str, *, limit: int,
                   before: int | None = None) -> list[AccessLogEntry]:
    """A resident's entries, newest first, those with ``seq`` below ``before`` when given."""
    statement = select(AccessLogEntry).where(AccessLogEntry.subject == subject)
    if before is not None:
        statement = statement.where(AccessLogEntry.seq < before)
    return list(session.scalars(statement.order_by(AccessLogEntry.seq.desc()).limit(limit)))
