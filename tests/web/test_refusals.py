"""Bad input at the resident's side (issue 5): each gets a clear refusal, a line in the server's log, and no data.

Over HTTP, on SQLite and PostgreSQL (the ``session`` fixture), with the journey's app and birth family
(``web.test_journey``). Where each bad input is tested:

| bad input | elsewhere | here |
|---|---|---|
| expired or revoked card certificate | the checks: ``identity/test_card_verify.py``; a revoked card at the demo reader: ``web/test_journey.py`` | the card login API: refusal, log line, no session |
| a certificate from another CA | ``identity/test_card_verify.py`` (also a CA copying the trusted one's name) | the card login API |
| a replayed challenge | ``identity/test_card_login.py`` (answered once, expired, never issued) | the card login API |
| a tampered signature | ``identity/test_card_verify.py``; a bundle: ``intake/test_bundles.py``, ``intake/test_api.py`` (no bundle kept) | the login's answer and a bundle's signature, with their log lines |
| a session cookie after logout | pages: ``web/test_journey.py``, ``web/test_sessions.py`` (staff) | an API route (logged), a page |
| a forged CSRF token | pages: ``web/test_journey.py``; staff: ``web/test_sessions.py``; missing on the API: ``intake/test_api.py`` | forged on the API and on a page, with their log lines |
| another resident's data by URL | the journey's pages: ``web/test_journey.py``; ``/me/access-log/…``: ``web/test_my_data.py``; receipts and forms: ``printing/test_routes.py``; a draft: ``intake/test_bundles.py``; another department's application: ``web/test_backoffice_*.py`` | **every** route taking a 宛名番号, a draft id, a bundle or application reference, found in ``app.routes``: a new one fails ``test_every_route_taking_a_residents_identifier_is_tried_by_another_resident`` until it is in ``PROBES`` |
| a replayed or foreign OpenID answer | ``identity/test_oidc.py`` (a refusal page and its log line) | |
| script in a text field | a typed value on the confirmation: ``web/test_journey.py``; a stored name on /me: ``web/test_my_data.py``; PDFs: ``printing/test_fonts.py`` | every text field of the questions and confirmation pages, the access log's filter, a value shown to staff, a reason shown to the resident |

Script is not refused: it is text (a name or an address may hold ``<``), kept as typed and escaped
wherever it is shown, under a Content-Security-Policy that runs only the site's own scripts.
"""

from __future__ import annotations

import base64
import logging
import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice.factories import PASSWORD, a_staff_member
from guidance.conftest import homes, serving  # noqa: F401 - fixtures
from guidance.households import BirthFamily, Households
from intake.bundle_kit import PNG, Resident, birth_answers, birth_values
from intake.test_bundles import authority  # noqa: F401 - the session's card authority
from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.catalog.directory import ServingCatalog
from madoguchi.db.base import Base
from madoguchi.identity.card_authority import CardAuthority
from madoguchi.identity.card_profile import read_basic_items
from madoguchi.identity.card_trust import trust_of
from madoguchi.identity.virtual_card import (
    VirtualCard,
    cards_folder,
    issue_virtual_card,
    load_virtual_card,
    revoke_cards_of,
)
from madoguchi.intake.application_models import Application, Draft
from madoguchi.intake.drafts import DraftView
from madoguchi.intake.review import decide
from madoguchi.intake.status import ApplicationStatus
from madoguchi.registry.access_models import AccessLogEntry
from madoguchi.settings import Settings
from madoguchi.vault import Vault
from madoguchi.web.app import create_app
from madoguchi.web.resident import get_card_trust
from registry.factories import TODAY
from web.staff_browser import a_browser as a_staff_browser
from web.staff_browser import log_in as staff_log_in
from web.test_journey import (  # noqa: F401 - fixtures
    COOKIE,
    Browser,
    a_browser,
    app,
    family,
    father,
    mother,
    settings,
)

INSTANCE = re.compile(r"urn:uuid:[0-9a-f-]{36}")
SCRIPT = '<script>alert("madoguchi")</script>'


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def log_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name.startswith("madoguchi")]


def refusal_logged(caplog: pytest.LogCaptureFixture, status: int, *, slug: str | None = None,
                   instance: str | None = None) -> bool:
    """Whether the server logged the refusal: its status, an instance, and the type or instance given."""
    return any(f" {status} " in line and INSTANCE.search(line) is not None
               and (slug is None or f" {slug} " in line) and (instance is None or instance in line)
               for line in log_lines(caplog))


def assert_nothing_personal_logged(caplog: pytest.LogCaptureFixture, personal: Iterable[str]) -> None:
    for line in log_lines(caplog):
        leaked = [value for value in personal if value and value in line]
        assert not leaked, f"the log line {line!r} holds {leaked}"


def counts(session: Session) -> dict[str, int]:
    """How many rows each table holds: a refused request adds and removes none."""
    return {table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables}


def card_of(settings: Settings, atena_number: str) -> VirtualCard:  # noqa: F811
    return load_virtual_card(cards_folder(settings) / f"{atena_number}.json")


def birth_draft(resident: Resident, family: BirthFamily) -> DraftView:  # noqa: F811
    """The birth family's draft, made by one of them through the intake."""
    return resident.draft(**birth_answers(family))  # type: ignore[arg-type]  # answers, not the event's arguments


# The card login: expired, revoked, another CA's, a replayed challenge, a tampered answer


def login_body(http: TestClient, card: VirtualCard, *, tamper: bool = False) -> dict[str, str]:
    """The card's answer to a fresh challenge, as the phone app sends it (its signature spoilt if ``tamper``)."""
    nonce = base64.b64decode(http.post("/api/v1/login/challenge").json()["challenge"])
    signature = bytearray(card.authenticate(nonce))
    if tamper:
        signature[-1] ^= 0x01
    return {"challenge": b64(nonce), "certificate": b64(card.auth_certificate_der), "signature": b64(bytes(signature))}


def an_old_card(tmp_path: Path, card: VirtualCard) -> tuple[VirtualCard, CardAuthority]:
    """The same holder's card from an authority that issued it six years ago: expired a year ago."""
    clock.freeze(TODAY.replace(year=TODAY.year - 6))
    try:
        old = CardAuthority.open(tmp_path / "old-card-ca")
        return issue_virtual_card(old, atena_number=card.atena_number,
                                  basic_items=read_basic_items(card.signing_certificate)), old
    finally:
        clock.freeze(TODAY)


def another_cas_card(tmp_path: Path, card: VirtualCard) -> VirtualCard:
    clock.freeze(TODAY - timedelta(days=30))
    try:
        other = CardAuthority.open(tmp_path / "other-card-ca")
        return issue_virtual_card(other, atena_number=card.atena_number,
                                  basic_items=read_basic_items(card.signing_certificate))
    finally:
        clock.freeze(TODAY)


@pytest.mark.parametrize(("case", "status", "slug"), [
    ("expired", 403, "card-certificate-expired"),
    ("revoked", 403, "card-certificate-revoked"),
    ("another-ca", 403, "card-certificate-untrusted"),
    ("replayed-challenge", 401, "card-challenge-invalid"),
    ("tampered-answer", 401, "card-signature-invalid"),
])
def test_a_bad_card_login_is_refused_logged_and_opens_no_session(
        case: str, status: int, slug: str, app: FastAPI, family: BirthFamily, session: Session,  # noqa: F811
        settings: Settings, authority: CardAuthority, tmp_path: Path,  # noqa: F811
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="madoguchi")
    father_card = card_of(settings, family.father.atena_number)
    http = a_browser(app).http
    if case == "expired":
        card, old = an_old_card(tmp_path, father_card)
        app.dependency_overrides[get_card_trust] = lambda: trust_of(old)
        body = login_body(http, card)
    elif case == "revoked":
        revoke_cards_of(session, actor=Actor.operator("card-office"), authority=authority,
                        atena_number=family.father.atena_number)
        app.dependency_overrides[get_card_trust] = lambda: trust_of(authority)  # the CRL as it is now
        body = login_body(http, father_card)
    elif case == "another-ca":
        body = login_body(http, another_cas_card(tmp_path, father_card))
    elif case == "replayed-challenge":
        body = login_body(http, father_card)
        assert a_browser(app).http.post("/api/v1/login/card", json=body).status_code == 200
    else:
        body = login_body(http, father_card, tamper=True)
    before = counts(session)
    caplog.clear()

    refused = http.post("/api/v1/login/card", json=body)

    assert refused.status_code == status, refused.text
    problem = refused.json()
    assert problem["type"].endswith(f"/{slug}") and refused.headers["content-type"] == "application/problem+json"
    assert COOKIE not in refused.headers.get("set-cookie", "") and http.cookies.get(COOKIE) is None
    assert refusal_logged(caplog, status, slug=slug, instance=problem["instance"])
    assert_nothing_personal_logged(caplog, [family.father.atena_number, "佐藤", "健一"])
    assert family.father.atena_number not in refused.text and "佐藤" not in refused.text
    assert counts(session) == before


def test_a_bundle_whose_signature_was_tampered_with_is_refused_logged_and_kept_nowhere(
        app: FastAPI, father: Browser, family: BirthFamily, session: Session, vault: Vault,  # noqa: F811
        serving: ServingCatalog, authority: CardAuthority, settings: Settings,  # noqa: F811
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="madoguchi")
    card = card_of(settings, family.father.atena_number)
    resident = Resident(session, vault, serving, authority, family.father.atena_number, card)
    draft = birth_draft(resident, family)
    resident.attach(draft, "birth-registration", "birth-certificate")
    values = birth_values(draft.filled["inputs"])
    signature = bytearray(card.sign(resident.content(draft.draft_id, values)))
    signature[0] ^= 0x01
    before = counts(session)
    caplog.clear()

    refused = father.http.post("/api/v1/bundles", headers={"X-CSRF-Token": father.csrf()}, json={
        "draft": str(draft.draft_id), "values": values,
        "signature": {"certificate": b64(card.signing_certificate_der), "value": b64(bytes(signature))}})

    assert refused.status_code == 401 and refused.json()["type"].endswith("/card-signature-invalid")
    assert refusal_logged(caplog, 401, slug="card-signature-invalid", instance=refused.json()["instance"])
    assert_nothing_personal_logged(caplog, [family.father.atena_number, str(draft.draft_id), "佐藤"])
    assert counts(session) == before


# A session cookie used after logout; a forged CSRF token


def logged_out_cookie(father: Browser) -> str:  # noqa: F811
    stolen = father.http.cookies.get(COOKIE)
    assert stolen is not None
    assert father.http.post("/logout", data={"csrf_token": father.csrf()}, follow_redirects=False).status_code == 303
    return str(stolen)


def test_a_session_cookie_replayed_after_logout_opens_no_api_route_and_is_logged(
        app: FastAPI, father: Browser, caplog: pytest.LogCaptureFixture) -> None:  # noqa: F811
    caplog.set_level(logging.INFO, logger="madoguchi")
    thief = a_browser(app).http
    thief.cookies.set(COOKIE, logged_out_cookie(father), domain="testserver.local")
    caplog.clear()

    refused = thief.get("/api/v1/bundles")

    assert refused.status_code == 401 and refused.json()["type"].endswith("/login-required")
    assert refusal_logged(caplog, 401, slug="login-required", instance=refused.json()["instance"])
    assert thief.cookies.get(COOKIE) is None  # the ended session's cookie is dropped


def test_a_session_cookie_replayed_after_logout_opens_no_page(
        app: FastAPI, father: Browser, family: BirthFamily) -> None:  # noqa: F811
    stolen = logged_out_cookie(father)
    for path in ("/", "/me", "/life-events/birth"):
        thief = a_browser(app).http
        thief.cookies.set(COOKIE, stolen, domain="testserver.local")
        refused = thief.get(path, follow_redirects=False)
        assert refused.status_code == 303 and refused.headers["location"].startswith("/login?reason=expired")
        assert thief.cookies.get(COOKIE) is None and "佐藤" not in thief.get("/").text


def test_a_session_cookie_replayed_after_logout_on_a_page_is_logged(
        app: FastAPI, father: Browser, caplog: pytest.LogCaptureFixture) -> None:  # noqa: F811
    caplog.set_level(logging.INFO, logger="madoguchi")
    thief = a_browser(app).http
    thief.cookies.set(COOKIE, logged_out_cookie(father), domain="testserver.local")
    caplog.clear()
    assert thief.get("/life-events/birth", follow_redirects=False).status_code == 303
    assert refusal_logged(caplog, 401, slug="login-required")


def test_a_forged_csrf_token_is_refused_and_logged_on_the_api_and_on_a_page(
        father: Browser, family: BirthFamily, session: Session,  # noqa: F811
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="madoguchi")
    before = counts(session)
    caplog.clear()
    api = father.http.post("/api/v1/drafts", headers={"X-CSRF-Token": "forged"},
                           json={"event": "birth", "date": "2025-05-30", "answers": birth_answers(family)})
    assert api.status_code == 403 and api.json()["type"].endswith("/csrf-refused")
    assert refusal_logged(caplog, 403, slug="csrf-refused", instance=api.json()["instance"])

    caplog.clear()
    page = father.http.post("/life-events/birth/drafts", data={"csrf_token": "forged", "date": "2025-05-30"})
    assert page.status_code == 403 and "有効期限" in page.text
    shown = INSTANCE.search(page.text)
    assert shown is not None and refusal_logged(caplog, 403, slug="csrf-refused", instance=shown.group(0))
    assert counts(session) == before


# Another resident's data by URL: every route that takes a resident's identifier


IDENTIFIERS = frozenset({"atena_number", "household_number", "applicant", "draft_id", "draft", "reference",
                         "application", "attachment_id", "token"})
"""Parameter names (path, query, JSON or form body) that name a resident or something of theirs."""
READ_BY_THE_ROUTE = {
    ("POST", "/demo/card-reader/logins"): "card (a 宛名番号)",
    ("POST", "/demo/card-reader/signatures"): "draft",
    ("POST", "/life-events/{event_id}/drafts"): "answers naming household members by 宛名番号",
    ("POST", "/api/v1/drafts"): "answers naming household members by 宛名番号",
}
"""Routes that read such a value from their form or from a free-form body, where the signature cannot show it."""
NOT_TRIED = {
    ("POST", "/demo/card-reader/logins"): "the demo's reader holds every demo card: choosing one is the demo "
                                          "(off unless MADOGUCHI_DEMO_CARDS, and 404 with a real card authority)",
}


@dataclass(frozen=True)
class Scene:
    """The father's things, which the mother — another adult of his household, logged in — tries to reach."""

    atena_number: str
    household_number: str
    draft_id: str
    """An open draft of his."""
    reference: str
    """His submitted bundle."""
    application: str
    """One of its applications."""
    attachment_id: str
    token: str
    """A co-signature token no one was given."""
    stranger: str
    """A resident of another household."""


Body = Callable[[Scene, str], Mapping[str, Any]]
"""The request's body, given the scene and the prober's CSRF token."""


@dataclass(frozen=True)
class Probe:
    method: str
    route: str
    status: int
    url: str = ""
    """The URL tried, a format string over ``Scene``; the route itself when empty."""
    json: Body | None = None
    form: Body | None = None
    files: bool = False
    logged: bool = True
    whose: str = "father"
    """Whose data must be neither shown nor read: the father's, or the stranger's for answers naming him."""


def with_token(body: Mapping[str, Any]) -> Body:
    return lambda scene, token: {"csrf_token": token, **{k: str(v).format(**asdict(scene)) for k, v in body.items()}}


def as_json(body: Mapping[str, Any]) -> Body:
    return lambda scene, _: {k: v.format(**asdict(scene)) if isinstance(v, str) else v for k, v in body.items()}


SIGNATURE = {"certificate": b64(b"not a certificate"), "value": b64(b"not a signature")}
BIRTH_FORM = {"date": "2025-05-30", "q.lump_sum_direct_payment": "full", "q.lump_sum_direct_payment.asked": "1",
              "q.father": "{stranger}", "q.father.asked": "1"}
EVIDENCE = {"procedure": "birth-registration", "subject": "newborn", "evidence": "birth-certificate"}

PROBES = [
    # the resident's own API (their card session)
    Probe("GET", "/api/v1/drafts/{draft_id}", 404),
    Probe("PATCH", "/api/v1/drafts/{draft_id}", 404, json=as_json({"values": {"newborn.given_name": "花"}})),
    Probe("POST", "/api/v1/drafts/{draft_id}/attachments", 404, form=lambda _, __: EVIDENCE, files=True),
    Probe("POST", "/api/v1/drafts/{draft_id}/certificates/request", 404, json=as_json({"kind": "birth-certificate"})),
    Probe("POST", "/api/v1/drafts/{draft_id}/certificates", 404,
          json=as_json({"kind": "birth-certificate", "presentation": "x~"})),
    Probe("POST", "/api/v1/drafts/{draft_id}/content", 404, json=as_json({"values": {}})),
    Probe("POST", "/api/v1/bundles", 404, json=as_json({"draft": "{draft_id}", "values": {}, "signature": SIGNATURE})),
    Probe("GET", "/api/v1/bundles/{reference}", 404),
    Probe("POST", "/api/v1/applications/{reference}/correction", 404, url="/api/v1/applications/{application}/correction",
          json=as_json({"values": {"insured_given_name_kana": "ハナ"}})),
    Probe("POST", "/api/v1/applications/{reference}/counter", 404, url="/api/v1/applications/{application}/counter"),
    Probe("GET", "/api/v1/bundles/{reference}/receipt.pdf", 404),
    Probe("GET", "/api/v1/applications/{reference}/form.pdf", 404, url="/api/v1/applications/{application}/form.pdf"),
    Probe("GET", "/api/v1/co-signatures/{token}", 403),
    Probe("POST", "/api/v1/co-signatures/{token}", 403, json=as_json({"signature": SIGNATURE})),
    Probe("POST", "/api/v1/drafts", 422, json=as_json({"event": "birth", "date": "2025-05-30", "answers": {
        "father": "{stranger}", "lump_sum_direct_payment": "full"}}), whose="stranger"),
    # the resident's pages
    Probe("GET", "/drafts/{draft_id}/plan", 404),
    Probe("GET", "/drafts/{draft_id}", 404),
    Probe("POST", "/drafts/{draft_id}", 404, form=with_token({"value:newborn.given_name": "花"})),
    Probe("POST", "/drafts/{draft_id}/values", 404,
          form=with_token({"key": "newborn.given_name", "value:newborn.given_name": "花"})),
    Probe("POST", "/drafts/{draft_id}/attachments", 404, form=with_token(EVIDENCE), files=True),
    Probe("GET", "/drafts/{draft_id}/signature", 404),
    Probe("POST", "/demo/card-reader/signatures", 404, form=with_token({"draft": "{draft_id}"})),
    Probe("POST", "/demo/wallet/drafts/{draft_id}/certificates", 404, form=with_token({"kind": "birth-certificate"})),
    Probe("GET", "/bundles/{reference}", 404),
    Probe("POST", "/bundles/{reference}/applications/{application}/correction", 404,
          form=with_token({"value:insured_given_name_kana": "ハナ"})),
    Probe("GET", "/bundles/{reference}/receipt", 404, logged=False),
    Probe("GET", "/me/access-log/{atena_number}", 404, logged=False),
    Probe("POST", "/life-events/{event_id}/drafts", 422, url="/life-events/birth/drafts", form=with_token(BIRTH_FORM),
          logged=False, whose="stranger"),
    # a department system's API (its bearer token): a resident's session opens nothing
    Probe("GET", "/api/v1/persons/{atena_number}", 401, url="/api/v1/persons/{atena_number}?purpose=self-view"),
    Probe("GET", "/api/v1/households/{household_number}", 401,
          url="/api/v1/households/{household_number}?purpose=self-view"),
    Probe("POST", "/api/v1/plans", 401, json=as_json({"event": "birth", "applicant": "{atena_number}"})),
    Probe("POST", "/api/v1/prefills", 401,
          json=as_json({"event": "birth", "applicant": "{atena_number}", "procedure": "birth-registration"})),
    Probe("POST", "/api/v1/bundles/prefill", 401, json=as_json({"event": "birth", "applicant": "{atena_number}"})),
    Probe("GET", "/api/v1/backoffice/applications/{reference}", 401,
          url="/api/v1/backoffice/applications/{application}"),
    Probe("GET", "/api/v1/backoffice/applications/{reference}/attachments/{attachment_id}", 401,
          url="/api/v1/backoffice/applications/{application}/attachments/{attachment_id}"),
    Probe("POST", "/api/v1/backoffice/applications/{reference}/status", 401,
          url="/api/v1/backoffice/applications/{application}/status", json=as_json({"status": "accepted"})),
    Probe("GET", "/api/v1/backoffice/applications/{reference}/form.pdf", 401,
          url="/api/v1/backoffice/applications/{application}/form.pdf"),
    # the back office's pages (a staff session): a resident's session opens nothing
    Probe("GET", "/backoffice/applications/{reference}", 303, url="/backoffice/applications/{application}",
          logged=False),
    Probe("POST", "/backoffice/applications/{reference}/decisions", 303,
          url="/backoffice/applications/{application}/decisions", form=with_token({"status": "accepted"}),
          logged=False),
    Probe("GET", "/backoffice/applications/{reference}/attachments/{attachment_id}", 303,
          url="/backoffice/applications/{application}/attachments/{attachment_id}", logged=False),
]
"""What another resident gets on each route. ``logged=False`` marks a refusal that writes no log line yet
(``test_every_refusal_to_another_resident_is_logged`` lists them, expected to fail)."""


def routes_taking_an_identifier(site: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every route with a parameter in ``IDENTIFIERS``, and those in ``READ_BY_THE_ROUTE``."""
    found = set(READ_BY_THE_ROUTE)
    for context in iter_route_contexts(site.routes):
        route = context.original_route
        if not isinstance(route, APIRoute):
            continue
        if parameter_names(route) & IDENTIFIERS:
            found |= {(method, str(context.path)) for method in route.methods or ()}
    return found


def parameter_names(route: APIRoute) -> set[str]:
    names: set[str] = set()
    pending = [route.dependant]
    while pending:
        dependant = pending.pop()
        names |= {p.name for p in (*dependant.path_params, *dependant.query_params)}
        for body in dependant.body_params:  # a JSON body's model contributes its fields
            fields = getattr(body.field_info.annotation, "model_fields", None)
            names |= set(fields) if isinstance(fields, dict) else {body.name}
        pending += dependant.dependencies
    return names


def test_every_route_taking_a_residents_identifier_is_tried_by_another_resident(tmp_path: Path) -> None:
    site = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'unused.db'}", keys_file=tmp_path / "keys.json"))
    taking = routes_taking_an_identifier(site)
    tried = {(p.method, p.route) for p in PROBES}

    assert not taking - tried - set(NOT_TRIED), "routes no one else has tried: add them to PROBES"
    assert not (tried | set(NOT_TRIED)) - taking, "PROBES or NOT_TRIED name a route the app no longer has"
    assert len(tried) == len(PROBES)


@pytest.fixture
def scene(session: Session, vault: Vault, serving: ServingCatalog, authority: CardAuthority,  # noqa: F811
          homes: Households, family: BirthFamily, settings: Settings) -> Scene:  # noqa: F811
    """The father's submitted birth bundle and his open draft, through the services."""
    his = Resident(session, vault, serving, authority, family.father.atena_number,
                   card_of(settings, family.father.atena_number))
    submitted = birth_draft(his, family)
    attachment = his.attach(submitted, "birth-registration", "birth-certificate")
    receipt = his.submit(submitted.draft_id, birth_values(submitted.filled["inputs"]))
    open_draft = birth_draft(his, family)
    stranger = homes.hub.person(given_name="知らない人")
    return Scene(atena_number=family.father.atena_number, household_number=family.father.household_number,
                 draft_id=str(open_draft.draft_id), reference=receipt.reference,
                 application=receipt.applications[0]["reference"], attachment_id=str(attachment.attachment_id),
                 token=secrets.token_urlsafe(32), stranger=stranger.atena_number)


@dataclass(frozen=True)
class Tried:
    probe: Probe
    answer: httpx.Response
    log: list[str]
    changed: bool
    """Whether a row was added or removed, or the father's drafts or applications changed."""


def try_probe(http: TestClient, token: str, probe: Probe, scene: Scene) -> httpx.Response:
    url = (probe.url or probe.route).format(**asdict(scene))
    files = {"file": ("certificate.png", PNG, "image/png")} if probe.files else None
    answer: httpx.Response = http.request(
        probe.method, url, headers={"X-CSRF-Token": token}, follow_redirects=False, files=files,
        json=probe.json(scene, token) if probe.json else None, data=probe.form(scene, token) if probe.form else None)
    return answer


def state(session: Session, scene: Scene, whose: str) -> list[Any]:
    """What a probe must leave as it was: every table's row count, the father's drafts' values and his
    applications' states, and the access log about ``whose`` — a refused answer naming the stranger still
    shows the resident's own questions page, whose household read is logged as it always is."""
    tables = counts(session)
    if whose == "stranger":
        del tables["access_log_entries"]
    subject = scene.stranger if whose == "stranger" else scene.atena_number
    drafts = session.execute(select(Draft.draft_id, Draft.values, Draft.updated_at)
                             .where(Draft.applicant == scene.atena_number).order_by(Draft.id)).all()
    applications = session.execute(select(Application.reference, Application.status, Application.correction,
                                          Application.updated_at).order_by(Application.id)).all()
    reads = session.scalar(select(func.count()).select_from(AccessLogEntry).where(AccessLogEntry.subject == subject))
    return [tables, reads, *(tuple(row) for row in (*drafts, *applications))]


@pytest.fixture
def tried(mother: Browser, scene: Scene, session: Session,  # noqa: F811
          caplog: pytest.LogCaptureFixture) -> list[Tried]:
    """Every probe, tried by the mother with the father's values."""
    caplog.set_level(logging.INFO, logger="madoguchi")
    token = mother.csrf()
    results = []
    for probe in PROBES:
        before = state(session, scene, probe.whose)
        caplog.clear()
        answer = try_probe(mother.http, token, probe, scene)
        results.append(Tried(probe, answer, log_lines(caplog), state(session, scene, probe.whose) != before))
    return results


def test_another_resident_is_refused_on_every_route_and_gets_nothing(tried: list[Tried], scene: Scene) -> None:
    personal = {"father": ("佐藤　健一", "健一", "ケンイチ", scene.atena_number, scene.draft_id, scene.reference,
                           scene.application, scene.attachment_id),
                "stranger": ("知らない人", scene.stranger)}
    wrong: list[str] = []
    for t in tried:
        asked = str(t.answer.request.url) + t.answer.request.content.decode("utf-8", "replace")
        problems = [f"{t.answer.status_code}, not {t.probe.status}"] if t.answer.status_code != t.probe.status else []
        problems += [f"shows {value}" for value in personal[t.probe.whose]
                     if value in t.answer.text and value not in asked]  # what the request carried may come back
        problems += ["changed data"] if t.changed else []
        problems += [f"logs {value}: {line}" for line in t.log
                     for value in (*personal["father"], *personal["stranger"], "佐藤") if value in line]
        problems += ["no log line"] if t.probe.logged and not logged_as(t) else []
        wrong += [f"{t.probe.method} {t.probe.route}: {problem}" for problem in problems]
    assert not wrong, "\n".join(wrong)


def test_every_refusal_to_another_resident_is_logged(tried: list[Tried]) -> None:
    assert [f"{t.probe.method} {t.probe.route}" for t in tried if not logged_as(t)] == []


def logged_as(t: Tried) -> bool:
    """The refusal's log line: its status, and the instance the answer shows (problem+json or the error page);
    for a redirect to a login page, which shows nothing, the line of its login-required refusal."""
    if t.answer.is_redirect:
        return any(line.startswith("problem 401 login-required ") for line in t.log)
    if t.answer.headers.get("content-type") == "application/problem+json":
        instance: str | None = t.answer.json()["instance"]
    else:
        shown = INSTANCE.search(t.answer.text)
        instance = shown.group(0) if shown else None
    return instance is not None and any(f" {t.answer.status_code} " in line and instance in line for line in t.log)


# Script in a text field


def text_fields(html: str) -> set[str]:
    """The names of a page's text and date inputs: the ones a resident types into."""
    return {name.group(1) for tag in re.findall(r"<input [^>]*>", html)
            if re.search(r'type="(?:text|date)"', tag) and (name := re.search(r'name="([^"]+)"', tag))}


def scripts_in(html: str) -> list[str]:
    """The page's script elements other than the site's own htmx."""
    return [tag for tag in re.findall(r"<script[^>]*>", html)
            if not re.fullmatch(r'<script src="[^"]*/static/vendor/htmx\.min\.js" defer>', tag)]


def test_script_typed_into_every_field_of_the_questions_and_confirmation_pages_is_text(
        father: Browser) -> None:  # noqa: F811
    questions = father.http.get("/life-events/birth").text
    answered = father.http.post("/life-events/birth/drafts", data={
        "csrf_token": father.csrf(), **{name: SCRIPT for name in text_fields(questions)}})
    assert answered.status_code == 422 and not scripts_in(answered.text)

    draft = father.start_birth()
    typed = {name: SCRIPT for name in text_fields(father.http.get(f"/drafts/{draft}").text)
             if name.startswith("value:")}
    assert len(typed) >= 5
    confirmed = father.confirm(draft, typed)
    assert confirmed.status_code == 422 and not scripts_in(confirmed.text)
    again = father.http.get(f"/drafts/{draft}")
    assert not scripts_in(again.text) and "&lt;script&gt;" in again.text  # what was kept is shown as text
    assert "script-src 'self'" in again.headers["Content-Security-Policy"]


def test_script_in_the_access_logs_filter_comes_back_as_text(father: Browser) -> None:  # noqa: F811
    page = father.http.get("/me/access-log", params=dict.fromkeys(("kind", "department", "since", "until"), SCRIPT))
    assert page.status_code == 200 and not scripts_in(page.text) and "<script>alert" not in page.text


def test_script_a_resident_gave_is_text_to_staff_and_script_staff_wrote_is_text_to_the_resident(
        app: FastAPI, father: Browser, family: BirthFamily, session: Session, vault: Vault,  # noqa: F811
        serving: ServingCatalog, authority: CardAuthority, settings: Settings) -> None:  # noqa: F811
    resident = Resident(session, vault, serving, authority, family.father.atena_number,
                        card_of(settings, family.father.atena_number))
    draft = birth_draft(resident, family)
    resident.attach(draft, "birth-registration", "birth-certificate")
    receipt = resident.submit(draft.draft_id, {**birth_values(draft.filled["inputs"]),
                                               "newborn-visit/newborn/staying_address": SCRIPT})
    [visit] = [a for a in receipt.applications if a["procedure"] == "newborn-visit"]
    member = a_staff_member(session, login="hoken-1", department=visit["department"])
    staff = a_staff_browser(app)
    assert staff_log_in(staff, member.login, PASSWORD).status_code == 303
    shown = staff.get(f"/backoffice/applications/{visit['reference']}")
    assert shown.status_code == 200 and not scripts_in(shown.text) and "&lt;script&gt;" in shown.text

    decide(session, actor=Actor.staff(member.login, visit["department"]), reference=visit["reference"],
           status=ApplicationStatus.REJECTED, reason=SCRIPT)
    for path in (f"/bundles/{receipt.reference}", f"/bundles/{receipt.reference}/receipt"):
        page = father.http.get(path)
        assert page.status_code == 200 and not scripts_in(page.text) and "&lt;script&gt;" in page.text, path
