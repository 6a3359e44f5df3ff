"""A birth, end to end in Chromium at 360 × 800: the demo card login, the questions, the plan, the one
confirmation, the card signature, and the status page.

The father of the birth family (``guidance.households``) holds a virtual card
of a card authority made a year before the tests' today; the site's clock is
frozen at that today. He types the child's name and its reading; the birth
certificate is photographed and attached, and — until digital certificates are
handed over on this page — what it says is copied from it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from guidance.households import BirthFamily, Households
from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.db.engine import transaction
from madoguchi.identity.card_authority import CardAuthority, authority_folder
from madoguchi.identity.virtual_card import cards_folder, issue_card_for_resident, save_virtual_card
from registry.factories import TODAY, Hub

from .conftest import LiveSite

pytestmark = pytest.mark.browser

REFERENCE = re.compile(r"^\d{4}-\d{4}-\d{4}$")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
"""A photo of the paper birth certificate, as far as the intake checks."""


@dataclass(frozen=True)
class DemoCity:
    site: LiveSite
    family: BirthFamily


@pytest.fixture
def demo_city(live_site: LiveSite, tmp_path: Path) -> Iterator[DemoCity]:
    """The site with the demo's card reader on, the birth family in its hub, and the father's card."""
    app = live_site.app
    original = app.state.settings
    settings = original.model_copy(update={"demo_cards": True, "keys_file": tmp_path / "keys.json"})
    clock.freeze(TODAY - timedelta(days=365))
    authority = CardAuthority.open(authority_folder(settings))
    clock.freeze(TODAY)
    with transaction(live_site.engine) as session:
        family = Households(Hub.start(session, app.state.vault)).birth_family()
        card = issue_card_for_resident(session, actor=Actor.operator("e2e"), authority=authority,
                                       atena_number=family.father.atena_number, purposes=app.state.purposes,
                                       vault=app.state.vault)
    save_virtual_card(card, cards_folder(settings))
    app.state.settings = settings
    try:
        yield DemoCity(live_site, family)
    finally:
        app.state.settings = original


def choose(page: Page, question: str, option: str) -> None:
    page.get_by_role("group", name=question, exact=True).get_by_label(option, exact=True).check()


def test_a_parent_reports_a_birth_on_a_phone(demo_city: DemoCity, page: Page) -> None:
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto("/")
    page.get_by_role("link", name="出生", exact=True).click()  # logged out: the card first
    page.get_by_role("link", name="カードを読み取る（デモ）").click()
    expect(page.get_by_text("これはデモ用のカード読み取りです")).to_be_visible()
    page.get_by_role("button", name="佐藤　健一さんのカードを読み取る").click()

    expect(page.get_by_role("heading", name="出生", exact=True)).to_be_visible()  # then on to the birth
    page.get_by_label("生まれた日").fill("2025-05-30")
    choose(page, "出産費用の直接支払制度の利用", "利用し、費用が一時金の額を超えた")
    expect(page.get_by_role("group", name="お子さんのお母さん（世帯にいない場合は空欄）")
           .get_by_label("妻（31歳）")).to_be_checked()  # the household answers it
    page.get_by_role("button", name="必要な手続を見る").click()

    expect(page.get_by_role("heading", name="必要な手続")).to_be_visible()
    assert page.locator("li.procedure").count() >= 5
    expect(page.get_by_text("令和7年6月12日まで")).to_be_visible()  # 出生届: 14 days, the day of birth counted
    page.get_by_role("link", name="申請内容の確認").click()

    expect(page.get_by_role("heading", name="申請内容の確認")).to_be_visible()
    typed = page.get_by_role("region", name="入力していただくこと")
    expect(typed.get_by_role("textbox")).to_have_count(2)  # the child's name and its reading, nothing else
    typed.get_by_label("子の名", exact=True).fill("花")
    typed.get_by_label("子の名（よみかた）").fill("ハナ")
    expect(page.get_by_role("group", name="父母との続き柄", exact=True)
           .get_by_label("嫡出子")).to_be_checked()  # the register: the father and mother are married
    choose(page, "子が生まれたときの世帯のおもな仕事", "自由業・商工業・サービス業等を個人で経営")
    choose(page, "届出人の資格", "父")
    choose(page, "増額の対象となる児童", "生まれたお子さん")
    choose(page, "額改定の理由", "出生")
    choose(page, "子の加入する健康保険", "国民健康保険")
    choose(page, "加入の理由", "出生")
    expect(typed.locator("#input-0 .saved")).to_have_text("保存しました")  # kept in the draft as given

    certificate = page.get_by_role("region", name="証明書から写す項目")
    choose(page, "父母との続き柄（男女の別）", "女")
    certificate.get_by_label("生まれたとき（時刻）").fill("10:42")
    place = certificate.get_by_role("group", name="生まれたところ")
    for label, value in (("郵便番号", "0900015"), ("都道府県", "北海道"), ("市区町村", "北見市"), ("町名", "公園町"),
                         ("番地", "1")):
        place.get_by_label(label, exact=True).fill(value)
    certificate.get_by_label("出生時の体重（グラム）").fill("3120")
    certificate.get_by_label("出生時の身長（センチメートル）").fill("49")
    certificate.get_by_label("妊娠週数").fill("39")
    evidence = page.locator("#evidence-birth-registration-newborn-birth-certificate")
    evidence.get_by_label("写真またはPDF（5MBまで）").set_input_files(
        files=[{"name": "certificate.png", "mimeType": "image/png", "buffer": PNG}])
    expect(page.locator("#evidence-birth-registration-newborn-birth-certificate .saved")).to_have_text(
        "添付しました: certificate.png")
    page.get_by_role("button", name="内容を確認してカードで署名する").click()  # the demo's card signs

    expect(page.get_by_role("heading", name="申請を受け付けました")).to_be_visible()
    expect(page.locator(".receipt-summary .reference")).to_have_text(REFERENCE)
    reference = page.locator(".receipt-summary .reference").inner_text()
    applications = page.locator("li.application")
    expect(applications).to_have_count(5)
    for i in range(5):
        expect(applications.nth(i).locator(".status")).to_have_text("受付済み")
        expect(applications.nth(i).locator(".reference")).to_have_text(REFERENCE)

    page.goto(f"/bundles/{reference}")
    expect(page.get_by_role("heading", name="申請の状況")).to_be_visible()
    expect(page.locator("li.application .status").first).to_have_text("受付済み")

