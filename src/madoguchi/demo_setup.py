"""What the demo city needs besides its residents: staff to log in as, cards for its personas, certificates.

Everything here is for ``madoguchi demo`` only: a known password, virtual
My Number cards kept as files and a wallet on the server are what a real
city must never have. The demo wallet gets the hospital's certificates of
the personas' events: the birth of the birth persona's baby (two days
before the demo was set up) and the death of the death persona's head (the
day before). Each step is idempotent, so a demo started again reuses what it
made.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, select

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.backoffice.staff import add_staff
from madoguchi.backoffice.staff_models import StaffMember
from madoguchi.catalog.directory import ServingCatalog
from madoguchi.credentials import sdjwt
from madoguchi.credentials.demo_issuers import (
    ensure_demo_issuers,
    load_demo_issuer,
    save_demo_issuer,
)
from madoguchi.credentials.issuer import issue_credential
from madoguchi.credentials.wallet import Wallet
from madoguchi.db.engine import transaction
from madoguchi.identity.card_authority import CardAuthority, authority_folder
from madoguchi.identity.card_profile import read_basic_items
from madoguchi.identity.card_queries import active_links_of
from madoguchi.identity.virtual_card import (
    cards_folder,
    issue_card_for_resident,
    load_virtual_card,
    save_virtual_card,
)
from madoguchi.settings import Settings
from madoguchi.vault import Vault
from madoguchi.web.demo_wallet import wallet_file

DEMO_OPERATOR = Actor.operator("demo")
CARD_COUNTER = Actor.staff("demo-card-counter", "citizens", may_see_support_measure=True)
"""Who issues the demo's cards: 市民課's card counter, which serves residents under 支援措置 too."""
DEMO_PASSWORD = "madoguchi-demo-2026"
"""The demo staff's password: printed at start-up, and refused by nothing but a real city's good sense."""
ROLES = ("reviewer", "manager")
HOSPITAL = "kitami-mirai-hospital"
HOSPITAL_PLACE = "北海道北見市みらい町1丁目2番3号"
DOCTOR = "大空 一郎"
CERTIFICATE_DAYS = 90


@dataclass(frozen=True)
class PersonaCertificate:
    """A certificate the hospital issues about a persona member's event, and what it says besides."""

    kind: str
    persona: str
    role: str
    """The member it names (the mother of the baby, the deceased), by role in ``personas.json``."""
    name_claim: str
    birth_date_claim: str | None
    date_claim: str
    days_before: int
    """The event happened this many days before the demo wallet first got the certificate."""
    facts: Mapping[str, Any]


PERSONA_CERTIFICATES = (
    PersonaCertificate("birth-certificate", "birth", "mother", "mother_name", None, "birth_date", 2, {
        "child_sex": "2", "birth_time": "09:41", "birth_place": HOSPITAL_PLACE, "place_kind": "hospital",
        "facility_name": "北見みらい病院", "weight_g": 3120, "height_cm": 49.5, "gestational_weeks": 39,
        "babies": 1, "attendant_name": DOCTOR, "attendant_kind": "doctor"}),
    PersonaCertificate("death-certificate", "death", "head", "deceased_name", "deceased_birth_date", "death_date",
                       1, {"death_time": "04:30", "death_place": HOSPITAL_PLACE, "place_kind": "hospital",
                           "cause_category": "natural", "infectious_disease": False, "certifier_name": DOCTOR}),
)


@dataclass(frozen=True)
class DemoCertificate:
    kind: str
    persona: str
    on: date
    """The day of the event it certifies: the date the persona's applicant reports."""


@dataclass(frozen=True)
class DemoAccess:
    staff: list[tuple[str, str, str]] = field(default_factory=list)
    """(login, department, role) of each demo staff member."""
    cards: list[str] = field(default_factory=list)
    """宛名番号 of the residents holding a demo card."""
    certificates: list[DemoCertificate] = field(default_factory=list)
    """The certificates in the demo wallet, of the personas' events."""


def prepare_demo(engine: Engine, settings: Settings, serving: ServingCatalog, vault: Vault,
                 personas: Mapping[str, Mapping[str, object]]) -> DemoAccess:
    """Staff of each department (a reviewer and a manager), and a virtual card for every persona member."""
    catalog = serving.store.current
    access = DemoAccess()
    with transaction(engine) as session:
        existing = set(session.scalars(select(StaffMember.login)))
        for department in catalog.departments:
            for role in ROLES:
                login = f"{department}-{role}"
                if login not in existing:
                    add_staff(session, actor=DEMO_OPERATOR, catalog=catalog, login=login,
                              display_name=f"デモ {catalog.department(department).name.ja} {role}",
                              department=department, role=role, may_see_support_measure=False,
                              password=DEMO_PASSWORD)
                access.staff.append((login, department, role))
    authority = CardAuthority.open(authority_folder(settings))
    folder = cards_folder(settings)
    for persona in personas.values():
        members = persona.get("members")
        for atena in sorted(set(members.values()) if isinstance(members, dict) else set()):
            with transaction(engine) as session:
                if not (folder / f"{atena}.json").exists() or not active_links_of(session, atena):
                    card = issue_card_for_resident(session, actor=CARD_COUNTER, authority=authority,
                                                   atena_number=atena, purposes=serving.purposes, vault=vault)
                    save_virtual_card(card, folder)
            access.cards.append(atena)
    access.certificates.extend(fill_demo_wallet(settings, personas))
    return access


def fill_demo_wallet(settings: Settings, personas: Mapping[str, Mapping[str, object]]) -> list[DemoCertificate]:
    """The hospital's certificate of each persona event in the demo wallet, unless it holds one already.

    The member a certificate names is named as their demo card names them
    (the register's name and birth date): cards are made first.
    """
    path = wallet_file(settings)
    wallet = Wallet.load(path)
    issuers = settings.keys_file.parent / "issuers"  # where demo_issuers.issuer_directory() is for these settings
    ensure_demo_issuers(issuers)
    hospital = load_demo_issuer(HOSPITAL, issuers)
    made = []
    for wanted in PERSONA_CERTIFICATES:
        members = personas.get(wanted.persona, {}).get("members")
        atena = members.get(wanted.role) if isinstance(members, dict) else None
        if atena is None:
            continue
        items = read_basic_items(load_virtual_card(cards_folder(settings) / f"{atena}.json").signing_certificate)
        held = next((c for c in reversed(wallet.credentials.get(wanted.kind, []))
                     if _claims(c).get(wanted.name_claim) == items.name), None)
        if held is None:
            on = clock.today() - timedelta(days=wanted.days_before)
            birth = {wanted.birth_date_claim: items.birth_date} if wanted.birth_date_claim else {}
            now = clock.now()
            held = issue_credential(hospital, kind=wanted.kind, holder_jwk=wallet.holder_jwk, valid_from=now,
                                    valid_until=now + timedelta(days=CERTIFICATE_DAYS), claims={
                                        **wanted.facts, wanted.name_claim: items.name, **birth,
                                        wanted.date_claim: on.isoformat()})
            wallet.store(held)
        made.append(DemoCertificate(wanted.kind, wanted.persona,
                                    date.fromisoformat(str(_claims(held)[wanted.date_claim]))))
    save_demo_issuer(HOSPITAL, hospital, issuers)
    wallet.save(path)
    return made


def _claims(credential: str) -> dict[str, Any]:
    """What a credential the wallet holds says (its disclosures)."""
    parsed = (sdjwt.parse_disclosure(d) for d in sdjwt.parse(credential).disclosures)
    return {d.name: d.value for d in parsed}
