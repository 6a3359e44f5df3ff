"""A TestClient acting as a staff member's browser: over https (the session cookie is ``Secure``)."""

from __future__ import annotations

import re

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from madoguchi.web.sessions import session_cookie_name

STAFF_COOKIE = session_cookie_name("staff")


def a_browser(app: FastAPI) -> TestClient:
    return TestClient(app, base_url="https://testserver", raise_server_exceptions=False)


def csrf_token(html: str) -> str:
    """The ``csrf_token`` hidden field of the page's (first) form."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None, "the page has no csrf_token field"
    return found.group(1)


def log_in(browser: TestClient, login: str, password: str) -> httpx.Response:
    """Fill in the login form as a person would; the answer is not followed."""
    token = csrf_token(browser.get("/backoffice/login").text)
    return browser.post("/backoffice/login", data={"login": login, "password": password, "csrf_token": token},
                        follow_redirects=False)


def session_cookie(browser: TestClient) -> str | None:
    return browser.cookies.get(STAFF_COOKIE)


def plant_session_cookie(browser: TestClient, session_id: str) -> None:
    """Make the browser send this session id (a replay, a planted id)."""
    browser.cookies.clear()
    browser.cookies.set(STAFF_COOKIE, session_id, domain="testserver.local")
