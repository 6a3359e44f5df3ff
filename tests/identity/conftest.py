"""Card fixtures: RSA keys are made once per session, certificates per test (signing them is cheap)."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from madoguchi import clock
from madoguchi.clock import TOKYO
from madoguchi.identity.card_authority import CardAuthority, new_key
from madoguchi.identity.card_profile import BasicItems, CertificateKind
from madoguchi.identity.card_trust import CardTrust, trust_of
from madoguchi.identity.virtual_card import VirtualCard

CA_MADE = datetime(2025, 1, 6, 9, 0, tzinfo=TOKYO)
ISSUED = datetime(2025, 6, 1, 10, 0, tzinfo=TOKYO)
"""When the test card is issued; it is verified shortly after unless a test says otherwise."""
NOW = ISSUED + timedelta(minutes=5)
ATENA = "0000010014"
ITEMS = BasicItems(name="山田　太郎", birth_date="1985-06-15", sex="1", address="東京都新宿区新宿1-2-3")
"""The basic items of the hub factory's default person (registry/factories.py)."""


def make_authority(folder: Path, at: datetime) -> CardAuthority:
    clock.freeze(at)
    try:
        return CardAuthority.open(folder)
    finally:
        clock.freeze(None)


@pytest.fixture(scope="session")
def ca_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("card-ca")
    make_authority(folder, CA_MADE)
    return folder


@pytest.fixture(scope="session")
def card_keys() -> tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey]:
    return new_key(), new_key()


@pytest.fixture
def authority(ca_folder: Path, tmp_path: Path) -> CardAuthority:
    """The session's CA in a folder of this test's own: revoking here touches no other test."""
    folder = tmp_path / "card-ca"
    shutil.copytree(ca_folder, folder)
    return CardAuthority.open(folder)


def card_from(authority: CardAuthority, keys: tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey],
              *, at: datetime = ISSUED, items: BasicItems = ITEMS) -> VirtualCard:
    """A card for the given keys, its certificates issued by ``authority`` at ``at``."""
    signing_key, auth_key = keys
    clock.freeze(at)
    return VirtualCard(
        atena_number=ATENA, signing_key=signing_key,
        signing_certificate=authority.issue_certificate(signing_key.public_key(), kind=CertificateKind.SIGNING,
                                                        basic_items=items),
        auth_key=auth_key,
        auth_certificate=authority.issue_certificate(auth_key.public_key(), kind=CertificateKind.AUTHENTICATION))


@pytest.fixture
def card(authority: CardAuthority, card_keys: tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey]) -> VirtualCard:
    return card_from(authority, card_keys)


def trust_at(authority: CardAuthority, at: datetime) -> CardTrust:
    """The authority's trust as published at ``at`` (its CRL fresh then)."""
    clock.freeze(at)
    return trust_of(authority)


@pytest.fixture
def trust(authority: CardAuthority, card: VirtualCard) -> CardTrust:
    """The demo trust as of ``NOW``, after the card was issued."""
    return trust_at(authority, NOW)
