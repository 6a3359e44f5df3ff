"""`generate_city`: a whole synthetic city written as a full export set, block by block.

The city is made in blocks of ``BLOCK_RESIDENTS`` residents. Each block has its
own random stream (from the seed and the block's index) and its own range of
serials, so blocks can be made in parallel processes and the files are the
same bytes whatever the number of workers. Only a few blocks are in memory at
once: a city of millions is written in bounded memory.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path

from madoguchi import clock
from madoguchi.sources.synthetic import layout
from madoguchi.sources.synthetic.addresses import load_municipality
from madoguchi.sources.synthetic.errors import InvalidCityOptions
from madoguchi.sources.synthetic.numbers import issued_numbers
from madoguchi.sources.synthetic.people import Household
from madoguchi.sources.synthetic.personas import (
    NEXT_ATENA_SERIAL,
    NEXT_HOUSEHOLD_SERIAL,
    PERSONA_RESIDENTS,
    PERSONAS,
    persona_households,
)
from madoguchi.sources.synthetic.population import HouseholdFactory
from madoguchi.sources.synthetic.systems import SystemRecords
from madoguchi.sources.synthetic.writer import ExportWriter, write_manifest

DEFAULT_MUNICIPALITY = "012084"
"""北見市, Hokkaido."""
MIN_RESIDENTS = PERSONA_RESIDENTS
BLOCK_RESIDENTS = 20_000
SERIALS_PER_RESIDENT = 2
"""Each block reserves this many serials per resident: room for listed non-residents and skipped serials."""


@dataclass
class CitySummary:
    out: Path
    municipality_code: str
    municipality_name: str
    extracted_at: datetime
    seed: int
    residents: int
    """People living in the city (status 1)."""
    persons: int
    """Rows of juki.csv: the residents plus listed people who moved out or died."""
    households: int
    files: dict[str, int] = field(default_factory=dict)
    """Data rows written per file."""

    def to_json(self) -> dict[str, object]:
        return {"kind": "full", "out": str(self.out), "municipality_code": self.municipality_code,
                "municipality_name": self.municipality_name, "extracted_at": self.extracted_at.isoformat(),
                "seed": self.seed, "residents": self.residents, "persons": self.persons,
                "households": self.households, "files": dict(self.files),
                "personas": {key: persona.to_json() for key, persona in PERSONAS.items()}}


def start_of_today() -> datetime:
    """The default extraction moment: today's 00:00 in Tokyo, so a day's runs are byte-identical."""
    return datetime.combine(clock.today(), time(0), clock.TOKYO)


def in_tokyo(moment: datetime | None) -> datetime:
    if moment is None:
        return start_of_today()
    return moment.replace(tzinfo=clock.TOKYO) if moment.tzinfo is None else moment.astimezone(clock.TOKYO)


def generate_city(out: Path, *, residents: int, seed: int, municipality_code: str = DEFAULT_MUNICIPALITY,
                  extracted_at: datetime | None = None, progress: Callable[[int], None] | None = None,
                  workers: int | None = None) -> CitySummary:
    """Write a full export set of ``residents`` people to ``out``; the same seed gives the same bytes.

    The demo personas come first; ``progress`` is called after each block with
    the number of residents written so far. ``workers`` processes make the
    blocks (default: one per CPU for a city of several blocks). Raises
    InvalidCityOptions or UnknownMunicipality before writing anything.
    """
    if residents < MIN_RESIDENTS:
        raise InvalidCityOptions(f"a city needs at least {MIN_RESIDENTS} residents (the demo personas' households)")
    if out.exists() and not out.is_dir():
        raise InvalidCityOptions(f"{out} exists and is not a folder")
    city = load_municipality(municipality_code)
    moment = in_tokyo(extracted_at)
    blocks = [_Block(index, min(residents, (index + 1) * BLOCK_RESIDENTS) - index * BLOCK_RESIDENTS,
                     BLOCK_RESIDENTS, seed, municipality_code, moment.date())
              for index in range((residents + BLOCK_RESIDENTS - 1) // BLOCK_RESIDENTS)]
    summary = CitySummary(out, municipality_code, city.name, moment, seed, 0, 0, 0)
    with ExportWriter(out, "full") as writer:
        for made in _made(blocks, workers):
            for file, text in made.text.items():
                writer.write_text(file, text, made.counts[file])
            summary.residents += made.residents
            summary.persons += made.persons
            summary.households += made.households
            if progress is not None:
                progress(summary.residents)
    summary.files = dict(writer.counts)
    (out / layout.PERSONAS_FILE).write_text(
        json.dumps({key: p.to_json() for key, p in PERSONAS.items()}, ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8")
    write_manifest(out, municipality_code=municipality_code, municipality_name=city.name,
                   extracted_at=moment, kind="full")
    return summary


@dataclass(frozen=True)
class _Block:
    index: int
    residents: int
    size: int
    seed: int
    municipality_code: str
    on: date


@dataclass
class _MadeBlock:
    text: dict[str, str]
    counts: dict[str, int]
    residents: int
    persons: int
    households: int


def _made(blocks: list[_Block], workers: int | None) -> Iterator[_MadeBlock]:
    """The blocks made, in order: here for one worker, else in a pool with a few blocks in flight."""
    count = workers if workers is not None else min(os.cpu_count() or 1, 8)
    if count <= 1 or len(blocks) == 1 or "fork" not in get_all_start_methods():
        yield from map(_make_block, blocks)
        return
    # fork, not spawn: spawn re-runs the caller's main module, which a script calling us may not guard
    with ProcessPoolExecutor(max_workers=count, mp_context=get_context("fork")) as pool:
        pending: list[Future[_MadeBlock]] = []
        queue = iter(blocks)
        for block in queue:
            pending.append(pool.submit(_make_block, block))
            if len(pending) > count:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()


def _make_block(block: _Block) -> _MadeBlock:
    city = load_municipality(block.municipality_code)
    stride = block.size * SERIALS_PER_RESIDENT
    atena_start = NEXT_ATENA_SERIAL + block.index * stride
    household_start = NEXT_HOUSEHOLD_SERIAL + block.index * stride
    factory = HouseholdFactory(random.Random(f"madoguchi-city:{block.seed}:{block.index}"), city, block.on,
                               issued_numbers(atena_start, atena_start + stride),
                               issued_numbers(household_start, household_start + stride))
    records = SystemRecords(block.on)
    buffers = {file: io.StringIO() for file in layout.FILES}
    writers = {file: csv.writer(buffer) for file, buffer in buffers.items()}
    counts = dict.fromkeys(layout.FILES, 0)
    made = _MadeBlock({}, counts, 0, 0, 0)

    def write(household: Household) -> None:
        for file, row in records.rows(household):
            writers[file].writerow(row)
            counts[file] += 1
        made.residents += len(household.residents)
        made.persons += len(household.members)
        made.households += 1

    if block.index == 0:
        for household in persona_households(city, block.on):
            write(household)
    while made.residents < block.residents:
        write(factory.household(block.residents - made.residents))
    made.text = {file: buffer.getvalue() for file, buffer in buffers.items()}
    return made
