"""Builders for staff-account tests: the shipped catalog, staff members, cheap password hashing."""

from __future__ import annotations

from datetime import datetime
from functools import cache

import pytest
from argon2 import PasswordHasher, profiles
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.backoffice import passwords
from madoguchi.backoffice.staff import add_staff
from madoguchi.backoffice.staff_models import StaffMember
from madoguchi.catalog.loader import load_catalog
from madoguchi.catalog.models import Catalog
from madoguchi.registry.purpose import shipped_catalog

START = datetime(2025, 4, 1, 9, 0, tzinfo=clock.TOKYO)
OPERATOR = Actor.operator("ops")
PASSWORD = "correct horse battery staple"


@cache
def shipped() -> Catalog:
    return load_catalog(shipped_catalog())


def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id at its lowest cost: the tests hash many passwords (one test checks the real cost)."""
    monkeypatch.setattr(passwords, "hasher", PasswordHasher.from_parameters(profiles.CHEAPEST))


def a_staff_member(session: Session, *, login: str = "tanaka", display_name: str = "田中 一郎",
                   department: str = "child-support", role: str = "reviewer",
                   may_see_support_measure: bool = False, password: str = PASSWORD) -> StaffMember:
    return add_staff(session, actor=OPERATOR, catalog=shipped(), login=login, display_name=display_name,
                     department=department, role=role, may_see_support_measure=may_see_support_measure,
                     password=password)
