"""Catalog fixtures: the shipped catalog, and a private copy of it a test may break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from madoguchi.catalog.loader import load_catalog
from madoguchi.catalog.models import Catalog
from madoguchi.registry.purpose import shipped_catalog


@pytest.fixture(scope="session")
def shipped() -> Catalog:
    return load_catalog(shipped_catalog())


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the shipped catalog in a temporary folder."""
    copy = tmp_path / "catalog"
    shutil.copytree(shipped_catalog(), copy)
    return copy

