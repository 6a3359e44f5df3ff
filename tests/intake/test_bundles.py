"""A resident's bundle: one signature, accepted whole, split into applications that reach their departments."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from guidance.households import Households
from madoguchi import clock
from madoguchi.catalog.directory import ServingCatalog
from madoguchi.identity.card_authority import CardAuthority
from madoguchi.identity.errors import CardSignatureInvalid
from madoguchi.intake.application_models import Application, ApplicationEvent, Attachment, Bundle
from madoguchi.intake.delivery_models import Delivery
from madoguchi.intake.drafts import save_values, show_draft
from madoguchi.intake.intake_errors import (
    AlreadyOpen,
    AlreadySubmitted,
    AttachmentRefused,
    DraftExpired,
    DraftSubmitted,
    EvidenceMissing,
    NotYours,
    SignatureInvalid,
    ValuesInvalid,
)
from madoguchi.intake.references import normalise_reference
from madoguchi.intake.sealed_fields import is_sealed
from madoguchi.intake.tracking import bundle_status
from madoguchi.registry.access_models import AccessLogEntry
from madoguchi.vault import Vault
from registry.factories import TODAY

from .bundle_kit import PNG, Resident, birth_answers, birth_family_with_cards, birth_values


@pytest.fixture(scope="session")
def authority(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CardAuthority]:
    """The demo card authority, made a year before the tests' today so its cards are valid then."""
    clock.freeze(TODAY - timedelta(days=365))
    yield CardAuthority.open(Path(tmp_path_factory.mktemp("card-ca")))
    clock.freeze(None)


@pytest.fixture
def family(session: Session, vault: Vault, serving: ServingCatalog, authority: CardAuthority,
           homes: Households) -> tuple[Resident, Resident, dict[str, object]]:
    found, father, mother = birth_family_with_cards(session, vault, serving, authority, homes)
    return father, mother, birth_answers(found)


def submitted(father: Resident, answers: dict[str, object]) -> tuple[str, list[Application]]:
    draft = father.draft(**answers)  # type: ignore[arg-type]
    father.attach(draft, "birth-registration", "birth-certificate")
    receipt = father.submit(draft.draft_id, birth_values(draft.filled["inputs"]))
    apps = list(father.session.scalars(select(Application).order_by(Application.id)))
    return receipt.reference, apps


def count(session: Session, table: type) -> int:
    return session.scalar(select(func.count()).select_from(table)) or 0


def test_a_birth_bundle_becomes_one_application_per_procedure_each_delivered_to_its_department(
        family: tuple[Resident, Resident, dict[str, object]]) -> None:
    father, _, answers = family
    draft = father.draft(**answers)  # type: ignore[arg-type]
    father.attach(draft, "birth-registration", "birth-certificate")
    receipt = father.submit(draft.draft_id, birth_values(draft.filled["inputs"]))

    planned = [(f["procedure"], f["subject"]) for f in draft.filled["forms"]]
    assert [(a["procedure"], a["subject"]) for a in receipt.applications] == planned
    assert len(planned) >= 5
    references = [a["reference"] for a in receipt.applications]
    assert all(normalise_reference(r) == r for r in [receipt.reference, *references])
    assert len(set(references)) == len(references)
    deliveries = list(father.session.scalars(select(Delivery).order_by(Delivery.id)))
    assert [(d.department, d.payload["reference"]) for d in deliveries] == [
        (a["department"], a["reference"]) for a in receipt.applications]
    assert {a["status"] for a in receipt.applications} == {"received"}


def test_the_registered_account_and_the_my_number_are_taken_from_the_hub_and_kept_sealed(
        family: tuple[Resident, Resident, dict[str, object]]) -> None:
    father, _, answers = family
    _, apps = submitted(father, answers)
    claim = next(a for a in apps if a.procedure == "child-allowance-revision") if any(
        a.procedure == "child-allowance-revision" for a in apps) else None
    fields = [f for a in apps for f in a.fields]
    accounts = [f for f in fields if f["type"] == "account" and f["value"] is not None]
    numbers = [f for f in fields if "my_number" in str((f.get("source") or {}).get("item")) and f["value"] is not None]
    assert {f["source"]["item"] for f in numbers} == {"my_number", "household.head_my_number"}
    assert all(is_sealed(f["value"]) for f in numbers)
    assert all(is_sealed(f["value"]) and (f["source"] or {}).get("system") for f in accounts)
    opened = [father.vault.open(f["value"]["sealed"], "intake-field") for f in accounts]
    assert all('"account_number": "1234567"' in text for text in opened)
    # Nothing sealed leaves in a delivery: the department's system fetches it with its own credentials.
    for delivery in father.session.scalars(select(Delivery)):
        assert all(not is_sealed(f["value"]) for f in delivery.payload["fields"])
        assert "1234567" not in str(delivery.payload) and "sealed" not in str(delivery.payload)
    assert claim is None or claim.department == "child-support"


def test_the_session_that_submitted_sees_what_was_written_the_photo_with_its_application_and_each_first_status(
        family: tuple[Resident, Resident, dict[str, object]]) -> None:
    father, _, answers = family
    draft = father.draft(**answers)  # type: ignore[arg-type]
    father.attach(draft, "birth-registration", "birth-certificate")
    kept = father.session.scalars(select(Attachment)).one()  # held by the session before the submission
    receipt = father.submit(draft.draft_id, birth_values(draft.filled["inputs"]))

    registration = father.session.scalars(select(Application).where(
        Application.procedure == "birth-registration")).one()
    assert kept.application_pk == registration.id
    assert show_draft(father.session, actor=father.actor, draft_id=draft.draft_id).submitted_bundle == receipt.reference
    events = father.session.execute(select(ApplicationEvent.application_pk, ApplicationEvent.status,
                                           ApplicationEvent.actor_id).order_by(ApplicationEvent.id)).all()
    applications = father.session.scalars(select(Application.id).order_by(Application.id)).all()
    assert events == [(pk, "received", father.atena) for pk in applications]


def test_a_value_the_hub_gave_cannot_be_replaced_by_the_client(
        family: tuple[Resident, Resident, dict[str, object]]) -> None:
    father, _, answers = family
    draft = father.draft(**answers)  # type: ignore[arg-type]
    father.attach(draft, "birth-registration", "birth-certificate")
    tampered = {**birth_values(draft.filled["inputs"]), "applicant.account": {"bank_code": "9999", "branch_code": "999",
                                                        "account_type": "1", "account_number": "7654321",
                                                        "holder_kana": "ダレカ"}}
    with pytest.raises(ValuesInvalid) as refused:
        father.submit(draft.draft_id, tampered)
    assert "#/body/values/applicant.account" in refused.value.fields
    assert count(father.session, Bundle) == 0 and count(father.session, Delivery) == 0


def test_missing_and_wrong_values_are_named_one_by_one_and_nothing_is_kept(
        family: tuple[Resident, Resident, dict[str, object]]) -> None:
    father, _, answers = family
    draft = father.draft(**answers)  # type: ignore[arg-type]
    father.attach(draft, "birth-registration", "birth-certificate")
    values = birth_values(draft.filled["inputs"])
    del values["newborn.given_name"]
    values["applicant.phone"] = "12345"
    values["newborn.given_name_kana"] = "hana"
    with pytest.raises(ValuesInvalid) as refused:
        father.submit(draft.draft_id, values)
    assert set(refused.value.fields) == {"#/body/values/applicant.phone", "#/body/values/newborn.given_name_kana"}
    values["applicant.phone"], values["newborn.given_name_kana"] = "0157234567", "ハナ"
    with pytest.raises(ValuesInvalid) as missing:
        father.submit(draft.draft_id, values)
    assert set(missing.value.fields) == {"#/body/values/newborn.given_name"}
    assert count(father.session, Application) == 0


def test_values_saved_on_the_draft_count_when_signing_later(
        family: tuple[Resident, Resident, dict[str, object]]) -> None:
    father, _, answers = family
    draft = father.draft(**answers)  # type: ignore[arg-type]
    father.attach(draft, "birth-registration", "birth-certificate")
    values = birth_values(draft.filled["inputs"])
    first = {k: values.pop(k) for k in ("newborn.given_name", "newborn.given_name_kana")}
    save_values(father.session, actor=father.actor, catalog=father.serving.store.current, vault=father.vault,
                draft_id=draft.draft_id, values=first)
    assert show_draft(father.session, actor=father.actor, draft_id=draft.draft_id).values["newborn.given_name"] == "花"
    receipt = father.submit(draft.draft_id, values)
    assert receipt.applications


def test_the_birth_certificate_must_be_attached_and_must_be_what_it_says(
        family: tuple[Resident, Resident, dict[str, object]]) -> None:
    father, _, answers = family
    draft = father.draft(**answers)  # type: ignore[arg-type]
    with pytest.raises(EvidenceMissing, match="出生証明書"):
        father.content(draft.draft_id, birth_values(draft.filled["inputs"]))
    with pytest.raises(AttachmentRefused, match="not a PDF"):
        father.attach(draft, "birth-registration", "birth-certificate", content=PNG, media_type="application/pdf")
    with pytest.raises(AttachmentRefused, match="cannot be attached"):
        father.attach(draft, "birth-registration", "birth-certificate", media_type="text/html")
    with pytest.raises(AttachmentRefused, match="at most 5 MiB"):
        father.attach(draft, "birth-registration", "birth-certificate", content=PNG + b"\x00" * (5 * 1024 * 1024))
    with pytest.raises(AttachmentRefused, match="asks for no"):
        father.attach(draft, "birth-registration", "passport")
    with pytest.raises(EvidenceMissing):
        father.submit(draft.draft_id, birth_values(draft.filled["inputs"]), signature=father.sign(b"anything"))
    assert count(father.session, Bundle) == 0


def test_a_value_changed_after_signing_breaks_the_signature(
        family: tuple[Resident, Resident, dict[str, object]]) -> None:
    father, _, answers = family
    draft = father.draft(**answers)  # type: ignore[arg-type]
    father.attach(draft, "birth-registration", "birth-certificate")
    signature = father.sign(father.content(draft.draft_id, birth_values(draft.filled["inputs"])))
    with pytest.raises(CardSignatureInvalid):
        father.submit(draft.draft_id, {**birth_values(draft.filled["inputs"]), "newborn.given_name": "華"}, signature)
    assert count(father.session, Bundle) == 0 and count(father.session, Delivery) == 0


def test_another_persons_card_cannot_sign_the_applicants_bundle(
        family: tuple[Resident, Resident, dict[str, object]]) -> None:
    father, mother, answers = family
    draft = father.draft(**answers)  # type: ignore[arg-type]
    father.attach(draft, "birth-registration", "birth-certificate")
    content = father.content(draft.draft_id, birth_values(draft.filled["inputs"]))
    with pytest.raises(SignatureInvalid, match="not the applicant"):
        father.submit(draft.draft_id, birth_values(draft.filled["inputs"]), father.sign(content, mother.card))
    forged = father.sign(content).model_copy(update={"value": father.sign(b"other").value})
    with pytest.raises(CardSignatureInvalid):
        father.submit(draft.draft_id, birth_values(draft.filled["inputs"]), forged)
    assert count(father.session, Bundle) == 0


def test_someone_elses_draft_is_not_found(family: tuple[Resident, Resident, dict[str, object]]) -> None:
    father, mother, answers = family
    draft = father.draft(**answers)  # type: ignore[arg-type]
    with pytest.raises(NotYours):
        show_draft(mother.session, actor=mother.actor, draft_id=draft.draft_id)
    with pytest.raises(NotYours):
        mother.submit(draft.draft_id, birth_values(draft.filled["inputs"]), mother.sign(b"x"))


def test_a_replayed_submission_and_a_second_open_bundle_are_refused_pointing_to_the_first(
        family: tuple[Resident, Resident, dict[str, object]]) -> None:
    father, _, answers = family
    draft = father.draft(**answers)  # type: ignore[arg-type]
    father.attach(draft, "birth-registration", "birth-certificate")
    signature = father.sign(father.content(draft.draft_id, birth_values(draft.filled["inputs"])))
    receipt = father.submit(draft.draft_id, birth_values(draft.filled["inputs"]), signature)
    with pytest.raises(DraftSubmitted, match=receipt.reference):
        father.submit(draft.draft_id, birth_values(draft.filled["inputs"]), signature)
    again = father.draft(**answers)  # type: ignore[arg-type]
    father.attach(again, "birth-registration", "birth-certificate")
    with pytest.raises(AlreadyOpen, match=receipt.applications[0]["reference"]):
        father.submit(again.draft_id, birth_values(again.filled["inputs"]))
    assert count(father.session, Bundle) == 1


def test_the_same_signed_content_is_accepted_once(family: tuple[Resident, Resident, dict[str, object]]) -> None:
    father, _, answers = family
    draft = father.draft(**answers)  # type: ignore[arg-type]
    father.attach(draft, "birth-registration", "birth-certificate")
    signature = father.sign(father.content(draft.draft_id, birth_values(draft.filled["inputs"])))
    father.submit(draft.draft_id, birth_values(draft.filled["inputs"]), signature)
    bundle = father.session.scalars(select(Bundle)).one()
    # Even with the draft reopened, the digest of what was signed is known.
    draft_row = bundle.draft_pk
    from madoguchi.intake.application_models import Draft
    row = father.session.get(Draft, draft_row)
    assert row is not None
    row.submitted_bundle = None
    with pytest.raises(AlreadySubmitted, match=bundle.reference):
        father.submit(draft.draft_id, birth_values(draft.filled["inputs"]), signature)


def test_an_old_draft_must_be_made_again(family: tuple[Resident, Resident, dict[str, object]]) -> None:
    father, _, answers = family
    draft = father.draft(**answers)  # type: ignore[arg-type]
    clock.freeze(TODAY + timedelta(days=1, minutes=1))
    with pytest.raises(DraftExpired):
        father.content(draft.draft_id, birth_values(draft.filled["inputs"]))


def test_the_resident_follows_each_application_and_its_history(
        family: tuple[Resident, Resident, dict[str, object]]) -> None:
    father, mother, answers = family
    reference, apps = submitted(father, answers)
    status = bundle_status(father.session, actor=father.actor, reference=reference.replace("-", ""))
    assert [a["reference"] for a in status["applications"]] == [a.reference for a in apps]
    assert all(a["history"][0]["status"] == "received" for a in status["applications"])
    shown = [f for a in status["applications"] for f in a["fields"]]
    assert all(f.get("masked") for f in shown if (f.get("source") or {}).get("item") == "my_number")
    with pytest.raises(NotYours):
        bundle_status(mother.session, actor=mother.actor, reference=reference)
    events = father.session.scalar(select(func.count()).select_from(ApplicationEvent))
    assert events == len(apps)


def test_making_a_draft_reads_the_hub_for_each_procedure_and_logs_it(
        family: tuple[Resident, Resident, dict[str, object]]) -> None:
    father, _, answers = family
    before = count(father.session, AccessLogEntry)
    draft = father.draft(**answers)  # type: ignore[arg-type]
    entries = list(father.session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id).offset(before)))
    assert {e.purpose for e in entries} >= {"guidance:birth", *(f"procedure:{f['procedure']}"
                                                              for f in draft.filled["forms"])}
    assert {e.actor_kind for e in entries} == {"resident"}
