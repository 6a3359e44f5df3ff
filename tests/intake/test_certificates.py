"""Digital certificates as a bundle's evidence: asked of the wallet, verified, filling the forms, shown verified."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credentials.factories import AUDIENCE, CLAIMS, World, a_world
from guidance.households import Households
from madoguchi.actor import Actor
from madoguchi.catalog.directory import ServingCatalog
from madoguchi.credentials import jose, sdjwt
from madoguchi.credentials.errors import SubjectMismatch
from madoguchi.credentials.openid4vp import PresentationRequest, answer_request
from madoguchi.credentials.wallet import Wallet
from madoguchi.identity.card_authority import CardAuthority
from madoguchi.intake.application_models import Application, Attachment
from madoguchi.intake.certificates import (
    CLIENT_ID,
    CertificateEvidence,
    add_certificate,
    request_certificate,
)
from madoguchi.intake.drafts import DraftView, save_values, show_draft
from madoguchi.intake.intake_errors import AttachmentRefused
from madoguchi.intake.review import open_application
from madoguchi.vault import Vault
from madoguchi.web.api.intake import get_certificate_trust
from registry.factories import TODAY

from .bundle_kit import BORN, Resident, a_card, birth_answers, birth_family_with_cards, birth_values
from .test_api import app, logged_in  # noqa: F401 - the app on the test's session
from .test_bundles import authority  # noqa: F401 - the session's card authority

BIRTH = "birth-certificate"
BIRTH_CLAIMS = {**CLAIMS[BIRTH], "birth_date": BORN.isoformat(), "mother_name": "佐藤 陽子"}
"""The hospital's certificate of the birth the birth family reports: the mother named as the hub holds her."""
CITIZENS = Actor.staff("suzuki", "citizens")


@dataclass
class Scene:
    """The birth family's father with a draft of the birth, the hospital and the city's trust registry."""

    father: Resident
    world: World
    draft: DraftView

    def request(self, kind: str = BIRTH) -> PresentationRequest:
        return request_certificate(self.father.session, actor=self.father.actor, draft_id=self.draft.draft_id,
                                   kind=kind)

    def certificate(self, kind: str = BIRTH, *, by: str | None = None,
                    valid_from: datetime = TODAY - timedelta(days=1),
                    valid_until: datetime = TODAY + timedelta(days=90), **claims: Any) -> str:
        return self.world.issue(kind, by=by, claims={**(BIRTH_CLAIMS if kind == BIRTH else {}), **claims},
                                valid_from=valid_from, valid_until=valid_until)

    def present(self, credential: str, request: PresentationRequest, **overrides: Any) -> str:
        """What the wallet answers: the claims asked, bound to the request's nonce and the city's id."""
        return self.world.present(credential, **{"disclose": request.claims, "nonce": request.nonce,
                                                 "audience": request.client_id, **overrides})

    def hand_over(self, presentation: str, kind: str = BIRTH) -> CertificateEvidence:
        return add_certificate(self.father.session, actor=self.father.actor, catalog=self.father.serving.store.current,
                               trust=self.world.trust, draft_id=self.draft.draft_id, kind=kind,
                               presentation=presentation)

    def shown(self) -> DraftView:
        return show_draft(self.father.session, actor=self.father.actor, draft_id=self.draft.draft_id)


@pytest.fixture
def scene(session: Session, vault: Vault, serving: ServingCatalog, authority: CardAuthority,  # noqa: F811
          homes: Households, tmp_path: Path) -> Scene:
    family, father, _ = birth_family_with_cards(session, vault, serving, authority, homes)
    return Scene(father, a_world(tmp_path), father.draft(**birth_answers(family)))  # type: ignore[arg-type]


def inputs_of(draft: DraftView) -> dict[str, dict[str, Any]]:
    return {entry["key"]: entry for entry in draft.filled["inputs"]}


def fields_of(draft: DraftView, procedure: str) -> dict[str, dict[str, Any]]:
    form = next(f for f in draft.filled["forms"] if f["procedure"] == procedure)
    return {field["id"]: field for field in form["fields"]}


def count(session: Session, table: type) -> int:
    return session.scalar(select(func.count()).select_from(table)) or 0


# the wallet is asked for what the forms need, and the certificate fills them


def test_the_wallet_is_asked_only_for_the_claims_the_bundle_needs_and_those_naming_the_birth(scene: Scene) -> None:
    request = scene.request()
    assert request.client_id == CLIENT_ID
    assert set(request.claims) == {"mother_name", "birth_date", "child_sex", "birth_time", "birth_place",
                                   "weight_g", "height_cm", "gestational_weeks"}
    asked = request.to_json()
    assert asked["dcql_query"]["credentials"][0]["meta"]["vct_values"] == [
        "https://madoguchi.example/credentials/birth-certificate/v1"]
    assert "certificate_requests" not in scene.shown().to_json()  # the nonce is the wallet's, not the page's


def test_the_hospitals_certificate_fills_every_field_it_certifies_and_leaves_the_child_name_to_type(
        scene: Scene) -> None:
    before = inputs_of(scene.draft)
    certified = {key for key, entry in before.items() if entry["certificate"] == BIRTH}
    assert "birth-registration/newborn/birth_time" in certified
    save_values(scene.father.session, actor=scene.father.actor, catalog=scene.father.serving.store.current,
                vault=scene.father.vault, draft_id=scene.draft.draft_id,
                values={"birth-registration/newborn/birth_time": "10:42"})  # typed before, from the paper

    evidence = scene.hand_over(scene.present(scene.certificate(), scene.request()))

    assert set(evidence.filled) == certified
    after = scene.shown()
    assert set(inputs_of(after)) == set(before) - certified
    assert "birth-registration/newborn/birth_time" not in after.values
    registration, visit = fields_of(after, "birth-registration"), fields_of(after, "newborn-visit")
    assert (registration["birth_time"]["value"], registration["birth_time"]["source"]) == (
        "09:41", {"certificate": BIRTH, "claim": "birth_time", "issuer": "hospital（試験）"})
    assert (registration["child_sex"]["value"], registration["child_sex"]["display"]) == ("2", "女")
    assert registration["birth_place"]["display"] == "北海道北見市みらい町1丁目2番3号"
    assert not any(f["must_type"] or f["input"] for f in (registration["birth_time"], visit["birth_weight"]))
    # 49.5 cm on the certificate; the visit's postcard asks whole centimetres.
    assert (visit["birth_weight"]["value"], visit["birth_length"]["value"]) == (3120, 50)
    typed_before = [key for key, entry in before.items() if entry["typing"] and entry["required"]]
    typed = [key for key, entry in inputs_of(after).items() if entry["typing"] and entry["required"]]
    assert typed == [key for key in typed_before if key not in certified]
    assert typed[:2] == ["newborn.given_name", "newborn.given_name_kana"]


def test_the_birth_bundle_is_signed_and_submitted_with_the_certificate_as_its_evidence(scene: Scene) -> None:
    father = scene.father
    presentation = scene.present(scene.certificate(), scene.request())
    scene.hand_over(presentation)
    values = {key: value for key, value in birth_values(scene.shown().filled["inputs"]).items()
              if key in inputs_of(scene.shown())}

    father.submit(scene.draft.draft_id, values)  # no photo attached

    registration = father.session.scalars(select(Application).where(
        Application.procedure == "birth-registration")).one()
    kept = father.session.scalars(select(Attachment).where(Attachment.application_pk == registration.id)).one()
    assert (kept.media_type, kept.evidence, kept.verified is not None) == ("application/dc+sd-jwt", BIRTH, True)
    assert kept.content == presentation.encode() and kept.sha256 == hashlib.sha256(kept.content).hexdigest()
    birth_time = next(f for f in registration.fields if f["id"] == "birth_time")
    assert (birth_time["value"], birth_time["source"]["issuer"]) == ("09:41", "hospital（試験）")


def test_the_department_sees_who_issued_the_certificate_that_it_was_verified_and_what_it_says(
        scene: Scene) -> None:
    father = scene.father
    scene.hand_over(scene.present(scene.certificate(), scene.request()))
    values = {key: value for key, value in birth_values(scene.shown().filled["inputs"]).items()
              if key in inputs_of(scene.shown())}
    receipt = father.submit(scene.draft.draft_id, values)
    reference = next(a["reference"] for a in receipt.applications if a["procedure"] == "birth-registration")

    seen = open_application(father.session, actor=CITIZENS, purposes=father.serving.purposes, vault=father.vault,
                            reference=reference)

    [attachment] = seen["attachments"]
    verified = attachment["verified"]
    assert attachment["media_type"] == "application/dc+sd-jwt"
    assert verified["issuer"] == {"id": "hospital", "iss": "https://hospital.test.example",
                                  "name": {"ja": "hospital（試験）", "en": "hospital"}}
    assert verified["verified_at"] == TODAY.isoformat() and verified["kind"] == BIRTH
    assert verified["claims"]["mother_name"] == "佐藤 陽子" and verified["claims"]["height_cm"] == 49.5
    assert "attendant_name" not in verified["claims"]  # not asked, not shown


def test_a_photo_of_the_paper_certificate_stays_possible_and_is_shown_unverified(scene: Scene) -> None:
    father = scene.father
    father.attach(scene.draft, "birth-registration", BIRTH)
    receipt = father.submit(scene.draft.draft_id, birth_values(scene.draft.filled["inputs"]))
    reference = next(a["reference"] for a in receipt.applications if a["procedure"] == "birth-registration")

    seen = open_application(father.session, actor=CITIZENS, purposes=father.serving.purposes, vault=father.vault,
                            reference=reference)

    assert [(a["media_type"], a["verified"]) for a in seen["attachments"]] == [("image/png", None)]


def test_a_verified_certificate_replaces_a_photo_but_a_photo_does_not_replace_it(scene: Scene) -> None:
    father = scene.father
    father.attach(scene.draft, "birth-registration", BIRTH)
    scene.hand_over(scene.present(scene.certificate(), scene.request()))
    assert [a.media_type for a in father.session.scalars(select(Attachment))] == ["application/dc+sd-jwt"]
    with pytest.raises(AttachmentRefused, match="already verified"):
        father.attach(scene.draft, "birth-registration", BIRTH)


def test_a_death_certificate_names_the_deceased_and_is_kept_for_every_form_asking_for_it(
        session: Session, vault: Vault, serving: ServingCatalog, authority: CardAuthority,  # noqa: F811
        homes: Households, tmp_path: Path) -> None:
    homes.snapshots()
    home = homes.household()
    head = homes.person(home, "世帯主", date(1943, 3, 1), family_name="髙橋", given_name="稔")
    son = homes.person(home, "子", date(1975, 3, 1), family_name="髙橋", given_name="浩")
    homes.person(home, "妻", date(1946, 1, 1), family_name="髙橋", given_name="千代", sex="2")
    resident = Resident(session, vault, serving, authority, son.atena_number,
                        a_card(session, vault, serving, authority, son.atena_number))
    died = date(2025, 5, 20)
    draft = resident.draft("death", died, deceased=head.atena_number, funeral_held=False,
                           deceased_received_pension=False)
    scene = Scene(resident, a_world(tmp_path), draft)
    claims = {"deceased_name": "髙橋　稔", "deceased_birth_date": "1943-03-01", "death_date": died.isoformat(),
              "death_place": "北海道北見市みらい町1丁目2番3号"}

    scene.hand_over(scene.present(scene.certificate("death-certificate", **claims),
                                  scene.request("death-certificate")), "death-certificate")

    kept = {(a.procedure, a.subject) for a in session.scalars(select(Attachment))}
    assert kept == {(f["procedure"], f["subject"]) for f in draft.filled["forms"]
                    if any(n["certificate"] == "death-certificate" for n in f["evidence"])}
    assert ("cremation-permit", head.atena_number) in kept
    assert fields_of(scene.shown(), "cremation-permit")["death_place"]["source"]["claim"] == "death_place"
    with pytest.raises(SubjectMismatch):  # a certificate of another person of the household
        scene.hand_over(scene.present(scene.certificate("death-certificate", **{
            **claims, "deceased_name": "髙橋 千代"}), scene.request("death-certificate")), "death-certificate")


# every refusal is a clear problem and attaches nothing

Presenting = Callable[[Scene], str]


def forged(credential: str) -> str:
    """The credential with its payload altered after the issuer signed it."""
    parts = sdjwt.parse(credential)
    header, payload, signature = parts.issuer_jwt.split(".")
    claims = json.loads(sdjwt.b64url_decode(payload)) | {"exp": int((TODAY + timedelta(days=3650)).timestamp())}
    return sdjwt.serialize(".".join((header, sdjwt.b64url(json.dumps(claims).encode()), signature)),
                           parts.disclosures)


def with_birth_time(credential: str, value: str) -> str:
    """The credential with its birth time disclosure swapped for one the issuer never signed."""
    parts = sdjwt.parse(credential)
    swapped = [sdjwt.make_disclosure("birth_time", value).encoded
               if sdjwt.parse_disclosure(d).name == "birth_time" else d for d in parts.disclosures]
    return sdjwt.serialize(parts.issuer_jwt, swapped)


def revoked(s: Scene) -> str:
    credential = s.certificate()
    hospital = s.world.issuers["hospital"]
    hospital.revoke(hospital.issued - 1)
    return s.present(credential, s.request())


def status_down(s: Scene) -> str:
    s.world.server.down.add(s.world.issuers["hospital"].status_uri)
    return s.present(s.certificate(), s.request())


def an_earlier_request(s: Scene) -> str:
    earlier = s.request()
    s.request()  # the front asked again: only the newer nonce is accepted
    return s.present(s.certificate(), earlier)


REFUSALS: dict[str, tuple[Presenting, int, str]] = {
    "bad-signature": (lambda s: s.present(forged(s.certificate()), s.request()), 403,
                      "credential-signature-invalid"),
    "issuer-not-in-registry": (lambda s: s.present(s.certificate(by="stranger"), s.request()), 403,
                               "credential-issuer-unknown"),
    "issuer-not-trusted-for-births": (lambda s: s.present(s.certificate(by="school"), s.request()), 403,
                                      "credential-issuer-not-trusted-for-kind"),
    "another-kind": (lambda s: s.present(s.certificate("death-certificate"), s.request(), disclose=["death_time"]),
                     422,
                     "credential-kind-mismatch"),
    "expired": (lambda s: s.present(s.certificate(valid_from=TODAY - timedelta(days=30),
                                                  valid_until=TODAY - timedelta(days=1)), s.request()), 422,
                "credential-expired"),
    "not-yet-valid": (lambda s: s.present(s.certificate(valid_from=TODAY + timedelta(days=7)), s.request()), 422,
                      "credential-not-yet-valid"),
    "revoked": (revoked, 403, "credential-revoked"),
    "status-list-unreachable": (status_down, 503, "credential-status-unavailable"),
    "no-key-binding": (lambda s: (s.request(), s.certificate())[1], 403, "key-binding-missing"),
    "bound-by-another-key": (lambda s: s.present(s.certificate(), s.request(), key=jose.generate_key()), 403,
                             "key-binding-invalid"),
    "tampered-disclosure": (lambda s: s.present(with_birth_time(s.certificate(), "23:59"), s.request()), 403,
                            "credential-disclosure-invalid"),
    "wrong-nonce": (lambda s: s.present(s.certificate(), s.request(), nonce="a-nonce-of-another-draft"), 403,
                    "presentation-nonce-mismatch"),
    "answers-an-earlier-request": (an_earlier_request, 403, "presentation-nonce-mismatch"),
    "nothing-asked": (lambda s: s.world.present(s.certificate(), audience=CLIENT_ID), 403,
                      "presentation-nonce-mismatch"),
    "wrong-audience": (lambda s: s.present(s.certificate(), s.request(), audience=AUDIENCE), 403,
                       "presentation-audience-mismatch"),
    "another-mother": (lambda s: s.present(s.certificate(mother_name="北見 花子"), s.request()), 403,
                       "credential-subject-mismatch"),
    "another-birth-of-the-mother": (lambda s: s.present(s.certificate(birth_date="2022-01-02"), s.request()), 403,
                                    "credential-subject-mismatch"),
    "mother-not-disclosed": (lambda s: s.present(s.certificate(), s.request(), disclose=["birth_time"]), 422,
                             "credential-subject-not-disclosed"),
    "malformed": (lambda s: (s.request(), "not.a~presentation")[1], 422, "presentation-malformed"),
    "oversized": (lambda s: (s.request(), "a" * (sdjwt.MAX_PRESENTATION_CHARS + 1))[1], 422,
                  "presentation-too-large"),
}


@pytest.fixture
def refusing_app(app: FastAPI, scene: Scene) -> FastAPI:  # noqa: F811
    app.dependency_overrides[get_certificate_trust] = lambda: scene.world.trust
    return app


@pytest.mark.parametrize("case", REFUSALS)
def test_a_refused_certificate_is_a_problem_and_attaches_nothing(case: str, refusing_app: FastAPI,
                                                                 scene: Scene) -> None:
    presenting, status, slug = REFUSALS[case]
    http, csrf = logged_in(refusing_app, scene.father)
    presentation = presenting(scene)

    refused = http.post(f"/api/v1/drafts/{scene.draft.draft_id}/certificates", headers=csrf,
                        json={"kind": BIRTH, "presentation": presentation})

    assert (refused.status_code, refused.headers["content-type"]) == (status, "application/problem+json")
    assert refused.json()["type"] == f"https://madoguchi.example/problems/{slug}"
    assert refused.json()["detail"] and "佐藤" not in refused.json()["detail"]
    assert count(scene.father.session, Attachment) == 0
    assert inputs_of(scene.shown()) == inputs_of(scene.draft)


# over HTTP, with the test wallet answering the OpenID4VP request


def test_a_wallet_answers_the_drafts_request_over_http_once_and_the_bundle_is_submitted(
        refusing_app: FastAPI, scene: Scene) -> None:
    http, csrf = logged_in(refusing_app, scene.father)
    draft_path = f"/api/v1/drafts/{scene.draft.draft_id}"
    asked = http.post(f"{draft_path}/certificates/request", json={"kind": BIRTH}, headers=csrf)
    assert asked.status_code == 201, asked.text
    wallet = Wallet(key=scene.world.holder)
    wallet.store(scene.certificate())
    body = {"kind": BIRTH, "presentation": answer_request(wallet, asked.json())["vp_token"]["certificate"][0]}

    handed = http.post(f"{draft_path}/certificates", json=body, headers=csrf)
    assert handed.status_code == 201, handed.text
    assert handed.json()["issuer"]["name"]["ja"] == "hospital（試験）"
    assert [a["procedure"] for a in handed.json()["attachments"]] == ["birth-registration"]
    replayed = http.post(f"{draft_path}/certificates", json=body, headers=csrf)
    assert replayed.status_code == 403 and replayed.json()["type"].endswith("/presentation-nonce-mismatch")
    assert count(scene.father.session, Attachment) == 1

    inputs = http.get(draft_path).json()["inputs"]
    assert not any(entry["certificate"] for entry in inputs)
    values = {key: value for key, value in birth_values(inputs).items() if key in {e["key"] for e in inputs}}
    content = http.post(f"{draft_path}/content", json={"values": values}, headers=csrf)
    assert content.status_code == 200, content.text
    signature = scene.father.card.sign(content.json()["content"].encode())
    submitted = http.post("/api/v1/bundles", headers=csrf, json={
        "draft": str(scene.draft.draft_id), "values": values, "signature": {
            "certificate": base64.b64encode(scene.father.card.signing_certificate_der).decode(),
            "value": base64.b64encode(signature).decode()}})
    assert submitted.status_code == 201, submitted.text


def test_a_kind_no_form_of_the_bundle_asks_for_is_refused_before_anything_is_asked(
        refusing_app: FastAPI, scene: Scene) -> None:
    http, csrf = logged_in(refusing_app, scene.father)
    asked = http.post(f"/api/v1/drafts/{scene.draft.draft_id}/certificates/request",
                      json={"kind": "enrollment-certificate"}, headers=csrf)
    assert asked.status_code == 422 and asked.json()["type"].endswith("/attachment-refused")
    unknown = http.post(f"/api/v1/drafts/{scene.draft.draft_id}/certificates/request",
                        json={"kind": "marriage-certificate"}, headers=csrf)
    assert unknown.status_code == 422 and unknown.json()["type"].endswith("/credential-kind-unknown")

