from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from madoguchi.web.session_models import WebSession

from .conftest import STAFF_PASSWORD, LiveSite

pytestmark = pytest.mark.browser


def sessions_in(site: LiveSite) -> int:
    with site.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(WebSession)) or 0


def log_in(page: Page, login: str, password: str) -> None:
    page.goto("/backoffice/login")
    page.get_by_label("ログインID").fill(login)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()


def test_a_staff_member_logs_in_sees_their_name_and_department_and_logs_out(
        live_site: LiveSite, page: Page) -> None:
    live_site.add_staff("tanaka", display_name="田中 一郎", department="child-support", role="manager")
    log_in(page, "tanaka", STAFF_PASSWORD)

    expect(page).to_have_url(live_site.url("/backoffice/"))
    expect(page.get_by_role("heading", name="受付一覧")).to_be_visible()
    staff_bar = page.get_by_role("region", name="ログイン中の職員")
    expect(staff_bar).to_contain_text("田中 一郎")
    expect(staff_bar).to_contain_text("子育て支援課")
    expect(staff_bar).to_contain_text("管理者")
    [cookie] = [c for c in page.context.cookies() if c["name"] == "madoguchi_staff_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
    assert sessions_in(live_site) == 1

    page.get_by_role("button", name="ログアウト").click()
    expect(page).to_have_url(live_site.url("/backoffice/login?reason=logged-out"))
    expect(page.get_by_role("status")).to_have_text("ログアウトしました。")
    assert sessions_in(live_site) == 0
    assert not [c for c in page.context.cookies() if c["name"] == "madoguchi_staff_session"]
    page.goto("/backoffice/")
    expect(page).to_have_url(live_site.url("/backoffice/login"))


def test_a_wrong_password_shows_the_message_by_the_field_and_opens_no_session(
        live_site: LiveSite, page: Page) -> None:
    live_site.add_staff("tanaka")
    log_in(page, "tanaka", "not-the-password")

    expect(page.get_by_role("alert")).to_have_text("ログインIDまたはパスワードが正しくありません。")
    expect(page.get_by_label("パスワード")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("パスワード")).to_have_accessible_description(
        "ログインIDまたはパスワードが正しくありません。")
    expect(page.get_by_label("ログインID")).to_have_value("tanaka")
    expect(page.get_by_label("パスワード")).to_have_value("")
    assert not [c for c in page.context.cookies() if c["name"] == "madoguchi_staff_session"]
    assert sessions_in(live_site) == 0
    page.goto("/backoffice/")
    expect(page).to_have_url(live_site.url("/backoffice/login"))
