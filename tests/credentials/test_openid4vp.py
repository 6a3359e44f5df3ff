"""The in-process OpenID4VP exchange: the wallet answers the city's request with exactly what it asks."""

from __future__ import annotations

import pytest

from madoguchi import clock
from madoguchi.credentials.errors import PresentationMalformed, PresentationNonceMismatch
from madoguchi.credentials.openid4vp import answer_request, make_request, read_response
from madoguchi.credentials.wallet import Wallet

from .factories import AUDIENCE, World


@pytest.fixture
def wallet(world: World) -> Wallet:
    wallet = Wallet(world.holder)
    wallet.store(world.issue("birth-certificate"))
    return wallet


def test_the_wallet_discloses_exactly_the_claims_asked_for(world: World, wallet: Wallet) -> None:
    request = make_request(client_id=AUDIENCE, kind="birth-certificate", claims=("child_sex", "birth_place"))
    response = answer_request(wallet, request.to_json())
    verified = read_response(response, request=request, trust=world.trust, at=clock.now())
    assert dict(verified.claims) == {"child_sex": "2", "birth_place": "北海道北見市みらい町1丁目2番3号"}


def test_each_request_has_its_own_nonce(world: World, wallet: Wallet) -> None:
    first = make_request(client_id=AUDIENCE, kind="birth-certificate", claims=("child_sex",))
    second = make_request(client_id=AUDIENCE, kind="birth-certificate", claims=("child_sex",))
    assert first.nonce != second.nonce
    replayed = {**answer_request(wallet, first.to_json()), "state": second.state}
    with pytest.raises(PresentationNonceMismatch):
        read_response(replayed, request=second, trust=world.trust, at=clock.now())


def test_a_response_to_another_request_is_refused(world: World, wallet: Wallet) -> None:
    request = make_request(client_id=AUDIENCE, kind="birth-certificate", claims=("child_sex",))
    response = {**answer_request(wallet, request.to_json()), "state": "someone-elses"}
    with pytest.raises(PresentationNonceMismatch, match="state"):
        read_response(response, request=request, trust=world.trust, at=clock.now())


@pytest.mark.parametrize("vp_token", [None, "x~", {"certificate": []}, {"certificate": ["a~", "b~"]}])
def test_a_response_without_one_presentation_is_refused(world: World, vp_token: object) -> None:
    request = make_request(client_id=AUDIENCE, kind="birth-certificate", claims=("child_sex",))
    with pytest.raises(PresentationMalformed, match="one presentation"):
        read_response({"vp_token": vp_token, "state": request.state}, request=request, trust=world.trust,
                      at=clock.now())


def test_a_wallet_without_the_kind_says_so(wallet: Wallet) -> None:
    request = make_request(client_id=AUDIENCE, kind="death-certificate", claims=("death_time",))
    with pytest.raises(LookupError):
        answer_request(wallet, request.to_json())
