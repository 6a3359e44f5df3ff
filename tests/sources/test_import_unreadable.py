"""A set that cannot be read at all is refused as a whole: a clear message, exit 2, nothing changed."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from madoguchi.cli import app
from madoguchi.db.base import Base
from madoguchi.settings import get_settings
from madoguchi.sources.errors import UnreadableSet
from madoguchi.sources.importer import import_set
from madoguchi.vault import Vault

from .export_sets import csv_line, header, person, tax, write_set


def table_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in Base.metadata.tables.items()}


def a_good_set(folder: Path) -> Path:
    return write_set(folder, {"juki.csv": [person(1), person(2)], "tax.csv": [tax(1), tax(2)]})


def no_manifest(folder: Path) -> None:
    (folder / "manifest.json").unlink()


def manifest_not_json(folder: Path) -> None:
    (folder / "manifest.json").write_text("{kind: full", encoding="utf-8")


def manifest_edit(**changes: str | None) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / "manifest.json"
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc.update(changes)
        path.write_text(json.dumps({k: v for k, v in doc.items() if v is not None}), encoding="utf-8")
    return edit


def not_utf8(file: str) -> Callable[[Path], None]:
    """A Shift_JIS character (あ) at the end of the file's last row, as a vendor export might hold."""
    def edit(folder: Path) -> None:
        path = folder / file
        path.write_bytes(path.read_bytes().removesuffix(b"\n") + "あ".encode("shift_jis") + b"\n")
    return edit


def no_juki(folder: Path) -> None:
    (folder / "juki.csv").unlink()


def header_edit(file: str, names: list[str]) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / file
        _, _, rows = path.read_text(encoding="utf-8").partition("\n")
        path.write_text(csv_line(names) + "\n" + rows, encoding="utf-8")
    return edit


def empty_file(folder: Path) -> None:
    (folder / "tax.csv").write_bytes(b"")


JUKI = header("juki.csv")

CASES = [
    pytest.param(no_manifest, "no manifest.json", id="no-manifest"),
    pytest.param(manifest_not_json, "manifest.json is not valid UTF-8 JSON", id="manifest-not-json"),
    pytest.param(manifest_edit(kind=None), "manifest.json lacks kind", id="manifest-lacks-key"),
    pytest.param(manifest_edit(municipality_code="131042"),
                 "municipality_code '131042' is not a valid 全国地方公共団体コード (6 digits); its check digit "
                 "should be 1", id="bad-municipality-code"),
    pytest.param(manifest_edit(kind="partial"), "kind 'partial' must be 'full' or 'delta'", id="bad-kind"),
    pytest.param(manifest_edit(extracted_at="yesterday"), "extracted_at 'yesterday' is not an ISO-8601",
                 id="bad-extracted-at"),
    pytest.param(not_utf8("juki.csv"), "juki.csv line 3: not UTF-8", id="juki-not-utf8"),
    pytest.param(not_utf8("tax.csv"), "tax.csv line 3: not UTF-8", id="late-file-not-utf8"),
    pytest.param(no_juki, "a full set needs juki.csv", id="no-juki"),
    pytest.param(header_edit("juki.csv", [n for n in JUKI if n != "sex"]), "juki.csv: the header lacks sex",
                 id="header-lacks-column"),
    pytest.param(header_edit("juki.csv", [*JUKI[:-1], "dv_flag"]),
                 "has unknown columns dv_flag", id="header-unknown-column"),
    pytest.param(empty_file, "tax.csv is empty", id="empty-file"),
]


@pytest.fixture
def cli_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, vault: Vault) -> Iterator[None]:
    """The command line's key file: the test's vault."""
    keys = tmp_path / "keys.json"
    keys.write_text(vault.to_json(), encoding="utf-8")
    monkeypatch.setenv("MADOGUCHI_KEYS_FILE", str(keys))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize(("spoil", "message"), CASES)
def test_unreadable_set_is_refused_and_changes_nothing(clean_engine: Engine, vault: Vault, tmp_path: Path,
                                                       spoil: Callable[[Path], None], message: str) -> None:
    import_set(clean_engine, a_good_set(tmp_path / "first"), vault=vault)
    folder = a_good_set(tmp_path / "second")
    juki = folder / "juki.csv"
    juki.write_text(juki.read_text(encoding="utf-8").replace("山田", "田中"), encoding="utf-8")
    spoil(folder)
    before = table_counts(clean_engine)

    with pytest.raises(UnreadableSet) as refused:
        import_set(clean_engine, folder, vault=vault)

    assert message in str(refused.value)
    assert table_counts(clean_engine) == before


@pytest.mark.parametrize(("spoil", "message"), [CASES[0], CASES[7], CASES[9]])
def test_command_exits_2_on_an_unreadable_set(clean_engine: Engine, vault: Vault, tmp_path: Path,
                                              cli_keys: None, spoil: Callable[[Path], None],
                                              message: str) -> None:
    folder = a_good_set(tmp_path / "set")
    spoil(folder)
    before = table_counts(clean_engine)

    result = CliRunner().invoke(app, ["import", str(folder), "--db", clean_engine.url.render_as_string(False),
                                      "--json"])

    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert message in said and "Nothing was imported" in said
    assert table_counts(clean_engine) == before


def test_command_prints_the_report_and_exits_0_with_quarantined_rows(clean_engine: Engine, tmp_path: Path,
                                                                     cli_keys: None) -> None:
    folder = write_set(tmp_path / "set", {"juki.csv": [person(1), person(2, sex="x")]})

    result = CliRunner().invoke(app, ["import", str(folder), "--db",
                                      clean_engine.url.render_as_string(False), "--json"])

    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["kind"] == "full"
    assert document["files"]["juki.csv"].items() >= {"read": 2, "imported": 1, "unchanged": 0, "ended": 0,
                                                      "quarantined": 1}.items()
