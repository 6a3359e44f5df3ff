"""Who may read whom: the household rules of ``self-view`` beside those of a procedure."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session

from madoguchi.actor import Actor
from madoguchi.registry.errors import PersonNotFound
from madoguchi.registry.models import JukiRecord
from madoguchi.registry.policy import may_read
from madoguchi.registry.purpose import PurposeRegistry
from madoguchi.registry.service import view_person
from madoguchi.vault import Vault

from .factories import Hub

ON = date(2025, 6, 1)
HOUSEHOLD = "0000020001"


def member(atena_number: str, relationship: str, born: date, **columns: Any) -> JukiRecord:
    values: dict[str, Any] = {"status": "1", "support_measure": False, **columns}
    return JukiRecord(atena_number=atena_number, household_number=values.pop("household", HOUSEHOLD),
                      relationship=relationship, birth_date=born, **values)


HEAD = member("0000010001", "世帯主", date(1985, 6, 15))
WIFE = member("0000010002", "妻", date(1987, 1, 5))
CHILD = member("0000010003", "子", date(2015, 1, 1))
HER_CHILD = member("0000010004", "妻の子", date(2013, 3, 3))
ADULT_CHILD = member("0000010005", "子", date(2005, 1, 1))
LODGER = member("0000010006", "同居人", date(1990, 2, 2))


def reads(purposes: PurposeRegistry, reader: JukiRecord, subject: JukiRecord, purpose: str = "self-view") -> bool:
    return may_read(Actor.resident(reader.atena_number), purposes.resolve(purpose), subject, requester=reader, on=ON)


def test_a_parent_reads_their_minor_children_under_self_view(purposes: PurposeRegistry) -> None:
    assert reads(purposes, HEAD, CHILD) and reads(purposes, WIFE, CHILD) and reads(purposes, WIFE, HER_CHILD)
    assert not reads(purposes, HEAD, HER_CHILD)  # the spouse's child is not the head's by 続柄


def test_adults_of_a_household_read_each_other_only_for_a_procedure(purposes: PurposeRegistry) -> None:
    for reader, subject in [(HEAD, WIFE), (WIFE, HEAD), (ADULT_CHILD, HEAD), (HEAD, ADULT_CHILD),
                            (HEAD, LODGER), (CHILD, HEAD)]:
        assert not reads(purposes, reader, subject), (reader.relationship, subject.relationship)
        assert reads(purposes, reader, subject, "procedure:child-allowance-claim")


def test_a_child_who_moved_out_or_died_is_no_longer_the_parents_to_see(purposes: PurposeRegistry) -> None:
    for status in ("2", "3", "4"):
        gone = member(CHILD.atena_number, "子", CHILD.birth_date or ON, status=status)
        assert not reads(purposes, HEAD, gone)
    moved_parent = member(HEAD.atena_number, "世帯主", HEAD.birth_date or ON, status="2")
    assert not reads(purposes, moved_parent, CHILD)
    elsewhere = member(CHILD.atena_number, "子", CHILD.birth_date or ON, household="0000020002")
    assert not reads(purposes, HEAD, elsewhere)


def test_a_minor_child_under_support_measures_is_hidden_from_the_parent(purposes: PurposeRegistry) -> None:
    hidden = member(CHILD.atena_number, "子", CHILD.birth_date or ON, support_measure=True)
    assert not reads(purposes, HEAD, hidden)
    assert not reads(purposes, HEAD, hidden, "procedure:child-allowance-claim")


def test_a_child_who_has_moved_out_is_not_found_by_the_parent_who_stayed(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    household = hub.number()
    parent = hub.person(household=household)
    child = hub.person(household=household, relationship="子", birth_date=date(2015, 1, 1), status="2",
                       town="別の町")
    with pytest.raises(PersonNotFound):
        view_person(session, actor=Actor.resident(parent.atena_number), atena_number=child.atena_number,
                    purpose="self-view", purposes=purposes, vault=vault)
