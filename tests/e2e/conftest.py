"""Browser tests: the real app under uvicorn, driven by Debian's Chromium through Playwright.

* ``live_site`` — the site served on a free port of 127.0.0.1 over a migrated
  SQLite file (plain http, so ``insecure_cookies``), with every table emptied
  before the test. One server per test session (per xdist worker); it runs in
  a thread of the test process, so ``madoguchi.clock.freeze`` moves its time
  too. ``live_site.add_staff(...)`` commits a staff member; ``live_site.engine``
  reaches the same database.
* ``browser`` — Chromium from ``/usr/bin/chromium`` (never downloaded); without
  it the tests skip, saying why — unless ``CI=true``, where they fail.
* ``page`` — a fresh page in its own context (no cookies), ``ja-JP``, whose
  relative URLs go to the live site.

Mark browser tests ``@pytest.mark.browser`` (``pytestmark``), so
``-m "not browser"`` leaves them out.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import Engine

from madoguchi.actor import Actor
from madoguchi.backoffice.staff import add_staff
from madoguchi.backoffice.staff_models import StaffMember
from madoguchi.catalog.store import CatalogStore
from madoguchi.db.base import Base
from madoguchi.db.engine import make_engine, transaction
from madoguchi.db.migrate import upgrade
from madoguchi.settings import Settings
from madoguchi.web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"
STAFF_PASSWORD = "e2e-staff-passphrase"


@dataclass(frozen=True)
class LiveSite:
    base_url: str
    app: FastAPI

    @property
    def engine(self) -> Engine:
        """The app's own engine: what a test writes here, the site sees at once."""
        engine: Engine = self.app.state.engine
        return engine

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def add_staff(self, login: str, *, display_name: str = "田中 一郎", department: str = "child-support",
                  role: str = "reviewer", may_see_support_measure: bool = False,
                  password: str = STAFF_PASSWORD) -> StaffMember:
        """A committed, active staff member of a catalog department."""
        catalog = self.app.state.catalog_store
        assert isinstance(catalog, CatalogStore)
        with transaction(self.engine) as session:
            return add_staff(session, actor=Actor.operator("e2e"), catalog=catalog.current, login=login,
                             display_name=display_name, department=department, role=role,
                             may_see_support_measure=may_see_support_measure, password=password)

    def empty(self) -> None:
        with self.engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture(scope="session")
def _live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSite]:
    folder = tmp_path_factory.mktemp("e2e-site")
    settings = Settings(database_url=f"sqlite:///{folder / 'site.db'}", keys_file=folder / "keys.json",
                        checkpoint_interval_seconds=0, insecure_cookies=True)
    migrating = make_engine(settings.database_url)
    upgrade(migrating)
    migrating.dispose()
    app = create_app(settings)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))  # the port is ours from here on: no race with another process
    host, port = listener.getsockname()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="e2e-site", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the site did not start under uvicorn (see the log above)")
        time.sleep(0.05)
    try:
        yield LiveSite(f"http://{host}:{port}", app)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        listener.close()


@pytest.fixture
def live_site(_live_server: LiveSite) -> LiveSite:
    _live_server.empty()
    return _live_server


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        reason = f"Chromium is not installed at {CHROMIUM} (scripts/test-services installs Debian's chromium)"
        if IN_CI:
            pytest.fail(reason + "; CI=true requires the browser tests")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, live_site: LiveSite) -> Iterator[Page]:
    context = browser.new_context(base_url=live_site.base_url, locale="ja-JP")
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()
