"""What the resident signs with their card, and how the intake checks that signature.

The signed content is canonical JSON (RFC 8785) built by the server from the
draft and the values given — the same bytes for the resident's device, which
fetches them to sign, and for the intake, which rebuilds them to verify. A
value changed after signing changes the bytes, and the signature fails.
Values the hub gave that are sealed (the My Number) are named, not copied:
they are the city's own data, not the resident's statement.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

import rfc8785
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from madoguchi.intake.application_models import Draft
from madoguchi.intake.sealed_fields import is_sealed
from madoguchi.intake.values import Checked

CONTENT_KIND = "madoguchi-bundle/1"


class CardSignature(BaseModel):
    """A signature made with the card's signing key (署名用電子証明書)."""

    certificate: str = Field(description="The card's signing certificate, base64 DER.", max_length=8192)
    value: str = Field(description="The signature over the content to sign, base64.", max_length=2048)


@dataclass(frozen=True)
class SignedBy:
    """Who signed, as the card's certificate and the city's card link say."""

    atena_number: str | None
    """The resident the card is linked to; None for someone who is not a resident (a witness)."""
    name: str
    birth_date: date | None
    issuer: str
    serial: str


class SignatureCheck(Protocol):
    def __call__(self, session: Session, content: bytes, signature: CardSignature) -> SignedBy:
        """Who signed ``content``; raises SignatureInvalid when the signature does not verify."""
        ...


def field_values(form: Mapping[str, Any], given: Mapping[str, Checked]) -> dict[str, Any]:
    """Each field's value: the resident's for an input, the prefilled one otherwise (a sealed one only named)."""
    values: dict[str, Any] = {}
    for field in form["fields"]:
        if field.get("input") is not None:
            checked = given.get(field["input"])
            values[field["id"]] = checked.value if checked is not None else None
        elif is_sealed(field.get("value")):
            values[field["id"]] = {"prefilled": "sealed"}
        else:
            values[field["id"]] = field.get("value")
    return values


def bundle_content(draft: Draft, given: Mapping[str, Checked], attachments: Sequence[Mapping[str, str]]) -> bytes:
    """The bytes the resident signs for a draft with these values and attachments."""
    return rfc8785.dumps({
        "kind": CONTENT_KIND,
        "draft": str(draft.draft_id),
        "applicant": draft.applicant,
        "event": draft.event,
        "date": draft.event_date.isoformat(),
        "answers": draft.answers,
        "applications": [{"procedure": form["procedure"], "subject": form["subject"],
                          "fields": field_values(form, given)} for form in draft.filled["forms"]],
        "attachments": sorted([a["evidence"], a["sha256"]] for a in attachments),
    })


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
