"""What a rule knows of a household: the `Person` facts of docs/rules.md on the event date.

`build_household` makes them from plain hub rows (mappings keyed by the hub's
column names, dates as `date` or ISO strings), so the navigator can feed it
from whatever read the rows — the data API, a test, a benchmark. The SQL
compiler (`rules.sql`) states the same facts as subqueries; the two must agree
field by field, which the property test checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from madoguchi.rules import lawdates

RESIDENT = "1"
"""住民状態 of a person living in the city."""
HEAD = "世帯主"
UNREGISTERED = "未届"
"""In a 続柄 (妻(未届)): a partner whose marriage is not registered."""
_HEAD_SPOUSES = ("妻", "夫", f"妻({UNREGISTERED})", f"夫({UNREGISTERED})")
_CHILD_SPOUSES = ("子の妻", "子の夫")
SPOUSE_PAIRS: frozenset[tuple[str, str]] = frozenset(
    {(HEAD, r) for r in _HEAD_SPOUSES} | {(r, HEAD) for r in _HEAD_SPOUSES}
    | {("子", r) for r in _CHILD_SPOUSES} | {(r, "子") for r in _CHILD_SPOUSES}
)
"""Pairs of 続柄 that make two members of one household spouses.

The register says how each member relates to the 世帯主 only, so 子 ↔ 子の妻
cannot tell which child a daughter-in-law married: with two married children
in one household each counts as the spouse of both.
"""

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Person:
    """One person's facts on the event date. Field names are the rule language's."""

    ref: str
    """The subject reference: the 宛名番号, or ``newborn``, ``mover:N``, ``spouse``."""
    birth_date: date | None
    """None when unknown (生年月日不詳): a rule asking an age needs a staff check."""
    atena: str = ""
    sex: str = "0"
    relationship: str = ""
    is_head: bool = False
    is_applicant: bool = False
    is_applicant_spouse: bool = False
    resident_kind: str = ""
    nhi: bool = False
    late_elderly: bool = False
    ltc: bool = False
    care_level: str = ""
    pension_category: str = ""
    pension_months: int = 0
    child_allowance_recipient: bool = False
    child_allowance_child: bool = False
    income: int = 0
    dependents: int = 0
    taxed: bool = False
    employer_insurance: bool = False
    public_servant: bool = False


@dataclass(frozen=True)
class HouseholdFacts:
    on: date
    """The event date every fact is taken on."""
    applicant: Person | None
    """None for a move-in: the movers are not in the hub yet."""
    members: tuple[Person, ...]
    """The members the applicant may see (status 1; 支援措置 hides the others), applicant included."""

    def member(self, atena: str) -> Person | None:
        return next((m for m in self.members if m.atena == atena), None)


def is_spouse_pair(relationship: str, other: str) -> bool:
    return (relationship, other) in SPOUSE_PAIRS


def as_date(value: Any) -> date | None:
    """A date from a row: a `date`, an ISO string, or empty."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _current(rows: Iterable[Row]) -> list[Row]:
    """Rows that are current versions (a row without ``valid_to`` is taken as current)."""
    return [r for r in rows if r.get("valid_to") is None]


def _in_force(start: Any, end: Any, on: date) -> bool:
    """Started on or before ``on`` and not ended by it (the end day is the first day without)."""
    started, ended = as_date(start), as_date(end)
    return started is not None and started <= on and (ended is None or ended > on)


def _by_person(rows: Iterable[Row], column: str = "atena_number") -> dict[str, list[Row]]:
    found: dict[str, list[Row]] = {}
    for row in _current(rows):
        found.setdefault(row[column], []).append(row)
    return found


def build_household(applicant: str, on: date, *, juki: Sequence[Row], nhi: Iterable[Row] = (),
                    late_elderly: Iterable[Row] = (), ltc: Iterable[Row] = (),
                    pension: Iterable[Row] = (), child_allowance: Iterable[Row] = (),
                    tax: Iterable[Row] = ()) -> HouseholdFacts:
    """The applicant's household on ``on`` from the current hub rows of its members.

    ``juki`` holds the 住民記録 rows of the household (others are ignored); the
    other systems' rows may hold more people than the household. Raises
    ValueError when the applicant is not a resident among ``juki``.
    """
    people = {r["atena_number"]: r for r in _current(juki)}
    own = people.get(applicant)
    if own is None or own["status"] != RESIDENT:
        raise ValueError(f"{applicant} is not a resident among the household rows")
    visible = sorted(
        (r for r in people.values()
         if r["household_number"] == own["household_number"] and r["status"] == RESIDENT
         and (not r.get("support_measure") or r["atena_number"] == applicant)),
        key=lambda r: r["atena_number"],
    )
    nhi_rows, elderly_rows = _by_person(nhi), _by_person(late_elderly)
    ltc_rows, pension_rows, tax_rows = _by_person(ltc), _by_person(pension), _by_person(tax)
    recipients = _by_person(child_allowance, "recipient_atena")
    children = _by_person(child_allowance, "child_atena")

    def person(row: Row) -> Person:
        atena = row["atena_number"]
        care = ltc_rows.get(atena, [])
        pension_row = next(iter(pension_rows.get(atena, [])), None)
        since = as_date(pension_row["since"]) if pension_row else None
        latest_tax = max(tax_rows.get(atena, []), key=lambda r: int(r["fiscal_year"]), default=None)
        return Person(
            ref=atena,
            birth_date=as_date(row.get("birth_date")),
            atena=atena,
            sex=row["sex"],
            relationship=row["relationship"],
            is_head=row["relationship"] == HEAD,
            is_applicant=atena == applicant,
            is_applicant_spouse=atena != applicant
            and is_spouse_pair(own["relationship"], row["relationship"]),
            resident_kind=row["resident_kind"],
            nhi=any(_in_force(r["acquired_on"], r.get("lost_on"), on) for r in nhi_rows.get(atena, [])),
            late_elderly=any(_in_force(r["acquired_on"], r.get("lost_on"), on)
                             for r in elderly_rows.get(atena, [])),
            ltc=bool(care),
            care_level=next((r.get("care_level") or "" for r in care
                             if (until := as_date(r.get("certified_until"))) is None or until >= on), ""),
            pension_category=(pension_row["category"]
                              if pension_row and (since is None or since <= on) else ""),
            pension_months=lawdates.pension_months(since, on) if since is not None else 0,
            child_allowance_recipient=any(_in_force(r["certified_on"], r.get("ended_on"), on)
                                          for r in recipients.get(atena, [])),
            child_allowance_child=any(_in_force(r["certified_on"], r.get("ended_on"), on)
                                      for r in children.get(atena, [])),
            income=int(latest_tax["total_income"]) if latest_tax else 0,
            dependents=int(latest_tax["dependents"]) if latest_tax else 0,
            taxed=bool(latest_tax["taxed"]) if latest_tax else False,
        )

    members = tuple(person(r) for r in visible)
    return HouseholdFacts(on, next(m for m in members if m.is_applicant), members)


def newborn(on: date) -> Person:
    """The child of a birth event: not in the hub yet, born on the event date."""
    return Person(ref="newborn", birth_date=on)


def person_from_answer(ref: str, entry: Mapping[str, Any]) -> Person:
    """A person given in an answer, not in the hub: a spouse from elsewhere, a mover.

    Reads ``birth_date``, ``sex``, ``relationship``, ``employer_insurance`` and
    ``public_servant`` where given; raises ValueError on a birth date that is not a date.
    """
    return Person(
        ref=ref,
        birth_date=as_date(entry.get("birth_date")),
        sex=str(entry.get("sex") or "0"),
        relationship=str(entry.get("relationship") or ""),
        is_head=entry.get("relationship") == HEAD,
        employer_insurance=bool(entry.get("employer_insurance", False)),
        public_servant=bool(entry.get("public_servant", False)),
    )


def movers_household(on: date, movers: Sequence[Mapping[str, Any]]) -> HouseholdFacts:
    """The household of a move-in: the movers given in the answer (``mover:N``), no applicant."""
    members = tuple(person_from_answer(f"mover:{n}", entry) for n, entry in enumerate(movers))
    return HouseholdFacts(on, None, members)


def with_ref(person: Person, ref: str) -> Person:
    return replace(person, ref=ref)
