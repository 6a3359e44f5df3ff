"""Values shown the Japanese way."""

from __future__ import annotations

from datetime import date

import pytest

from madoguchi.prefill.display import address, era_date, katakana, western_date


@pytest.mark.parametrize(("day", "shown"), [
    (date(2026, 11, 28), "令和8年11月28日"),
    (date(2019, 5, 1), "令和元年5月1日"),
    (date(2019, 4, 30), "平成31年4月30日"),
    (date(1989, 1, 7), "昭和64年1月7日"),
    (date(1989, 1, 8), "平成元年1月8日"),
])
def test_an_era_date_is_shown_in_the_era_of_that_day(day: date, shown: str) -> None:
    assert era_date(day) == shown


def test_a_western_date_is_written_with_year_month_and_day() -> None:
    assert western_date(date(2026, 1, 2)) == "2026年1月2日"


def test_kana_is_shown_full_width_katakana_whatever_it_was_typed_in() -> None:
    assert katakana("ｻﾄｳ ｹﾝｲﾁ") == "サトウ ケンイチ"
    assert katakana("さとう") == "サトウ"
    assert katakana("ガッコウ") == "ガッコウ"


def test_an_address_is_shown_with_its_postal_code_and_building() -> None:
    assert address({"postal_code": "0900001", "prefecture": "北海道", "city": "北見市", "town": "北進町",
                    "block": "2丁目5-8", "building": "コーポ201"}) == "〒090-0001 北海道北見市北進町2丁目5-8 コーポ201"
