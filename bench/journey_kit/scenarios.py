"""The spec's three scenarios, each a person on the demo city who knows only what that person knows.

* **birth** — the birth persona's father, logged out, reports the birth of
  his daughter two days ago: the date, how the childbirth was paid, her name
  and its reading; the hospital's birth certificate is in his phone's wallet.
* **move-within** — the same resident reports that the household moved
  within the city three days ago: the date, the new address, who moved.
* **death** — the death persona's son reports his father's death yesterday,
  before the funeral, with the hospital's death certificate in his wallet.

Each answers what its page asks and nothing else: a question the page does
not ask (the household answered it) is passed over, a choice the page has
made, or a value it filled in, is left as it is. What a person answers is in
the scenario's table, by the label the page shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from playwright.sync_api import Page

from journey_kit.site import DemoSite
from journey_kit.user import ScriptedUser

HOME, LOGIN, READER = "home", "login", "card reader"
QUESTIONS, PLAN, CONFIRMATION, RECEIVED = "questions", "plan", "confirmation", "received"
Choices = tuple[tuple[str, str], ...]
"""(the group's label, the option's label) — what a person chooses where the page asks it."""


@dataclass(frozen=True)
class Person:
    """What the person knows and does on each page of the journey."""

    persona: str
    event: str
    """The life event's name on the home page."""
    day: date
    questions: Choices
    typed: tuple[tuple[str, str], ...] = ()
    """On the questions page: (the field's label, the text typed)."""
    persons: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """On the questions page: (the group's label, the members checked)."""
    certificate: str | None = None
    """The name of the certificate handed over from the wallet, when the bundle asks for one."""
    given: tuple[tuple[str, str], ...] = ()
    """On the confirmation page: (the field's label, the text typed)."""
    chosen: Choices = ()
    """On the confirmation page."""
    dates: tuple[tuple[str, date], ...] = ()
    """On the confirmation page: (the field's label, the day chosen)."""


def birth(site: DemoSite, today: date) -> Person:
    return Person("birth", "出生", site.certificate_day("birth-certificate"),
                  questions=(("出産費用の直接支払制度の利用", "利用し、費用が一時金の額を超えた"),),
                  certificate="出生証明書",
                  given=(("子の名", "陽葵"), ("子の名（よみかた）", "ひまり")),
                  chosen=(("父母との続き柄", "嫡出子"),
                          ("子が生まれたときの世帯のおもな仕事", "自由業・商工業・サービス業等を個人で経営")))


def move_within(site: DemoSite, today: date) -> Person:
    return Person("birth", "転居（市内での引っ越し）", today - timedelta(days=3), questions=(),
                  typed=(("新しい住所（方書まで）", "北見市北進町2丁目5-8"),),
                  persons=(("引っ越したかた", ("あなた（世帯主・33歳）", "妻（31歳）", "子（3歳）")),))


def death(site: DemoSite, today: date) -> Person:
    return Person("death", "死亡", site.certificate_day("death-certificate"),
                  questions=(("亡くなったかた", "世帯主（82歳）"), ("葬儀（葬祭）を行いましたか", "いいえ"),
                             ("亡くなったかたは年金を受け取っていましたか", "はい")),
                  certificate="死亡診断書（死体検案書）",
                  given=(("亡くなったかたとの続き柄", "子"), ("新しい世帯主との続き柄", "母、妻")),
                  chosen=(("死亡した人の夫または妻", "いる"),
                          ("死亡したときの世帯のおもな仕事", "常用勤労者（従業者数1〜99人）"),
                          ("届出人の資格", "同居の親族"), ("火葬の場所", "市営斎場")),
                  dates=(("火葬の予定日", today + timedelta(days=2)),))


SCENARIOS: dict[str, Callable[[DemoSite, date], Person]] = {
    "birth": birth, "move-within": move_within, "death": death}


def walk(page: Page, site: DemoSite, person: Person, today: date) -> ScriptedUser:
    """The person's journey from the logged-out home page to the receipt; the user's tally has it all."""
    user = ScriptedUser(page)
    atena = site.personas[person.persona]["applicant"]
    user.open("/", HOME)
    user.tap_to(page.get_by_role("link", name=person.event, exact=True), LOGIN)  # the card first, then on
    user.tap_to(page.get_by_role("link", name="カードを読み取る（デモ）"), READER)
    user.card_login(page.locator(f"form:has(input[name=card][value='{atena}']) button"), QUESTIONS)

    user.pick_date(page.locator("#event-date"), person.day, today)
    for label, text in person.typed:
        user.type_into(page.get_by_label(label, exact=True), text)
    for label, members in person.persons:
        for member in members:
            user.choose(page.get_by_role("group", name=label, exact=True).get_by_label(member, exact=True))
    _choose(page, user, person.questions)
    user.tap_to(page.get_by_role("button", name="必要な手続を見る"), PLAN)
    if person.certificate is not None:  # offered with the plan: the confirmation comes filled from it
        user.tap_to(page.get_by_role("button", name=f"ウォレットから{person.certificate}を渡す（デモ）"),
                    CONFIRMATION)
    else:
        user.tap_to(page.get_by_role("link", name="申請内容の確認"), CONFIRMATION)

    for label, text in person.given:
        field = page.get_by_role("textbox", name=label, exact=True)
        if field.input_value() != text:  # a value the page filled in already is left as it is
            user.type_into(field, text)
    _choose(page, user, person.chosen)
    for label, day in person.dates:
        user.pick_date(page.get_by_label(label, exact=True), day, today)
    user.sign_with_card(page.get_by_role("button", name="内容を確認してカードで署名する"), RECEIVED)
    if page.get_by_role("heading", name="申請を受け付けました").count() != 1:
        raise RuntimeError(f"the {person.event} was not received: {_main_text(page)}")
    user.tally.procedures = page.locator("li.application").count()
    return user


def _choose(page: Page, user: ScriptedUser, choices: Choices) -> None:
    for label, option in choices:
        group = page.get_by_role("group", name=label, exact=True)
        if group.count() == 1:  # asked here
            user.choose(group.get_by_label(option, exact=True))


def _main_text(page: Page) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())[:500]
