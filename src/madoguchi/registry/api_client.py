"""API clients: the internal systems that call the data API with a bearer token.

A client is registered with its department and the purpose patterns it may
name (``procedure:*``, ``review:保険年金課``). Its token is random, shown
once, and stored only as its SHA-256, so the table leaks nothing usable.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from sqlalchemy import select
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.registry.access_models import ApiClient
from madoguchi.registry.errors import (
    ClientNameTaken,
    ClientNotFound,
    ClientPurposeInvalid,
    ClientUnauthenticated,
    PurposeNotAllowed,
)
from madoguchi.registry.purpose import PurposeRegistry


@dataclass(frozen=True)
class AuthenticatedClient:
    """The client behind a request: the actor it reads as, and the purposes it may name."""

    actor: Actor
    purpose_patterns: tuple[str, ...]

    def may_use(self, purpose: str) -> bool:
        return any(fnmatchcase(purpose, pattern) for pattern in self.purpose_patterns)

    def check_purpose(self, purpose: str) -> None:
        """Raises PurposeNotAllowed unless the client was registered for the purpose."""
        if not self.may_use(purpose):
            raise PurposeNotAllowed(f"this client is not registered for the purpose {purpose!r}")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_client(session: Session, *, actor: Actor, name: str, department: str | None,
                  purposes: Sequence[str], registry: PurposeRegistry) -> tuple[ApiClient, str]:
    """Register a client; returns it and its token (shown once, never stored).

    Raises ClientNameTaken, ClientPurposeInvalid.
    """
    invalid = [p for p in purposes if not registry.is_pattern(p)]
    if invalid or not purposes:
        raise ClientPurposeInvalid(
            f"not a purpose pattern: {', '.join(invalid) or '(none given)'}; "
            f"use a purpose id or <kind>:<id or *>, kinds: {', '.join(registry.templates)}")
    if session.scalars(select(ApiClient.id).where(ApiClient.name == name)).first() is not None:
        raise ClientNameTaken(f"an API client named {name!r} exists; revoke it or choose another name")
    token = secrets.token_urlsafe(32)
    client = ApiClient(name=name, department=department, purposes=list(purposes),
                       token_hash=token_hash(token), created_at=clock.now(), created_by=actor.id)
    session.add(client)
    session.flush()
    return client, token


def revoke_client(session: Session, *, actor: Actor, name: str) -> ApiClient:
    """Revoke a client's token from now on; raises ClientNotFound."""
    client = session.scalars(select(ApiClient).where(ApiClient.name == name)).one_or_none()
    if client is None:
        raise ClientNotFound(f"no API client named {name!r}")
    if client.revoked_at is None:
        client.revoked_at = clock.now()
        session.flush()
    return client


def list_clients(session: Session, *, actor: Actor) -> list[ApiClient]:
    return list(session.scalars(select(ApiClient).order_by(ApiClient.name)))


def authenticate_client(session: Session, *, token: str | None) -> AuthenticatedClient:
    """The client holding this bearer token; raises ClientUnauthenticated (missing, unknown, revoked)."""
    if not token:
        raise ClientUnauthenticated("send the client's token as 'Authorization: Bearer <token>'")
    client = session.scalars(select(ApiClient).where(ApiClient.token_hash == token_hash(token))).one_or_none()
    if client is None or client.revoked_at is not None:
        raise ClientUnauthenticated("the token is unknown or was revoked")
    return AuthenticatedClient(Actor.system(client.name, client.department), tuple(client.purposes))
