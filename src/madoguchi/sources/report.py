"""What an import did, per file: the document `madoguchi import --json` prints."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal


@dataclass
class FileCounts:
    """Rows of one file and what became of them.

    ``read`` = ``imported`` + ``unchanged`` + ``quarantined`` + ``superseded`` (+ deletes that
    ended a record). ``imported`` counts new versions, ``replaced`` of them took over from an
    older version; ``ended`` counts records closed without a successor (absent from a full
    set, or deleted by a delta); ``superseded`` counts delta rows a later row of the same key
    overrode.
    """

    read: int = 0
    imported: int = 0
    replaced: int = 0
    unchanged: int = 0
    ended: int = 0
    superseded: int = 0
    quarantined: int = 0
    present: bool = True
    """Whether the set held the file (a full set without it ends the system's records)."""


@dataclass
class ImportReport:
    import_id: int
    kind: Literal["full", "delta"]
    municipality_code: str
    municipality_name: str
    extracted_at: datetime
    files: dict[str, FileCounts] = field(default_factory=dict)
    ignored_files: list[str] = field(default_factory=list)
    """CSV files in the folder that are not part of the layout."""

    @property
    def quarantined(self) -> int:
        return sum(counts.quarantined for counts in self.files.values())

    def totals(self) -> dict[str, int]:
        keys = ("read", "imported", "replaced", "unchanged", "ended", "superseded", "quarantined")
        return {key: sum(getattr(counts, key) for counts in self.files.values()) for key in keys}

    def to_json(self) -> dict[str, Any]:
        return {
            "import_id": self.import_id,
            "kind": self.kind,
            "municipality_code": self.municipality_code,
            "municipality_name": self.municipality_name,
            "extracted_at": self.extracted_at.isoformat(),
            "as_of": self.extracted_at.date().isoformat(),
            "files": {name: asdict(counts) for name, counts in self.files.items()},
            "totals": self.totals(),
            "ignored_files": self.ignored_files,
        }
