"""Deltas of the synthetic city: deterministic, consistent changes touching only what they change."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from madoguchi.sources.synthetic import (
    PERSONAS,
    InvalidCityOptions,
    UnreadableExportSet,
    generate_city,
    generate_delta,
)
from madoguchi.sources.synthetic.ages import age_on

FULL_AT = datetime.fromisoformat("2025-06-15T09:00:00+09:00")
DELTA_AT = datetime.fromisoformat("2025-06-22T09:00:00+09:00")
FILES = ("juki.csv", "tax.csv", "nhi.csv", "child_allowance.csv", "ltc.csv", "late_elderly.csv", "pension.csv",
         "accounts.csv", "manifest.json")


def rows(folder: Path, file: str) -> list[dict[str, str]]:
    path = folder / file
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("delta") / "full"
    generate_city(out, residents=2000, seed=21, extracted_at=FULL_AT)
    return out


@pytest.fixture(scope="module")
def delta(full: Path) -> Path:
    out = full.parent / "delta"
    generate_delta(full, out, seed=4, changes=80, extracted_at=DELTA_AT)
    return out


@pytest.fixture(scope="module")
def people(full: Path) -> dict[str, dict[str, str]]:
    return {r["atena_number"]: r for r in rows(full, "juki.csv")}


def test_same_seed_writes_the_same_delta_and_another_seed_another(full: Path, delta: Path, tmp_path: Path) -> None:
    generate_delta(full, tmp_path / "again", seed=4, changes=80, extracted_at=DELTA_AT)
    generate_delta(full, tmp_path / "other", seed=5, changes=80, extracted_at=DELTA_AT)
    for file in FILES:
        if (delta / file).exists():
            assert (delta / file).read_bytes() == (tmp_path / "again" / file).read_bytes(), file
    assert (delta / "juki.csv").read_bytes() != (tmp_path / "other" / "juki.csv").read_bytes()


def test_the_delta_makes_every_kind_of_change_asked_for(full: Path, tmp_path: Path) -> None:
    summary = generate_delta(full, tmp_path / "d", seed=8, changes=80, extracted_at=DELTA_AT)
    assert sum(summary.changes.values()) == 80
    assert all(summary.changes[kind] > 0 for kind in
               ("birth", "death", "move_within", "move_out", "move_in", "household_change", "insurance_change"))
    reasons = {r["change_reason"] for r in rows(tmp_path / "d", "juki.csv")}
    assert {"出生", "死亡", "転居", "国内転入", "世帯変更"} <= reasons
    assert reasons & {"国内転出", "国外転出"}


def test_every_change_falls_between_the_full_set_and_the_delta(delta: Path) -> None:
    manifest = json.loads((delta / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "delta" and manifest["extracted_at"] == DELTA_AT.isoformat()
    changed = rows(delta, "juki.csv")
    assert changed and all(FULL_AT.date() < date.fromisoformat(r["change_date"]) <= DELTA_AT.date() for r in changed)


def test_a_birth_adds_a_child_of_a_mother_of_age_with_allowance_and_nhi_as_the_parents(
        full: Path, delta: Path, people: dict[str, dict[str, str]]) -> None:
    newborns = [r for r in rows(delta, "juki.csv") if r["change_reason"] == "出生"]
    assert newborns
    allowances = {r["child_atena"]: r for r in rows(delta, "child_allowance.csv")}
    nhi_now = {r["atena_number"] for r in rows(full, "nhi.csv") if not r["lost_on"]}
    nhi_new = {r["atena_number"]: r for r in rows(delta, "nhi.csv")}
    for child in newborns:
        assert child["atena_number"] not in people and child["op"] == "upsert"
        born = date.fromisoformat(child["birth_date"])
        household = [p for p in people.values() if p["household_number"] == child["household_number"] and p["status"] == "1"]
        mothers = [p for p in household if p["sex"] == "2" and p["birth_date"]
                   and 20 <= age_on(date.fromisoformat(p["birth_date"]), born) <= 45]
        assert mothers
        recipient = people[allowances[child["atena_number"]]["recipient_atena"]]
        assert recipient["household_number"] == child["household_number"]
        assert allowances[child["atena_number"]]["monthly_amount"] in ("15000", "30000")
        if child["relationship"] == "子":
            parents = [p for p in household if p["relationship"] in ("世帯主", "妻", "妻(未届)")]
            assert (child["atena_number"] in nhi_new) == all(p["atena_number"] in nhi_now for p in parents)


def test_a_death_ends_the_qualifications_the_next_day_and_removes_ltc(
        full: Path, delta: Path, people: dict[str, dict[str, str]]) -> None:
    deaths = [r for r in rows(delta, "juki.csv") if r["change_reason"] == "死亡"]
    assert deaths
    ltc_deleted = {r["atena_number"] for r in rows(delta, "ltc.csv") if r["op"] == "delete"}
    for file in ("nhi.csv", "late_elderly.csv"):
        insured = {r["atena_number"] for r in rows(full, file) if not r["lost_on"]}
        ended = {r["atena_number"]: r["lost_on"] for r in rows(delta, file)}
        for r in deaths:
            next_day = (date.fromisoformat(r["change_date"]) + timedelta(days=1)).isoformat()
            assert ended.get(r["atena_number"]) == (next_day if r["atena_number"] in insured else None)
    for r in deaths:
        assert r["status"] == "3" and people[r["atena_number"]]["status"] == "1"
        assert r["atena_number"] in ltc_deleted


def test_a_death_of_the_head_names_a_new_head(delta: Path, people: dict[str, dict[str, str]]) -> None:
    changed = rows(delta, "juki.csv")
    for r in changed:
        if r["change_reason"] == "死亡" and r["relationship"] == "世帯主":
            household = r["household_number"]
            others = [p for p in people.values() if p["household_number"] == household and p["status"] == "1"
                      and p["atena_number"] != r["atena_number"]]
            new_heads = [c for c in changed if c["household_number"] == household and c["relationship"] == "世帯主"
                         and c["status"] == "1"]
            assert len(new_heads) == (1 if others else 0)


def test_a_move_within_changes_only_the_address(delta: Path, people: dict[str, dict[str, str]]) -> None:
    moves = [r for r in rows(delta, "juki.csv") if r["change_reason"] == "転居"]
    assert moves
    address = ("postal_code", "town", "block", "building", "address_since", "change_reason", "change_date", "town_id",
               "prefecture", "city", "op")
    for r in moves:
        before = people[r["atena_number"]]
        assert (before["town"], before["block"], before["building"]) != (r["town"], r["block"], r["building"])
        assert {k: v for k, v in r.items() if k not in address} == {k: v for k, v in before.items() if k not in address}


def test_the_personas_are_never_changed(delta: Path) -> None:
    touched = {r["atena_number"] for r in rows(delta, "juki.csv")} | {r["household_number"] for r in rows(delta, "juki.csv")}
    for persona in PERSONAS.values():
        assert persona.household_number not in touched
        assert not touched & set(persona.members.values())


def test_new_people_get_new_numbers(delta: Path, people: dict[str, dict[str, str]]) -> None:
    added = [r for r in rows(delta, "juki.csv") if r["change_reason"] in ("出生", "国内転入", "国外転入")]
    assert added and not {r["atena_number"] for r in added} & set(people)
    numbers = [r["my_number"] for r in added if r["my_number"]]
    assert not set(numbers) & {p["my_number"] for p in people.values()}


def test_no_changes_is_refused_and_nothing_is_written(full: Path, tmp_path: Path) -> None:
    with pytest.raises(InvalidCityOptions, match="at least one change"):
        generate_delta(full, tmp_path / "none", seed=1, changes=0, extracted_at=DELTA_AT)
    assert not (tmp_path / "none").exists()


def test_a_delta_cannot_start_from_a_delta_or_an_empty_folder(delta: Path, tmp_path: Path) -> None:
    with pytest.raises(UnreadableExportSet, match="delta set"):
        generate_delta(delta, tmp_path / "x", seed=1, changes=5, extracted_at=DELTA_AT)
    (tmp_path / "empty").mkdir()
    with pytest.raises(UnreadableExportSet, match="manifest"):
        generate_delta(tmp_path / "empty", tmp_path / "y", seed=1, changes=5, extracted_at=DELTA_AT)
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_a_delta_dated_before_its_full_set_is_refused(full: Path, tmp_path: Path) -> None:
    with pytest.raises(InvalidCityOptions, match="after the full set"):
        generate_delta(full, tmp_path / "early", seed=1, changes=5, extracted_at=FULL_AT - timedelta(days=1))
    assert not (tmp_path / "early").exists()
