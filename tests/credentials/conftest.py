from __future__ import annotations

from pathlib import Path

import pytest

from madoguchi import clock

from .factories import NOW, World, a_world


@pytest.fixture
def world(tmp_path: Path) -> World:
    clock.freeze(NOW)
    return a_world(tmp_path)
