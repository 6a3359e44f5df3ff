"""Without IPAmj明朝 nothing is printed: a clear refusal naming the Debian package, and the pages still work."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI

from intake.test_api import app, logged_in
from madoguchi.printing import fonts
from madoguchi.printing.errors import FontMissing

from .conftest import Births

__all__ = ["app"]


@pytest.fixture
def no_font(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server without the font (the one loaded in this process is put back afterwards)."""
    monkeypatch.setattr(fonts, "FONT_FILE", tmp_path / "ipamjm.ttf")
    monkeypatch.setattr(fonts, "_loaded", None)


def test_without_the_font_printing_is_refused_naming_the_debian_package(tmp_path: Path) -> None:
    with pytest.raises(FontMissing, match="install the Debian package fonts-ipamj-mincho"):
        fonts.load_font(tmp_path / "ipamjm.ttf")


@pytest.mark.usefixtures("no_font")
def test_a_pdf_asked_for_without_the_font_answers_503_and_the_receipt_page_still_shows(
        app: FastAPI, births: Births) -> None:
    http, _ = logged_in(app, births.father)
    refused = http.get(f"/api/v1/bundles/{births.bundle.reference}/receipt.pdf")
    assert refused.status_code == 503 and refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"].endswith("/font-missing") and "fonts-ipamj-mincho" in refused.json()["detail"]
    page = http.get(f"/bundles/{births.bundle.reference}/receipt")
    assert page.status_code == 200 and births.bundle.reference in page.text
