"""Handing over a digital certificate in the journey, from the demo's wallet, over HTTP.

Each test runs on SQLite and on PostgreSQL (the ``session`` fixture). The
birth family's father has made the birth draft; the demo wallet beside the
key file holds the test hospital's certificate of that birth (or, where a
test says so, none, or one of another birth), and the city trusts the test
hospital (``get_certificate_trust`` overridden with the test world's registry).
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credentials.factories import World, a_world
from guidance.conftest import homes, serving  # noqa: F401 - fixtures
from intake.bundle_kit import BORN
from intake.test_bundles import authority  # noqa: F401 - the session's card authority
from madoguchi.credentials.wallet import Wallet
from madoguchi.intake.application_models import Attachment
from madoguchi.settings import Settings
from madoguchi.web.api.intake import get_certificate_trust
from madoguchi.web.demo_wallet import wallet_file
from registry.factories import TODAY
from web.test_journey import (  # noqa: F401 - fixtures
    Browser,
    app,
    family,
    father,
    mother,
    settings,
    text_of,
)

BIRTH = "birth-certificate"
CERTIFICATE_INPUTS = ("birth-registration/newborn/birth_time", "birth-registration/newborn/birth_place",
                      "newborn.sex", "newborn-visit/newborn/birth_weight")
"""Inputs of the birth's confirmation page that the birth certificate fills."""


@pytest.fixture
def world(tmp_path: Path, app: FastAPI) -> World:  # noqa: F811
    """The test hospital, trusted by the city for birth certificates."""
    found = a_world(tmp_path)
    app.dependency_overrides[get_certificate_trust] = lambda: found.trust
    return found


def fill_wallet(world: World, settings: Settings, **claims: Any) -> None:  # noqa: F811
    """The demo wallet, holding the hospital's certificate of the birth the family reports."""
    wallet = Wallet(key=world.holder)
    wallet.store(world.issue(BIRTH, claims={"birth_date": BORN.isoformat(), "mother_name": "佐藤 陽子", **claims},
                             valid_from=TODAY - timedelta(days=1), valid_until=TODAY + timedelta(days=90)))
    wallet.save(wallet_file(settings))


def hand_over(browser: Browser, draft: str, **values: str) -> Any:
    return browser.http.post(f"/demo/wallet/drafts/{draft}/certificates", follow_redirects=False,
                             data={"csrf_token": browser.csrf(), "kind": BIRTH, **values})


def attachments(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Attachment)) or 0


def test_the_confirmation_page_offers_the_wallets_birth_certificate(father: Browser, world: World) -> None:  # noqa: F811
    page = father.http.get(f"/drafts/{father.start_birth()}").text

    assert "ウォレットから出生証明書を渡す（デモ）" in page
    assert 'formaction="/demo/wallet/drafts/' in page and 'value="birth-certificate"' in page
    assert "デモ用のウォレット" in text_of(page)  # says the wallet is the demo's
    for key in CERTIFICATE_INPUTS:
        assert f'name="value:{key}' in page


def test_one_tap_hands_the_certificate_over_and_what_it_says_is_filled_in_from_the_hospital(
        father: Browser, world: World, settings: Settings, session: Session) -> None:  # noqa: F811
    fill_wallet(world, settings)
    draft = father.start_birth()

    answer = hand_over(father, draft)
    assert answer.status_code == 303 and answer.headers["location"] == f"/drafts/{draft}"

    page = father.http.get(f"/drafts/{draft}").text
    for key in CERTIFICATE_INPUTS:
        assert f'name="value:{key}' not in page  # nothing left to copy from the paper
    assert 'name="value:newborn.given_name"' in page  # the child's name is still the resident's to give
    assert "出生証明書（hospital（試験）発行）" in text_of(page)  # each fact shows the issuer as its source
    assert "hospital（試験）のデジタル証明書（確認済み）" in text_of(page)
    evidence = page.partition('id="evidence-birth-registration-newborn-birth-certificate"')[2].partition("</div>")[0]
    assert 'type="file"' not in evidence  # a photo does not replace a verified certificate
    assert "ウォレットから出生証明書を渡す（デモ）" not in page
    assert attachments(session) == 1


def test_the_values_on_the_page_are_kept_with_the_hand_over(father: Browser, world: World,  # noqa: F811
                                                            settings: Settings) -> None:  # noqa: F811
    fill_wallet(world, settings)
    draft = father.start_birth()

    hand_over(father, draft, **{"value:newborn.given_name": "陽葵"})

    assert 'value="陽葵"' in father.http.get(f"/drafts/{draft}").text


def test_the_plan_offers_the_certificate_until_it_is_handed_over(father: Browser, world: World,  # noqa: F811
                                                                 settings: Settings) -> None:  # noqa: F811
    fill_wallet(world, settings)
    draft = father.start_birth()
    plan = father.http.get(f"/drafts/{draft}/plan").text
    assert f'action="/demo/wallet/drafts/{draft}/certificates"' in plan

    hand_over(father, draft)

    assert "/demo/wallet/" not in father.http.get(f"/drafts/{draft}/plan").text


@pytest.mark.parametrize("held", ["nothing", "another birth"])
def test_a_certificate_the_wallet_cannot_give_leaves_the_photo_to_attach(
        held: str, father: Browser, world: World, settings: Settings, session: Session) -> None:  # noqa: F811
    if held == "another birth":
        fill_wallet(world, settings, birth_date="2022-01-02")  # the mother's earlier child
    draft = father.start_birth()

    answer = hand_over(father, draft)

    assert answer.status_code == 422
    assert "ウォレットからこの証明書を渡せませんでした" in text_of(answer.text)
    evidence = answer.text.partition('id="evidence-birth-registration-newborn-birth-certificate"')[2]
    assert re.search(r'aria-invalid="true" aria-describedby="evidence-[^"]*-error"', evidence)  # next to the upload
    assert attachments(session) == 0
    assert 'name="value:birth-registration/newborn/birth_time"' in father.http.get(f"/drafts/{draft}").text


def test_another_residents_draft_is_not_found(father: Browser, mother: Browser, world: World,  # noqa: F811
                                              settings: Settings, session: Session) -> None:  # noqa: F811
    fill_wallet(world, settings)
    draft = father.start_birth()

    assert hand_over(mother, draft).status_code == 404
    assert attachments(session) == 0


def test_a_hand_over_without_the_csrf_token_is_refused(father: Browser, world: World,  # noqa: F811
                                                       settings: Settings, session: Session) -> None:  # noqa: F811
    fill_wallet(world, settings)
    draft = father.start_birth()

    answer = father.http.post(f"/demo/wallet/drafts/{draft}/certificates", data={"kind": BIRTH})

    assert answer.status_code == 403
    assert attachments(session) == 0


def test_without_the_demo_the_wallet_is_not_there_and_the_page_says_to_attach_a_photo(
        app: FastAPI, father: Browser, world: World, settings: Settings) -> None:  # noqa: F811
    fill_wallet(world, settings)
    draft = father.start_birth()
    app.state.settings = settings.model_copy(update={"demo_cards": False})

    assert hand_over(father, draft).status_code == 404
    page = father.http.get(f"/drafts/{draft}").text
    assert "/demo/wallet/" not in page and "/demo/wallet/" not in father.http.get(f"/drafts/{draft}/plan").text
    assert "紙の証明書の写真" in text_of(page)
