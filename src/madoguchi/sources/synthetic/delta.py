"""`generate_delta`: a few days of a city's life, written as a delta set against a full set.

Two streaming passes over the full set keep memory proportional to the number
of changes, not to the city: the first samples candidate households for each
kind of change (reservoir sampling over juki.csv) and finds the highest
serials in use; the second collects the other systems' records of the chosen
households. Changes are then applied in date order; the demo personas'
households are never touched.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from madoguchi.sources.synthetic import layout
from madoguchi.sources.synthetic.addresses import load_municipality
from madoguchi.sources.synthetic.changes import KINDS, Changes, SystemState, households_by_kind
from madoguchi.sources.synthetic.city import in_tokyo, start_of_today
from madoguchi.sources.synthetic.draw import Weighted
from madoguchi.sources.synthetic.errors import InvalidCityOptions
from madoguchi.sources.synthetic.fullset import FullSet, Record
from madoguchi.sources.synthetic.numbers import serial_of
from madoguchi.sources.synthetic.personas import PERSONAS
from madoguchi.sources.synthetic.writer import ExportWriter, write_manifest

CHANGE_SHARES = Weighted([("birth", 15), ("death", 14), ("move_within", 22), ("move_out", 12), ("move_in", 12),
                          ("household_change", 10), ("insurance_change", 15)])
SPARE_CANDIDATES = 3
"""Candidates kept per change needed: a household takes one change only, and some candidates do not fit."""


@dataclass
class DeltaSummary:
    out: Path
    base: Path
    municipality_code: str
    extracted_at: datetime
    seed: int
    changes: dict[str, int] = field(default_factory=dict)
    """Changes made, per kind."""
    files: dict[str, int] = field(default_factory=dict)
    """Rows written per file."""

    def to_json(self) -> dict[str, object]:
        return {"kind": "delta", "out": str(self.out), "from": str(self.base),
                "municipality_code": self.municipality_code, "extracted_at": self.extracted_at.isoformat(),
                "seed": self.seed, "changes": dict(self.changes), "files": dict(self.files)}


def generate_delta(full: Path, out: Path, *, seed: int, changes: int,
                   extracted_at: datetime | None = None) -> DeltaSummary:
    """Write a delta set of ``changes`` realistic changes to the full set in ``full``.

    The changes happen between the full set's extraction and ``extracted_at``
    (default: a day after the full set, or today if that is later). The same
    seed and inputs give the same bytes. Raises InvalidCityOptions or
    UnreadableExportSet before writing anything.
    """
    if changes < 1:
        raise InvalidCityOptions("a delta needs at least one change")
    base = FullSet.open(full)
    if out.exists() and (not out.is_dir() or out.resolve() == full.resolve()):
        raise InvalidCityOptions(f"{out} must be a new or existing folder other than the full set")
    city = load_municipality(base.municipality_code)
    moment = in_tokyo(extracted_at) if extracted_at is not None else max(
        base.extracted_at + timedelta(days=1), start_of_today())
    if moment <= base.extracted_at:
        raise InvalidCityOptions("the delta must be extracted after the full set it extends")
    first_day = base.extracted_at.astimezone(moment.tzinfo).date() + timedelta(days=1)
    last_day = max(moment.date(), first_day)
    rng = random.Random(f"madoguchi-delta:{seed}")

    wanted = _plan(changes, rng)
    candidates, top_atena, top_household = _sample(base, wanted, rng, last_day)
    state = SystemState()
    touched = {r["atena_number"] for rows in candidates.values() for household in rows for r in household}
    for file in layout.FILES:
        if file != layout.JUKI:
            for record in base.records(file, touched):
                state.add(file, record)

    maker = Changes(rng, city, state, first_atena_serial=top_atena + 1, first_household_serial=top_household + 1,
                    window=(first_day, last_day))
    span = (last_day - first_day).days + 1
    schedule = sorted(((first_day + timedelta(days=int(rng.random() * span)), index, kind)
                       for index, kind in enumerate(k for k in KINDS for _ in range(wanted[k]))))
    made = dict.fromkeys(KINDS, 0)
    used: set[str] = set()
    for day, _, kind in schedule:
        # a kind with no household left to take it gives way to one that always fits
        done = next(k for k in (kind, "move_within", "move_in") if _apply(k, day, maker, candidates, used))
        made[done] += 1

    summary = DeltaSummary(out, full, base.municipality_code, moment, seed, made)
    with ExportWriter(out, "delta", [file for file, rows in maker.rows.items() if rows]) as writer:
        for file, rows in maker.rows.items():
            for row in rows:
                writer.write(file, row)
    summary.files = dict(writer.counts)
    write_manifest(out, municipality_code=base.municipality_code, municipality_name=city.name,
                   extracted_at=moment, kind="delta")
    return summary


def _plan(changes: int, rng: random.Random) -> dict[str, int]:
    """How many changes of each kind (the shares drawn change by change)."""
    wanted = dict.fromkeys(KINDS, 0)
    for _ in range(changes):
        wanted[CHANGE_SHARES.draw(rng)] += 1
    return wanted


def _sample(base: FullSet, wanted: dict[str, int], rng: random.Random,
            on: date) -> tuple[dict[str, list[list[Record]]], int, int]:
    """Reservoirs of candidate households per kind, and the highest 宛名 and 世帯 serials in use."""
    persona_households = {p.household_number for p in PERSONAS.values()}
    reservoirs: dict[str, list[list[Record]]] = {kind: [] for kind in KINDS}
    seen = dict.fromkeys(KINDS, 0)
    top_atena = top_household = 0
    for rows in base.households():
        top_household = max(top_household, serial_of(rows[0]["household_number"]))
        top_atena = max(top_atena, *(serial_of(r["atena_number"]) for r in rows))
        if rows[0]["household_number"] in persona_households:
            continue
        for kind, count in wanted.items():
            if count == 0 or kind == "move_in" or not households_by_kind(kind, rows, on):
                continue
            size = count * SPARE_CANDIDATES
            seen[kind] += 1
            if len(reservoirs[kind]) < size:
                reservoirs[kind].append(rows)
            else:
                slot = int(rng.random() * seen[kind])
                if slot < size:
                    reservoirs[kind][slot] = rows
    return reservoirs, top_atena, top_household


def _apply(kind: str, day: date, maker: Changes, candidates: dict[str, list[list[Record]]], used: set[str]) -> bool:
    """Apply one change of ``kind`` to the next unused candidate that fits; False when none is left."""
    if kind == "move_in":
        return maker.move_in(day)
    change: Callable[[list[Record], date], bool] = getattr(maker, kind)
    pool = candidates[kind]
    while pool:
        rows = pool.pop(0)
        number = rows[0]["household_number"]
        if number not in used and change(rows, day):
            used.add(number)
            return True
    return False
