from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice.factories import PASSWORD, START, a_staff_member, cheap_hashing
from madoguchi import clock
from madoguchi.web.deps import StaffSessionDep, StaffWriteDep
from madoguchi.web.session_models import WebSession
from madoguchi.web.sessions import (
    CsrfRefused,
    SessionPolicy,
    check_csrf,
    end_actor_sessions,
    end_session,
    resume_session,
    start_session,
)

from .staff_browser import a_browser, csrf_token, log_in, plant_session_cookie, session_cookie

POLICY = SessionPolicy(idle=timedelta(minutes=30), absolute=timedelta(hours=8))


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)


@pytest.fixture
def browser(app: FastAPI, session: Session) -> Iterator[TestClient]:
    """A browser of the logged-in staff member 田中 (子育て支援課), at START on the simulated clock."""
    clock.freeze(START)
    a_staff_member(session)
    with a_browser(app) as client:
        assert log_in(client, "tanaka", PASSWORD).status_code == 303
        yield client


def sessions_in(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(WebSession)) or 0


def a_session(session: Session, actor_id: str = "tanaka") -> str:
    return start_session(session, actor_kind="staff", actor_id=actor_id, department="child-support",
                         policy=POLICY).session_id


def test_a_session_is_stored_only_as_the_hash_of_its_id(session: Session) -> None:
    clock.freeze(START)
    session_id = a_session(session)
    row = session.scalars(select(WebSession)).one()
    assert row.id_hash == hashlib.sha256(session_id.encode()).hexdigest()
    assert session_id not in [str(getattr(row, c.key)) for c in WebSession.__table__.columns]
    assert resume_session(session, session_id=row.id_hash) is None
    live = resume_session(session, session_id=session_id)
    assert live is not None and (live.actor_kind, live.actor_id, live.department) == (
        "staff", "tanaka", "child-support")
    assert live.expires_at == START + timedelta(hours=8)


def test_a_session_unused_for_the_idle_timeout_ends(session: Session) -> None:
    clock.freeze(START)
    session_id = a_session(session)
    clock.freeze(START + timedelta(minutes=29))
    assert resume_session(session, session_id=session_id) is not None
    clock.freeze(START + timedelta(minutes=58))  # 29 minutes after the last use
    assert resume_session(session, session_id=session_id) is not None
    clock.freeze(START + timedelta(minutes=88))  # 30 minutes after the last use
    assert resume_session(session, session_id=session_id) is None


def test_a_session_in_use_still_ends_at_its_absolute_timeout(session: Session) -> None:
    clock.freeze(START)
    session_id = a_session(session)
    for minutes in range(20, 8 * 60, 20):
        clock.freeze(START + timedelta(minutes=minutes))
        assert resume_session(session, session_id=session_id) is not None, minutes
    clock.freeze(START + timedelta(hours=8))
    assert resume_session(session, session_id=session_id) is None


def test_ending_a_session_deletes_it_and_ending_an_actors_sessions_leaves_the_others(session: Session) -> None:
    clock.freeze(START)
    first, second, other = a_session(session), a_session(session), a_session(session, "suzuki")
    end_session(session, session_id=first)
    assert resume_session(session, session_id=first) is None and sessions_in(session) == 2
    assert end_actor_sessions(session, actor_kind="staff", actor_id="tanaka") == 1
    assert resume_session(session, session_id=second) is None
    assert resume_session(session, session_id=other) is not None


def test_a_new_session_sweeps_away_sessions_past_their_absolute_end(session: Session) -> None:
    clock.freeze(START)
    a_session(session, "suzuki")
    clock.freeze(START + timedelta(hours=4))
    a_session(session, "sato")
    clock.freeze(START + timedelta(hours=8))
    a_session(session)
    assert sorted(session.scalars(select(WebSession.actor_id))) == ["sato", "tanaka"]


def test_a_csrf_token_must_be_present_and_exactly_the_sessions() -> None:
    check_csrf("the-token", "the-token")
    for given in (None, "", "the-token ", "another"):
        with pytest.raises(CsrfRefused):
            check_csrf("the-token", given)


def test_logout_without_or_with_a_wrong_csrf_token_is_refused_and_the_session_lives_on(
        browser: TestClient, session: Session) -> None:
    for data in ({}, {"csrf_token": "forged"}):
        refused = browser.post("/backoffice/logout", data=data, follow_redirects=False)
        assert refused.status_code == 403
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["type"].endswith("/csrf-refused")
    assert sessions_in(session) == 1
    assert browser.get("/backoffice/").status_code == 200


def test_logout_deletes_the_session_and_its_id_opens_nothing_afterwards(
        browser: TestClient, session: Session) -> None:
    old_id = session_cookie(browser)
    token = csrf_token(browser.get("/backoffice/").text)
    response = browser.post("/backoffice/logout", data={"csrf_token": token}, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/backoffice/login?reason=logged-out")
    assert session_cookie(browser) is None and sessions_in(session) == 0
    assert "ログアウトしました" in browser.get(response.headers["location"]).text
    assert old_id is not None
    plant_session_cookie(browser, old_id)
    replay = browser.get("/backoffice/", follow_redirects=False)
    assert (replay.status_code, replay.headers["location"]) == (303, "/backoffice/login?reason=expired")


def test_an_htmx_request_carries_the_csrf_token_as_a_header(browser: TestClient, session: Session) -> None:
    token = csrf_token(browser.get("/backoffice/").text)
    response = browser.post("/backoffice/logout", headers={"X-CSRF-Token": token, "HX-Request": "true"},
                            follow_redirects=False)
    assert response.status_code == 303 and sessions_in(session) == 0


def test_a_page_after_the_idle_timeout_sends_the_browser_to_the_login_page_saying_why(
        browser: TestClient) -> None:
    clock.freeze(START + timedelta(minutes=29))
    assert browser.get("/backoffice/").status_code == 200
    clock.freeze(START + timedelta(minutes=59))
    response = browser.get("/backoffice/", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/backoffice/login?reason=expired")
    assert session_cookie(browser) is None
    assert "もう一度ログインしてください" in browser.get(response.headers["location"]).text


def test_a_busy_session_ends_after_eight_hours(browser: TestClient) -> None:
    for minutes in range(25, 8 * 60, 25):
        clock.freeze(START + timedelta(minutes=minutes))
        assert browser.get("/backoffice/", follow_redirects=False).status_code == 200, minutes
    clock.freeze(START + timedelta(hours=8))
    assert browser.get("/backoffice/", follow_redirects=False).status_code == 303


def test_the_timeouts_are_settings(app: FastAPI, session: Session) -> None:
    app.state.settings = app.state.settings.model_copy(update={"session_idle_minutes": 5,
                                                              "staff_session_max_hours": 1})
    clock.freeze(START)
    a_staff_member(session)
    with a_browser(app) as client:
        log_in(client, "tanaka", PASSWORD)
        clock.freeze(START + timedelta(minutes=5))
        assert client.get("/backoffice/", follow_redirects=False).status_code == 303
        log_in(client, "tanaka", PASSWORD)
        for minutes in range(9, 65, 4):
            clock.freeze(START + timedelta(minutes=minutes))
            assert client.get("/backoffice/", follow_redirects=False).status_code == 200, minutes
        clock.freeze(START + timedelta(minutes=65))
        assert client.get("/backoffice/", follow_redirects=False).status_code == 303


def test_an_htmx_request_without_a_session_is_told_to_go_to_the_login_page(app: FastAPI) -> None:
    with a_browser(app) as client:
        response = client.get("/backoffice/", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.status_code == 401 and response.headers["HX-Redirect"] == "/backoffice/login"


def test_a_back_office_api_route_answers_401_problem_without_a_session_and_403_without_the_token(
        app: FastAPI, browser: TestClient) -> None:
    @app.get("/api/v1/backoffice/whoami")
    def whoami(staff: StaffSessionDep) -> dict[str, str]:
        return {"login": staff.member.login, "department": staff.actor.department or ""}

    @app.post("/api/v1/backoffice/notes")
    def add_note(staff: StaffWriteDep) -> dict[str, str]:
        return {"by": staff.member.login}

    assert browser.get("/api/v1/backoffice/whoami").json() == {"login": "tanaka", "department": "child-support"}
    token = csrf_token(browser.get("/backoffice/").text)
    assert browser.post("/api/v1/backoffice/notes", json={}).status_code == 403
    assert browser.post("/api/v1/backoffice/notes", json={}, headers={"X-CSRF-Token": token}).json() == {
        "by": "tanaka"}
    with a_browser(app) as anonymous:
        response = anonymous.get("/api/v1/backoffice/whoami", follow_redirects=False)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/login-required")
