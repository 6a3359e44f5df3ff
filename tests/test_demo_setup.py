"""The demo's staff and cards: made once, usable at once, made again only when gone."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from madoguchi import clock
from madoguchi.backoffice.staff import authenticate_staff
from madoguchi.backoffice.staff_models import StaffMember
from madoguchi.catalog.directory import serving_catalog
from madoguchi.db.engine import transaction
from madoguchi.demo_setup import DEMO_PASSWORD, prepare_demo
from madoguchi.identity.card_authority import CardAuthority, authority_folder
from madoguchi.identity.card_links import resident_for
from madoguchi.identity.card_trust import trust_of
from madoguchi.identity.card_verify import verify_signature
from madoguchi.identity.virtual_card import cards_folder, load_virtual_card
from madoguchi.intake.card_signature import INTAKE
from madoguchi.settings import Settings
from madoguchi.sources.importer import import_set
from madoguchi.sources.synthetic import generate_city
from madoguchi.vault import Vault


@pytest.mark.slow
def test_the_demo_gets_staff_of_every_department_and_a_working_card_for_each_persona(
        clean_engine: Engine, vault: Vault, tmp_path: Path) -> None:
    clock.freeze(None)
    city = tmp_path / "city"
    generate_city(city, residents=200, seed=1)
    import_set(clean_engine, city, vault=vault)
    personas = json.loads((city / "personas.json").read_text(encoding="utf-8"))
    settings = Settings(database_url="sqlite://", keys_file=tmp_path / "keys" / "keys.json")
    serving = serving_catalog(None)

    access = prepare_demo(clean_engine, settings, serving, vault, personas)
    again = prepare_demo(clean_engine, settings, serving, vault, personas)

    departments = set(serving.store.current.departments)
    assert {d for _, d, _ in access.staff} == departments and access == again
    with transaction(clean_engine) as session:
        assert session.scalar(select(func.count()).select_from(StaffMember)) == 2 * len(departments)
        member = authenticate_staff(session, login="citizens-manager", password=DEMO_PASSWORD)
        assert member.role == "manager"
    applicant = next(iter(personas.values()))["applicant"]
    path = cards_folder(settings) / f"{applicant}.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    card = load_virtual_card(path)
    holder = verify_signature(b"data", card.sign(b"data"), card.signing_certificate_der,
                              trust=trust_of(CardAuthority.open(authority_folder(settings))), at=clock.now())
    with transaction(clean_engine) as session:
        assert resident_for(session, holder, actor=INTAKE, purposes=serving.purposes, vault=vault) == applicant
