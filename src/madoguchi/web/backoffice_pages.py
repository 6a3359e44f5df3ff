"""The department back office's login and logout; its pages for applications are in
``backoffice_application_pages``, whose routes this router carries.

A page declares ``StaffSessionDep`` (``StaffWriteDep`` for a form that changes
something) and renders with ``backoffice_render.render_staff_page``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from madoguchi import __version__
from madoguchi.backoffice.errors import StaffLoginFailed
from madoguchi.backoffice.staff import LOCKOUT, MAX_FAILED_LOGINS, authenticate_staff
from madoguchi.settings import Settings
from madoguchi.web import backoffice_application_pages
from madoguchi.web.backoffice_application_pages import INBOX_PATH
from madoguchi.web.backoffice_render import PAGE_HEADERS
from madoguchi.web.deps import (
    STAFF_LOGIN_PATH,
    SessionDep,
    SettingsDep,
    StaffWriteDep,
    get_staff_session,
)
from madoguchi.web.pages import templates
from madoguchi.web.sessions import (
    LoginRequired,
    SessionPolicy,
    clear_form_token,
    clear_session_cookie,
    end_session,
    form_token_matches,
    new_form_token,
    session_cookie_name,
    set_form_token_cookie,
    set_session_cookie,
    start_session,
)

STAFF_COOKIE = session_cookie_name("staff")

router = APIRouter(include_in_schema=False)
router.include_router(backoffice_application_pages.router)

LOGIN_FAILED = "ログインIDまたはパスワードが正しくありません。"
FORM_EXPIRED = "画面の有効期限が切れました。もう一度ログインしてください。"
LOGIN_NOTICES = {
    "expired": "一定時間操作がなかったか、ログインの有効期限が切れました。もう一度ログインしてください。",
    "logged-out": "ログアウトしました。",
}


def staff_policy(settings: Settings) -> SessionPolicy:
    return SessionPolicy(idle=timedelta(minutes=settings.session_idle_minutes),
                         absolute=timedelta(hours=settings.staff_session_max_hours))


@router.get("/backoffice/login", response_class=HTMLResponse)
def login_form(request: Request, session: SessionDep, settings: SettingsDep,
               reason: str | None = None) -> Response:
    """Show the staff login form, or go to the inbox when already logged in."""
    try:
        get_staff_session(session, request.cookies.get(STAFF_COOKIE))
    except LoginRequired:
        return _login_page(request, settings, notice=LOGIN_NOTICES.get(reason or ""))
    return RedirectResponse(INBOX_PATH, status_code=303)


@router.post("/backoffice/login", response_class=HTMLResponse)
def log_in(request: Request, session: SessionDep, settings: SettingsDep,
           login: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
           csrf_token: Annotated[str, Form()] = "") -> Response:
    """Log a staff member in: a new session and on to the inbox, or the form again with a message.

    A refused login is answered with a page, not an error, so the request's
    transaction commits the failure's count.
    """
    if not form_token_matches(request, csrf_token):
        return _login_page(request, settings, status_code=403, login=login, error=FORM_EXPIRED)
    try:
        member = authenticate_staff(session, login=login, password=password)
    except StaffLoginFailed:
        return _login_page(request, settings, status_code=401, login=login, error=LOGIN_FAILED)
    previous = request.cookies.get(STAFF_COOKIE)
    if previous:  # a new id at every login: a planted session id is never promoted
        end_session(session, session_id=previous)
    live = start_session(session, actor_kind="staff", actor_id=member.login, department=member.department,
                         policy=staff_policy(settings))
    response = RedirectResponse(INBOX_PATH, status_code=303)
    set_session_cookie(response, live, secure=not settings.insecure_cookies)
    clear_form_token(response, secure=not settings.insecure_cookies)
    return response


@router.post("/backoffice/logout")
def log_out(staff: StaffWriteDep, session: SessionDep, settings: SettingsDep) -> Response:
    """End the staff member's session and show the login page."""
    end_session(session, session_id=staff.web.session_id)
    response = RedirectResponse(f"{STAFF_LOGIN_PATH}?reason=logged-out", status_code=303)
    clear_session_cookie(response, "staff", secure=not settings.insecure_cookies)
    return response


def _login_page(request: Request, settings: Settings, *, status_code: int = 200, login: str = "",
                error: str | None = None, notice: str | None = None) -> HTMLResponse:
    """The login form with a fresh form token (in the form and in its cookie)."""
    token = new_form_token()
    response = templates.TemplateResponse(request, "backoffice/login.html", {
        "version": __version__, "csrf_token": token, "login": login, "error": error, "notice": notice,
        "max_failed_logins": MAX_FAILED_LOGINS, "lockout_minutes": int(LOCKOUT.total_seconds() // 60),
    }, status_code=status_code, headers=PAGE_HEADERS)
    set_form_token_cookie(response, token, secure=not settings.insecure_cookies)
    return response
