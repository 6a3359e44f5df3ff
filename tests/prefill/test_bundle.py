"""The birth bundle: every form prefilled, each shared value asked once, and the paper it replaces."""

from __future__ import annotations

from datetime import date

from guidance.conftest import Navigator
from guidance.households import Households
from madoguchi.prefill.fill import NOT_READ, NOT_RECORDED
from madoguchi.prefill.paper import paper_characters
from madoguchi.prefill.schemas import FilledBundle

BORN = date(2025, 5, 30)


def birth_bundle(navigator: Navigator, homes: Households) -> FilledBundle:
    family = homes.birth_family()
    return navigator.bundle("birth", family.father.atena_number, BORN, mother=family.mother.atena_number,
                            father=family.father.atena_number, claimant=family.father.atena_number,
                            claimant_public_servant=False, lump_sum_direct_payment="full", single_parent=False)


def test_the_childs_name_and_reading_are_asked_once_for_every_form_of_the_bundle(
        navigator: Navigator, homes: Households) -> None:
    bundle = birth_bundle(navigator, homes)
    inputs = {i.key: i for i in bundle.inputs}
    assert [(t.procedure, t.field) for t in inputs["newborn.given_name"].fields] == [
        ("birth-registration", "child_given_name"), ("child-medical-subsidy", "child_given_name"),
        ("nhi-enrollment", "insured_given_name"), ("newborn-visit", "child_given_name")]
    assert [(t.procedure, t.field) for t in inputs["newborn.given_name_kana"].fields] == [
        ("birth-registration", "child_given_name_kana"), ("child-medical-subsidy", "child_given_name_kana"),
        ("nhi-enrollment", "insured_given_name_kana")]
    assert len({i.key for i in bundle.inputs}) == len(bundle.inputs)
    fields = [f for form in bundle.forms for f in form.fields]
    assert all(f.input is not None for f in fields if f.must_type)


def test_the_childs_other_facts_come_from_the_hub_the_event_and_the_birth_certificate(
        navigator: Navigator, homes: Households) -> None:
    bundle = birth_bundle(navigator, homes)
    about_the_child = [i for i in bundle.inputs if i.shared and i.shared.startswith("newborn.")]
    typed = [i.key for i in about_the_child if i.typing and i.certificate is None]
    # Besides the name and its reading, the child's 続柄, which the registration itself sets.
    assert typed == ["newborn.given_name", "newborn.given_name_kana", "newborn.relationship"]
    # The family name and its reading come from the hub through 出生届, the birth date from the event:
    forms = {form.procedure: {f.id: f for f in form.fields} for form in bundle.forms}
    family_name = forms["nhi-enrollment"]["insured_family_name"]
    assert (family_name.value, family_name.source) == ("佐藤", {
        "system": "juki", "as_of": "2025-05-31", "person": bundle.plan.applicant, "item": "family_name",
        "shared_from": "birth-registration.child_family_name"})
    assert forms["child-medical-subsidy"]["child_family_name_kana"].value == "サトウ"
    assert forms["child-medical-subsidy"]["child_birth_date"].display == "令和7年5月30日"
    assert {i.key: i.certificate for i in about_the_child}["newborn.sex"] == "birth-certificate"


def test_what_remains_to_type_in_the_birth_bundle(navigator: Navigator, homes: Households) -> None:
    """Only the child's name and its reading must be typed (the certificate's facts come with it, see docs/credentials.md)."""
    bundle = birth_bundle(navigator, homes)
    typed = [i.key for i in bundle.inputs if i.typing and i.required and i.certificate is None]
    assert typed == ["newborn.given_name", "newborn.given_name_kana"]
    # Asked, not demanded: the child's 続柄 (the clerk records it with the registration) and a phone number.
    optional = {i.key for i in bundle.inputs if i.typing and not i.required and i.certificate is None}
    assert {"newborn.relationship", "applicant.phone"} <= optional
    certified = [i.key for i in bundle.inputs if i.certificate is not None]
    assert certified == ["newborn.sex", "birth-registration/newborn/birth_time",
                         "birth-registration/newborn/birth_place", "newborn-visit/newborn/birth_weight",
                         "newborn-visit/newborn/birth_length", "newborn-visit/newborn/gestational_weeks"]
    assert len(next(i for i in bundle.inputs if i.key == "applicant.phone").fields) == 5


def test_every_value_the_hub_holds_is_prefilled(navigator: Navigator, homes: Households) -> None:
    bundle = birth_bundle(navigator, homes)
    unfound = {NOT_READ.ja, NOT_RECORDED.ja}
    assert [(form.procedure, f.id) for form in bundle.forms for f in form.fields if f.why in unfound] == []


def test_the_paper_baseline_counts_every_field_of_every_form_of_the_plan(
        navigator: Navigator, homes: Households) -> None:
    bundle = birth_bundle(navigator, homes)
    catalog = navigator.serving.store.current
    expected = sum(f.paper_chars for p in ("birth-registration", "child-allowance-revision", "child-medical-subsidy",
                                           "nhi-enrollment", "newborn-visit")
                   for f in catalog.procedure(p).form.fields)
    assert bundle.paper_chars == bundle.plan.paper_chars == paper_characters(catalog, bundle.plan) == expected
    assert expected > 300


def test_a_bundle_reads_the_household_once_and_each_form_with_its_own_purpose(
        navigator: Navigator, homes: Households) -> None:
    bundle = birth_bundle(navigator, homes)
    purposes = [e.purpose for e in navigator.log()]
    assert purposes.count("guidance:birth") == 3  # one entry per member, one read
    assert {p.removeprefix("procedure:") for p in purposes if p.startswith("procedure:")} == {
        f.procedure for f in bundle.forms}


def test_a_bundle_reads_each_person_once_per_procedure_however_many_of_its_forms_need_them(
        navigator: Navigator, homes: Households) -> None:
    home = homes.household()
    worker = homes.person(home, "世帯主", date(1980, 1, 1))
    wife = homes.person(home, "妻", date(1982, 1, 1), sex="2")
    homes.pension(worker, "2")
    homes.pension(wife, "3")  # covered by the worker's employer insurance: both join NHI
    bundle = navigator.bundle("job-loss", worker.atena_number, date(2025, 5, 23), person=worker.atena_number)
    enrolments = [form for form in bundle.forms if form.procedure == "nhi-enrollment"]
    assert sorted(form.subject for form in enrolments) == sorted([worker.atena_number, wife.atena_number])
    reads = [(e.subject, e.purpose) for e in navigator.log() if e.purpose == "procedure:nhi-enrollment"]
    assert sorted(reads) == sorted([(worker.atena_number, "procedure:nhi-enrollment"),
                                    (wife.atena_number, "procedure:nhi-enrollment")])
    worker_read = next(e for e in navigator.log()
                       if (e.subject, e.purpose) == (worker.atena_number, "procedure:nhi-enrollment"))
    assert {"address", "family_name", "given_name"} <= set(worker_read.items)  # as applicant and as subject
