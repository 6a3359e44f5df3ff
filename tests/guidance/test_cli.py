"""`madoguchi plan`, `prefill` and `screen`: JSON as interfaces.md says, exit 2 and nothing written on bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from madoguchi import clock
from madoguchi.cli import app
from madoguchi.db.engine import transaction
from madoguchi.registry.access_models import AccessLogEntry
from madoguchi.settings import get_settings
from madoguchi.vault import Vault, save_vault
from registry.factories import TODAY, Hub

from .households import BirthFamily, Households

runner = CliRunner()


@pytest.fixture
def family(clean_engine: Engine, vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[BirthFamily]:
    """A committed birth family, and the commands pointed at this database and these keys."""
    save_vault(vault, tmp_path / "keys.json")
    monkeypatch.setenv("MADOGUCHI_KEYS_FILE", str(tmp_path / "keys.json"))
    monkeypatch.setenv("MADOGUCHI_DATABASE_URL", clean_engine.url.render_as_string(hide_password=False))
    monkeypatch.delenv("MADOGUCHI_CATALOG", raising=False)
    get_settings.cache_clear()
    clock.freeze(TODAY)
    with transaction(clean_engine) as session:
        made = Households(Hub.start(session, vault)).birth_family()
    yield made
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--operator", "counter-1"])
    return result.exit_code, result.output


def answers(tmp_path: Path, document: object) -> str:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return str(path)


def log_size(engine: Engine) -> int:
    with transaction(engine) as session:
        return session.scalar(select(func.count()).select_from(AccessLogEntry)) or 0


def log_purposes(engine: Engine) -> list[str]:
    with transaction(engine) as session:
        return list(session.scalars(select(AccessLogEntry.purpose)))


def test_plan_prints_the_plan_as_interfaces_md_says(family: BirthFamily, tmp_path: Path,
                                                     clean_engine: Engine) -> None:
    given = answers(tmp_path, {"mother": family.mother.atena_number, "claimant": family.father.atena_number,
                               "claimant_public_servant": False})
    code, out = run("plan", family.father.atena_number, "--event", "birth", "--date", "2025-05-30",
                    "--answers", given, "--json")
    assert code == 0, out
    plan = json.loads(out)
    assert {"event", "date", "procedures", "no_procedure_needed", "needs_answers", "questions"} <= set(plan)
    assert plan["procedures"][0] == {
        "id": "birth-registration", "name": "出生届", "subject": "newborn", "department": "citizens",
        "department_name": "市民課", "deadline": "2025-06-12", "deadline_kind": "period",
        "deadline_question": None, "reason": plan["procedures"][0]["reason"], "optional": False}
    assert plan["needs_answers"] == [{"procedure": "birth-lump-sum", "questions": ["lump_sum_direct_payment"]}]
    assert log_size(clean_engine) == 3


def test_plan_prints_a_table_with_reasons_in_english_on_request(family: BirthFamily) -> None:
    code, out = run("plan", family.father.atena_number, "--event", "birth", "--date", "2025-05-30",
                    "--lang", "en")
    assert code == 0, out
    assert "Birth" in out and "2025-06-12" in out and "paper baseline: 448 characters" in out


def test_prefill_prints_every_field_with_its_source(family: BirthFamily, tmp_path: Path) -> None:
    given = answers(tmp_path, {"claimant": family.father.atena_number})
    code, out = run("prefill", family.father.atena_number, "--event", "birth", "--procedure",
                    "child-allowance-revision", "--date", "2025-05-30", "--answers", given, "--json")
    assert code == 0, out
    form = json.loads(out)
    fields = {f["id"]: f for f in form["fields"]}
    assert fields["recipient_birth_date"]["display"] == "平成4年1月31日"
    assert fields["recipient_birth_date"]["source"]["system"] == "juki"
    assert fields["children"]["must_type"] is True


@pytest.mark.parametrize(("args", "message"), [
    (("plan", "{father}", "--event", "graduation"), "no life event 'graduation'"),
    (("plan", "0000099992", "--event", "birth"), "can be read"),
    (("plan", "{father}", "--event", "birth", "--date", "2025-06-02"), "in the future"),
    (("plan", "{father}", "--event", "birth", "--answers", "{not_json}"), "is not JSON"),
    (("plan", "{father}", "--event", "birth", "--answers", "{a_list}"), "must hold a JSON object"),
    (("plan", "{father}", "--event", "birth", "--answers", "{missing}"), "cannot read the answers file"),
    (("plan", "{father}", "--event", "birth", "--answers", "{stranger}"), "is not a member"),
    (("plan", "{father}", "--event", "birth", "--lang", "fr"), "--lang is ja or en"),
    (("prefill", "{father}", "--event", "birth", "--procedure", "no-such"), "no procedure 'no-such'"),
    (("prefill", "{father}", "--event", "birth", "--procedure", "birth-registration", "--subject", "0000099992"),
     "is not a member"),
    (("screen", "--event", "move-in", "--procedure", "nhi-enrollment"), "cannot be screened"),
    (("screen", "--event", "birth", "--procedure", "death-registration"), "does not lead to"),
])
def test_bad_input_exits_2_with_a_clear_message_and_writes_nothing(
        family: BirthFamily, tmp_path: Path, clean_engine: Engine, args: tuple[str, ...], message: str) -> None:
    files = {"not_json": "{", "a_list": "[]", "stranger": json.dumps({"mother": "0000099992"})}
    for name, text in files.items():
        (tmp_path / f"{name}.json").write_text(text, encoding="utf-8")
    paths = {name: str(tmp_path / f"{name}.json") for name in (*files, "missing")}
    code, out = run(*(a.format(father=family.father.atena_number, **paths) for a in args))
    assert code == 2, out
    assert message in " ".join(out.split())
    assert log_size(clean_engine) == 0


def test_screen_finds_every_resident_a_rule_applies_to_inside_the_database(
        family: BirthFamily, tmp_path: Path, clean_engine: Engine) -> None:
    private = answers(tmp_path, {"claimant_public_servant": False})
    code, out = run("screen", "--event", "birth", "--procedure", "child-allowance-revision",
                    "--date", "2025-05-30", "--answers", private, "--json")
    assert code == 0, out
    # Every member of the father's household may apply: the claimant ranges over it.
    members = sorted(p.atena_number for p in (family.father, family.mother, family.son))
    assert json.loads(out) == {"event": "birth", "procedure": "child-allowance-revision", "date": "2025-05-30",
                               "count": 3, "atena_numbers": members}
    purposes = log_purposes(clean_engine)
    assert purposes.count("screening:child-allowance-revision") == 3  # one entry per resident found
    public = answers(tmp_path, {"claimant_public_servant": True})
    code, out = run("screen", "--event", "birth", "--procedure", "child-allowance-revision",
                    "--date", "2025-05-30", "--answers", public, "--json")
    assert (code, json.loads(out)["count"]) == (0, 0)
