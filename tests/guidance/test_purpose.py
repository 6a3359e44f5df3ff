"""The guidance purpose: the facts the rules need for a life event the catalog defines, never the My Number."""

from __future__ import annotations

from pathlib import Path

import pytest

from madoguchi.catalog.directory import ServingCatalog, serving_catalog
from madoguchi.guidance.household import GUIDANCE_ITEMS
from madoguchi.registry.errors import PurposeUnknown
from madoguchi.registry.purpose import PurposesInvalid, shipped_catalog


def test_a_guidance_purpose_names_its_event_and_reads_the_rules_facts(serving: ServingCatalog) -> None:
    purpose = serving.purposes.resolve("guidance:birth")
    assert purpose.name_ja == "ライフイベント「出生」の手続案内"
    assert purpose.items == set(GUIDANCE_ITEMS) == purpose.readable_items
    assert purpose.my_number_access == "none" and purpose.my_number_basis is None
    assert purpose.legal_basis.startswith("個人情報保護法第69条第2項第2号")


def test_a_guidance_purpose_for_an_event_the_catalog_lacks_is_refused(serving: ServingCatalog) -> None:
    with pytest.raises(PurposeUnknown, match="no life event 'graduation'"):
        serving.purposes.resolve("guidance:graduation")


def test_the_procedures_are_known_to_the_serving_purposes(serving: ServingCatalog) -> None:
    assert "honseki" in serving.purposes.resolve("procedure:birth-registration").items


def test_a_guidance_template_that_would_read_the_my_number_does_not_load(tmp_path: Path) -> None:
    text = (shipped_catalog() / "purposes.yaml").read_text(encoding="utf-8")
    (tmp_path / "purposes.yaml").write_text(text.replace("items: [birth_date, sex,", "items: [my_number, sex,"),
                                            encoding="utf-8")
    with pytest.raises(PurposesInvalid, match="template guidance: reads my_number without a 番号法 basis"):
        serving_catalog(tmp_path)


def test_only_the_guidance_template_lists_its_items(tmp_path: Path) -> None:
    text = (shipped_catalog() / "purposes.yaml").read_text(encoding="utf-8")
    (tmp_path / "purposes.yaml").write_text(text.replace("    actors: [staff, system]\n",
                                                         "    actors: [staff, system]\n    items: [sex]\n"),
                                            encoding="utf-8")
    with pytest.raises(PurposesInvalid, match="template review: items are listed for guidance, and only there"):
        serving_catalog(tmp_path)
