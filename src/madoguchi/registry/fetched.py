"""The hub records the views of one request have fetched, so that its later views do not fetch them again.

A bundle reads the household once for its plan, then each form's persons for
the form's procedure: the same people, mostly from the same systems. The
caller keeps one `Fetched` for the request (one transaction, one ``as_of``)
and hands it to each view; a view fetches only the people, households and
systems no earlier view fetched, so the forms see the household as the plan
saw it. Only records are kept — never an answer: every view still checks its
purpose and whom the actor may see, builds its own items, and is logged.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from madoguchi.registry import queries
from madoguchi.registry.models import JukiRecord, VersionedRecord


@dataclass
class Fetched:
    """What one request's views fetched; hand the same one to each of them."""

    as_of: date | None = None
    """The date every view using it asks for (None: current values)."""
    people: dict[str, JukiRecord] = field(default_factory=dict)
    """住民記録 by 宛名番号: the people asked for, and the members of the households fetched."""
    households: dict[str, list[JukiRecord]] = field(default_factory=dict)
    """The residents of each household fetched, by 世帯番号 (as `queries.household_members` gives them)."""
    systems: dict[str, dict[str, list[VersionedRecord]]] = field(default_factory=dict)
    """Per system, the records of each person fetched (an empty list: fetched, and none)."""
    _snapshots: dict[str, date] | None = None

    def fetch_people(self, session: Session, atena_numbers: Collection[str], households_of: Collection[str]) -> None:
        """Fetch the people, and the households of those in ``households_of``, not fetched yet."""
        household = {a for a in households_of
                     if a not in self.people or self.people[a].household_number not in self.households}
        missing = {a for a in atena_numbers if a not in self.people} | household
        if not missing:
            return
        found = queries.people_and_households(session, missing, household, self.as_of)
        self.people.update(found.records)
        if self._snapshots is None:
            self._snapshots = found.snapshots
        for number in {found.records[a].household_number for a in household if a in found.records}:
            members = self.households[number] = found.households.get(number, [])
            self.people.update((m.atena_number, m) for m in members)

    def fetch_systems(self, session: Session, atena_numbers: Collection[str], systems: Collection[str]) -> None:
        """Fetch the records these people have in these systems (besides juki), those not fetched yet."""
        for system in sorted(set(systems) - {"juki"}):
            known = self.systems.setdefault(system, {})
            missing = [a for a in atena_numbers if a not in known]
            if missing:
                found = queries.system_records(session, system, missing, self.as_of)
                known.update((a, found.get(a, [])) for a in missing)

    def snapshots(self, session: Session) -> dict[str, date]:
        """Each system's latest export date, once per request (they mostly come with the people)."""
        if self._snapshots is None:
            self._snapshots = queries.snapshot_dates(session)
        return self._snapshots
