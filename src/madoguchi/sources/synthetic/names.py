"""Names with their readings: Japanese ones from Faker's ja_JP data, foreign ones by nationality.

Faker's ja_JP person provider keeps each kanji name with its katakana reading
(``last_name_pairs``, ``first_name_*_pairs``); the pools are built from those
tuples once, and drawing from them is a single index, fast enough for millions
of people. A small share of family names is written with 外字 or an IVS
variation sequence (葛󠄂 = 葛 U+845B + U+E0102, 髙 U+9AD9, 﨑 U+FA11, 𠮷 U+20BB7)
so that byte-exact round-trips are exercised.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from faker.providers.person.ja_JP import Provider as JapanesePersonProvider

FULL_WIDTH_SPACE = "\u3000"

VARIANT_FAMILY_NAMES = (
    ("葛\U000e0102西", "カサイ"),
    ("辻\U000e0102", "ツジ"),
    ("髙橋", "タカハシ"),
    ("山﨑", "ヤマザキ"),
    ("𠮷田", "ヨシダ"),
    ("濵田", "ハマダ"),
    ("齋藤", "サイトウ"),
    ("渡邉", "ワタナベ"),
)
"""Family names in 外字 or with an IVS selector, and their readings.

The sequences are the IVD's Moji_Joho collection, which the register's MJ characters
(文字情報基盤) use: 葛 + U+E0102 is the ヒ-shaped 葛, 辻 + U+E0102 the one-dot 辻.
"""
VARIANT_SHARE = 0.015


@dataclass(frozen=True, slots=True)
class Name:
    text: str
    kana: str


class Table:
    """A weighted pool drawn with one random index (the weights are expanded once)."""

    def __init__(self, weighted: list[tuple[Name, float]], resolution: int = 20_000) -> None:
        total = sum(weight for _, weight in weighted)
        self.entries: list[Name] = []
        for name, weight in weighted:
            self.entries.extend([name] * max(1, round(weight / total * resolution)))
        self.size = len(self.entries)

    def draw(self, rng: random.Random) -> Name:
        return self.entries[int(rng.random() * self.size)]


def _japanese_family_names() -> Table:
    pairs = JapanesePersonProvider.last_name_pairs
    total = sum(pairs.values())
    weighted = [(Name(kanji, kana), weight) for (kanji, kana, _), weight in pairs.items()]
    per_variant = total * VARIANT_SHARE / (1 - VARIANT_SHARE) / len(VARIANT_FAMILY_NAMES)
    weighted += [(Name(kanji, kana), per_variant) for kanji, kana in VARIANT_FAMILY_NAMES]
    return Table(weighted)


def _given_names(pairs: tuple[tuple[str, str, str], ...]) -> Table:
    return Table([(Name(kanji, kana), 1.0) for kanji, kana, _ in pairs])


FAMILY_NAMES = _japanese_family_names()
MALE_NAMES = _given_names(JapanesePersonProvider.first_name_male_pairs)
FEMALE_NAMES = _given_names(JapanesePersonProvider.first_name_female_pairs)


def given_names(sex: int) -> Table:
    return MALE_NAMES if sex == 1 else FEMALE_NAMES


def holder_kana(family_kana: str, given_kana: str) -> str:
    """A bank account holder's name: セイ　メイ with one full-width space (a name's own parts joined by ・)."""
    return family_kana.replace(FULL_WIDTH_SPACE, "・") + FULL_WIDTH_SPACE + given_kana.replace(FULL_WIDTH_SPACE, "・")


def full_name(family: str, given: str) -> str:
    """氏　名 as written for a 筆頭者 or a 通称."""
    return family + FULL_WIDTH_SPACE + given if given else family


@dataclass(frozen=True)
class Nationality:
    """Names of one nationality as a 住民票 records them (kanji or Latin letters) with readings."""

    name: str
    family: tuple[Name, ...]
    male: tuple[Name, ...]
    female: tuple[Name, ...]
    single_names: bool = False
    """People of this nationality often have no family name: given_name stays empty."""


def _names(*pairs: tuple[str, str]) -> tuple[Name, ...]:
    return tuple(Name(text, kana.replace(" ", FULL_WIDTH_SPACE)) for text, kana in pairs)


NATIONALITIES: dict[str, Nationality] = {n.name: n for n in (
    Nationality(
        "ベトナム",
        _names(("NGUYEN", "グエン"), ("TRAN", "チャン"), ("LE", "レ"), ("PHAM", "ファム"),
               ("HOANG", "ホアン"), ("VU", "ヴー"), ("BUI", "ブイ")),
        _names(("VAN NAM", "ヴァン ナム"), ("DUC ANH", "ドゥク アイン"),
               ("MINH TUAN", "ミン トゥアン"), ("QUANG HUY", "クアン フイ")),
        _names(("THI LAN", "ティ ラン"), ("THI HOA", "ティ ホア"),
               ("THU TRANG", "トゥ チャン"), ("NGOC ANH", "ゴック アイン")),
    ),
    Nationality(
        "中国",
        _names(("王", "ワン"), ("李", "リ"), ("張", "チャン"), ("劉", "リュウ"), ("陳", "チン"),
               ("楊", "ヤン")),
        _names(("偉", "ウェイ"), ("強", "チャン"), ("磊", "レイ"), ("軍", "ジュン")),
        _names(("芳", "ファン"), ("娜", "ナ"), ("静", "ジン"), ("麗", "リー")),
    ),
    Nationality(
        "韓国",
        _names(("金", "キム"), ("李", "イ"), ("朴", "パク"), ("崔", "チェ"), ("鄭", "チョン")),
        _names(("哲秀", "チョルス"), ("成浩", "ソンホ"), ("民俊", "ミンジュン")),
        _names(("美英", "ミヨン"), ("恩惠", "ウネ"), ("秀珍", "スジン")),
    ),
    Nationality(
        "フィリピン",
        _names(("SANTOS", "サントス"), ("REYES", "レイエス"), ("CRUZ", "クルス"),
               ("GARCIA", "ガルシア"), ("BAUTISTA", "バウティスタ")),
        _names(("JOSE", "ホセ"), ("MARK", "マーク"), ("JOHN PAUL", "ジョン ポール")),
        _names(("MARIA CRISTINA", "マリア クリスティーナ"), ("ANGELICA", "アンジェリカ"),
               ("MARY JOY", "メアリー ジョイ")),
    ),
    Nationality(
        "ネパール",
        _names(("GURUNG", "グルン"), ("TAMANG", "タマン"), ("SHRESTHA", "シュレスタ"), ("RAI", "ライ")),
        _names(("RAM", "ラム"), ("BIKASH", "ビカス"), ("SURAJ", "スラジ")),
        _names(("SITA", "シタ"), ("ANJALI", "アンジャリ"), ("PRIYA", "プリヤ")),
    ),
    Nationality(
        "ブラジル",
        _names(("SILVA", "シウヴァ"), ("SANTOS", "サントス"), ("OLIVEIRA", "オリヴェイラ"),
               ("SOUZA", "ソウザ")),
        _names(("LUCAS", "ルーカス"), ("GABRIEL", "ガブリエウ"), ("PEDRO HENRIQUE", "ペドロ エンヒッキ")),
        _names(("ANA CAROLINA", "アナ カロリーナ"), ("JULIANA", "ジュリアナ"), ("BEATRIZ", "ベアトリス")),
    ),
    Nationality(
        "インドネシア",
        _names(("WIDODO", "ウィドド"), ("SETIAWAN", "セティアワン"), ("PRASETYO", "プラセティヨ"),
               ("LESTARI", "レスタリ"), ("RAHAYU", "ラハユ")),
        (),
        (),
        single_names=True,
    ),
)}
