"""What bundle tests share: a family in the hub, their My Number cards, and the resident's steps."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import JsonValue
from sqlalchemy.orm import Session

from guidance.households import BirthFamily, Households
from madoguchi.actor import Actor
from madoguchi.catalog.directory import ServingCatalog
from madoguchi.identity.card_authority import CardAuthority
from madoguchi.identity.card_trust import trust_of
from madoguchi.identity.virtual_card import VirtualCard, issue_card_for_resident
from madoguchi.intake.attachments import AttachmentInfo, add_attachment
from madoguchi.intake.bundles import SubmittedBundle, content_to_sign, submit_bundle
from madoguchi.intake.card_signature import card_signature_check, sign_with
from madoguchi.intake.drafts import DraftView, create_draft
from madoguchi.intake.signing import CardSignature
from madoguchi.vault import Vault

BORN = date(2025, 5, 30)
BIRTH_ANSWERS: dict[str, JsonValue] = {"claimant_public_servant": False, "lump_sum_direct_payment": "full",
                                       "single_parent": False}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
"""The first bytes of a PNG: a photo of a paper certificate, as far as the intake checks."""
CARD_ISSUER = Actor.operator("card-office")


def birth_values(inputs: list[dict[str, Any]]) -> dict[str, JsonValue]:
    """Everything the birth bundle of ``Households.birth_family`` asks the resident to type, and for each
    input to choose (a draft's ``inputs``), a choice (the first option; the newborn for persons)."""
    chosen: dict[str, JsonValue] = {}
    for entry in inputs:
        if entry["typing"] or not entry["required"]:
            continue
        chosen[entry["key"]] = {"select": entry["options"][0]["value"] if entry["options"] else None,
                                "bool": False, "person": "newborn", "persons": ["newborn"]}[entry["type"]]
    return chosen | {
        "newborn.given_name": "花", "newborn.given_name_kana": "ハナ", "newborn.relationship": "長女",
        "newborn.sex": "2", "applicant.phone": "0157234567",
        "birth-registration/newborn/birth_time": "10:42", "birth-registration/newborn/birth_place": {
            "postal_code": "0900015", "prefecture": "北海道", "city": "北見市", "town": "公園町", "block": "1"},
        "newborn-visit/newborn/birth_weight": 3120, "newborn-visit/newborn/birth_length": 49,
        "newborn-visit/newborn/gestational_weeks": 39,
    }


KITAMI = {"postal_code": "0900015", "prefecture": "北海道", "city": "北見市", "town": "公園町", "block": "1"}


def any_values(inputs: list[dict[str, Any]], people: list[str]) -> dict[str, JsonValue]:
    """A valid value for every required input, whatever the bundle: what a test needs that is not about values."""
    values: dict[str, JsonValue] = {}
    for entry in inputs:
        if not entry["required"]:
            continue
        kind, key = entry["type"], entry["key"]
        values[key] = {
            "select": entry["options"][0]["value"] if entry["options"] else None, "bool": False,
            "person": people[0], "persons": people[:1], "kana": "ヤマダ", "number": 1, "address": KITAMI,
            "date": "1990-04-01", "era_date": "1990-04-01",
            "account": {"bank_code": "0116", "branch_code": "201", "account_type": "1", "account_number": "1234567",
                        "holder_kana": "ヤマダ"},
        }.get(kind, "0157234567" if "phone" in key else "2020-04" if "since" in key else "山田")
    return values


@dataclass
class Resident:
    """One resident's steps through the intake, as their front calls them."""

    session: Session
    vault: Vault
    serving: ServingCatalog
    authority: CardAuthority
    atena: str
    card: VirtualCard

    @property
    def actor(self) -> Actor:
        return Actor.resident(self.atena)

    def draft(self, event: str = "birth", on: date = BORN, **answers: JsonValue) -> DraftView:
        return create_draft(self.session, actor=self.actor, catalog=self.serving.store.current,
                            purposes=self.serving.purposes, vault=self.vault, event_id=event, event_date=on,
                            answers=answers)

    def attach(self, draft: DraftView, procedure: str, evidence: str, content: bytes = PNG,
               media_type: str = "image/png", subject: str = "newborn") -> AttachmentInfo:
        return add_attachment(self.session, actor=self.actor, draft_id=draft.draft_id, procedure=procedure,
                              subject=subject, evidence=evidence, filename="photo.png", media_type=media_type,
                              content=content)

    def content(self, draft_id: uuid.UUID, values: dict[str, JsonValue]) -> bytes:
        return content_to_sign(self.session, actor=self.actor, catalog=self.serving.store.current,
                               vault=self.vault, draft_id=draft_id, values=values)

    def sign(self, content: bytes, card: VirtualCard | None = None) -> CardSignature:
        card = card or self.card
        return sign_with(card.sign(content), card.signing_certificate_der)

    def submit(self, draft_id: uuid.UUID, values: dict[str, JsonValue],
               signature: CardSignature | None = None) -> SubmittedBundle:
        signature = signature or self.sign(self.content(draft_id, values))
        return submit_bundle(self.session, actor=self.actor, catalog=self.serving.store.current, vault=self.vault,
                             check_signature=self.check, draft_id=draft_id, values=values, signature=signature)

    @property
    def check(self) -> Any:
        return card_signature_check(trust_of(self.authority), purposes=self.serving.purposes, vault=self.vault)


def a_card(session: Session, vault: Vault, serving: ServingCatalog, authority: CardAuthority,
           atena: str) -> VirtualCard:
    return issue_card_for_resident(session, actor=CARD_ISSUER, authority=authority, atena_number=atena,
                                   purposes=serving.purposes, vault=vault)


def birth_family_with_cards(session: Session, vault: Vault, serving: ServingCatalog, authority: CardAuthority,
                            homes: Households) -> tuple[BirthFamily, Resident, Resident]:
    """The birth family, the father (the applicant) and the mother, each holding their card."""
    family = homes.birth_family()
    father, mother = (Resident(session, vault, serving, authority, p.atena_number,
                               a_card(session, vault, serving, authority, p.atena_number))
                      for p in (family.father, family.mother))
    return family, father, mother


def birth_answers(family: BirthFamily) -> dict[str, JsonValue]:
    return {**BIRTH_ANSWERS, "mother": family.mother.atena_number, "father": family.father.atena_number,
            "claimant": family.father.atena_number}
