from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from madoguchi.backoffice.errors import StaffLoginFailed
from madoguchi.backoffice.staff import authenticate_staff
from madoguchi.backoffice.staff_models import StaffMember
from madoguchi.cli import app
from madoguchi.db.engine import transaction
from madoguchi.settings import get_settings
from madoguchi.web.session_models import WebSession
from madoguchi.web.sessions import SessionPolicy, start_session

from .factories import PASSWORD

runner = CliRunner()


@pytest.fixture
def db(clean_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The commands pointed at this emptied database."""
    monkeypatch.setenv("MADOGUCHI_DATABASE_URL", clean_engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("USER", "ops")
    get_settings.cache_clear()
    yield clean_engine
    get_settings.cache_clear()


def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.output


def add_tanaka(*extra: str) -> tuple[int, str]:
    return run("staff", "add", "tanaka", "--name", "田中 一郎", "--department", "child-support",
               "--role", "reviewer", "--password-stdin", *extra, stdin=PASSWORD + "\n")


def test_staff_add_then_list_shows_the_member_and_the_password_logs_in(db: Engine) -> None:
    code, out = add_tanaka("--support-measure")
    assert code == 0, out
    assert "tanaka" in out and PASSWORD not in out
    code, out = run("staff", "list", "--json")
    assert code == 0, out
    [member] = json.loads(out)
    assert {k: member[k] for k in ("login", "name", "department", "role", "support_measure", "active",
                                   "created_by")} == {
        "login": "tanaka", "name": "田中 一郎", "department": "child-support", "role": "reviewer",
        "support_measure": True, "active": True, "created_by": "ops"}
    assert "argon2" not in out and PASSWORD not in out
    with transaction(db) as session:
        assert authenticate_staff(session, login="tanaka", password=PASSWORD).department == "child-support"


def test_staff_add_prompts_for_the_password_twice(db: Engine) -> None:
    code, out = run("staff", "add", "sato", "--name", "佐藤 花子", "--department", "citizens",
                    "--role", "manager", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert code == 0, out
    assert PASSWORD not in out
    with transaction(db) as session:
        assert authenticate_staff(session, login="sato", password=PASSWORD).role == "manager"


def test_staff_add_with_an_unknown_department_exits_2_naming_the_known_ones(db: Engine) -> None:
    code, out = run("staff", "add", "tanaka", "--name", "田中 一郎", "--department", "parks",
                    "--role", "reviewer", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 2
    assert "no department 'parks'" in out and "child-support" in out
    with transaction(db) as session:
        assert session.scalars(select(StaffMember)).all() == []


def test_staff_add_refuses_a_weak_password_a_bad_role_and_a_taken_login(db: Engine) -> None:
    code, out = run("staff", "add", "tanaka", "--name", "田中 一郎", "--department", "child-support",
                    "--role", "reviewer", "--password-stdin", stdin="short\n")
    assert code == 2 and "12" in out and "short" not in out
    code, out = run("staff", "add", "tanaka", "--name", "田中 一郎", "--department", "child-support",
                    "--role", "director", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 2
    assert add_tanaka()[0] == 0
    code, out = add_tanaka()
    assert code == 1 and "exists" in out


def test_staff_list_prints_one_line_per_member(db: Engine) -> None:
    add_tanaka()
    code, out = run("staff", "list")
    assert code == 0
    assert out.splitlines() == ["tanaka\t田中 一郎\tchild-support\treviewer\tactive"]


def open_sessions(db: Engine, login: str) -> list[WebSession]:
    with transaction(db) as session:
        return list(session.scalars(select(WebSession).where(WebSession.actor_id == login)))


def a_session_of(db: Engine, login: str) -> None:
    with transaction(db) as session:
        start_session(session, actor_kind="staff", actor_id=login, department="child-support",
                      policy=SessionPolicy(idle=timedelta(minutes=30), absolute=timedelta(hours=8)))


def test_staff_disable_refuses_the_members_logins_and_ends_their_sessions(db: Engine) -> None:
    add_tanaka()
    a_session_of(db, "tanaka")
    a_session_of(db, "suzuki")
    code, out = run("staff", "disable", "tanaka")
    assert code == 0, out
    assert open_sessions(db, "tanaka") == [] and len(open_sessions(db, "suzuki")) == 1
    with transaction(db) as session, pytest.raises(StaffLoginFailed):
        authenticate_staff(session, login="tanaka", password=PASSWORD)
    assert json.loads(run("staff", "list", "--json")[1])[0]["active"] is False
    assert run("staff", "disable", "nobody")[0] == 1


def test_staff_reset_password_sets_the_new_password_and_ends_the_members_sessions(db: Engine) -> None:
    add_tanaka()
    a_session_of(db, "tanaka")
    code, out = run("staff", "reset-password", "tanaka", "--password-stdin", stdin="a brand new passphrase\n")
    assert code == 0, out
    assert "a brand new passphrase" not in out and open_sessions(db, "tanaka") == []
    with transaction(db) as session:
        assert authenticate_staff(session, login="tanaka", password="a brand new passphrase").login == "tanaka"
