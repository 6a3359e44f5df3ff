"""A resident's access log as their My data page lists it: narrowed, paged, and their minor children's too.

``service.list_access`` gives a resident their own whole log. Looking for one
read, a resident narrows it — the kind of purpose, the department, a period —
and a parent also answers for the minor children they may see under
``self-view`` (``policy.may_read``). A parent listing a child's log reads the
child's data: that listing is logged in the child's chain (``items:
["access_log"]``), as an auditor's is; a resident listing their own is not.

Who read is shown as far as the resident may know it: the department always,
the id only of a program (a system's name), of the resident themselves, and
of the person the log is about — never a staff member's, an operator's or
another resident's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.registry import access_log, policy, queries
from madoguchi.registry.access_log import AccessRecord
from madoguchi.registry.access_models import AccessLogEntry
from madoguchi.registry.errors import PersonNotFound, PurposeNotAllowed
from madoguchi.registry.policy import SELF_VIEW
from madoguchi.registry.purpose import PurposeRegistry
from madoguchi.registry.schemas import AccessEntryView
from madoguchi.registry.service import NOT_VISIBLE

ACCESS_LOG_ITEM = "access_log"


@dataclass(frozen=True)
class AccessFilter:
    purpose_kind: str | None = None
    """A static purpose (``self-view``, ``audit``, …) or a template's kind (``procedure``, …)."""
    department: str | None = None
    since: date | None = None
    until: date | None = None
    """The period's first and last day (both included), in Asia/Tokyo."""


@dataclass(frozen=True)
class AccessPage:
    atena_number: str
    entries: list[AccessEntryView]
    """Newest first."""
    next_before: int | None
    """Pass as ``before`` for the next (older) page; None at the end."""
    departments: list[str]
    """Every department the resident's log names (in code point order, the same on every database)."""


def purpose_kinds(purposes: PurposeRegistry) -> list[str]:
    """What ``AccessFilter.purpose_kind`` may name: the static purposes and the templates' kinds."""
    return [*purposes.purposes, *purposes.templates]


def list_resident_access(session: Session, *, actor: Actor, atena_number: str, purposes: PurposeRegistry,
                         filters: AccessFilter | None = None, limit: int = 20,
                         before: int | None = None) -> AccessPage:
    """The entries about a resident that the acting resident may see, newest first, narrowed by ``filters``.

    Raises PurposeNotAllowed (the actor is not a resident), PersonNotFound
    (neither the actor nor a minor child they may see under ``self-view``) —
    before anything is read or logged.
    """
    if actor.kind != "resident":
        raise PurposeNotAllowed("only a resident lists their access log this way; auditors use list_access")
    self_view = purposes.resolve(SELF_VIEW)
    if atena_number != actor.id:
        known = queries.juki_records(session, {atena_number, actor.id}, None)
        subject = known.get(atena_number)
        if subject is None or not policy.may_read(actor, self_view, subject, requester=known.get(actor.id),
                                                  on=clock.today()):
            raise PersonNotFound(NOT_VISIBLE)
    conditions = [AccessLogEntry.subject == atena_number, *_narrowed(filters or AccessFilter())]
    if before is not None:
        conditions.append(AccessLogEntry.seq < before)
    rows = list(session.scalars(select(AccessLogEntry).where(*conditions)
                                .order_by(AccessLogEntry.seq.desc()).limit(limit + 1)))
    page = rows[:limit]
    departments = session.scalars(select(AccessLogEntry.department).distinct().where(
        AccessLogEntry.subject == atena_number, AccessLogEntry.department.is_not(None)))
    if atena_number != actor.id:
        access_log.append_reads(session, record=AccessRecord(
            actor=actor, purpose=self_view.id, legal_basis=self_view.legal_basis, my_number_basis=None, as_of=None),
            reads=[(atena_number, [ACCESS_LOG_ITEM])])
    return AccessPage(atena_number=atena_number, entries=[_shown(entry, actor) for entry in page],
                      next_before=page[-1].seq if len(rows) > limit else None,
                      departments=sorted(d for d in departments if d is not None))


def _narrowed(filters: AccessFilter) -> Sequence[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.purpose_kind:
        kind = filters.purpose_kind
        conditions.append(or_(AccessLogEntry.purpose == kind,
                              AccessLogEntry.purpose.startswith(f"{kind}:", autoescape=True)))
    if filters.department:
        conditions.append(AccessLogEntry.department == filters.department)
    if filters.since is not None:
        conditions.append(AccessLogEntry.recorded_at >= _start_of(filters.since))
    if filters.until is not None:
        conditions.append(AccessLogEntry.recorded_at < _start_of(filters.until + timedelta(days=1)))
    return conditions


def _start_of(day: date) -> datetime:
    """Midnight in Tokyo, in UTC as the log records its moments."""
    return datetime.combine(day, time(), clock.TOKYO).astimezone(UTC)


def _shown(entry: AccessLogEntry, viewer: Actor) -> AccessEntryView:
    named = entry.actor_kind == "system" or (
        entry.actor_kind == "resident" and entry.actor_id in (viewer.id, entry.subject))
    return AccessEntryView(
        seq=entry.seq, recorded_at=access_log.aware(entry.recorded_at).astimezone(clock.TOKYO),
        actor_kind=entry.actor_kind, actor_id=entry.actor_id if named else None, department=entry.department,
        purpose=entry.purpose, legal_basis=entry.legal_basis, my_number_basis=entry.my_number_basis,
        items=list(entry.items), as_of=entry.as_of)
