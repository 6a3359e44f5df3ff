from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from madoguchi import clock
from madoguchi.cli import app
from madoguchi.db.engine import transaction
from madoguchi.identity.card_authority import CardAuthority
from madoguchi.identity.card_links import IDENTITY_LINK
from madoguchi.identity.card_models import CardLink
from madoguchi.identity.card_trust import trust_of
from madoguchi.identity.card_verify import verify_signature
from madoguchi.identity.virtual_card import load_virtual_card
from madoguchi.registry.access_models import AccessLogEntry
from madoguchi.settings import get_settings
from madoguchi.vault import Vault, save_vault
from registry.factories import Hub, a_my_number

from .conftest import ISSUED

runner = CliRunner()


@pytest.fixture
def resident(clean_engine: Engine, vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A committed resident's 宛名番号, and the commands pointed at this database and these keys."""
    save_vault(vault, tmp_path / "keys.json")
    monkeypatch.setenv("MADOGUCHI_KEYS_FILE", str(tmp_path / "keys.json"))
    monkeypatch.setenv("MADOGUCHI_DATABASE_URL", clean_engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    clock.freeze(ISSUED)
    with transaction(clean_engine) as session:
        atena_number = Hub.start(session, vault).person(my_number=a_my_number(9)).atena_number
    yield atena_number
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_card_issue_writes_a_private_card_links_it_and_logs_the_read(
        resident: str, tmp_path: Path, clean_engine: Engine) -> None:
    code, out = run("card", "issue", resident, "--operator", "demo", "--json")
    assert code == 0, out
    document = json.loads(out)
    card_file = tmp_path / "cards" / f"{resident}.json"
    assert document["card_file"] == str(card_file)
    assert set(document["certificates"]) == {"signing", "authentication"}
    assert a_my_number(9) not in out and a_my_number(9) not in card_file.read_text()
    assert stat.S_IMODE(card_file.stat().st_mode) == 0o600
    assert {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "card-ca").iterdir()} == {0o600}
    card = load_virtual_card(card_file)
    holder = verify_signature(b"bundle", card.sign(b"bundle"), card.signing_certificate_der,
                              trust=trust_of(CardAuthority.open(tmp_path / "card-ca")), at=ISSUED)
    assert holder.serial == document["certificates"]["signing"]["serial"]
    with transaction(clean_engine) as session:
        links = session.scalars(select(CardLink).where(CardLink.atena_number == resident)).all()
        assert sorted((link.kind, link.linked_by) for link in links) == [
            ("authentication", "operator:demo"), ("signing", "operator:demo")]
        [entry] = session.scalars(select(AccessLogEntry).where(AccessLogEntry.subject == resident)).all()
        assert entry.purpose == IDENTITY_LINK and "my_number" not in entry.items


def test_card_revoke_unlinks_and_lists_the_revoked_certificates_on_the_crl(resident: str, tmp_path: Path) -> None:
    assert run("card", "issue", resident, "--operator", "demo")[0] == 0
    code, out = run("card", "revoke", resident, "--operator", "demo", "--json")
    assert code == 0, out
    revoked = json.loads(out)["revoked"]
    assert {entry["kind"] for entry in revoked} == {"signing", "authentication"}
    crl = CardAuthority.open(tmp_path / "card-ca").crl()
    assert {f"{entry.serial_number:x}" for entry in crl} == {entry["serial"] for entry in revoked}
    code, out = run("card", "revoke", resident, "--operator", "demo")
    assert code == 1 and "no card certificate is linked" in out


def test_card_issue_refuses_an_unknown_resident_and_a_malformed_number(resident: str) -> None:
    code, out = run("card", "issue", "0000099992", "--operator", "demo")
    assert code == 1 and "no person" in out
    assert run("card", "issue", "../keys", "--operator", "demo")[0] == 2
