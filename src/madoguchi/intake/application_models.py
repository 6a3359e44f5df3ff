"""Tables of the intake: drafts, bundles, applications, their history, co-signatures and attachments.

A ``Draft`` is a life event's plan and filled forms, kept server-side while the
resident confirms them (and so they can stop and come back). A ``Bundle`` is
what the resident signed once; it is split into one ``Application`` per
procedure and subject, each with its own reference number, department and
status. ``ApplicationEvent`` is each application's status history;
``CoSignature`` a signature another person gives by a link (婚姻届's spouse and
witnesses); ``Attachment`` a file the resident hands over as evidence.

``Application.open_key`` is set while the application is open and cleared when
it is decided: its unique index is what refuses a second open application for
the same procedure and subject, even between two requests racing each other.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from madoguchi.db.base import Base, Id, Moment

Reference = String(16)
"""A reference number as shown, ``NNNN-NNNN-NNNN``."""


class Draft(Base):
    """A plan with its filled forms, waiting for the resident's confirmation and signature."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    draft_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    applicant: Mapped[str] = mapped_column(String(16), index=True)
    """The 宛名番号 of the resident who confirms it (``-`` for a move-in by people not yet in the hub)."""
    event: Mapped[str] = mapped_column(String(64))
    event_date: Mapped[date] = mapped_column(Date)
    answers: Mapped[dict[str, Any]] = mapped_column()
    lang: Mapped[str] = mapped_column(String(2))
    filled: Mapped[dict[str, Any]] = mapped_column()
    """The filled bundle (plan, forms, inputs) with sensitive values sealed."""
    values: Mapped[dict[str, Any]] = mapped_column()
    """What the resident has given so far, by input key (sensitive values sealed)."""
    created_at: Mapped[datetime] = mapped_column(Moment)
    updated_at: Mapped[datetime] = mapped_column(Moment)
    expires_at: Mapped[datetime] = mapped_column(Moment)
    submitted_bundle: Mapped[str | None] = mapped_column(Reference)


class Bundle(Base):
    """One signed submission of a life event's procedures."""

    __tablename__ = "bundles"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(Reference, unique=True)
    draft_pk: Mapped[int] = mapped_column(ForeignKey("drafts.id"), unique=True)
    """A draft is submitted once."""
    applicant: Mapped[str] = mapped_column(String(16), index=True)
    event: Mapped[str] = mapped_column(String(64))
    event_date: Mapped[date] = mapped_column(Date)
    content_digest: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 of the signed content: the same signed content is accepted once."""
    signature: Mapped[dict[str, Any]] = mapped_column()
    """The card signature: algorithm, value, and the certificate's issuer and serial."""
    submitted_at: Mapped[datetime] = mapped_column(Moment)
    lang: Mapped[str] = mapped_column(String(2))


class Application(Base):
    """One procedure for one subject, as its department receives and decides it."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(Reference, unique=True)
    bundle_pk: Mapped[int] = mapped_column(ForeignKey("bundles.id"), index=True)
    procedure: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(32))
    """A 宛名番号, or a reference of the event (``newborn``, ``mover:1``, ``spouse``)."""
    subject_atena: Mapped[str | None] = mapped_column(String(16), index=True)
    department: Mapped[str] = mapped_column(String(100), index=True)
    status: Mapped[str] = mapped_column(String(24), index=True)
    open_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    deadline: Mapped[date | None] = mapped_column(Date)
    fields: Mapped[list[Any]] = mapped_column()
    """Every field with its value and source; sensitive values sealed."""
    evidence: Mapped[list[Any]] = mapped_column()
    correction: Mapped[dict[str, Any] | None] = mapped_column()
    """While sent back: the reason and the fields the resident fixes."""
    created_at: Mapped[datetime] = mapped_column(Moment)
    updated_at: Mapped[datetime] = mapped_column(Moment)


class ApplicationEvent(Base):
    """One change of an application's status, with who made it and why."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    application_pk: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    at: Mapped[datetime] = mapped_column(Moment)
    status: Mapped[str] = mapped_column(String(24))
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    fields: Mapped[list[Any] | None] = mapped_column()
    """The fields sent back for correction, or corrected."""


class CoSignature(Base):
    """A signature one more person gives to an application, requested by a link."""

    __tablename__ = "co_signatures"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    application_pk: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    """1, 2, … among the signers of one role (two witnesses)."""
    min_age: Mapped[int | None] = mapped_column(Integer)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 of the link's token; the token itself is shown once."""
    requested_at: Mapped[datetime] = mapped_column(Moment)
    expires_at: Mapped[datetime] = mapped_column(Moment)
    signed_at: Mapped[datetime | None] = mapped_column(Moment)
    signer: Mapped[dict[str, Any] | None] = mapped_column()
    """Who signed: name and birth date from the card certificate, its issuer and serial."""
    signature: Mapped[str | None] = mapped_column(Text)


class Attachment(Base):
    """A file handed over as an application's evidence (a photo or PDF)."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    attachment_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    draft_pk: Mapped[int] = mapped_column(ForeignKey("drafts.id"), index=True)
    application_pk: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    """Set when the draft is submitted: the application of the procedure it is evidence for."""
    procedure: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(32))
    evidence: Mapped[str] = mapped_column(String(100))
    """Which evidence of the procedure it stands for."""
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    verified: Mapped[dict[str, Any] | None] = mapped_column()
    """For a digital certificate: the issuer and when it was verified; none for a photo or scan."""


class IdempotencyRecord(Base):
    """The answer given to a mutating request with an ``Idempotency-Key``, replayed for a repeat."""

    __tablename__ = "idempotency_records"

    scope: Mapped[str] = mapped_column(String(150), primary_key=True)
    """Who asked (actor kind and id) and where (the route)."""
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_digest: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(Moment)
