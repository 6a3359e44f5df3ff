"""The department's side: only its own applications, every full read logged, decisions with reasons."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from guidance.households import Households
from madoguchi.actor import Actor
from madoguchi.catalog.directory import ServingCatalog
from madoguchi.identity.card_authority import CardAuthority
from madoguchi.intake.intake_errors import AlreadyOpen, ApplicationNotFound, StatusChangeInvalid
from madoguchi.intake.review import decide, inbox, open_application
from madoguchi.intake.status import ApplicationStatus as S
from madoguchi.registry.access_models import AccessLogEntry
from madoguchi.vault import Vault

from .bundle_kit import Resident, birth_answers, birth_family_with_cards, birth_values
from .test_bundles import authority  # noqa: F401 - the session's card authority

CITIZENS = Actor.staff("suzuki", "citizens")
PENSION = Actor.staff("sato", "insurance-pension")


@pytest.fixture
def received(session: Session, vault: Vault, serving: ServingCatalog, authority: CardAuthority,  # noqa: F811
             homes: Households) -> tuple[Resident, dict[str, object], dict[str, str]]:
    family, father, _ = birth_family_with_cards(session, vault, serving, authority, homes)
    answers = birth_answers(family)
    draft = father.draft(**answers)  # type: ignore[arg-type]
    father.attach(draft, "birth-registration", "birth-certificate")
    receipt = father.submit(draft.draft_id, birth_values(draft.filled["inputs"]))
    return father, answers, {a["department"]: a["reference"] for a in receipt.applications}


def test_a_department_sees_only_its_own_applications(
        received: tuple[Resident, dict[str, object], dict[str, str]]) -> None:
    father, _, by_department = received
    session = father.session
    assert [a["reference"] for a in inbox(session, actor=CITIZENS)] == [by_department["citizens"]]
    with pytest.raises(ApplicationNotFound):
        open_application(session, actor=CITIZENS, purposes=father.serving.purposes, vault=father.vault,
                         reference=by_department["insurance-pension"])
    with pytest.raises(ApplicationNotFound):
        decide(session, actor=CITIZENS, reference=by_department["insurance-pension"], status=S.ACCEPTED)
    with pytest.raises(ApplicationNotFound):
        inbox(session, actor=father.actor)


def test_opening_an_application_is_logged_on_the_subjects_chain_with_the_review_purpose(
        received: tuple[Resident, dict[str, object], dict[str, str]]) -> None:
    father, _, by_department = received
    session = father.session
    seen = open_application(session, actor=PENSION, purposes=father.serving.purposes, vault=father.vault,
                            reference=by_department["insurance-pension"])
    entry = session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id.desc())).first()
    assert entry is not None
    assert (entry.subject, entry.purpose, entry.actor_id, entry.department) == (
        father.atena, "review:insurance-pension", "sato", "insurance-pension")
    assert "application" in entry.items
    assert seen["attachments"] == [] and seen["history"][0]["status"] == "received"
    assert all(not isinstance(f["value"], dict) or "sealed" not in f["value"] for f in seen["fields"])


def test_a_rejection_needs_a_reason_and_a_decided_application_frees_the_way_for_a_new_one(
        received: tuple[Resident, dict[str, object], dict[str, str]]) -> None:
    father, answers, by_department = received
    session = father.session
    reference = by_department["citizens"]
    with pytest.raises(StatusChangeInvalid, match="say why"):
        decide(session, actor=CITIZENS, reference=reference, status=S.REJECTED, reason="  ")
    with pytest.raises(StatusChangeInvalid, match="name the fields"):
        decide(session, actor=CITIZENS, reference=reference, status=S.NEEDS_CORRECTION, reason="確認",
               fields=["no_such_field"])
    decide(session, actor=CITIZENS, reference=reference, status=S.IN_REVIEW)
    decide(session, actor=CITIZENS, reference=reference, status=S.REJECTED, reason="出生証明書が読み取れません")
    with pytest.raises(StatusChangeInvalid, match="cannot become"):
        decide(session, actor=CITIZENS, reference=reference, status=S.ACCEPTED)
    # The rejected 出生届 no longer blocks; the other applications of the bundle still do.
    again = father.draft(**answers)  # type: ignore[arg-type]
    father.attach(again, "birth-registration", "birth-certificate")
    with pytest.raises(AlreadyOpen) as refused:
        father.submit(again.draft_id, birth_values(again.filled["inputs"]))
    assert reference not in refused.value.detail
