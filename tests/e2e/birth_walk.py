"""The birth journey on the demo city, step by step, for the tests that look at every page of it.

``walk_birth`` goes through it as ``test_journey_birth`` does — the father's demo card, the questions,
the plan, the confirmation (sent once with a reading not in katakana and no photo, so that errors show
next to their fields), the card signature, the receipt and the status page — and calls ``at(step)``
on each page once it is shown; ``visit_my_data`` does the same for My data and its access log. The
accessibility test runs axe there; the screenshot test saves each page.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import FilePayload, Locator, Page, expect

from intake.bundle_kit import PNG

REFERENCE = re.compile(r"^\d{4}-\d{4}-\d{4}$")
Step = Callable[[str], None]
"""Called with the step's name (``01-home`` …) while its page is shown."""

STEPS = ("01-home", "02-login", "03-card-reader", "04-questions", "05-plan", "06-confirmation",
         "07-confirmation-errors", "08-received", "09-receipt", "10-status")
MY_DATA_STEPS = ("my-data", "my-data-access-log")


def walk_birth(page: Page, at: Step) -> str:
    """The father reports the birth from the logged-out home page to the status page; returns the reference."""
    page.goto("/")
    expect(page.get_by_role("heading", name="市役所の手続を、スマートフォンで")).to_be_visible()
    at("01-home")
    page.get_by_role("link", name="出生", exact=True).click()  # the card first, then the birth's questions
    expect(page.get_by_role("heading", name="マイナンバーカードでログイン")).to_be_visible()
    at("02-login")
    page.get_by_role("link", name="カードを読み取る（デモ）").click()
    expect(page.get_by_text("これはデモ用のカード読み取りです")).to_be_visible()
    at("03-card-reader")
    page.get_by_role("button", name="佐藤　健一さんのカードを読み取る").click()

    expect(page.get_by_role("heading", name="出生", exact=True)).to_be_visible()
    page.get_by_label("生まれた日").fill("2025-05-30")
    choose_if_asked(page, "出産費用の直接支払制度の利用", "利用し、費用が一時金の額を超えた")
    at("04-questions")
    page.get_by_role("button", name="必要な手続を見る").click()

    expect(page.get_by_role("heading", name="必要な手続")).to_be_visible()
    at("05-plan")
    page.get_by_role("link", name="申請内容の確認").click()

    expect(page.get_by_role("heading", name="申請内容の確認")).to_be_visible()
    at("06-confirmation")
    give(page, page.get_by_role("region", name="入力していただくこと").get_by_label("子の名（よみかた）"), "Hana")
    page.get_by_role("button", name="内容を確認してカードで署名する").click()
    expect(page.get_by_role("alert")).to_contain_text("入力が足りないか、確認が必要な項目があります")
    reading = page.get_by_role("region", name="入力していただくこと").get_by_label("子の名（よみかた）")
    expect(reading).to_have_attribute("aria-invalid", "true")
    expect(reading).to_have_accessible_description(re.compile("カタカナで入力してください"))
    at("07-confirmation-errors")
    fill_birth_confirmation(page)
    page.get_by_role("button", name="内容を確認してカードで署名する").click()  # the demo's card signs

    expect(page.get_by_role("heading", name="申請を受け付けました")).to_be_visible()
    reference = page.locator(".receipt-summary .reference").inner_text()
    assert REFERENCE.match(reference), reference
    at("08-received")
    page.get_by_role("link", name="受付控え（印刷・保存用）").click()
    expect(page.get_by_role("heading", name="受付控え", exact=True)).to_be_visible()
    at("09-receipt")
    page.goto(f"/bundles/{reference}")
    expect(page.get_by_role("heading", name="申請の状況")).to_be_visible()
    at("10-status")
    return reference


def visit_my_data(page: Page, at: Step) -> None:
    """The logged-in resident opens My data, then its access log from the page's navigation."""
    page.goto("/me")
    expect(page.get_by_role("heading", level=1)).to_have_text("わたしの情報")
    at("my-data")
    page.get_by_role("navigation", name="わたしの情報").get_by_role("link", name="アクセス記録").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("アクセス記録")
    at("my-data-access-log")


def fill_birth_confirmation(page: Page) -> None:
    """Give what the birth's confirmation page asks, the birth certificate's facts copied from its photo.

    A choice the page has already made for the resident (「あなたに代わって選びました」) is kept, and
    one it no longer asks is passed over: the walk follows the page as the catalog shapes it.
    """
    typed = page.get_by_role("region", name="入力していただくこと")
    give(page, typed.get_by_label("子の名", exact=True), "花")
    give(page, typed.get_by_label("子の名（よみかた）"), "ハナ")
    for question, option in CHOICES:
        choose_if_asked(page, question, option)
    certificate = page.get_by_role("region", name="証明書から写す項目")
    give(page, certificate.get_by_label("生まれたとき（時刻）"), "10:42")
    place = certificate.get_by_role("group", name="生まれたところ")
    for label, value in (("郵便番号", "0900015"), ("都道府県", "北海道"), ("市区町村", "北見市"), ("町名", "公園町"),
                         ("番地", "1")):
        give(page, place.get_by_label(label, exact=True), value)
    give(page, certificate.get_by_label("出生時の体重（グラム）"), "3120")
    give(page, certificate.get_by_label("出生時の身長（センチメートル）"), "49")
    give(page, certificate.get_by_label("妊娠週数"), "39")
    evidence = page.locator("#evidence-birth-registration-newborn-birth-certificate")
    evidence.get_by_label("写真またはPDF（5MBまで）").set_input_files(
        files=[FilePayload(name="certificate.png", mimeType="image/png", buffer=PNG)])
    expect(evidence.locator(".saved")).to_have_text("添付しました: certificate.png")


def give(page: Page, field: Locator, value: str) -> None:
    """Type a value and leave the field, as a resident does; wait until htmx has kept it in the draft.

    One change at a time: on SQLite, two of the page's requests writing the draft at once can fail
    with "database is locked" (two deferred transactions both upgrading to write), and this walk is
    about the pages, not about that race.
    """
    field.fill(value)
    field.blur()
    settle(page)


def settle(page: Page) -> None:
    """Wait until no htmx request of the page is in flight."""
    page.wait_for_function("() => document.querySelector('.htmx-request') === null")


CHOICES = (("父母との続き柄", "嫡出子"), ("子が生まれたときの世帯のおもな仕事", "自由業・商工業・サービス業等を個人で経営"),
           ("届出人の資格", "父"), ("増額の対象となる児童", "生まれたお子さん"), ("額改定の理由", "出生"),
           ("子の加入する健康保険", "国民健康保険"), ("加入の理由", "出生"), ("父母との続き柄（男女の別）", "女"))
"""The birth family's choices on the confirmation page, by the group's name."""


def choose_if_asked(page: Page, question: str, option: str) -> None:
    group = page.get_by_role("group", name=question, exact=True)
    if group.count() == 0 or group.locator("input:checked").count() > 0:
        return
    group.get_by_label(option, exact=True).check()
    settle(page)
