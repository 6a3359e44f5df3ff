"""What the demo city needs besides its residents: staff to log in as, and cards for its personas.

Everything here is for ``madoguchi demo`` only: a known password and virtual
My Number cards kept as files are what a real city must never have. Each step
is idempotent, so a demo started again reuses what it made.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import Engine, select

from madoguchi.actor import Actor
from madoguchi.backoffice.staff import add_staff
from madoguchi.backoffice.staff_models import StaffMember
from madoguchi.catalog.directory import ServingCatalog
from madoguchi.db.engine import transaction
from madoguchi.identity.card_authority import CardAuthority, authority_folder
from madoguchi.identity.card_queries import active_links_of
from madoguchi.identity.virtual_card import cards_folder, issue_card_for_resident, save_virtual_card
from madoguchi.settings import Settings
from madoguchi.vault import Vault

DEMO_OPERATOR = Actor.operator("demo")
CARD_COUNTER = Actor.staff("demo-card-counter", "citizens", may_see_support_measure=True)
"""Who issues the demo's cards: 市民課's card counter, which serves residents under 支援措置 too."""
DEMO_PASSWORD = "madoguchi-demo-2026"
"""The demo staff's password: printed at start-up, and refused by nothing but a real city's good sense."""
ROLES = ("reviewer", "manager")


@dataclass(frozen=True)
class DemoAccess:
    staff: list[tuple[str, str, str]] = field(default_factory=list)
    """(login, department, role) of each demo staff member."""
    cards: list[str] = field(default_factory=list)
    """宛名番号 of the residents holding a demo card."""


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
    return access
