"""Reading an export set: the manifest, each file's header, and its records in chunks.

Files are never held whole in memory. The main process cuts a file into
chunks of about ``chunk_bytes`` that end on a record boundary, so workers can
parse them independently: under RFC 4180 a quote inside a field is doubled,
so a newline ends a record exactly when the number of quotes before it (in
the record) is even. Line numbers count the header as line 1; a record that
spans lines (a quoted multi-line field) carries the line it starts on.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal, NamedTuple

from madoguchi.clock import TOKYO
from madoguchi.identifiers import is_valid_municipality_code, municipality_check_digit
from madoguchi.sources.errors import UnreadableSet
from madoguchi.sources.layout import LAYOUTS, MANIFEST, OP, FileLayout

BOM = b"\xef\xbb\xbf"
DEFAULT_CHUNK_BYTES = 4 << 20
MAX_HEADER_BYTES = 64 << 10
MAX_RECORD_BYTES = 1 << 20
"""No record of these layouts comes near this size; a longer one has an unbalanced quote."""


@dataclass(frozen=True)
class Manifest:
    municipality_code: str
    municipality_name: str
    extracted_at: datetime
    """When the back-office systems were read, in Asia/Tokyo."""
    kind: Literal["full", "delta"]

    @property
    def as_of(self) -> date:
        """The day the set describes: versions open and close on it."""
        return self.extracted_at.date()


@dataclass(frozen=True)
class SourceFile:
    """One CSV of the set, its header checked against the layout."""

    path: Path
    layout: FileLayout
    header: tuple[str, ...]
    data_offset: int
    """Byte offset of the first record after the header (and the BOM, if any)."""
    first_line: int

    @property
    def name(self) -> str:
        return self.layout.file


@dataclass(frozen=True)
class Chunk:
    """A byte range of a file that starts and ends on a record boundary."""

    file: str
    path: str
    offset: int
    length: int
    first_line: int


class Record(NamedTuple):
    line: int
    fields: list[str]
    raw: str
    """The record's text as in the file, without its line end."""
    error: str | None
    """Why the record could not be split into fields (bad quoting), if it could not."""


def read_manifest(folder: Path) -> Manifest:
    """Read and check ``manifest.json``.

    Raises:
        UnreadableSet: the folder or the manifest is missing, not JSON, lacks a key or has a bad value.
    """
    path = folder / MANIFEST
    if not folder.is_dir():
        raise UnreadableSet(f"{folder} is not a folder holding an export set")
    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        raise UnreadableSet(f"no {MANIFEST} in {folder}: every export set carries one") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnreadableSet(f"{MANIFEST} is not valid UTF-8 JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise UnreadableSet(f"{MANIFEST} must be a JSON object")
    missing = [k for k in ("municipality_code", "municipality_name", "extracted_at", "kind")
               if not isinstance(doc.get(k), str)]
    if missing:
        raise UnreadableSet(f"{MANIFEST} lacks {', '.join(missing)} (each a string)")
    code = doc["municipality_code"]
    if not is_valid_municipality_code(code):
        expected = (f"; its check digit should be {municipality_check_digit(code[:5])}"
                    if len(code) == 6 and code.isascii() and code.isdigit() else "")
        raise UnreadableSet(f"{MANIFEST}: municipality_code {code!r} is not a valid "
                            f"全国地方公共団体コード (6 digits){expected}")
    try:
        extracted_at = datetime.fromisoformat(doc["extracted_at"])
    except ValueError:
        raise UnreadableSet(f"{MANIFEST}: extracted_at {doc['extracted_at']!r} is not an ISO-8601 "
                            "date-time") from None
    if extracted_at.tzinfo is None:
        extracted_at = extracted_at.replace(tzinfo=TOKYO)
    kind = doc["kind"]
    if kind not in ("full", "delta"):
        raise UnreadableSet(f"{MANIFEST}: kind {kind!r} must be 'full' or 'delta'")
    return Manifest(code, doc["municipality_name"], extracted_at.astimezone(TOKYO), kind)


def open_source_files(folder: Path, kind: Literal["full", "delta"]) -> list[SourceFile]:
    """The set's files in apply order, each header checked.

    Raises:
        UnreadableSet: no juki.csv in a full set; a header with missing, unknown or repeated columns.
    """
    if kind == "full" and not (folder / "juki.csv").is_file():
        raise UnreadableSet("a full set needs juki.csv (the resident register); it is missing")
    return [open_source_file(folder / name, layout, delta=kind == "delta")
            for name, layout in LAYOUTS.items() if (folder / name).is_file()]


def open_source_file(path: Path, layout: FileLayout, *, delta: bool) -> SourceFile:
    with path.open("rb") as handle:
        head = handle.read(MAX_HEADER_BYTES)
    offset = len(BOM) if head.startswith(BOM) else 0
    end = head.find(b"\n", offset)
    line_bytes = head[offset:] if end < 0 else head[offset:end + 1]
    try:
        header_text = line_bytes.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableSet(f"{path.name} line 1: not UTF-8; export the file as UTF-8") from None
    header = next(csv.reader([header_text.rstrip("\r\n")], strict=True), [])
    if not header:
        raise UnreadableSet(f"{path.name} is empty: it needs at least the header row")
    expected = ((OP,) if delta else ()) + tuple(c.name for c in layout.columns)
    problems = []
    if delta and header[0] != OP:
        problems.append(f"a delta's first column must be {OP!r}")
    missing = [name for name in expected if name not in header]
    unknown = [name for name in header if name not in expected]
    repeated = sorted({name for name in header if header.count(name) > 1})
    if missing:
        problems.append(f"lacks {', '.join(missing)}")
    if unknown:
        problems.append(f"has unknown columns {', '.join(unknown)}")
    if repeated:
        problems.append(f"repeats {', '.join(repeated)}")
    if problems:
        raise UnreadableSet(f"{path.name}: the header {'; '.join(problems)}")
    return SourceFile(path, layout, tuple(header), offset + len(line_bytes), 2)


def split_chunks(source: SourceFile, chunk_bytes: int = DEFAULT_CHUNK_BYTES,
                 max_record_bytes: int = MAX_RECORD_BYTES) -> Iterator[Chunk]:
    """Cut a file's records into chunks of about ``chunk_bytes``, reading it once, in blocks.

    A record never seems to end when a stray double quote (inside an unquoted field) upsets
    the count; after ``max_record_bytes`` without a record end the chunk is cut at a line end
    anyway, so memory stays bounded — the rows around such a cut may then be quarantined as
    badly quoted, and the rest of the file still reads.
    """
    offset, line = source.data_offset, source.first_line
    pending = b""
    with source.path.open("rb") as handle:
        handle.seek(offset)
        while True:
            block = handle.read(chunk_bytes)
            data = pending + block
            if not block:
                if data:
                    yield Chunk(source.name, str(source.path), offset, len(data), line)
                return
            cut = _record_boundary(data)
            if cut == 0 and len(data) > chunk_bytes + max_record_bytes:
                cut = data.rfind(b"\n") + 1
            if cut == 0:
                pending = data
                continue
            yield Chunk(source.name, str(source.path), offset, cut, line)
            line += data.count(b"\n", 0, cut)
            offset += cut
            pending = data[cut:]


def _record_boundary(data: bytes) -> int:
    """The end of the last complete record in ``data`` (which starts on a record), or 0."""
    end = data.rfind(b"\n") + 1
    quotes = data.count(b'"', 0, end)
    while end and quotes % 2:  # that newline is inside a quoted field: try the one before
        previous = data.rfind(b"\n", 0, end - 1) + 1
        quotes -= data.count(b'"', previous, end)
        end = previous
    return end


def read_chunk_text(chunk: Chunk) -> str:
    """The chunk's text.

    Raises:
        UnreadableSet: the bytes are not UTF-8 (the line is named).
    """
    with open(chunk.path, "rb") as handle:
        handle.seek(chunk.offset)
        data = handle.read(chunk.length)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = chunk.first_line + data.count(b"\n", 0, exc.start)
        raise UnreadableSet(f"{chunk.file} line {line}: not UTF-8 (byte 0x{data[exc.start]:02x}); "
                            "export the file as UTF-8") from None


def read_records(text: str, first_line: int) -> Iterator[Record]:
    """Split a chunk's text into records (RFC 4180, strict quoting); blank lines are skipped."""
    consumed: list[str] = []

    def lines() -> Iterator[str]:
        for line in io.StringIO(text, newline="\n"):
            consumed.append(line)
            yield line

    reader = csv.reader(lines(), strict=True)
    line = first_line
    while True:
        error = None
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            fields, error = [], f"the record cannot be split into fields (RFC 4180): {exc}"
        raw = "".join(consumed) if len(consumed) > 1 else consumed[0]
        start, line = line, line + len(consumed)
        consumed.clear()
        if fields or error:
            yield Record(start, fields, _without_line_end(raw), error)


def _without_line_end(raw: str) -> str:
    if raw.endswith("\n"):
        raw = raw[:-1]
        if raw.endswith("\r"):
            raw = raw[:-1]
    return raw
