"""Reading back a full export set, streaming: households one at a time, other files filtered by person."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from madoguchi.sources.synthetic import layout
from madoguchi.sources.synthetic.errors import UnreadableExportSet
from madoguchi.sources.synthetic.writer import read_manifest

Record = dict[str, str]


@dataclass(frozen=True)
class FullSet:
    folder: Path
    municipality_code: str
    extracted_at: datetime

    @classmethod
    def open(cls, folder: Path) -> FullSet:
        """Check that ``folder`` holds a readable full set; raises UnreadableExportSet."""
        try:
            manifest = read_manifest(folder)
            extracted_at = datetime.fromisoformat(str(manifest["extracted_at"]))
            code = str(manifest["municipality_code"])
            kind = manifest["kind"]
        except (OSError, ValueError, KeyError) as exc:
            raise UnreadableExportSet(f"{folder} has no readable manifest.json ({exc.__class__.__name__})") from None
        if kind != "full":
            raise UnreadableExportSet(f"{folder} holds a {kind} set; a delta starts from a full set")
        if not (folder / layout.JUKI).is_file():
            raise UnreadableExportSet(f"{folder} has no {layout.JUKI}")
        if extracted_at.tzinfo is None:
            raise UnreadableExportSet(f"{folder}/manifest.json: extracted_at has no time zone")
        return cls(folder, code, extracted_at)

    def households(self) -> Iterator[list[Record]]:
        """juki.csv's persons grouped by household (as consecutive rows, the way generate_city writes them)."""
        with open(self.folder / layout.JUKI, encoding="utf-8-sig", newline="") as handle:
            for _, rows in itertools.groupby(csv.DictReader(handle), key=lambda r: r["household_number"]):
                yield list(rows)

    def records(self, file: str, atena_numbers: Collection[str]) -> Iterator[Record]:
        """The rows of ``file`` about any of the given persons (by any column holding a 宛名番号)."""
        path = self.folder / file
        if not path.is_file():
            return
        keys = [c for c in layout.COLUMNS[file] if c in ("atena_number", "recipient_atena", "child_atena")]
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                if any(row[key] in atena_numbers for key in keys):
                    yield row


def birth_of(record: Record) -> date | None:
    value = record["birth_date"]
    return date.fromisoformat(value) if value else None


def is_resident(record: Record) -> bool:
    return record["status"] == "1"
