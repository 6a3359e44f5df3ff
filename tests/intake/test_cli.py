from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from madoguchi.cli import app
from madoguchi.settings import get_settings

from .factories import committed_deliveries

runner = CliRunner()


@pytest.fixture
def database(clean_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.setenv("MADOGUCHI_DATABASE_URL", clean_engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("USER", "ops")
    get_settings.cache_clear()
    yield clean_engine
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_targets_are_set_per_department_and_listed(database: Engine, tmp_path: Path) -> None:
    assert run("target", "set", "child-support", "--http", "https://kosodate.example.lg.jp/in",
               "--secret-env", "KOSODATE_SECRET")[0] == 0
    assert run("target", "set", "citizens", "--file", str(tmp_path))[0] == 0
    code, out = run("target", "list", "--json")
    assert code == 0, out
    listed = {t["department"]: (t["channel"], t["address"], t["secret_env"], t["updated_by"])
              for t in json.loads(out)}
    assert listed == {"child-support": ("http", "https://kosodate.example.lg.jp/in", "KOSODATE_SECRET", "ops"),
                      "citizens": ("file", str(tmp_path.resolve()), None, "ops")}


def test_a_target_needs_one_kind_a_known_department_and_a_usable_address(database: Engine) -> None:
    assert run("target", "set", "citizens", "--inbox", "--http", "https://x.example/in")[0] == 2
    assert run("target", "set", "citizens", "--inbox", "--secret-env", "S")[0] == 2
    code, out = run("target", "set", "kitizens", "--inbox")
    assert code == 1 and "kitizens" in out
    code, out = run("target", "set", "citizens", "--http", "ftp://files.example/in")
    assert code == 2 and "http:// or https://" in out


def test_the_worker_delivers_once_then_list_show_and_replay_follow_it(database: Engine, tmp_path: Path) -> None:
    assert run("target", "set", "child-support", "--file", str(tmp_path))[0] == 0
    [d] = committed_deliveries(database)
    code, out = run("delivery", "replay", str(d))
    assert code == 1 and "pending" in out

    assert run("worker", "--once")[0] == 0
    assert (tmp_path / f"{d}.json").exists()
    code, out = run("delivery", "list", "--status", "delivered", "--json")
    assert code == 0 and [row["delivery_id"] for row in json.loads(out)] == [str(d)]
    code, out = run("delivery", "show", str(d), "--json")
    assert [(e["event"], e["outcome"], e["channel"]) for e in json.loads(out)["history"]] == [
        ("attempt", "delivered", "file")]

    (tmp_path / f"{d}.json").unlink()  # the department lost it: send it again
    code, out = run("delivery", "replay", str(d), "--json")
    assert code == 0 and json.loads(out) == {"replayed": [str(d)]}
    assert run("worker", "--once")[0] == 0
    assert (tmp_path / f"{d}.json").exists()


def test_replay_takes_one_id_or_dead(database: Engine) -> None:
    assert run("delivery", "replay")[0] == 2
    assert run("delivery", "replay", "not-a-uuid")[0] == 2
    code, out = run("delivery", "replay", "--dead", "--json")
    assert code == 0 and json.loads(out) == {"replayed": []}
