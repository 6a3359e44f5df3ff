"""The shipped catalog holds everything catalog.md requires, and passes every check."""

from __future__ import annotations

import pytest

from madoguchi.catalog.loader import check_folder
from madoguchi.catalog.models import Catalog
from madoguchi.catalog.validation import catalog_schema
from madoguchi.registry.purpose import shipped_catalog
from madoguchi.rules import SELECTORS

PROCEDURE_DEPARTMENTS = {
    "birth-registration": "citizens",
    "child-allowance-claim": "child-support",
    "child-allowance-revision": "child-support",
    "child-medical-subsidy": "child-support",
    "nhi-enrollment": "insurance-pension",
    "birth-lump-sum": "insurance-pension",
    "newborn-visit": "health-promotion",
    "single-parent-allowance": "child-support",
    "death-registration": "citizens",
    "cremation-permit": "citizens",
    "nhi-withdrawal": "insurance-pension",
    "late-elderly-withdrawal": "insurance-pension",
    "ltc-withdrawal": "long-term-care",
    "funeral-expenses": "insurance-pension",
    "householder-change": "citizens",
    "child-allowance-end": "child-support",
    "survivor-basic-pension": "insurance-pension",
    "pension-death-lump-sum": "insurance-pension",
    "pension-unpaid": "insurance-pension",
    "move-in-notification": "citizens",
    "school-transfer-in": "school-education",
    "ltc-enrollment": "long-term-care",
    "late-elderly-enrollment": "insurance-pension",
    "seal-registration": "citizens",
    "move-out-notification": "citizens",
    "school-transfer-out": "school-education",
    "address-change-notification": "citizens",
    "school-change": "school-education",
    "marriage-registration": "citizens",
    "household-merge": "citizens",
    "divorce-registration": "citizens",
    "pension-category-change": "insurance-pension",
    "ltc-certification": "long-term-care",
}
"""Every procedure of catalog.md, with the department catalog.md gives it."""

EVENT_PROCEDURES = {
    "birth": {"birth-registration", "child-allowance-claim", "child-allowance-revision",
              "child-medical-subsidy", "nhi-enrollment", "birth-lump-sum", "newborn-visit",
              "single-parent-allowance"},
    "death": {"death-registration", "cremation-permit", "nhi-withdrawal", "late-elderly-withdrawal",
              "ltc-withdrawal", "funeral-expenses", "householder-change", "child-allowance-end",
              "child-allowance-claim", "survivor-basic-pension", "pension-death-lump-sum",
              "pension-unpaid"},
    "move-in": {"move-in-notification", "nhi-enrollment", "child-allowance-claim",
                "child-medical-subsidy", "school-transfer-in", "ltc-enrollment",
                "late-elderly-enrollment", "seal-registration"},
    "move-out": {"move-out-notification", "nhi-withdrawal", "child-allowance-end",
                 "school-transfer-out", "ltc-withdrawal", "late-elderly-withdrawal"},
    "move-within": {"address-change-notification", "school-change"},
    "marriage": {"marriage-registration", "household-merge", "nhi-withdrawal"},
    "divorce": {"divorce-registration", "single-parent-allowance", "child-allowance-claim",
                "child-allowance-end"},
    "job-loss": {"nhi-enrollment", "pension-category-change"},
    "job-start": {"nhi-withdrawal"},
    "care-need": {"ltc-certification"},
}

QUESTIONS = {
    "birth": {"mother", "claimant", "claimant_public_servant", "lump_sum_direct_payment", "single_parent"},
    "death": {"deceased", "funeral_held", "funeral_date", "survivor_public_servant",
              "deceased_received_pension"},
    "move-in": {"previous_address", "movers"},
    "move-out": {"new_address", "movers"},
    "move-within": {"new_address", "movers", "school_district_changes"},
    "marriage": {"spouse", "living_together", "joins_spouse_employer_plan"},
    "divorce": {"former_spouse", "children_stay_with_applicant"},
    "job-loss": {"person"},
    "job-start": {"persons"},
    "care-need": {"person", "specified_disease"},
}

MOVER_FIELDS = {"family_name", "given_name", "family_name_kana", "given_name_kana", "birth_date", "sex",
                "employer_insurance", "public_servant"}


def test_shipped_catalog_has_no_errors() -> None:
    assert check_folder(shipped_catalog()) == []


def test_every_procedure_is_defined_in_its_department(shipped: Catalog) -> None:
    assert {p: shipped.procedures[p].department for p in PROCEDURE_DEPARTMENTS if p in shipped.procedures} \
        == PROCEDURE_DEPARTMENTS


@pytest.mark.parametrize("event_id", sorted(EVENT_PROCEDURES))
def test_every_event_leads_to_the_procedures_catalog_md_lists(shipped: Catalog, event_id: str) -> None:
    assert {e.procedure for e in shipped.event(event_id).entries} == EVENT_PROCEDURES[event_id]


@pytest.mark.parametrize("event_id", sorted(QUESTIONS))
def test_every_event_asks_the_fixed_question_ids(shipped: Catalog, event_id: str) -> None:
    asked = {q.id for q in shipped.event(event_id).questions}
    assert QUESTIONS[event_id] <= asked


def test_movers_of_a_move_in_give_the_fixed_fields(shipped: Catalog) -> None:
    movers = shipped.event("move-in").question("movers")
    assert movers is not None and movers.type == "movers"
    assert {f.id for f in movers.fields} >= MOVER_FIELDS


def test_the_dates_of_births_and_deaths_cannot_be_in_the_future_but_a_move_out_can(shipped: Catalog) -> None:
    assert shipped.event("birth").date.future_days == 0
    assert shipped.event("death").date.future_days == 0
    assert shipped.event("move-out").date.future_days == 30


def test_every_field_says_where_its_value_comes_from_or_why_it_is_typed(shipped: Catalog) -> None:
    for procedure in shipped.procedures.values():
        for field in procedure.form.fields:
            assert (field.prefill is None) != (field.typed is None), f"{procedure.id}.{field.id}"


def test_only_procedures_with_a_my_number_basis_read_the_my_number(shipped: Catalog) -> None:
    readers = [p for p in shipped.procedures.values() if "my_number" in p.reads]
    assert readers and all(p.my_number_basis for p in readers)


def test_marriage_and_divorce_need_both_spouses_and_two_adult_witnesses(shipped: Catalog) -> None:
    for procedure_id in ("marriage-registration", "divorce-registration"):
        signers = shipped.procedure(procedure_id).signers
        witnesses = [s for s in signers.required if s.role == "witness"]
        assert signers.counter_fallback
        assert len({s.role for s in signers.required}) == 3
        assert witnesses[0].count == 2 and witnesses[0].min_age == 18


def test_registrations_count_deadlines_from_the_day_of_the_event(shipped: Catalog) -> None:
    assert shipped.procedure("birth-registration").deadline_counting == "koseki"
    assert shipped.procedure("death-registration").deadline_counting == "koseki"
    assert shipped.procedure("move-in-notification").deadline_counting == "civil"
    assert shipped.procedure("child-allowance-claim").deadline_counting == "civil"


def test_a_move_within_the_city_says_which_addresses_the_city_updates_itself(shipped: Catalog) -> None:
    what = {a.what.ja for a in shipped.event("move-within").automatic}
    assert {"国民健康保険の住所", "介護保険の住所", "後期高齢者医療の住所", "児童手当の住所"} <= what


def test_the_single_parent_income_limit_is_a_table_by_dependents(shipped: Catalog) -> None:
    table = shipped.table("single-parent-partial")
    assert table.key == "dependents" and table.values["0"] > 0 and table.each_additional


def test_the_schema_offers_exactly_the_subject_selectors_the_rule_language_knows() -> None:
    entry = catalog_schema()["$defs"]["entry"]["properties"]["subjects"]
    assert set(entry["enum"]) == set(SELECTORS)


def test_the_babys_name_is_typed_once_for_the_whole_birth_bundle(shipped: Catalog) -> None:
    for procedure_id in ("birth-registration", "child-medical-subsidy", "nhi-enrollment", "newborn-visit"):
        procedure = shipped.procedure(procedure_id)
        assert any(f.shared == "newborn.given_name" for f in procedure.form.fields), procedure_id
    given_name = shipped.procedure("birth-registration").field("child_given_name")
    assert given_name is not None and given_name.typed is not None and given_name.prefill is None
