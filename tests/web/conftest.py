from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.registry.api_client import create_client
from madoguchi.registry.purpose import PurposeRegistry, load_purposes
from madoguchi.settings import Settings
from madoguchi.vault import Vault
from madoguchi.web.app import create_app
from madoguchi.web.deps import get_engine, get_purposes, get_session, get_vault
from registry.factories import (  # tests/ is on the path: its folders are packages
    DIRECTORY,
    TODAY,
    Hub,
)


@pytest.fixture
def purposes() -> PurposeRegistry:
    return load_purposes(None, DIRECTORY)


def an_app(tmp_path: Path, engine: Engine, vault: Vault, purposes: PurposeRegistry) -> FastAPI:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'unused.db'}",
                              keys_file=tmp_path / "keys.json", checkpoint_interval_seconds=0))
    app.dependency_overrides[get_engine] = lambda: engine
    app.dependency_overrides[get_vault] = lambda: vault
    app.dependency_overrides[get_purposes] = lambda: purposes
    return app


@pytest.fixture
def app(tmp_path: Path, engine: Engine, session: Session, vault: Vault, purposes: PurposeRegistry) -> FastAPI:
    """The app on the test's rolled-back session; a request still commits or rolls back its own part."""
    app = an_app(tmp_path, engine, vault, purposes)

    def request_session() -> Iterator[Session]:
        with session.begin_nested():
            yield session

    app.dependency_overrides[get_session] = request_session
    return app


@pytest.fixture
def http(app: FastAPI) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def hub(session: Session, vault: Vault) -> Hub:
    clock.freeze(TODAY)
    return Hub.start(session, vault)


@pytest.fixture
def token(session: Session, purposes: PurposeRegistry) -> str:
    """A client of 子育て支援課 registered for every procedure purpose."""
    _, token = create_client(session, actor=Actor.operator("ops"), name="kosodate-system",
                             department="子育て支援課", purposes=["procedure:*"], registry=purposes)
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
