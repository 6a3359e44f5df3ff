"""`madoguchi catalog check` and `madoguchi catalog list`."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from madoguchi.cli import app

from .files import edit

runner = CliRunner()


def test_check_of_the_shipped_catalog_exits_0() -> None:
    result = runner.invoke(app, ["catalog", "check", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["errors"] == []


def test_check_lists_every_error_as_file_line_message_and_exits_1(folder: Path) -> None:
    unknown = edit(folder, "procedures/newborn-visit.yaml", "department: health-promotion", "department: hokenjo")
    (folder / "procedures" / "broken.yaml").write_text("id: broken\nname: {ja: 壊, en: B\n", encoding="utf-8")
    reads = edit(folder, "procedures/seal-registration.yaml", "reads: [family_name,",
                 "reads: [my_number, family_name,")
    result = runner.invoke(app, ["catalog", "check", str(folder)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert f"procedures/newborn-visit.yaml:{unknown}: unknown department 'hokenjo'" in lines
    assert any(line.startswith("procedures/broken.yaml:3: YAML syntax") for line in lines)
    assert any(line.startswith(f"procedures/seal-registration.yaml:{reads}: ") and "my_number" in line for line in lines)
    assert len(lines) == 3


def test_check_as_json_gives_file_line_and_message(folder: Path) -> None:
    line = edit(folder, "procedures/newborn-visit.yaml", "department: health-promotion", "department: hokenjo")
    result = runner.invoke(app, ["catalog", "check", str(folder), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["errors"] == [
        {"file": "procedures/newborn-visit.yaml", "line": line, "message": "unknown department 'hokenjo'"}]


def test_check_of_a_folder_that_does_not_exist_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["catalog", "check", str(tmp_path / "nowhere")])
    assert result.exit_code == 2


def test_list_gives_the_events_with_their_questions_and_the_procedures_with_their_department() -> None:
    result = runner.invoke(app, ["catalog", "list", "--json"])
    assert result.exit_code == 0, result.output
    listing = json.loads(result.stdout)
    events = {e["id"]: e for e in listing["events"]}
    assert {"mother", "claimant", "single_parent"} <= set(events["birth"]["questions"])
    assert "birth-registration" in events["birth"]["procedures"]
    procedures = {p["id"]: p for p in listing["procedures"]}
    assert procedures["nhi-enrollment"]["department"] == "insurance-pension"
    assert procedures["nhi-enrollment"]["department_name"]["ja"] == "保険年金課"


def test_list_of_a_broken_catalog_exits_1_and_says_to_check(folder: Path) -> None:
    edit(folder, "procedures/newborn-visit.yaml", "department: health-promotion", "department: hokenjo")
    result = runner.invoke(app, ["catalog", "list", str(folder), "--json"])
    assert result.exit_code == 1
    assert result.stdout == ""
