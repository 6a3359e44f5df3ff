"""Digital certificates as a draft's evidence: asked of the wallet, verified, kept, and filling the forms.

The city asks the resident's wallet for one kind of certificate with an
OpenID4VP request of its own (``request_certificate``): a fresh nonce kept on
the draft, the city's ``CLIENT_ID`` as audience, and only the claims the
draft still needs besides those that say whom the certificate is about. The
presentation that answers it (``add_certificate``) is verified — the issuer
trusted for that kind, validity, status, holder binding, nonce, audience —
and must be about this event: a birth certificate names the mother the
answers name and the day of the birth, a death certificate the deceased and
the day of the death. Names are compared with those the draft's forms
already hold, so the hub is not read again. Then it is kept as the evidence
of each form that asks for it, and fills every input that takes one of its
claims. A request is answered once: its nonce is forgotten when a
presentation is accepted, so the same presentation sent again is refused.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pydantic import JsonValue
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.catalog.models import Catalog, FormField
from madoguchi.credentials.errors import (
    PresentationNonceMismatch,
    SubjectMismatch,
    SubjectNotDisclosed,
)
from madoguchi.credentials.kinds import CredentialKind, kinds
from madoguchi.credentials.openid4vp import PresentationRequest, make_request
from madoguchi.credentials.trust import TrustRegistry
from madoguchi.credentials.verify import (
    VerifiedCredential,
    check_names_subject,
    verify_presentation,
)
from madoguchi.guidance.language import Lang, say
from madoguchi.intake.application_models import Draft
from madoguchi.intake.attachments import AttachmentInfo, keep_attachment
from madoguchi.intake.drafts import CERTIFICATE_REQUESTS, open_draft
from madoguchi.intake.intake_errors import AttachmentRefused
from madoguchi.prefill.display import fitted, full_name

CLIENT_ID = "https://madoguchi.example/intake"
"""The city's verifier: the audience every presentation must be bound to (OpenID4VP ``client_id``)."""
MEDIA_TYPE = "application/dc+sd-jwt"


@dataclass(frozen=True)
class About:
    """Whom, and which day, a kind of certificate is about in a life event."""

    answer: str | None
    """The event's question naming the person it names; None: the subject of the form asking for it."""
    event_date_claim: str | None
    """The claim that must be the event's date, so another birth of the same mother does not pass."""


ABOUT = {"birth-certificate": About("mother", "birth_date"),  # the child has no name yet
         "death-certificate": About(None, "death_date")}
SUBJECT_ONLY = About(None, None)


@dataclass(frozen=True)
class CertificateEvidence:
    verified: dict[str, JsonValue]
    """What each attachment keeps as ``verified``: kind, issuer, the disclosed claims, when it was verified."""
    attachments: list[AttachmentInfo]
    filled: list[str]
    """The inputs the certificate filled: the resident no longer gives them."""

    def to_json(self) -> dict[str, object]:
        return {**self.verified, "attachments": [a.to_json() for a in self.attachments], "filled": self.filled}


def request_certificate(session: Session, *, actor: Actor, draft_id: uuid.UUID, kind: str) -> PresentationRequest:
    """The OpenID4VP request a wallet answers with a certificate of ``kind`` for this draft.

    A new request for a kind replaces the earlier one (its nonce is no longer
    accepted). Raises CredentialKindUnknown, AttachmentRefused (no form of the
    draft asks for that kind), and as ``open_draft``.
    """
    draft = open_draft(session, actor=actor, draft_id=draft_id, for_update=True)
    credential_kind = kinds[kind]
    _forms_asking(draft, kind)
    about = ABOUT.get(kind, SUBJECT_ONLY)
    index = _field_index(draft.filled)
    wanted = [credential_kind.subject_name, credential_kind.subject_birth_date, about.event_date_claim,
              *(_claim_of(index, entry) for entry in draft.filled["inputs"] if entry["certificate"] == kind)]
    request = make_request(client_id=CLIENT_ID, kind=kind, claims=tuple(dict.fromkeys(c for c in wanted if c)))
    draft.filled = {**draft.filled, CERTIFICATE_REQUESTS: {**_requests(draft), kind: request.nonce}}
    draft.updated_at = clock.now()
    session.flush()
    return request


def add_certificate(session: Session, *, actor: Actor, catalog: Catalog, trust: TrustRegistry,
                    draft_id: uuid.UUID, kind: str, presentation: str) -> CertificateEvidence:
    """Verify the presentation answering the draft's request for ``kind``; keep it as evidence, fill the forms.

    Nothing is kept when it is refused. Raises CredentialKindUnknown,
    AttachmentRefused (no form asks for it, or the draft does not hold whom it
    must name), PresentationNonceMismatch (no request of this draft waits for
    it), SubjectNotDisclosed, SubjectMismatch, what ``verify_presentation``
    raises, and as ``open_draft``.
    """
    draft = open_draft(session, actor=actor, draft_id=draft_id, for_update=True)
    credential_kind = kinds[kind]
    forms = _forms_asking(draft, kind)
    nonce = _requests(draft).get(kind)
    if nonce is None:
        raise PresentationNonceMismatch(f"this draft is waiting for no {kind}: ask the wallet again "
                                        "(a new request) and present the certificate once")
    about = ABOUT.get(kind, SUBJECT_ONLY)
    named = {_person(draft, about, form) for form in forms}
    people = [_name_and_birth_date(draft, person, credential_kind) for person in named]
    verified = verify_presentation(presentation, kind=kind, nonce=nonce, audience=CLIENT_ID, trust=trust,
                                   at=clock.now())
    for name, birth_date in people:
        check_names_subject(verified, name=name, birth_date=birth_date)
    _check_event_date(verified, about, draft.event_date)

    record = _record(verified)
    content = presentation.strip().encode("ascii")  # verified: ASCII
    attachments = [keep_attachment(session, draft, procedure=form["procedure"], subject=form["subject"],
                                   evidence=kind, filename=f"{kind}.sd-jwt", media_type=MEDIA_TYPE,
                                   content=content, verified=record) for form in forms]
    lang: Lang = "en" if draft.lang == "en" else "ja"
    filled, taken = _filled_from(draft.filled, verified, catalog, lang)
    filled[CERTIFICATE_REQUESTS] = {k: n for k, n in _requests(draft).items() if k != kind}
    draft.filled = filled
    draft.values = {key: value for key, value in draft.values.items() if key not in taken}
    session.flush()
    return CertificateEvidence(record, attachments, taken)


def _requests(draft: Draft) -> dict[str, str]:
    return dict(draft.filled.get(CERTIFICATE_REQUESTS, {}))


def _forms_asking(draft: Draft, kind: str) -> list[dict[str, Any]]:
    """The draft's forms that ask for the kind as evidence; raises AttachmentRefused when none does."""
    forms = [form for form in draft.filled["forms"] if any(need["certificate"] == kind for need in form["evidence"])]
    if not forms:
        raise AttachmentRefused(f"no form of this bundle asks for a {kind}")
    return forms


def _person(draft: Draft, about: About, form: Mapping[str, Any]) -> str:
    """The 宛名番号 of the person the certificate must name, for this form; raises AttachmentRefused."""
    person = draft.answers.get(about.answer) if about.answer is not None else form["subject"]
    if not isinstance(person, str) or not person.isdigit():
        whom = about.answer or "the person this form is about"
        raise AttachmentRefused(f"the city's records do not hold {whom}, whom the certificate names: "
                                "attach a photo or PDF of it instead")
    return person


def _name_and_birth_date(draft: Draft, person: str, kind: CredentialKind) -> tuple[str, date | None]:
    """The person's name (and birth date, where the kind names one) as the draft's forms hold them.

    Raises AttachmentRefused when the forms do not hold them.
    """
    facts: dict[str, JsonValue] = {}
    for form in draft.filled["forms"]:
        for field in form["fields"]:
            source = field.get("source") or {}
            if source.get("person") == person and isinstance(field.get("value"), str):
                facts.setdefault(str(source.get("item")), field["value"])
    needed = ["family_name", "given_name", *(["birth_date"] if kind.subject_birth_date else [])]
    if any(not facts.get(item) for item in needed):
        raise AttachmentRefused(f"this bundle's forms do not hold the {' and '.join(needed)} the {kind.id} is "
                                "compared with: attach a photo or PDF of it instead")
    birth_date = date.fromisoformat(str(facts["birth_date"])) if kind.subject_birth_date else None
    return full_name(facts["family_name"], facts["given_name"]), birth_date


def _check_event_date(verified: VerifiedCredential, about: About, event_date: date) -> None:
    """Raises SubjectNotDisclosed, SubjectMismatch."""
    claim = about.event_date_claim
    if claim is None:
        return
    if claim not in verified.claims:
        raise SubjectNotDisclosed(f"disclose {claim} so the city can see which event the certificate is about")
    if verified.claims[claim] != event_date.isoformat():
        raise SubjectMismatch(f"the certificate's {claim} is not the date of this event: it is about another one")


def _record(verified: VerifiedCredential) -> dict[str, JsonValue]:
    return {"kind": verified.kind,
            "issuer": {"id": verified.issuer.id, "iss": verified.issuer.iss,
                       "name": {"ja": verified.issuer.name.ja, "en": verified.issuer.name.en}},
            "claims": dict(verified.claims), "issued_at": verified.issued_at.isoformat(),
            "valid_until": verified.valid_until.isoformat() if verified.valid_until else None,
            "verified_at": verified.verified_at.isoformat()}


Key = tuple[str, str, str]
"""A field of the bundle: procedure, subject, field id."""


def _field_index(filled: Mapping[str, Any]) -> dict[Key, dict[str, Any]]:
    return {(form["procedure"], form["subject"], field["id"]): field
            for form in filled["forms"] for field in form["fields"]}


def _targets(entry: Mapping[str, Any]) -> list[Key]:
    return [(t["procedure"], t["subject"], t["field"]) for t in entry["fields"]]


def _claim_of(index: Mapping[Key, Mapping[str, Any]], entry: Mapping[str, Any]) -> str | None:
    """The claim an input of a certificate takes (its fields' source names it)."""
    sources = [index[key].get("source") or {} for key in _targets(entry)]
    return next((str(s["claim"]) for s in sources if s.get("certificate") == entry["certificate"]), None)


def _filled_from(filled: Mapping[str, Any], verified: VerifiedCredential, catalog: Catalog,
                 lang: Lang) -> tuple[dict[str, Any], list[str]]:
    """The draft's forms with every input of the kind whose claim was disclosed filled, and those inputs' keys.

    An input stays when its claim was not disclosed or does not fit one of its fields.
    """
    result = copy.deepcopy(dict(filled))
    index = _field_index(result)
    kept, taken = [], []
    source: dict[str, JsonValue] = {"certificate": verified.kind, "issuer": say(verified.issuer.name, lang)}
    for entry in result["inputs"]:
        claim = _claim_of(index, entry) if entry["certificate"] == verified.kind else None
        shaped = (_shaped(catalog, _targets(entry), verified.claims[claim], lang)
                  if claim is not None and claim in verified.claims else None)
        if shaped is None:
            kept.append(entry)
            continue
        for key, (value, display) in zip(_targets(entry), shaped, strict=True):
            index[key].update(value=value, display=display, source={**source, "claim": claim}, must_type=False,
                              why=None, input=None)
        taken.append(entry["key"])
    result["inputs"] = kept
    return result, taken


def _shaped(catalog: Catalog, targets: list[Key], claim: JsonValue,
            lang: Lang) -> list[tuple[JsonValue, str]] | None:
    """The claim as each field holds and shows it; None when it does not fit one of them."""
    shaped = [_fitted(catalog, procedure, field_id, claim, lang) for procedure, _, field_id in targets]
    return None if any(s is None for s in shaped) else [s for s in shaped if s is not None]


def _fitted(catalog: Catalog, procedure: str, field_id: str, claim: JsonValue,
            lang: Lang) -> tuple[JsonValue, str] | None:
    """The claim in the field's shape, or None when it does not fit.

    A whole-number field takes a measured decimal (a length of 49.5 cm) rounded
    half up, as it would be copied onto the paper form; the department reads the
    exact value among the certificate's claims.
    """
    field: FormField | None = catalog.procedure(procedure).field(field_id)
    if field is None:
        return None
    if field.type == "number" and isinstance(claim, float):
        claim = int(Decimal(str(claim)).to_integral_value(ROUND_HALF_UP))
    return fitted(field, claim, lang)
