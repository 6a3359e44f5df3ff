"""Every bad presentation is refused with its own error, and nothing is returned."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from madoguchi import clock
from madoguchi.credentials import jose, sdjwt
from madoguchi.credentials.demo_issuers import certify, der_base64, make_root
from madoguchi.credentials.errors import (
    CredentialExpired,
    CredentialIssuerUnknown,
    CredentialKindMismatch,
    CredentialKindUnknown,
    CredentialNotYetValid,
    CredentialRevoked,
    CredentialSignatureInvalid,
    CredentialStatusUnavailable,
    DisclosureInvalid,
    IssuerCertificateInvalid,
    IssuerNotTrustedForKind,
    KeyBindingInvalid,
    KeyBindingMissing,
    PresentationAudienceMismatch,
    PresentationMalformed,
    PresentationNonceMismatch,
    PresentationTooLarge,
)
from madoguchi.credentials.issuer import Issuer
from madoguchi.credentials.status import SUSPENDED

from .factories import AUDIENCE, NONCE, NOW, World


def payload_of(credential: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(sdjwt.b64url_decode(credential.split(".")[1]))
    return result


def header_of(credential: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(sdjwt.b64url_decode(credential.split(".")[0]))
    return result


def bind(world: World, issuer_jwt: str, disclosures: list[str]) -> str:
    """A presentation of exactly these parts with a valid key binding by the holder."""
    bound = sdjwt.serialize(issuer_jwt, disclosures)
    claims = {"iat": int(clock.now().timestamp()), "aud": AUDIENCE, "nonce": NONCE,
              "sd_hash": sdjwt.digest(bound)}
    return bound + jose.sign({"typ": "kb+jwt"}, claims, world.holder)


def resigned(credential: str, issuer: Issuer, **changes: Any) -> tuple[str, list[str]]:
    """The credential's JWT with payload changes, signed again by ``issuer``; and its disclosures."""
    parts = sdjwt.parse(credential)
    payload = {**payload_of(parts.issuer_jwt), **changes}
    return jose.sign(header_of(parts.issuer_jwt), payload, issuer.key), list(parts.disclosures)


# the issuer's signature and trust


def test_an_altered_payload_fails_the_signature(world: World) -> None:
    parts = sdjwt.parse(world.issue("enrollment-certificate"))
    header, _, signature = parts.issuer_jwt.split(".")
    payload = {**payload_of(parts.issuer_jwt), "exp": int((NOW + timedelta(days=3650)).timestamp())}
    forged = ".".join((header, sdjwt.b64url(json.dumps(payload).encode()), signature))
    with pytest.raises(CredentialSignatureInvalid, match="altered or not signed by this issuer"):
        world.verify(bind(world, forged, list(parts.disclosures)), "enrollment-certificate")


def test_a_key_posing_under_the_issuers_kid_fails_the_signature(world: World) -> None:
    impostor = Issuer(world.issuers["school"].iss, jose.generate_key(), world.issuers["school"].status_uri)
    jwt, disclosures = resigned(world.issue("enrollment-certificate"), impostor)
    with pytest.raises(CredentialSignatureInvalid, match="does not verify"):
        world.verify(bind(world, jwt, disclosures), "enrollment-certificate")


def test_a_key_the_registry_does_not_hold_is_refused(world: World) -> None:
    world.issuers["school"].key = jose.generate_key()  # the school changed its key; the city was not told
    with pytest.raises(CredentialSignatureInvalid, match="the city must add the new one"):
        world.verify(world.present(world.issue("enrollment-certificate")), "enrollment-certificate")


def test_an_issuer_outside_the_registry_is_refused(world: World) -> None:
    credential = world.issue("employment-certificate", by="stranger")
    with pytest.raises(CredentialIssuerUnknown, match="stranger.test.example"):
        world.verify(world.present(credential), "employment-certificate")


def test_an_issuer_is_trusted_only_for_its_kinds(world: World) -> None:
    credential = world.issue("birth-certificate", by="school")
    with pytest.raises(IssuerNotTrustedForKind, match="enrollment-certificate only"):
        world.verify(world.present(credential), "birth-certificate")


def test_a_certificate_of_another_kind_is_refused(world: World) -> None:
    with pytest.raises(CredentialKindMismatch, match="not a birth-certificate"):
        world.verify(world.present(world.issue("death-certificate")), "birth-certificate")


def test_an_unknown_kind_is_refused(world: World) -> None:
    with pytest.raises(CredentialKindUnknown):
        world.verify(world.present(world.issue("death-certificate")), "marriage-certificate")


# X.509 trust of the hospital


def with_chain(world: World, chain: tuple[str, ...]) -> str:
    world.issuers["hospital"].x5c = chain
    return world.present(world.issue("birth-certificate"))


def test_a_chain_to_another_root_is_refused(world: World) -> None:
    other_key, other_root = make_root("someone else's root", not_before=NOW - timedelta(days=1))
    hospital = world.issuers["hospital"]
    chain = (der_base64(certify(other_key, other_root, hospital.key, iss=hospital.iss, name="h",
                                not_before=NOW - timedelta(days=1))),)
    with pytest.raises(IssuerCertificateInvalid, match="configured root"):
        world.verify(with_chain(world, chain), "birth-certificate")


def test_a_certificate_naming_another_issuer_is_refused(world: World) -> None:
    hospital = world.issuers["hospital"]
    chain = (der_base64(certify(world.root_key, world.root, hospital.key, iss="https://elsewhere.example",
                                name="h", not_before=NOW - timedelta(days=1))),)
    with pytest.raises(IssuerCertificateInvalid, match="names another issuer"):
        world.verify(with_chain(world, chain), "birth-certificate")


def test_a_credential_without_its_chain_is_refused(world: World) -> None:
    with pytest.raises(IssuerCertificateInvalid, match="no x5c"):
        world.verify(with_chain(world, ()), "birth-certificate")


def test_an_expired_issuer_certificate_is_refused(world: World) -> None:
    presentation = world.present(world.issue("birth-certificate", valid_until=None))
    with pytest.raises(IssuerCertificateInvalid, match="not valid at validation time"):
        world.verify(presentation, "birth-certificate", at=NOW + timedelta(days=4000))


# validity, status


def test_an_expired_certificate_is_refused(world: World) -> None:
    credential = world.issue("employment-certificate", valid_until=NOW + timedelta(days=1))
    clock.freeze(NOW + timedelta(days=2))
    with pytest.raises(CredentialExpired, match="expired on 2025-04-04 10:00"):
        world.verify(world.present(credential), "employment-certificate")


def test_a_certificate_not_valid_yet_is_refused(world: World) -> None:
    credential = world.issue("employment-certificate", valid_from=NOW + timedelta(days=7))
    with pytest.raises(CredentialNotYetValid, match="valid from 2025-04-10"):
        world.verify(world.present(credential), "employment-certificate")


def test_a_revoked_certificate_is_refused(world: World) -> None:
    credential = world.issue("death-certificate")
    world.issuers["hospital"].revoke(world.issuers["hospital"].issued - 1)
    with pytest.raises(CredentialRevoked, match="has revoked"):
        world.verify(world.present(credential), "death-certificate")


def test_a_suspended_certificate_is_refused(world: World) -> None:
    credential = world.issue("employment-certificate")
    world.issuers["employer"].revoke(world.issuers["employer"].issued - 1, SUSPENDED)
    with pytest.raises(CredentialRevoked, match="has suspended"):
        world.verify(world.present(credential), "employment-certificate")


def test_revoking_one_certificate_leaves_the_others_valid(world: World) -> None:
    first, second = world.issue("death-certificate"), world.issue("death-certificate")
    world.issuers["hospital"].revoke(0)
    assert world.verify(world.present(second), "death-certificate").claims
    with pytest.raises(CredentialRevoked):
        world.verify(world.present(first), "death-certificate")


def test_a_status_list_that_cannot_be_fetched_makes_it_unverifiable(world: World) -> None:
    world.server.down.add(world.issuers["school"].status_uri)
    with pytest.raises(CredentialStatusUnavailable, match="HTTP 503"):
        world.verify(world.present(world.issue("enrollment-certificate")), "enrollment-certificate")


# holder binding, nonce, audience


def test_a_presentation_without_key_binding_is_refused(world: World) -> None:
    credential = world.issue("birth-certificate")  # as issued: <JWT>~<disclosures>~ with nothing after
    with pytest.raises(KeyBindingMissing):
        world.verify(credential, "birth-certificate")


def test_a_key_binding_by_someone_else_is_refused(world: World) -> None:
    presentation = world.present(world.issue("birth-certificate"), key=jose.generate_key())
    with pytest.raises(KeyBindingInvalid, match="does not come from the certificate's holder"):
        world.verify(presentation, "birth-certificate")


@pytest.mark.parametrize("change", ["drop", "add"])
def test_disclosures_changed_after_binding_are_refused(world: World, change: str) -> None:
    credential = world.issue("birth-certificate")
    presentation = world.present(credential, disclose=["child_sex", "birth_time"])
    jwt, *shown, binding = presentation.split("~")
    extra = [d for d in sdjwt.parse(credential).disclosures if d not in shown][:1]
    changed = shown[:1] if change == "drop" else shown + extra
    with pytest.raises(KeyBindingInvalid, match="covers another presentation"):
        world.verify(sdjwt.serialize(jwt, changed, binding), "birth-certificate")


def test_a_replayed_presentation_answers_the_old_nonce(world: World) -> None:
    presentation = world.present(world.issue("birth-certificate"), nonce="yesterdays-nonce")
    with pytest.raises(PresentationNonceMismatch):
        world.verify(presentation, "birth-certificate", nonce=NONCE)


def test_a_presentation_for_another_verifier_is_refused(world: World) -> None:
    presentation = world.present(world.issue("birth-certificate"), audience="https://other.example")
    with pytest.raises(PresentationAudienceMismatch):
        world.verify(presentation, "birth-certificate")


def test_an_old_key_binding_is_refused(world: World) -> None:
    presentation = world.present(world.issue("birth-certificate"))
    clock.freeze(NOW + timedelta(minutes=10))
    with pytest.raises(KeyBindingInvalid, match="last few minutes"):
        world.verify(presentation, "birth-certificate")


# disclosures


def test_a_tampered_disclosure_is_refused(world: World) -> None:
    parts = sdjwt.parse(world.issue("birth-certificate"))
    salt, name, _ = json.loads(sdjwt.b64url_decode(parts.disclosures[0]))
    tampered = sdjwt.b64url(json.dumps([salt, name, "something else"]).encode())
    with pytest.raises(DisclosureInvalid, match="altered or added"):
        world.verify(bind(world, parts.issuer_jwt, [tampered, *parts.disclosures[1:]]), "birth-certificate")


def test_a_disclosure_from_another_certificate_is_refused(world: World) -> None:
    mine = sdjwt.parse(world.issue("enrollment-certificate"))
    other = sdjwt.parse(world.issue("enrollment-certificate", claims={"grade": "j3"}))
    grade = next(d for d in other.disclosures if sdjwt.parse_disclosure(d).name == "grade")
    shown = [d for d in mine.disclosures if sdjwt.parse_disclosure(d).name != "grade"]
    with pytest.raises(DisclosureInvalid, match="matches no digest the issuer signed"):
        world.verify(bind(world, mine.issuer_jwt, [*shown, grade]), "enrollment-certificate")


def test_a_disclosure_sent_twice_is_refused(world: World) -> None:
    parts = sdjwt.parse(world.issue("enrollment-certificate"))
    with pytest.raises(DisclosureInvalid, match="twice"):
        world.verify(bind(world, parts.issuer_jwt, [*parts.disclosures, parts.disclosures[0]]),
                     "enrollment-certificate")


def test_a_signed_claim_that_does_not_fit_the_kind_is_refused(world: World) -> None:
    disclosure = sdjwt.make_disclosure("weight_g", "heavy")
    jwt, _ = resigned(world.issue("birth-certificate"), world.issuers["hospital"], _sd=[disclosure.digest])
    with pytest.raises(PresentationMalformed, match="'weight_g' does not fit"):
        world.verify(bind(world, jwt, [disclosure.encoded]), "birth-certificate")


# size and shape


def test_an_oversized_presentation_is_refused_before_parsing(world: World) -> None:
    with pytest.raises(PresentationTooLarge):
        world.verify("a" * 40_000, "birth-certificate")


@pytest.mark.parametrize("text", ["", "not a presentation", "a.b.c~", "e30.e30.e30~~",
                                  "証明書~", "eyJhbGciOiJub25lIn0.e30.~"])
def test_malformed_presentations_are_refused(world: World, text: str) -> None:
    with pytest.raises(PresentationMalformed):
        world.verify(text, "birth-certificate")


def test_an_unsigned_token_is_refused(world: World) -> None:
    parts = sdjwt.parse(world.issue("birth-certificate"))
    header = sdjwt.b64url(json.dumps({"alg": "none", "typ": "dc+sd-jwt"}).encode())
    unsigned = f"{header}.{parts.issuer_jwt.split('.')[1]}."
    with pytest.raises(PresentationMalformed, match="'none'"):
        world.verify(bind(world, unsigned, list(parts.disclosures)), "birth-certificate")


def test_a_token_of_another_type_is_refused(world: World) -> None:
    hospital = world.issuers["hospital"]
    parts = sdjwt.parse(world.issue("birth-certificate"))
    jwt = jose.sign({**header_of(parts.issuer_jwt), "typ": "JWT"}, payload_of(parts.issuer_jwt), hospital.key)
    with pytest.raises(PresentationMalformed, match="typ"):
        world.verify(bind(world, jwt, list(parts.disclosures)), "birth-certificate")


def test_the_hospital_is_trusted_through_its_chain_alone(world: World) -> None:
    """Guard for the X.509 tests above: the registry holds a root for it, no keys."""
    hospital = world.trust.issuer(world.issuers["hospital"].iss)
    assert hospital.roots and not hospital.keys
