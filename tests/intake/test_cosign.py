"""婚姻届: the other spouse and two adult witnesses sign by their links before it reaches the department."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from guidance.households import Households
from madoguchi import clock
from madoguchi.catalog.directory import ServingCatalog
from madoguchi.identity.card_authority import CardAuthority
from madoguchi.identity.card_profile import BasicItems
from madoguchi.identity.virtual_card import VirtualCard, issue_virtual_card
from madoguchi.intake.application_models import Application
from madoguchi.intake.bundles import SubmittedBundle
from madoguchi.intake.cosign import co_sign, co_sign_request, send_to_counter
from madoguchi.intake.delivery_models import Delivery
from madoguchi.intake.intake_errors import (
    ApplicationNotFound,
    CoSignatureInvalid,
    StatusChangeInvalid,
)
from madoguchi.vault import Vault
from registry.factories import TODAY

from .bundle_kit import Resident, a_card, any_values
from .test_bundles import authority  # noqa: F401 - the session's card authority

ON = date(2025, 5, 26)


def a_witness(authority: CardAuthority, born: str) -> VirtualCard:  # noqa: F811
    """Someone from elsewhere with their own card: not a resident of the city."""
    return issue_virtual_card(authority, atena_number="", basic_items=BasicItems(
        name="証人 太郎", birth_date=born, sex="1", address="東京都千代田区霞が関1-1"))


@pytest.fixture
def couple(session: Session, vault: Vault, serving: ServingCatalog, authority: CardAuthority,  # noqa: F811
           homes: Households) -> tuple[Resident, Resident, SubmittedBundle]:
    home = homes.household()
    applicant = homes.person(home, "世帯主", date(1995, 1, 1))
    partner = homes.person(home, "妻(未届)", date(1996, 1, 1), sex="2")
    groom, bride = (Resident(session, vault, serving, authority, p.atena_number,
                             a_card(session, vault, serving, authority, p.atena_number)) for p in (applicant, partner))
    draft = groom.draft("marriage", ON, spouse=partner.atena_number, living_together=True,
                        joins_spouse_employer_plan="")
    receipt = groom.submit(draft.draft_id, any_values(draft.filled["inputs"], draft.people))
    return groom, bride, receipt


def sign(session: Session, resident: Resident, token: str, card: VirtualCard) -> dict[str, object]:
    content = co_sign_request(session, token=token)["content"].encode()  # type: ignore[union-attr]
    return co_sign(session, check_signature=resident.check, token=token, signature=resident.sign(content, card))


def test_the_registration_waits_for_every_co_signature_then_reaches_its_department(
        couple: tuple[Resident, Resident, SubmittedBundle], authority: CardAuthority) -> None:  # noqa: F811
    groom, bride, receipt = couple
    session = groom.session
    assert [(a["procedure"], a["status"]) for a in receipt.applications] == [
        ("marriage-registration", "awaiting_signatures")]
    assert [(link.role, link.position) for link in receipt.co_sign_links] == [
        ("spouse", 1), ("witness", 1), ("witness", 2)]
    assert session.scalars(select(Delivery)).first() is None
    tokens = {(link.role, link.position): link.token for link in receipt.co_sign_links}

    assert sign(session, groom, tokens[("spouse", 1)], bride.card)["all_signed"] is False
    sign(session, groom, tokens[("witness", 1)], a_witness(authority, "1960-03-03"))
    with pytest.raises(CoSignatureInvalid, match="at least 18"):
        sign(session, groom, tokens[("witness", 2)], a_witness(authority, "2010-03-03"))
    assert session.scalars(select(Delivery)).first() is None
    done = sign(session, groom, tokens[("witness", 2)], a_witness(authority, "1970-07-07"))
    assert done["all_signed"] is True and done["status"] == "received"
    delivery = session.scalars(select(Delivery)).one()
    assert delivery.payload["reference"] == receipt.applications[0]["reference"]


def test_a_link_is_used_once_by_someone_other_than_the_applicant(
        couple: tuple[Resident, Resident, SubmittedBundle], authority: CardAuthority) -> None:  # noqa: F811
    groom, bride, receipt = couple
    session = groom.session
    spouse_link, witness_link, other_link = (link.token for link in receipt.co_sign_links)
    with pytest.raises(CoSignatureInvalid, match="applicant cannot also co-sign"):
        sign(session, groom, spouse_link, groom.card)
    sign(session, groom, spouse_link, bride.card)
    with pytest.raises(CoSignatureInvalid, match="already been used"):
        sign(session, groom, spouse_link, bride.card)
    with pytest.raises(CoSignatureInvalid, match="already signed this application"):
        sign(session, groom, witness_link, bride.card)
    with pytest.raises(CoSignatureInvalid, match="not known"):
        co_sign_request(session, token="guessed-" + other_link[:8])
    clock.freeze(TODAY + timedelta(days=15))
    with pytest.raises(CoSignatureInvalid, match="expired"):
        co_sign_request(session, token=other_link)


def test_where_a_co_signer_cannot_sign_online_the_registration_goes_to_the_counter(
        couple: tuple[Resident, Resident, SubmittedBundle], serving: ServingCatalog) -> None:
    groom, bride, receipt = couple
    reference = receipt.applications[0]["reference"]
    with pytest.raises(ApplicationNotFound):
        send_to_counter(groom.session, actor=bride.actor, catalog=serving.store.current, reference=reference)
    moved = send_to_counter(groom.session, actor=groom.actor, catalog=serving.store.current, reference=reference)
    assert moved["status"] == "at_counter"
    with pytest.raises(CoSignatureInvalid, match="no longer waits"):
        co_sign_request(groom.session, token=receipt.co_sign_links[0].token)
    with pytest.raises(StatusChangeInvalid):
        send_to_counter(groom.session, actor=groom.actor, catalog=serving.store.current, reference=reference)
    assert groom.session.scalars(select(Application)).one().status == "at_counter"
