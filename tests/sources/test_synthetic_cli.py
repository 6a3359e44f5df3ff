"""`madoguchi city generate` and `madoguchi city delta` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from madoguchi.cli import app

runner = CliRunner()
AT = ["--extracted-at", "2025-06-15T09:00:00+09:00"]


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_generate_json_reports_the_counts_of_every_file(tmp_path: Path) -> None:
    out = tmp_path / "city"
    code, stdout, _ = invoke("city", "generate", "--residents", "300", "--seed", "1", "--out", str(out), "--json", *AT)
    assert code == 0
    report = json.loads(stdout)
    assert report["kind"] == "full" and report["residents"] == 300
    assert report["municipality_code"] == "012084" and report["municipality_name"] == "北見市"
    assert report["extracted_at"] == "2025-06-15T09:00:00+09:00"
    for file, count in report["files"].items():
        lines = (out / file).read_bytes().count(b"\r\n")
        assert lines == count + 1, file  # the header and one line per row (no multi-line fields)
    assert report["personas"]["birth"]["applicant"] == json.loads((out / "personas.json").read_text())["birth"]["applicant"]


def test_delta_json_reports_changes_per_kind_and_rows_per_file(tmp_path: Path) -> None:
    full, delta = tmp_path / "full", tmp_path / "delta"
    assert invoke("city", "generate", "--residents", "500", "--seed", "2", "--out", str(full), *AT)[0] == 0
    code, stdout, _ = invoke("city", "delta", "--from", str(full), "--seed", "3", "--changes", "25",
                             "--out", str(delta), "--json", "--extracted-at", "2025-06-20T09:00:00+09:00")
    assert code == 0
    report = json.loads(stdout)
    assert report["kind"] == "delta" and sum(report["changes"].values()) == 25
    assert report["files"]["juki.csv"] == (delta / "juki.csv").read_bytes().count(b"\r\n") - 1


@pytest.mark.parametrize(("options", "message"), [
    (["--residents", "0"], "at least 17 residents"),
    (["--residents", "100", "--municipality-code", "131042"], "not a valid municipality code"),
    (["--residents", "100", "--municipality-code", "999997"], "no town"),
])
def test_bad_usage_exits_2_with_a_clear_message_and_writes_nothing(
        tmp_path: Path, options: list[str], message: str) -> None:
    out = tmp_path / "city"
    code, stdout, stderr = invoke("city", "generate", "--seed", "1", "--out", str(out), *options)
    assert code == 2 and stdout == ""
    assert message in " ".join(stderr.split())
    assert not out.exists()


def test_delta_from_a_folder_without_a_full_set_exits_2(tmp_path: Path) -> None:
    code, _, stderr = invoke("city", "delta", "--from", str(tmp_path / "missing"), "--seed", "1", "--changes", "5",
                             "--out", str(tmp_path / "delta"))
    assert code == 2 and "manifest" in stderr
    assert not (tmp_path / "delta").exists()
