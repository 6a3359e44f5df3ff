"""The changes a delta set carries, each applied to one household of the full set.

Every change writes the whole new state of each record it touches (``upsert``)
or the record it ends (``delete``), in every system the change concerns and in
no other: a birth adds the child to 住民記録, to 児童手当, and to 国民健康保険
when the parents are insured there; a death ends the person's qualifications
the day after; a move within the city changes only the address.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from madoguchi.sources.synthetic import layout
from madoguchi.sources.synthetic.addresses import Municipality
from madoguchi.sources.synthetic.ages import age_on, end_of_school_year_reaching
from madoguchi.sources.synthetic.fullset import Record, birth_of, is_resident
from madoguchi.sources.synthetic.names import given_names
from madoguchi.sources.synthetic.numbers import (
    issued_numbers,
    my_number,
    nhi_insured_number,
    nhi_insured_symbol,
)
from madoguchi.sources.synthetic.population import HouseholdFactory
from madoguchi.sources.synthetic.systems import (
    ALLOWANCE_THIRD_CHILD,
    ALLOWANCE_UNDER_3,
    COUNTED_CHILD_UNTIL_AGE,
    SystemRecords,
)

KINDS = ("birth", "death", "move_within", "move_out", "move_in", "household_change", "insurance_change")
MOTHER_RELATIONSHIPS = ("世帯主", "妻", "子の妻", "妻(未届)")
SPOUSES = ("妻", "夫", "妻(未届)", "夫(未届)")
BIRTH_REGISTRATION_DAYS = 14
MOVE_IN_MAX_RESIDENTS = 8


def age(record: Record, on: date) -> int | None:
    birth = birth_of(record)
    return age_on(birth, on) if birth is not None else None


def residents_of(rows: list[Record]) -> list[Record]:
    return [r for r in rows if is_resident(r)]


def mother_in(rows: list[Record], on: date) -> Record | None:
    """A Japanese woman who could give birth in this household, if any: 21–44, so that she was
    20–45 on any day of the registration period before."""
    for r in residents_of(rows):
        years = age(r, on)
        if r["sex"] == "2" and r["relationship"] in MOTHER_RELATIONSHIPS and r["resident_kind"] == "1" \
                and years is not None and 21 <= years <= 44:
            return r
    return None


def eldest_in(rows: list[Record], on: date, from_age: int) -> Record | None:
    aged = [(years, r) for r in residents_of(rows) if (years := age(r, on)) is not None and years >= from_age]
    return max(aged, key=lambda pair: pair[0])[1] if aged else None


def single_adult_child_in(rows: list[Record], on: date) -> Record | None:
    """An unmarried 子 of 20+ who could set up a household of their own (世帯分離)."""
    if any(r["relationship"] in ("子の妻", "子の夫", "孫") for r in residents_of(rows)):
        return None
    for r in residents_of(rows):
        years = age(r, on)
        if r["relationship"] == "子" and years is not None and years >= 20:
            return r
    return None


def has_working_age(rows: list[Record], on: date) -> bool:
    return any((years := age(r, on)) is not None and 20 <= years <= 59 for r in residents_of(rows))


def _row(file: str, record: Record) -> list[str]:
    return [record[column] for column in layout.COLUMNS[file]]


@dataclass
class SystemState:
    """The full set's records of the persons a delta touches."""

    nhi: dict[str, Record] = field(default_factory=dict)
    late_elderly: dict[str, Record] = field(default_factory=dict)
    ltc: dict[str, Record] = field(default_factory=dict)
    pension: dict[str, Record] = field(default_factory=dict)
    accounts: dict[str, Record] = field(default_factory=dict)
    allowances: list[Record] = field(default_factory=list)
    latest_tax: dict[str, Record] = field(default_factory=dict)

    def add(self, file: str, record: Record) -> None:
        if file == layout.CHILD_ALLOWANCE:
            self.allowances.append(record)
        elif file == layout.TAX:
            known = self.latest_tax.get(record["atena_number"])
            if known is None or int(known["fiscal_year"]) < int(record["fiscal_year"]):
                self.latest_tax[record["atena_number"]] = record
        else:
            by_file = {layout.NHI: self.nhi, layout.LATE_ELDERLY: self.late_elderly, layout.LTC: self.ltc,
                       layout.PENSION: self.pension, layout.ACCOUNTS: self.accounts}
            by_file[file][record["atena_number"]] = record

    def insured_in_nhi(self, atena: str) -> bool:
        record = self.nhi.get(atena)
        return record is not None and not record["lost_on"]

    def income(self, atena: str) -> int:
        record = self.latest_tax.get(atena)
        return int(record["total_income"]) if record is not None else 0


class Changes:
    """Applies changes and collects the delta's rows, file by file, in the order they happen."""

    def __init__(self, rng: random.Random, city: Municipality, state: SystemState, *, first_atena_serial: int,
                 first_household_serial: int, window: tuple[date, date]) -> None:
        self.rng = rng
        self.city = city
        self.state = state
        self.atena_numbers = issued_numbers(first_atena_serial)
        self.household_numbers = issued_numbers(first_household_serial)
        self.window_start, self.window_end = window
        self.rows: dict[str, list[list[str]]] = {file: [] for file in layout.FILES}

    def upsert(self, file: str, record: Record) -> None:
        self.rows[file].append([layout.UPSERT, *_row(file, record)])

    def delete(self, file: str, record: Record) -> None:
        self.rows[file].append([layout.DELETE, *_row(file, record)])

    def _later(self, day: date, most: int) -> date:
        return min(day + timedelta(days=self.rng.randint(1, most)), self.window_end)

    # births ----------------------------------------------------------------------

    def birth(self, rows: list[Record], on: date) -> bool:
        mother = mother_in(rows, on)
        if mother is None:
            return False
        father = self._father(rows, mother)
        born = max(on - timedelta(days=self.rng.randint(0, BIRTH_REGISTRATION_DAYS - 1)), self.window_start)
        serial, atena = next(self.atena_numbers)
        sex = 1 if self.rng.random() < 0.51 else 2
        parent = father or mother
        given = given_names(sex).draw(self.rng)
        child = dict(mother)
        child.update(
            atena_number=atena, my_number=my_number(serial), family_name=parent["family_name"],
            family_name_kana=parent["family_name_kana"], given_name=given.text, given_name_kana=given.kana,
            alias_name="", birth_date=born.isoformat(), birth_date_note="", sex=str(sex),
            honseki=parent["honseki"], hittousha=parent["hittousha"],
            relationship="孫" if mother["relationship"] == "子の妻" else "子", status="1",
            became_resident_on=born.isoformat(), address_since=born.isoformat(), change_reason="出生",
            change_date=born.isoformat(), support_measure="")
        self.upsert(layout.JUKI, child)
        parents = [p for p in (mother, father) if p is not None]
        if all(self.state.insured_in_nhi(p["atena_number"]) for p in parents):
            symbol = self.state.nhi[mother["atena_number"]]["insured_symbol"]
            self.upsert(layout.NHI, {"atena_number": atena, "insured_symbol": symbol,
                                     "insured_number": nhi_insured_number(serial),
                                     "acquired_on": born.isoformat(), "lost_on": ""})
        self._child_allowance(rows, parents, child, born, on)
        return True

    def _father(self, rows: list[Record], mother: Record) -> Record | None:
        residents = residents_of(rows)
        if mother["relationship"] in ("妻", "妻(未届)"):
            return next((r for r in residents if r["relationship"] == "世帯主" and r["sex"] == "1"), None)
        if mother["relationship"] == "子の妻":
            return _closest_in_age(mother, [r for r in residents if r["relationship"] == "子" and r["sex"] == "1"])
        return None

    def _child_allowance(self, rows: list[Record], parents: list[Record], child: Record, born: date,
                         on: date) -> None:
        current = [a for a in self.state.allowances
                   if not a["ended_on"] and a["recipient_atena"] in {p["atena_number"] for p in parents}]
        if current:
            recipient = current[0]["recipient_atena"]
        else:
            recipient = max(parents, key=lambda p: (self.state.income(p["atena_number"]), p["sex"] == "1"))["atena_number"]
        siblings = [r for r in residents_of(rows) if r["relationship"] == child["relationship"]
                    and (b := birth_of(r)) is not None and on <= end_of_school_year_reaching(b, COUNTED_CHILD_UNTIL_AGE)]
        amount = ALLOWANCE_THIRD_CHILD if len(siblings) >= 2 else ALLOWANCE_UNDER_3
        certified = min(born + timedelta(days=self.rng.randint(1, 14)), self.window_end)
        self.upsert(layout.CHILD_ALLOWANCE, {"recipient_atena": recipient, "child_atena": child["atena_number"],
                                             "certified_on": certified.isoformat(), "ended_on": "",
                                             "monthly_amount": str(amount)})

    # deaths and moves out ------------------------------------------------------------

    def death(self, rows: list[Record], on: date) -> bool:
        deceased = eldest_in(rows, on, 65)
        if deceased is None:
            return False
        self._leave(deceased, on, status="3", reason="死亡")
        if deceased["relationship"] == "世帯主":
            self._new_head(rows, deceased, on)
        return True

    def move_out(self, rows: list[Record], on: date) -> bool:
        single = single_adult_child_in(rows, on)
        movers = [single] if single is not None and self.rng.random() < 0.4 else residents_of(rows)
        for mover in movers:
            abroad = mover["resident_kind"] == "2" and self.rng.random() < 0.5
            self._leave(mover, on, status="2", reason="国外転出" if abroad else "国内転出")
        return True

    def _leave(self, person: Record, on: date, *, status: str, reason: str) -> None:
        """The person's 除票 and the end of every qualification (資格喪失日 the next day)."""
        atena = person["atena_number"]
        self.upsert(layout.JUKI, {**person, "status": status, "change_reason": reason, "change_date": on.isoformat()})
        lost = (on + timedelta(days=1)).isoformat()
        for file, records in ((layout.NHI, self.state.nhi), (layout.LATE_ELDERLY, self.state.late_elderly)):
            record = records.get(atena)
            if record is not None and not record["lost_on"]:
                self.upsert(file, {**record, "lost_on": lost})
        for file, records in ((layout.LTC, self.state.ltc), (layout.PENSION, self.state.pension),
                              (layout.ACCOUNTS, self.state.accounts)):
            if atena in records:
                self.delete(file, records[atena])
        for allowance in self.state.allowances:
            if not allowance["ended_on"] and atena in (allowance["recipient_atena"], allowance["child_atena"]):
                self.upsert(layout.CHILD_ALLOWANCE, {**allowance, "ended_on": on.isoformat()})

    def _new_head(self, rows: list[Record], deceased: Record, on: date) -> None:
        """世帯主変更: the spouse, else the eldest adult child, else the eldest, heads the household."""
        remaining = [r for r in residents_of(rows) if r is not deceased]
        if not remaining:
            return
        spouse = next((r for r in remaining if r["relationship"] in SPOUSES), None)
        children = sorted((r for r in remaining if r["relationship"] == "子" and (age(r, on) or 0) >= 18),
                          key=lambda r: birth_of(r) or date.max)
        head = spouse or (children[0] if children else min(remaining, key=lambda r: birth_of(r) or date.max))
        head_wife = _closest_in_age(head, [r for r in remaining if r["relationship"] == "子の妻"]) \
            if head["relationship"] == "子" and head["sex"] == "1" else None
        changed = self._after(self._later(on, 14))
        for member in remaining:
            relationship = _relationship_to_new_head(member, head, deceased, head_wife)
            if member is head or relationship != member["relationship"]:
                self.upsert(layout.JUKI, {**member, "relationship": relationship, **changed})

    @staticmethod
    def _after(day: date) -> Record:
        return {"change_reason": "世帯変更", "change_date": day.isoformat()}

    # moves within the city, households splitting -------------------------------------

    def move_within(self, rows: list[Record], on: date) -> bool:
        current = rows[0]["town"], rows[0]["block"], rows[0]["building"]
        address = self.city.address(self.rng)
        while (address.town, address.block, address.building) == current:
            address = self.city.address(self.rng)
        moved = {"postal_code": address.postal_code, "prefecture": address.prefecture, "city": address.city,
                 "town": address.town, "block": address.block, "building": address.building, "town_id": "",
                 "address_since": on.isoformat(), "change_reason": "転居", "change_date": on.isoformat()}
        for person in residents_of(rows):
            self.upsert(layout.JUKI, {**person, **moved})
        return True

    def household_change(self, rows: list[Record], on: date) -> bool:
        person = single_adult_child_in(rows, on)
        if person is None:
            return False
        serial, number = next(self.household_numbers)
        self.upsert(layout.JUKI, {**person, "household_number": number, "relationship": "世帯主", **self._after(on)})
        nhi = self.state.nhi.get(person["atena_number"])
        if nhi is not None and not nhi["lost_on"]:
            self.upsert(layout.NHI, {**nhi, "insured_symbol": nhi_insured_symbol(serial)})
        return True

    # moves in --------------------------------------------------------------------------

    def move_in(self, on: date) -> bool:
        """A household arriving from elsewhere in Japan (国内転入), made as of its arrival day."""
        factory = HouseholdFactory(self.rng, self.city, on, self.atena_numbers, self.household_numbers)
        household = factory.household(MOVE_IN_MAX_RESIDENTS, moved_in_on=on)
        for file, row in SystemRecords(on).rows(household):
            self.upsert(file, dict(zip(layout.COLUMNS[file], row, strict=True)))
        return True

    # insurance ----------------------------------------------------------------------------

    def insurance_change(self, rows: list[Record], on: date) -> bool:
        """A job lost (into 国民健康保険, 国民年金 第1号) or found (out of them); False if neither fits."""
        residents = residents_of(rows)
        working = [r for r in residents if (years := age(r, on)) is not None and 20 <= years <= 59]
        employees = [r for r in working if self._category(r) == "2" and not self.state.insured_in_nhi(r["atena_number"])]
        self_insured = [r for r in working if self._category(r) == "1" and self.state.insured_in_nhi(r["atena_number"])]
        if employees and (not self_insured or self.rng.random() < 0.5):
            self._job_loss(residents, employees[0], on)
            return True
        if self_insured:
            self._job_start(residents, self_insured[0], on)
            return True
        return False

    def _category(self, person: Record) -> str:
        record = self.state.pension.get(person["atena_number"])
        return record["category"] if record is not None else ""

    def _job_loss(self, residents: list[Record], person: Record, on: date) -> None:
        """Into NHI with the dependents of the lost plan: a 第3号 spouse, and members under 20 if no other employee remains."""
        symbol = next((self.state.nhi[r["atena_number"]]["insured_symbol"] for r in residents
                       if self.state.insured_in_nhi(r["atena_number"])), None)
        symbol = symbol or nhi_insured_symbol(int(person["household_number"][:-1]))
        spouse = spouse_of(person, residents)
        joining = [person] + ([spouse] if spouse is not None and self._category(spouse) == "3" else [])
        if not any(self._category(r) == "2" for r in residents if r is not person):
            joining += [r for r in residents if (age(r, on) or 99) < 20 and not self.state.insured_in_nhi(r["atena_number"])]
        for member in joining:
            if self.state.insured_in_nhi(member["atena_number"]):
                continue
            self.upsert(layout.NHI, {"atena_number": member["atena_number"], "insured_symbol": symbol,
                                     "insured_number": nhi_insured_number(int(member["atena_number"][:-1])),
                                     "acquired_on": on.isoformat(), "lost_on": ""})
            if member["atena_number"] in self.state.pension:
                self.upsert(layout.PENSION, {**self.state.pension[member["atena_number"]], "category": "1",
                                             "since": on.isoformat()})

    def _job_start(self, residents: list[Record], person: Record, on: date) -> None:
        """Out of NHI into an employer's plan, with the children if no other NHI adult keeps them."""
        leaving = [person]
        adults_left = [r for r in residents if r is not person and (age(r, on) or 0) >= 20
                       and self.state.insured_in_nhi(r["atena_number"])]
        if not adults_left:
            leaving += [r for r in residents if (age(r, on) or 99) < 20 and self.state.insured_in_nhi(r["atena_number"])]
        for member in leaving:
            self.upsert(layout.NHI, {**self.state.nhi[member["atena_number"]], "lost_on": on.isoformat()})
        self.upsert(layout.PENSION, {**self.state.pension[person["atena_number"]], "category": "2",
                                     "since": on.isoformat()})


def spouse_of(person: Record, residents: list[Record]) -> Record | None:
    """The person's husband or wife in the household, read from the 続柄 to the 世帯主."""
    relationship = person["relationship"]
    if relationship == "世帯主":
        return next((r for r in residents if r["relationship"] in SPOUSES), None)
    if relationship in SPOUSES:
        return next((r for r in residents if r["relationship"] == "世帯主"), None)
    if relationship == "子":
        in_law = "子の妻" if person["sex"] == "1" else "子の夫"
        return _closest_in_age(person, [r for r in residents if r["relationship"] == in_law])
    return None


def _closest_in_age(person: Record, others: list[Record]) -> Record | None:
    born = birth_of(person) or date.min
    return min(others, key=lambda r: abs((birth_of(r) or date.min) - born), default=None)


def _relationship_to_new_head(member: Record, head: Record, deceased: Record, head_wife: Record | None) -> str:
    """続柄 to the new 世帯主 after the old one died (縁故者 where no closer word fits)."""
    if member is head:
        return "世帯主"
    relationship = member["relationship"]
    if head["relationship"] in SPOUSES:
        if relationship in ("子", "子の妻", "子の夫", "孫", "同居人"):
            return relationship
        in_law = "夫の" if deceased["sex"] == "1" else "妻の"
        return in_law + relationship if relationship in ("父", "母", "兄", "姉", "弟", "妹") else "縁故者"
    if head["relationship"] == "子":
        if relationship in SPOUSES:
            return "母" if member["sex"] == "2" else "父"
        if relationship == "子":
            older = (birth_of(member) or date.max) < (birth_of(head) or date.max)
            return ("兄" if older else "弟") if member["sex"] == "1" else ("姉" if older else "妹")
        if member is head_wife:
            return "妻"
        if relationship == "孫" and head_wife is not None:
            return "子"
        if relationship in ("父", "母"):
            return "祖父" if relationship == "父" else "祖母"
        return relationship if relationship == "同居人" else "縁故者"
    return relationship if relationship == "同居人" else "縁故者"


def households_by_kind(kind: str, rows: list[Record], on: date) -> bool:
    """Whether a household can take a change of this kind."""
    if not residents_of(rows):
        return False
    if kind == "birth":
        return mother_in(rows, on) is not None
    if kind == "death":
        return eldest_in(rows, on, 65) is not None
    if kind == "household_change":
        return single_adult_child_in(rows, on) is not None
    if kind == "insurance_change":
        return has_working_age(rows, on)
    return kind in ("move_within", "move_out")

