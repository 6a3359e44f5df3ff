"""Credential kinds: one per catalog certificate kind, with the catalog's claim ids; claims are checked."""

from __future__ import annotations

import pytest
import yaml

from madoguchi.credentials import jose
from madoguchi.credentials.errors import CredentialClaimsInvalid, CredentialKindUnknown
from madoguchi.credentials.issuer import issue_credential
from madoguchi.credentials.kinds import CredentialClaims, CredentialKind, KindRegistry, kinds
from madoguchi.registry.purpose import shipped_catalog

from .factories import CLAIMS, NOW, new_issuer


def test_every_catalog_certificate_is_a_kind_with_the_same_claims() -> None:
    document = yaml.safe_load((shipped_catalog() / "certificates.yaml").read_text(encoding="utf-8"))
    catalog = {c["id"]: [claim["id"] for claim in c["claims"]] for c in document["certificates"]}
    assert {k.id: list(k.claims.model_fields) for k in kinds} == catalog


def test_each_kind_has_its_own_vct() -> None:
    assert len({k.vct for k in kinds}) == len(list(kinds))
    assert kinds.by_vct(kinds["death-certificate"].vct) is kinds["death-certificate"]


@pytest.mark.parametrize(("change", "named"), [
    ({"weight_g": "heavy"}, "weight_g"), ({"birth_time": "9:41"}, "birth_time"),
    ({"child_sex": "male"}, "child_sex"), ({"mother_name": None}, "mother_name"),
    ({"shoe_size": 3}, "shoe_size"),
])
def test_claims_that_do_not_fit_are_refused_at_issuance(change: dict[str, object], named: str) -> None:
    with pytest.raises(CredentialClaimsInvalid, match=named):
        issue_credential(new_issuer("hospital"), kind="birth-certificate", claims={**CLAIMS["birth-certificate"], **change},
                         holder_jwk=jose.generate_key().as_dict(private=False), valid_from=NOW, valid_until=None)


def test_a_holder_key_must_be_a_public_p256_jwk() -> None:
    holder = jose.generate_key()
    for jwk in (holder.as_dict(private=True), {"kty": "OKP", "crv": "Ed25519", "x": "AA"}, {}):
        with pytest.raises(CredentialClaimsInvalid, match="holder"):
            issue_credential(new_issuer("school"), kind="enrollment-certificate",
                             claims=CLAIMS["enrollment-certificate"], holder_jwk=jwk, valid_from=NOW,
                             valid_until=None)


def test_an_end_before_the_start_is_refused() -> None:
    with pytest.raises(CredentialClaimsInvalid, match="valid_until"):
        issue_credential(new_issuer("school"), kind="enrollment-certificate",
                         claims=CLAIMS["enrollment-certificate"],
                         holder_jwk=jose.generate_key().as_dict(private=False), valid_from=NOW, valid_until=NOW)


def test_an_unknown_kind_names_the_known_ones() -> None:
    with pytest.raises(CredentialKindUnknown, match="birth-certificate, death-certificate"):
        kinds["report-card"]


def test_a_registry_refuses_a_second_kind_of_one_id_and_a_subject_it_lacks() -> None:
    class Card(CredentialClaims):
        holder_name: str

    registry = KindRegistry()
    registry("card", vct="urn:card", subject_name="holder_name")(Card)
    with pytest.raises(ValueError, match="already registered"):
        registry("card", vct="urn:card:2", subject_name="holder_name")(Card)
    with pytest.raises(ValueError, match="not one of its claims"):
        registry.add(CredentialKind("badge", "urn:badge", Card, "name", None))
