"""The rows an accepted bundle writes, in a handful of statements whatever its size.

A birth bundle writes the bundle, five applications, their first history
entries and five deliveries, and links its attachments and its draft. They
are written as Core statements — one executemany per table, the history as
one ``INSERT … SELECT`` of the applications just inserted — rather than as
ORM objects flushed by the unit of work, whose bookkeeping for a dozen small
rows took about a quarter of the intake's CPU. The statements are built
once (building one costs more than sending it). The applications are
inserted without ``RETURNING``, so the driver sends one short statement for
every row; what needs their keys (the history, the attachments) reads them
in the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import String, Table, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from madoguchi.actor import Actor
from madoguchi.db.base import Moment
from madoguchi.intake.application_models import (
    Application,
    ApplicationEvent,
    Attachment,
    Bundle,
    Draft,
)
from madoguchi.intake.delivery_models import Delivery
from madoguchi.intake.intake_errors import AlreadyOpen
from madoguchi.intake.routing import delivery_rows
from madoguchi.intake.status import ApplicationStatus

_BUNDLES = cast(Table, Bundle.__table__)
_APPLICATIONS = cast(Table, Application.__table__)
_EVENTS = cast(Table, ApplicationEvent.__table__)
_DELIVERIES = cast(Table, Delivery.__table__)
_ATTACHMENTS = cast(Table, Attachment.__table__)
_DRAFTS = cast(Table, Draft.__table__)
_INSERT_BUNDLE = insert(_BUNDLES).returning(_BUNDLES.c.id)
_INSERT_APPLICATIONS = insert(_APPLICATIONS)
_INSERT_DELIVERIES = insert(_DELIVERIES)
_APPLICATIONS_OF_BUNDLE = _APPLICATIONS.c.bundle_pk == bindparam("of_bundle")
_RECORD_FIRST_STATUSES = insert(_EVENTS).from_select(
    ["application_pk", "at", "status", "actor_kind", "actor_id"],
    select(_APPLICATIONS.c.id, bindparam("status_at", type_=Moment()), _APPLICATIONS.c.status,
           bindparam("by_kind", type_=String()), bindparam("by_id", type_=String()))
    .where(_APPLICATIONS_OF_BUNDLE).order_by(_APPLICATIONS.c.id))
"""Each new application's status as its first history entry, in the order the applications were made."""
_LINK_ATTACHMENTS = (update(_ATTACHMENTS).where(_ATTACHMENTS.c.draft_pk == bindparam("of_draft"))
                     .values(application_pk=select(_APPLICATIONS.c.id).where(
                         _APPLICATIONS_OF_BUNDLE, _APPLICATIONS.c.procedure == _ATTACHMENTS.c.procedure,
                         _APPLICATIONS.c.subject == _ATTACHMENTS.c.subject).scalar_subquery()))
"""Each attachment of the draft to the application of its procedure and subject."""
_MARK_SUBMITTED = (update(_DRAFTS).where(_DRAFTS.c.id == bindparam("submitted_draft"))
                   .values(submitted_bundle=bindparam("bundle_reference")))
_KEYS = select(_APPLICATIONS.c.reference, _APPLICATIONS.c.id).where(_APPLICATIONS_OF_BUNDLE)


@dataclass(frozen=True)
class NewBundle:
    reference: str
    draft_pk: int
    applicant: str
    event: str
    event_date: date
    content_digest: str
    signature: dict[str, Any]
    submitted_at: datetime
    lang: str

    def row(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class NewApplication:
    reference: str
    procedure: str
    subject: str
    department: str
    status: ApplicationStatus
    open_key: str
    deadline: date | None
    fields: list[Any]
    evidence: list[Any]

    def row(self, bundle_pk: int, now: datetime) -> dict[str, Any]:
        return {**self.__dict__, "bundle_pk": bundle_pk, "status": self.status.value,
                "subject_atena": self.subject if self.subject.isdigit() else None, "correction": None,
                "created_at": now, "updated_at": now}


def write_bundle(session: Session, *, draft: Draft, attachments: Sequence[Attachment], bundle: NewBundle,
                 applications: Sequence[NewApplication], actor: Actor) -> dict[str, int]:
    """Insert the bundle and its applications, their first statuses and the deliveries of those received;
    link the draft's attachments to their applications and mark the draft submitted.

    Returns the key of each application by reference when some of them wait for co-signatures (their
    requests need it), else an empty mapping. Raises AlreadyOpen when another request opened one of
    the applications between the caller's check and this insert (the unique ``open_key``).
    """
    now = bundle.submitted_at
    bundle_pk = session.execute(_INSERT_BUNDLE, bundle.row()).scalar_one()
    try:
        session.execute(_INSERT_APPLICATIONS, [a.row(bundle_pk, now) for a in applications])
    except IntegrityError:
        raise AlreadyOpen("an application of this bundle was submitted a moment ago in another bundle; "
                          "look at your applications") from None
    session.execute(_RECORD_FIRST_STATUSES, {"of_bundle": bundle_pk, "status_at": now, "by_kind": actor.kind,
                                             "by_id": actor.id})
    received = [a for a in applications if a.status == ApplicationStatus.RECEIVED]
    if received:
        session.execute(_INSERT_DELIVERIES, delivery_rows(received, bundle, now))
    if attachments:
        _link_attachments(session, draft, attachments, bundle_pk)
    _mark_submitted(session, draft, bundle.reference)
    if len(received) == len(applications):
        return {}
    return {reference: pk for reference, pk in session.execute(_KEYS, {"of_bundle": bundle_pk})}


def _link_attachments(session: Session, draft: Draft, attachments: Sequence[Attachment], bundle_pk: int) -> None:
    """Link the attachments; the session's copies forget their link, so reading it asks the database again."""
    session.execute(_LINK_ATTACHMENTS, {"of_draft": draft.id, "of_bundle": bundle_pk})
    for attachment in attachments:
        session.expire(attachment, ["application_pk"])


def _mark_submitted(session: Session, draft: Draft, reference: str) -> None:
    """The draft is submitted as this bundle, in the database and in the session's copy alike."""
    session.execute(_MARK_SUBMITTED, {"submitted_draft": draft.id, "bundle_reference": reference})
    set_committed_value(draft, "submitted_bundle", reference)
