"""The receipt (受付控え): reference numbers, 和暦 dates and deadlines, and what happens next — never a My Number."""

from __future__ import annotations

import pytest

from madoguchi.actor import Actor
from madoguchi.catalog.models import Catalog
from madoguchi.intake.review import decide
from madoguchi.intake.status import ApplicationStatus
from madoguchi.intake.tracking import bundle_status
from madoguchi.printing.receipt import Receipt, ReceiptLine, receipt_of, receipt_pdf
from registry.factories import a_my_number

from .conftest import Births, Marriage
from .pdf_kit import pdf_text

S = ApplicationStatus
DEADLINES = {"birth-registration": "令和7年6月12日", "child-allowance-revision": "令和7年6月16日",
             "nhi-enrollment": "令和7年6月13日"}
"""出生届 within 14 days of 30 May 2025 (the day counted), 児童手当 within 15 days of it; 国民健康保険 14 days."""


def receipt(births: Births, catalog: Catalog) -> Receipt:
    return receipt_of(bundle_status(births.father.session, actor=births.father.actor,
                                    reference=births.bundle.reference), catalog)


def line(found: Receipt, reference: str) -> ReceiptLine:
    return next(a for a in found.applications if a.reference == reference)


def by_procedure(births: Births, procedure: str) -> str:
    return next(str(a["reference"]) for a in births.bundle.applications if a["procedure"] == procedure)


@pytest.mark.usefixtures("ipamj")
def test_the_receipt_pdf_lists_every_application_with_its_reference_deadline_and_next_step(
        births: Births, catalog: Catalog) -> None:
    status = bundle_status(births.father.session, actor=births.father.actor, reference=births.bundle.reference)
    text = pdf_text(receipt_pdf(status, catalog))
    assert "受付控え" in text and births.bundle.reference in text
    assert "出生（令和7年5月30日）" in text and "令和7年6月1日 10時00分" in text  # submitted 10:00 in Tokyo
    for application in births.bundle.applications:
        assert application["reference"] in text
        assert catalog.procedure(application["procedure"]).name.ja in text
    assert all(deadline in text for deadline in DEADLINES.values())
    assert "市民課（本庁舎1階 1番〜5番窓口）" in text
    assert text.count("担当課が内容を確認します") == len(births.bundle.applications)


@pytest.mark.usefixtures("ipamj")
def test_the_receipt_carries_no_my_number_and_no_account_number(births: Births, catalog: Catalog) -> None:
    status = bundle_status(births.father.session, actor=births.father.actor, reference=births.bundle.reference)
    text = pdf_text(receipt_pdf(status, catalog)).replace(" ", "").replace("\n", "")
    for secret in (a_my_number(11), a_my_number(12), "1234567"):
        assert secret not in text
    assert "•" not in text and "個人番号" not in text


def test_the_receipt_says_whom_each_application_is_for_and_its_deadline(births: Births, catalog: Catalog) -> None:
    found = receipt(births, catalog)
    assert {p: line(found, by_procedure(births, p)).deadline for p in DEADLINES} == DEADLINES
    assert line(found, by_procedure(births, "birth-registration")).subject == "お生まれになったお子さん"
    assert line(found, by_procedure(births, "child-allowance-revision")).subject == "佐藤\u3000健一"
    assert line(found, by_procedure(births, "nhi-enrollment")).counter == "本庁舎1階 6番〜9番窓口"


def test_a_correction_request_shows_the_departments_reason_and_the_fields_to_fix(
        births: Births, catalog: Catalog) -> None:
    reference = by_procedure(births, "nhi-enrollment")
    decide(births.father.session, actor=Actor.system("kokuho", "insurance-pension"), reference=reference,
           status=S.NEEDS_CORRECTION, reason="お子さんのお名前のフリガナをご確認ください",
           fields=["insured_given_name_kana", "insured_sex"])
    sent_back = line(receipt(births, catalog), reference)
    assert sent_back.status_label == "補正依頼"
    assert "お子さんのお名前のフリガナをご確認ください" in sent_back.next_step
    assert "直す項目: 加入するかたの名（フリガナ）、加入するかたの性別" in sent_back.next_step


def test_a_decision_is_told_with_its_reason(births: Births, catalog: Catalog) -> None:
    rejected, accepted = by_procedure(births, "newborn-visit"), by_procedure(births, "child-medical-subsidy")
    decide(births.father.session, actor=Actor.system("kenko", "health-promotion"), reference=rejected,
           status=S.REJECTED, reason="里帰り先の自治体で受けてください")
    decide(births.father.session, actor=Actor.system("kosodate", "child-support"), reference=accepted,
           status=S.ACCEPTED)
    found = receipt(births, catalog)
    assert "受理されませんでした。理由: 里帰り先の自治体で受けてください" in line(found, rejected).next_step
    assert "保健センター1階へお問い合わせください" in line(found, rejected).next_step
    assert line(found, accepted).next_step == "受理されました。この手続は完了です。"


def test_a_registration_awaiting_signatures_names_who_must_still_sign(marriage: Marriage, catalog: Catalog) -> None:
    found = receipt_of(bundle_status(marriage.groom.session, actor=marriage.groom.actor,
                                     reference=marriage.bundle.reference), catalog)
    (waiting,) = found.applications
    assert waiting.status_label == "署名待ち"
    assert waiting.next_step.startswith("署名をお願いしたかた（配偶者、証人1、証人2）が署名すると、担当課に届きます。")


def test_a_registration_at_the_counter_says_where_to_sign_and_what_to_bring(
        at_counter: Marriage, catalog: Catalog) -> None:
    found = receipt_of(bundle_status(at_counter.groom.session, actor=at_counter.groom.actor,
                                     reference=at_counter.bundle.reference), catalog)
    (waiting,) = found.applications
    assert waiting.status_label == "窓口で署名"
    assert waiting.next_step.startswith("本庁舎1階 1番〜5番窓口で、署名するかた（配偶者、証人1、証人2）が署名してください。")
    assert "持ち物: この受付控え" in waiting.next_step and "本人確認書類" in waiting.next_step
