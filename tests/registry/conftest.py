from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.registry.purpose import PurposeRegistry, load_purposes
from madoguchi.vault import Vault

from .factories import DIRECTORY, TODAY, Hub


@pytest.fixture
def hub(session: Session, vault: Vault) -> Hub:
    clock.freeze(TODAY)
    return Hub.start(session, vault)


@pytest.fixture
def purposes() -> PurposeRegistry:
    """The shipped purposes, with three procedures standing in for the catalog."""
    return load_purposes(None, DIRECTORY)
