from __future__ import annotations

from pathlib import Path

import pytest

from madoguchi.registry.errors import PurposeUnknown
from madoguchi.registry.items import ITEMS
from madoguchi.registry.purpose import (
    PurposeRegistry,
    PurposesInvalid,
    check_item_access,
    load_purposes,
)

from .factories import CHILD_ALLOWANCE_CLAIM


def test_self_view_reads_every_item_and_the_my_number_only_masked(purposes: PurposeRegistry) -> None:
    self_view = purposes.resolve("self-view")
    assert self_view.readable_items == frozenset(ITEMS)
    assert self_view.my_number_access == "masked"
    assert self_view.actor_kinds == {"resident", "operator"}


def test_a_procedure_purpose_takes_the_procedures_items_and_bases(purposes: PurposeRegistry) -> None:
    purpose = purposes.resolve("procedure:child-allowance-claim")
    assert purpose.items == CHILD_ALLOWANCE_CLAIM.items
    assert purpose.legal_basis == CHILD_ALLOWANCE_CLAIM.legal_basis
    assert purpose.my_number_access == "full"
    assert "児童手当 認定請求" in purpose.name_ja


def test_a_procedure_without_a_my_number_basis_never_reads_it(purposes: PurposeRegistry) -> None:
    purpose = purposes.resolve("procedure:nhi-enrollment")
    assert "my_number" in purpose.items
    assert purpose.my_number_access == "none"
    assert "my_number" not in purpose.readable_items
    assert purpose.legal_basis.startswith("個人情報保護法第69条第2項第2号")


def test_screening_is_not_for_residents(purposes: PurposeRegistry) -> None:
    assert "resident" not in purposes.resolve("screening:nhi-enrollment").actor_kinds


def test_review_reads_the_union_of_the_departments_procedures(purposes: PurposeRegistry) -> None:
    review = purposes.resolve("review:介護保険課")
    assert review.readable_items == {"family_name", "ltc", "tax"}
    assert review.department == "介護保険課"


def test_review_reads_the_my_number_only_through_a_procedure_with_a_basis(purposes: PurposeRegistry) -> None:
    assert purposes.resolve("review:保険年金課").my_number_access == "none"
    assert purposes.resolve("review:子育て支援課").my_number_access == "full"


@pytest.mark.parametrize("purpose_id", [
    "sightseeing", "procedure:", "procedure:no-such-procedure", "review:no-such-department", "audit:x",
])
def test_unknown_purposes_are_refused_by_name(purposes: PurposeRegistry, purpose_id: str) -> None:
    with pytest.raises(PurposeUnknown):
        purposes.resolve(purpose_id)


def test_the_item_check_flags_unknown_items_and_a_my_number_without_basis() -> None:
    assert check_item_access(["family_name", "shoe_size", "my_number"], None) == [
        "unknown item 'shoe_size'", "reads my_number without a 番号法 basis (my_number_basis)"]
    assert check_item_access(["family_name", "my_number"], "番号法第9条第1項 別表") == []


def test_purpose_patterns_name_a_static_purpose_or_a_template(purposes: PurposeRegistry) -> None:
    assert purposes.is_pattern("procedure:*")
    assert purposes.is_pattern("review:保険年金課")
    assert purposes.is_pattern("audit")
    assert not purposes.is_pattern("procedur:*")
    assert not purposes.is_pattern("procedure:")


def test_a_purposes_file_giving_a_my_number_without_basis_is_refused(tmp_path: Path) -> None:
    (tmp_path / "purposes.yaml").write_text(
        "purposes:\n"
        "  - id: curiosity\n"
        "    name: {ja: 興味, en: Curiosity}\n"
        "    legal_basis: none\n"
        "    actors: [staff]\n"
        "    items: [family_name, my_number, shoe_size]\n"
        "templates: []\n", encoding="utf-8")
    with pytest.raises(PurposesInvalid) as refused:
        load_purposes(tmp_path)
    assert "shoe_size" in str(refused.value)
    assert "my_number without a 番号法 basis" in str(refused.value)


def test_a_purposes_file_that_is_not_yaml_is_refused(tmp_path: Path) -> None:
    (tmp_path / "purposes.yaml").write_text("purposes: [\n", encoding="utf-8")
    with pytest.raises(PurposesInvalid):
        load_purposes(tmp_path)
