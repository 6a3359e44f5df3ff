"""The request's dependencies that run on the event loop: the session's transaction and the catalog."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from madoguchi import clock
from madoguchi.catalog.store import CatalogStore
from madoguchi.intake.application_models import IdempotencyRecord
from madoguchi.web.deps import CatalogDep, SessionDep, commit_in_route


class Refused(Exception):
    pass


def a_session_app(engine: Engine) -> FastAPI:
    """An app whose routes store an idempotency record, then answer or fail."""
    app = FastAPI()
    app.state.engine = engine

    def store(session: SessionDep, key: str) -> None:
        session.add(IdempotencyRecord(scope="test-deps", key=key, request_digest="0" * 64, status_code=200,
                                      response={}, created_at=clock.now()))
        session.flush()

    @app.post("/kept/{key}")
    def kept(key: str, session: SessionDep) -> dict[str, Any]:
        store(session, key)
        return {}

    @app.post("/committed/{key}")
    def committed(key: str, session: SessionDep) -> dict[str, Any]:
        store(session, key)
        commit_in_route(session)
        return {}

    @app.post("/failed/{key}")
    def failed(key: str, session: SessionDep) -> dict[str, Any]:
        store(session, key)
        raise Refused("after the write")

    return app


def stored(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.scalars(select(IdempotencyRecord.key).where(IdempotencyRecord.scope == "test-deps")
                                       .order_by(IdempotencyRecord.key)))


def test_a_request_commits_its_work_when_the_route_returns_or_itself_and_rolls_it_back_when_it_fails(
        clean_engine: Engine) -> None:
    http = TestClient(a_session_app(clean_engine), raise_server_exceptions=False)
    assert http.post("/kept/a").status_code == 200
    assert http.post("/failed/b").status_code == 500
    assert http.post("/kept/c").status_code == 200
    assert http.post("/committed/d").status_code == 200
    assert http.post("/kept/e").status_code == 200  # the pool's connection is usable after either end
    assert stored(clean_engine) == ["a", "c", "d", "e"]


@pytest.fixture
def catalog_app() -> FastAPI:
    app = FastAPI()
    app.state.catalog_store = CatalogStore()

    @app.get("/catalog")
    def serving(catalog: CatalogDep) -> dict[str, int]:
        return {"id": id(catalog)}

    return app


def test_the_catalog_is_read_on_first_use_and_a_reload_or_a_new_store_serves_from_the_next_request(
        catalog_app: FastAPI) -> None:
    http = TestClient(catalog_app)
    store: CatalogStore = catalog_app.state.catalog_store
    first = http.get("/catalog").json()["id"]
    assert first == id(store.current)
    assert http.get("/catalog").json()["id"] == first
    reloaded = store.reload()
    assert http.get("/catalog").json()["id"] == id(reloaded) != first
    catalog_app.state.catalog_store = other = CatalogStore()
    assert http.get("/catalog").json()["id"] == id(other.current)
