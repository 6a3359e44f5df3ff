from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update
from typer.testing import CliRunner

from madoguchi import clock
from madoguchi.cli import app
from madoguchi.db.engine import transaction
from madoguchi.registry.access_models import AccessLogEntry, ApiClient
from madoguchi.registry.api_client import authenticate_client
from madoguchi.registry.errors import ClientUnauthenticated
from madoguchi.settings import get_settings
from madoguchi.vault import Vault, save_vault

from .factories import TODAY, Family, Hub, a_my_number

runner = CliRunner()


@pytest.fixture
def city(clean_engine: Engine, vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Family]:
    """A committed family, and the commands pointed at this database and these keys."""
    save_vault(vault, tmp_path / "keys.json")
    monkeypatch.setenv("MADOGUCHI_KEYS_FILE", str(tmp_path / "keys.json"))
    monkeypatch.setenv("MADOGUCHI_DATABASE_URL", clean_engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    clock.freeze(TODAY)
    with transaction(clean_engine) as session:
        family = Hub.start(session, vault).family()
    yield family
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_person_show_prints_the_purpose_bound_view_as_json_and_logs_the_operator(
        city: Family, clean_engine: Engine) -> None:
    code, out = run("person", "show", city.head.atena_number, "--purpose", "self-view",
                    "--operator", "counter-3", "--json")
    assert code == 0, out
    document = json.loads(out)
    assert document["atena_number"] == city.head.atena_number
    assert document["items"]["family_name"] == "山田"
    assert document["items"]["my_number"] == "********" + a_my_number(1)[-4:]
    assert a_my_number(1) not in out
    assert document["sources"]["family_name"] == {"source": "juki", "as_of": None, "since": "2025-04-01"}
    with transaction(clean_engine) as session:
        entry = session.scalars(select(AccessLogEntry).where(
            AccessLogEntry.subject == city.head.atena_number)).one()
        assert (entry.actor_kind, entry.actor_id, entry.purpose) == ("operator", "counter-3", "self-view")


def test_person_show_prints_a_table_of_items_with_sources(city: Family) -> None:
    code, out = run("person", "show", city.head.atena_number, "--purpose", "self-view", "--operator", "ops")
    assert code == 0, out
    assert "family_name" in out and "山田" in out and "juki" in out and "2025-04-01" in out


def test_person_show_of_an_unknown_person_exits_1_and_of_an_unknown_purpose_exits_2(city: Family) -> None:
    assert run("person", "show", "0000099992", "--purpose", "self-view", "--operator", "ops")[0] == 1
    code, out = run("person", "show", city.head.atena_number, "--purpose", "curiosity", "--operator", "ops")
    assert code == 2 and "not a purpose" in out


def test_audit_verify_passes_an_intact_log_and_names_the_first_broken_entry(
        city: Family, clean_engine: Engine) -> None:
    for _ in range(2):
        run("person", "show", city.head.atena_number, "--purpose", "self-view", "--operator", "ops")
    assert run("audit", "checkpoint")[0] == 0
    code, out = run("audit", "verify")
    assert code == 0 and out.startswith("intact"), out
    with transaction(clean_engine) as session:
        session.execute(update(AccessLogEntry).where(AccessLogEntry.seq == 1).values(actor_id="someone-else"))
    code, out = run("audit", "verify")
    assert code == 1
    assert f"chain {city.head.atena_number} entry 1" in out and "altered" in out
    code, out = run("audit", "verify", "--json")
    assert code == 1
    assert json.loads(out)["first_problem"]["seq"] == 1


def test_audit_checkpoint_seals_what_moved_and_then_has_nothing_to_seal(city: Family) -> None:
    run("person", "show", city.head.atena_number, "--purpose", "self-view", "--operator", "ops")
    assert json.loads(run("audit", "checkpoint", "--json")[1]) == {"checkpoint": 1}
    assert json.loads(run("audit", "checkpoint", "--json")[1]) == {"checkpoint": None}


def test_audit_log_lists_who_read_a_resident(city: Family) -> None:
    run("person", "show", city.head.atena_number, "--purpose", "self-view", "--operator", "counter-3")
    code, out = run("audit", "log", city.head.atena_number, "--operator", "auditor", "--json")
    assert code == 0, out
    assert [e["actor_id"] for e in json.loads(out)["entries"]] == ["counter-3"]


def test_client_add_shows_the_token_once_and_revoke_stops_it(city: Family, clean_engine: Engine) -> None:
    code, out = run("client", "add", "portal", "--department", "市民課", "--purpose", "procedure:*",
                    "--operator", "ops", "--json")
    assert code == 0, out
    token = json.loads(out)["token"]
    with transaction(clean_engine) as session:
        assert authenticate_client(session, token=token).actor.id == "portal"
        stored = session.scalars(select(ApiClient)).one()
        assert token not in repr(vars(stored))
    assert token not in run("client", "list", "--operator", "ops")[1]
    assert run("client", "revoke", "portal", "--operator", "ops")[0] == 0
    with transaction(clean_engine) as session, pytest.raises(ClientUnauthenticated):
        authenticate_client(session, token=token)


def test_client_add_refuses_a_pattern_that_names_no_purpose_and_a_taken_name(city: Family) -> None:
    code, out = run("client", "add", "typo", "--purpose", "procedur:*", "--operator", "ops")
    assert code == 2 and "procedur:*" in out
    assert run("client", "add", "portal", "--purpose", "audit", "--operator", "ops")[0] == 0
    code, out = run("client", "add", "portal", "--purpose", "audit", "--operator", "ops")
    assert code == 1 and "exists" in out
