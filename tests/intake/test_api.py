"""The intake over HTTP: the card login, a bundle from draft to signature, and a department's pull API."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from backoffice.factories import PASSWORD, a_staff_member
from guidance.households import Households
from madoguchi.actor import Actor
from madoguchi.catalog.directory import ServingCatalog
from madoguchi.identity.card_authority import CardAuthority
from madoguchi.identity.card_trust import trust_of
from madoguchi.intake.application_models import Application, Bundle
from madoguchi.registry.access_models import AccessLogEntry
from madoguchi.registry.api_client import create_client
from madoguchi.vault import Vault
from madoguchi.web.deps import get_session
from madoguchi.web.resident import get_card_trust
from web.conftest import an_app
from web.staff_browser import a_browser, csrf_token, log_in

from .bundle_kit import PNG, Resident, birth_answers, birth_family_with_cards, birth_values
from .test_bundles import authority  # noqa: F401 - the session's card authority

OPS = Actor.operator("ops")


@pytest.fixture
def app(tmp_path: Path, engine: Engine, session: Session, vault: Vault, serving: ServingCatalog,
        authority: CardAuthority) -> FastAPI:  # noqa: F811
    app = an_app(tmp_path, engine, vault, serving.purposes)

    def request_session() -> Iterator[Session]:
        with session.begin_nested():
            yield session

    app.dependency_overrides[get_session] = request_session
    app.dependency_overrides[get_card_trust] = lambda: trust_of(authority)
    return app


@pytest.fixture
def family(session: Session, vault: Vault, serving: ServingCatalog, authority: CardAuthority,  # noqa: F811
           homes: Households) -> tuple[Resident, dict[str, Any]]:
    found, father, _ = birth_family_with_cards(session, vault, serving, authority, homes)
    return father, birth_answers(found)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def logged_in(app: FastAPI, resident: Resident) -> tuple[TestClient, dict[str, str]]:
    """A browser of the resident, logged in with their card; returns it and the CSRF header."""
    http = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    challenge = http.post("/api/v1/login/challenge").json()["challenge"]
    answer = resident.card.authenticate(base64.b64decode(challenge))
    login = http.post("/api/v1/login/card", json={"challenge": challenge, "certificate": b64(
        resident.card.auth_certificate_der), "signature": b64(answer)})
    assert login.status_code == 200, login.text
    assert login.json()["atena_number"] == resident.atena
    return http, {"X-CSRF-Token": login.json()["csrf_token"]}


def signed_bundle_request(http: TestClient, csrf: dict[str, str], resident: Resident,
                          answers: dict[str, Any]) -> dict[str, Any]:
    draft = http.post("/api/v1/drafts", json={"event": "birth", "date": "2025-05-30", "answers": answers},
                      headers=csrf)
    assert draft.status_code == 201, draft.text
    draft_id = draft.json()["draft_id"]
    attached = http.post(f"/api/v1/drafts/{draft_id}/attachments", headers=csrf,
                         data={"procedure": "birth-registration", "subject": "newborn", "evidence": "birth-certificate"},
                         files={"file": ("certificate.png", PNG, "image/png")})
    assert attached.status_code == 201, attached.text
    values = birth_values(draft.json()["inputs"])
    content = http.post(f"/api/v1/drafts/{draft_id}/content", json={"values": values}, headers=csrf)
    assert content.status_code == 200, content.text
    signature = resident.card.sign(content.json()["content"].encode())
    return {"draft": draft_id, "values": values, "signature": {
        "certificate": b64(resident.card.signing_certificate_der), "value": b64(signature)}}


def test_a_resident_logs_in_with_the_card_and_submits_a_bundle_once_whatever_the_retries(
        app: FastAPI, family: tuple[Resident, dict[str, Any]], session: Session) -> None:
    father, answers = family
    http, csrf = logged_in(app, father)
    body = signed_bundle_request(http, csrf, father, answers)
    headers = {**csrf, "Idempotency-Key": "bundle-1"}
    first = http.post("/api/v1/bundles", json=body, headers=headers)
    assert first.status_code == 201, first.text
    again = http.post("/api/v1/bundles", json=body, headers=headers)
    assert (again.status_code, again.json(), again.headers.get("Idempotency-Replayed")) == (
        201, first.json(), "true")
    other = http.post("/api/v1/bundles", json={**body, "values": {}}, headers=headers)
    assert other.status_code == 409 and other.json()["type"].endswith("/idempotency-key-reused")
    assert session.scalar(select(func.count()).select_from(Bundle)) == 1

    reference = first.json()["reference"]
    status = http.get(f"/api/v1/bundles/{reference}")
    assert [a["status"] for a in status.json()["applications"]] == ["received"] * len(first.json()["applications"])
    assert [b["reference"] for b in http.get("/api/v1/bundles").json()] == [reference]


def test_without_login_or_csrf_token_nothing_is_made(app: FastAPI, family: tuple[Resident, dict[str, Any]],
                                                     session: Session) -> None:
    father, answers = family
    anonymous = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    assert anonymous.post("/api/v1/drafts", json={"event": "birth", "answers": answers}).status_code == 401
    http, _ = logged_in(app, father)
    refused = http.post("/api/v1/drafts", json={"event": "birth", "date": "2025-05-30", "answers": answers})
    assert refused.status_code == 403
    assert session.scalar(select(func.count()).select_from(Application)) == 0


def test_a_forged_signature_is_refused_as_problem_json_and_nothing_is_kept(
        app: FastAPI, family: tuple[Resident, dict[str, Any]], session: Session) -> None:
    father, answers = family
    http, csrf = logged_in(app, father)
    body = signed_bundle_request(http, csrf, father, answers)
    body["signature"]["value"] = b64(father.card.sign(b"something else"))
    refused = http.post("/api/v1/bundles", json=body, headers=csrf)
    assert refused.status_code == 401 and refused.json()["type"].endswith("/card-signature-invalid")
    assert refused.headers["content-type"] == "application/problem+json"
    assert "does not verify" in refused.json()["detail"]
    assert session.scalar(select(func.count()).select_from(Bundle)) == 0


def test_a_department_system_pulls_its_applications_and_reports_back_what_the_resident_must_fix(
        app: FastAPI, family: tuple[Resident, dict[str, Any]], session: Session, serving: ServingCatalog) -> None:
    father, answers = family
    http, csrf = logged_in(app, father)
    receipt = http.post("/api/v1/bundles", json=signed_bundle_request(http, csrf, father, answers),
                        headers=csrf).json()
    health = create_client(session, actor=OPS, name="kokuho-system", department="insurance-pension",
                           purposes=["review:insurance-pension"], registry=serving.purposes)[1]
    system = TestClient(app, base_url="https://testserver", raise_server_exceptions=False,
                        headers={"Authorization": f"Bearer {health}"})
    listed = system.get("/api/v1/backoffice/applications", params={"status": "received"}).json()
    mine = [a for a in receipt["applications"] if a["department"] == "insurance-pension"]
    assert [a["reference"] for a in listed] == [a["reference"] for a in mine] and mine
    reference = mine[0]["reference"]

    log_before = session.scalar(select(func.count()).select_from(AccessLogEntry)) or 0
    fetched = system.get(f"/api/v1/backoffice/applications/{reference}").json()
    entry = session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id.desc())).first()
    assert (session.scalar(select(func.count()).select_from(AccessLogEntry)) or 0) == log_before + 1
    assert entry is not None and (entry.purpose, entry.actor_id) == ("review:insurance-pension", "kokuho-system")
    assert {f["id"] for f in fetched["fields"]} >= {"insured_family_name"}

    others = [a for a in receipt["applications"] if a["department"] != "insurance-pension"]
    assert system.get(f"/api/v1/backoffice/applications/{others[0]['reference']}").status_code == 404

    sent_back = system.post(f"/api/v1/backoffice/applications/{reference}/status", json={
        "status": "needs_correction", "reason": "お子さんのお名前のフリガナをご確認ください",
        "fields": ["insured_given_name_kana"]})
    assert sent_back.status_code == 200, sent_back.text
    seen = http.get(f"/api/v1/bundles/{receipt['reference']}").json()["applications"]
    fix = next(a for a in seen if a["reference"] == reference)
    assert fix["status"] == "needs_correction" and fix["correction"]["fields"] == ["insured_given_name_kana"]
    assert "フリガナ" in fix["correction"]["reason"]

    wrong = http.post(f"/api/v1/applications/{reference}/correction", headers=csrf,
                      json={"values": {"insured_given_name": "華"}})
    assert wrong.status_code == 422
    fixed = http.post(f"/api/v1/applications/{reference}/correction", headers=csrf,
                      json={"values": {"insured_given_name_kana": "ハナ"}})
    assert fixed.status_code == 200 and fixed.json()["status"] == "received"
    history = [h["status"] for h in next(a for a in http.get(f"/api/v1/bundles/{receipt['reference']}").json()[
        "applications"] if a["reference"] == reference)["history"]]
    assert history == ["received", "needs_correction", "received"]
    accepted = system.post(f"/api/v1/backoffice/applications/{reference}/status", json={"status": "accepted"})
    assert accepted.json()["status"] == "accepted"


def test_a_reviewer_cannot_reject_through_the_api_but_a_manager_can(
        app: FastAPI, family: tuple[Resident, dict[str, Any]], session: Session) -> None:
    father, answers = family
    http, csrf = logged_in(app, father)
    receipt = http.post("/api/v1/bundles", json=signed_bundle_request(http, csrf, father, answers),
                        headers=csrf).json()
    reference = next(a["reference"] for a in receipt["applications"] if a["department"] == "citizens")
    for role, expected in (("reviewer", 403), ("manager", 200)):
        staff, staff_csrf = staff_client(app, session, role)
        answer = staff.post(f"/api/v1/backoffice/applications/{reference}/status", headers=staff_csrf,
                            json={"status": "rejected", "reason": "出生証明書が読み取れません"})
        assert answer.status_code == expected, answer.text
    assert session.scalars(select(Application).where(Application.reference == reference)).one().status == "rejected"


def staff_client(app: FastAPI, session: Session, role: str) -> tuple[TestClient, dict[str, str]]:
    """A staff member of 市民課 with this role, logged in through the back office's login page."""
    member = a_staff_member(session, login=f"{role}-1", department="citizens", role=role)
    browser = a_browser(app)
    assert log_in(browser, member.login, PASSWORD).status_code == 303
    return browser, {"X-CSRF-Token": csrf_token(browser.get("/backoffice/").text)}
