from __future__ import annotations

import logging
from datetime import timedelta
from typing import Literal

import pytest
from argon2 import PasswordHasher, profiles
from sqlalchemy import select
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.backoffice import passwords
from madoguchi.backoffice.errors import (
    StaffDepartmentUnknown,
    StaffInvalid,
    StaffLoginFailed,
    StaffLoginTaken,
    StaffNotFound,
)
from madoguchi.backoffice.staff import (
    active_staff_member,
    authenticate_staff,
    disable_staff,
    list_staff,
    reset_password,
    staff_actor,
)
from madoguchi.backoffice.staff_models import StaffMember

from .factories import OPERATOR, PASSWORD, START, a_staff_member


def test_a_password_is_stored_as_an_argon2id_hash_that_verifies_only_that_password(session: Session) -> None:
    member = a_staff_member(session)
    stored = session.scalars(select(StaffMember.password_hash).where(StaffMember.login == "tanaka")).one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert member.password_hash == stored
    assert passwords.verify_password(stored, PASSWORD)
    assert not passwords.verify_password(stored, PASSWORD + "!")
    assert not passwords.verify_password("not a hash", PASSWORD)


def test_two_members_with_one_password_get_different_hashes(session: Session) -> None:
    first = a_staff_member(session, login="tanaka")
    second = a_staff_member(session, login="suzuki")
    assert first.password_hash != second.password_hash


def test_the_default_cost_is_argon2id_and_a_cheaper_hash_is_upgraded_at_the_next_login(
        session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    cheap = a_staff_member(session).password_hash
    monkeypatch.setattr(passwords, "hasher", PasswordHasher())
    assert passwords.needs_rehash(cheap)
    member = authenticate_staff(session, login="tanaka", password=PASSWORD)
    assert member.password_hash != cheap and not passwords.needs_rehash(member.password_hash)
    assert member.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert authenticate_staff(session, login="tanaka", password=PASSWORD).id == member.id


def test_login_with_the_right_password_gives_the_member_acting_as_staff_of_their_department(
        session: Session) -> None:
    clock.freeze(START)
    a_staff_member(session, department="insurance-pension", role="manager", may_see_support_measure=True)
    member = authenticate_staff(session, login="tanaka", password=PASSWORD)
    assert member.last_login_at == START
    assert staff_actor(member) == Actor("staff", "tanaka", "insurance-pension", may_see_support_measure=True)


def test_an_unknown_login_and_a_wrong_password_fail_alike_and_both_spend_a_verification(
        session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    a_staff_member(session)
    verified: list[str] = []

    class CountingHasher(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            verified.append(str(password))
            return super().verify(hash, password)

    monkeypatch.setattr(passwords, "hasher", CountingHasher.from_parameters(profiles.CHEAPEST))
    with pytest.raises(StaffLoginFailed) as unknown:
        authenticate_staff(session, login="nobody", password="a guess of a password")
    with pytest.raises(StaffLoginFailed) as wrong:
        authenticate_staff(session, login="tanaka", password="a guess of a password")
    assert unknown.value.detail == wrong.value.detail and unknown.value.status == 401
    assert verified == ["a guess of a password", "a guess of a password"]


def test_five_failed_logins_lock_the_account_for_fifteen_minutes_even_for_the_right_password(
        session: Session) -> None:
    clock.freeze(START)
    a_staff_member(session)
    for _ in range(5):
        with pytest.raises(StaffLoginFailed):
            authenticate_staff(session, login="tanaka", password="wrong password!")
    member = session.scalars(select(StaffMember).where(StaffMember.login == "tanaka")).one()
    assert member.locked_until == START + timedelta(minutes=15)
    clock.freeze(START + timedelta(minutes=14, seconds=59))
    with pytest.raises(StaffLoginFailed):
        authenticate_staff(session, login="tanaka", password=PASSWORD)
    clock.freeze(START + timedelta(minutes=15))
    assert authenticate_staff(session, login="tanaka", password=PASSWORD).locked_until is None


def test_attempts_during_a_lockout_do_not_extend_it(session: Session) -> None:
    clock.freeze(START)
    a_staff_member(session)
    for _ in range(5):
        with pytest.raises(StaffLoginFailed):
            authenticate_staff(session, login="tanaka", password="wrong password!")
    clock.freeze(START + timedelta(minutes=10))
    for _ in range(5):
        with pytest.raises(StaffLoginFailed):
            authenticate_staff(session, login="tanaka", password="wrong password!")
    clock.freeze(START + timedelta(minutes=15))
    authenticate_staff(session, login="tanaka", password=PASSWORD)


def test_failures_count_in_a_row_a_success_starts_the_count_again(session: Session) -> None:
    clock.freeze(START)
    a_staff_member(session)
    for _ in range(4):
        with pytest.raises(StaffLoginFailed):
            authenticate_staff(session, login="tanaka", password="wrong password!")
    assert authenticate_staff(session, login="tanaka", password=PASSWORD).failed_logins == 0
    for _ in range(4):
        with pytest.raises(StaffLoginFailed):
            authenticate_staff(session, login="tanaka", password="wrong password!")
    assert authenticate_staff(session, login="tanaka", password=PASSWORD).locked_until is None


def test_a_disabled_member_is_refused_with_the_right_password(session: Session) -> None:
    a_staff_member(session)
    disable_staff(session, actor=OPERATOR, login="tanaka")
    with pytest.raises(StaffLoginFailed):
        authenticate_staff(session, login="tanaka", password=PASSWORD)
    assert active_staff_member(session, login="tanaka") is None
    with pytest.raises(StaffNotFound):
        disable_staff(session, actor=OPERATOR, login="nobody")


def test_reset_password_replaces_the_password_and_lifts_a_lockout(session: Session) -> None:
    clock.freeze(START)
    a_staff_member(session)
    for _ in range(5):
        with pytest.raises(StaffLoginFailed):
            authenticate_staff(session, login="tanaka", password="wrong password!")
    reset_password(session, actor=OPERATOR, login="tanaka", password="a brand new passphrase")
    with pytest.raises(StaffLoginFailed):
        authenticate_staff(session, login="tanaka", password=PASSWORD)
    assert authenticate_staff(session, login="tanaka", password="a brand new passphrase").login == "tanaka"
    with pytest.raises(StaffNotFound):
        reset_password(session, actor=OPERATOR, login="nobody", password="a brand new passphrase")


def test_adding_refuses_an_unknown_department_a_bad_login_id_a_weak_password_and_a_taken_login(
        session: Session) -> None:
    with pytest.raises(StaffDepartmentUnknown, match="no department 'parks'.*child-support"):
        a_staff_member(session, department="parks")
    for login in ("ab", "Tanaka", "-tanaka", "tanaka taro", "t" * 65):
        with pytest.raises(StaffInvalid, match="login id"):
            a_staff_member(session, login=login)
    with pytest.raises(StaffInvalid, match="12"):
        a_staff_member(session, password="too short")
    with pytest.raises(StaffInvalid, match="login id"):
        a_staff_member(session, password="tanaka-1234567890")
    with pytest.raises(StaffInvalid, match="role"):
        a_staff_member(session, role="director")
    with pytest.raises(StaffInvalid, match="display name"):
        a_staff_member(session, display_name="  ")
    assert list_staff(session, actor=OPERATOR) == []
    a_staff_member(session)
    with pytest.raises(StaffLoginTaken):
        a_staff_member(session, display_name="田中 二郎")


def test_list_gives_every_member_by_department_and_login(session: Session) -> None:
    a_staff_member(session, login="suzuki", department="citizens")
    a_staff_member(session, login="abe", department="child-support")
    a_staff_member(session, login="sato", department="citizens")
    disable_staff(session, actor=OPERATOR, login="sato")
    assert [(m.department, m.login, m.active) for m in list_staff(session, actor=OPERATOR)] == [
        ("child-support", "abe", True), ("citizens", "sato", False), ("citizens", "suzuki", True)]


def test_a_password_never_appears_in_the_log_or_in_an_error(
        session: Session, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    clock.freeze(START)
    secret = "s3cret-passphrase-for-tanaka-only"
    errors: list[str] = []
    a_staff_member(session, password=secret.replace("tanaka", "t"))
    for login, password in [("tanaka", secret), ("tanaka", secret), ("nobody", secret), (secret, secret)]:
        with pytest.raises(StaffLoginFailed) as failed:
            authenticate_staff(session, login=login, password=password)
        errors.append(str(failed.value))
    for _ in range(3):  # on to the lockout
        with pytest.raises(StaffLoginFailed):
            authenticate_staff(session, login="tanaka", password=secret)
    with pytest.raises(StaffInvalid) as weak:
        a_staff_member(session, login="suzuki", password="suzuki" + secret)
    errors.append(str(weak.value))
    reset_password(session, actor=OPERATOR, login="tanaka", password=secret[::-1])
    authenticate_staff(session, login="tanaka", password=secret[::-1])
    assert "locked out" in caplog.text  # the log did record the events
    for text in [caplog.text, *errors]:
        assert secret not in text and secret[::-1] not in text
