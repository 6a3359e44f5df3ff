"""Tables of the delivery outbox: targets, deliveries, their history and their step results.

A ``Delivery`` is one outbox row: written in the transaction that accepted the
application, so it exists exactly when the application does. Workers claim due
rows with a lease (``locked_until``, ``lease_token``); ``DeliveryEvent`` keeps
every attempt and replay; ``DeliveryStep`` holds the result of each external
step, committed before the next step runs, so a retry skips what succeeded.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from madoguchi.db.base import Base, Id, Moment


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    """Waiting for its next attempt (or being attempted, while a worker holds its lease)."""
    DELIVERED = "delivered"
    DEAD = "dead"
    """Dead-lettered: refused by the target, or given up after the attempt limit or age."""


class Outcome(StrEnum):
    """What one attempt came to."""

    DELIVERED = "delivered"
    RETRY = "retry"
    DEAD = "dead"


class DeliveryTarget(Base):
    """Where one department's applications go: its own system (http, file) or the city's inbox."""

    __tablename__ = "delivery_targets"

    department: Mapped[str] = mapped_column(String(100), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    """A channel id of the registry (``inbox``, ``http``, ``file``)."""
    address: Mapped[str | None] = mapped_column(Text)
    """The endpoint URL (http) or the drop folder (file)."""
    secret_env: Mapped[str | None] = mapped_column(String(100))
    """The name of the environment variable holding the signing secret; the secret is never stored."""
    updated_at: Mapped[datetime] = mapped_column(Moment)
    updated_by: Mapped[str] = mapped_column(String(100))


class Delivery(Base):
    """One message for one department, sent until the target has it or it is dead-lettered."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    delivery_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    """Sent with every attempt (``Idempotency-Key``) so the target can drop a repeat."""
    department: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(100))
    """What the payload is (``application``, …): the target's hint for reading it."""
    payload: Mapped[dict[str, Any]] = mapped_column()
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(Moment)
    queued_at: Mapped[datetime] = mapped_column(Moment)
    """When the current round began: enqueued, or replayed. The age limit counts from here."""
    next_attempt_at: Mapped[datetime] = mapped_column(Moment)
    locked_until: Mapped[datetime | None] = mapped_column(Moment)
    """A worker's lease: past this moment another worker may take the delivery over."""
    lease_token: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    """The claim holding the lease; only that claim may record the outcome."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    """Attempts ever made (they number the history)."""
    round_attempts: Mapped[int] = mapped_column(Integer, default=0)
    """Attempts in the current round; the attempt limit applies to these."""
    delivered_at: Mapped[datetime | None] = mapped_column(Moment)
    dead_at: Mapped[datetime | None] = mapped_column(Moment)
    last_error: Mapped[str | None] = mapped_column(Text)


class DeliveryEvent(Base):
    """The status history: one row per attempt (with its outcome) and per replay."""

    __tablename__ = "delivery_events"
    __table_args__ = (UniqueConstraint("delivery_pk", "attempt"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    delivery_pk: Mapped[int] = mapped_column(ForeignKey("deliveries.id"))
    at: Mapped[datetime] = mapped_column(Moment)
    event: Mapped[str] = mapped_column(String(16))
    """``attempt`` or ``replay``."""
    attempt: Mapped[int | None] = mapped_column(Integer)
    """The attempt's number; unique per delivery, so recording an outcome twice is refused."""
    outcome: Mapped[str | None] = mapped_column(String(16))
    channel: Mapped[str | None] = mapped_column(String(32))
    http_status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    """Why it failed, in words chosen by the channel: never a secret or the payload."""
    next_attempt_at: Mapped[datetime | None] = mapped_column(Moment)
    actor: Mapped[str] = mapped_column(String(100))
    """The worker that attempted, or the operator who replayed."""


class DeliveryStep(Base):
    """The stored result of one external step of one delivery (``(delivery, step)``)."""

    __tablename__ = "delivery_steps"

    delivery_pk: Mapped[int] = mapped_column(ForeignKey("deliveries.id"), primary_key=True)
    step: Mapped[str] = mapped_column(String(100), primary_key=True)
    result: Mapped[dict[str, Any]] = mapped_column()
    recorded_at: Mapped[datetime] = mapped_column(Moment)
