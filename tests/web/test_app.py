from __future__ import annotations

import logging

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from madoguchi.actor import Actor
from madoguchi.db.engine import make_engine, transaction
from madoguchi.registry.access_log import AccessRecord, append_reads
from madoguchi.registry.audit import verify_log
from madoguchi.vault import Vault
from madoguchi.web.deps import get_engine
from madoguchi.web.sealing import seal_once

PROBLEMS = "https://madoguchi.example/problems/"


def test_healthz_answers_200_when_the_database_answers(http: TestClient) -> None:
    response = http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_answers_503_problem_when_the_database_does_not(app: FastAPI) -> None:
    unreachable = make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none", connect_args={"connect_timeout": 2})
    app.dependency_overrides[get_engine] = lambda: unreachable
    response = TestClient(app).get("/healthz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == PROBLEMS + "database-unavailable"


def test_the_openapi_document_is_3_1_with_stable_operation_ids(http: TestClient) -> None:
    document = http.get("/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    operations = {path: {method: op["operationId"] for method, op in methods.items()}
                  for path, methods in document["paths"].items()}
    assert operations["/healthz"] == {"get": "check_health"}
    assert operations["/api/v1/persons/{atena_number}"] == {"get": "read_person"}
    assert operations["/api/v1/households/{household_number}"] == {"get": "read_household"}
    person = document["paths"]["/api/v1/persons/{atena_number}"]["get"]
    assert {"401", "403", "404", "422"} <= set(person["responses"])
    assert "application/problem+json" in person["responses"]["404"]["content"]


def test_the_api_docs_are_served(http: TestClient) -> None:
    assert http.get("/docs").status_code == 200


def test_an_unknown_path_is_a_404_problem(http: TestClient) -> None:
    response = http.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["type"] == PROBLEMS + "not-found"


def test_an_unexpected_error_is_a_generic_500_with_the_trace_only_in_the_log(
        app: FastAPI, caplog: pytest.LogCaptureFixture) -> None:
    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret detail 4711")

    caplog.set_level(logging.INFO, logger="madoguchi.web")
    response = TestClient(app, raise_server_exceptions=False).get("/boom")
    assert response.status_code == 500
    body = response.json()
    assert body["type"] == PROBLEMS + "internal-error"
    assert "4711" not in response.text and "Traceback" not in response.text
    logged = [r for r in caplog.records if r.exc_info]
    assert logged and body["instance"] in logged[0].getMessage()
    assert "secret detail 4711" in caplog.text


def test_a_value_error_is_not_mapped_to_a_client_error(app: FastAPI) -> None:
    @app.get("/bad-value")
    def bad_value() -> None:
        raise ValueError("not the client's fault")

    assert TestClient(app, raise_server_exceptions=False).get("/bad-value").status_code == 500


def test_each_problem_is_logged_with_its_instance_and_route_but_no_personal_data(
        http: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="madoguchi.web")
    response = http.get("/api/v1/persons/0000010014", params={"purpose": "self-view"})
    [record] = [r for r in caplog.records if r.name == "madoguchi.web"]
    message = record.getMessage()
    assert response.json()["instance"] in message
    assert "/api/v1/persons/{atena_number}" in message and "401" in message
    assert "0000010014" not in message


def test_the_periodic_sealer_seals_what_moved_and_nothing_else(clean_engine: Engine, vault: Vault) -> None:
    with transaction(clean_engine) as session:
        append_reads(session, reads=[("0000010014", ["family_name"])], record=AccessRecord(
            actor=Actor.operator("ops"), purpose="self-view", legal_basis="x", my_number_basis=None,
            as_of=None))
    assert seal_once(clean_engine, vault) == 1
    assert seal_once(clean_engine, vault) is None
    with transaction(clean_engine) as session:
        assert verify_log(session, vault.verify_key).checkpoints == 1
