"""WCAG 2.2 AA in the browser: axe-core on every page of the birth journey, My data and the back office,
no page wider than a 360 px phone, and the journey still done with text at 200 %.

The resident's pages are checked at 360 × 800, the back office's at 1280 × 800 (a desk's screen),
in contexts with ``bypass_csp`` so that axe can be injected (``axe.py``). Large text is the
browser's text size set to 200 %: a root font size of 32 px, which every size of the site's CSS
follows (rem), as a phone's larger-text setting does.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from .axe import Axe, axe  # noqa: F401 - the fixture
from .birth_walk import MY_DATA_STEPS, STEPS, visit_my_data, walk_birth
from .conftest import STAFF_PASSWORD, LiveSite
from .test_journey_birth import DemoCity, demo_city  # noqa: F401 - the fixture
from .test_staff_login import log_in

pytestmark = pytest.mark.browser

PHONE = ViewportSize(width=360, height=800)
DESK = ViewportSize(width=1280, height=800)
LARGE_TEXT = """document.addEventListener("DOMContentLoaded", () => {
    const style = document.createElement("style");
    style.textContent = "html { font-size: 200% !important; }";
    document.head.append(style);
});"""

WIDER_THAN_THE_SCREEN = """() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    return [...document.querySelectorAll("body *")]
        .filter(e => e.getBoundingClientRect().right > width + 0.5)
        .slice(0, 5)
        .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
                  + (typeof e.className === "string" && e.className ? "." + e.className.trim().split(/\\s+/).join(".") : ""));
}"""
"""The first elements that stick out to the right when the page scrolls sideways; none when it does not."""


@pytest.fixture
def contexts(browser: Browser, live_site: LiveSite) -> Iterator[Callable[[ViewportSize], BrowserContext]]:
    """New browser contexts on the live site that axe can be injected into; closed after the test."""
    opened: list[BrowserContext] = []

    def new_context(viewport: ViewportSize) -> BrowserContext:
        context = browser.new_context(base_url=live_site.base_url, locale="ja-JP", viewport=viewport,
                                      bypass_csp=True)
        context.set_default_timeout(10_000)
        opened.append(context)
        return context

    yield new_context
    for context in opened:
        context.close()


def sticking_out(page: Page) -> list[str]:
    found: list[str] = page.evaluate(WIDER_THAN_THE_SCREEN)
    return found


def test_no_page_has_a_serious_or_critical_axe_violation_or_scrolls_sideways_at_360_px(
        demo_city: DemoCity, contexts: Callable[[ViewportSize], BrowserContext], axe: Axe) -> None:  # noqa: F811
    phone = contexts(PHONE).new_page()
    too_wide: dict[str, list[str]] = {}

    def at(step: str) -> None:
        axe.check(phone, step)
        if wide := sticking_out(phone):
            too_wide[step] = wide

    walk_birth(phone, at)
    visit_my_data(phone, at)
    missing = phone.goto(f"/drafts/{uuid.uuid4()}")
    assert missing is not None and missing.status == 404
    at("error-page")

    demo_city.site.add_staff("sato", display_name="佐藤 次郎", department="insurance-pension")
    desk = contexts(DESK).new_page()
    desk.goto("/backoffice/login")
    axe.check(desk, "backoffice-login")
    log_in(desk, "sato", STAFF_PASSWORD)
    expect(desk.get_by_role("heading", name="受付一覧")).to_be_visible()
    axe.check(desk, "backoffice-inbox")
    desk.get_by_role("table").locator("tbody th a").first.click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("国民健康保険 加入届")
    axe.check(desk, "backoffice-application")

    assert axe.checked == [*STEPS, *MY_DATA_STEPS, "error-page", "backoffice-login", "backoffice-inbox",
                           "backoffice-application"]
    axe.assert_no_blocking()
    assert not too_wide, f"pages wider than 360 px: {too_wide}"


def test_the_journey_is_done_at_360_px_with_text_at_200_percent_and_nothing_scrolls_sideways(
        demo_city: DemoCity, contexts: Callable[[ViewportSize], BrowserContext]) -> None:  # noqa: F811
    context = contexts(PHONE)
    context.add_init_script(LARGE_TEXT)
    phone = context.new_page()
    too_wide: dict[str, list[str]] = {}

    def at(step: str) -> None:
        assert phone.evaluate("() => getComputedStyle(document.documentElement).fontSize") == "32px"
        if wide := sticking_out(phone):
            too_wide[step] = wide

    walk_birth(phone, at)
    visit_my_data(phone, at)
    assert not too_wide, f"pages wider than 360 px with text at 200 %: {too_wide}"
