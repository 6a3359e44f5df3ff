"""Writes an export set: every CSV open at once, rows streamed as they are made, the manifest last.

CSV per RFC 4180 through the csv module (CRLF line ends, quoting where needed),
UTF-8 without BOM. The manifest is written only when every file is complete, so
a set interrupted half-way is recognisably unreadable rather than quietly short.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Literal

from madoguchi.sources.synthetic import layout

Kind = Literal["full", "delta"]


class ExportWriter:
    """Context manager over the CSV files of one export set (a delta leaves out the systems it does not change)."""

    def __init__(self, out: Path, kind: Kind, files: Iterable[str] = layout.FILES) -> None:
        self.out = out
        self.kind = kind
        self.counts: dict[str, int] = dict.fromkeys(files, 0)
        self._files: dict[str, IO[str]] = {}
        self._writers: dict[str, Any] = {}

    def __enter__(self) -> ExportWriter:
        self.out.mkdir(parents=True, exist_ok=True)
        for stale in (layout.MANIFEST, *layout.FILES):
            (self.out / stale).unlink(missing_ok=True)
        for name in self.counts:
            columns = layout.COLUMNS[name]
            handle = open(self.out / name, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed in __exit__
            self._files[name] = handle
            self._writers[name] = csv.writer(handle)
            self._writers[name].writerow(("op", *columns) if self.kind == "delta" else columns)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        for handle in self._files.values():
            handle.close()

    def write(self, file: str, row: list[str]) -> None:
        self._writers[file].writerow(row)
        self.counts[file] += 1

    def write_text(self, file: str, text: str, rows: int) -> None:
        """Append CSV text made elsewhere (``rows`` records, already quoted)."""
        self._files[file].write(text)
        self.counts[file] += rows


def write_manifest(out: Path, *, municipality_code: str, municipality_name: str,
                   extracted_at: datetime, kind: Kind) -> None:
    manifest = {"municipality_code": municipality_code, "municipality_name": municipality_name,
                "extracted_at": extracted_at.isoformat(), "kind": kind}
    (out / layout.MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of an export set; raises OSError or ValueError when it cannot be read."""
    document = json.loads((folder / layout.MANIFEST).read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise ValueError("manifest.json is not a JSON object")
    return document
