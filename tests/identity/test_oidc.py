"""Login at an OpenID provider, over HTTP, against a provider the tests run (``oidc_provider``)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from joserfc.jwk import RSAKey
from pydantic import SecretStr
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.identity.oidc import RelyingParty
from madoguchi.identity.oidc_models import OidcLink, OidcLogin
from madoguchi.identity.oidc_settings import OidcSettings
from madoguchi.registry.access_models import AccessLogEntry
from madoguchi.registry.purpose import PurposeRegistry, load_purposes
from madoguchi.settings import Settings
from madoguchi.vault import Vault
from madoguchi.web.deps import get_session
from madoguchi.web.oidc_login import get_relying_party
from madoguchi.web.resident import resident_policy
from madoguchi.web.session_models import WebSession
from madoguchi.web.sessions import session_cookie_name, start_session
from registry.factories import DIRECTORY, TODAY, Hub
from web.conftest import an_app

from .oidc_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    ISSUER,
    REDIRECT_URL,
    SUBJECT,
    TestProvider,
    an_rsa_key,
)

RESIDENT_COOKIE = session_cookie_name("resident")
ITEMS = {"name": "山田　太郎", "birthdate": "1985-06-15", "gender": "male",
         "address": {"formatted": "東京都新宿区新宿1-2-3"}}
"""The hub factory's default person (registry/factories.py) as OpenID's standard claims."""


@pytest.fixture(scope="session")
def provider_key() -> RSAKey:
    return an_rsa_key("op-key-1")


@pytest.fixture
def provider(provider_key: RSAKey) -> TestProvider:
    return TestProvider(ISSUER, provider_key)


@pytest.fixture
def purposes() -> PurposeRegistry:
    return load_purposes(None, DIRECTORY)


@pytest.fixture
def hub(session: Session, vault: Vault) -> Hub:
    clock.freeze(TODAY)
    return Hub.start(session, vault)


def settings_for(**changes: object) -> OidcSettings:
    values: dict[str, object] = {"issuer": ISSUER, "client_id": CLIENT_ID, "client_secret": SecretStr(CLIENT_SECRET),
                                 "redirect_url": REDIRECT_URL, **changes}
    return OidcSettings.model_validate(values)


@pytest.fixture
def oidc_settings() -> OidcSettings:
    return settings_for()


@pytest.fixture
def app(tmp_path: Path, engine: Engine, session: Session, vault: Vault, purposes: PurposeRegistry,
        provider: TestProvider, oidc_settings: OidcSettings) -> FastAPI:
    app = an_app(tmp_path, engine, vault, purposes)

    def request_session() -> Iterator[Session]:
        with session.begin_nested():
            yield session

    party = RelyingParty(oidc_settings, transport=httpx.MockTransport(provider.handle))
    app.dependency_overrides[get_session] = request_session
    app.dependency_overrides[get_relying_party] = lambda: party
    return app


@pytest.fixture
def browser(app: FastAPI) -> TestClient:
    return TestClient(app, base_url="https://testserver", raise_server_exceptions=False, follow_redirects=False)


def begin(browser: TestClient, next_path: str = "/me") -> str:
    """Start a login; the provider's authorization URL the browser is sent to."""
    start = browser.get("/login/oidc?" + urlencode({"next": next_path}))
    assert start.status_code == 303, start.text
    return start.headers["location"]


def log_in(browser: TestClient, provider: TestProvider) -> httpx.Response:
    """The whole login: to the provider, the resident logs in there, back to the city (not followed)."""
    return browser.get(provider.authorize(begin(browser)))


def resident_sessions(session: Session) -> list[str]:
    return list(session.scalars(select(WebSession.actor_id).where(WebSession.actor_kind == "resident")))


def link(session: Session, atena_number: str, subject: str = SUBJECT) -> None:
    session.add(OidcLink(issuer=ISSUER, subject=subject, atena_number=atena_number, linked_at=clock.now()))
    session.flush()


def assert_refused(answer: httpx.Response, status: int, message: str, session: Session, browser: TestClient) -> None:
    """A refusal page saying why, and no resident session anywhere."""
    assert answer.status_code == status, answer.text
    assert "ログインできませんでした" in answer.text and message in answer.text
    assert resident_sessions(session) == [] and browser.cookies.get(RESIDENT_COOKIE) is None


def refusal_logged(caplog: pytest.LogCaptureFixture) -> str:
    """The server's log line of the one refusal (type and detail, no personal data)."""
    [line] = [r.getMessage() for r in caplog.records if "oidc login refused" in r.getMessage()]
    return line


@pytest.fixture(autouse=True)
def _web_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="madoguchi.web")


def test_a_linked_subject_logs_in_with_the_code_flow_and_pkce_and_gets_a_resident_session(
        session: Session, hub: Hub, browser: TestClient, provider: TestProvider) -> None:
    person = hub.person()
    link(session, person.atena_number)
    start = browser.get("/login/oidc?next=/me/access-log")
    cookie = start.headers["set-cookie"].lower()
    assert all(part in cookie for part in ("httponly", "secure", "samesite=lax", "path=/login/oidc", "max-age=600"))
    authorization = start.headers["location"]
    query = {k: v[0] for k, v in parse_qs(urlsplit(authorization).query).items()}
    assert authorization.startswith(f"{ISSUER}/authorize?")
    assert query["client_id"] == CLIENT_ID and query["redirect_uri"] == REDIRECT_URL
    assert query["scope"] == "openid" and query["code_challenge_method"] == "S256"
    assert query["state"] and query["nonce"] and query["code_challenge"]
    state_cookie = browser.cookies.get("madoguchi_oidc_state")
    assert state_cookie == query["state"]
    stored = session.scalars(select(OidcLogin)).one()
    assert query["state"] not in stored.state_hash  # only its hash is kept

    answer = browser.get(provider.authorize(authorization))  # the provider checks the PKCE verifier

    assert answer.status_code == 303 and answer.headers["location"] == "/me/access-log"
    assert resident_sessions(session) == [person.atena_number]
    assert browser.cookies.get(RESIDENT_COOKIE) is not None
    assert "madoguchi_oidc_state=" in answer.headers["set-cookie"]  # the state cookie is cleared
    assert session.scalar(select(func.count()).select_from(OidcLogin)) == 0
    assert browser.get("/me").status_code == 200


def test_released_basic_items_find_the_one_resident_and_link_the_subject(
        session: Session, hub: Hub, browser: TestClient, provider: TestProvider) -> None:
    person = hub.person()
    hub.person(given_name="次郎")  # same family, another name: not a candidate
    provider.released = dict(ITEMS)

    assert log_in(browser, provider).status_code == 303
    assert resident_sessions(session) == [person.atena_number]
    [stored] = session.scalars(select(OidcLink)).all()
    assert (stored.issuer, stored.subject, stored.atena_number) == (ISSUER, SUBJECT, person.atena_number)
    [match] = session.scalars(select(AccessLogEntry).where(AccessLogEntry.subject == person.atena_number)).all()
    assert (match.actor_id, match.purpose) == ("oidc-login", "identity-link")

    provider.released = {}  # the link carries the next login, items or not
    assert log_in(TestClient(browser.app, base_url="https://testserver", follow_redirects=False),
                  provider).status_code == 303


@pytest.mark.parametrize("oidc_settings", [settings_for(scopes="openid profile address")])
def test_basic_items_from_the_userinfo_endpoint_are_used_when_the_id_token_has_none(
        session: Session, hub: Hub, browser: TestClient, provider: TestProvider) -> None:
    person = hub.person()
    provider.userinfo_claims = dict(ITEMS)
    assert log_in(browser, provider).status_code == 303
    assert resident_sessions(session) == [person.atena_number]


def test_items_that_match_no_resident_or_an_unknown_subject_are_refused(
        session: Session, hub: Hub, browser: TestClient, provider: TestProvider,
        caplog: pytest.LogCaptureFixture) -> None:
    hub.person()
    provider.released = {**ITEMS, "birthdate": "1985-06-16"}
    assert_refused(log_in(browser, provider), 403, "市の住民の記録と結び付いていません", session, browser)
    assert session.scalars(select(OidcLink)).all() == []
    assert "oidc login refused 403 oidc-not-linked" in refusal_logged(caplog)
    assert SUBJECT not in refusal_logged(caplog)
    caplog.clear()

    provider.released = {}
    assert_refused(log_in(browser, provider), 403, "結び付いていません", session, browser)


def test_an_answer_with_another_state_than_the_browsers_is_refused(
        session: Session, hub: Hub, browser: TestClient, provider: TestProvider) -> None:
    link(session, hub.person().atena_number)
    answer = provider.authorize(begin(browser))
    forged = answer.replace("state=", "state=x")
    assert_refused(browser.get(forged), 401, "もう一度はじめから", session, browser)
    # the login was not used up by the forgery, but a browser without its cookie cannot finish it
    other_browser = TestClient(browser.app, base_url="https://testserver", follow_redirects=False)
    assert_refused(other_browser.get(answer), 401, "もう一度はじめから", session, other_browser)


def test_an_answer_counts_once(session: Session, hub: Hub, browser: TestClient, provider: TestProvider) -> None:
    person = hub.person()
    link(session, person.atena_number)
    authorization = begin(browser)
    state = browser.cookies.get("madoguchi_oidc_state")
    answer = provider.authorize(authorization)
    assert browser.get(answer).status_code == 303

    browser.cookies.set("madoguchi_oidc_state", state or "", domain="testserver.local", path="/login/oidc")
    replayed = browser.get(answer)
    assert replayed.status_code == 401 and "もう一度はじめから" in replayed.text
    assert resident_sessions(session) == [person.atena_number]  # the first login's only


def test_a_login_left_too_long_at_the_provider_is_refused(
        session: Session, hub: Hub, browser: TestClient, provider: TestProvider,
        oidc_settings: OidcSettings) -> None:
    link(session, hub.person().atena_number)
    answer = provider.authorize(begin(browser))
    clock.freeze(TODAY + timedelta(seconds=oidc_settings.login_seconds))
    assert_refused(browser.get(answer), 401, "時間がたちすぎた", session, browser)


def test_an_earlier_id_token_replayed_is_refused_for_its_nonce(
        session: Session, hub: Hub, browser: TestClient, provider: TestProvider,
        caplog: pytest.LogCaptureFixture) -> None:
    person = hub.person()
    link(session, person.atena_number)
    assert log_in(browser, provider).status_code == 303
    provider.replay = provider.issued[-1]

    stranger = TestClient(browser.app, base_url="https://testserver", follow_redirects=False)
    answer = log_in(stranger, provider)
    assert answer.status_code == 401 and stranger.cookies.get(RESIDENT_COOKIE) is None
    assert resident_sessions(session) == [person.atena_number]
    assert "oidc-id-token-invalid" in refusal_logged(caplog) and "replayed" in refusal_logged(caplog)


@pytest.mark.parametrize(("changes", "what"), [
    ({"nonce": "a-nonce-of-another-login"}, "nonce"),
    ({"aud": "another-client"}, "aud"),
    ({"iss": "https://impostor.example"}, "iss"),
    ({"exp": int(TODAY.timestamp()) - 3600}, "expired"),
])
def test_an_id_token_with_a_wrong_claim_is_refused(
        session: Session, hub: Hub, browser: TestClient, provider: TestProvider, changes: dict[str, object],
        what: str, caplog: pytest.LogCaptureFixture) -> None:
    link(session, hub.person().atena_number)
    provider.changes = changes
    assert_refused(log_in(browser, provider), 401, "応答を確かめられませんでした", session, browser)
    line = refusal_logged(caplog)
    assert "oidc-id-token-invalid" in line and what in line


@pytest.mark.parametrize("kid", ["op-key-1", "a-key-the-provider-never-published"])
def test_an_id_token_signed_with_another_key_is_refused(
        session: Session, hub: Hub, browser: TestClient, provider: TestProvider, kid: str,
        caplog: pytest.LogCaptureFixture) -> None:
    link(session, hub.person().atena_number)
    provider.sign_with = an_rsa_key(kid)
    assert_refused(log_in(browser, provider), 401, "応答を確かめられませんでした", session, browser)
    assert "signature does not verify" in refusal_logged(caplog)


def test_the_resident_cancelling_at_the_provider_is_refused(
        session: Session, hub: Hub, browser: TestClient) -> None:
    authorization = begin(browser)
    state = parse_qs(urlsplit(authorization).query)["state"][0]
    answer = browser.get("/login/oidc/callback?" + urlencode({"error": "access_denied", "state": state}))
    assert_refused(answer, 401, "完了しませんでした", session, browser)


def test_a_provider_that_cannot_be_reached_is_a_502_page(
        session: Session, browser: TestClient, provider: TestProvider) -> None:
    provider.down = True
    answer = browser.get("/login/oidc")
    assert answer.status_code == 502 and "つながりませんでした" in answer.text
    assert browser.cookies.get("madoguchi_oidc_state") is None


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_only_a_path_of_this_site_is_a_place_to_come_back_to(
        session: Session, hub: Hub, browser: TestClient, provider: TestProvider, target: str) -> None:
    link(session, hub.person().atena_number)
    answer = browser.get(provider.authorize(begin(browser, next_path=target)))
    assert answer.headers["location"] == "/me"


def test_the_city_may_authenticate_with_a_private_key_jwt(
        session: Session, hub: Hub, tmp_path: Path, app: FastAPI, provider: TestProvider) -> None:
    client_key = an_rsa_key("city")
    key_file = tmp_path / "client.pem"
    key_file.write_bytes(client_key.as_pem(private=True))
    party = RelyingParty(settings_for(client_secret=None, private_key_file=key_file),
                         transport=httpx.MockTransport(provider.handle))
    app.dependency_overrides[get_relying_party] = lambda: party
    registered = RSAKey.import_key(client_key.as_pem(private=False))
    registered.ensure_kid()  # the city registers its public key under its thumbprint
    provider.client_secret, provider.client_key = None, registered
    person = hub.person()
    link(session, person.atena_number)
    browser = TestClient(app, base_url="https://testserver", follow_redirects=False)
    assert log_in(browser, provider).status_code == 303
    assert resident_sessions(session) == [person.atena_number]


def test_the_login_page_offers_the_provider_and_comes_back_to_the_page_asked_for(
        session: Session, hub: Hub, browser: TestClient, provider: TestProvider) -> None:
    page = browser.get("/login", params={"next": "/life-events/birth"})
    assert "デジタル認証アプリでログイン" in page.text
    assert 'href="/login/oidc?next=%2Flife-events%2Fbirth"' in page.text

    link(session, hub.person().atena_number)
    answer = browser.get(provider.authorize(begin(browser, next_path="/life-events/birth")))
    assert answer.status_code == 303 and answer.headers["location"] == "/life-events/birth"


def test_without_an_issuer_the_login_is_not_offered(session: Session, app: FastAPI) -> None:
    app.dependency_overrides[get_relying_party] = lambda: None
    browser = TestClient(app, base_url="https://testserver", follow_redirects=False)
    answer = browser.get("/login/oidc")
    assert answer.status_code == 404 and "受け付けていません" in answer.text
    assert "もう一度ログインする" not in answer.text
    assert "/login/oidc" not in browser.get("/login").text


def test_settings_are_off_without_an_issuer_and_complete_with_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MADOGUCHI_OIDC_ISSUER", raising=False)
    assert not OidcSettings().enabled
    with pytest.raises(ValueError, match="CLIENT_ID"):
        OidcSettings(issuer=ISSUER)
    with pytest.raises(ValueError, match="openid"):
        settings_for(scopes="profile")


def test_a_session_id_already_in_the_browser_is_ended_not_promoted(
        session: Session, hub: Hub, browser: TestClient, provider: TestProvider) -> None:
    person, other = hub.person(), hub.person(given_name="次郎")
    link(session, person.atena_number)
    planted = start_session(session, actor_kind="resident", actor_id=other.atena_number, department=None,
                            policy=resident_policy(Settings()))
    browser.cookies.set(RESIDENT_COOKIE, planted.session_id, domain="testserver.local")
    assert log_in(browser, provider).status_code == 303
    assert resident_sessions(session) == [person.atena_number]
    assert browser.cookies.get(RESIDENT_COOKIE) != planted.session_id
