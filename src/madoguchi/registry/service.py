"""The purpose-bound data API (自治体内情報活用API): read the hub, log every read.

Every view names a purpose, reads only the items the purpose allows, and
appends one access-log entry per person read, in the caller's transaction
(flushed, never committed: the entry commits with the read or not at all). A
refused read raises before anything is logged.

Reads are set-based: a view, or a batch of them (`view_persons`: a bundle's
forms), fetches its people with one query per system and logs them in one
append; records a request has fetched already (`Fetched`) are not fetched again.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date

from pydantic import JsonValue
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.registry import access_log, policy, queries
from madoguchi.registry.access_log import AccessRecord, LoggedRead
from madoguchi.registry.access_models import AccessLogEntry
from madoguchi.registry.errors import (
    HouseholdNotFound,
    ItemNotAllowed,
    PersonNotFound,
    PurposeNotAllowed,
)
from madoguchi.registry.fetched import Fetched
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


@dataclass(frozen=True)
class PersonRead:
    """One read of a batch (`view_persons`): whom, for which purpose, and optionally which of its items."""

    atena_number: str
    purpose: str
    items: Collection[str] | None = None


def view_person(session: Session, *, actor: Actor, atena_number: str, purpose: str,
                purposes: PurposeRegistry, vault: Vault, as_of: date | None = None,
                items: Collection[str] | None = None, fetched: Fetched | None = None) -> PersonView:
    """One person's items allowed by the purpose (current, or valid on ``as_of``); logged.

    ``items`` narrows the read to some of the purpose's items. With the item
    ``household`` the view also holds the other members the actor may see,
    each read (and logged) with the same purpose. ``fetched``, kept by the
    caller for one request, spares its later views what this one fetches.

    Raises PurposeUnknown, PurposeNotAllowed, ItemNotAllowed, PersonNotFound.
    """
    [view] = view_persons(session, actor=actor, reads=[PersonRead(atena_number, purpose, items)],
                          purposes=purposes, vault=vault, as_of=as_of, fetched=fetched)
    return view


def view_persons(session: Session, *, actor: Actor, reads: Sequence[PersonRead], purposes: PurposeRegistry,
                 vault: Vault, as_of: date | None = None, fetched: Fetched | None = None) -> list[PersonView]:
    """Several reads at once, each answered as `view_person` answers it, in the order asked.

    The people of every read are fetched together (one query per system, none
    for what ``fetched`` holds already) and logged in one append. Each person
    read gets one entry per purpose: a person read twice for one purpose (two
    forms of one procedure) gets one, naming every item read. If any read is
    refused, none is answered and nothing is logged.

    Raises as `view_person`; ValueError for a ``fetched`` of another ``as_of``.
    """
    if fetched is None:
        fetched = Fetched(as_of)
    elif fetched.as_of != as_of:
        raise ValueError(f"records fetched as of {fetched.as_of} cannot answer a view as of {as_of}")
    on = as_of or clock.today()
    checked = [(read, *_authorise(actor, read.purpose, purposes, read.items)) for read in reads]
    fetched.fetch_people(session, {*(read.atena_number for read in reads), *_acting_resident(actor)},
                         {read.atena_number for read, _, wanted in checked if HOUSEHOLD in wanted})
    batch = [_visible(actor, fetched.people, read.atena_number, resolved, wanted, on)
             for read, resolved, wanted in checked]
    for read in batch:
        if HOUSEHOLD in read.wanted:
            read.members = [m for m in fetched.households.get(read.subject.household_number, [])
                            if m.atena_number != read.subject.atena_number
                            and policy.may_read(actor, read.purpose, m, requester=read.requester, on=on)]
    people = {p.atena_number for read in batch for p in (read.subject, *read.members)}
    reader = _Reader.load(session, fetched, people, frozenset().union(*(read.items for read in batch)), vault)
    views = [read.view(reader) for read in batch]
    _log(session, actor, as_of, _entries(batch))
    return views


def view_household(session: Session, *, actor: Actor, household_number: str, purpose: str,
                   purposes: PurposeRegistry, vault: Vault, as_of: date | None = None,
                   items: Collection[str] | None = None) -> HouseholdView:
    """The members of a household the actor may see for the purpose, one query per system; logged.

    Raises PurposeUnknown, PurposeNotAllowed, ItemNotAllowed, HouseholdNotFound.
    """
    resolved, wanted = _authorise(actor, purpose, purposes, items)
    wanted -= {HOUSEHOLD}
    on = as_of or clock.today()
    household = queries.household_members(session, {household_number}, as_of).get(household_number, [])
    requester = None
    if actor.kind == "resident":  # a resident sees only their own household
        requester = next((m for m in household if m.atena_number == actor.id), None)
        household = household if requester is not None else []
    visible = [m for m in household if policy.may_read(actor, resolved, m, requester=requester, on=on)]
    if not visible:
        raise HouseholdNotFound("no household with that 世帯番号 can be read for this purpose")
    reader = _Reader.load(session, Fetched(as_of), {m.atena_number for m in visible}, wanted, vault)
    view = HouseholdView(household_number=household_number, purpose=resolved.id, as_of=as_of,
                         members=[reader.view(m, wanted, resolved) for m in visible])
    _log(session, actor, as_of, [(m.atena_number, resolved, wanted) for m in visible])
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
        _log(session, actor, None, [(atena_number, resolved, frozenset({"access_log"}))])
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


@dataclass
class _Read:
    """One read of a batch, allowed: its subject, on whose behalf, its purpose and items, the members it brings."""

    subject: JukiRecord
    requester: JukiRecord | None
    purpose: Purpose
    wanted: frozenset[str]
    members: list[JukiRecord] = field(default_factory=list)

    @property
    def items(self) -> frozenset[str]:
        """The items read of the subject and of each member: all but ``household``."""
        return self.wanted - {HOUSEHOLD}

    def view(self, reader: _Reader) -> PersonView:
        view = reader.view(self.subject, self.items, self.purpose)
        if HOUSEHOLD in self.wanted:
            members: list[JsonValue] = [reader.view(m, self.items, self.purpose).model_dump(mode="json")
                                        for m in self.members]
            view.items[HOUSEHOLD] = ItemValue(value=members, source=ITEMS[HOUSEHOLD].system,
                                              as_of=reader.snapshots.get("juki"), since=self.subject.valid_from)
        return view


def _visible(actor: Actor, known: dict[str, JukiRecord], atena_number: str, purpose: Purpose,
             wanted: frozenset[str], on: date) -> _Read:
    """The read of that person, if the actor may read them for the purpose; raises PersonNotFound."""
    subject = known.get(atena_number)
    requester = known.get(actor.id) if actor.kind == "resident" else (
        subject if purpose.id == SELF_VIEW else None)
    if subject is None or not policy.may_read(actor, purpose, subject, requester=requester, on=on):
        raise PersonNotFound(NOT_VISIBLE)
    return _Read(subject, requester, purpose, wanted)


def _entries(batch: Sequence[_Read]) -> list[tuple[str, Purpose, frozenset[str]]]:
    """One log entry per person and purpose, naming every item read of them for it."""
    entries: dict[tuple[str, str], tuple[Purpose, set[str]]] = {}
    for read in batch:
        for person, items in [(read.subject, read.wanted), *((m, read.items) for m in read.members)]:
            entries.setdefault((person.atena_number, read.purpose.id), (read.purpose, set()))[1].update(items)
    return [(atena, purpose, frozenset(items)) for (atena, _), (purpose, items) in entries.items()]


@dataclass(frozen=True)
class _Reader:
    """Builds the views of one read from the records fetched for it."""

    fetched: Fetched
    snapshots: dict[str, date]
    vault: Vault

    @classmethod
    def load(cls, session: Session, fetched: Fetched, people: Collection[str], items: frozenset[str],
             vault: Vault) -> _Reader:
        """Fetch what the items need of these people's records (one query per system not fetched yet)."""
        fetched.fetch_systems(session, people, {ITEMS[name].system for name in items})
        return cls(fetched, fetched.snapshots(session), vault)

    def view(self, person: JukiRecord, items: frozenset[str], purpose: Purpose) -> PersonView:
        values: dict[str, ItemValue] = {}
        for item in ITEMS.values():
            if item.name not in items or item.shape is None:
                continue
            records: Sequence[VersionedRecord] = (
                [person] if item.system == "juki" else self.fetched.systems[item.system][person.atena_number])
            read = item.shape.read(records, person.atena_number, self.vault.open)
            value = read.value
            if item.name == MY_NUMBER and isinstance(value, str) and purpose.my_number_access == "masked":
                value = mask_my_number(value)
            values[item.name] = ItemValue(value=value, source=item.system,
                                          as_of=self.snapshots.get(item.system), since=read.since)
        return PersonView(atena_number=person.atena_number, purpose=purpose.id, as_of=self.fetched.as_of,
                          items=values)


def _log(session: Session, actor: Actor, as_of: date | None,
         reads: Sequence[tuple[str, Purpose, frozenset[str]]]) -> None:
    records: dict[str, AccessRecord] = {}
    logged: list[LoggedRead] = []
    for subject, purpose, items in reads:
        record = records.get(purpose.id)
        if record is None:
            access = purpose.my_number_access
            record = records[purpose.id] = AccessRecord(
                actor=actor, purpose=purpose.id, legal_basis=purpose.legal_basis,
                my_number_basis=purpose.my_number_basis if access == "full" else None, as_of=as_of)
        logged.append(LoggedRead(subject, _logged_items(items, purpose.my_number_access), record))
    access_log.append(session, logged)


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
