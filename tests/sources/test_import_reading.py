"""Reading export files: BOM, line ends, quoted multi-line records, chunks, and text kept byte-exact."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from madoguchi.registry.models import JukiRecord, QuarantinedRow
from madoguchi.sources.importer import import_set
from madoguchi.sources.layout import LAYOUTS
from madoguchi.sources.reader import open_source_file, read_chunk_text, read_records, split_chunks
from madoguchi.vault import Vault

from .export_sets import atena, csv_line, header, person, write_set

AWKWARD_TEXT = [
    "葛\U000e0100城",                       # an IVS variation sequence
    "𠮷野",                                  # outside the BMP
    "髙橋",                                  # 外字-ish 異体字
    "'; DROP TABLE juki_records; --",
    "<script>alert('x')</script>",
    "C:\\temp\\new\t\"quoted\"",           # backslash, tab and quotes (COPY escapes)
    "二行\r\nの方書",                          # a quoted CRLF inside a field
    "\u3000全角空白で始まる",
]


def test_text_round_trips_byte_exact(clean_engine: Engine, vault: Vault, tmp_path: Path) -> None:
    rows = [person(n, building=text, honseki=text) for n, text in enumerate(AWKWARD_TEXT, start=1)]
    report = import_set(clean_engine, write_set(tmp_path / "set", {"juki.csv": rows}), vault=vault)

    assert report.quarantined == 0
    with Session(clean_engine) as session:
        stored = {r.atena_number: (r.building, r.honseki) for r in session.scalars(select(JukiRecord))}
    for n, text in enumerate(AWKWARD_TEXT, start=1):
        assert stored[atena(n)] == (text, text)


def test_multi_line_record_is_numbered_by_its_first_line(clean_engine: Engine, vault: Vault,
                                                         tmp_path: Path) -> None:
    rows = [person(1, building="A棟\n2階\n201号室"), person(2, sex="x"), person(3, building="B棟\nX"),
            person(4, sex="y")]

    import_set(clean_engine, write_set(tmp_path / "set", {"juki.csv": rows}), vault=vault)

    with Session(clean_engine) as session:
        lines = session.scalars(select(QuarantinedRow.line).order_by(QuarantinedRow.line)).all()
        building = session.scalars(select(JukiRecord.building).filter_by(atena_number=atena(1))).one()
    assert lines == [5, 8]
    assert building == "A棟\n2階\n201号室"


def test_bom_and_crlf_line_ends_are_read(clean_engine: Engine, vault: Vault, tmp_path: Path) -> None:
    folder = write_set(tmp_path / "set", {"juki.csv": [person(1), person(2, sex="x")]}, bom=True,
                       newline="\r\n")

    report = import_set(clean_engine, folder, vault=vault)

    assert (report.files["juki.csv"].imported, report.files["juki.csv"].quarantined) == (1, 1)
    with Session(clean_engine) as session:
        record = session.scalars(select(JukiRecord)).one()
        assert record.atena_number == atena(1)
        assert record.change_date is not None and record.change_reason == "転居"
        assert session.scalars(select(QuarantinedRow.line)).one() == 3


field = st.text(alphabet=st.sampled_from(list('ab,"\n\r 山\U000e0100')), max_size=8)


@settings(max_examples=50, deadline=None)
@given(rows=st.lists(st.lists(field, min_size=3, max_size=3), max_size=30),
       chunk_bytes=st.integers(min_value=1, max_value=200))
def test_chunks_split_a_file_exactly_where_its_records_end(tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]],
                                                           chunk_bytes: int) -> None:
    path = tmp_path_factory.mktemp("chunks") / "pension.csv"
    names = header("pension.csv")
    text = "\n".join([csv_line(names), *(csv_line(row) for row in rows)]) + "\n"
    path.write_text(text, encoding="utf-8", newline="")
    source = open_source_file(path, LAYOUTS["pension.csv"], delta=False)

    records = [record for chunk in split_chunks(source, chunk_bytes)
               for record in read_records(read_chunk_text(chunk), chunk.first_line)]

    expected, line = [], 2
    for row in rows:
        expected.append((line, row))
        line += csv_line(row).count("\n") + 1
    assert [(r.line, r.fields) for r in records] == expected
    assert all(r.error is None for r in records)


def test_a_stray_quote_does_not_stop_the_rest_of_the_file_from_reading(tmp_path: Path) -> None:
    path = tmp_path / "pension.csv"
    rows = [f"{atena(n)},1,2000-05-01" for n in range(1, 60)]
    rows[2] = f'{atena(3)},1,2000"05-01'  # a quote inside an unquoted field: RFC 4180 forbids it
    path.write_text("\n".join([",".join(header("pension.csv")), *rows]) + "\n", encoding="utf-8")
    source = open_source_file(path, LAYOUTS["pension.csv"], delta=False)

    records = [record for chunk in split_chunks(source, chunk_bytes=64, max_record_bytes=256)
               for record in read_records(read_chunk_text(chunk), chunk.first_line)]

    assert [r.line for r in records] == list(range(2, 61))
    assert records[2].fields == [atena(3), "1", '2000"05-01']
