from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from madoguchi.actor import Actor
from madoguchi.db.engine import transaction
from madoguchi.registry.access_models import AccessLogEntry
from madoguchi.registry.api_client import create_client, revoke_client
from madoguchi.registry.purpose import PurposeRegistry
from madoguchi.vault import Vault
from registry.factories import CHILD_ALLOWANCE_CLAIM, TODAY, Hub, a_my_number

from .conftest import an_app, bearer

PROBLEMS = "https://madoguchi.example/problems/"


def log_size(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AccessLogEntry)) or 0


def assert_problem(response: Response, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"] == PROBLEMS + slug
    assert body["status"] == status
    assert body["title"] and body["detail"]
    assert str(body["instance"]).startswith("urn:uuid:")
    return body


def test_a_client_reads_a_person_with_only_the_purposes_items(
        http: TestClient, hub: Hub, token: str, session: Session) -> None:
    family = hub.family()
    response = http.get(f"/api/v1/persons/{family.head.atena_number}",
                        params={"purpose": "procedure:child-allowance-claim"}, headers=bearer(token))
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body["items"]) == CHILD_ALLOWANCE_CLAIM.items
    assert body["items"]["family_name"] == {"value": "山田", "source": "juki", "as_of": None,
                                            "since": "2025-04-01"}
    entry = session.scalars(select(AccessLogEntry).where(
        AccessLogEntry.subject == family.head.atena_number)).one()
    assert (entry.actor_kind, entry.actor_id, entry.department) == ("system", "kosodate-system", "子育て支援課")


def test_a_client_narrows_the_read_to_some_items_and_a_past_date(
        http: TestClient, hub: Hub, token: str) -> None:
    person = hub.person()
    response = http.get(f"/api/v1/persons/{person.atena_number}", headers=bearer(token), params={
        "purpose": "procedure:child-allowance-claim", "items": ["family_name", "address"],
        "as_of": "2025-05-01"})
    assert response.status_code == 200, response.text
    assert set(response.json()["items"]) == {"family_name", "address"}
    assert response.json()["as_of"] == "2025-05-01"


def test_a_client_reads_a_household(http: TestClient, hub: Hub, token: str) -> None:
    family = hub.family()
    response = http.get(f"/api/v1/households/{family.head.household_number}",
                        params={"purpose": "procedure:nhi-enrollment"}, headers=bearer(token))
    assert response.status_code == 200, response.text
    members = response.json()["members"]
    assert len(members) == 4
    assert all(set(m["items"]) == {"family_name", "given_name", "nhi"} for m in members)


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token"},
                                     {"Authorization": "Basic dXNlcjpwYXNz"}],
                         ids=["missing", "unknown", "not-bearer"])
def test_a_request_without_a_valid_token_is_refused_401(
        http: TestClient, hub: Hub, session: Session, headers: dict[str, str]) -> None:
    person = hub.person()
    response = http.get(f"/api/v1/persons/{person.atena_number}",
                        params={"purpose": "procedure:nhi-enrollment"}, headers=headers)
    assert_problem(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"] == "Bearer"
    assert log_size(session) == 0


def test_a_revoked_token_is_refused_401(http: TestClient, hub: Hub, token: str, session: Session) -> None:
    revoke_client(session, actor=Actor.operator("ops"), name="kosodate-system")
    response = http.get(f"/api/v1/persons/{hub.person().atena_number}",
                        params={"purpose": "procedure:nhi-enrollment"}, headers=bearer(token))
    assert_problem(response, 401, "unauthenticated")


def test_a_purpose_the_client_is_not_registered_for_is_refused_403(
        http: TestClient, hub: Hub, token: str, session: Session) -> None:
    response = http.get(f"/api/v1/persons/{hub.person().atena_number}",
                        params={"purpose": "review:子育て支援課"}, headers=bearer(token))
    body = assert_problem(response, 403, "purpose-not-allowed")
    assert "review:子育て支援課" in str(body["detail"])
    assert log_size(session) == 0


def test_a_purpose_systems_may_not_use_is_refused_403_even_when_registered(
        http: TestClient, hub: Hub, session: Session, purposes: PurposeRegistry) -> None:
    _, token = create_client(session, actor=Actor.operator("ops"), name="greedy", department=None,
                             purposes=["self-view"], registry=purposes)
    response = http.get(f"/api/v1/persons/{hub.person().atena_number}", params={"purpose": "self-view"},
                        headers=bearer(token))
    assert_problem(response, 403, "purpose-not-allowed")
    assert log_size(session) == 0


def test_items_beyond_the_purpose_are_refused_403(
        http: TestClient, hub: Hub, token: str, session: Session) -> None:
    response = http.get(f"/api/v1/persons/{hub.person().atena_number}", headers=bearer(token),
                        params={"purpose": "procedure:nhi-enrollment", "items": ["nhi", "tax"]})
    assert_problem(response, 403, "item-not-allowed")
    assert log_size(session) == 0


def test_an_unknown_person_is_404(http: TestClient, hub: Hub, token: str, session: Session) -> None:
    response = http.get(f"/api/v1/persons/{hub.number()}", params={"purpose": "procedure:nhi-enrollment"},
                        headers=bearer(token))
    assert_problem(response, 404, "person-not-found")
    assert log_size(session) == 0


def test_a_person_under_support_measures_is_404_like_an_unknown_one(
        http: TestClient, hub: Hub, token: str, session: Session) -> None:
    hidden = hub.person(support_measure=True)
    response = http.get(f"/api/v1/persons/{hidden.atena_number}",
                        params={"purpose": "procedure:nhi-enrollment"}, headers=bearer(token))
    body = assert_problem(response, 404, "person-not-found")
    assert hidden.atena_number not in response.text
    unknown = http.get(f"/api/v1/persons/{hub.number()}", params={"purpose": "procedure:nhi-enrollment"},
                       headers=bearer(token)).json()
    assert body["detail"] == unknown["detail"]


def test_an_unknown_household_is_404(http: TestClient, hub: Hub, token: str) -> None:
    response = http.get(f"/api/v1/households/{hub.number()}", params={"purpose": "procedure:nhi-enrollment"},
                        headers=bearer(token))
    assert_problem(response, 404, "household-not-found")


def test_an_unknown_procedure_purpose_is_400(http: TestClient, hub: Hub, token: str) -> None:
    response = http.get(f"/api/v1/persons/{hub.person().atena_number}",
                        params={"purpose": "procedure:no-such"}, headers=bearer(token))
    assert_problem(response, 400, "purpose-unknown")


def test_invalid_parameters_are_422_with_a_pointer_to_each(
        http: TestClient, hub: Hub, token: str, session: Session) -> None:
    response = http.get("/api/v1/persons/12-34", headers=bearer(token),
                        params={"purpose": "procedure:nhi-enrollment", "as_of": "2025-02-30"})
    body = assert_problem(response, 422, "validation-failed")
    pointers = {e["pointer"] for e in body["errors"]}
    assert pointers == {"#/path/atena_number", "#/query/as_of"}
    assert "2025-02-30" not in response.text  # the input is not echoed back
    assert log_size(session) == 0


def test_a_missing_purpose_is_422(http: TestClient, hub: Hub, token: str) -> None:
    response = http.get(f"/api/v1/persons/{hub.person().atena_number}", headers=bearer(token))
    body = assert_problem(response, 422, "validation-failed")
    assert [e["pointer"] for e in body["errors"]] == ["#/query/purpose"]


def test_a_my_number_appears_only_in_the_view_whose_purpose_allows_it(
        http: TestClient, hub: Hub, token: str, session: Session, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    family = hub.family()
    head_number = a_my_number(1)
    others = []
    for path, purpose in [
        (f"/api/v1/persons/{family.head.atena_number}", "procedure:nhi-enrollment"),
        (f"/api/v1/households/{family.head.household_number}", "procedure:nhi-enrollment"),
        (f"/api/v1/persons/{family.head.atena_number}", "review:保険年金課"),
        (f"/api/v1/persons/{family.head.atena_number}", "self-view"),
        (f"/api/v1/persons/{family.head.atena_number}", "procedure:no-such"),
        ("/api/v1/persons/not-a-number", "procedure:nhi-enrollment"),
    ]:
        others.append(http.get(path, params={"purpose": purpose}, headers=bearer(token)).text)
    allowed = http.get(f"/api/v1/persons/{family.head.atena_number}",
                       params={"purpose": "procedure:child-allowance-claim"}, headers=bearer(token))
    assert allowed.json()["items"]["my_number"]["value"] == head_number
    spouse_number = a_my_number(2)
    assert spouse_number in allowed.text  # in the household item, read for the same purpose
    for number in (head_number, spouse_number, a_my_number(4)):
        assert all(number not in text for text in others)
        assert number not in caplog.text
        for entry in session.scalars(select(AccessLogEntry)):
            assert number not in repr(vars(entry))


def test_a_committed_read_is_logged_and_a_refused_one_leaves_nothing(
        tmp_path: Path, clean_engine: Engine, vault: Vault, purposes: PurposeRegistry) -> None:
    from madoguchi import clock
    clock.freeze(TODAY)
    with transaction(clean_engine) as session:
        person = Hub.start(session, vault).person()
        _, token = create_client(session, actor=Actor.operator("ops"), name="portal", department="市民課",
                                 purposes=["procedure:*"], registry=purposes)
    http = TestClient(an_app(tmp_path, clean_engine, vault, purposes))  # the real per-request session
    ok = http.get(f"/api/v1/persons/{person.atena_number}", params={"purpose": "procedure:nhi-enrollment"},
                  headers=bearer(token))
    refused = http.get(f"/api/v1/persons/{person.atena_number}",
                       params={"purpose": "procedure:nhi-enrollment", "items": ["tax"]}, headers=bearer(token))
    assert (ok.status_code, refused.status_code) == (200, 403)
    with transaction(clean_engine) as session:
        assert log_size(session) == 1
