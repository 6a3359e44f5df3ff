"""The journey benchmark's scripted person still gets through: the birth on a small demo city, in Chromium.

The benchmark (``madoguchi bench journey``) times this walk; here it only has to complete, from the
logged-out home page to the receipt, through the same pages, with the certificate from the demo wallet.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from backoffice.factories import cheap_hashing
from madoguchi import clock
from madoguchi.benchmark import load_benchmark

pytestmark = pytest.mark.browser


def test_the_benchmarks_parent_reports_the_birth_typing_only_the_childs_name(
        browser: Browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)  # the demo's staff passwords play no part here
    journey = load_benchmark("journey")  # and its kit, bench/journey_kit
    with journey.demo_environment(tmp_path):
        site = journey.build_demo_site(tmp_path, residents=100, seed=1)
        with journey.served(site, "test") as url:
            context = browser.new_context(base_url=url, locale="ja-JP", viewport={"width": 360, "height": 800})
            context.set_default_timeout(30_000)
            try:
                today = clock.today()
                tally = journey.walk(context.new_page(), site, journey.SCENARIOS["birth"](site, today), today).tally
            finally:
                context.close()

    assert tally.procedures >= 5
    assert (tally.card_logins, tally.card_signatures) == (1, 1)
    assert tally.characters == len("陽葵ひまり")  # the child's name and its reading; the certificate gave the rest
    assert [s.name for s in tally.screens] == ["home", "login", "questions", "plan", "confirmation", "received"]
