from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from madoguchi.actor import Actor
from madoguchi.clock import TOKYO
from madoguchi.registry.access_models import AccessLogEntry
from madoguchi.registry.errors import (
    HouseholdNotFound,
    ItemNotAllowed,
    PersonNotFound,
    PurposeNotAllowed,
    PurposeUnknown,
)
from madoguchi.registry.purpose import PurposeRegistry
from madoguchi.registry.service import (
    PersonRead,
    list_access,
    view_household,
    view_person,
    view_persons,
)
from madoguchi.vault import Vault

from .factories import Hub, a_my_number

CLERK = Actor.staff("s-0042", "子育て支援課")
PORTAL = Actor.system("portal", "市民課")
AUDITOR = Actor.staff("s-0001", "監査室")


def entries(session: Session, atena_number: str | None = None) -> list[AccessLogEntry]:
    statement = select(AccessLogEntry).order_by(AccessLogEntry.subject, AccessLogEntry.seq)
    if atena_number is not None:
        statement = statement.where(AccessLogEntry.subject == atena_number)
    return list(session.scalars(statement))


def log_size(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AccessLogEntry)) or 0


@contextmanager
def statements(session: Session) -> Iterator[list[str]]:
    seen: list[str] = []
    connection = session.connection()

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", record)


def test_a_view_holds_exactly_the_items_the_purpose_allows(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    person = hub.person()
    view = view_person(session, actor=CLERK, atena_number=person.atena_number,
                       purpose="procedure:ltc-certification", purposes=purposes, vault=vault)
    assert set(view.items) == {"family_name", "ltc", "tax"}
    assert view.items["family_name"].value == "山田"
    assert view.items["ltc"].value is None  # allowed, but the system holds nothing: null, not absent


def test_each_value_carries_its_source_its_systems_export_date_and_since(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    person = hub.person()
    hub.record("tax", valid_from=date(2025, 5, 20), atena_number=person.atena_number, fiscal_year=2025,
               total_income=3_200_000, income_kind="salary", taxed=True, dependents=1)
    hub.snapshot("tax", datetime(2025, 6, 1, 0, 30, tzinfo=TOKYO))  # as the importer writes it
    view = view_person(session, actor=CLERK, atena_number=person.atena_number,
                       purpose="procedure:ltc-certification", purposes=purposes, vault=vault)
    tax = view.items["tax"]
    assert tax.source == "tax"
    assert tax.as_of == date(2025, 6, 1)
    assert tax.since == date(2025, 5, 20)
    assert tax.value == [{"fiscal_year": 2025, "total_income": 3_200_000, "income_kind": "salary",
                          "taxed": True, "dependents": 1}]
    assert view.items["family_name"].source == "juki"
    assert view.items["family_name"].as_of is None  # no juki export recorded in this hub


def test_as_of_gives_the_values_valid_on_that_date(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    before = hub.person(valid_from=date(2024, 4, 1), family_name="佐藤")
    hub.end(before, date(2025, 1, 10))
    hub.person(atena_number=before.atena_number, household=before.household_number,
               valid_from=date(2025, 1, 10), family_name="山田")
    ltc = hub.record("ltc", valid_from=date(2024, 4, 1), atena_number=before.atena_number,
                     insured_number="0000012345", care_level="要介護1")
    hub.end(ltc, date(2024, 10, 1), reason="ended")

    def family_name_and_ltc(on: date | None) -> tuple[object, object]:
        view = view_person(session, actor=CLERK, atena_number=before.atena_number, as_of=on,
                           purpose="procedure:ltc-certification", purposes=purposes, vault=vault)
        return view.items["family_name"].value, view.items["ltc"].value

    assert family_name_and_ltc(None) == ("山田", None)
    assert family_name_and_ltc(date(2025, 1, 9)) == ("佐藤", None)
    assert family_name_and_ltc(date(2024, 6, 1)) == (
        "佐藤", {"insured_number": "0000012345", "care_level": "要介護1", "certified_until": None})
    with pytest.raises(PersonNotFound):
        family_name_and_ltc(date(2024, 3, 31))


def test_the_my_number_is_opened_only_for_a_purpose_with_a_my_number_basis(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    family = hub.family()
    view = view_person(session, actor=CLERK, atena_number=family.head.atena_number,
                       purpose="procedure:child-allowance-claim", purposes=purposes, vault=vault)
    assert view.items["my_number"].value == a_my_number(1)
    assert entries(session, family.head.atena_number)[-1].my_number_basis is not None

    without_basis = view_person(session, actor=CLERK, atena_number=family.head.atena_number,
                                purpose="procedure:nhi-enrollment", purposes=purposes, vault=vault)
    assert "my_number" not in without_basis.items
    assert "my_number" not in entries(session, family.head.atena_number)[-1].items


def test_self_view_shows_the_my_number_masked_and_logs_it_as_masked(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    family = hub.family()
    view = view_person(session, actor=Actor.resident(family.head.atena_number),
                       atena_number=family.head.atena_number, purpose="self-view",
                       purposes=purposes, vault=vault)
    assert view.items["my_number"].value == "********" + a_my_number(1)[-4:]
    entry = entries(session, family.head.atena_number)[-1]
    assert "my_number:masked" in entry.items and "my_number" not in entry.items
    assert entry.my_number_basis is None


def test_each_person_read_appends_one_entry_saying_who_why_and_what(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    person = hub.person()
    view_person(session, actor=CLERK, atena_number=person.atena_number, as_of=date(2025, 5, 1),
                purpose="procedure:ltc-certification", purposes=purposes, vault=vault)
    [entry] = entries(session, person.atena_number)
    assert (entry.actor_kind, entry.actor_id, entry.department) == ("staff", "s-0042", "子育て支援課")
    assert entry.purpose == "procedure:ltc-certification"
    assert entry.legal_basis.startswith("個人情報保護法第69条第2項第2号")
    assert entry.items == ["family_name", "ltc", "tax"]
    assert entry.as_of == date(2025, 5, 1)
    assert entry.seq == 1


def test_an_unknown_person_is_not_found_and_nothing_is_logged(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    with pytest.raises(PersonNotFound):
        view_person(session, actor=CLERK, atena_number=hub.number(),
                    purpose="procedure:ltc-certification", purposes=purposes, vault=vault)
    assert log_size(session) == 0


def test_a_person_under_support_measures_is_invisible_to_staff_without_authority(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    hidden = hub.person(support_measure=True)
    for actor in (CLERK, PORTAL, Actor.operator("ops")):
        purpose = "self-view" if actor.kind == "operator" else "procedure:ltc-certification"
        with pytest.raises(PersonNotFound) as refused:
            view_person(session, actor=actor, atena_number=hidden.atena_number, purpose=purpose,
                        purposes=purposes, vault=vault)
        assert hidden.atena_number not in str(refused.value)
    assert log_size(session) == 0

    authorised = Actor.staff("s-0099", "市民課", may_see_support_measure=True)
    view_person(session, actor=authorised, atena_number=hidden.atena_number,
                purpose="procedure:ltc-certification", purposes=purposes, vault=vault)
    view_person(session, actor=Actor.resident(hidden.atena_number), atena_number=hidden.atena_number,
                purpose="self-view", purposes=purposes, vault=vault)
    assert [e.actor_kind for e in entries(session, hidden.atena_number)] == ["staff", "resident"]


def test_a_resident_reads_their_minor_child_with_self_view_but_not_their_adult_child_or_spouse(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    family = hub.family()
    parent = Actor.resident(family.spouse.atena_number)
    view = view_person(session, actor=parent, atena_number=family.minor_child.atena_number,
                       purpose="self-view", purposes=purposes, vault=vault)
    assert view.items["given_name"].value == "次郎"
    for other in (family.adult_child, family.head):
        with pytest.raises(PersonNotFound):
            view_person(session, actor=parent, atena_number=other.atena_number, purpose="self-view",
                        purposes=purposes, vault=vault)
    read = {e.subject for e in entries(session)}  # the child's household item lists the parent too
    assert read == {family.minor_child.atena_number, family.spouse.atena_number}


def test_a_child_turns_adult_the_day_before_the_18th_birthday(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    household = hub.number()
    parent = hub.person(household=household)
    child = hub.person(household=household, relationship="子", birth_date=date(2007, 6, 2))
    actor = Actor.resident(parent.atena_number)

    def read(on: date) -> None:
        view_person(session, actor=actor, atena_number=child.atena_number, purpose="self-view",
                    purposes=purposes, vault=vault, as_of=on)

    read(date(2025, 5, 31))
    with pytest.raises(PersonNotFound):
        read(date(2025, 6, 1))


def test_a_resident_reads_household_members_for_a_procedures_items(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    family = hub.family()
    view = view_person(session, actor=Actor.resident(family.spouse.atena_number),
                       atena_number=family.head.atena_number,
                       purpose="procedure:child-allowance-claim", purposes=purposes, vault=vault)
    assert set(view.items) == {"family_name", "given_name", "birth_date", "address", "relationship",
                               "child_allowance", "account", "household", "my_number"}


def test_a_resident_reads_nobody_outside_their_household(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    me, stranger = hub.person(), hub.person()
    for purpose in ("self-view", "procedure:child-allowance-claim"):
        with pytest.raises(PersonNotFound):
            view_person(session, actor=Actor.resident(me.atena_number), atena_number=stranger.atena_number,
                        purpose=purpose, purposes=purposes, vault=vault)
    assert log_size(session) == 0


def test_the_household_item_lists_the_visible_members_read_with_the_same_items(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    family = hub.family()
    hidden = hub.person(household=family.head.household_number, relationship="同居人", support_measure=True)
    view = view_person(session, actor=Actor.resident(family.head.atena_number),
                       atena_number=family.head.atena_number,
                       purpose="procedure:child-allowance-claim", purposes=purposes, vault=vault)
    members = view.items["household"].value
    assert isinstance(members, list)
    listed = {m["atena_number"] for m in members}  # type: ignore[index,call-overload]
    assert listed == {family.spouse.atena_number, family.adult_child.atena_number,
                      family.minor_child.atena_number}
    assert hidden.atena_number not in listed
    assert all("household" not in m["items"] for m in members)  # type: ignore[index,call-overload]
    logged = {e.subject: e.items for e in entries(session)}
    assert set(logged) == listed | {family.head.atena_number}
    assert "household" in logged[family.head.atena_number]
    assert "household" not in logged[family.spouse.atena_number]


def test_self_view_of_the_household_shows_a_parent_only_their_minor_children(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    family = hub.family()
    view = view_person(session, actor=Actor.resident(family.head.atena_number),
                       atena_number=family.head.atena_number, purpose="self-view",
                       purposes=purposes, vault=vault)
    members = view.items["household"].value
    assert [m["atena_number"] for m in members] == [family.minor_child.atena_number]  # type: ignore[index,union-attr,call-overload]


def test_a_purpose_the_actor_kind_may_not_use_is_refused_and_nothing_is_logged(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    person = hub.person()
    for actor, purpose in [(PORTAL, "self-view"), (Actor.resident(person.atena_number), "audit"),
                           (Actor.resident(person.atena_number), "screening:ltc-certification")]:
        with pytest.raises(PurposeNotAllowed):
            view_person(session, actor=actor, atena_number=person.atena_number, purpose=purpose,
                        purposes=purposes, vault=vault)
    assert log_size(session) == 0


def test_a_departments_review_purpose_is_refused_to_other_departments(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    person = hub.person()
    with pytest.raises(PurposeNotAllowed):
        view_person(session, actor=CLERK, atena_number=person.atena_number, purpose="review:介護保険課",
                    purposes=purposes, vault=vault)
    view = view_person(session, actor=Actor.staff("s-7", "介護保険課"), atena_number=person.atena_number,
                       purpose="review:介護保険課", purposes=purposes, vault=vault)
    assert set(view.items) == {"family_name", "ltc", "tax"}


def test_an_unknown_purpose_is_refused(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    with pytest.raises(PurposeUnknown):
        view_person(session, actor=CLERK, atena_number=hub.person().atena_number, purpose="curiosity",
                    purposes=purposes, vault=vault)
    assert log_size(session) == 0


def test_asking_for_items_beyond_the_purpose_is_refused_naming_them(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    person = hub.person()
    view = view_person(session, actor=CLERK, atena_number=person.atena_number, items=["tax"],
                       purpose="procedure:ltc-certification", purposes=purposes, vault=vault)
    assert set(view.items) == {"tax"}
    with pytest.raises(ItemNotAllowed, match="account, my_number"):
        view_person(session, actor=CLERK, atena_number=person.atena_number, items=["tax", "account", "my_number"],
                    purpose="procedure:ltc-certification", purposes=purposes, vault=vault)
    assert [e.items for e in entries(session)] == [["tax"]]


def test_every_item_reads_its_systems_values(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    family = hub.family()
    head, child = family.head.atena_number, family.minor_child.atena_number
    hub.record("nhi", atena_number=head, insured_symbol="01", insured_number="123", acquired_on=date(2020, 4, 1))
    hub.record("child_allowance", recipient_atena=head, child_atena=child, certified_on=date(2015, 5, 1),
               monthly_amount=10_000)
    hub.record("pension", atena_number=head, category="1", since=date(2005, 6, 1))
    hub.account(head, bank_code="0001", branch_code="001", account_type="1", account_number="1234567",
                holder_kana="ヤマダ　タロウ")
    items = view_person(session, actor=Actor.resident(head), atena_number=head, purpose="self-view",
                        purposes=purposes, vault=vault).items
    assert items["birth_date"].value == {"date": "1985-06-15", "note": None}
    assert items["address"].value == {"postal_code": "1600022", "prefecture": "東京都", "city": "新宿区",
                                      "town": "新宿", "block": "1-2-3", "building": None, "town_id": None}
    assert items["resident_since"].value == "2010-04-01"
    assert items["foreign_resident"].value is None
    assert items["nhi"].value == {"insured_symbol": "01", "insured_number": "123",
                                  "acquired_on": "2020-04-01", "lost_on": None}
    assert items["pension"].value == {"category": "1", "since": "2005-06-01"}
    assert items["child_allowance"].value == {"as_child": [], "as_recipient": [{
        "recipient": head, "child": child, "certified_on": "2015-05-01", "ended_on": None,
        "monthly_amount": 10_000}]}
    assert items["account"].value == {"bank_code": "0001", "branch_code": "001", "account_type": "1",
                                      "account_number": "1234567", "holder_kana": "ヤマダ　タロウ"}
    assert items["late_elderly"].value is None


def test_a_birth_date_of_unknown_day_keeps_its_note(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    person = hub.person(birth_date=None, birth_date_note="昭和20年頃")
    view = view_person(session, actor=Actor.resident(person.atena_number), atena_number=person.atena_number,
                       purpose="self-view", purposes=purposes, vault=vault, items=["birth_date"])
    assert view.items["birth_date"].value == {"date": None, "note": "昭和20年頃"}


def test_a_household_is_read_with_one_query_per_system(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    family = hub.family()
    for member in (family.head, family.spouse):
        hub.record("tax", atena_number=member.atena_number, fiscal_year=2025, total_income=1,
                   income_kind="salary", taxed=True, dependents=0)
    with statements(session) as seen:
        view = view_household(session, actor=Actor.staff("s-7", "介護保険課"),
                              household_number=family.head.household_number,
                              purpose="review:介護保険課", purposes=purposes, vault=vault)
    assert len(view.members) == 4
    reads = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    for table in ("juki_records", "tax_records", "ltc_records"):
        assert len([s for s in reads if re.search(rf"\bFROM {table}\b", s)]) == 1, table
    assert len(entries(session)) == 4


def test_a_household_view_leaves_out_whom_the_actor_may_not_see(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    family = hub.family()
    hidden = hub.person(household=family.head.household_number, relationship="同居人", support_measure=True)
    view = view_household(session, actor=Actor.resident(family.head.atena_number),
                          household_number=family.head.household_number, purpose="self-view",
                          purposes=purposes, vault=vault)
    assert [m.atena_number for m in view.members] == sorted(
        [family.head.atena_number, family.minor_child.atena_number])
    staff_view = view_household(session, actor=Actor.staff("s-7", "介護保険課"),
                                household_number=family.head.household_number,
                                purpose="review:介護保険課", purposes=purposes, vault=vault)
    assert hidden.atena_number not in {m.atena_number for m in staff_view.members}


def test_a_resident_cannot_read_another_household(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    family, stranger = hub.family(), hub.person()
    with pytest.raises(HouseholdNotFound):
        view_household(session, actor=Actor.resident(stranger.atena_number),
                       household_number=family.head.household_number,
                       purpose="procedure:child-allowance-claim", purposes=purposes, vault=vault)
    assert log_size(session) == 0


def test_a_resident_lists_their_own_access_newest_first_without_staff_ids(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    person = hub.person()
    me = Actor.resident(person.atena_number)
    view_person(session, actor=CLERK, atena_number=person.atena_number,
                purpose="procedure:ltc-certification", purposes=purposes, vault=vault)
    view_person(session, actor=me, atena_number=person.atena_number, purpose="self-view",
                purposes=purposes, vault=vault)
    listing = list_access(session, actor=me, atena_number=person.atena_number, purpose="self-view",
                          purposes=purposes)
    assert [(e.seq, e.actor_kind, e.actor_id) for e in listing.entries] == [
        (2, "resident", person.atena_number), (1, "staff", None)]
    assert listing.entries[1].department == "子育て支援課"
    assert listing.next_before is None
    assert len(entries(session, person.atena_number)) == 2  # a resident's own listing is not a read by others


def test_the_access_list_pages_backwards(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    person = hub.person()
    for _ in range(3):
        view_person(session, actor=CLERK, atena_number=person.atena_number,
                    purpose="procedure:ltc-certification", purposes=purposes, vault=vault)
    me = Actor.resident(person.atena_number)
    first = list_access(session, actor=me, atena_number=person.atena_number, purpose="self-view",
                        purposes=purposes, limit=2)
    assert [e.seq for e in first.entries] == [3, 2] and first.next_before == 2
    rest = list_access(session, actor=me, atena_number=person.atena_number, purpose="self-view",
                       purposes=purposes, limit=2, before=first.next_before)
    assert [e.seq for e in rest.entries] == [1] and rest.next_before is None


def test_an_auditor_lists_anyones_access_and_the_listing_is_logged(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    person = hub.person()
    view_person(session, actor=CLERK, atena_number=person.atena_number,
                purpose="procedure:ltc-certification", purposes=purposes, vault=vault)
    listing = list_access(session, actor=AUDITOR, atena_number=person.atena_number, purpose="audit",
                          purposes=purposes)
    assert [e.actor_id for e in listing.entries] == ["s-0042"]
    newest = entries(session, person.atena_number)[-1]
    assert (newest.purpose, newest.actor_id, newest.items) == ("audit", "s-0001", ["access_log"])


def test_the_access_list_is_refused_to_others(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    person, other = hub.person(), hub.person()
    with pytest.raises(PersonNotFound):
        list_access(session, actor=Actor.resident(other.atena_number), atena_number=person.atena_number,
                    purpose="self-view", purposes=purposes)
    with pytest.raises(PurposeNotAllowed):
        list_access(session, actor=CLERK, atena_number=person.atena_number,
                    purpose="procedure:ltc-certification", purposes=purposes)
    with pytest.raises(PurposeNotAllowed):
        list_access(session, actor=PORTAL, atena_number=person.atena_number, purpose="audit",
                    purposes=purposes)
    assert log_size(session) == 0


def test_an_operator_using_self_view_sees_what_the_resident_would(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    family = hub.family()
    view = view_person(session, actor=Actor.operator("counter-3"), atena_number=family.head.atena_number,
                       purpose="self-view", purposes=purposes, vault=vault)
    members = view.items["household"].value
    assert [m["atena_number"] for m in members] == [family.minor_child.atena_number]  # type: ignore[index,union-attr,call-overload]
    with pytest.raises(HouseholdNotFound):
        view_household(session, actor=Actor.operator("counter-3"), purpose="self-view",
                       household_number=family.head.household_number, purposes=purposes, vault=vault)


def test_a_batch_answers_each_read_as_alone_and_logs_one_entry_per_person_and_purpose(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    family = hub.family()
    head, spouse = family.head.atena_number, family.spouse.atena_number
    views = view_persons(session, actor=CLERK, purposes=purposes, vault=vault, reads=[
        PersonRead(head, "procedure:child-allowance-claim", ["family_name"]),
        PersonRead(spouse, "procedure:ltc-certification", ["ltc"]),
        PersonRead(head, "procedure:child-allowance-claim", ["given_name", "my_number"]),
        PersonRead(head, "procedure:ltc-certification", ["family_name"])])
    assert [(v.atena_number, v.purpose, sorted(v.items)) for v in views] == [
        (head, "procedure:child-allowance-claim", ["family_name"]),
        (spouse, "procedure:ltc-certification", ["ltc"]),
        (head, "procedure:child-allowance-claim", ["given_name", "my_number"]),
        (head, "procedure:ltc-certification", ["family_name"])]
    assert views[2].items["my_number"].value == a_my_number(1)
    logged = [(e.subject, e.seq, e.purpose, e.items) for e in entries(session)]
    assert logged == sorted([
        (head, 1, "procedure:child-allowance-claim", ["family_name", "given_name", "my_number"]),
        (head, 2, "procedure:ltc-certification", ["family_name"]),
        (spouse, 1, "procedure:ltc-certification", ["ltc"])])


def test_a_batch_with_one_refused_read_answers_nothing_and_logs_nothing(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    family = hub.family()
    hidden = hub.person(household=family.head.household_number, relationship="同居人", support_measure=True)
    with pytest.raises(PersonNotFound):
        view_persons(session, actor=CLERK, purposes=purposes, vault=vault, reads=[
            PersonRead(family.head.atena_number, "procedure:child-allowance-claim"),
            PersonRead(hidden.atena_number, "procedure:child-allowance-claim")])
    assert log_size(session) == 0


def test_a_batch_reads_all_its_people_with_one_query_per_system(
        session: Session, hub: Hub, vault: Vault, purposes: PurposeRegistry) -> None:
    family = hub.family()
    with statements(session) as seen:
        view_persons(session, actor=CLERK, purposes=purposes, vault=vault, reads=[
            PersonRead(family.head.atena_number, "procedure:child-allowance-claim", ["family_name", "household"]),
            PersonRead(family.spouse.atena_number, "procedure:ltc-certification", ["ltc", "tax"])])
    for table in ("juki_records", "ltc_records", "tax_records", "system_snapshots", "access_log_entries"):
        assert len([s for s in seen if re.search(rf"\b{table}\b", s)]) == 1, table
