"""The dependencies routes declare, as ``Annotated`` aliases.

A request gets one database session and one transaction: committed once when
the route has returned — before the response is sent, so a read whose
access-log entry could not be committed never reaches the client — and
rolled back when anything failed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, cast

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from madoguchi.registry.api_client import AuthenticatedClient, authenticate_client
from madoguchi.registry.purpose import PurposeRegistry
from madoguchi.vault import Vault


def get_engine(request: Request) -> Engine:
    return cast(Engine, request.app.state.engine)


def get_session(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


def get_vault(request: Request) -> Vault:
    return cast(Vault, request.app.state.vault)


def get_purposes(request: Request) -> PurposeRegistry:
    return cast(PurposeRegistry, request.app.state.purposes)


EngineDep = Annotated[Engine, Depends(get_engine)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
VaultDep = Annotated[Vault, Depends(get_vault)]
PurposesDep = Annotated[PurposeRegistry, Depends(get_purposes)]

_bearer = HTTPBearer(auto_error=False, description="The API client's token (`madoguchi client add`).")


def get_client(session: SessionDep, credentials: Annotated[
        HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> AuthenticatedClient:
    """The API client calling; raises ClientUnauthenticated."""
    return authenticate_client(session, token=credentials.credentials if credentials else None)


ClientDep = Annotated[AuthenticatedClient, Depends(get_client, scope="function")]


def get_client_purpose(client: ClientDep, purpose: Annotated[str, Query(
        description="Why the data is read: `procedure:<id>`, `review:<department>`, `screening:<id>`, "
                    "`self-view`, `audit` (docs/data-api.md).", min_length=1, max_length=200)]) -> str:
    """The purpose named, if the client is registered for it; raises PurposeNotAllowed."""
    client.check_purpose(purpose)
    return purpose


ClientPurposeDep = Annotated[str, Depends(get_client_purpose, scope="function")]
