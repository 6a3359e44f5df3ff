"""The journey benchmark's scripted people still get through: the birth, the move within the city and the
death, on a small demo city, in Chromium.

The benchmark (``madoguchi bench journey``) times these walks; here each only has to complete, from the
logged-out home page to the receipt, through the same pages, typing only what no record holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser

from backoffice.factories import cheap_hashing
from madoguchi import clock
from madoguchi.benchmark import load_benchmark

pytestmark = pytest.mark.browser

SCREENS = ["home", "login", "questions", "plan", "confirmation", "received"]


@pytest.fixture(scope="module")
def journey() -> Any:
    return load_benchmark("journey")  # and its kit, bench/journey_kit


@pytest.fixture(scope="module")
def demo_site(journey: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The demo city of 100 residents with its personas, cards and wallet; each walk serves its own copy."""
    folder = tmp_path_factory.mktemp("journey")
    with pytest.MonkeyPatch.context() as patch, journey.demo_environment(folder):
        cheap_hashing(patch)  # the demo's staff passwords play no part here
        yield journey.build_demo_site(folder, residents=100, seed=1)


@pytest.mark.parametrize(("scenario", "procedures", "typed"), [
    ("birth", 5, "陽葵ひまり"),  # the child's name and its reading; the hospital's certificate gave the rest
    ("move-within", 1, "北見市北進町2丁目5-8"),  # the new address
    ("death", 6, "母、妻"),  # the members' relationships to the new head; the register and the certificate
                          # gave the rest
])
def test_the_benchmarks_person_completes_the_scenario_typing_only_what_no_record_holds(
        journey: Any, demo_site: Any, browser: Browser, scenario: str, procedures: int, typed: str) -> None:
    with journey.served(demo_site, scenario) as url:
        context = browser.new_context(base_url=url, locale="ja-JP", viewport={"width": 360, "height": 800})
        context.set_default_timeout(30_000)
        try:
            today = clock.today()
            person = journey.SCENARIOS[scenario](demo_site, today)
            tally = journey.walk(context.new_page(), demo_site, person, today).tally
        finally:
            context.close()

    assert tally.procedures == procedures  # as the receipt lists them
    assert (tally.card_logins, tally.card_signatures) == (1, 1)
    assert tally.characters == len(typed)
    assert [s.name for s in tally.screens] == SCREENS
