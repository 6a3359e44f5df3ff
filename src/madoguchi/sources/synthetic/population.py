"""Random households of a Japanese city, one at a time.

The shares follow the 2020 census in shape: household types (単独世帯 of the
young and of the elderly, 夫婦のみ, 夫婦と子, ひとり親と子, 三世代, others) and
ages (many people in their 70s and their 40s–50s, few children). Every
household is consistent in itself: a child is born when the mother is 20–45,
spouses are of similar age, 続柄 is relative to the 世帯主, and the 戸籍 (本籍,
筆頭者) is shared by those who belong to it. ``lives.Lives`` then adds the
dated facts of each life.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta

from madoguchi.sources.synthetic.addresses import Address, Municipality, honseki_elsewhere
from madoguchi.sources.synthetic.ages import age_on, birthday
from madoguchi.sources.synthetic.draw import AgeBands, Weighted, between
from madoguchi.sources.synthetic.lives import Lives
from madoguchi.sources.synthetic.names import (
    FAMILY_NAMES,
    NATIONALITIES,
    Name,
    Nationality,
    full_name,
    given_names,
)
from madoguchi.sources.synthetic.people import (
    ForeignStatus,
    Household,
    Koseki,
    Occupation,
    Person,
    Status,
)

HOUSEHOLD_TYPES = Weighted([
    ("single_working", 0.215),
    ("single_elderly", 0.135),
    ("couple", 0.205),
    ("couple_with_children", 0.245),
    ("single_parent", 0.085),
    ("three_generations", 0.06),
    ("other", 0.03),
    ("foreign", 0.03),
])
"""Shares of households by type (2020 census in shape; foreign residents are about 2–3 % of people)."""

SINGLE_WORKING_AGES = AgeBands(((18, 24, 2.6), (25, 34, 2.0), (35, 49, 2.5), (50, 64, 2.8)))
SINGLE_ELDERLY_AGES = AgeBands(((65, 69, 1.5), (70, 74, 2.2), (75, 79, 2.2), (80, 84, 2.0),
                                 (85, 89, 1.4), (90, 94, 0.6), (95, 101, 0.15)))
COUPLE_HUSBAND_AGES = AgeBands(((24, 34, 1.2), (35, 54, 1.0), (55, 64, 1.6), (65, 74, 3.3),
                                 (75, 84, 2.0), (85, 94, 0.5)))
MOTHER_AGES = AgeBands(((22, 29, 0.5), (30, 39, 1.8), (40, 49, 2.6), (50, 59, 2.0), (60, 69, 1.2), (70, 84, 1.0)))
SINGLE_PARENT_AGES = AgeBands(((25, 34, 1.0), (35, 44, 2.0), (45, 59, 2.0), (60, 69, 1.2), (70, 89, 2.0)))
"""Many ひとり親と子 households are an elderly parent with a middle-aged child."""
ELDER_HEAD_AGES = AgeBands(((62, 69, 1.0), (70, 79, 1.6), (80, 89, 0.8)))
MIDDLE_HEAD_AGES = AgeBands(((40, 49, 1.0), (50, 59, 1.4), (60, 64, 0.5)))
OTHER_HEAD_AGES = AgeBands(((30, 49, 1.0), (50, 69, 1.5), (70, 85, 1.0)))

NATIONALITY_SHARES = Weighted([("ベトナム", 24), ("中国", 24), ("韓国", 14), ("フィリピン", 10),
                               ("ネパール", 8), ("ブラジル", 7), ("インドネシア", 6)])
CHILDREN_COUNT = Weighted([(1, 42), (2, 43), (3, 13), (4, 2)])
"""Children a mother has had (of whom those grown up may have left home)."""
FOREIGN_WORKER_STATUSES = ("技能実習", "特定技能", "留学", "技術・人文知識・国際業務")
FOREIGN_FAMILY_STATUSES = {"中国": "永住者", "韓国": "特別永住者", "ブラジル": "定住者",
                           "フィリピン": "永住者", "ベトナム": "技術・人文知識・国際業務", "ネパール": "技能",
                           "インドネシア": "特定技能"}
STATUSES_WITHOUT_PERIOD = frozenset({"永住者", "特別永住者"})
ALIAS_NATIONALITIES = frozenset({"韓国", "中国"})
ALIAS_FAMILY_NAMES = {"金": "金田", "李": "岩本", "朴": "新井", "崔": "大山", "鄭": "松本",
                      "王": "王田", "張": "長谷", "陳": "東", "劉": "林", "楊": "柳田"}
"""通称 often kept by 特別永住者 and some 中国 nationals."""

DECEASED_HEAD_SHARE = 0.12
"""Share of elderly people living alone whose late spouse, the former head, is still listed."""
MOVED_OUT_CHILD_SHARE = 0.08


class HouseholdFactory:
    """Builds households for one city as of one date, drawing everything from one seeded ``rng``.

    ``atena_numbers`` and ``household_numbers`` hand out (serial, number) pairs;
    the factory never looks back at earlier households, so a city of any size
    is built in constant memory.
    """

    def __init__(self, rng: random.Random, municipality: Municipality, on: date,
                 atena_numbers: Iterator[tuple[int, str]], household_numbers: Iterator[tuple[int, str]]) -> None:
        self.rng = rng
        self.city = municipality
        self.on = on
        self._atena = atena_numbers
        self._households = household_numbers
        self._elsewhere = honseki_elsewhere()
        self._lives = Lives(rng, on)
        self._builders: dict[str, Callable[[Household], None]] = {
            "single_working": self._single_working, "single_elderly": self._single_elderly,
            "couple": self._couple, "couple_with_children": self._couple_with_children,
            "single_parent": self._single_parent, "three_generations": self._three_generations,
            "other": self._other, "foreign": self._foreign,
        }

    # households ------------------------------------------------------------

    def household(self, max_residents: int, moved_in_on: date | None = None) -> Household:
        """A random household of at most ``max_residents`` residents.

        With ``moved_in_on`` the whole household arrives in the city that day
        (国内転入): the delta's move-ins.
        """
        kind = HOUSEHOLD_TYPES.draw(self.rng)
        household = self.empty_household()
        self._builders[kind](household)
        if len(household.residents) > max_residents:
            household = self.empty_household()
            self._single_working(household)
        if moved_in_on is not None:
            household.members = household.residents  # people arriving bring no 除票 of this city
        self._lives.settle(household, moved_in_on=moved_in_on)
        return household

    def empty_household(self, address: Address | None = None) -> Household:
        serial, number = next(self._households)
        return Household(serial, number, address or self.city.address(self.rng))

    def _single_working(self, h: Household) -> None:
        sex = 1 if self.rng.random() < 0.58 else 2
        head = self.person(SINGLE_WORKING_AGES.draw(self.rng), sex, "世帯主")
        father = given_names(1).draw(self.rng)
        head.koseki = Koseki(self._honseki(), full_name(head.family_name, father.text))
        h.members.append(head)

    def _single_elderly(self, h: Household) -> None:
        sex = 2 if self.rng.random() < 0.66 else 1
        head = self.person(SINGLE_ELDERLY_AGES.draw(self.rng), sex, "世帯主")
        head.koseki = self.own_koseki(head)
        h.members.append(head)
        if sex == 2 and self.rng.random() < 0.75:
            late_husband = given_names(1).draw(self.rng)
            head.koseki = Koseki(head.koseki.honseki, full_name(head.family_name, late_husband.text))
            if self.rng.random() < DECEASED_HEAD_SHARE:
                husband = self.person(head.age + between(self.rng, 0, 5), 1, "世帯主",
                                      family=Name(head.family_name, head.family_kana), given=late_husband)
                husband.koseki, husband.spouse, head.spouse = head.koseki, head, husband
                husband.status = Status.DECEASED
                h.members.insert(0, husband)

    def _couple(self, h: Household) -> None:
        husband = self.person(COUPLE_HUSBAND_AGES.draw(self.rng), 1, "世帯主")
        husband.koseki = self.own_koseki(husband)
        wife = self.wife_of(husband)
        h.members += [husband, wife]
        age = husband.age
        if 45 <= age <= 75 and self.rng.random() < MOVED_OUT_CHILD_SHARE:
            child = self.child_of(wife, husband, "子", min_age=18, max_age=30)
            if child is not None:
                child.status = Status.MOVED_OUT
                h.members.append(child)

    def _couple_with_children(self, h: Household) -> None:
        mother_age = MOTHER_AGES.draw(self.rng)
        husband = self.person(max(20, mother_age + round(self.rng.gauss(2, 3))), 1, "世帯主")
        husband.koseki = self.own_koseki(husband)
        wife = self.wife_of(husband, age=mother_age)
        h.members += [husband, wife]
        self.children(h, wife.birth, wife, husband, "子")

    def _single_parent(self, h: Household) -> None:
        mother_led = self.rng.random() < 0.86
        parent_age = SINGLE_PARENT_AGES.draw(self.rng)
        parent = self.person(parent_age, 2 if mother_led else 1, "世帯主")
        parent.koseki = self.own_koseki(parent)
        h.members.append(parent)
        if mother_led:
            self.children(h, parent.birth, parent, None, "子")
        else:
            self.children(h, parent.birth + timedelta(days=between(self.rng, 0, 5 * 365)), None, parent, "子")

    def _three_generations(self, h: Household) -> None:
        if self.rng.random() < 0.5:
            head = self.person(ELDER_HEAD_AGES.draw(self.rng), 1, "世帯主")
            head.koseki = self.own_koseki(head)
            grandmother = self.wife_of(head)
            h.members += [head, grandmother] if self.rng.random() < 0.7 else [head]
            son = self.child_of(grandmother, head, "子", min_age=25, max_age=50, sex=1)
            if son is None:
                return
            son.koseki = Koseki(head.koseki.honseki if self.rng.random() < 0.7 else self._honseki(),
                                full_name(son.family_name, son.given_name))
            daughter_in_law = self.wife_of(son, relationship="子の妻")
            h.members += [son, daughter_in_law]
            self.children(h, daughter_in_law.birth, daughter_in_law, son, "孫")
        else:
            head = self.person(MIDDLE_HEAD_AGES.draw(self.rng), 1, "世帯主")
            head.koseki = self.own_koseki(head)
            wife = self.wife_of(head)
            h.members += [head, wife]
            self.children(h, wife.birth, wife, head, "子")
            h.members += self.parents_of(head, with_father=self.rng.random() < 0.35)

    def _other(self, h: Household) -> None:
        rng = self.rng
        head = self.person(OTHER_HEAD_AGES.draw(rng), 1 if rng.random() < 0.5 else 2, "世帯主")
        head.koseki = self.own_koseki(head)
        h.members.append(head)
        head_age = head.age
        roll = rng.random()
        if roll < 0.5:
            sex = 1 if rng.random() < 0.5 else 2
            sibling = self.person(max(18, head_age - between(rng, 1, 8)), sex, "弟" if sex == 1 else "妹",
                                  family=Name(head.family_name, head.family_kana))
            sibling.koseki = self.own_koseki(sibling)
            h.members.append(sibling)
        elif roll < 0.8:
            sex = 3 - head.sex
            partner = self.person(max(20, head_age + between(rng, -5, 5)), sex, "妻(未届)" if sex == 2 else "夫(未届)")
            partner.koseki = self.own_koseki(partner)
            h.members.append(partner)
        else:
            lodger = self.person(between(rng, 20, 70), 1 if rng.random() < 0.5 else 2, "同居人")
            lodger.koseki = self.own_koseki(lodger)
            h.members.append(lodger)

    def _foreign(self, h: Household) -> None:
        rng = self.rng
        nationality = NATIONALITIES[NATIONALITY_SHARES.draw(rng)]
        family_status = FOREIGN_FAMILY_STATUSES[nationality.name]
        if nationality.single_names or rng.random() < 0.55:
            sex = 1 if rng.random() < 0.6 else 2
            status = _pick(rng, FOREIGN_WORKER_STATUSES)
            h.members.append(self.foreigner(between(rng, 19, 38), sex, "世帯主", nationality, status))
            return
        husband = self.foreigner(between(rng, 28, 75), 1, "世帯主", nationality, family_status)
        wife_status = family_status if family_status in STATUSES_WITHOUT_PERIOD | {"定住者"} else "家族滞在"
        wife = self.foreigner(max(22, husband.age - between(rng, 0, 6)), 2, "妻",
                              nationality, wife_status, family=Name(husband.family_name, husband.family_kana))
        wife.spouse, husband.spouse = husband, wife
        h.members += [husband, wife]
        for child in self.children(h, wife.birth, wife, husband, "子"):
            child.koseki = None
            child.foreign = ForeignStatus(nationality.name, wife_status, self._expiry(wife_status))
            child.given_name, child.given_kana = _foreign_given(rng, nationality, child.sex)
            child.alias_name = _alias(husband, child, rng) if husband.alias_name else ""

    # people --------------------------------------------------------------------

    def person(self, age: int, sex: int, relationship: str, *, family: Name | None = None,
               given: Name | None = None, birth: date | None = None) -> Person:
        """A Japanese national of ``age`` (or born on ``birth``); the caller sets the 戸籍."""
        serial, atena = next(self._atena)
        surname = family or FAMILY_NAMES.draw(self.rng)
        first = given or given_names(sex).draw(self.rng)
        born = birth or self.birth_for_age(age)
        return Person(serial, atena, surname.text, first.text, surname.kana, first.kana, born, sex,
                      relationship, Occupation.CHILD, age=age_on(born, self.on) if birth else age)

    def foreigner(self, age: int, sex: int, relationship: str, nationality: Nationality,
                  residence_status: str, *, family: Name | None = None) -> Person:
        serial, atena = next(self._atena)
        surname = family or nationality.family[int(self.rng.random() * len(nationality.family))]
        given, given_kana = ("", "") if nationality.single_names else _foreign_given(self.rng, nationality, sex)
        person = Person(serial, atena, surname.text, given, surname.kana, given_kana,
                        self.birth_for_age(age), sex, relationship, Occupation.CHILD, age=age)
        person.foreign = ForeignStatus(nationality.name, residence_status, self._expiry(residence_status))
        if nationality.name in ALIAS_NATIONALITIES and (residence_status == "特別永住者" or self.rng.random() < 0.3):
            person.alias_name = _alias(person, person, self.rng)
        return person

    def own_koseki(self, person: Person) -> Koseki:
        """A 戸籍 of which the person is 筆頭者."""
        return Koseki(self._honseki(), full_name(person.family_name, person.given_name))

    def birth_for_age(self, age: int) -> date:
        """A birth date giving ``age`` on the extraction date."""
        return birthday(self.on, -age) - timedelta(days=int(self.rng.random() * 360))

    def wife_of(self, husband: Person, *, age: int | None = None, relationship: str = "妻") -> Person:
        """A wife in the husband's 戸籍, with his family name, of a plausible age."""
        husband_age = husband.age
        wife_age = age if age is not None else max(18, husband_age - round(self.rng.gauss(2, 3)))
        wife = self.person(wife_age, 2, relationship, family=Name(husband.family_name, husband.family_kana))
        wife.koseki, wife.spouse, husband.spouse = husband.koseki, husband, wife
        return wife

    def parents_of(self, child: Person, *, with_father: bool) -> list[Person]:
        """The 世帯主's mother (who bore him at 20–45) and maybe his father, in their own 戸籍."""
        gap = min(45, max(20, round(self.rng.gauss(29, 4))))
        birth = birthday(child.birth, -gap) - timedelta(days=between(self.rng, 0, 360))
        family = Name(child.family_name, child.family_kana)
        mother = self.person(0, 2, "母", family=family, birth=birth)
        father_name = given_names(1).draw(self.rng)
        koseki = Koseki(child.koseki.honseki if child.koseki else self._honseki(),
                        full_name(child.family_name, father_name.text))
        mother.koseki, child.mother = koseki, mother
        if not with_father:
            return [mother]
        father_age = age_on(birth, self.on) + max(0, round(self.rng.gauss(2, 3)))
        father = self.person(father_age, 1, "父", family=family, given=father_name)
        father.koseki, father.spouse, mother.spouse, child.father = koseki, mother, father, father
        return [father, mother]

    def child_of(self, mother: Person, father: Person | None, relationship: str, *,
                 min_age: int = 0, max_age: int = 120, sex: int | None = None) -> Person | None:
        """One child of the mother (born when she was 20–45) aged within the bounds, if possible."""
        mother_age = mother.age
        oldest_gap = max(20, mother_age - max_age)
        youngest_gap = min(45, mother_age - min_age - 1)
        if youngest_gap < oldest_gap:
            return None
        gap = between(self.rng, oldest_gap, youngest_gap)
        return self._born_to(mother.birth, mother, father, gap, relationship, sex=sex)

    def children(self, h: Household, mother_birth: date, mother: Person | None, father: Person | None,
                 relationship: str) -> list[Person]:
        """The children still living at home: 1–4, spaced 1–5 years, born when the mother was 20–45.

        ``mother`` is None when she does not live in the household (a father raising them).
        """
        count = CHILDREN_COUNT.draw(self.rng)
        gap = min(42, max(20, round(self.rng.gauss(30.5, 4.5))))
        at_home: list[Person] = []
        youngest: Person | None = None
        for _ in range(count):
            if gap > 45 or birthday(mother_birth, gap) >= self.on:
                break
            child = self._born_to(mother_birth, mother, father, gap, relationship)
            if child.birth >= self.on:
                break
            youngest = child
            age = child.age
            if age < 19 or self.rng.random() < (0.6 if age < 25 else 0.35 if age < 35 else 0.15):
                at_home.append(child)
            gap += between(self.rng, 1, 5)
        if not at_home and youngest is not None:
            at_home.append(youngest)
        h.members += at_home
        return at_home

    def _born_to(self, mother_birth: date, mother: Person | None, father: Person | None, gap: int,
                 relationship: str, *, sex: int | None = None) -> Person:
        birth = birthday(mother_birth, gap) + timedelta(days=between(self.rng, 0, 360))
        parent = father or mother
        assert parent is not None
        child_sex = sex or (1 if self.rng.random() < 0.51 else 2)
        child = self.person(0, child_sex, relationship, family=Name(parent.family_name, parent.family_kana),
                            birth=birth)
        child.koseki, child.mother, child.father = parent.koseki, mother, father
        return child

    def _honseki(self) -> str:
        if self.rng.random() < 0.6:
            return self.city.honseki_here(self.rng)
        place = self._elsewhere[int(self.rng.random() * len(self._elsewhere))]
        return f"{place}{between(self.rng, 1, 999)}番地"

    def _expiry(self, residence_status: str) -> date | None:
        if residence_status in STATUSES_WITHOUT_PERIOD:
            return None
        return self.on + timedelta(days=between(self.rng, 30, 3 * 365))


def _pick(rng: random.Random, values: tuple[str, ...]) -> str:
    return values[int(rng.random() * len(values))]


def _foreign_given(rng: random.Random, nationality: Nationality, sex: int) -> tuple[str, str]:
    names = nationality.male if sex == 1 else nationality.female
    if not names:
        return "", ""
    name = names[int(rng.random() * len(names))]
    return name.text, name.kana


def _alias(family_of: Person, person: Person, rng: random.Random) -> str:
    """A Japanese-style 通称: the family's chosen surname and a Japanese given name."""
    surname = ALIAS_FAMILY_NAMES.get(family_of.family_name, family_of.family_name)
    return full_name(surname, given_names(person.sex).draw(rng).text)
