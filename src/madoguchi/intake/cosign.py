"""Co-signatures: the other people a filing needs (婚姻届: the spouse and two adult witnesses).

The applicant's bundle holds such an application back (``awaiting_signatures``)
and gets one link per signer to pass on. Each signer opens their link, and
their own My Number card signs the application's content; the last signature
sends it to its department. A signer who cannot sign online signs at the
counter instead: the resident moves the application there, and it is printed
prefilled.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import rfc8785
from sqlalchemy import select
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.catalog.models import Catalog
from madoguchi.intake.application_models import Application, Bundle, CoSignature
from madoguchi.intake.history import record_status
from madoguchi.intake.intake_errors import (
    ApplicationNotFound,
    CoSignatureInvalid,
    StatusChangeInvalid,
)
from madoguchi.intake.references import normalise_reference
from madoguchi.intake.routing import deliver_application
from madoguchi.intake.signing import CardSignature, SignatureCheck
from madoguchi.intake.status import ApplicationStatus
from madoguchi.rules.lawdates import reached

S = ApplicationStatus
CONTENT_KIND = "madoguchi-co-signature/1"
CO_SIGNATURE_LIFETIME = timedelta(days=14)
ROLE_NAMES = {"spouse": "配偶者", "former_spouse": "元配偶者", "witness": "証人"}


@dataclass(frozen=True)
class CoSignLink:
    application: str
    role: str
    position: int
    token: str
    """Shown once, to the applicant, to pass on: only its hash is kept."""
    expires_at: datetime


def co_sign_request(session: Session, *, token: str) -> dict[str, Any]:
    """What the link's holder is asked to sign, and the exact content to sign. Raises CoSignatureInvalid."""
    row, application, bundle = _open_request(session, token)
    return {"application": application.reference, "procedure": application.procedure, "role": row.role,
            "role_name": ROLE_NAMES.get(row.role, row.role), "position": row.position,
            "event_date": bundle.event_date.isoformat(), "expires_at": row.expires_at.isoformat(),
            "content": co_sign_content(application, row).decode()}


def co_sign(session: Session, *, check_signature: SignatureCheck, token: str,
            signature: CardSignature) -> dict[str, Any]:
    """Record one co-signature; the last one sends the application to its department.

    Raises CoSignatureInvalid: the link is unknown, used or expired; the card
    does not verify; the signer is the applicant or has already signed this
    application; a witness is under the age the procedure asks.
    """
    row, application, bundle = _open_request(session, token, for_update=True)
    signer = check_signature(session, co_sign_content(application, row), signature)
    others = list(session.scalars(select(CoSignature).where(CoSignature.application_pk == application.id)))
    if signer.atena_number is not None and signer.atena_number == bundle.applicant:
        raise CoSignatureInvalid("the applicant cannot also co-sign: pass the link to the person it is for")
    if any(o.signer and o.signer.get("serial") == signer.serial and o.signer.get("issuer") == signer.issuer
           for o in others):
        raise CoSignatureInvalid("this card has already signed this application: each signer is a different person")
    if row.min_age is not None and (signer.birth_date is None
                                    or not reached(signer.birth_date, clock.today(), row.min_age)):
        raise CoSignatureInvalid(f"a {ROLE_NAMES.get(row.role, row.role)} must be at least {row.min_age}")
    now = clock.now()
    row.signed_at = now
    row.signature = signature.value
    row.signer = {"name": signer.name, "birth_date": signer.birth_date.isoformat() if signer.birth_date else None,
                  "issuer": signer.issuer, "serial": signer.serial}
    complete = all(o.signed_at is not None for o in others)
    if complete and application.status == S.AWAITING_SIGNATURES:
        application.status = S.RECEIVED
        application.updated_at = now
        record_status(session, application, actor=Actor("resident", bundle.applicant), at=now,
                      reason="every co-signature given")
        deliver_application(session, application, bundle)
    session.flush()
    return {"application": application.reference, "role": row.role, "position": row.position,
            "status": application.status, "all_signed": complete}


def send_to_counter(session: Session, *, actor: Actor, catalog: Catalog, reference: str) -> dict[str, Any]:
    """Sign at the counter instead: the application waits there, printed prefilled. Raises StatusChangeInvalid."""
    row = session.execute(select(Application, Bundle).join(Bundle, Bundle.id == Application.bundle_pk)
                          .where(Application.reference == normalise_reference(reference))
                          .with_for_update(of=Application)).first()
    if row is None or actor.kind != "resident" or row[1].applicant != actor.id:
        raise ApplicationNotFound(f"you have no application {reference}")
    application = row[0]
    if application.status != S.AWAITING_SIGNATURES:
        raise StatusChangeInvalid("only an application waiting for signatures can be moved to the counter")
    if not catalog.procedure(application.procedure).signers.counter_fallback:
        raise StatusChangeInvalid("this procedure cannot be signed at the counter")
    application.status = S.AT_COUNTER
    application.updated_at = clock.now()
    record_status(session, application, actor=actor, at=application.updated_at,
                  reason="to be signed at the counter")
    session.flush()
    return {"application": application.reference, "status": application.status}


def co_sign_content(application: Application, row: CoSignature) -> bytes:
    """What a co-signer signs: the application (by reference and its fields' digest) and their role in it."""
    fields = hashlib.sha256(rfc8785.dumps(application.fields)).hexdigest()
    return rfc8785.dumps({"kind": CONTENT_KIND, "application": application.reference,
                          "procedure": application.procedure, "role": row.role, "position": row.position,
                          "fields_sha256": fields})


def _open_request(session: Session, token: str, *,
                  for_update: bool = False) -> tuple[CoSignature, Application, Bundle]:
    query = (select(CoSignature, Application, Bundle)
             .join(Application, Application.id == CoSignature.application_pk)
             .join(Bundle, Bundle.id == Application.bundle_pk)
             .where(CoSignature.token_hash == token_hash(token)))
    found = session.execute(query.with_for_update(of=CoSignature) if for_update else query).first()
    if found is None:
        raise CoSignatureInvalid("this signing link is not known: ask the applicant for the link again")
    row, application, bundle = found
    if row.signed_at is not None:
        raise CoSignatureInvalid("this signing link has already been used")
    if row.expires_at <= clock.now():
        raise CoSignatureInvalid("this signing link has expired: the application can be signed at the counter")
    if application.status != S.AWAITING_SIGNATURES:
        raise CoSignatureInvalid("this application no longer waits for signatures online")
    return row, application, bundle


def request_co_signatures(session: Session, application_pk: int, reference: str, form: Mapping[str, Any],
                          now: datetime) -> list[CoSignLink]:
    """A link for each co-signer the form needs, for the application just made."""
    links = []
    for signer in form["co_signers"]:
        for position in range(1, signer["count"] + 1):
            token = secrets.token_urlsafe(24)
            expires = now + CO_SIGNATURE_LIFETIME
            session.add(CoSignature(application_pk=application_pk, role=signer["role"], position=position,
                                    min_age=signer["min_age"], token_hash=token_hash(token), requested_at=now,
                                    expires_at=expires))
            links.append(CoSignLink(reference, signer["role"], position, token, expires))
    return links


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
