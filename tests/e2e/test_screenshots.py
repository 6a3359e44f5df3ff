"""Screenshots for docs/journey.md: the birth journey at 360 × 800, My data, and the back office's
application page at 1280 × 800 — made only when ``MADOGUCHI_SCREENSHOTS`` names a folder
(``scripts/screenshots`` sets it to ``docs/screenshots``).

A test rather than a script of its own: it reuses the browser tests' live site, demo city and walk
(``birth_walk``), with the clock frozen at the tests' today, so the pictures show exactly the pages
the tests check, with the same dates, and cannot drift from them. Each page is taken whole
(``full_page``): a long page becomes one tall picture of a phone's width, reduced to 64 colours
(Pillow, which reportlab brings) to stay under 200 KB.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import BrowserContext, Page, ViewportSize, expect

from .birth_walk import MY_DATA_STEPS, STEPS, visit_my_data, walk_birth
from .conftest import STAFF_PASSWORD
from .test_accessibility import DESK, PHONE, contexts  # noqa: F401 - the fixture
from .test_journey_birth import DemoCity, demo_city  # noqa: F401 - the fixture
from .test_staff_login import log_in

FOLDER = os.environ.get("MADOGUCHI_SCREENSHOTS", "")

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not FOLDER, reason="makes docs/screenshots only when asked: scripts/screenshots")]

MAX_BYTES = 200 * 1024
COLOURS = 64


def shoot(page: Page, folder: Path, name: str) -> None:
    """The whole page as a PNG of 64 colours: text stays sharp, and a tall page stays small."""
    shot = Image.open(io.BytesIO(page.screenshot(full_page=True, animations="disabled", caret="hide")))
    shot.convert("RGB").quantize(COLOURS, dither=Image.Dither.NONE).save(folder / f"{name}.png", optimize=True)


def test_the_journey_my_data_and_the_back_office_are_saved_as_screenshots(
        demo_city: DemoCity, contexts: Callable[[ViewportSize], BrowserContext]) -> None:  # noqa: F811
    folder = Path(FOLDER)
    folder.mkdir(parents=True, exist_ok=True)
    phone = contexts(PHONE).new_page()
    walk_birth(phone, lambda step: shoot(phone, folder, f"journey-{step}"))
    visit_my_data(phone, lambda step: shoot(phone, folder, step))

    demo_city.site.add_staff("sato", display_name="佐藤 次郎", department="insurance-pension")
    desk = contexts(DESK).new_page()
    log_in(desk, "sato", STAFF_PASSWORD)
    desk.get_by_role("table").locator("tbody th a").first.click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("国民健康保険 加入届")
    shoot(desk, folder, "backoffice-application")

    names = [f"journey-{step}" for step in STEPS] + list(MY_DATA_STEPS) + ["backoffice-application"]
    sizes = {name: (folder / f"{name}.png").stat().st_size for name in names}
    assert not {name: size for name, size in sizes.items() if size > MAX_BYTES}, sizes
