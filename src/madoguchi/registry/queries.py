"""All SQL that reads the hub's records: current ones, or those valid on a past date.

Reads are set-based: one query per system for every person of a view (a
household is never read person by person). Statements are built once per
table and reused with bound parameters — a view runs on the hot path of
every prefill, and building SQL costs more than running it.

A version is current while ``valid_to`` is NULL. On a past date D the valid
version of a key is its latest one that started on or before D, unless that
version ended (absent from a full set, or deleted by a delta) on or before D.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import JSON, Select, String, bindparam, func, or_, select, type_coerce, union_all
from sqlalchemy.orm import Session, aliased

from madoguchi.clock import TOKYO
from madoguchi.db.engine import is_postgres
from madoguchi.registry.models import (
    SYSTEM_TABLES,
    ChildAllowanceRecord,
    JukiRecord,
    SystemSnapshot,
    VersionedRecord,
)

R = TypeVar("R", bound=VersionedRecord)

RESIDENT = "1"
"""住民状態 of a person living in the city (juki ``status``)."""


def _person_columns(model: type[VersionedRecord]) -> tuple[str, ...]:
    """The columns that name a person in a system's table."""
    if model is ChildAllowanceRecord:
        return ("recipient_atena", "child_atena")
    return ("atena_number",)


@cache
def _records_of(model: type[VersionedRecord], current: bool) -> Select[Any]:
    """The versions of the people ``:people`` (current ones, or those started by ``:as_of``)."""
    people = bindparam("people", expanding=True, type_=String())
    naming = or_(*(getattr(model, c).in_(people) for c in _person_columns(model)))
    started = model.valid_to.is_(None) if current else model.valid_from <= bindparam("as_of")
    return select(model).where(naming, started)


@cache
def _households_of(current: bool) -> Select[Any]:
    in_household = JukiRecord.household_number.in_(bindparam("households", expanding=True, type_=String()))
    if current:
        return select(JukiRecord).where(in_household, JukiRecord.valid_to.is_(None))
    return select(JukiRecord.atena_number).where(in_household, JukiRecord.valid_from <= bindparam("as_of"))


@cache
def _people_and_households(postgres: bool) -> Select[Any]:
    """The current records of ``:people`` and of everyone in the households of ``:subjects``.

    Two index searches joined by UNION ALL (an OR of the two would scan every
    current record on PostgreSQL); a person found by both comes twice, as one
    object. Each row also carries every system's export time, as one JSON
    object (system → time): the dates come with the people, not in a query of
    their own.
    """
    current = JukiRecord.valid_to.is_(None)
    households = select(JukiRecord.household_number).where(
        current, JukiRecord.atena_number.in_(bindparam("subjects", expanding=True, type_=String())))
    found = union_all(
        select(JukiRecord).where(current, JukiRecord.atena_number.in_(
            bindparam("people", expanding=True, type_=String()))),
        select(JukiRecord).where(current, JukiRecord.household_number.in_(households.scalar_subquery())),
    ).subquery()
    aggregate = func.json_object_agg if postgres else func.json_group_object
    snapshots = type_coerce(select(aggregate(SystemSnapshot.system, SystemSnapshot.extracted_at))
                            .scalar_subquery(), JSON)
    return select(aliased(JukiRecord, found), snapshots)


_SNAPSHOTS = select(SystemSnapshot.system, SystemSnapshot.extracted_at)


def _valid_on(records: Sequence[R], as_of: date | None) -> list[R]:
    """Of the versions that started by ``as_of``, each key's version valid on that date."""
    if as_of is None:
        return list(records)
    latest: dict[tuple[object, ...], R] = {}
    for record in records:
        key = tuple(getattr(record, c) for c in record.key_columns)
        kept = latest.get(key)
        if kept is None or (record.valid_from, record.id) > (kept.valid_from, kept.id):
            latest[key] = record
    return [r for r in latest.values()
            if r.valid_to is None or r.valid_to > as_of or r.end_reason == "replaced"]


def _read(session: Session, model: type[R], atena_numbers: Collection[str], as_of: date | None) -> list[R]:
    statement = _records_of(model, as_of is None)
    parameters: dict[str, Any] = {"people": sorted(atena_numbers), "as_of": as_of}
    return _valid_on(session.scalars(statement, parameters).all(), as_of)


def juki_records(session: Session, atena_numbers: Collection[str], as_of: date | None) -> dict[str, JukiRecord]:
    """The 住民記録 of these people, by 宛名番号 (those unknown are absent)."""
    if not atena_numbers:
        return {}
    return {r.atena_number: r for r in _read(session, JukiRecord, atena_numbers, as_of)}


def household_members(session: Session, household_numbers: Collection[str],
                      as_of: date | None) -> dict[str, list[JukiRecord]]:
    """The people living in each household (住民状態 1), in 宛名番号 order; an empty household is absent."""
    if not household_numbers:
        return {}
    parameters: dict[str, Any] = {"households": sorted(household_numbers), "as_of": as_of}
    if as_of is None:
        members = list(session.scalars(_households_of(True), parameters))
    else:  # someone may have been in the household then and elsewhere now, or the reverse
        ever = set(session.scalars(_households_of(False), parameters))
        members = list(juki_records(session, ever, as_of).values())
    return _by_household(members, household_numbers)


@dataclass(frozen=True)
class People:
    """The 住民記録 a view starts from: the people it names, and the households of some of them."""

    records: dict[str, JukiRecord]
    """By 宛名番号; those unknown are absent."""
    households: dict[str, list[JukiRecord]]
    """By 世帯番号, as `household_members` gives them."""
    snapshots: dict[str, date] | None
    """`snapshot_dates`, when they came with the people (current values, someone found)."""


def people_and_households(session: Session, atena_numbers: Collection[str], households_of: Collection[str],
                          as_of: date | None) -> People:
    """The 住民記録 of these people, and the households of those in ``households_of``.

    Current values take one query, which brings the systems' export dates too.
    """
    if as_of is not None:
        records = juki_records(session, atena_numbers, as_of)
        numbers = {records[a].household_number for a in households_of if a in records}
        return People(records, household_members(session, numbers, as_of), None)
    parameters = {"people": sorted(atena_numbers), "subjects": sorted(households_of)}
    rows = session.execute(_people_and_households(is_postgres(session)), parameters).all()
    records = {record.atena_number: record for record, _ in rows}
    numbers = {records[a].household_number for a in households_of if a in records}
    snapshots = {system: _tokyo_date(datetime.fromisoformat(moment))
                 for system, moment in (rows[0][1] or {}).items()} if rows else None
    return People({a: records[a] for a in atena_numbers if a in records},
                  _by_household(records.values(), numbers), snapshots)


def system_records(session: Session, system: str, atena_numbers: Collection[str],
                   as_of: date | None) -> dict[str, list[VersionedRecord]]:
    """One system's records of these people, by 宛名番号 (a record naming two of them is under both)."""
    model = SYSTEM_TABLES[system]
    columns = _person_columns(model)
    wanted = set(atena_numbers)
    by_person: dict[str, list[VersionedRecord]] = defaultdict(list)
    for record in _read(session, model, wanted, as_of):
        for person in {getattr(record, c) for c in columns} & wanted:
            by_person[person].append(record)
    return by_person


def _by_household(people: Iterable[JukiRecord], household_numbers: Collection[str]) -> dict[str, list[JukiRecord]]:
    """The residents (住民状態 1) of these households, in 宛名番号 order; an empty household is absent."""
    by_household: dict[str, list[JukiRecord]] = defaultdict(list)
    for person in sorted(people, key=lambda p: p.atena_number):
        if person.status == RESIDENT and person.household_number in household_numbers:
            by_household[person.household_number].append(person)
    return dict(by_household)


def snapshot_dates(session: Session) -> dict[str, date]:
    """Each system's latest export date (Asia/Tokyo): the as-of date of its values."""
    return {system: _tokyo_date(extracted_at) for system, extracted_at in session.execute(_SNAPSHOTS)}


def _tokyo_date(moment: datetime) -> date:
    # SQLite gives back the wall time without its offset; the exports are the city's, in JST.
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=TOKYO)
    return aware.astimezone(TOKYO).date()
