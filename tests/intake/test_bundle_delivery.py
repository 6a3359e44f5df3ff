"""From the resident's signature to every department: the inbox at once, a department's system over HTTP."""

from __future__ import annotations

import json

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from guidance.households import Households
from madoguchi import clock
from madoguchi.catalog.directory import ServingCatalog
from madoguchi.db.engine import transaction
from madoguchi.identity.card_authority import CardAuthority
from madoguchi.intake.channels import ChannelRegistry
from madoguchi.intake.delivery_models import Delivery, DeliveryStatus
from madoguchi.intake.delivery_settings import DeliverySettings
from madoguchi.intake.reference_target import ReferenceTarget
from madoguchi.intake.worker import run_once
from madoguchi.vault import Vault
from registry.factories import TODAY, Hub

from .bundle_kit import birth_answers, birth_family_with_cards, birth_values
from .factories import a_target
from .test_bundles import authority  # noqa: F401 - the session's card authority


def test_a_signed_bundle_reaches_every_department_once(
        clean_engine: Engine, vault: Vault, serving: ServingCatalog, authority: CardAuthority,  # noqa: F811
        channels: ChannelRegistry, settings: DeliverySettings, target: ReferenceTarget) -> None:
    clock.freeze(TODAY)
    a_target(clean_engine, channels, "http", target.url, department="insurance-pension")
    with Session(clean_engine, expire_on_commit=False) as session, session.begin():
        family, father, _ = birth_family_with_cards(session, vault, serving, authority,
                                                    Households(Hub.start(session, vault)))
        draft = father.draft(**birth_answers(family))  # type: ignore[arg-type]
        father.attach(draft, "birth-registration", "birth-certificate")
        receipt = father.submit(draft.draft_id, birth_values(draft.filled["inputs"]))

    run_once(clean_engine, channels=channels, settings=settings)

    with transaction(clean_engine) as session:
        deliveries = list(session.scalars(select(Delivery)))
    assert {d.status for d in deliveries} == {DeliveryStatus.DELIVERED}
    assert sorted(d.payload["reference"] for d in deliveries) == sorted(
        a["reference"] for a in receipt.applications)
    over_http = [a["reference"] for a in receipt.applications if a["department"] == "insurance-pension"]
    taken = [json.loads(r.body)["payload"]["reference"] for r in target.received if r.taken]
    assert taken == over_http and over_http
