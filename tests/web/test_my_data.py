"""My data (/me) and who used it (/me/access-log), as a logged-in resident's browser sees them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from madoguchi.actor import Actor
from madoguchi.clock import TOKYO
from madoguchi.registry.access_models import AccessLogEntry
from madoguchi.registry.purpose import PurposeRegistry
from madoguchi.registry.service import view_person
from madoguchi.settings import Settings
from madoguchi.vault import Vault
from madoguchi.web.resident import resident_policy
from madoguchi.web.sessions import session_cookie_name, start_session
from registry.factories import Family, Hub, a_my_number

from .html_tree import Element, parse

CLERK = Actor.staff("s-0042", "子育て支援課")


def logged_in(app: FastAPI, session: Session, atena_number: str) -> TestClient:
    """A browser with a resident session (as the card or the OpenID login leaves it)."""
    live = start_session(session, actor_kind="resident", actor_id=atena_number, department=None,
                         policy=resident_policy(Settings()))
    browser = TestClient(app, base_url="https://testserver", raise_server_exceptions=False, follow_redirects=False)
    browser.cookies.set(session_cookie_name("resident"), live.session_id, domain="testserver.local")
    return browser


def entries(session: Session, atena_number: str) -> list[AccessLogEntry]:
    return list(session.scalars(select(AccessLogEntry).where(AccessLogEntry.subject == atena_number)
                                .order_by(AccessLogEntry.seq)))


def log_size(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AccessLogEntry)) or 0


def system(person: Element, name: str) -> tuple[str, dict[str, str]]:
    """A system's group on a person's sheet: its as-of note, and its items as label → text."""
    group = person.labelled("section", name)
    return group.find("p", class_="hint").text, group.find("dl").terms()


def articles(html: str) -> list[dict[str, str]]:
    """The access log's entries as shown: the heading (when) and each term."""
    return [{"when": a.find("h2").text, **a.find("dl").terms()} for a in parse(html).find_all("article")]


@pytest.fixture
def family(hub: Hub) -> Family:
    family = hub.family()
    hub.snapshot("juki", datetime(2025, 6, 1, 0, 30, tzinfo=TOKYO))  # as the importer writes it
    hub.record("nhi", atena_number=family.head.atena_number, insured_symbol="01", insured_number="123",
               acquired_on=date(2020, 4, 1))
    hub.snapshot("nhi", datetime(2025, 5, 20, 9, 0, tzinfo=TOKYO))
    return family


def test_my_data_shows_each_value_under_its_system_with_its_date_and_the_my_number_masked(
        app: FastAPI, session: Session, family: Family) -> None:
    page = logged_in(app, session, family.head.atena_number).get("/me")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    me = parse(page.text).labelled("section", "山田　太郎さん")
    as_of, juki = system(me, "住民記録")
    assert as_of == "令和7年6月1日時点の住民記録の情報です。"
    assert juki["氏"] == "山田" and juki["氏のフリガナ"] == "ヤマダ" and juki["生年月日"] == "昭和60年6月15日"
    assert juki["性別"] == "男" and juki["住所"] == "〒160-0022 東京都新宿区新宿1-2-3"
    assert juki["住民となった日"] == "平成22年4月1日" and juki["通称"] == "登録なし"
    assert juki["個人番号（マイナンバー）"] == "********" + a_my_number(1)[-4:]
    assert a_my_number(1) not in page.text
    as_of, nhi = system(me, "国民健康保険")
    assert as_of == "令和7年5月20日時点の国民健康保険の情報です。"
    assert nhi == {"国民健康保険": "記号 01 番号 123 資格取得日 令和2年4月1日"}
    not_held = me.labelled("section", "記録のない業務システム")
    assert [li.text for li in not_held.find_all("li")] == [
        f"{name}（いつ時点かの記録なし）" for name in ("後期高齢者医療", "介護保険", "国民年金", "児童手当", "個人住民税", "公金受取口座")]
    with pytest.raises(AssertionError, match="no <section> labelled"):
        me.labelled("section", "介護保険")


def test_a_parent_sees_their_minor_child_but_no_adult_of_the_household(
        app: FastAPI, session: Session, family: Family) -> None:
    page = logged_in(app, session, family.head.atena_number).get("/me")
    children = parse(page.text).labelled("section", "お子さんの情報")
    child = children.labelled("section", "山田　次郎さん")
    assert system(child, "住民記録")[1]["個人番号（マイナンバー）"] == "********" + a_my_number(4)[-4:]
    assert child.find("a").attrs["href"] == f"/me/access-log/{family.minor_child.atena_number}"
    assert len(children.find_all("h3")) == 1
    assert "一郎" not in page.text and "花子" not in page.text  # the adult child, the spouse
    read = {e.subject: (e.actor_id, e.purpose) for e in session.scalars(select(AccessLogEntry))}
    assert read == {family.head.atena_number: (family.head.atena_number, "self-view"),
                    family.minor_child.atena_number: (family.head.atena_number, "self-view")}


def test_an_adult_of_the_household_sees_only_their_own_record(
        app: FastAPI, session: Session, family: Family) -> None:
    browser = logged_in(app, session, family.adult_child.atena_number)
    page = browser.get("/me")
    assert page.status_code == 200 and "山田　一郎さん" in page.text
    assert "太郎" not in page.text and "次郎" not in page.text and "花子" not in page.text
    assert "表示できるお子さんの情報はありません" in page.text
    before = log_size(session)
    assert browser.get(f"/me/access-log/{family.head.atena_number}").status_code == 404
    assert browser.get(f"/me/access-log/{family.minor_child.atena_number}").status_code == 404  # a sibling
    assert log_size(session) == before and entries(session, family.head.atena_number) == []


def test_script_in_a_stored_name_is_shown_as_text(app: FastAPI, session: Session, hub: Hub) -> None:
    person = hub.person(given_name="<script>alert(1)</script>", building="<img src=x onerror=alert(2)>")
    page = logged_in(app, session, person.atena_number).get("/me")
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text and "<img src=x" not in page.text
    assert "山田　&lt;script&gt;alert(1)&lt;/script&gt;さん" in page.text
    assert parse(page.text).find_all("script") == [] and parse(page.text).find_all("img") == []
    me = parse(page.text).labelled("section", "山田　<script>alert(1)</script>さん")
    assert system(me, "住民記録")[1]["住所"].endswith("<img src=x onerror=alert(2)>")


def test_the_access_log_lists_the_reads_my_own_views_just_made_newest_first(
        app: FastAPI, session: Session, family: Family, vault: Vault, purposes: PurposeRegistry) -> None:
    head = family.head.atena_number
    view_person(session, actor=CLERK, atena_number=head, purpose="procedure:child-allowance-claim",
                purposes=purposes, vault=vault, items=["family_name", "my_number"])
    browser = logged_in(app, session, head)
    assert browser.get("/me").status_code == 200
    page = browser.get("/me/access-log")
    assert page.status_code == 200
    mine, clerks = articles(page.text)
    assert mine["利用した人・システム"] == "あなた" and mine["目的"] == "本人による自己情報の確認"
    assert mine["法令上の根拠"].startswith("個人情報保護法第69条第2項第1号") and mine["担当課"] == "—"
    assert "個人番号（下4桁のみ）" in mine["使った情報"] and "個人番号の利用の根拠" not in mine
    assert clerks["利用した人・システム"] == "市の職員" and clerks["担当課"] == "子育て支援課"
    assert clerks["目的"] == "手続「児童手当 認定請求」のための利用"
    assert clerks["使った情報"] == "氏、個人番号（マイナンバー）"  # the registry's order, not the alphabet's
    assert clerks["個人番号の利用の根拠"].startswith("番号法第9条第1項") and "s-0042" not in page.text
    assert len(entries(session, head)) == 2  # listing one's own log is not a read by someone else


def test_a_parent_lists_a_minor_childs_log_and_that_listing_is_logged_for_the_child(
        app: FastAPI, session: Session, family: Family) -> None:
    head, child = family.head.atena_number, family.minor_child.atena_number
    browser = logged_in(app, session, head)
    browser.get("/me")
    page = browser.get(f"/me/access-log/{child}")
    assert page.status_code == 200 and parse(page.text).find("h1").text == "お子さんのアクセス記録"
    [read] = articles(page.text)
    assert read["利用した人・システム"] == "あなた" and read["目的"] == "本人による自己情報の確認"
    listing = entries(session, child)[-1]
    assert (listing.actor_id, listing.purpose, listing.items) == (head, "self-view", ["access_log"])


def test_another_residents_number_in_the_url_or_query_shows_nothing_of_theirs_and_logs_nothing(
        app: FastAPI, session: Session, family: Family, hub: Hub) -> None:
    stranger = hub.person(given_name="知らない人")
    browser = logged_in(app, session, family.head.atena_number)
    for path in (f"/me/access-log/{stranger.atena_number}", "/me/access-log/0000000000"):
        answer = browser.get(path)
        assert answer.status_code == 404 and "表示できる情報が見つかりません" in answer.text
    for path in (f"/me?atena_number={stranger.atena_number}", f"/me/access-log?person={stranger.atena_number}"):
        assert browser.get(path).status_code == 200
    page = browser.get(f"/me?atena_number={stranger.atena_number}")
    assert "知らない人" not in page.text
    assert entries(session, stranger.atena_number) == []


def test_the_pages_need_a_resident_login(app: FastAPI) -> None:
    browser = TestClient(app, base_url="https://testserver", follow_redirects=False)
    for path, login in (("/me", "/login?next=%2Fme"), ("/me/access-log", "/login?next=%2Fme%2Faccess-log")):
        answer = browser.get(path)
        assert answer.status_code == 303 and answer.headers["location"] == login  # and back there once logged in


def test_the_access_log_narrows_by_purpose_department_and_period_and_pages_back(
        app: FastAPI, session: Session, family: Family, vault: Vault, purposes: PurposeRegistry) -> None:
    head = family.head.atena_number
    for _ in range(22):
        view_person(session, actor=CLERK, atena_number=head, purpose="procedure:ltc-certification",
                    purposes=purposes, vault=vault)
    view_person(session, actor=Actor.staff("s-7", "介護保険課"), atena_number=head, purpose="review:介護保険課",
                purposes=purposes, vault=vault)
    session.execute(update(AccessLogEntry).where(AccessLogEntry.subject == head, AccessLogEntry.seq <= 2)
                    .values(recorded_at=datetime(2025, 3, 31, 16, 0, tzinfo=UTC)))  # 2025-04-01 in Tokyo
    browser = logged_in(app, session, head)

    def shown(query: str) -> list[dict[str, str]]:
        page = browser.get(f"/me/access-log?{query}")
        assert page.status_code == 200
        return articles(page.text)

    first = parse(browser.get("/me/access-log").text)
    assert len(first.find_all("article")) == 20
    [older] = [a.attrs["href"] for a in first.find("nav", class_="pager").find_all("a") if a.text == "さらに古い記録"]
    assert len(articles(browser.get(older).text)) == 3
    assert [o.text for o in first.find("select", id="department").find_all("option")] == [
        "すべて", "介護保険課", "子育て支援課"]
    review = shown("kind=review")
    assert len(review) == 1 and review[0]["目的"] == "介護保険課による申請の審査"
    assert len(shown("department=%E4%BB%8B%E8%AD%B7%E4%BF%9D%E9%99%BA%E8%AA%B2")) == 1  # 介護保険課
    assert len(shown("since=2025-04-01&until=2025-04-01")) == 2
    assert len(shown("until=2025-03-31")) == 0
    assert len(shown("kind=curiosity&since=not-a-date")) == 20  # unknown values are left out
    kinds = parse(browser.get("/me/access-log?kind=procedure").text).find("select", id="kind")
    assert [o.attrs["value"] for o in kinds.find_all("option") if "selected" in o.attrs] == ["procedure"]


def test_a_logged_in_resident_missing_from_the_register_gets_a_404_page(app: FastAPI, session: Session) -> None:
    page = logged_in(app, session, "0000000000").get("/me")
    assert page.status_code == 404 and "表示できる情報が見つかりません" in page.text


def test_access_times_are_shown_in_tokyo_in_the_japanese_calendar(
        app: FastAPI, session: Session, family: Family) -> None:
    browser = logged_in(app, session, family.head.atena_number)
    browser.get("/me")  # at 10:00 on 1 June 2025 in Tokyo (01:00 UTC), as the hub fixture freezes the clock
    [read] = articles(browser.get("/me/access-log").text)
    assert read["when"] == "令和7年6月1日 10:00"
