"""The back office's pages for applications: the inbox, one application with its sources, decisions by role."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from backoffice.factories import PASSWORD, a_staff_member, cheap_hashing
from guidance.conftest import homes, serving  # noqa: F401 - the hub's households, the shipped catalog
from guidance.households import Households
from intake.bundle_kit import PNG, Resident, birth_answers, birth_family_with_cards, birth_values
from intake.test_bundles import authority  # noqa: F401 - the session's card authority
from madoguchi import clock
from madoguchi.catalog.directory import ServingCatalog
from madoguchi.identity.card_authority import CardAuthority
from madoguchi.intake.application_models import Application
from madoguchi.intake.tracking import bundle_status
from madoguchi.registry.access_models import AccessLogEntry
from madoguchi.vault import Vault
from madoguchi.web import backoffice_application_pages
from madoguchi.web.deps import get_session

from .conftest import an_app
from .staff_browser import a_browser, csrf_token, log_in

PENSION = "insurance-pension"


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)


@pytest.fixture
def app(tmp_path: Path, engine: Engine, session: Session, vault: Vault,
        serving: ServingCatalog) -> FastAPI:  # noqa: F811
    app = an_app(tmp_path, engine, vault, serving.purposes)

    def request_session() -> Iterator[Session]:
        with session.begin_nested():
            yield session

    app.dependency_overrides[get_session] = request_session
    return app


@dataclass
class Submitted:
    """A birth bundle the father submitted, its applications by department."""

    father: Resident
    reference: str
    applications: list[dict[str, Any]]

    def of(self, department: str) -> list[str]:
        return [a["reference"] for a in self.applications if a["department"] == department]

    def one(self, department: str, procedure: str) -> str:
        [reference] = [a["reference"] for a in self.applications
                       if a["department"] == department and a["procedure"] == procedure]
        return reference


@pytest.fixture
def submitted(session: Session, vault: Vault, serving: ServingCatalog, authority: CardAuthority,  # noqa: F811
              homes: Households) -> Submitted:  # noqa: F811
    family, father, _ = birth_family_with_cards(session, vault, serving, authority, homes)
    draft = father.draft(**birth_answers(family))  # type: ignore[arg-type]
    father.attach(draft, "birth-registration", "birth-certificate")
    receipt = father.submit(draft.draft_id, birth_values(draft.filled["inputs"]))
    return Submitted(father, receipt.reference, receipt.applications)


def staff_browser(app: FastAPI, session: Session, login: str, department: str = PENSION,
                  role: str = "reviewer") -> TestClient:
    a_staff_member(session, login=login, department=department, role=role)
    browser = a_browser(app)
    assert log_in(browser, login, PASSWORD).status_code == 303
    return browser


def status_of(session: Session, reference: str) -> str:
    return session.scalars(select(Application.status).where(Application.reference == reference)).one()


def log_size(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AccessLogEntry)) or 0


def decide(browser: TestClient, reference: str, **form: str | list[str]) -> Any:
    page = browser.get(f"/backoffice/applications/{reference}")
    return browser.post(f"/backoffice/applications/{reference}/decisions", follow_redirects=False,
                        data={"csrf_token": csrf_token(page.text), **form})


def test_the_inbox_lists_the_departments_applications_and_no_others(
        app: FastAPI, session: Session, submitted: Submitted) -> None:
    browser = staff_browser(app, session, "sato")
    before = log_size(session)
    page = browser.get("/backoffice/")
    assert page.status_code == 200
    listed = re.findall(r'href="/backoffice/applications/([0-9-]+)"', page.text)
    assert listed == submitted.of(PENSION) and listed
    assert not set(listed) & {a["reference"] for a in submitted.applications if a["department"] != PENSION}
    nhi = submitted.one(PENSION, "nhi-enrollment")
    row = re.search(rf"<tr>\s*<th scope=\"row\"><a [^>]*>{nhi}</a></th>(.*?)</tr>", page.text, re.S)
    assert row is not None
    cells = re.findall(r"<td>(.*?)</td>", row.group(1), re.S)
    assert cells == ["国民健康保険 加入届", "新生児", "令和7年6月1日 10時00分", "令和7年6月13日", "受付済み"]
    for header in ("受付番号", "手続", "対象", "受付日時", "期限", "状態"):
        assert f'<th scope="col">{header}</th>' in page.text
    assert log_size(session) == before  # the list reads no personal data


def test_the_inbox_marks_a_deadline_near_or_past_in_words(
        app: FastAPI, session: Session, submitted: Submitted) -> None:
    clock.freeze(datetime(2025, 6, 12, 9, 0, tzinfo=clock.TOKYO))
    near = staff_browser(app, session, "sato").get("/backoffice/")
    assert '<strong class="deadline-near">期限まであと1日</strong>' in near.text
    clock.freeze(datetime(2025, 6, 15, 9, 0, tzinfo=clock.TOKYO))
    past = staff_browser(app, session, "suzuki").get("/backoffice/")
    assert '<strong class="deadline-past">期限超過（2日）</strong>' in past.text


def test_the_inbox_shows_the_open_applications_by_default_and_filters_by_status(
        app: FastAPI, session: Session, submitted: Submitted) -> None:
    browser = staff_browser(app, session, "sato", role="manager")
    nhi = submitted.one(PENSION, "nhi-enrollment")
    assert decide(browser, nhi, status="accepted").status_code == 303
    assert nhi not in browser.get("/backoffice/").text
    assert nhi in browser.get("/backoffice/", params={"status": "accepted"}).text
    assert nhi in browser.get("/backoffice/", params={"status": "all"}).text
    nothing = browser.get("/backoffice/", params={"status": "rejected"})
    assert "不受理の申請はありません" in nothing.text and "<table" not in nothing.text
    assert nhi not in browser.get("/backoffice/", params={"status": "no-such-status"}).text  # the default


def test_the_inbox_pages_through_the_applications_in_arrival_order(
        app: FastAPI, session: Session, submitted: Submitted, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backoffice_application_pages, "PAGE_SIZE", 1)
    browser = staff_browser(app, session, "tanaka", department="child-support")
    mine = submitted.of("child-support")
    assert len(mine) >= 2
    seen: list[str] = []
    path: str | None = "/backoffice/"
    while path is not None:
        page = browser.get(path)
        seen += re.findall(r'href="/backoffice/applications/([0-9-]+)"', page.text)
        found = re.search(r'href="(/backoffice/\?status=open&amp;after=\d+)" rel="next"', page.text)
        path = found.group(1).replace("&amp;", "&") if found else None
    assert seen == mine


def test_an_application_shows_each_value_with_its_source_and_the_open_is_logged(
        app: FastAPI, session: Session, submitted: Submitted) -> None:
    browser = staff_browser(app, session, "sato")
    nhi = submitted.one(PENSION, "nhi-enrollment")
    before = log_size(session)
    page = browser.get(f"/backoffice/applications/{nhi}")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"

    def row(field: str) -> str:
        found = re.search(rf'<tr id="field-{field}"[^>]*>(.*?)</tr>', page.text, re.S)
        assert found is not None, field
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()

    assert row("insured_family_name") == "加入するかたの氏 佐藤 住民記録 令和7年5月31日時点 出生届と共通"
    assert row("insured_given_name") == "加入するかたの名 花 申請者が入力"
    assert row("insured_birth_date") == "加入するかたの生年月日 令和7年5月30日 届け出たできごとの日"
    # The householder's My Number is in the page, folded behind 表示.
    assert row("householder_my_number") == "世帯主の個人番号 ••••0116 表示 000000000116 住民記録 令和7年5月31日時点"
    assert '<details class="concealed">' in page.text
    assert "madoguchi demo JPKI CA" in page.text and "証明書のシリアル番号" in page.text
    assert "受付済み" in page.text and "申請者" in page.text

    assert log_size(session) == before + 1
    entry = session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id.desc())).first()
    assert entry is not None
    assert (entry.purpose, entry.actor_kind, entry.actor_id, entry.department, entry.subject) == (
        "review:insurance-pension", "staff", "sato", PENSION, submitted.father.atena)


def test_another_departments_reference_answers_the_not_found_page_and_reads_nothing(
        app: FastAPI, session: Session, submitted: Submitted) -> None:
    browser = staff_browser(app, session, "suzuki", department="citizens", role="manager")
    nhi = submitted.one(PENSION, "nhi-enrollment")
    before = log_size(session)
    page = browser.get(f"/backoffice/applications/{nhi}")
    assert page.status_code == 404 and "申請が見つかりません" in page.text and "市民課" in page.text
    assert "佐藤" not in page.text
    token = csrf_token(browser.get("/backoffice/").text)
    refused = browser.post(f"/backoffice/applications/{nhi}/decisions", follow_redirects=False,
                           data={"csrf_token": token, "status": "rejected", "reason": "他課の申請"})
    assert refused.status_code == 404
    assert browser.get(f"/backoffice/applications/{nhi}/attachments/anything").status_code == 404
    assert browser.get("/backoffice/applications/0000-0000-0000").status_code == 404
    assert log_size(session) == before and status_of(session, nhi) == "received"


def test_a_reviewer_sends_an_application_back_and_the_resident_sees_the_reason_and_the_field(
        app: FastAPI, session: Session, submitted: Submitted) -> None:
    browser = staff_browser(app, session, "sato")
    nhi = submitted.one(PENSION, "nhi-enrollment")
    started = decide(browser, nhi, status="in_review")
    assert (started.status_code, started.headers["location"]) == (
        303, f"/backoffice/applications/{nhi}?done=in_review")
    sent = decide(browser, nhi, status="needs_correction", reason="お子さんの名のフリガナをご確認ください",
                  fields=["insured_given_name_kana"])
    assert sent.status_code == 303
    page = browser.get(sent.headers["location"])
    assert "補正依頼を送りました" in page.text
    assert '<dd class="status">補正依頼</dd>' in page.text
    assert '<tr id="field-insured_given_name_kana" class="to-fix">' in page.text

    [seen] = [a for a in bundle_status(session, actor=submitted.father.actor, reference=submitted.reference)[
        "applications"] if a["reference"] == nhi]
    assert seen["status"] == "needs_correction"
    assert seen["correction"]["reason"] == "お子さんの名のフリガナをご確認ください"
    assert seen["correction"]["fields"] == ["insured_given_name_kana"]
    assert [h["by"] for h in seen["history"]] == ["resident", "staff", "staff"]


def test_a_reviewer_may_not_reject_and_the_page_says_why(
        app: FastAPI, session: Session, submitted: Submitted) -> None:
    browser = staff_browser(app, session, "sato")
    nhi = submitted.one(PENSION, "nhi-enrollment")
    page = browser.get(f"/backoffice/applications/{nhi}")
    assert "「不受理」は管理者が決定します。" in page.text and 'value="rejected"' not in page.text
    refused = decide(browser, nhi, status="rejected", reason="要件を満たしません")
    assert refused.status_code == 403
    assert '<a href="#action-rejected">「不受理」は管理者が決定します。' in refused.text
    assert '<p class="field-error">「不受理」は管理者が決定します。' in refused.text
    assert status_of(session, nhi) == "received"

    manager = staff_browser(app, session, "yamada", role="manager")
    assert 'value="rejected"' in manager.get(f"/backoffice/applications/{nhi}").text
    assert decide(manager, nhi, status="rejected", reason="要件を満たしません").status_code == 303
    assert status_of(session, nhi) == "rejected"


def test_a_refused_decision_shows_why_by_its_form_keeps_what_was_typed_and_changes_nothing(
        app: FastAPI, session: Session, submitted: Submitted) -> None:
    browser = staff_browser(app, session, "sato")
    nhi = submitted.one(PENSION, "nhi-enrollment")
    no_field = decide(browser, nhi, status="needs_correction", reason="ご確認ください")
    assert no_field.status_code == 422
    assert ('<p id="error-needs_correction" class="field-error">'
            "補正してもらう項目を1つ以上選んでください。</p>") in no_field.text
    assert '<div class="error-summary" role="alert">' in no_field.text
    assert ">ご確認ください</textarea>" in no_field.text and 'aria-invalid="true"' in no_field.text
    no_reason = decide(browser, nhi, status="needs_correction", reason=" ", fields=["phone"])
    assert no_reason.status_code == 422 and "理由を入力してください" in no_reason.text
    assert 'id="fix-phone" name="fields" value="phone" checked' in no_reason.text
    assert status_of(session, nhi) == "received"

    assert decide(browser, nhi, status="accepted").status_code == 303
    page = browser.get(f"/backoffice/applications/{nhi}")
    assert "ここからの操作はありません" in page.text
    late = browser.post(f"/backoffice/applications/{nhi}/decisions", follow_redirects=False,
                        data={"csrf_token": csrf_token(page.text), "status": "in_review"})
    assert late.status_code == 409 and "いまの状態では、この操作はできません" in late.text
    assert status_of(session, nhi) == "accepted"


def test_a_decision_without_the_sessions_csrf_token_is_refused(
        app: FastAPI, session: Session, submitted: Submitted) -> None:
    browser = staff_browser(app, session, "sato")
    nhi = submitted.one(PENSION, "nhi-enrollment")
    refused = browser.post(f"/backoffice/applications/{nhi}/decisions", follow_redirects=False,
                           data={"csrf_token": "forged", "status": "accepted"})
    assert refused.status_code == 403 and status_of(session, nhi) == "received"


def test_an_attachment_is_sent_as_the_resident_handed_it_over(
        app: FastAPI, session: Session, submitted: Submitted) -> None:
    browser = staff_browser(app, session, "suzuki", department="citizens")
    registration = submitted.one("citizens", "birth-registration")
    page = browser.get(f"/backoffice/applications/{registration}")
    [link] = re.findall(rf'href="(/backoffice/applications/{registration}/attachments/[^"]+)">photo.png</a>',
                        page.text)
    assert "出生証明書" in page.text and "必須" in page.text
    sent = browser.get(link)
    assert sent.status_code == 200 and sent.content == PNG
    assert sent.headers["content-type"] == "image/png" and sent.headers["x-content-type-options"] == "nosniff"
    assert sent.headers["content-disposition"].startswith("attachment; filename=")
    assert sent.headers["cache-control"] == "no-store"
