"""Issue → present → verify, selective disclosure, and the subject check."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from madoguchi import clock
from madoguchi.credentials import sdjwt
from madoguchi.credentials.errors import SubjectMismatch, SubjectNotDisclosed
from madoguchi.credentials.verify import check_names_subject

from .factories import CLAIMS, ISSUER_OF, NOW, World, all_claim_names


@pytest.mark.parametrize("kind", list(CLAIMS))
def test_every_kind_round_trips_with_every_claim(world: World, kind: str) -> None:
    verified = world.verify(world.present(world.issue(kind)), kind)
    assert dict(verified.claims) == CLAIMS[kind]
    assert verified.kind == kind
    assert verified.issuer.id == ISSUER_OF[kind]
    assert verified.issuer.name.en == ISSUER_OF[kind]
    assert verified.issued_at == NOW
    assert verified.valid_until == NOW + timedelta(days=90)
    assert verified.verified_at == NOW


def readable(text: str) -> str:
    """Everything a reader of the SD-JWT can decode: the JWT's header and payload, the disclosures."""
    parts = sdjwt.parse(text)
    decoded = [sdjwt.b64url_decode(p) for p in parts.issuer_jwt.split(".")[:2]]
    decoded += [sdjwt.b64url_decode(d) for d in parts.disclosures]
    return " ".join(d.decode("utf-8") for d in decoded)


def test_undisclosed_claims_are_absent_from_the_presentation(world: World) -> None:
    credential = world.issue("birth-certificate")
    presentation = world.present(credential, disclose=["child_sex", "birth_time"])
    verified = world.verify(presentation, "birth-certificate")
    assert dict(verified.claims) == {"child_sex": "2", "birth_time": "09:41"}
    for hidden in ("mother_name", "北見 花子", "大空 一郎", "3120", "2025-04-01"):
        assert hidden in readable(credential)
        assert hidden not in readable(presentation)


def test_the_issuer_signs_only_digests_and_the_fixed_claims(world: World) -> None:
    payload = json.loads(sdjwt.b64url_decode(world.issue("death-certificate").split(".")[1]))
    assert set(payload) == {"iss", "iat", "nbf", "exp", "vct", "cnf", "status", "_sd", "_sd_alg"}
    assert len(payload["_sd"]) == len(all_claim_names("death-certificate"))
    assert payload["status"]["status_list"]["uri"] == world.issuers["hospital"].status_uri


def test_a_certificate_without_an_end_stays_valid(world: World) -> None:
    credential = world.issue("enrollment-certificate", valid_until=None)
    clock.freeze(NOW + timedelta(days=3650))
    verified = world.verify(world.present(credential), "enrollment-certificate")
    assert verified.valid_until is None


def test_subject_check_folds_width_spaces_and_kana(world: World) -> None:
    credential = world.issue("enrollment-certificate", claims={"pupil_name": "ｷﾀﾐ　サクラ"})
    verified = world.verify(world.present(credential), "enrollment-certificate")
    check_names_subject(verified, name="きたみ さくら", birth_date=date(2016, 6, 20))
    with pytest.raises(SubjectMismatch):
        check_names_subject(verified, name="きたみ さくら", birth_date=date(2016, 6, 21))


def test_subject_check_refuses_another_person(world: World) -> None:
    verified = world.verify(world.present(world.issue("death-certificate")), "death-certificate")
    with pytest.raises(SubjectMismatch, match="deceased_name"):
        check_names_subject(verified, name="北見 次郎", birth_date=date(1940, 2, 11))
    with pytest.raises(SubjectMismatch, match="deceased_birth_date"):
        check_names_subject(verified, name="北見太郎", birth_date=date(1940, 2, 12))
    check_names_subject(verified, name="北見太郎", birth_date=date(1940, 2, 11))


def test_subject_check_needs_the_subject_disclosed(world: World) -> None:
    presentation = world.present(world.issue("employment-certificate"), disclose=["employee_name"])
    verified = world.verify(presentation, "employment-certificate")
    with pytest.raises(SubjectNotDisclosed, match="employee_birth_date"):
        check_names_subject(verified, name="北見 花子", birth_date=date(1993, 8, 15))


def test_a_birth_certificate_is_matched_to_the_mother_by_name_only(world: World) -> None:
    verified = world.verify(world.present(world.issue("birth-certificate")), "birth-certificate")
    check_names_subject(verified, name="北見花子", birth_date=None)
    with pytest.raises(SubjectMismatch):
        check_names_subject(verified, name="網走 花子", birth_date=None)
    with pytest.raises(ValueError, match="has no birth date"):
        check_names_subject(verified, name="北見花子", birth_date=date(1993, 8, 15))
