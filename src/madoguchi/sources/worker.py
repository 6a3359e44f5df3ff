"""Turning one chunk of a file into staging rows: the part of an import that runs on every core.

Each record becomes one staging row ``(line, op, reason, raw_sealed, row_hash,
*layout.outputs)``, all text, an empty value meaning NULL. A valid row carries its normalised
values, the sensitive ones sealed, and the keyed hash of its content; a bad
row carries its reason, its original text sealed and only its key (so a full
set does not end a record whose row was merely refused). A chunk's rows are
written to a spool file the importing process loads and deletes: for
PostgreSQL as ``COPY`` text, ready to stream; for SQLite as a pickled list of
tuples (None for NULL).

A first load on PostgreSQL (`StagingContext.first_loads`) writes each valid
row twice over: whole, as a version of the hub's table (a second spool file,
``COPY`` text of `hub_columns`), and in its staging row only the columns the
set-based checks read.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import pickle
from collections.abc import Callable
from dataclasses import dataclass

from madoguchi.identifiers import NumberingScheme
from madoguchi.sources.layout import LAYOUTS, FileLayout, Sealed
from madoguchi.sources.reader import Chunk, Record, read_chunk_text, read_records
from madoguchi.sources.validate import BadRow, RowValidator, picker
from madoguchi.vault import Vault

StagedRow = tuple[str | None, ...]
STAGING_PREFIX = ("line", "op", "reason", "raw_sealed", "row_hash")
"""The columns every staging row starts with, before the layout's outputs."""
QUARANTINE_CONTEXT = "quarantined_row"
"""The vault context a quarantined row's original text is sealed under."""

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_COPY_NULL = "\\N"
"""NULL in the hub's COPY text (an empty field there is an empty string, which some columns hold)."""
_ROW_VALUES = len(STAGING_PREFIX)
"""Where a staging row's layout outputs start."""
_FIELD_SEPARATOR = "\x1f"
_JSON = json.JSONEncoder(ensure_ascii=False)


@dataclass(frozen=True)
class StagingContext:
    """What every chunk of one import shares."""

    vault: Vault
    scheme: NumberingScheme
    delta: bool
    copy_text: bool
    """Produce PostgreSQL COPY text (else tuples for executemany)."""
    first_loads: frozenset[str] = frozenset()
    """Files whose valid rows go straight into their (empty) hub table, as COPY text."""
    version: tuple[str, str] = ("", "")
    """The ``valid_from`` and ``import_id`` of the versions a first load writes."""


@dataclass
class ChunkResult:
    file: str
    read: int
    quarantined: int
    spool: str
    """The file holding the chunk's staging rows: COPY text (tab-separated, an empty field is
    NULL) or a pickled list of `StagedRow`."""
    hub_spool: str | None = None
    """A first load's: the file holding the chunk's valid rows as versions (COPY text of
    `hub_columns`, ``\\N`` for NULL)."""


def hub_columns(layout: FileLayout) -> tuple[str, ...]:
    """The hub table's columns a first load writes straight (the rest take their defaults)."""
    return (*layout.outputs, "row_hash", "valid_from", "import_id")


def row_content(values: list[str]) -> str:
    """The canonical text of a normalised row, hashed to tell a changed record from an unchanged one.

    Values joined by U+001F; should a value itself hold that character, the JSON array
    instead (which never holds it raw, so the two forms cannot collide).
    """
    joined = _FIELD_SEPARATOR.join(values)
    if joined.count(_FIELD_SEPARATOR) != len(values) - 1:
        return _JSON.encode(values)
    return joined


class LookupHasher:
    """`Vault.lookup_hash`, with the HMAC key schedule computed once rather than per value."""

    def __init__(self, vault: Vault) -> None:
        self._keyed = hmac.new(vault.lookup_key, digestmod=hashlib.sha256)

    def __call__(self, value: str) -> str:
        mac = self._keyed.copy()
        mac.update(value.encode("utf-8"))
        return mac.hexdigest()


class Stager:
    """Validates one file's records and shapes them as staging rows (text; empty is NULL)."""

    def __init__(self, layout: FileLayout, header: tuple[str, ...], context: StagingContext) -> None:
        self.validator = RowValidator(layout, header, context.scheme, delta=context.delta)
        self._vault = context.vault
        self._hash = LookupHasher(context.vault)
        sealed_inputs = {name for s in layout.sealed for name in s.columns}
        self._plain = picker([i for i, c in enumerate(layout.columns) if c.name not in sealed_inputs])
        self._sealers = [self._sealer(layout, sealed) for sealed in layout.sealed]
        self._outputs = layout.outputs

    def _sealer(self, layout: FileLayout, sealed: Sealed) -> Callable[[list[str]], list[str]]:
        """The hub columns of one sealed item (sealed text, and its lookup hash if it has one)."""
        index = {c.name: i for i, c in enumerate(layout.columns)}
        take = picker([index[name] for name in sealed.columns])
        seal, context, lookup = self._vault.seal, sealed.context, sealed.lookup is not None

        def plain_text(values: list[str]) -> str:
            parts = take(values)
            if len(parts) == 1:
                return parts[0]
            return _JSON.encode(dict(zip(sealed.columns, parts, strict=True)))

        def columns(values: list[str]) -> list[str]:
            plain = plain_text(values)
            if not plain:
                return ["", ""] if lookup else [""]
            return [seal(plain, context), self._hash(plain)] if lookup else [seal(plain, context)]

        return columns

    def stage(self, record: Record) -> tuple[list[str], bool]:
        """The staging row for a record, and whether the record was refused."""
        validator, fields = self.validator, record.fields
        op = ""
        try:
            if record.error is not None:
                raise BadRow(record.error)
            if "\x00" in record.raw:
                raise BadRow("the row holds a NUL character, which no text column can store")
            validator.check_width(fields)
            op = validator.op(fields)
            if op == "delete":
                return self._keyed(record, op, validator.key_values(fields, strict=True), ""), False
            values = validator.values(fields)
        except BadRow as exc:
            return self._keyed(record, op, validator.key_values(fields, strict=False), str(exc)), True
        row = [str(record.line), op, "", "", self._hash(row_content(values)), *self._plain(values)]
        for columns in self._sealers:
            row += columns(values)
        return row, False

    def _keyed(self, record: Record, op: str, key: dict[str, str], reason: str) -> list[str]:
        """A row that carries only its key: a delete, or a refused row (with its reason and text)."""
        raw_sealed = self._vault.seal(record.raw, QUARANTINE_CONTEXT) if reason else ""
        return [str(record.line), op, reason, raw_sealed, "", *(key.get(name, "") for name in self._outputs)]


class FirstLoadRows:
    """A first load's valid rows: whole as versions of the hub's table, trimmed for staging.

    Staging keeps what the set-based checks read (the key, the person columns, the dates
    checked against a birth) and the rest goes empty: those rows are counted and checked
    there, never applied from there.
    """

    def __init__(self, layout: FileLayout, version: tuple[str, str]) -> None:
        blank = {column.name for column in layout.columns if column.blank}
        checked = {*layout.key, *layout.persons,
                   *(column.name for column in layout.columns if column.not_before_birth_of)}
        self._may_be_null = [name not in blank for name in (*layout.outputs, "row_hash")]
        self._unchecked = [_ROW_VALUES + i for i, name in enumerate(layout.outputs) if name not in checked]
        self._version = list(version)

    def version(self, row: list[str], escape: bool) -> str:
        """The row as a hub version in COPY text (``row`` as `Stager.stage` made it)."""
        values = [*row[_ROW_VALUES:], row[_ROW_VALUES - 1]]
        if escape:
            values = [value.translate(_COPY_ESCAPES) for value in values]
        values = [_COPY_NULL if null and not value else value
                  for value, null in zip(values, self._may_be_null, strict=True)]
        return "\t".join(values + self._version)

    def trimmed(self, row: list[str]) -> list[str]:
        """The staging row without what the checks do not read (nor its hash: it is not applied)."""
        row[_ROW_VALUES - 1] = ""
        for at in self._unchecked:
            row[at] = ""
        return row


def stage_chunk(chunk: Chunk, header: tuple[str, ...], spool: str, context: StagingContext) -> ChunkResult:
    """Read, check and shape one chunk; its staging rows go to the file ``spool``.

    Raises:
        UnreadableSet: the chunk is not UTF-8.
    """
    stager = Stager(LAYOUTS[chunk.file], header, context)
    result = ChunkResult(chunk.file, 0, 0, spool)
    first_load = FirstLoadRows(stager.validator.layout, context.version) \
        if chunk.file in context.first_loads else None
    lines: list[str] = []
    versions: list[str] = []
    rows: list[StagedRow] = []
    for record in read_records(read_chunk_text(chunk), chunk.first_line):
        row, refused = stager.stage(record)
        result.read += 1
        result.quarantined += refused
        if not context.copy_text:
            rows.append(tuple(value or None for value in row))
            continue
        escape = "\\" in record.raw or "\t" in record.raw or "\n" in record.raw or "\r" in record.raw
        if first_load is not None and not refused:
            versions.append(first_load.version(row, escape))
            row = first_load.trimmed(row)
        lines.append("\t".join([value.translate(_COPY_ESCAPES) for value in row]) if escape else "\t".join(row))
    if not context.copy_text:
        with open(spool, "wb") as out:
            pickle.dump(rows, out, protocol=pickle.HIGHEST_PROTOCOL)
        return result
    _write_lines(spool, lines)
    if first_load is not None:
        result.hub_spool = f"{spool}.hub"
        _write_lines(result.hub_spool, versions)
    return result


def _write_lines(path: str, lines: list[str]) -> None:
    with open(path, "wb") as out:
        if lines:
            out.write(("\n".join(lines) + "\n").encode("utf-8"))


_worker_context: StagingContext | None = None


def init_worker(vault_json: str, scheme: NumberingScheme, delta: bool, copy_text: bool,
                first_loads: frozenset[str], version: tuple[str, str]) -> None:
    """Set up a pool process (the vault travels as its JSON: its keys are not picklable)."""
    global _worker_context
    _worker_context = StagingContext(Vault.from_json(vault_json), scheme, delta, copy_text,
                                     first_loads, version)


def stage_chunk_in_worker(chunk: Chunk, header: tuple[str, ...], spool: str) -> ChunkResult:
    assert _worker_context is not None, "init_worker was not called"
    return stage_chunk(chunk, header, spool, _worker_context)
