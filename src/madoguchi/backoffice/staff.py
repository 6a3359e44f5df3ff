"""Staff accounts: add, list, disable, reset a password, and log in.

Each staff member belongs to one department of the catalog and acts there
as ``Actor.staff``. A login that fails counts against the account; after
``MAX_FAILED_LOGINS`` in a row the account is locked for ``LOCKOUT``, during
which even the right password is refused. A failure is flushed before
``StaffLoginFailed`` is raised: the caller commits it (a login page answers
the failure as a page, so the request's transaction commits).
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Literal, get_args

from sqlalchemy import select
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.backoffice.errors import (
    StaffDepartmentUnknown,
    StaffInvalid,
    StaffLoginFailed,
    StaffLoginTaken,
    StaffNotFound,
)
from madoguchi.backoffice.passwords import (
    hash_password,
    needs_rehash,
    spend_verification_time,
    verify_password,
)
from madoguchi.backoffice.staff_models import StaffMember
from madoguchi.catalog.models import Catalog

logger = logging.getLogger("madoguchi.backoffice")

Role = Literal["reviewer", "manager"]
ROLES: tuple[Role, ...] = get_args(Role)

LOGIN_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)

LOGIN_FAILED = "the login id or the password is wrong, or the account is locked or disabled"


def add_staff(session: Session, *, actor: Actor, catalog: Catalog, login: str, display_name: str,
              department: str, role: str, may_see_support_measure: bool, password: str) -> StaffMember:
    """Create an active staff member.

    Raises StaffInvalid, StaffDepartmentUnknown, StaffLoginTaken.
    """
    if not LOGIN_PATTERN.fullmatch(login):
        raise StaffInvalid("a login id is 3–64 characters: lower-case letters, digits, '.', '_' or '-', "
                           "starting with a letter or digit")
    display_name = display_name.strip()
    if not 1 <= len(display_name) <= 100:
        raise StaffInvalid("the display name must be 1–100 characters")
    if department not in catalog.departments:
        raise StaffDepartmentUnknown(f"no department {department!r} in the catalog; known: "
                                     f"{', '.join(catalog.departments)}")
    if role not in ROLES:
        raise StaffInvalid(f"the role must be one of: {', '.join(ROLES)}")
    _check_password(password, login)
    if session.scalars(select(StaffMember.id).where(StaffMember.login == login)).first() is not None:
        raise StaffLoginTaken(f"a staff member with the login id {login!r} exists")
    member = StaffMember(login=login, display_name=display_name, department=department, role=role,
                         may_see_support_measure=may_see_support_measure,
                         password_hash=hash_password(password), active=True, failed_logins=0,
                         created_at=clock.now(), created_by=actor.id)
    session.add(member)
    session.flush()
    logger.info("staff member %s added to %s as %s by %s", login, department, role, actor.id)
    return member


def list_staff(session: Session, *, actor: Actor) -> list[StaffMember]:
    """Every staff member, active or not, by department and login id."""
    return list(session.scalars(select(StaffMember).order_by(StaffMember.department, StaffMember.login)))


def disable_staff(session: Session, *, actor: Actor, login: str) -> StaffMember:
    """Refuse the member's logins from now on (the account is kept); raises StaffNotFound."""
    member = _member(session, login)
    member.active = False
    session.flush()
    logger.info("staff member %s disabled by %s", login, actor.id)
    return member


def reset_password(session: Session, *, actor: Actor, login: str, password: str) -> StaffMember:
    """Set a new password and lift a lockout; raises StaffNotFound, StaffInvalid."""
    member = _member(session, login)
    _check_password(password, login)
    member.password_hash = hash_password(password)
    member.failed_logins = 0
    member.locked_until = None
    session.flush()
    logger.info("password of staff member %s reset by %s", login, actor.id)
    return member


def authenticate_staff(session: Session, *, login: str, password: str) -> StaffMember:
    """The active staff member with this login id and password.

    Raises StaffLoginFailed — the same for an unknown login id, a wrong password,
    a locked or a disabled account — after flushing the failure's count.
    """
    member = session.scalars(
        select(StaffMember).where(StaffMember.login == login).with_for_update()).one_or_none()
    if member is None:
        spend_verification_time(password)
        logger.info("staff login refused: unknown login id")
        raise StaffLoginFailed(LOGIN_FAILED)
    now = clock.now()
    password_ok = verify_password(member.password_hash, password)
    if not member.active or (member.locked_until is not None and now < member.locked_until):
        logger.info("staff login refused: %s is %s", login, "locked" if member.active else "disabled")
        raise StaffLoginFailed(LOGIN_FAILED)
    if not password_ok:
        member.failed_logins += 1
        if member.failed_logins >= MAX_FAILED_LOGINS:
            member.failed_logins = 0
            member.locked_until = now + LOCKOUT
            logger.warning("staff member %s locked out until %s after %d failed logins",
                           login, member.locked_until.isoformat(), MAX_FAILED_LOGINS)
        else:
            logger.info("staff login refused: wrong password for %s (%d in a row)", login, member.failed_logins)
        session.flush()
        raise StaffLoginFailed(LOGIN_FAILED)
    member.failed_logins = 0
    member.locked_until = None
    member.last_login_at = now
    if needs_rehash(member.password_hash):
        member.password_hash = hash_password(password)
    session.flush()
    return member


def active_staff_member(session: Session, *, login: str) -> StaffMember | None:
    """The staff member behind a session, or None once disabled (or gone)."""
    return session.scalars(
        select(StaffMember).where(StaffMember.login == login, StaffMember.active.is_(True))).one_or_none()


def staff_actor(member: StaffMember) -> Actor:
    return Actor.staff(member.login, member.department, may_see_support_measure=member.may_see_support_measure)


def _member(session: Session, login: str) -> StaffMember:
    member = session.scalars(select(StaffMember).where(StaffMember.login == login)).one_or_none()
    if member is None:
        raise StaffNotFound(f"no staff member with the login id {login!r}")
    return member


def _check_password(password: str, login: str) -> None:
    """Raises StaffInvalid; the message never repeats the password."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise StaffInvalid(f"a password must be {MIN_PASSWORD_LENGTH}–{MAX_PASSWORD_LENGTH} characters")
    if login in password:
        raise StaffInvalid("a password must not contain the login id")
