"""Importing export sets: counts, versions and history, full and delta semantics."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from madoguchi.registry.models import (
    SYSTEM_TABLES,
    AccountRecord,
    ImportRun,
    JukiRecord,
    NhiRecord,
    SystemSnapshot,
    TaxRecord,
)
from madoguchi.sources.errors import OtherMunicipality, SetOutOfOrder
from madoguchi.sources.importer import ImportReport, import_set
from madoguchi.vault import Vault

from .export_sets import (
    account,
    atena,
    child_allowance,
    delete,
    late_elderly,
    ltc,
    my_number,
    nhi,
    pension,
    person,
    tax,
    upsert,
    write_set,
)

APRIL = "2025-04-01T09:00:00+09:00"
MAY = "2025-05-01T09:00:00+09:00"
JUNE = "2025-06-01T09:00:00+09:00"


def a_city() -> dict[str, list[Any]]:
    """Three people: a couple and their child, each known to the systems that fit them."""
    return {
        "juki.csv": [person(1), person(2, relationship="妻", sex="2", given_name="花子"),
                     person(3, relationship="子", birth_date="2020-02-29", became_resident_on="2020-02-29",
                            address_since="2020-02-29", change_reason="出生", change_date="2020-02-29",
                            my_number="")],
        "tax.csv": [tax(1), tax(2, total_income="0", income_kind="none", taxed="0")],
        "nhi.csv": [nhi(1), nhi(2)],
        "child_allowance.csv": [child_allowance(1, 3, certified_on="2020-03-10")],
        "ltc.csv": [ltc(1)],
        "late_elderly.csv": [late_elderly(1)],
        "pension.csv": [pension(1), pension(2, category="3")],
        "accounts.csv": [account(1)],
    }


def current(session: Session, model: type[Any], **key: Any) -> Any:
    return session.scalars(select(model).filter_by(valid_to=None, **key)).one()


def as_of(session: Session, model: type[Any], day: date, **key: Any) -> Any:
    """The version the hub held on a day: valid_from <= day < valid_to."""
    query = select(model).filter_by(**key).where(
        model.valid_from <= day, (model.valid_to.is_(None)) | (model.valid_to > day))
    return session.scalars(query).one_or_none()


def test_full_set_imports_every_file_with_its_counts(clean_engine: Engine, vault: Vault,
                                                     tmp_path: Path) -> None:
    report = import_set(clean_engine, write_set(tmp_path / "set", a_city()), vault=vault)

    assert report.kind == "full"
    files = report.to_json()["files"]
    assert {name: counts["imported"] for name, counts in files.items()} == {
        "juki.csv": 3, "tax.csv": 2, "nhi.csv": 2, "child_allowance.csv": 1, "ltc.csv": 1,
        "late_elderly.csv": 1, "pension.csv": 2, "accounts.csv": 1}
    assert all(counts["read"] == counts["imported"] and counts["quarantined"] == 0
               for counts in files.values())
    with Session(clean_engine) as session:
        for model in SYSTEM_TABLES.values():
            assert all(r.valid_from == date(2025, 4, 1) and r.valid_to is None
                       for r in session.scalars(select(model)))
        taro = current(session, JukiRecord, atena_number=atena(1))
        assert (taro.family_name, taro.birth_date, taro.support_measure) == ("山田", date(1980, 5, 1), False)
        assert current(session, TaxRecord, atena_number=atena(2)).taxed is False
        assert current(session, JukiRecord, atena_number=atena(3)).my_number_sealed is None


def test_my_number_and_account_are_stored_only_sealed(clean_engine: Engine, vault: Vault,
                                                      tmp_path: Path) -> None:
    import_set(clean_engine, write_set(tmp_path / "set", a_city()), vault=vault)

    with Session(clean_engine) as session:
        taro = current(session, JukiRecord, atena_number=atena(1))
        assert my_number(1) not in taro.my_number_sealed
        assert vault.open(taro.my_number_sealed, "my_number") == my_number(1)
        assert taro.my_number_lookup == vault.lookup_hash(my_number(1))
        sealed = current(session, AccountRecord, atena_number=atena(1)).account_sealed
        assert json.loads(vault.open(sealed, "account")) == {
            "bank_code": "0001", "branch_code": "123", "account_type": "1",
            "account_number": "0000001", "holder_kana": "ヤマダ\u3000タロウ"}


def test_support_measure_flag_marks_the_person(clean_engine: Engine, vault: Vault, tmp_path: Path) -> None:
    folder = write_set(tmp_path / "set", {"juki.csv": [person(1, support_measure="1"), person(2)]})
    import_set(clean_engine, folder, vault=vault)

    with Session(clean_engine) as session:
        assert current(session, JukiRecord, atena_number=atena(1)).support_measure is True
        assert current(session, JukiRecord, atena_number=atena(2)).support_measure is False


def test_importing_the_same_set_again_changes_nothing(clean_engine: Engine, vault: Vault,
                                                      tmp_path: Path) -> None:
    folder = write_set(tmp_path / "set", a_city())
    import_set(clean_engine, folder, vault=vault)

    again = import_set(clean_engine, folder, vault=vault)

    totals = again.totals()
    assert totals["unchanged"] == totals["read"] == 13
    assert totals["imported"] == totals["ended"] == totals["replaced"] == 0
    with Session(clean_engine) as session:
        assert session.scalar(select(func.count()).select_from(JukiRecord)) == 3


def test_second_full_set_replaces_changed_records_and_keeps_history(clean_engine: Engine, vault: Vault,
                                                                    tmp_path: Path) -> None:
    import_set(clean_engine, write_set(tmp_path / "april", a_city(), extracted_at=APRIL), vault=vault)
    may = a_city()
    may["juki.csv"][0] = person(1, town="西新宿", block="2-8-1", address_since="2025-04-20",
                                change_reason="転居", change_date="2025-04-20")
    may["nhi.csv"] = [nhi(2)]  # 1 left NHI
    may["tax.csv"].append(tax(3, total_income="0", income_kind="none", taxed="0"))

    report = import_set(clean_engine, write_set(tmp_path / "may", may, extracted_at=MAY), vault=vault)

    files = report.files
    assert (files["juki.csv"].imported, files["juki.csv"].replaced, files["juki.csv"].unchanged) == (1, 1, 2)
    assert (files["nhi.csv"].ended, files["nhi.csv"].unchanged) == (1, 1)
    assert (files["tax.csv"].imported, files["tax.csv"].replaced) == (1, 0)
    with Session(clean_engine) as session:
        assert as_of(session, JukiRecord, date(2025, 4, 15), atena_number=atena(1)).town == "新宿"
        assert as_of(session, JukiRecord, date(2025, 5, 2), atena_number=atena(1)).town == "西新宿"
        old = session.scalars(select(JukiRecord).filter_by(atena_number=atena(1), town="新宿")).one()
        assert (old.valid_to, old.end_reason) == (date(2025, 5, 1), "replaced")
        left = session.scalars(select(NhiRecord).filter_by(atena_number=atena(1))).one()
        assert (left.valid_to, left.end_reason) == (date(2025, 5, 1), "ended")
        assert as_of(session, NhiRecord, date(2025, 4, 30), atena_number=atena(1)) is not None
        assert as_of(session, NhiRecord, date(2025, 5, 1), atena_number=atena(1)) is None


def test_full_set_without_an_optional_file_ends_that_systems_records(clean_engine: Engine, vault: Vault,
                                                                     tmp_path: Path) -> None:
    import_set(clean_engine, write_set(tmp_path / "april", a_city(), extracted_at=APRIL), vault=vault)
    may = a_city()
    del may["pension.csv"]

    report = import_set(clean_engine, write_set(tmp_path / "may", may, extracted_at=MAY), vault=vault)

    assert report.files["pension.csv"].present is False
    assert report.files["pension.csv"].ended == 2
    with Session(clean_engine) as session:
        assert session.scalars(select(SYSTEM_TABLES["pension"]).filter_by(valid_to=None)).all() == []


def test_delta_without_a_file_leaves_that_system_alone(clean_engine: Engine, vault: Vault,
                                                       tmp_path: Path) -> None:
    import_set(clean_engine, write_set(tmp_path / "april", a_city(), extracted_at=APRIL), vault=vault)

    report = import_set(clean_engine, write_set(tmp_path / "delta", {"juki.csv": []}, kind="delta",
                                                extracted_at=MAY), vault=vault)

    assert list(report.files) == ["juki.csv"]
    with Session(clean_engine) as session:
        assert len(session.scalars(select(SYSTEM_TABLES["pension"]).filter_by(valid_to=None)).all()) == 2


def test_delta_applies_births_deaths_moves_and_deletes(clean_engine: Engine, vault: Vault,
                                                       tmp_path: Path) -> None:
    import_set(clean_engine, write_set(tmp_path / "april", a_city(), extracted_at=APRIL), vault=vault)
    baby = person(4, relationship="子", birth_date="2025-04-10", became_resident_on="2025-04-10",
                  address_since="2025-04-10", change_reason="出生", change_date="2025-04-10", my_number="")
    delta = {
        "juki.csv": [upsert(baby),
                     upsert(person(1, status="3", change_reason="死亡", change_date="2025-04-20")),
                     upsert(person(2, town="西新宿", change_reason="転居", change_date="2025-04-25"))],
        "nhi.csv": [delete(nhi(1)), upsert(nhi(4, acquired_on="2025-04-10"))],
        "child_allowance.csv": [upsert(child_allowance(2, 4, certified_on="2025-04-15"))],
    }

    report = import_set(clean_engine, write_set(tmp_path / "delta", delta, kind="delta", extracted_at=MAY),
                        vault=vault)

    assert report.kind == "delta"
    juki = report.files["juki.csv"]
    assert (juki.read, juki.imported, juki.replaced, juki.quarantined) == (3, 3, 2, 0)
    assert (report.files["nhi.csv"].ended, report.files["nhi.csv"].imported) == (1, 1)
    assert report.files["child_allowance.csv"].imported == 1
    with Session(clean_engine) as session:
        assert current(session, JukiRecord, atena_number=atena(1)).status == "3"
        assert current(session, JukiRecord, atena_number=atena(4)).birth_date == date(2025, 4, 10)
        assert as_of(session, JukiRecord, date(2025, 4, 30), atena_number=atena(2)).town == "新宿"
        ended = session.scalars(select(NhiRecord).filter_by(atena_number=atena(1))).one()
        assert (ended.valid_to, ended.end_reason) == (date(2025, 5, 1), "deleted")
        assert as_of(session, NhiRecord, date(2025, 4, 30), atena_number=atena(1)) is not None


def test_delta_with_a_key_repeated_keeps_the_last_row(clean_engine: Engine, vault: Vault,
                                                      tmp_path: Path) -> None:
    import_set(clean_engine, write_set(tmp_path / "april", a_city(), extracted_at=APRIL), vault=vault)
    delta = {"juki.csv": [upsert(person(2, town="西新宿")), upsert(person(2, town="歌舞伎町")),
                          upsert(person(5)), delete(person(5))],
             "pension.csv": [delete(pension(2)), upsert(pension(2, category="1"))]}

    report = import_set(clean_engine, write_set(tmp_path / "delta", delta, kind="delta", extracted_at=MAY),
                        vault=vault)

    juki = report.files["juki.csv"]
    assert (juki.superseded, juki.imported, juki.unchanged) == (2, 1, 1)
    with Session(clean_engine) as session:
        versions = session.scalars(select(JukiRecord).filter_by(atena_number=atena(2))).all()
        assert sorted(v.town for v in versions) == ["新宿", "歌舞伎町"]
        assert session.scalars(select(JukiRecord).filter_by(atena_number=atena(5))).all() == []
        assert current(session, SYSTEM_TABLES["pension"], atena_number=atena(2)).category == "1"


def test_repeated_delta_changes_nothing(clean_engine: Engine, vault: Vault, tmp_path: Path) -> None:
    import_set(clean_engine, write_set(tmp_path / "april", a_city(), extracted_at=APRIL), vault=vault)
    folder = write_set(tmp_path / "delta", {"juki.csv": [upsert(person(2, town="西新宿"))],
                                            "nhi.csv": [delete(nhi(1))]}, kind="delta", extracted_at=MAY)
    import_set(clean_engine, folder, vault=vault)

    again = import_set(clean_engine, folder, vault=vault)

    assert again.totals()["unchanged"] == 2
    assert again.totals()["imported"] == again.totals()["ended"] == 0


def test_import_records_the_run_and_each_systems_as_of_date(clean_engine: Engine, vault: Vault,
                                                            tmp_path: Path) -> None:
    import_set(clean_engine, write_set(tmp_path / "april", a_city(), extracted_at=APRIL), vault=vault)
    report = import_set(clean_engine, write_set(tmp_path / "delta", {"tax.csv": [upsert(tax(1))]}, kind="delta",
                                                extracted_at=MAY), vault=vault)

    with Session(clean_engine) as session:
        run = session.get(ImportRun, report.import_id)
        assert run is not None and run.finished_at is not None
        assert (run.kind, run.municipality_code, run.summary["files"]["tax.csv"]["unchanged"]) == (
            "delta", "131041", 1)
        snapshots = {s.system: s for s in session.scalars(select(SystemSnapshot))}
        assert len(snapshots) == 8
        assert snapshots["tax"].import_id == report.import_id
        assert snapshots["juki"].import_id != report.import_id


def test_a_set_older_than_the_hubs_data_is_refused(clean_engine: Engine, vault: Vault,
                                                   tmp_path: Path) -> None:
    import_set(clean_engine, write_set(tmp_path / "may", a_city(), extracted_at=MAY), vault=vault)

    with pytest.raises(SetOutOfOrder, match="import sets in the order"):
        import_set(clean_engine, write_set(tmp_path / "april", a_city(), extracted_at=APRIL), vault=vault)


def test_a_set_from_another_municipality_is_refused(clean_engine: Engine, vault: Vault,
                                                    tmp_path: Path) -> None:
    import_set(clean_engine, write_set(tmp_path / "shinjuku", a_city()), vault=vault)

    with pytest.raises(OtherMunicipality, match="141003"):
        import_set(clean_engine, write_set(tmp_path / "yokohama", a_city(), municipality_code="141003",
                                           extracted_at=JUNE), vault=vault)


def test_worker_processes_give_the_same_result_as_one_process(clean_engine: Engine, vault: Vault,
                                                              tmp_path: Path) -> None:
    city = {"juki.csv": [person(n) for n in range(1, 200)] + [person(500, sex="x")],
            "tax.csv": [tax(n) for n in range(1, 200)] + [tax(900)]}
    folder = write_set(tmp_path / "set", city)
    seen: list[tuple[str, int]] = []

    report = import_set(clean_engine, folder, vault=vault, workers=2, chunk_bytes=2048,
                        progress=lambda file, rows: seen.append((file, rows)))

    assert _counts(report) == {"juki.csv": (200, 199, 1), "tax.csv": (200, 199, 1)}
    assert seen[-1] == ("tax.csv", 200) and len(seen) > 4
    with Session(clean_engine) as session:
        assert session.scalar(select(func.count()).select_from(TaxRecord)) == 199


def _counts(report: ImportReport) -> dict[str, tuple[int, int, int]]:
    return {name: (c.read, c.imported, c.quarantined) for name, c in report.files.items() if c.present}
