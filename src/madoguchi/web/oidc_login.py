"""Login at an OpenID provider: the Digital Agency's authentication app, or any conforming one.

``GET /login/oidc`` sends the browser to the provider, keeping the login's
``state`` in a cookie of this browser's; the provider sends the browser back
to ``GET /login/oidc/callback``, where the answer is checked
(``identity.oidc``), the subject tied to a resident (``identity.oidc_links``)
and the same resident session as the card login begins. A refusal is a page
saying why, with no session; it is answered, not raised, so the request
still commits and the login stays used up.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from madoguchi import __version__, clock
from madoguchi.identity.oidc import RelyingParty
from madoguchi.identity.oidc_errors import OidcError, OidcNotConfigured
from madoguchi.identity.oidc_links import resident_for_login
from madoguchi.identity.oidc_settings import get_oidc_settings
from madoguchi.web.deps import PurposesDep, SessionDep, SettingsDep, VaultDep
from madoguchi.web.errors import new_instance
from madoguchi.web.pages import templates
from madoguchi.web.resident import resident_policy
from madoguchi.web.return_to import local_path
from madoguchi.web.sessions import (
    end_session,
    session_cookie_name,
    set_session_cookie,
    start_session,
)

LOGIN_PATH = "/login/oidc"
CALLBACK_PATH = "/login/oidc/callback"
STATE_COOKIE = "madoguchi_oidc_state"
DEFAULT_RETURN = "/me"
NOT_CONFIGURED = "no OpenID provider is configured (MADOGUCHI_OIDC_ISSUER)"
REFUSALS = {
    "oidc-not-configured": "この市では、認証アプリによるログインを受け付けていません。マイナンバーカードでログインしてください。",
    "oidc-state-invalid": "ログインの途中で時間がたちすぎたか、別の画面で始めたログインです。もう一度はじめからログインしてください。",
    "oidc-login-cancelled": "認証アプリでのログインが完了しませんでした。もう一度お試しください。",
    "oidc-provider-unavailable": "認証サービスにつながりませんでした。しばらくしてから、もう一度お試しください。",
    "oidc-code-refused": "認証サービスがこのログインを受け付けませんでした。もう一度はじめからログインしてください。",
    "oidc-id-token-invalid": "認証サービスからの応答を確かめられませんでした。もう一度はじめからログインしてください。",
    "oidc-not-linked": "このアカウントは、市の住民の記録と結び付いていません。マイナンバーカードでログインするか、窓口でご相談ください。",
}
"""What each refusal tells the resident, by its problem type."""

logger = logging.getLogger("madoguchi.web")
router = APIRouter(include_in_schema=False)


@lru_cache
def _configured() -> RelyingParty:
    return RelyingParty(get_oidc_settings())


def get_relying_party() -> RelyingParty | None:
    """The configured provider; None when OpenID Connect is off (no issuer set)."""
    return _configured() if get_oidc_settings().enabled else None


RelyingPartyDep = Annotated[RelyingParty | None, Depends(get_relying_party)]


@router.get(LOGIN_PATH, response_class=HTMLResponse)
def begin_oidc_login(request: Request, session: SessionDep, settings: SettingsDep, party: RelyingPartyDep,
                     return_to: Annotated[str, Query(alias="next")] = DEFAULT_RETURN) -> Response:
    """Send the browser to the OpenID provider to log in; ``next`` is the page to come back to."""
    if party is None:
        return _refused(request, OidcNotConfigured(NOT_CONFIGURED), retry=False)
    try:
        start = party.begin_login(session, return_to=local_path(return_to, DEFAULT_RETURN), at=clock.now())
    except OidcError as refusal:
        return _refused(request, refusal, retry=True)
    response = RedirectResponse(start.url, status_code=303)
    response.set_cookie(STATE_COOKIE, start.state, max_age=party.settings.login_seconds, path=LOGIN_PATH,
                        secure=not settings.insecure_cookies, httponly=True, samesite="lax")
    return response


@router.get(CALLBACK_PATH, response_class=HTMLResponse)
def finish_oidc_login(request: Request, session: SessionDep, settings: SettingsDep, party: RelyingPartyDep,
                      purposes: PurposesDep, vault: VaultDep, state: str = "", code: str = "",
                      error: str | None = None) -> Response:
    """Take the provider's answer: check it, find the resident, and start their session."""
    if party is None:
        return _refused(request, OidcNotConfigured(NOT_CONFIGURED), retry=False)
    response: Response
    try:
        login = party.finish_login(session, state=state, browser_state=request.cookies.get(STATE_COOKIE),
                                   code=code, error=error, at=clock.now())
        atena_number = resident_for_login(session, login, purposes=purposes, vault=vault)
    except OidcError as refusal:
        response = _refused(request, refusal, retry=True)
    else:
        previous = request.cookies.get(session_cookie_name("resident"))
        if previous:  # a new id at every login: a planted session id is never promoted
            end_session(session, session_id=previous)
        live = start_session(session, actor_kind="resident", actor_id=atena_number, department=None,
                             policy=resident_policy(settings))
        response = RedirectResponse(login.return_to, status_code=303)
        set_session_cookie(response, live, secure=not settings.insecure_cookies)
    response.delete_cookie(STATE_COOKIE, path=LOGIN_PATH, secure=not settings.insecure_cookies, httponly=True,
                           samesite="lax")
    return response


def _refused(request: Request, refusal: OidcError, *, retry: bool) -> HTMLResponse:
    instance = new_instance()
    logger.info("oidc login refused %s %s %s: %s", refusal.status, refusal.type, instance, refusal.detail)
    return templates.TemplateResponse(request, "oidc/refused.html", {
        "version": __version__, "message": REFUSALS.get(refusal.type, refusal.title), "instance": instance,
        "retry": retry}, status_code=refusal.status, headers={"Cache-Control": "no-store"})
