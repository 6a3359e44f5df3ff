"""The demo personas: hand-designed households that open every synthetic city.

They are the same in every city (any seed, any size), take the first
宛名番号 and 世帯番号, and keep their ages relative to the extraction date, so
"a child aged 3" stays 3 whenever the city is generated. The demo and the
60-second journey benchmark log in as them (docs/synthetic-city.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from madoguchi.sources.synthetic.addresses import Address, Municipality
from madoguchi.sources.synthetic.ages import birthday, month_end
from madoguchi.sources.synthetic.names import full_name
from madoguchi.sources.synthetic.numbers import (
    ATENA_BASE,
    HOUSEHOLD_BASE,
    issued_numbers,
    my_number,
)
from madoguchi.sources.synthetic.people import (
    Account,
    ForeignStatus,
    Household,
    Income,
    Koseki,
    Occupation,
    Person,
)


@dataclass(frozen=True)
class Member:
    """One persona household member, described relative to the extraction date."""

    role: str
    family: tuple[str, str]
    given: tuple[str, str]
    age: int
    days_past_birthday: int
    sex: int
    relationship: str
    occupation: Occupation
    income: tuple[str, int, int] = ("none", 0, 0)
    """(kind, 合計所得金額 of the latest fiscal year, of the one before)."""
    job_years: int | None = None
    """Years since the current job or retirement began (the health plan's start)."""
    care_level: str = ""
    account: tuple[str, str, str] | None = None
    """(bank code, branch code, account number) of the registered 公金受取口座."""
    support_measure: bool = False
    nationality: tuple[str, str] | None = None
    """(nationality, residence status) of a foreign resident."""
    alias: str = ""
    mother: str = ""
    father: str = ""
    spouse: str = ""
    provider: str = ""
    hittousha: str = ""
    """The role of the 戸籍's 筆頭者 (default: the member himself or herself)."""


@dataclass(frozen=True)
class PersonaSpec:
    key: str
    title: str
    applicant: str
    """The role of the member who logs in in the demo."""
    town_index: int
    block: str
    building: str
    years_here: int
    """Years since the household came to the city (members born since are 出生 here)."""
    members: tuple[Member, ...]


@dataclass(frozen=True)
class Persona:
    key: str
    title: str
    household_number: str
    applicant: str
    """宛名番号 of the member who logs in."""
    members: dict[str, str] = field(default_factory=dict)
    """role → 宛名番号."""

    def to_json(self) -> dict[str, object]:
        return {"title": self.title, "household_number": self.household_number,
                "applicant": self.applicant, "members": dict(self.members)}


_SE = Occupation.SELF_EMPLOYED

SPECS: tuple[PersonaSpec, ...] = (
    PersonaSpec(
        "birth",
        "A couple in their early 30s, both self-employed and NHI-insured, with a son aged 3 "
        "(child allowance to the father); they expect a baby.",
        applicant="father", town_index=0, block="2丁目5-8", building="", years_here=6,
        members=(
            Member("father", ("佐藤", "サトウ"), ("健一", "ケンイチ"), 33, 120, 1, "世帯主", _SE,
                   ("business", 3_200_000, 3_000_000), job_years=6, account=("0116", "201", "1234567")),
            Member("mother", ("佐藤", "サトウ"), ("陽子", "ヨウコ"), 31, 200, 2, "妻", _SE,
                   ("business", 900_000, 850_000), job_years=5, account=("9900", "018", "7654321"),
                   spouse="father", hittousha="father"),
            Member("child", ("佐藤", "サトウ"), ("翔太", "ショウタ"), 3, 150, 1, "子", Occupation.CHILD,
                   mother="mother", father="father", provider="father", hittousha="father"),
        ),
    ),
    PersonaSpec(
        "death",
        "The 世帯主, 82, late-elderly and LTC-insured with 要介護2 and a pension, lives with his wife (79), "
        "their son (50) and the son's wife: his death calls for a 世帯主変更.",
        applicant="son", town_index=1, block="1丁目12-3", building="", years_here=45,
        members=(
            Member("head", ("髙橋", "タカハシ"), ("稔", "ミノル"), 82, 60, 1, "世帯主", Occupation.RETIRED,
                   ("pension", 1_300_000, 1_280_000), job_years=17, care_level="要介護2",
                   account=("0501", "105", "2345678"), spouse="wife"),
            Member("wife", ("髙橋", "タカハシ"), ("千代", "チヨ"), 79, 250, 2, "妻", Occupation.RETIRED,
                   ("pension", 0, 0), job_years=14, spouse="head", provider="head", hittousha="head"),
            Member("son", ("髙橋", "タカハシ"), ("浩", "ヒロシ"), 50, 90, 1, "子", Occupation.EMPLOYEE,
                   ("salary", 4_810_000, 4_700_000), job_years=27, account=("0009", "310", "3456789"),
                   mother="wife", father="head", spouse="son_wife"),
            Member("son_wife", ("髙橋", "タカハシ"), ("直子", "ナオコ"), 48, 30, 2, "子の妻", Occupation.PART_TIME,
                   ("salary", 450_000, 430_000), spouse="son", provider="son", hittousha="son"),
        ),
    ),
    PersonaSpec(
        "move-within",
        "A single mother of 38 with two children of compulsory school age (13 and 9), "
        "receiving child allowance; she reports a move within the city.",
        applicant="mother", town_index=2, block="3丁目7-1", building="コーポ201", years_here=10,
        members=(
            Member("mother", ("鈴木", "スズキ"), ("明美", "アケミ"), 38, 40, 2, "世帯主", Occupation.EMPLOYEE,
                   ("salary", 1_880_000, 1_850_000), job_years=8, account=("0005", "432", "4567890")),
            Member("elder_child", ("鈴木", "スズキ"), ("太一", "タイチ"), 13, 100, 1, "子", Occupation.PUPIL,
                   mother="mother", provider="mother", hittousha="mother"),
            Member("younger_child", ("鈴木", "スズキ"), ("結衣", "ユイ"), 9, 200, 2, "子", Occupation.PUPIL,
                   mother="mother", provider="mother", hittousha="mother"),
        ),
    ),
    PersonaSpec(
        "single-elderly",
        "A woman of 88 living alone (要支援1); her family name is written with an IVS sequence (葛󠄂).",
        applicant="resident", town_index=3, block="45番地", building="", years_here=60,
        members=(
            Member("resident", ("葛\U000e0102西", "カサイ"), ("花子", "ハナコ"), 88, 75, 2, "世帯主",
                   Occupation.RETIRED, ("pension", 0, 0), job_years=28, care_level="要支援1"),
        ),
    ),
    PersonaSpec(
        "foreign",
        "A Korean family of 特別永住者 using 通称 (金田): the father runs a restaurant (NHI), "
        "the mother works part time, their son is 10.",
        applicant="father", town_index=4, block="2丁目3-4", building="", years_here=12,
        members=(
            Member("father", ("金", "キム"), ("成浩", "ソンホ"), 45, 20, 1, "世帯主", _SE,
                   ("business", 3_600_000, 3_400_000), job_years=10, account=("0001", "150", "5678901"),
                   nationality=("韓国", "特別永住者"), alias="金田\u3000成浩", spouse="mother"),
            Member("mother", ("李", "イ"), ("美英", "ミヨン"), 42, 310, 2, "妻", Occupation.PART_TIME,
                   ("salary", 300_000, 280_000), nationality=("韓国", "特別永住者"), alias="金田\u3000美英",
                   spouse="father", provider="father"),
            Member("son", ("金", "キム"), ("民俊", "ミンジュン"), 10, 130, 1, "子", Occupation.PUPIL,
                   nationality=("韓国", "特別永住者"), alias="金田\u3000民俊",
                   mother="mother", father="father", provider="father"),
        ),
    ),
    PersonaSpec(
        "support-measure",
        "A woman of 34 under DV support measures (支援措置) living with her mother (62) and her son (6): "
        "her data must not show to them.",
        applicant="protected", town_index=5, block="18-2", building="", years_here=2,
        members=(
            Member("mother", ("山本", "ヤマモト"), ("幹", "ミキ"), 62, 80, 2, "世帯主", Occupation.EMPLOYEE,
                   ("salary", 1_700_000, 1_650_000), job_years=20),
            Member("protected", ("山本", "ヤマモト"), ("さゆり", "サユリ"), 34, 160, 2, "子", Occupation.EMPLOYEE,
                   ("salary", 2_080_000, 1_900_000), job_years=1, account=("0036", "251", "6789012"),
                   support_measure=True, mother="mother"),
            Member("child", ("山本", "ヤマモト"), ("零", "レイ"), 6, 40, 1, "孫", Occupation.PUPIL,
                   mother="protected", provider="protected", hittousha="protected"),
        ),
    ),
)


def _numbered() -> Iterator[tuple[PersonaSpec, tuple[int, str], list[tuple[int, str]]]]:
    """Each spec with its household's and members' (serial, number), in issue order."""
    atena, households = issued_numbers(ATENA_BASE), issued_numbers(HOUSEHOLD_BASE)
    for spec in SPECS:
        yield spec, next(households), [next(atena) for _ in spec.members]


def _persona(spec: PersonaSpec, household: tuple[int, str], members: list[tuple[int, str]]) -> Persona:
    by_role = {m.role: number for m, (_, number) in zip(spec.members, members, strict=True)}
    return Persona(spec.key, spec.title, household[1], by_role[spec.applicant], by_role)


PERSONAS: dict[str, Persona] = {spec.key: _persona(spec, household, members)
                                for spec, household, members in _numbered()}
"""The personas by key: birth, death, move-within, single-elderly, foreign, support-measure."""

PERSONA_RESIDENTS = sum(len(spec.members) for spec in SPECS)
NEXT_ATENA_SERIAL = max(serial for _, _, members in _numbered() for serial, _ in members) + 1
"""Random households take serials after the personas'."""
NEXT_HOUSEHOLD_SERIAL = max(serial for _, (serial, _), _ in _numbered()) + 1


def persona_households(city: Municipality, on: date) -> Iterator[Household]:
    """The persona households as of ``on``, addressed in the city's first towns."""
    for spec, (household_serial, household_number), numbers in _numbered():
        town = city.towns[spec.town_index % len(city.towns)]
        block = spec.block if town.has_chome else spec.block.split("丁目")[-1]
        address = Address(town.postal_code, city.prefecture, town.city, town.name, block, spec.building)
        household = Household(household_serial, household_number, address)
        by_role = {m.role: _person(m, serial, number, on) for m, (serial, number) in zip(spec.members, numbers, strict=True)}
        honseki = f"{city.prefecture}{town.city}{town.name}{spec.town_index + 1}00番地"
        arrived = birthday(on, -spec.years_here)
        for member in spec.members:
            _relate(member, by_role, arrived, honseki)
            household.members.append(by_role[member.role])
        yield household


def _person(m: Member, serial: int, number: str, on: date) -> Person:
    birth = birthday(on, -m.age) - timedelta(days=m.days_past_birthday)
    person = Person(serial, number, m.family[0], m.given[0], m.family[1], m.given[1], birth, m.sex,
                    m.relationship, m.occupation, age=m.age, my_number=my_number(serial), alias_name=m.alias,
                    support_measure=m.support_measure, income=Income(*m.income), care_level=m.care_level)
    if m.nationality is not None:
        person.foreign = ForeignStatus(m.nationality[0], m.nationality[1], None)
    if m.care_level:
        person.care_certified_until = month_end(on.year, on.month + 8)
    if m.account is not None:
        person.account = Account(m.account[0], m.account[1], 1, m.account[2])
    if m.job_years is not None:
        person.plan_since = max(birthday(on, -m.job_years), birthday(birth, 18))
    return person


def _relate(m: Member, by_role: dict[str, Person], arrived: date, honseki: str) -> None:
    """Kinship, 戸籍 and residence dates of one member, once every member exists."""
    person = by_role[m.role]
    person.mother, person.father = by_role.get(m.mother), by_role.get(m.father)
    person.spouse, person.provider = by_role.get(m.spouse), by_role.get(m.provider)
    if person.foreign is None:
        head = by_role[m.hittousha or m.role]
        person.koseki = Koseki(honseki, full_name(head.family_name, head.given_name))
    if person.birth >= arrived:
        person.became_resident_on = person.address_since = person.change_date = person.birth
        person.change_reason = "出生"
    else:
        person.became_resident_on = person.address_since = person.change_date = arrived
        person.change_reason = "国内転入"
    if person.plan_since is not None:
        person.plan_since = max(person.plan_since, person.became_resident_on)
