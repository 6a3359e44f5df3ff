"""`madoguchi credential issue | present | verify` with the demo issuers and the demo wallet."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from madoguchi import clock
from madoguchi.cli import app
from madoguchi.credentials import jose
from madoguchi.credentials.trust_file import FILE_NAME
from madoguchi.registry.purpose import shipped_catalog
from madoguchi.settings import get_settings

from .factories import AUDIENCE, CLAIMS, NONCE, NOW

runner = CliRunner()


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder laid out like the project: catalog/ with the shipped trust file, .madoguchi/ for keys."""
    clock.freeze(NOW)
    (tmp_path / "catalog").mkdir()
    shutil.copy(shipped_catalog() / FILE_NAME, tmp_path / "catalog" / FILE_NAME)
    monkeypatch.setenv("MADOGUCHI_CATALOG", str(tmp_path / "catalog"))
    monkeypatch.setenv("MADOGUCHI_KEYS_FILE", str(tmp_path / ".madoguchi" / "keys.json"))
    get_settings.cache_clear()
    (tmp_path / "birth.json").write_text(json.dumps(CLAIMS["birth-certificate"]), encoding="utf-8")
    yield tmp_path
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def issue_and_present(folder: Path, *disclosed: str, nonce: str = NONCE) -> Path:
    code, out = run("credential", "issue", "--kind", "birth-certificate", "--issuer", "kitami-mirai-hospital",
                    "--claims", str(folder / "birth.json"))
    assert code == 0, out
    assert out.count("~") == len(CLAIMS["birth-certificate"]) + 1
    code, out = run("credential", "present", "--kind", "birth-certificate", "--disclose", ",".join(disclosed),
                    "--nonce", nonce, "--audience", AUDIENCE, "--out", str(folder / "p.txt"))
    assert code == 0, out
    return folder / "p.txt"


def verify(file: Path, *extra: str, kind: str = "birth-certificate") -> tuple[int, str]:
    return run("credential", "verify", str(file), "--kind", kind, "--nonce", NONCE, "--audience", AUDIENCE,
               *extra)


def test_issue_present_verify(demo: Path) -> None:
    presentation = issue_and_present(demo, "child_sex", "birth_time")
    assert (demo / ".madoguchi" / "wallet.json").stat().st_mode & 0o777 == 0o600
    code, out = verify(presentation)
    assert code == 0, out
    assert "verified: birth-certificate from 北見みらい病院 (kitami-mirai-hospital)" in out
    assert "birth_time: 09:41" in out and "mother_name" not in out
    code, out = verify(presentation, "--json")
    assert code == 0, out
    document = json.loads(out)
    assert document["verified"] is True
    assert document["claims"] == {"child_sex": "2", "birth_time": "09:41"}
    assert document["issuer"]["id"] == "kitami-mirai-hospital"


def test_a_refused_presentation_exits_1_with_the_reason(demo: Path) -> None:
    presentation = issue_and_present(demo, "child_sex", nonce="another-request")
    code, out = verify(presentation)
    assert code == 1
    assert "refused (presentation-nonce-mismatch)" in out
    result = runner.invoke(app, ["credential", "verify", str(presentation), "--kind", "birth-certificate",
                                 "--nonce", NONCE, "--audience", AUDIENCE, "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "verified": False, "type": "presentation-nonce-mismatch",
        "title": "The presentation answers another request",
        "detail": "the presentation answers another request (its nonce differs): "
                  "start again so the wallet answers this one"}


def test_a_certificate_of_a_kind_the_issuer_may_not_issue_exits_1(demo: Path) -> None:
    (demo / "school.json").write_text(json.dumps(CLAIMS["birth-certificate"]), encoding="utf-8")
    code, out = run("credential", "issue", "--kind", "birth-certificate", "--issuer", "mirai-elementary",
                    "--claims", str(demo / "school.json"))
    assert code == 0, out
    run("credential", "present", "--kind", "birth-certificate", "--disclose", "child_sex",
        "--nonce", NONCE, "--audience", AUDIENCE, "--out", str(demo / "p.txt"))
    code, out = verify(demo / "p.txt")
    assert code == 1 and "credential-issuer-not-trusted-for-kind" in out


def test_issue_to_a_given_holder_key_writes_a_file(demo: Path) -> None:
    holder = jose.generate_key()
    (demo / "holder.json").write_text(json.dumps(holder.as_dict(private=False)), encoding="utf-8")
    code, out = run("credential", "issue", "--kind", "birth-certificate", "--issuer", "kitami-mirai-hospital",
                    "--claims", str(demo / "birth.json"), "--holder", str(demo / "holder.json"),
                    "--out", str(demo / "credential.txt"))
    assert code == 0, out
    assert (demo / "credential.txt").read_text().startswith("eyJ")
    assert not (demo / ".madoguchi" / "wallet.json").exists()


@pytest.mark.parametrize(("args", "message"), [
    (("issue", "--kind", "report-card", "--issuer", "kitami-mirai-hospital"), "no certificate kind"),
    (("issue", "--kind", "birth-certificate", "--issuer", "nowhere-clinic"), "no demo issuer"),
    (("present", "--kind", "death-certificate", "--disclose", "x", "--nonce", "n", "--audience", "a"),
     "holds no death-certificate"),
])
def test_bad_usage_exits_2(demo: Path, args: tuple[str, ...], message: str) -> None:
    claims = ("--claims", str(demo / "birth.json")) if args[0] == "issue" else ()
    code, out = run("credential", *args, *claims)
    assert code == 2
    assert message in " ".join(out.split())


def test_claims_that_do_not_fit_exit_2(demo: Path) -> None:
    (demo / "bad.json").write_text(json.dumps({**CLAIMS["birth-certificate"], "weight_g": "heavy"}))
    code, out = run("credential", "issue", "--kind", "birth-certificate", "--issuer", "kitami-mirai-hospital",
                    "--claims", str(demo / "bad.json"))
    assert code == 2 and "weight_g" in out


def test_verify_refuses_unreadable_input_and_unknown_kinds_with_2(demo: Path) -> None:
    assert verify(demo / "missing.txt")[0] == 2
    presentation = issue_and_present(demo, "child_sex")
    assert verify(presentation, kind="report-card")[0] == 2


def test_verify_without_the_issuers_keys_says_how_to_make_them(demo: Path) -> None:
    (demo / "p.txt").write_text("x~")
    code, out = verify(demo / "p.txt")
    assert code == 1
    assert "madoguchi credential issue" in " ".join(out.split())
