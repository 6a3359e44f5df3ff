"""A department's staff work through their inbox in the browser: open, read the sources, send back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from guidance.households import Households
from intake.bundle_kit import Resident, birth_answers, birth_family_with_cards, birth_values
from madoguchi import clock
from madoguchi.catalog.directory import ServingCatalog
from madoguchi.db.engine import transaction
from madoguchi.identity.card_authority import CardAuthority
from madoguchi.intake.bundles import SubmittedBundle
from madoguchi.intake.tracking import bundle_status
from registry.factories import TODAY, Hub

from .conftest import STAFF_PASSWORD, LiveSite
from .test_staff_login import log_in

pytestmark = pytest.mark.browser

PENSION = "insurance-pension"


@pytest.fixture(scope="module")
def card_authority(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CardAuthority]:
    """The demo card authority, made a year before the tests' today so its cards are valid then."""
    clock.freeze(TODAY - timedelta(days=365))
    try:
        yield CardAuthority.open(Path(tmp_path_factory.mktemp("e2e-card-ca")))
    finally:
        clock.freeze(None)


def submit_birth_bundle(site: LiveSite, authority: CardAuthority) -> tuple[Resident, SubmittedBundle]:
    """The birth family in the site's hub, and the father's signed bundle, committed through the services."""
    serving = ServingCatalog(site.app.state.catalog_store, site.app.state.purposes)
    vault = site.app.state.vault
    with transaction(site.engine) as session:
        family, father, _ = birth_family_with_cards(session, vault, serving, authority,
                                                    Households(Hub.start(session, vault)))
        draft = father.draft(**birth_answers(family))  # type: ignore[arg-type]
        father.attach(draft, "birth-registration", "birth-certificate")
        return father, father.submit(draft.draft_id, birth_values(draft.filled["inputs"]))


def test_a_reviewer_opens_an_application_from_the_inbox_and_sends_it_back_for_correction(
        live_site: LiveSite, page: Page, card_authority: CardAuthority) -> None:
    clock.freeze(TODAY)
    father, receipt = submit_birth_bundle(live_site, card_authority)
    mine = [a["reference"] for a in receipt.applications if a["department"] == PENSION]
    [nhi] = [a["reference"] for a in receipt.applications if a["procedure"] == "nhi-enrollment"]
    live_site.add_staff("sato", display_name="佐藤 次郎", department=PENSION, role="reviewer")

    log_in(page, "sato", STAFF_PASSWORD)
    inbox = page.get_by_role("table")
    expect(inbox.locator("tbody tr")).to_have_count(len(mine))
    expect(inbox.locator("tbody th a")).to_have_text(mine)
    expect(inbox.get_by_role("row").filter(has_text=nhi)).to_contain_text("国民健康保険 加入届")

    inbox.get_by_role("link", name=nhi).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("国民健康保険 加入届")
    family_name = page.locator("#field-insured_family_name")
    expect(family_name).to_contain_text("佐藤")
    expect(family_name).to_contain_text("住民記録 令和7年5月31日時点")
    expect(page.locator("#field-insured_given_name")).to_contain_text("申請者が入力")

    rejecting = page.get_by_role("group", name="不受理", exact=True)
    expect(rejecting).to_contain_text("「不受理」は管理者が決定します。")
    expect(rejecting.get_by_role("button")).to_have_count(0)

    correction = page.get_by_role("group", name="補正依頼", exact=True)
    correction.get_by_label("理由（申請者に表示されます）").fill("お子さんの名のフリガナをご確認ください")
    correction.get_by_label("加入するかたの名（フリガナ）", exact=True).check()
    correction.get_by_role("button", name="補正を依頼する").click()

    expect(page.get_by_role("status")).to_contain_text("補正依頼を送りました。")
    expect(page.locator(".summary .status")).to_have_text("補正依頼")
    expect(page.get_by_role("region", name="補正依頼の内容")).to_contain_text("加入するかたの名（フリガナ）")
    with transaction(live_site.engine) as session:
        [seen] = [a for a in bundle_status(session, actor=father.actor, reference=receipt.reference)[
            "applications"] if a["reference"] == nhi]
    assert seen["status"] == "needs_correction"
    assert seen["correction"]["reason"] == "お子さんの名のフリガナをご確認ください"
    assert seen["correction"]["fields"] == ["insured_given_name_kana"]


def test_a_staff_member_of_another_department_gets_the_not_found_page(
        live_site: LiveSite, page: Page, card_authority: CardAuthority) -> None:
    clock.freeze(TODAY)
    _, receipt = submit_birth_bundle(live_site, card_authority)
    [nhi] = [a["reference"] for a in receipt.applications if a["procedure"] == "nhi-enrollment"]
    [registration] = [a["reference"] for a in receipt.applications if a["procedure"] == "birth-registration"]
    live_site.add_staff("suzuki", display_name="鈴木 花子", department="citizens", role="manager")

    log_in(page, "suzuki", STAFF_PASSWORD)
    expect(page.get_by_role("table").locator("tbody th a")).to_have_text([registration])
    response = page.goto(f"/backoffice/applications/{nhi}")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("申請が見つかりません")
    expect(page.locator("main")).not_to_contain_text("佐藤")
