"""The test wallet keeps only credentials bound to its key and presents the newest of a kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from madoguchi.credentials.wallet import Wallet

from .factories import AUDIENCE, NONCE, World


def test_the_wallet_presents_what_it_stores(world: World) -> None:
    wallet = Wallet(world.holder)
    assert wallet.store(world.issue("enrollment-certificate", claims={"grade": "e3"})) == "enrollment-certificate"
    wallet.store(world.issue("enrollment-certificate", claims={"grade": "e4"}))
    presentation = wallet.present("enrollment-certificate", disclose=["grade"], nonce=NONCE, audience=AUDIENCE)
    assert dict(world.verify(presentation, "enrollment-certificate").claims) == {"grade": "e4"}


def test_the_wallet_refuses_another_holders_credential(world: World) -> None:
    with pytest.raises(ValueError, match="another holder"):
        Wallet().store(world.issue("enrollment-certificate"))


def test_the_wallet_says_what_it_lacks(world: World) -> None:
    wallet = Wallet(world.holder)
    with pytest.raises(LookupError, match="no death-certificate"):
        wallet.present("death-certificate", disclose=[], nonce=NONCE, audience=AUDIENCE)
    wallet.store(world.issue("death-certificate"))
    with pytest.raises(ValueError, match="no claim favourite_colour"):
        wallet.present("death-certificate", disclose=["favourite_colour"], nonce=NONCE, audience=AUDIENCE)


def test_the_wallet_is_kept_in_a_private_file(world: World, tmp_path: Path) -> None:
    wallet = Wallet(world.holder)
    wallet.store(world.issue("employment-certificate"))
    wallet.save(tmp_path / "wallet.json")
    assert (tmp_path / "wallet.json").stat().st_mode & 0o777 == 0o600
    again = Wallet.load(tmp_path / "wallet.json")
    assert again.holder_jwk == wallet.holder_jwk and again.credentials == wallet.credentials
