"""One form: each field's value and source, or why the resident types it; the reads it makes."""

from __future__ import annotations

from datetime import date

import pytest

from guidance.conftest import Navigator
from guidance.households import Households
from madoguchi.guidance.errors import ProcedureNotInEvent
from madoguchi.prefill.errors import SubjectInvalid
from madoguchi.prefill.schemas import FilledField, FilledForm

BORN = date(2025, 5, 30)


def field(form: FilledForm, field_id: str) -> FilledField:
    return next(f for f in form.fields if f.id == field_id)


def test_hub_values_carry_their_system_and_as_of_date_and_show_the_japanese_way(
        navigator: Navigator, homes: Households) -> None:
    family = homes.birth_family()
    form = navigator.form("birth", "child-allowance-revision", family.father.atena_number, BORN,
                          claimant=family.father.atena_number, claimant_public_servant=False)
    assert form.subject == family.father.atena_number and form.department_name == "子育て支援課"
    born = field(form, "recipient_birth_date")
    assert (born.value, born.display) == ("1992-01-31", "平成4年1月31日")
    assert born.source == {"system": "juki", "as_of": "2025-05-31", "person": family.father.atena_number,
                           "item": "birth_date"}
    number = field(form, "recipient_my_number")
    assert number.source is not None and number.source["item"] == "my_number" and not number.must_type
    assert field(form, "event_date").source == {"event_date": True}
    assert field(form, "event_date").display == "令和7年5月30日"
    children = field(form, "children")
    assert children.must_type and children.why == "対象となるお子さんを世帯の中から選んでください（生まれたお子さんも選べます）"


def test_kana_from_the_hub_is_shown_full_width(navigator: Navigator, homes: Households) -> None:
    family = homes.birth_family()  # the family name's reading is stored half-width (ｻﾄｳ)
    form = navigator.form("birth", "birth-registration", family.father.atena_number, BORN)
    assert field(form, "child_family_name_kana").value == "サトウ"


def test_answers_certificates_and_unanswered_questions_say_where_the_value_comes_from(
        navigator: Navigator, homes: Households) -> None:
    family = homes.birth_family()
    form = navigator.form("birth", "birth-lump-sum", family.father.atena_number, BORN,
                          mother=family.mother.atena_number, lump_sum_direct_payment="partial")
    assert form.subject == family.mother.atena_number
    payment = field(form, "direct_payment")
    assert (payment.value, payment.display, payment.source) == (
        "partial", "利用し、費用が一時金の額未満", {"answer": "lump_sum_direct_payment"})
    facility = field(form, "facility")
    assert facility.must_type and facility.source == {"certificate": "birth-certificate", "claim": "facility_name"}
    assert facility.why == "出生証明書から写してください（デジタル証明書に対応すると自動で入ります）"
    assert field(form, "insured_number").source == {
        "system": "nhi", "as_of": "2025-05-31", "person": family.mother.atena_number, "item": "nhi.insured_number"}
    registration = navigator.form("birth", "birth-registration", family.father.atena_number, BORN)
    mother = field(registration, "mother_family_name")
    assert mother.must_type and mother.why == "「お子さんのお母さん（世帯にいない場合は空欄）」に答えると入ります"


def test_the_head_of_household_and_a_person_field_are_shown_by_name(
        navigator: Navigator, homes: Households) -> None:
    family = homes.birth_family()
    form = navigator.form("birth", "nhi-enrollment", family.mother.atena_number, BORN)
    head = field(form, "householder")
    assert (head.value, head.source) == ("佐藤\u3000健一", {
        "system": "juki", "as_of": "2025-05-31", "person": family.father.atena_number,
        "item": "household.head_name"})
    assert field(form, "address").source == {"system": "juki", "as_of": "2025-05-31",
                                             "person": family.mother.atena_number, "item": "address"}
    visit = navigator.form("birth", "child-medical-subsidy", family.mother.atena_number, BORN)
    guardian = field(visit, "guardian")
    assert (guardian.value, guardian.display) == (family.mother.atena_number, "佐藤\u3000陽子")


def test_a_form_reads_each_person_once_for_its_procedure_and_only_the_items_its_fields_name(
        navigator: Navigator, homes: Households) -> None:
    family = homes.birth_family()
    navigator.form("birth", "nhi-enrollment", family.mother.atena_number, BORN)
    reads = {(e.subject, e.purpose): sorted(e.items) for e in navigator.log() if e.purpose != "guidance:birth"}
    assert reads == {
        (family.mother.atena_number, "procedure:nhi-enrollment"): ["address"],
        (family.father.atena_number, "procedure:nhi-enrollment"): ["family_name", "given_name", "my_number"],
    }


def test_shown_when_rules_hide_the_fields_that_do_not_apply(navigator: Navigator, homes: Households) -> None:
    home = homes.household()
    worker = homes.person(home, "世帯主", date(1980, 1, 1))
    at_birth = navigator.form("birth", "nhi-enrollment", worker.atena_number, BORN)
    assert at_birth.hidden == ["insured_my_number", "previous_insurer"]  # a newborn has no My Number yet
    after_job = navigator.form("job-loss", "nhi-enrollment", worker.atena_number, BORN,
                               person=worker.atena_number)
    assert after_job.hidden == [] and field(after_job, "previous_insurer").must_type
    assert field(after_job, "insured_relationship").value == "世帯主"


def test_a_mover_is_filled_from_the_answer(navigator: Navigator) -> None:
    movers = [{"family_name": "山田", "given_name": "一郎", "family_name_kana": "やまだ", "birth_date": "1985-04-01",
               "relationship": "世帯主", "sex": "1"}]
    form = navigator.form("move-in", "nhi-enrollment", "-", date(2025, 5, 26), movers=movers)
    assert form.subject == "mover:0"
    assert field(form, "insured_family_name_kana").value == "ヤマダ"
    assert field(form, "insured_birth_date").display == "昭和60年4月1日"
    assert field(form, "insured_family_name").source == {"answer": "movers", "entry": 0}
    assert field(form, "insured_given_name_kana").why == "転入するかたはまだ住民記録にありません"
    assert navigator.log() == []  # nobody in the hub was read


def test_a_member_under_a_support_measure_never_appears_in_a_form(
        navigator: Navigator, homes: Households) -> None:
    home = homes.household()
    head = homes.person(home, "世帯主", date(1980, 1, 1), support_measure=True, given_name="秘")
    wife = homes.person(home, "妻", date(1982, 1, 1), sex="2")
    form = navigator.form("job-loss", "nhi-enrollment", wife.atena_number, BORN, person=wife.atena_number)
    householder = field(form, "householder")
    assert householder.must_type and householder.why == "世帯主を市の記録から特定できません"
    assert head.atena_number not in form.model_dump_json() and "秘" not in form.model_dump_json()
    assert head.atena_number not in {e.subject for e in navigator.log()}


def test_a_subject_must_be_one_the_event_makes_the_form_about(navigator: Navigator, homes: Households) -> None:
    family = homes.birth_family()
    father = family.father.atena_number
    with pytest.raises(SubjectInvalid, match="0000099992 is not a member of the applicant's household"):
        navigator.form("birth", "child-allowance-revision", father, BORN, subject="0000099992", claimant=father)
    with pytest.raises(SubjectInvalid, match=f"{family.son.atena_number} is not a subject of"):
        navigator.form("birth", "child-allowance-revision", father, BORN, subject=family.son.atena_number,
                       claimant=father)
    with pytest.raises(SubjectInvalid, match="known once these are answered: claimant"):
        navigator.form("birth", "child-allowance-revision", father, BORN)
    with pytest.raises(ProcedureNotInEvent, match="'birth' does not lead to 'death-registration'"):
        navigator.form("birth", "death-registration", father, BORN)
