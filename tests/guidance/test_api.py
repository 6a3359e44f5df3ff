"""The navigator and prefill over HTTP: the plan, a form, a bundle; bad input is 4xx problem+json and nothing is written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from madoguchi.actor import Actor
from madoguchi.catalog.directory import ServingCatalog
from madoguchi.registry.api_client import create_client
from madoguchi.vault import Vault
from madoguchi.web.deps import get_session
from web.conftest import an_app, bearer

from .conftest import Navigator
from .households import BirthFamily, Households

PROBLEMS = "https://madoguchi.example/problems/"


@pytest.fixture
def http(tmp_path: Path, engine: Engine, session: Session, vault: Vault, serving: ServingCatalog) -> TestClient:
    app: FastAPI = an_app(tmp_path, engine, vault, serving.purposes)

    def request_session() -> Iterator[Session]:
        with session.begin_nested():
            yield session

    app.dependency_overrides[get_session] = request_session
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def family(homes: Households) -> BirthFamily:
    return homes.birth_family()


def token(session: Session, serving: ServingCatalog, *purposes: str) -> dict[str, str]:
    _, issued = create_client(session, actor=Actor.operator("ops"), name=f"front-{len(purposes)}",
                              department=None, purposes=list(purposes), registry=serving.purposes)
    return bearer(issued)


@pytest.fixture
def front(session: Session, serving: ServingCatalog) -> dict[str, str]:
    """The city's front system: registered for the navigator's and every procedure's purposes."""
    return token(session, serving, "guidance:*", "procedure:*")


def problem(response: Response, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"] == PROBLEMS + slug and body["detail"]
    return body


def birth(family: BirthFamily, **more: Any) -> dict[str, Any]:
    return {"event": "birth", "applicant": family.father.atena_number, "date": "2025-05-30",
            "answers": {"mother": family.mother.atena_number, "father": family.father.atena_number,
                        "claimant": family.father.atena_number, "claimant_public_servant": False,
                        "lump_sum_direct_payment": "full", "single_parent": False}, **more}


def test_a_front_system_gets_the_plan_and_the_read_is_logged_as_it(
        http: TestClient, front: dict[str, str], family: BirthFamily, navigator: Navigator) -> None:
    response = http.post("/api/v1/plans", json=birth(family), headers=front)
    assert response.status_code == 200, response.text
    plan = response.json()
    assert [p["id"] for p in plan["procedures"]][:2] == ["birth-registration", "child-allowance-revision"]
    assert plan["paper_chars"] > 0
    assert {(e.actor_kind, e.actor_id, e.purpose) for e in navigator.log()} == {
        ("system", "front-2", "guidance:birth")}


def test_a_front_system_gets_a_form_and_a_bundle(http: TestClient, front: dict[str, str],
                                                 family: BirthFamily) -> None:
    form = http.post("/api/v1/prefills", json=birth(family, procedure="nhi-enrollment", lang="en"), headers=front)
    assert form.status_code == 200, form.text
    assert form.json()["subject"] == "newborn" and form.json()["department_name"] == (
        "Health Insurance and Pension Division")
    bundle = http.post("/api/v1/bundles/prefill", json=birth(family), headers=front)
    assert bundle.status_code == 200, bundle.text
    keys = [i["key"] for i in bundle.json()["inputs"]]
    assert keys[:2] == ["newborn.given_name", "newborn.given_name_kana"]


@pytest.mark.parametrize(("change", "status", "slug", "named"), [
    ({"event": "graduation"}, 404, "event-not-found", "graduation"),
    ({"procedure": "no-such"}, 404, "procedure-not-found", "no-such"),
    ({"procedure": "death-registration"}, 422, "procedure-not-in-event", "death-registration"),
    ({"date": "2025-06-02"}, 422, "event-date-invalid", "in the future"),
    ({"answers": {"mother": "0000099992"}}, 422, "answer-invalid", "'mother'"),
    ({"answers": {"single_parent": "yes"}}, 422, "answer-invalid", "'single_parent'"),
    ({"answers": {"mood": "happy"}}, 422, "question-unknown", "'mood'"),
    ({"applicant": "0000099992"}, 404, "person-not-found", "can be read"),
    ({"applicant": "-"}, 422, "applicant-invalid", "needs the applicant"),
    ({"subject": "0000099992"}, 422, "subject-invalid", "not a member"),
])
def test_bad_input_is_a_problem_naming_what_is_wrong_and_writes_nothing(
        http: TestClient, front: dict[str, str], family: BirthFamily, navigator: Navigator,
        change: dict[str, Any], status: int, slug: str, named: str) -> None:
    body = {**birth(family, procedure="birth-registration"), **change}
    before = navigator.log_size()
    assert named in problem(http.post("/api/v1/prefills", json=body, headers=front), status, slug)["detail"]
    assert navigator.log_size() == before


def test_a_body_that_does_not_validate_names_each_field(
        http: TestClient, front: dict[str, str], family: BirthFamily) -> None:
    body = problem(http.post("/api/v1/plans", json={"applicant": "A-1", "answers": [], "lang": "fr"},
                             headers=front), 422, "validation-failed")
    assert {e["pointer"] for e in body["errors"]} == {"#/body/event", "#/body/applicant", "#/body/answers",
                                                      "#/body/lang"}


def test_a_client_must_be_registered_for_the_purposes_it_would_read_with(
        http: TestClient, session: Session, serving: ServingCatalog, family: BirthFamily,
        navigator: Navigator) -> None:
    only_plans = token(session, serving, "guidance:birth")
    assert http.post("/api/v1/plans", json=birth(family), headers=only_plans).status_code == 200
    before = navigator.log_size()
    body = problem(http.post("/api/v1/bundles/prefill", json=birth(family), headers=only_plans),
                   403, "purpose-not-allowed")
    assert "procedure:" in body["detail"] and navigator.log_size() == before
    problem(http.post("/api/v1/plans", json=birth(family)), 401, "unauthenticated")
