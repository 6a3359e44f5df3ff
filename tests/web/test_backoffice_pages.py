from __future__ import annotations

import logging
import re
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice.factories import OPERATOR, PASSWORD, START, a_staff_member, cheap_hashing
from madoguchi import clock
from madoguchi.backoffice.staff import disable_staff
from madoguchi.backoffice.staff_models import StaffMember
from madoguchi.web.session_models import WebSession
from madoguchi.web.sessions import FORM_TOKEN_COOKIE

from .staff_browser import STAFF_COOKIE, a_browser, csrf_token, log_in, session_cookie

LOGIN_FAILED = "ログインIDまたはパスワードが正しくありません。"


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)


def set_cookie(response: httpx.Response, name: str) -> str:
    [header] = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    return header


def sessions_in(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(WebSession)) or 0


def test_the_login_page_is_an_accessible_japanese_form(app: FastAPI) -> None:
    with a_browser(app) as browser:
        page = browser.get("/backoffice/login")
    assert page.status_code == 200 and 'lang="ja"' in page.text
    for field in ("login", "password"):
        assert f'<label for="{field}">' in page.text and f'id="{field}" name="{field}"' in page.text
    assert 'autocomplete="current-password"' in page.text and "職員ログイン" in page.text
    assert csrf_token(page.text) == page.cookies[FORM_TOKEN_COOKIE]
    assert page.headers["cache-control"] == "no-store" and page.headers["x-frame-options"] == "DENY"


def test_a_staff_member_logs_in_and_sees_their_name_department_and_role(app: FastAPI, session: Session) -> None:
    a_staff_member(session, display_name="田中 一郎", department="child-support", role="manager")
    with a_browser(app) as browser:
        response = log_in(browser, "tanaka", PASSWORD)
        assert (response.status_code, response.headers["location"]) == (303, "/backoffice/")
        cookie = set_cookie(response, STAFF_COOKIE)
        assert "HttpOnly" in cookie and "Secure" in cookie
        assert "SameSite=lax" in cookie and "Path=/" in cookie and "Max-Age" not in cookie
        inbox = browser.get("/backoffice/")
    assert inbox.status_code == 200 and inbox.headers["cache-control"] == "no-store"
    assert "受付一覧" in inbox.text and "田中 一郎" in inbox.text
    assert "子育て支援課" in inbox.text and "管理者" in inbox.text
    assert 'action="/backoffice/logout"' in inbox.text and "ログアウト" in inbox.text
    assert '"X-CSRF-Token"' in inbox.text  # htmx requests of the page carry the token


def test_a_wrong_password_shows_the_form_again_with_a_message_and_makes_no_session(
        app: FastAPI, session: Session) -> None:
    a_staff_member(session)
    with a_browser(app) as browser:
        response = log_in(browser, "tanaka", "not the password")
        assert session_cookie(browser) is None
    assert response.status_code == 401 and LOGIN_FAILED in response.text
    assert 'aria-invalid="true"' in response.text and 'aria-describedby="login-error"' in response.text
    assert 'value="tanaka"' in response.text and "not the password" not in response.text
    assert sessions_in(session) == 0


def test_an_unknown_login_id_gets_the_same_answer_as_a_wrong_password(app: FastAPI, session: Session) -> None:
    a_staff_member(session)
    with a_browser(app) as browser:
        wrong = log_in(browser, "tanaka", "not the password")
        unknown = log_in(browser, "tanaka2", "not the password")

    def without_input(html: str) -> str:
        return re.sub(r'value="[^"]*"', "", html)

    assert unknown.status_code == wrong.status_code == 401
    assert without_input(unknown.text) == without_input(wrong.text)


def test_failed_logins_through_the_page_are_counted_and_lock_the_account(app: FastAPI, session: Session) -> None:
    clock.freeze(START)
    a_staff_member(session)
    with a_browser(app) as browser:
        for _ in range(5):
            assert log_in(browser, "tanaka", "not the password").status_code == 401
        assert log_in(browser, "tanaka", PASSWORD).status_code == 401
        clock.freeze(START + timedelta(minutes=15))
        assert log_in(browser, "tanaka", PASSWORD).status_code == 303


def test_a_login_without_the_forms_token_is_refused_before_the_password_is_tried(
        app: FastAPI, session: Session) -> None:
    a_staff_member(session)
    with a_browser(app) as browser:
        browser.get("/backoffice/login")
        for token in ("", "forged"):
            response = browser.post("/backoffice/login", follow_redirects=False,
                                    data={"login": "tanaka", "password": PASSWORD, "csrf_token": token})
            assert response.status_code == 403 and "画面の有効期限が切れました" in response.text
    assert sessions_in(session) == 0
    assert session.scalars(select(StaffMember.failed_logins)).one() == 0


def test_a_login_gives_a_new_session_id_and_ends_the_one_the_browser_had(
        app: FastAPI, session: Session) -> None:
    a_staff_member(session)
    a_staff_member(session, login="suzuki", display_name="鈴木 花子")
    with a_browser(app) as other:
        log_in(other, "tanaka", PASSWORD)
        planted = session_cookie(other)
    assert planted is not None
    with a_browser(app) as browser:
        token = csrf_token(browser.get("/backoffice/login").text)
        browser.cookies.set(STAFF_COOKIE, planted, domain="testserver.local")
        browser.post("/backoffice/login", data={"login": "suzuki", "password": PASSWORD, "csrf_token": token},
                     follow_redirects=False)
        assert session_cookie(browser) not in (None, planted)
        assert "鈴木 花子" in browser.get("/backoffice/").text
    assert list(session.scalars(select(WebSession.actor_id))) == ["suzuki"]


def test_the_login_page_sends_a_logged_in_member_to_the_inbox(app: FastAPI, session: Session) -> None:
    a_staff_member(session)
    with a_browser(app) as browser:
        log_in(browser, "tanaka", PASSWORD)
        response = browser.get("/backoffice/login", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/backoffice/")


def test_a_page_without_a_session_redirects_to_the_login_page(app: FastAPI) -> None:
    with a_browser(app) as browser:
        response = browser.get("/backoffice/", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/backoffice/login")


def test_a_disabled_members_session_ends_at_their_next_request(app: FastAPI, session: Session) -> None:
    a_staff_member(session)
    with a_browser(app) as browser:
        log_in(browser, "tanaka", PASSWORD)
        disable_staff(session, actor=OPERATOR, login="tanaka")
        response = browser.get("/backoffice/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/backoffice/login")


def test_with_insecure_cookies_the_session_cookie_is_sent_over_plain_http(app: FastAPI, session: Session) -> None:
    app.state.settings = app.state.settings.model_copy(update={"insecure_cookies": True})
    a_staff_member(session)
    with a_browser(app) as browser:
        browser.base_url = "http://testserver"  # type: ignore[assignment]
        response = log_in(browser, "tanaka", PASSWORD)
        cookie = set_cookie(response, STAFF_COOKIE)
        assert "Secure" not in cookie and "HttpOnly" in cookie
        assert "田中 一郎" in browser.get("/backoffice/").text


def test_no_password_reaches_the_log(app: FastAPI, session: Session, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    a_staff_member(session)
    with a_browser(app) as browser:
        log_in(browser, "tanaka", "wrong-but-secret-words")
        log_in(browser, "wrong-but-secret-words", "wrong-but-secret-words")
        log_in(browser, "tanaka", PASSWORD)
    assert "staff login refused" in caplog.text
    assert "wrong-but-secret-words" not in caplog.text and PASSWORD not in caplog.text
