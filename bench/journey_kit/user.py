"""The scripted user: a person on a smartphone, acting only through what the page shows, and the tally of it.

Each action is one a person takes on a touch screen — a tap on what a person
taps, a character typed into the real field (one key event each), a date
chosen in the phone's date picker — and is counted as the Keystroke-Level
Model of the spec (``../shared/spec/journey-benchmark.md``) charges it:

* a **page** (M, reading a new screen) for each page load and each htmx swap
  that shows new content (the swapped element's text changed);
* a **tap** for each click, check or choice; a choice already made (a
  default the page chose) is not tapped again, as a person would not;
* a **character** for each character typed;
* the **card operations**: the login and the signature, each once. The
  demo's card reader page stands in for the phone's NFC reading, so its page
  and the card chosen on it are the card operation, not pages, taps or wait.

A date is chosen as the phone's date picker chooses it: a tap on the field,
a tap on the day, a tap on 完了, and one more per month away (headless
Chromium has no picker to tap, so the value is then set as the picker sets
it). The **wait** is measured by the browser: a page load from the start of
its navigation (the tap) to its load event, redirects included — of which the
time until the response's last byte is the server's; an htmx swap showing new
content from its request to its settling, all counted as the server's. A
swap that shows nothing new (a choice kept in the draft) is not waited for:
the person is already on the next field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from playwright.sync_api import Locator, Page

SETTLE_MS = 30
DATE_PICKER_TAPS = 3
"""The field, the day, 完了 (a day of the month shown)."""
TRACK_SWAPS = """
(() => {
  const journey = {pending: 0, swaps: []};
  const requests = new WeakMap();
  window.__journey = journey;
  const done = (e, fresh) => {
    const request = requests.get(e.detail.xhr);
    if (request === undefined) return;
    requests.delete(e.detail.xhr);
    journey.pending -= 1;
    journey.swaps.push({seconds: (performance.now() - request.start) / 1000, fresh: fresh});
  };
  document.addEventListener('htmx:beforeRequest', (e) => {
    journey.pending += 1;
    requests.set(e.detail.xhr, {start: performance.now()});
  });
  document.addEventListener('htmx:beforeSwap', (e) => {
    const request = requests.get(e.detail.xhr);
    if (request !== undefined) Object.assign(request, {target: e.detail.target.id, before: e.detail.target.innerText});
  });
  document.addEventListener('htmx:afterSettle', (e) => {
    const request = requests.get(e.detail.xhr) || {};
    const now = request.target ? document.getElementById(request.target) : null;
    const text = now ? now.innerText : '';
    done(e, text.trim() !== '' && text !== request.before);
  });
  for (const failed of ['htmx:responseError', 'htmx:sendError', 'htmx:swapError', 'htmx:sendAbort']) {
    document.addEventListener(failed, (e) => done(e, false));
  }
})();
"""
"""Counts each htmx request until its swap has settled, and whether the swap showed new content."""


@dataclass
class Screen:
    """What one screen cost: its reading, the taps and characters on it, and the wait for it."""

    name: str
    reads: int = 1
    taps: int = 0
    characters: int = 0
    wait: float = 0.0
    server: float = 0.0
    """Of the wait, until the last byte of the response came (an htmx request's whole time); the rest is the
    browser's rendering."""


@dataclass
class Tally:
    screens: list[Screen] = field(default_factory=list)
    card_logins: int = 0
    card_signatures: int = 0
    procedures: int = 0
    """Applications submitted, as the receipt lists them."""
    paper_characters: int = 0

    @property
    def pages(self) -> int:
        return sum(s.reads for s in self.screens)

    @property
    def taps(self) -> int:
        return sum(s.taps for s in self.screens)

    @property
    def characters(self) -> int:
        return sum(s.characters for s in self.screens)

    @property
    def wait(self) -> float:
        return sum(s.wait for s in self.screens)

    @property
    def server(self) -> float:
        return sum(s.server for s in self.screens)


class ScriptedUser:
    """A person on a phone with ``page``, tallying what they do."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.tally = Tally()
        page.add_init_script(TRACK_SWAPS)

    @property
    def screen(self) -> Screen:
        return self.tally.screens[-1]

    def open(self, path: str, name: str) -> None:
        """Open the site at ``path`` (the home page bookmarked): a page."""
        self.page.goto(path, wait_until="load")
        self._loaded(name)

    def tap(self, target: Locator) -> None:
        """A tap that stays on the page (a radio, a checkbox, a field); an htmx swap it causes is read."""
        self.screen.taps += 1
        target.click()
        self._settle()

    def tap_to(self, target: Locator, name: str) -> None:
        """A tap that loads the next page."""
        self.screen.taps += 1
        self._navigate(target, name)

    def choose(self, target: Locator) -> None:
        """Check a radio or checkbox, unless it is checked already (a choice the page made)."""
        if not target.is_checked():
            self.screen.taps += 1
            target.check()
            self._settle()

    def type_into(self, field: Locator, text: str) -> None:
        """Tap the field and type ``text`` a character at a time (a phone's keyboard with conversion)."""
        self.tap(field)
        self.screen.characters += len(text)
        field.press_sequentially(text)
        self._settle()

    def pick_date(self, field: Locator, day: date, today: date) -> None:
        """Choose ``day`` in the phone's date picker (which opens on today's month): the field, the day,
        完了, and a tap per month away."""
        self.screen.taps += DATE_PICKER_TAPS + abs((today.year - day.year) * 12 + today.month - day.month)
        field.click()
        field.fill(day.isoformat())
        self._settle()

    def card_login(self, card: Locator, name: str) -> None:
        """Log in with the card chosen on the demo's reader, which stands in for the phone's NFC reading.

        The reader's page is part of the card operation: neither a screen read nor a wait (listing the
        demo's cards loads each card's keys, which a phone never does). The login itself — the challenge
        answered, verified, the session opened — and the page after it are measured.
        """
        self.tally.card_logins += 1
        self.tally.screens.pop()
        self._navigate(card, name)

    def sign_with_card(self, button: Locator, name: str) -> None:
        """Tap the signing button; the card signs."""
        self.tally.card_signatures += 1
        self.tap_to(button, name)

    def _navigate(self, target: Locator, name: str) -> None:
        with self.page.expect_navigation(wait_until="load"):
            target.click()
        self._loaded(name)

    def _loaded(self, name: str) -> None:
        timing = self.page.evaluate(
            "() => { const n = performance.getEntriesByType('navigation')[0];"
            " return [n.loadEventEnd / 1000, n.responseEnd / 1000]; }")
        self.tally.screens.append(Screen(name, wait=float(timing[0]), server=float(timing[1])))

    def _settle(self) -> None:
        """Wait for the htmx requests the action caused; count each swap showing new content as read."""
        self.page.wait_for_timeout(SETTLE_MS)  # an htmx trigger fires within the event the action dispatched
        self.page.wait_for_function("() => window.__journey.pending === 0")
        for swap in self.page.evaluate("() => window.__journey.swaps.splice(0)"):
            if swap["fresh"]:  # read, so waited for; a save that shows nothing happens while the person goes on
                self.screen.reads += 1
                self.screen.wait += float(swap["seconds"])
                self.screen.server += float(swap["seconds"])
