"""What the journey answers for the resident, over HTTP: the choices a bundle makes obvious come chosen, a
question is asked only once it matters, and a question the other answers made moot may stay unanswered.

Each test runs on SQLite and on PostgreSQL (the ``session`` fixture), as the birth family's father or the
son of a household whose head has died, each logged in with a demo card.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session

from guidance.conftest import homes, serving  # noqa: F401 - fixtures
from guidance.households import BirthFamily, Households
from intake.bundle_kit import a_card
from intake.test_bundles import authority  # noqa: F401 - the session's card authority
from madoguchi.catalog.directory import ServingCatalog
from madoguchi.identity.card_authority import CardAuthority
from madoguchi.identity.virtual_card import cards_folder, save_virtual_card
from madoguchi.settings import Settings
from madoguchi.vault import Vault
from web.test_journey import (  # noqa: F401 - fixtures
    BIRTH,
    Browser,
    a_browser,
    app,
    as_sent,
    family,
    father,
    form_values,
    settings,
    text_of,
)

DIED = date(2025, 5, 30)
CHOSEN_FOR_YOU = "あなたに代わって選びました"
NO_FUNERAL_NO_PENSION = {"q.funeral_held": "false", "q.deceased_received_pension": "false"}


def checked(page: str, key: str, value: str) -> bool:
    return re.search(rf'name="value:{re.escape(key)}" value="{re.escape(value)}" checked', page) is not None


@dataclass(frozen=True)
class Mourner:
    """The son of a household whose head, 82, late-elderly and care-insured, has died; logged in."""

    browser: Browser
    deceased: str

    def start_death(self, **answers: str) -> str:
        """Answer the death's questions (the date, the deceased, and ``answers``); returns the draft's id."""
        made = self.browser.http.post("/life-events/death/drafts", follow_redirects=False,
                                      data=self.answers(**answers))
        assert made.status_code == 303, text_of(made.text)
        return made.headers["location"].removesuffix("/plan").removeprefix("/drafts/")

    def answers(self, **answers: str) -> dict[str, str]:
        page = self.browser.http.get("/life-events/death").text
        return {**as_sent(page), "date": DIED.isoformat(), "q.deceased": self.deceased, **answers}


DeathOfAHead = Callable[..., Mourner]


@pytest.fixture
def death_of_a_head(app: FastAPI, session: Session, vault: Vault, serving: ServingCatalog,  # noqa: F811
                    authority: CardAuthority, homes: Households, settings: Settings) -> DeathOfAHead:  # noqa: F811
    """A household whose head, 82, late-elderly and care-insured, has died: his partner and the applicant
    by the register's 続柄 given, the applicant logged in with a demo card."""
    def make(*, partner: str, applicant: str, others: tuple[str, ...] = ()) -> Mourner:
        homes.snapshots()
        home = homes.household()
        head = homes.person(home, "世帯主", date(1943, 3, 1), family_name="髙橋", given_name="稔")
        homes.person(home, partner, date(1946, 1, 2), sex="2", family_name="髙橋", given_name="千代")
        reporting = homes.person(home, applicant, date(1975, 8, 30), family_name="髙橋", given_name="浩")
        for relationship in others:
            homes.person(home, relationship, date(1977, 10, 29), sex="2", family_name="髙橋", given_name="直子")
        homes.late_elderly(head)
        homes.ltc(head, "2")
        save_virtual_card(a_card(session, vault, serving, authority, reporting.atena_number),
                          cards_folder(settings))
        browser = a_browser(app)
        assert browser.log_in(reporting.atena_number).status_code == 303
        return Mourner(browser, head.atena_number)
    return make


@pytest.fixture
def son(death_of_a_head: DeathOfAHead) -> Mourner:
    """The son, living with his parents and his wife."""
    return death_of_a_head(partner="妻", applicant="子", others=("子の妻",))


def test_the_birth_comes_with_the_choices_the_bundle_makes_obvious(father: Browser,  # noqa: F811
                                                                     family: BirthFamily) -> None:  # noqa: F811
    page = father.http.get(f"/drafts/{father.start_birth()}").text
    claimant = family.father.atena_number

    assert checked(page, "birth-registration/newborn/informant_role", "father")  # he is the father he named
    assert checked(page, f"child-allowance-revision/{claimant}/reason", "birth")
    assert checked(page, f"child-allowance-revision/{claimant}/children", "newborn")
    assert checked(page, "child-medical-subsidy/newborn/insurance_kind", "nhi")  # joins NHI in this bundle
    assert checked(page, "nhi-enrollment/newborn/reason", "birth")
    assert checked(page, "birth-registration/newborn/legitimacy", "legitimate")  # the register: 世帯主 and 妻
    assert "住民票の記録で、父と母がご夫婦です" in page
    assert text_of(page).count(CHOSEN_FOR_YOU) == 6


def test_a_child_of_parents_not_married_is_not_chosen_for(father: Browser, family: BirthFamily,  # noqa: F811
                                                         session: Session) -> None:
    family.mother.relationship = "妻(未届)"  # living together, the marriage not registered
    session.flush()
    page = father.http.get(f"/drafts/{father.start_birth()}").text

    assert checked(page, "birth-registration/newborn/informant_role", "father")
    assert not checked(page, "birth-registration/newborn/legitimacy", "legitimate")
    assert not checked(page, "birth-registration/newborn/legitimacy", "not_legitimate")  # the resident says


def test_what_the_page_chose_is_kept_when_it_is_sent(father: Browser, family: BirthFamily) -> None:  # noqa: F811
    draft = father.start_birth()
    assert father.attach(draft).status_code == 303
    page = father.http.get(f"/drafts/{draft}").text
    left_as_chosen = ("/informant_role", "/reason", "/children", "/insurance_kind")
    given = {k: v for k, v in form_values(family).items() if not k.endswith(left_as_chosen)}

    assert father.confirm(draft, {**as_sent(page), **given}).status_code == 307  # on to the card
    values = father.http.get(f"/api/v1/drafts/{draft}").json()["values"]
    assert values["birth-registration/newborn/informant_role"] == "父"
    assert values["nhi-enrollment/newborn/reason"] == "出生"


def test_a_choice_is_kept_without_a_saved_notice_and_a_typed_value_with_one(father: Browser) -> None:  # noqa: F811
    draft = father.start_birth()
    headers = {"X-CSRF-Token": father.csrf(), "HX-Request": "true"}
    key = "birth-registration/newborn/legitimacy"

    chosen = father.http.post(f"/drafts/{draft}/values", headers=headers,
                              data={"key": key, f"value:{key}": "legitimate"})
    typed = father.http.post(f"/drafts/{draft}/values", headers=headers,
                             data={"key": "newborn.given_name", "value:newborn.given_name": "陽葵"})

    assert chosen.status_code == 200 and "保存しました" not in chosen.text and "field-error" not in chosen.text
    assert typed.status_code == 200 and "保存しました" in typed.text
    assert checked(father.http.get(f"/drafts/{draft}").text, key, "legitimate")


def test_a_death_comes_with_the_withdrawals_reasons_and_one_relationship_to_the_deceased(son: Mourner) -> None:
    draft = son.start_death(**{"q.funeral_held": "false", "q.deceased_received_pension": "true"})
    page = son.browser.http.get(f"/drafts/{draft}").text

    assert checked(page, f"late-elderly-withdrawal/{son.deceased}/reason", "death")
    assert checked(page, f"ltc-withdrawal/{son.deceased}/reason", "death")
    assert checked(page, f"pension-unpaid/{son.deceased}/living_together", "true")  # one household, one livelihood
    assert page.count('name="value:deceased.applicant_relationship"') == 1  # once for the four forms
    assert "applicant_relationship" not in page.replace("deceased.applicant_relationship", "")


def test_a_death_of_the_head_comes_with_what_the_register_says_of_the_household(son: Mourner) -> None:
    page = son.browser.http.get(f"/drafts/{son.start_death(**NO_FUNERAL_NO_PENSION)}").text

    assert checked(page, f"death-registration/{son.deceased}/spouse_status", "living")  # 妻 of the 世帯主
    assert checked(page, f"death-registration/{son.deceased}/informant_role", "relative_living_together")  # 子
    assert re.search(r'name="value:deceased.applicant_relationship"[^>]*value="子"', page)
    assert "住民票に記録された、世帯主とのご関係です" in page


def test_a_partner_not_married_or_a_lodger_is_not_taken_for_a_spouse_or_a_relative(
        death_of_a_head: DeathOfAHead) -> None:
    lodger = death_of_a_head(partner="妻(未届)", applicant="同居人")
    page = lodger.browser.http.get(f"/drafts/{lodger.start_death(**NO_FUNERAL_NO_PENSION)}").text

    assert not checked(page, f"death-registration/{lodger.deceased}/spouse_status", "living")
    assert not checked(page, f"death-registration/{lodger.deceased}/informant_role", "relative_living_together")
    assert not re.search(r'name="value:deceased.applicant_relationship"[^>]*value="[^"]', page)


def test_the_funeral_date_is_asked_only_once_a_funeral_was_held(son: Mourner) -> None:
    assert 'name="q.funeral_date"' not in son.browser.http.get("/life-events/death").text

    again = son.browser.http.post("/life-events/death/drafts", follow_redirects=False, data=son.answers(
        **{"q.funeral_held": "true", "q.deceased_received_pension": "false"}))

    assert again.status_code == 200 and 'name="q.funeral_date"' in again.text
    assert "もう一つお聞きすることがあります" in text_of(again.text)
    assert son.start_death(**{"q.funeral_held": "false", "q.deceased_received_pension": "false"})


def test_a_question_the_other_answers_made_moot_may_stay_unanswered(father: Browser) -> None:  # noqa: F811
    page = father.http.get("/life-events/birth").text
    assert 'name="q.lump_sum_direct_payment"' in page  # the mother, NHI-insured: did the hospital take the grant?
    sent = {**as_sent(page), "date": BIRTH["date"], "q.mother": "none"}  # the mother is not in the household

    made = father.http.post("/life-events/birth/drafts", data=sent, follow_redirects=False)

    assert made.status_code == 303 and made.headers["location"].endswith("/plan")


def test_an_unanswered_question_that_still_matters_is_asked_again(father: Browser) -> None:  # noqa: F811
    page = father.http.get("/life-events/birth").text
    made = father.http.post("/life-events/birth/drafts", data={**as_sent(page), "date": BIRTH["date"]},
                            follow_redirects=False)

    assert made.status_code == 422 and "この質問に答えてください" in made.text
    assert 'aria-describedby="q-lump_sum_direct_payment-error' in made.text
