"""The purpose-bound data API (自治体内情報活用API): read the hub, log every read.

Every view names a purpose, reads only the items the purpose allows, and
appends one access-log entry per person read, in the caller's transaction
(flushed, never committed: the entry commits with the read or not at all). A
refused read raises before anything is read or logged.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from pydantic import JsonValue
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.registry import access_log, policy, queries
from madoguchi.registry.access_log import AccessRecord
from madoguchi.registry.access_models import AccessLogEntry
from madoguchi.registry.errors import (
    HouseholdNotFound,
    ItemNotAllowed,
    PersonNotFound,
    PurposeNotAllowed,
)
from madoguchi.registry.items import HOUSEHOLD, ITEMS, MY_NUMBER
from madoguchi.registry.models import JukiRecord, VersionedRecord
from madoguchi.registry.policy import SELF_VIEW
from madoguchi.registry.purpose import MyNumberAccess, Purpose, PurposeRegistry
from madoguchi.registry.schemas import (
    AccessEntryView,
    AccessList,
    HouseholdView,
    ItemValue,
    PersonView,
)
from madoguchi.vault import Vault

NOT_VISIBLE = "no person with that 宛名番号 can be read for this purpose"
MASKED_ITEM = f"{MY_NUMBER}:masked"
"""How the log names a My Number shown masked (its last four digits only)."""
AUDIT = "audit"


def view_person(session: Session, *, actor: Actor, atena_number: str, purpose: str,
                purposes: PurposeRegistry, vault: Vault, as_of: date | None = None,
                items: Collection[str] | None = None) -> PersonView:
    """One person's items allowed by the purpose (current, or valid on ``as_of``); logged.

    ``items`` narrows the read to some of the purpose's items. With the item
    ``household`` the view also holds the other members the actor may see,
    each read (and logged) with the same purpose.

    Raises PurposeUnknown, PurposeNotAllowed, ItemNotAllowed, PersonNotFound.
    """
    resolved, wanted = _authorise(actor, purpose, purposes, items)
    on = as_of or clock.today()
    known = queries.juki_records(session, {atena_number, *_acting_resident(actor)}, as_of)
    subject = known.get(atena_number)
    requester = known.get(actor.id) if actor.kind == "resident" else (
        subject if resolved.id == SELF_VIEW else None)
    if subject is None or not policy.may_read(actor, resolved, subject, requester=requester, on=on):
        raise PersonNotFound(NOT_VISIBLE)
    members: list[JukiRecord] = []
    if HOUSEHOLD in wanted:
        members = [m for m in queries.household_members(session, subject.household_number, as_of)
                   if m.atena_number != subject.atena_number
                   and policy.may_read(actor, resolved, m, requester=requester, on=on)]
    member_items = wanted - {HOUSEHOLD}
    reader = _Reader.load(session, [subject, *members], member_items, resolved, vault, as_of)
    view = reader.view(subject, member_items)
    if HOUSEHOLD in wanted:
        member_views: list[JsonValue] = [reader.view(m, member_items).model_dump(mode="json")
                                         for m in members]
        view.items[HOUSEHOLD] = ItemValue(value=member_views, source=ITEMS[HOUSEHOLD].system,
                                          as_of=reader.snapshots.get("juki"), since=subject.valid_from)
    _log(session, actor, resolved, as_of,
         [(subject.atena_number, wanted), *((m.atena_number, member_items) for m in members)])
    return view


def view_household(session: Session, *, actor: Actor, household_number: str, purpose: str,
                   purposes: PurposeRegistry, vault: Vault, as_of: date | None = None,
                   items: Collection[str] | None = None) -> HouseholdView:
    """The members of a household the actor may see for the purpose, one query per system; logged.

    Raises PurposeUnknown, PurposeNotAllowed, ItemNotAllowed, HouseholdNotFound.
    """
    resolved, wanted = _authorise(actor, purpose, purposes, items)
    wanted -= {HOUSEHOLD}
    on = as_of or clock.today()
    household = queries.household_members(session, household_number, as_of)
    requester = None
    if actor.kind == "resident":  # a resident sees only their own household
        requester = next((m for m in household if m.atena_number == actor.id), None)
        household = household if requester is not None else []
    visible = [m for m in household if policy.may_read(actor, resolved, m, requester=requester, on=on)]
    if not visible:
        raise HouseholdNotFound("no household with that 世帯番号 can be read for this purpose")
    reader = _Reader.load(session, visible, wanted, resolved, vault, as_of)
    view = HouseholdView(household_number=household_number, purpose=resolved.id, as_of=as_of,
                         members=[reader.view(m, wanted) for m in visible])
    _log(session, actor, resolved, as_of, [(m.atena_number, wanted) for m in visible])
    return view


def list_access(session: Session, *, actor: Actor, atena_number: str, purpose: str,
                purposes: PurposeRegistry, limit: int = 50, before: int | None = None) -> AccessList:
    """Who read a resident's data, newest first: the resident their own (``self-view``), auditors anyone (``audit``).

    An auditor's listing is itself logged in the resident's chain.
    Raises PurposeUnknown, PurposeNotAllowed, PersonNotFound.
    """
    resolved = purposes.resolve(purpose)
    policy.authorise_purpose(actor, resolved)
    if actor.kind == "resident":
        if resolved.id != SELF_VIEW:
            raise PurposeNotAllowed(f"a resident lists their access log for the purpose {SELF_VIEW!r}")
        if actor.id != atena_number:
            raise PersonNotFound(NOT_VISIBLE)
    elif resolved.id != AUDIT:
        raise PurposeNotAllowed(f"the access log is listed for the purpose {AUDIT!r}")
    entries = access_log.latest_entries(session, atena_number, limit=limit + 1, before=before)
    page = entries[:limit]
    shown = [_entry_view(entry, actor) for entry in page]
    if actor.kind != "resident":
        _log(session, actor, resolved, None, [(atena_number, frozenset({"access_log"}))])
    return AccessList(atena_number=atena_number, entries=shown,
                      next_before=page[-1].seq if len(entries) > limit else None)


def mask_my_number(number: str) -> str:
    """The My Number as ``self-view`` shows it: the last four digits only."""
    return "*" * (len(number) - 4) + number[-4:]


def _authorise(actor: Actor, purpose: str, purposes: PurposeRegistry,
               items: Collection[str] | None) -> tuple[Purpose, frozenset[str]]:
    resolved = purposes.resolve(purpose)
    policy.authorise_purpose(actor, resolved)
    readable = resolved.readable_items
    if items is None:
        return resolved, readable
    refused = sorted(set(items) - readable)
    if refused:
        raise ItemNotAllowed(f"the purpose {resolved.id!r} does not allow: {', '.join(refused)}")
    return resolved, frozenset(items)


def _acting_resident(actor: Actor) -> tuple[str, ...]:
    return (actor.id,) if actor.kind == "resident" else ()


@dataclass(frozen=True)
class _Reader:
    """The records of every person of one view, read with one query per system."""

    records: dict[str, dict[str, list[VersionedRecord]]]
    snapshots: dict[str, date]
    purpose: Purpose
    vault: Vault
    as_of: date | None

    @classmethod
    def load(cls, session: Session, people: Sequence[JukiRecord], items: frozenset[str],
             purpose: Purpose, vault: Vault, as_of: date | None) -> _Reader:
        atena_numbers = [p.atena_number for p in people]
        systems = {ITEMS[name].system for name in items} - {"juki"}
        records = {system: queries.system_records(session, system, atena_numbers, as_of)
                   for system in sorted(systems)}
        return cls(records, queries.snapshot_dates(session), purpose, vault, as_of)

    def view(self, person: JukiRecord, items: frozenset[str]) -> PersonView:
        values: dict[str, ItemValue] = {}
        for item in ITEMS.values():
            if item.name not in items or item.shape is None:
                continue
            records: Sequence[VersionedRecord] = (
                [person] if item.system == "juki"
                else self.records[item.system].get(person.atena_number, []))
            read = item.shape.read(records, person.atena_number, self.vault.open)
            value = read.value
            if item.name == MY_NUMBER and isinstance(value, str) and self.purpose.my_number_access == "masked":
                value = mask_my_number(value)
            values[item.name] = ItemValue(value=value, source=item.system,
                                          as_of=self.snapshots.get(item.system), since=read.since)
        return PersonView(atena_number=person.atena_number, purpose=self.purpose.id,
                          as_of=self.as_of, items=values)


def _log(session: Session, actor: Actor, purpose: Purpose, as_of: date | None,
         reads: list[tuple[str, frozenset[str]]]) -> None:
    access = purpose.my_number_access
    record = AccessRecord(
        actor=actor, purpose=purpose.id, legal_basis=purpose.legal_basis,
        my_number_basis=purpose.my_number_basis if access == "full" else None, as_of=as_of)
    access_log.append_reads(session, record=record,
                            reads=[(subject, _logged_items(items, access)) for subject, items in reads])


def _logged_items(items: frozenset[str], access: MyNumberAccess) -> list[str]:
    if MY_NUMBER in items and access == "masked":
        return [MASKED_ITEM if name == MY_NUMBER else name for name in items]
    return list(items)


def _entry_view(entry: AccessLogEntry, viewer: Actor) -> AccessEntryView:
    own = entry.actor_kind == "resident" and entry.actor_id == viewer.id
    return AccessEntryView(
        seq=entry.seq, recorded_at=access_log.aware(entry.recorded_at).astimezone(clock.TOKYO), actor_kind=entry.actor_kind,
        actor_id=entry.actor_id if viewer.kind != "resident" or own else None,
        department=entry.department, purpose=entry.purpose, legal_basis=entry.legal_basis,
        my_number_basis=entry.my_number_basis, items=list(entry.items), as_of=entry.as_of)
