"""An application printed as its filled form: every field with its value and source, signature boxes
for the counter, and the resident's own copy masked."""

from __future__ import annotations

import pytest

from intake.test_cosign import sign
from madoguchi.actor import Actor
from madoguchi.catalog.directory import ServingCatalog
from madoguchi.catalog.models import Catalog
from madoguchi.intake.cosign import send_to_counter
from madoguchi.intake.intake_errors import ApplicationNotFound
from madoguchi.intake.review import open_application
from madoguchi.intake.tracking import bundle_status
from madoguchi.printing.counter import application_at_counter
from madoguchi.printing.errors import NotAtCounter
from madoguchi.printing.form import form_pdf
from madoguchi.printing.receipt import receipt_of

from .conftest import IVS_FAMILY_NAME, Births, Marriage
from .pdf_kit import pdf_text

pytestmark = pytest.mark.usefixtures("ipamj")


def opened(births_or_marriage: Births | Marriage, serving: ServingCatalog, procedure: str,
           department: str) -> dict[str, object]:
    resident = births_or_marriage.father if isinstance(births_or_marriage, Births) else births_or_marriage.groom
    reference = next(a["reference"] for a in births_or_marriage.bundle.applications if a["procedure"] == procedure)
    return open_application(resident.session, actor=Actor.system("paper-desk", department),
                            purposes=serving.purposes, vault=resident.vault, reference=reference)


def test_the_department_form_prints_every_field_with_its_value_and_where_it_came_from(
        births: Births, serving: ServingCatalog, catalog: Catalog) -> None:
    application = opened(births, serving, "nhi-enrollment", "insurance-pension")
    text = pdf_text(form_pdf(application, catalog))
    flat = text.replace("\n", "")  # a long label or value wraps in its cell
    procedure = catalog.procedure("nhi-enrollment")
    assert procedure.name.ja in text and f"根拠法令: {procedure.legal_basis}" in text
    assert application["reference"] in text and births.bundle.reference in text
    fields = application["fields"]
    assert isinstance(fields, list) and len(fields) > 10
    for field in fields:
        assert field["label"] in flat and (field["display"] or "（未記入）") in flat
    assert "住民記録 令和7年5月31日時点" in text and "申請者が入力" in text and "届け出たできごとの日" in text
    assert "期限" in text and "令和7年6月13日" in text
    assert "署名欄" not in text  # received: nobody signs on paper


def test_the_department_sees_the_account_opened_on_its_form(births: Births, serving: ServingCatalog,
                                                            catalog: Catalog) -> None:
    text = pdf_text(form_pdf(opened(births, serving, "child-medical-subsidy", "child-support"), catalog))
    assert "金融機関 0116 支店 201 普通 1234567 サトウ ケンイチ" in text and "公金受取口座 令和7年5月31日時点" in text


def test_the_residents_copy_shows_sensitive_values_masked(births: Births, catalog: Catalog) -> None:
    status = bundle_status(births.father.session, actor=births.father.actor, reference=births.bundle.reference)
    subsidy = next(a for a in status["applications"] if a["procedure"] == "child-medical-subsidy")
    text = pdf_text(form_pdf({**subsidy, "applicant": births.father.atena}, catalog))
    assert "普通 ••••567" in text and "1234567" not in text


def test_a_form_at_the_counter_has_an_empty_signature_box_for_each_co_signer(
        at_counter: Marriage, serving: ServingCatalog, catalog: Catalog) -> None:
    application = opened(at_counter, serving, "marriage-registration", "citizens")
    text = pdf_text(form_pdf(application, catalog))
    assert "婚姻届" in text and "根拠法令: 戸籍法第74条、民法第739条" in text
    assert "署名欄" in text and "窓口で署名" in text
    boxes = text[text.index("署名欄"):]
    assert [role for role in ("配偶者", "証人1", "証人2") if role in boxes] == ["配偶者", "証人1", "証人2"]
    assert boxes.count("年　　月　　日") == 3 and "届出人" not in boxes
    assert IVS_FAMILY_NAME in text  # the groom's name as registered, selector included


def test_the_resident_prints_only_their_own_application_that_waits_at_the_counter(
        at_counter: Marriage, births: Births) -> None:
    groom, bride = at_counter.groom, at_counter.bride
    application = application_at_counter(groom.session, actor=groom.actor,
                                         reference=at_counter.reference.replace("-", ""))
    assert (application["reference"], application["status"], application["applicant"]) == (
        at_counter.reference, "at_counter", groom.atena)
    assert application["bundle"] == at_counter.bundle.reference
    with pytest.raises(ApplicationNotFound):
        application_at_counter(bride.session, actor=bride.actor, reference=at_counter.reference)
    received = births.bundle.applications[0]["reference"]
    with pytest.raises(NotAtCounter):
        application_at_counter(births.father.session, actor=births.father.actor, reference=received)


def test_a_co_signer_who_signed_online_is_marked_and_only_the_others_are_asked_to_come(
        marriage: Marriage, catalog: Catalog) -> None:
    groom, bride = marriage.groom, marriage.bride
    spouse_link = next(link.token for link in marriage.bundle.co_sign_links if link.role == "spouse")
    sign(groom.session, groom, spouse_link, bride.card)
    send_to_counter(groom.session, actor=groom.actor, catalog=catalog, reference=marriage.reference)

    status = bundle_status(groom.session, actor=groom.actor, reference=marriage.bundle.reference)
    (line,) = receipt_of(status, catalog).applications
    assert "署名するかた（証人1、証人2）" in line.next_step
    application = application_at_counter(groom.session, actor=groom.actor, reference=marriage.reference)
    boxes = pdf_text(form_pdf(application, catalog)).split("署名欄")[1]
    assert "配偶者\nオンラインで署名済み（令和7年6月1日 10時00分）" in boxes
    assert boxes.count("年　　月　　日") == 2
