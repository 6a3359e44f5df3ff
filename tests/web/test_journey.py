"""The resident's journey as pages, over HTTP: the demo card reader, a birth from questions to status, and refusals.

Each test runs on SQLite and on PostgreSQL (the ``session`` fixture); the
resident is the birth family's father (``guidance.households``), holding a
virtual card of the tests' card authority in the demo's card folder.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from guidance.conftest import homes, serving  # noqa: F401 - fixtures
from guidance.households import BirthFamily, Households
from intake.bundle_kit import PNG, a_card
from intake.test_bundles import authority  # noqa: F401 - the session's card authority
from madoguchi.actor import Actor
from madoguchi.catalog.directory import ServingCatalog
from madoguchi.identity.card_authority import CardAuthority
from madoguchi.identity.card_settings import CardSettings
from madoguchi.identity.card_trust import trust_of
from madoguchi.identity.virtual_card import cards_folder, revoke_cards_of, save_virtual_card
from madoguchi.intake.application_models import Draft
from madoguchi.intake.review import decide
from madoguchi.intake.status import LABELS_JA, ApplicationStatus
from madoguchi.settings import Settings
from madoguchi.vault import Vault
from madoguchi.web import rendering
from madoguchi.web.deps import get_session
from madoguchi.web.resident import get_card_trust
from madoguchi.web.sessions import session_cookie_name
from madoguchi.web.wording import status_label
from web.conftest import an_app

COOKIE = session_cookie_name("resident")
BIRTH = {"date": "2025-05-30", "q.lump_sum_direct_payment": "full", "q.lump_sum_direct_payment.asked": "1"}
"""The birth's one open question answered; the household answers the others (``answer_defaults``)."""
NAME, READING = "花", "はな"
BIRTH_CERTIFICATE = {"birth-registration/newborn/birth_time": "10:42",
                     "birth-registration/newborn/birth_place|postal_code": "0900015",
                     "birth-registration/newborn/birth_place|prefecture": "北海道",
                     "birth-registration/newborn/birth_place|city": "北見市",
                     "birth-registration/newborn/birth_place|town": "公園町",
                     "birth-registration/newborn/birth_place|block": "1",
                     "newborn-visit/newborn/birth_weight": "3120", "newborn-visit/newborn/birth_length": "49",
                     "newborn-visit/newborn/gestational_weeks": "39", "newborn.sex": "2"}
"""What the photographed paper birth certificate says, copied until digital certificates are handed over."""
CHOICES = {"birth-registration/newborn/legitimacy": "legitimate",
           "birth-registration/newborn/household_occupation": "2",
           "birth-registration/newborn/informant_role": "father",
           "child-allowance-revision/{father}/children": "newborn",
           "child-allowance-revision/{father}/reason": "birth",
           "child-medical-subsidy/newborn/insurance_kind": "nhi", "nhi-enrollment/newborn/reason": "birth"}


def form_values(family: BirthFamily, name: str = NAME, reading: str = READING) -> dict[str, str]:
    """Everything the birth's confirmation page asks, as its form fields."""
    choices = {key.format(father=family.father.atena_number): value for key, value in CHOICES.items()}
    return {f"value:{key}": value for key, value in {
        "newborn.given_name": name, "newborn.given_name_kana": reading, **BIRTH_CERTIFICATE, **choices}.items()}


@dataclass
class Browser:
    """A resident's browser on the site (https, so the session cookie is sent)."""

    http: TestClient

    def csrf(self, html: str | None = None) -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"', html or self.http.get("/").text)
        assert found is not None, "the page has no csrf_token field"
        return found.group(1)

    def log_in(self, atena: str) -> httpx.Response:
        reader = self.http.get("/demo/card-reader")
        assert reader.status_code == 200, reader.text
        return self.http.post("/demo/card-reader/logins", data={"csrf_token": self.csrf(reader.text), "card": atena},
                              follow_redirects=False)

    def start_birth(self, **fields: str) -> str:
        """Answer the birth's questions as the page offers them (its defaults kept); returns the draft's id."""
        page = self.http.get("/life-events/birth")
        answer = self.http.post("/life-events/birth/drafts", data={**as_sent(page.text), **BIRTH, **fields},
                                follow_redirects=False)
        assert answer.status_code == 303, answer.text
        found = re.fullmatch(r"/drafts/([0-9a-f-]+)/plan", answer.headers["location"])
        assert found is not None
        return found.group(1)

    def confirm(self, draft: str, values: dict[str, str]) -> httpx.Response:
        return self.http.post(f"/drafts/{draft}", data={**values, "csrf_token": self.csrf()}, follow_redirects=False)

    def attach(self, draft: str, content: bytes = PNG, media_type: str = "image/png",
               headers: dict[str, str] | None = None) -> httpx.Response:
        return self.http.post(f"/drafts/{draft}/attachments", headers=headers, follow_redirects=False, data={
            "csrf_token": self.csrf(), "procedure": "birth-registration", "subject": "newborn",
            "evidence": "birth-certificate"}, files={"file": ("certificate.png", content, media_type)})

    def submit_birth(self, family: BirthFamily) -> str:
        """The whole birth, confirmed and signed; returns the bundle's reference."""
        draft = self.start_birth()
        assert self.attach(draft).status_code == 303
        values = form_values(family)
        confirmed = self.confirm(draft, values)
        assert confirmed.status_code == 307, confirmed.text  # on to the card, the form as it was
        assert confirmed.headers["location"] == "/demo/card-reader/signatures"
        signed = self.http.post(confirmed.headers["location"], follow_redirects=False,
                                data={**values, "draft": draft, "csrf_token": self.csrf()})
        assert signed.status_code == 303, signed.text
        found = re.fullmatch(r"/bundles/([0-9-]+)\?submitted=1", signed.headers["location"])
        assert found is not None
        return found.group(1)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'unused.db'}", keys_file=tmp_path / "keys.json",
                    checkpoint_interval_seconds=0, demo_cards=True)


@pytest.fixture
def app(tmp_path: Path, engine: Engine, session: Session, vault: Vault, serving: ServingCatalog,  # noqa: F811
        authority: CardAuthority, settings: Settings) -> FastAPI:  # noqa: F811
    app = an_app(tmp_path, engine, vault, serving.purposes)
    app.state.settings = settings

    def request_session() -> Iterator[Session]:
        with session.begin_nested():
            yield session

    app.dependency_overrides[get_session] = request_session
    app.dependency_overrides[get_card_trust] = lambda: trust_of(authority)
    return app


@pytest.fixture
def family(session: Session, vault: Vault, serving: ServingCatalog, authority: CardAuthority,  # noqa: F811
           homes: Households, settings: Settings) -> BirthFamily:  # noqa: F811
    """The birth family; the father and the mother hold demo cards."""
    found = homes.birth_family()
    for parent in (found.father, found.mother):
        save_virtual_card(a_card(session, vault, serving, authority, parent.atena_number), cards_folder(settings))
    return found


def a_browser(app: FastAPI) -> Browser:
    return Browser(TestClient(app, base_url="https://testserver", raise_server_exceptions=False))


@pytest.fixture
def father(app: FastAPI, family: BirthFamily) -> Browser:
    """The father's browser, logged in with his card through the demo reader."""
    browser = a_browser(app)
    assert browser.log_in(family.father.atena_number).status_code == 303
    return browser


@pytest.fixture
def mother(app: FastAPI, family: BirthFamily) -> Browser:
    browser = a_browser(app)
    assert browser.log_in(family.mother.atena_number).status_code == 303
    return browser


def as_sent(html: str) -> dict[str, str]:
    """What a browser sends of a page's form as it stands: hidden fields and the options checked."""
    sent = {}
    for tag in re.findall(r"<input [^>]*>", html):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and value and ('type="hidden"' in tag or " checked" in tag):
            sent[name.group(1)] = value.group(1)
    return sent


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# The demo card reader


def test_the_card_reader_lists_the_demo_cards_and_says_it_is_a_demo(app: FastAPI, family: BirthFamily) -> None:
    page = a_browser(app).http.get("/demo/card-reader")

    assert page.status_code == 200
    assert "佐藤　健一" in page.text and "佐藤　陽子" in page.text
    assert "デモ" in text_of(page.text)
    assert 'class="demo-banner"' in page.text


def test_reading_a_card_logs_its_resident_in_with_a_fresh_session(app: FastAPI, family: BirthFamily) -> None:
    browser = a_browser(app)
    browser.http.cookies.set(COOKIE, "planted-session-id", domain="testserver.local")
    answer = browser.log_in(family.father.atena_number)

    assert answer.status_code == 303 and answer.headers["location"] == "/"
    assert browser.http.cookies.get(COOKIE) not in (None, "planted-session-id")
    home = browser.http.get("/")
    assert "出生" in home.text and "ログアウト" in home.text
    assert 'href="/life-events/birth"' in home.text
    assert 'href="/life-events/move-in"' not in home.text  # a move-in's people are not in the hub: at the counter


def test_a_revoked_card_is_refused_and_no_session_opens(app: FastAPI, family: BirthFamily, session: Session,
                                                        authority: CardAuthority) -> None:  # noqa: F811
    revoke_cards_of(session, actor=Actor.operator("card-office"), authority=authority,
                    atena_number=family.father.atena_number)
    app.dependency_overrides[get_card_trust] = lambda: trust_of(authority)  # the CRL as it is now
    browser = a_browser(app)
    answer = browser.log_in(family.father.atena_number)

    assert answer.status_code in (403, 401)
    assert browser.http.cookies.get(COOKIE) is None
    assert browser.http.get("/life-events/birth", follow_redirects=False).headers["location"] == (
        "/login?next=%2Flife-events%2Fbirth")


def test_the_card_reader_is_not_there_unless_the_setting_turns_it_on(app: FastAPI, family: BirthFamily,
                                                                     settings: Settings) -> None:
    app.state.settings = settings.model_copy(update={"demo_cards": False})
    browser = a_browser(app)

    assert browser.http.get("/demo/card-reader").status_code == 404
    assert browser.http.post("/demo/card-reader/logins", data={"card": family.father.atena_number}).status_code == 404
    assert browser.http.post("/demo/card-reader/signatures", data={"draft": "x"}).status_code == 404
    login = browser.http.get("/login")
    assert "/demo/card-reader" not in login.text and "demo-banner" not in login.text


def test_the_card_reader_stays_off_where_a_real_card_authority_is_configured(
        app: FastAPI, family: BirthFamily, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rendering, "get_card_settings", lambda: CardSettings(trust_dir=tmp_path))

    assert a_browser(app).http.get("/demo/card-reader").status_code == 404


def test_a_card_the_demo_does_not_hold_is_refused(app: FastAPI, family: BirthFamily) -> None:
    browser = a_browser(app)
    reader = browser.http.get("/demo/card-reader")
    for card in ("0000000000", "../keys"):
        answer = browser.http.post("/demo/card-reader/logins", data={"csrf_token": browser.csrf(reader.text),
                                                                    "card": card})
        assert answer.status_code == 404
    assert browser.http.cookies.get(COOKIE) is None


# Logged out


def test_the_home_page_says_what_madoguchi_is_and_offers_the_card_login(app: FastAPI) -> None:
    home = a_browser(app).http.get("/")

    assert home.status_code == 200
    assert '<html lang="ja">' in home.text
    assert "マイナンバーカードでログイン" in home.text and 'href="/login"' in home.text
    assert "City procedures on your smartphone" in home.text  # for a resident who reads no Japanese


def test_a_life_event_chosen_logged_out_asks_for_the_card_and_then_goes_on_to_it(app: FastAPI,
                                                                                  family: BirthFamily) -> None:
    browser = a_browser(app)
    assert 'href="/life-events/birth"' in browser.http.get("/").text

    asked = browser.http.get("/life-events/birth", follow_redirects=False)
    assert asked.status_code == 303 and asked.headers["location"] == "/login?next=%2Flife-events%2Fbirth"
    assert 'href="/demo/card-reader?next=%2Flife-events%2Fbirth"' in browser.http.get(asked.headers["location"]).text
    reader = browser.http.get("/demo/card-reader", params={"next": "/life-events/birth"})
    assert 'name="next" value="/life-events/birth"' in reader.text
    logged_in = browser.http.post("/demo/card-reader/logins", follow_redirects=False, data={
        "csrf_token": browser.csrf(reader.text), "card": family.father.atena_number, "next": "/life-events/birth"})
    assert logged_in.status_code == 303 and logged_in.headers["location"] == "/life-events/birth"
    assert 'name="q.lump_sum_direct_payment"' in browser.http.get("/life-events/birth").text
    assert browser.http.get("/login", params={"next": "/life-events/birth"},
                            follow_redirects=False).headers["location"] == "/life-events/birth"  # logged in


@pytest.mark.parametrize("elsewhere", ["//elsewhere.example/", "/\\elsewhere.example", "/\t/elsewhere.example",
                                       "https://elsewhere.example/", "life-events/birth"])
def test_a_login_never_sends_the_browser_off_the_site(app: FastAPI, family: BirthFamily, elsewhere: str) -> None:
    browser = a_browser(app)
    assert 'href="/demo/card-reader"' in browser.http.get("/login", params={"next": elsewhere}).text
    reader = browser.http.get("/demo/card-reader", params={"next": elsewhere})
    assert 'name="next" value="/"' in reader.text
    logged_in = browser.http.post("/demo/card-reader/logins", follow_redirects=False, data={
        "csrf_token": browser.csrf(reader.text), "card": family.father.atena_number, "next": elsewhere})

    assert logged_in.status_code == 303 and logged_in.headers["location"] == "/"
    assert browser.http.get("/login", params={"next": elsewhere}, follow_redirects=False).headers["location"] == "/"


def test_the_pages_switch_to_english_and_back(app: FastAPI) -> None:
    http = a_browser(app).http
    switched = http.get("/language/en", params={"next": "/login"}, follow_redirects=False)

    assert switched.status_code == 303 and switched.headers["location"] == "/login"
    login = http.get("/login")
    assert '<html lang="en">' in login.text and "Log in with your My Number card" in login.text
    assert http.get("/language/en", params={"next": "//elsewhere.example/"},
                    follow_redirects=False).headers["location"] == "/"
    http.get("/language/ja")
    assert "マイナンバーカードでログイン" in http.get("/login").text


# The journey


def test_only_the_question_the_household_cannot_answer_is_asked(father: Browser, family: BirthFamily) -> None:
    page = father.http.get("/life-events/birth")

    assert page.status_code == 200
    asked, _, confirmed = page.text.partition('id="defaults-heading"')
    assert 'name="q.lump_sum_direct_payment"' in asked  # the hospital's bill: no record holds it
    for question in ("mother", "father", "claimant", "claimant_public_servant", "single_parent"):
        assert f'name="q.{question}"' in confirmed and f'name="q.{question}"' not in asked
    assert re.search(rf'value="{family.mother.atena_number}" checked', confirmed)  # the mother: 妻, the woman
    assert "すでに世帯の児童手当を受け取っている" in confirmed  # the claimant: the father, already paid
    assert "国民健康保険に加入している" in confirmed  # no public servant


def test_an_unanswered_question_is_asked_again_next_to_itself(father: Browser) -> None:
    page = father.http.get("/life-events/birth")
    answer = father.http.post("/life-events/birth/drafts", data={
        "date": "", "q.lump_sum_direct_payment.asked": "1", "csrf_token": father.csrf(page.text)})

    assert answer.status_code == 422
    assert re.search(r'aria-describedby="q-lump_sum_direct_payment-error', answer.text)
    assert "この質問に答えてください" in answer.text
    assert 'aria-describedby="event-date-error"' in answer.text


def test_the_plan_lists_each_procedure_with_its_reason_department_and_deadline(father: Browser) -> None:
    plan = father.http.get(f"/drafts/{father.start_birth()}/plan")

    assert plan.status_code == 200
    assert plan.text.count('class="procedure"') == 5
    for name, department, deadline in (("出生届", "市民課", "令和7年6月12日"),
                                       ("国民健康保険 加入届", "保険年金課", "令和7年6月13日"),
                                       ("児童手当 額改定認定請求", "子育て支援課", "令和7年6月16日")):
        assert name in plan.text and department in plan.text and deadline in plan.text
    assert "出生届が必要です" in plan.text
    assert "マイナンバー（個人番号）の通知" in plan.text  # what needs no procedure


def test_the_confirmation_shows_prefilled_values_with_their_source_and_masks_my_numbers(father: Browser) -> None:
    page = father.http.get(f"/drafts/{father.start_birth()}")

    assert page.status_code == 200
    assert "北海道北見市北進町2丁目5-8" in page.text
    assert "住民記録（令和7年5月31日時点）" in page.text
    assert "••••0116" in page.text and "000000000116" not in page.text  # the head's My Number, even where unsealed
    assert "内容が違うときは" in page.text and "保険年金課" in page.text
    assert 'name="value:newborn.given_name"' in page.text
    assert page.text.count('name="value:newborn.given_name"') == 1  # a shared value is asked once
    assert 'name="value:applicant.address' not in page.text  # what the hub gave is not an input


def test_a_value_is_kept_as_it_is_given_and_a_wrong_one_is_refused_next_to_its_field(father: Browser) -> None:
    draft = father.start_birth()
    kept = father.http.post(f"/drafts/{draft}/values", headers={"X-CSRF-Token": father.csrf(), "HX-Request": "true"},
                            data={"key": "newborn.given_name", "value:newborn.given_name": NAME})
    wrong = father.http.post(f"/drafts/{draft}/values", headers={"X-CSRF-Token": father.csrf(), "HX-Request": "true"},
                             data={"key": "newborn.given_name_kana", "value:newborn.given_name_kana": "Hana"})

    assert kept.status_code == 200 and "保存しました" in kept.text and "<html" not in kept.text
    assert wrong.status_code == 200 and "カタカナで入力してください" in wrong.text
    status = re.search(r'<div class="field-status" id="(input-\d+)-status" role="status">', wrong.text)
    assert status is not None and 'name="value:' not in wrong.text  # only the status: nothing being typed is lost
    page = father.http.get(f"/drafts/{draft}").text
    field = re.search(rf'<input id="{status.group(1)}-value"[^>]*>', page)
    assert field is not None and f'aria-describedby="{status.group(1)}-status {status.group(1)}-why"' in field.group(0)
    assert f'value="{NAME}"' in page  # there when the resident comes back


def test_confirming_with_values_missing_lists_them_and_keeps_the_others(father: Browser, family: BirthFamily) -> None:
    draft = father.start_birth()
    answer = father.confirm(draft, {"value:newborn.given_name": NAME})

    assert answer.status_code == 422
    assert 'class="error-summary"' in answer.text and "添付してください" in answer.text
    assert "入力してください" in answer.text
    assert f'value="{NAME}"' in answer.text


def test_a_file_that_is_no_photo_or_pdf_is_refused(father: Browser) -> None:
    draft = father.start_birth()
    refused = father.attach(draft, b"MZ\x90\x00 not an image", "image/png", headers={"HX-Request": "true"})
    attached = father.attach(draft, headers={"HX-Request": "true"})

    assert refused.status_code == 200 and "添付できません" in refused.text
    assert attached.status_code == 200 and "添付しました: certificate.png" in attached.text


def test_a_birth_is_signed_with_the_card_and_followed_on_its_status_page(father: Browser, family: BirthFamily) -> None:
    reference = father.submit_birth(family)
    status = father.http.get(f"/bundles/{reference}?submitted=1")

    assert status.status_code == 200
    assert "申請を受け付けました" in status.text and reference in status.text
    assert status.text.count('class="application"') == 5
    assert status.text.count(LABELS_JA[ApplicationStatus.RECEIVED]) >= 5
    assert f'href="/bundles/{reference}/receipt"' in status.text
    assert 'hx-trigger="every 15s"' in status.text
    polled = father.http.get(f"/bundles/{reference}", headers={"HX-Request": "true"})
    assert polled.text.lstrip().startswith('<div id="statuses"')
    home = father.http.get("/")
    assert reference in home.text
    assert father.http.get(f"/drafts/{father.start_birth()}").status_code == 200  # the home lists a new draft


def test_without_the_demo_reader_the_confirmation_goes_to_the_page_that_says_how_the_card_signs(
        app: FastAPI, father: Browser, family: BirthFamily, settings: Settings) -> None:
    draft = father.start_birth()
    assert father.attach(draft).status_code == 303
    app.state.settings = settings.model_copy(update={"demo_cards": False})
    confirmed = father.confirm(draft, form_values(family))

    assert confirmed.status_code == 303 and confirmed.headers["location"] == f"/drafts/{draft}/signature"
    page = father.http.get(confirmed.headers["location"])
    assert page.status_code == 200 and "/api/v1/bundles" in page.text and "/demo/card-reader" not in page.text


def test_a_correction_asks_only_the_fields_sent_back(father: Browser, family: BirthFamily, session: Session) -> None:
    reference = father.submit_birth(family)
    page = father.http.get(f"/bundles/{reference}")
    nhi = re.search(r"国民健康保険 加入届</h3>.*?class=\"reference\">([0-9-]+)<", page.text, re.S)
    assert nhi is not None
    insurance = Actor.system("nhi-system", "insurance-pension")
    decide(session, actor=insurance, reference=nhi.group(1), status=ApplicationStatus.NEEDS_CORRECTION,
           reason="お子さんの名の読みをご確認ください", fields=["insured_given_name_kana"])

    asked = father.http.get(f"/bundles/{reference}")
    assert "お子さんの名の読みをご確認ください" in asked.text
    assert 'name="value:insured_given_name_kana"' in asked.text
    assert asked.text.count('name="value:') == 1
    action = f"/bundles/{reference}/applications/{nhi.group(1)}/correction"
    wrong = father.http.post(action, data={"csrf_token": father.csrf(), "value:insured_given_name_kana": ""})
    assert wrong.status_code == 422 and "入力してください" in wrong.text
    fixed = father.http.post(action, data={"csrf_token": father.csrf(), "value:insured_given_name_kana": "ハナ"},
                             follow_redirects=False)
    assert fixed.status_code == 303
    assert "補正を担当課に送りました" in father.http.get(fixed.headers["location"]).text


def test_the_pages_are_in_english_when_the_resident_chooses_it(father: Browser) -> None:
    father.http.get("/language/en")
    draft = father.start_birth()

    plan = father.http.get(f"/drafts/{draft}/plan")
    assert '<html lang="en">' in plan.text and "Your procedures" in plan.text
    assert "Birth registration" in plan.text or "birth must be registered" in plan.text  # the catalog's English
    assert "June 12, 2025" in plan.text


# Refusals


def test_another_residents_draft_or_bundle_is_not_found_on_every_route(father: Browser, mother: Browser,
                                                                       family: BirthFamily) -> None:
    draft = father.start_birth()
    reference = father.submit_birth(family)
    other_draft = father.start_birth()
    application = re.search(r'class="reference">([0-9-]+)<', father.http.get(f"/bundles/{reference}").text)
    assert application is not None
    token = mother.csrf()
    csrf = {"X-CSRF-Token": token}
    for method, url, data in (
            ("GET", f"/drafts/{other_draft}/plan", None), ("GET", f"/drafts/{other_draft}", None),
            ("POST", f"/drafts/{other_draft}", {"csrf_token": token}),
            ("POST", f"/drafts/{other_draft}/values", {"key": "newborn.given_name"}),
            ("POST", f"/drafts/{other_draft}/attachments", {"csrf_token": token, "procedure": "birth-registration"}),
            ("GET", f"/drafts/{other_draft}/signature", None),
            ("POST", "/demo/card-reader/signatures", {"csrf_token": token, "draft": other_draft}),
            ("GET", f"/drafts/{draft}", None),
            ("GET", f"/bundles/{reference}", None),
            ("POST", f"/bundles/{reference}/applications/{application.group(1)}/correction", {"csrf_token": token}),
            ("GET", f"/bundles/{reference}/receipt", None)):
        answer = mother.http.request(method, url, data=data, headers=csrf)
        assert answer.status_code == 404, (method, url, answer.status_code)
        assert "佐藤　健一" not in answer.text and reference not in answer.text.replace(url, "")


def test_script_the_resident_types_is_shown_as_text(father: Browser, session: Session) -> None:
    draft = father.start_birth()
    headers = {"X-CSRF-Token": father.csrf(), "HX-Request": "true"}
    fragment = father.http.post(f"/drafts/{draft}/values", headers=headers, data={
        "key": "newborn.given_name", "value:newborn.given_name": "<script>"})
    staying = "newborn-visit/newborn/staying_address"
    father.http.post(f"/drafts/{draft}/values", headers=headers, data={
        "key": staying, f"value:{staying}": "<script>alert(1)</script>"})
    page = father.http.get(f"/drafts/{draft}")

    assert "<script" not in fragment.text
    assert 'value="&lt;script&gt;"' in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert len(re.findall(r"<script", page.text)) == 1  # the site's own htmx, nothing else
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_a_session_cookie_used_after_logout_gets_the_login_page(father: Browser) -> None:
    stolen = father.http.cookies.get(COOKIE)
    logged_out = father.http.post("/logout", data={"csrf_token": father.csrf()}, follow_redirects=False)
    assert logged_out.status_code == 303 and logged_out.headers["location"] == "/login?reason=logged-out"

    for path, login in (("/", "/login?reason=expired"),
                        ("/life-events/birth", "/login?reason=expired&next=%2Flife-events%2Fbirth")):
        thief = a_browser(father.http.app)  # type: ignore[arg-type]
        thief.http.cookies.set(COOKIE, stolen or "", domain="testserver.local")
        replayed = thief.http.get(path, follow_redirects=False)
        assert replayed.status_code == 303 and replayed.headers["location"] == login
    assert "ログインし直してください" in a_browser(father.http.app).http.get(  # type: ignore[arg-type]
        "/login?reason=expired").text


def test_a_forged_csrf_token_is_refused(father: Browser, session: Session) -> None:
    drafts = select(func.count()).select_from(Draft)
    before = session.scalar(drafts)
    forged = father.http.post("/life-events/birth/drafts", data={
        **as_sent(father.http.get("/life-events/birth").text), **BIRTH, "csrf_token": "forged"})
    assert forged.status_code == 403 and "有効期限" in forged.text
    assert session.scalar(drafts) == before

    draft = father.start_birth()
    value = {"key": "newborn.given_name", "value:newborn.given_name": NAME}
    assert father.http.post(f"/drafts/{draft}/values", data=value).status_code == 403
    assert father.http.post(f"/drafts/{draft}/values", headers={"X-CSRF-Token": "forged"}, data=value).status_code == 403
    assert f'value="{NAME}"' not in father.http.get(f"/drafts/{draft}").text
    logout = father.http.post("/logout", data={"csrf_token": "forged"}, follow_redirects=False)
    assert logout.status_code == 403 and father.http.get("/life-events/birth").status_code == 200


def test_a_draft_past_its_day_is_not_taken_up_again(father: Browser, session: Session) -> None:
    draft = father.start_birth()
    row = session.scalar(select(Draft).where(Draft.draft_id == uuid.UUID(draft)))
    assert row is not None
    row.expires_at = row.created_at
    session.flush()

    expired = father.http.get(f"/drafts/{draft}")
    assert expired.status_code == 410 and "もう一度" in expired.text
    assert draft not in father.http.get("/").text



# The words


WEB = Path(__file__).parents[2] / "src" / "madoguchi" / "web"
MODULES = ("i18n", "answer_defaults", "question_page", "confirmation_page", "status_page", "wording", "journey",
           "demo_card", "rendering", "pages")


def test_every_message_of_the_resident_pages_has_its_japanese() -> None:
    keywords = {**DEFAULT_KEYWORDS, "N_": None, "gettext": (2,)}
    found: set[str] = set()
    for path in [*(WEB / f"{m}.py" for m in MODULES), *(WEB / "templates" / "journey").glob("*.html")]:
        method = "python" if path.suffix == ".py" else "jinja2"
        for _, message, _, _ in extract_from_file(method, str(path), keywords=keywords,
                                                  options={"extensions": "jinja2.ext.i18n"}):
            found.add(message[0] if isinstance(message, tuple) else message)
    with (WEB / "locale" / "ja" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    untranslated = sorted(m for m in found if not (catalog.get(m) and catalog.get(m).string))
    assert len(found) > 150 and not untranslated


def test_statuses_say_in_japanese_what_the_intake_calls_them() -> None:
    for status, label in LABELS_JA.items():
        assert status_label(status.value, "ja") == label
