"""Tables of the access log and of the data API's clients.

The log is a hash chain per resident (``access_log_entries``), whose newest
link is kept in ``access_chain_heads`` — the row an append locks, so two reads
of different residents never wait for each other. Periodic signed
``access_checkpoints`` seal the heads that moved since the previous one
(``checkpoint_heads``), chained to each other.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from madoguchi.db.base import Base, Id

Subject = String(16).with_variant(String(16, collation="C"), "postgresql")
"""A 宛名番号 as a chain's name, ordered bytewise on every database so that the
verifier's merge of sorted streams agrees with Python's string order."""

Digest = String(64)
"""A SHA-256 as 64 hex digits."""


class AccessLogEntry(Base):
    """One purpose-bound read of one resident's data (who, why, on what basis, which items)."""

    __tablename__ = "access_log_entries"
    __table_args__ = (UniqueConstraint("subject", "seq"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    subject: Mapped[str] = mapped_column(Subject)
    """The 宛名番号 of the resident whose data was read."""
    seq: Mapped[int] = mapped_column(Integer)
    """Position in the subject's chain, from 1."""
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str] = mapped_column(String(100))
    department: Mapped[str | None] = mapped_column(String(100))
    purpose: Mapped[str] = mapped_column(String(200))
    legal_basis: Mapped[str] = mapped_column(Text)
    my_number_basis: Mapped[str | None] = mapped_column(Text)
    """Set only when the My Number itself was read."""
    items: Mapped[list[Any]] = mapped_column(default=list)
    as_of: Mapped[date | None] = mapped_column(Date)
    """The date asked for, when the read was of past values."""
    prev_hash: Mapped[str] = mapped_column(Digest)
    hash: Mapped[str] = mapped_column(Digest)


class AccessChainHead(Base):
    """The newest link of one resident's chain, and how far the checkpoints have sealed it."""

    __tablename__ = "access_chain_heads"

    subject: Mapped[str] = mapped_column(Subject, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(Digest)
    sealed_seq: Mapped[int] = mapped_column(Integer, default=0)
    pending: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    """The head moved since the last checkpoint that sealed it."""


class AccessCheckpoint(Base):
    """A signed seal over the chain heads that moved since the previous checkpoint."""

    __tablename__ = "access_checkpoints"

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    """1, 2, 3 … without gaps; two sealers racing collide on it and one gives way."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    previous_hash: Mapped[str] = mapped_column(Digest)
    heads_count: Mapped[int] = mapped_column(Integer)
    heads_digest: Mapped[str] = mapped_column(Digest)
    hash: Mapped[str] = mapped_column(Digest)
    signature: Mapped[str] = mapped_column(Text)
    signer: Mapped[str] = mapped_column(String(64))
    """Fingerprint (SHA-256 of the raw public key) of the key that signed."""


class CheckpointHead(Base):
    """One chain head as a checkpoint sealed it."""

    __tablename__ = "checkpoint_heads"
    __table_args__ = (Index("ix_checkpoint_heads_subject_seq", "subject", "seq"),)

    checkpoint_number: Mapped[int] = mapped_column(
        ForeignKey("access_checkpoints.number"), primary_key=True)
    subject: Mapped[str] = mapped_column(Subject, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(Digest)


class ApiClient(Base):
    """An internal system allowed to call the data API with a bearer token."""

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    department: Mapped[str | None] = mapped_column(String(100))
    purposes: Mapped[list[Any]] = mapped_column(default=list)
    """Purpose patterns the client may name (``procedure:*``, ``review:保険年金課``)."""
    token_hash: Mapped[str] = mapped_column(Digest, unique=True)
    """SHA-256 of the token; the token itself is shown once and never stored."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
