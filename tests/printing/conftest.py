"""What printing tests share: the font (or a clear skip), a family's submitted birth bundle, and a
marriage registration, of a groom whose family name carries an IVS, waiting at the counter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy.orm import Session

from conftest import IN_CI
from guidance.conftest import homes, serving
from guidance.households import Households
from intake.bundle_kit import (
    Resident,
    a_card,
    any_values,
    birth_answers,
    birth_family_with_cards,
    birth_values,
)
from intake.test_bundles import authority
from madoguchi.catalog.directory import ServingCatalog
from madoguchi.catalog.models import Catalog
from madoguchi.identity.card_authority import CardAuthority
from madoguchi.intake.bundles import SubmittedBundle
from madoguchi.intake.cosign import send_to_counter
from madoguchi.printing.fonts import FONT_FILE, FONT_PACKAGE
from madoguchi.vault import Vault

__all__ = ["authority", "homes", "serving"]

IVS_FAMILY_NAME = "葛\U000e0102西"
"""葛 with the selector IPAmj明朝 draws as its ヒ-shaped variant (Moji_Joho collection)."""
MARRIED_ON = date(2025, 5, 26)


@pytest.fixture(scope="session")
def ipamj() -> None:
    """The PDFs embed IPAmj明朝: without it the PDF tests skip, saying why — with CI=true they fail."""
    if not FONT_FILE.is_file():
        message = f"{FONT_FILE} is missing: install Debian's {FONT_PACKAGE} (scripts/test-services does)"
        if IN_CI:
            pytest.fail(message + " (CI=true requires the PDF tests)")
        pytest.skip(message)


@pytest.fixture
def catalog(serving: ServingCatalog) -> Catalog:
    return serving.store.current


@dataclass
class Births:
    father: Resident
    mother: Resident
    bundle: SubmittedBundle


@pytest.fixture
def births(session: Session, vault: Vault, serving: ServingCatalog, authority: CardAuthority,  # noqa: F811
           homes: Households) -> Births:  # noqa: F811
    """The birth family's bundle, submitted by the father: five or more applications, all received."""
    family, father, mother = birth_family_with_cards(session, vault, serving, authority, homes)
    draft = father.draft(**birth_answers(family))  # type: ignore[arg-type]
    father.attach(draft, "birth-registration", "birth-certificate")
    return Births(father, mother, father.submit(draft.draft_id, birth_values(draft.filled["inputs"])))


@dataclass
class Marriage:
    groom: Resident
    bride: Resident
    bundle: SubmittedBundle

    @property
    def reference(self) -> str:
        return str(self.bundle.applications[0]["reference"])


@pytest.fixture
def marriage(session: Session, vault: Vault, serving: ServingCatalog, authority: CardAuthority,  # noqa: F811
             homes: Households) -> Marriage:  # noqa: F811
    """A 婚姻届 waiting for the bride's and two witnesses' signatures."""
    home = homes.household()
    groom_row = homes.person(home, "世帯主", date(1995, 1, 1), family_name=IVS_FAMILY_NAME, family_name_kana="カサイ")
    bride_row = homes.person(home, "妻(未届)", date(1996, 1, 1), sex="2")
    groom, bride = (Resident(session, vault, serving, authority, p.atena_number,
                             a_card(session, vault, serving, authority, p.atena_number)) for p in (groom_row, bride_row))
    draft = groom.draft("marriage", MARRIED_ON, spouse=bride_row.atena_number, living_together=True,
                        joins_spouse_employer_plan="")
    return Marriage(groom, bride, groom.submit(draft.draft_id, any_values(draft.filled["inputs"], draft.people)))


@pytest.fixture
def at_counter(marriage: Marriage, catalog: Catalog) -> Marriage:
    """The 婚姻届 moved to the counter: its co-signers sign there, on paper."""
    send_to_counter(marriage.groom.session, actor=marriage.groom.actor, catalog=catalog, reference=marriage.reference)
    return marriage
