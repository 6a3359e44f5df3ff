"""A resident's access log as My data lists it: whose, narrowed how, and who is named."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from madoguchi.actor import Actor
from madoguchi.registry.access_history import AccessFilter, list_resident_access
from madoguchi.registry.access_models import AccessLogEntry
from madoguchi.registry.errors import PersonNotFound, PurposeNotAllowed
from madoguchi.registry.purpose import PurposeRegistry
from madoguchi.registry.service import view_person
from madoguchi.vault import Vault

from .factories import Hub

CLERK = Actor.staff("s-0042", "子育て支援課")
PORTAL = Actor.system("portal", "市民課")


def log_size(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AccessLogEntry)) or 0


def test_only_residents_list_this_way_and_only_themselves_and_their_minor_children(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    family = hub.family()
    with pytest.raises(PurposeNotAllowed):
        list_resident_access(session, actor=CLERK, atena_number=family.head.atena_number, purposes=purposes)
    spouse = Actor.resident(family.spouse.atena_number)
    for other in (family.head, family.adult_child, hub.person()):
        with pytest.raises(PersonNotFound):
            list_resident_access(session, actor=spouse, atena_number=other.atena_number, purposes=purposes)
    assert log_size(session) == 0
    list_resident_access(session, actor=spouse, atena_number=family.minor_child.atena_number, purposes=purposes)
    [listing] = session.scalars(select(AccessLogEntry)).all()
    assert (listing.subject, listing.actor_id, listing.items) == (
        family.minor_child.atena_number, family.spouse.atena_number, ["access_log"])


def test_a_program_is_named_but_a_staff_member_or_another_resident_is_not(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    family = hub.family()
    child = family.minor_child.atena_number
    for actor, purpose in [(PORTAL, "procedure:child-allowance-claim"), (CLERK, "procedure:child-allowance-claim"),
                           (Actor.resident(family.head.atena_number), "procedure:child-allowance-claim"),
                           (Actor.resident(child), "self-view")]:
        view_person(session, actor=actor, atena_number=child, purpose=purpose, purposes=purposes, vault=vault,
                    items=["family_name"])
    page = list_resident_access(session, actor=Actor.resident(family.spouse.atena_number), atena_number=child,
                                purposes=purposes)
    assert [(e.actor_kind, e.actor_id, e.department) for e in page.entries] == [
        ("resident", child, None), ("resident", None, None), ("staff", None, "子育て支援課"),
        ("system", "portal", "市民課")]
    assert page.departments == ["子育て支援課", "市民課"]


def test_filters_narrow_by_purpose_kind_department_and_tokyo_days(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    person = hub.person()
    me = Actor.resident(person.atena_number)
    view_person(session, actor=CLERK, atena_number=person.atena_number, purpose="procedure:ltc-certification",
                purposes=purposes, vault=vault)
    view_person(session, actor=me, atena_number=person.atena_number, purpose="self-view", purposes=purposes,
                vault=vault)

    def seqs(filters: AccessFilter) -> list[int]:
        page = list_resident_access(session, actor=me, atena_number=person.atena_number, purposes=purposes,
                                    filters=filters)
        return [e.seq for e in page.entries]

    assert seqs(AccessFilter()) == [2, 1]
    assert seqs(AccessFilter(purpose_kind="procedure")) == [1]
    assert seqs(AccessFilter(purpose_kind="self-view")) == [2]
    assert seqs(AccessFilter(purpose_kind="proc")) == []  # a kind is matched whole, not as a prefix
    assert seqs(AccessFilter(department="子育て支援課")) == [1]
    assert seqs(AccessFilter(since=date(2025, 6, 1), until=date(2025, 6, 1))) == [2, 1]  # 10:00 in Tokyo
    assert seqs(AccessFilter(since=date(2025, 6, 2))) == [] and seqs(AccessFilter(until=date(2025, 5, 31))) == []
    assert log_size(session) == 2  # listing one's own log reads no one
