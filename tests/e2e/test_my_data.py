"""A resident logs in through the test OpenID provider and reads My data and its access log, at 360 × 800.

The provider runs under uvicorn beside the site (``oidc_provider.TestProvider.asgi``): the browser
really goes to its authorization endpoint and back, and the site really calls its discovery,
JWKS and token endpoints over HTTP.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect
from pydantic import SecretStr

from identity.oidc_provider import CLIENT_ID, CLIENT_SECRET, SUBJECT, TestProvider, an_rsa_key
from madoguchi import clock
from madoguchi.db.engine import transaction
from madoguchi.identity.oidc import RelyingParty
from madoguchi.identity.oidc_models import OidcLink
from madoguchi.identity.oidc_settings import OidcSettings
from madoguchi.web.oidc_login import CALLBACK_PATH, get_relying_party
from registry.factories import TODAY, Family, Hub

from .conftest import LiveSite

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def provider() -> Iterator[TestProvider]:
    """The test provider, served on a free port of 127.0.0.1."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    host, port = listener.getsockname()
    provider = TestProvider(f"http://{host}:{port}", an_rsa_key("op-e2e"))
    server = uvicorn.Server(uvicorn.Config(provider.asgi(), log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="e2e-op", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the test OpenID provider did not start under uvicorn")
        time.sleep(0.05)
    try:
        yield provider
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        listener.close()


@pytest.fixture
def family(live_site: LiveSite, provider: TestProvider) -> Iterator[Family]:
    """A family in the site's hub, the head's provider account linked; the site logs in at ``provider``."""
    clock.freeze(TODAY)
    with transaction(live_site.engine) as session:
        family = Hub.start(session, live_site.app.state.vault).family()
        session.add(OidcLink(issuer=provider.issuer, subject=SUBJECT, atena_number=family.head.atena_number,
                             linked_at=clock.now()))
    settings = OidcSettings(issuer=provider.issuer, client_id=CLIENT_ID, client_secret=SecretStr(CLIENT_SECRET),
                            redirect_url=live_site.url(CALLBACK_PATH))
    party = RelyingParty(settings)
    live_site.app.dependency_overrides[get_relying_party] = lambda: party
    try:
        yield family
    finally:
        live_site.app.dependency_overrides.pop(get_relying_party)


@pytest.fixture
def phone(browser: Browser, live_site: LiveSite) -> Iterator[Page]:
    context = browser.new_context(base_url=live_site.base_url, locale="ja-JP", viewport={"width": 360, "height": 800})
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def fits_the_screen(page: Page) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_parent_logs_in_at_the_provider_and_reads_their_data_and_who_used_it(
        live_site: LiveSite, family: Family, phone: Page) -> None:
    phone.goto("/login/oidc")  # to the provider, logged in there, and back

    expect(phone).to_have_url(live_site.url("/me"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("わたしの情報")
    [cookie] = [c for c in phone.context.cookies() if c["name"] == "madoguchi_resident_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    me = phone.get_by_role("region", name="山田　太郎さん")
    expect(me.get_by_role("region", name="住民記録")).to_contain_text("昭和60年6月15日")
    children = phone.get_by_role("region", name="お子さんの情報")
    expect(children.get_by_role("heading", name="山田　次郎さん")).to_be_visible()
    expect(phone.locator("main")).not_to_contain_text("一郎")
    assert fits_the_screen(phone)

    phone.get_by_role("navigation", name="わたしの情報").get_by_role("link", name="アクセス記録").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("アクセス記録")
    entries = phone.get_by_role("list", name="アクセス記録の一覧").get_by_role("listitem")
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text("あなた")
    expect(entries.first).to_contain_text("本人による自己情報の確認")
    assert fits_the_screen(phone)

    phone.get_by_label("利用の目的").select_option(label="手続のための利用")
    phone.get_by_role("button", name="絞り込む").click()
    expect(phone).to_have_url(live_site.url("/me/access-log?kind=procedure&department=&since=&until="))
    expect(phone.get_by_role("status")).to_have_text("表示する記録はありません。")

    phone.goto("/me")
    phone.get_by_role("link", name="山田　次郎さんのアクセス記録を見る").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("お子さんのアクセス記録")
    expect(phone.get_by_role("list", name="アクセス記録の一覧").get_by_role("listitem")).to_have_count(2)
    assert fits_the_screen(phone)


def test_another_childs_log_by_url_is_not_found(live_site: LiveSite, family: Family, phone: Page) -> None:
    phone.goto("/login/oidc")
    expect(phone).to_have_url(live_site.url("/me"))
    answer = phone.goto(f"/me/access-log/{family.adult_child.atena_number}")
    assert answer is not None and answer.status == 404
    expect(phone.get_by_role("heading", level=1)).to_have_text("表示できる情報が見つかりません")
