"""Records fetched once per request: later views of the same people fetch nothing again, and are still logged."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from madoguchi.clock import TOKYO
from madoguchi.registry.fetched import Fetched
from madoguchi.registry.models import SystemSnapshot
from madoguchi.registry.purpose import PurposeRegistry
from madoguchi.registry.service import PersonRead, view_person, view_persons
from madoguchi.vault import Vault

from .factories import Hub
from .test_service import CLERK, entries, statements


def test_later_views_take_what_an_earlier_view_fetched_and_fetch_only_the_rest(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    family = hub.family()
    hub.record("child_allowance", recipient_atena=family.head.atena_number,
               child_atena=family.minor_child.atena_number, certified_on=date(2020, 4, 1), monthly_amount=10000)
    fetched = Fetched()
    view_person(session, actor=CLERK, atena_number=family.head.atena_number, purpose="procedure:child-allowance-claim",
                purposes=purposes, vault=vault, items=["family_name", "child_allowance", "household"],
                fetched=fetched)
    with statements(session) as seen:
        spouse, child = view_persons(session, actor=CLERK, purposes=purposes, vault=vault, fetched=fetched, reads=[
            PersonRead(family.spouse.atena_number, "procedure:child-allowance-claim", ["given_name"]),
            PersonRead(family.minor_child.atena_number, "procedure:ltc-certification", ["family_name", "tax"])])
    reads = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    assert [table for s in reads for table in re.findall(r"\bFROM (\w+)", s)] == ["tax_records"]
    assert spouse.items["given_name"].value == "花子" and child.items["tax"].value == []
    assert {(e.subject, e.purpose) for e in entries(session) if e.subject != family.head.atena_number} >= {
        (family.spouse.atena_number, "procedure:child-allowance-claim"),
        (family.minor_child.atena_number, "procedure:ltc-certification")}


def test_export_dates_are_fetched_once_per_request_and_the_next_request_sees_a_new_import(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    person = hub.person()
    hub.snapshot("tax", datetime(2025, 6, 1, 0, 30, tzinfo=TOKYO))
    fetched = Fetched()

    def tax_as_of(fetched: Fetched | None) -> date | None:
        return view_person(session, actor=CLERK, atena_number=person.atena_number, purpose="procedure:ltc-certification",
                           purposes=purposes, vault=vault, items=["tax"], fetched=fetched).items["tax"].as_of

    assert tax_as_of(fetched) == date(2025, 6, 1)
    session.execute(update(SystemSnapshot).where(SystemSnapshot.system == "tax")  # an import of July's set
                    .values(extracted_at=datetime(2025, 7, 1, 0, 30, tzinfo=TOKYO)))
    assert tax_as_of(fetched) == date(2025, 6, 1)  # the same request sees the hub as it first read it
    assert tax_as_of(None) == date(2025, 7, 1)


def test_records_fetched_for_one_date_do_not_answer_another(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    person = hub.person()
    with pytest.raises(ValueError, match="as of"):
        view_person(session, actor=CLERK, atena_number=person.atena_number, purpose="procedure:ltc-certification",
                    purposes=purposes, vault=vault, as_of=date(2025, 5, 1), fetched=Fetched())
