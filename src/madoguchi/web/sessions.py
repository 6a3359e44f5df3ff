"""Server-side web sessions, for staff and residents alike.

The browser holds a random session id in an ``HttpOnly``, ``SameSite=Lax``
cookie (``Secure`` unless ``MADOGUCHI_INSECURE_COOKIES``), one cookie per kind
of actor so that one browser may be logged in as staff and as a resident;
the database keeps only the id's SHA-256 with who is logged in (``session_models``). A session
ends when unused for its idle timeout, at its absolute expiry, or at logout
(the row is deleted). Times come from ``madoguchi.clock``.

Every state-changing request of a session carries the session's CSRF token,
as the form field ``csrf_token`` or the header ``X-CSRF-Token`` (htmx). A
login form, which comes before any session, carries a form token that must
match the one in its own cookie instead.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, cast
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import CursorResult, Row, Table, bindparam, delete, select, update
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.errors import AppError
from madoguchi.web.errors import log_refusal, problem
from madoguchi.web.return_to import with_next
from madoguchi.web.session_models import WebSession

FORM_TOKEN_COOKIE = "madoguchi_form_token"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"

SessionActorKind = Literal["staff", "resident"]


def session_cookie_name(actor_kind: SessionActorKind) -> str:
    return f"madoguchi_{actor_kind}_session"


class CsrfRefused(AppError):
    status = 403
    type = "csrf-refused"
    title = "Request not confirmed"


class LoginRequired(AppError):
    """No live session of that kind of actor: a page redirects to ``login_url``, an API route answers 401."""

    status = 401
    type = "login-required"
    title = "Login required"

    def __init__(self, detail: str, *, actor_kind: SessionActorKind, login_url: str, expired: bool) -> None:
        super().__init__(detail)
        self.actor_kind: SessionActorKind = actor_kind
        self.login_url = login_url
        self.expired = expired
        """A session cookie was sent, but its session has ended."""


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta
    absolute: timedelta


@dataclass(frozen=True)
class LiveSession:
    """A session in use; ``session_id`` is the cookie's value (never stored)."""

    session_id: str
    actor_kind: SessionActorKind
    actor_id: str
    department: str | None
    csrf_token: str
    created_at: datetime
    expires_at: datetime


def start_session(session: Session, *, actor_kind: SessionActorKind, actor_id: str,
                  department: str | None, policy: SessionPolicy) -> LiveSession:
    """Open a session with a fresh id and CSRF token (and drop every session past its absolute end)."""
    now = clock.now()
    session.execute(delete(WebSession).where(WebSession.expires_at <= now))
    session_id = secrets.token_urlsafe(32)
    row = WebSession(id_hash=_digest(session_id), actor_kind=actor_kind, actor_id=actor_id,
                     department=department, csrf_token=secrets.token_urlsafe(32), created_at=now,
                     last_seen_at=now, idle_timeout_seconds=int(policy.idle.total_seconds()),
                     expires_at=now + policy.absolute)
    session.add(row)
    session.flush()
    return _live(session_id, row)


SEEN_RESOLUTION = timedelta(minutes=1)
"""How finely a session's last use is kept: an idle session may end up to this much sooner."""


_WEB_SESSIONS = cast(Table, WebSession.__table__)
_BY_ID = select(_WEB_SESSIONS).where(_WEB_SESSIONS.c.id_hash == bindparam("session_hash"))
_SEEN = (update(_WEB_SESSIONS).where(_WEB_SESSIONS.c.id_hash == bindparam("session_hash"))
         .values(last_seen_at=bindparam("seen_at")))
"""Built once, as plain statements on the table: every request resumes a session, and building the query
and an ORM object for it cost more than the query itself."""


def resume_session(session: Session, *, session_id: str | None) -> LiveSession | None:
    """The live session with this id, marked as used now; None when unknown, idle too long or expired."""
    if not session_id:
        return None
    id_hash = _digest(session_id)
    row = session.execute(_BY_ID, {"session_hash": id_hash}).first()
    if row is None:
        return None
    now = clock.now()
    if now >= row.expires_at or now >= row.last_seen_at + timedelta(seconds=row.idle_timeout_seconds):
        return None
    if now - row.last_seen_at >= SEEN_RESOLUTION:
        # a write per minute, not per request: idleness is counted in minutes
        session.execute(_SEEN, {"session_hash": id_hash, "seen_at": now})
    return _live(session_id, row)


def end_session(session: Session, *, session_id: str) -> None:
    """Logout: the session's row is deleted, so its id opens nothing any more."""
    session.execute(delete(WebSession).where(WebSession.id_hash == _digest(session_id)))


def end_actor_sessions(session: Session, *, actor_kind: SessionActorKind, actor_id: str) -> int:
    """End every session of one person (disabled, or a new password); returns how many."""
    result = session.execute(delete(WebSession).where(WebSession.actor_kind == actor_kind,
                                                      WebSession.actor_id == actor_id))
    return cast(CursorResult[Any], result).rowcount


def check_csrf(expected: str, given: str | None) -> None:
    """Raises CsrfRefused unless ``given`` is the session's token."""
    if not given or not hmac.compare_digest(expected.encode(), given.encode()):
        raise CsrfRefused("the request did not carry this session's CSRF token; reload the page and try again")


async def submitted_csrf_token(request: Request) -> str | None:
    """The token a request carries: the ``X-CSRF-Token`` header, else the form field."""
    header = request.headers.get(CSRF_HEADER)
    if header is not None:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def set_session_cookie(response: Response, live: LiveSession, *, secure: bool) -> None:
    """A browser-session cookie: the server, not the browser, decides when the session ends."""
    response.set_cookie(session_cookie_name(live.actor_kind), live.session_id, path="/", secure=secure,
                        httponly=True, samesite="lax")


def clear_session_cookie(response: Response, actor_kind: SessionActorKind, *, secure: bool) -> None:
    response.delete_cookie(session_cookie_name(actor_kind), path="/", secure=secure, httponly=True,
                           samesite="lax")


def new_form_token() -> str:
    """A token for a form shown before any session (login): the form's ``csrf_token`` and its cookie."""
    return secrets.token_urlsafe(32)


def set_form_token_cookie(response: Response, token: str, *, secure: bool) -> None:
    response.set_cookie(FORM_TOKEN_COOKIE, token, path="/", secure=secure, httponly=True, samesite="lax")


def form_token_matches(request: Request, given: str | None) -> bool:
    """Whether a login form's token is the one its cookie holds."""
    expected = request.cookies.get(FORM_TOKEN_COOKIE)
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def clear_form_token(response: Response, *, secure: bool) -> None:
    response.delete_cookie(FORM_TOKEN_COOKIE, path="/", secure=secure, httponly=True, samesite="lax")


async def login_required_handler(request: Request, exc: Exception) -> Response:
    """An API route answers 401 problem+json; a page redirects to its login page (htmx: ``HX-Redirect``)."""
    assert isinstance(exc, LoginRequired)
    secure = not request.app.state.settings.insecure_cookies
    response: Response
    url = exc.login_url + ("?" + urlencode({"reason": "expired"}) if exc.expired else "")
    if exc.actor_kind == "resident" and request.method == "GET":  # back to the page asked for, once logged in
        url = with_next(url, request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    if request.url.path.startswith("/api/"):
        response = problem(request, status=exc.status, slug=exc.type, title=exc.title, detail=exc.detail)
    elif request.headers.get("HX-Request") == "true":  # htmx would follow a redirect inside the page
        log_refusal(request, status=exc.status, slug=exc.type)
        response = Response(status_code=exc.status, headers={"HX-Redirect": url})
    else:
        log_refusal(request, status=exc.status, slug=exc.type)
        response = RedirectResponse(url, status_code=303)
    if exc.expired:
        clear_session_cookie(response, exc.actor_kind, secure=secure)
    return response


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def _live(session_id: str, row: WebSession | Row[Any]) -> LiveSession:
    return LiveSession(session_id, cast(SessionActorKind, row.actor_kind), row.actor_id, row.department,
                       row.csrf_token, row.created_at, row.expires_at)
