"""The dependencies routes declare, as ``Annotated`` aliases.

A request gets one database session and one transaction: committed once when
the route has returned — before the response is sent, so a read whose
access-log entry could not be committed never reaches the client — and
rolled back when anything failed.

FastAPI runs a plain (``def``) dependency in its thread pool, a hop there and
back for each; those that only take something the app holds in memory are
``async def`` and run on the event loop instead. Whatever talks to the
database or reads a file stays in the thread pool, where it cannot stall
the loop.

A back-office page or ``/api/v1/backoffice/`` route declares ``StaffSessionDep``
(the logged-in staff member; a page without one redirects to the login page,
an API route answers 401), and ``StaffWriteDep`` when it changes something
(the session's CSRF token checked as well).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, cast

import anyio.to_thread
from anyio import CancelScope, CapacityLimiter
from fastapi import Depends, Query, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from madoguchi.actor import Actor
from madoguchi.backoffice.staff import active_staff_member, staff_actor
from madoguchi.backoffice.staff_models import StaffMember
from madoguchi.catalog.models import Catalog
from madoguchi.catalog.store import CatalogStore
from madoguchi.registry.api_client import AuthenticatedClient, authenticate_client
from madoguchi.registry.purpose import PurposeRegistry
from madoguchi.settings import Settings
from madoguchi.vault import Vault
from madoguchi.web.sessions import (
    LiveSession,
    LoginRequired,
    check_csrf,
    resume_session,
    session_cookie_name,
    submitted_csrf_token,
)


async def get_engine(request: Request) -> Engine:
    return cast(Engine, request.app.state.engine)


@contextmanager
def _transaction(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


async def get_session(engine: Annotated[Engine, Depends(get_engine)]) -> AsyncIterator[Session]:
    """The request's session, its transaction begun on the event loop — a session connects only at its
    first statement — and committed or rolled back, then closed, in the thread pool.

    A route on the hot path may commit at its end itself (``commit_in_route``), in the thread it already
    runs in; then nothing is left to send and the session is closed on the loop. The end is shielded
    from cancellation and has a thread of its own (as FastAPI ends a plain generator dependency): a
    request cancelled meanwhile still gives its connection back to the pool.
    """
    transaction = _transaction(engine)
    session = transaction.__enter__()
    try:
        yield session
    except BaseException as exc:
        with CancelScope(shield=True):
            suppressed = await anyio.to_thread.run_sync(transaction.__exit__, type(exc), exc, exc.__traceback__,
                                                        limiter=CapacityLimiter(1))
        if not suppressed:
            raise
    else:
        if not session.in_transaction():
            transaction.__exit__(None, None, None)
            return
        with CancelScope(shield=True):
            await anyio.to_thread.run_sync(transaction.__exit__, None, None, None, limiter=CapacityLimiter(1))


def commit_in_route(session: Session) -> None:
    """Commit the request's work as the route's last step, in the route's own thread.

    What the session dependency would do once the route has returned, one thread hop sooner; the
    answer is still sent only once its work is committed. For routes every request of which counts
    (the bundle intake).
    """
    session.commit()


async def get_vault(request: Request) -> Vault:
    return cast(Vault, request.app.state.vault)


async def get_purposes(request: Request) -> PurposeRegistry:
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


async def get_app_settings(request: Request) -> Settings:
    return cast(Settings, request.app.state.settings)


async def get_catalog(request: Request) -> Catalog:
    """The serving catalog, taken once for the request (a reload meanwhile does not mix two).

    The store reads its folder on first use only, so that first use runs in the thread pool; from then
    on the catalog is an object in memory (a reload swaps it whole) and is taken on the event loop.
    """
    store = cast(CatalogStore, request.app.state.catalog_store)
    loaded = store.loaded
    if loaded is not None:
        return loaded
    catalog: Catalog = await anyio.to_thread.run_sync(lambda: store.current)
    return catalog


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
CatalogDep = Annotated[Catalog, Depends(get_catalog)]

STAFF_LOGIN_PATH = "/backoffice/login"


@dataclass(frozen=True)
class StaffSession:
    """The staff member logged in on this request, and their web session."""

    member: StaffMember
    web: LiveSession

    @property
    def actor(self) -> Actor:
        return staff_actor(self.member)


_staff_cookie = APIKeyCookie(name=session_cookie_name("staff"), auto_error=False, scheme_name="StaffSession",
                             description="The session cookie set by the staff login (`/backoffice/login`).")


def get_staff_session(session: SessionDep,
                      session_id: Annotated[str | None, Depends(_staff_cookie)]) -> StaffSession:
    """The logged-in, still active staff member; raises LoginRequired (pages: to the login page)."""
    live = resume_session(session, session_id=session_id)
    member = (active_staff_member(session, login=live.actor_id)
              if live is not None and live.actor_kind == "staff" else None)
    if live is None or member is None:
        raise LoginRequired("log in to the back office first", actor_kind="staff", login_url=STAFF_LOGIN_PATH,
                            expired=session_id is not None)
    return StaffSession(member, live)


StaffSessionDep = Annotated[StaffSession, Depends(get_staff_session, scope="function")]


async def get_staff_write(request: Request, staff: StaffSessionDep) -> StaffSession:
    """The staff session of a state-changing request, whose CSRF token it carries; raises CsrfRefused."""
    check_csrf(staff.web.csrf_token, await submitted_csrf_token(request))
    return staff


StaffWriteDep = Annotated[StaffSession, Depends(get_staff_write, scope="function")]
