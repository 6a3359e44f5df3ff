"""The purpose registry reads what each procedure declares through the catalog."""

from __future__ import annotations

from pathlib import Path

from madoguchi.catalog.directory import CatalogDirectory
from madoguchi.catalog.store import CatalogStore
from madoguchi.registry.purpose import load_purposes, shipped_catalog

from .files import edit


def directory() -> CatalogDirectory:
    return CatalogDirectory(CatalogStore(shipped_catalog()))


def test_a_procedure_purpose_reads_exactly_the_procedures_items_on_its_legal_basis() -> None:
    registry = load_purposes(shipped_catalog(), directory())
    purpose = registry.resolve("procedure:death-registration")
    assert purpose.items == {"family_name", "given_name", "birth_date", "sex", "address", "honseki",
                             "hittousha", "household"}
    assert purpose.legal_basis == "戸籍法第86条"
    assert purpose.my_number_access == "none"


def test_a_procedure_with_a_my_number_basis_reads_the_my_number() -> None:
    purpose = load_purposes(shipped_catalog(), directory()).resolve("screening:nhi-enrollment")
    assert purpose.my_number_access == "full"
    assert "国民健康保険" in (purpose.my_number_basis or "")


def test_a_review_purpose_reads_the_union_of_its_departments_procedures() -> None:
    registry = load_purposes(shipped_catalog(), directory())
    review = registry.resolve("review:long-term-care")
    for procedure in ("ltc-withdrawal", "ltc-enrollment", "ltc-certification"):
        assert registry.resolve(f"procedure:{procedure}").items <= review.items


def test_an_unknown_procedure_has_no_access() -> None:
    assert directory().procedure_access("no-such-procedure") is None


def test_a_reload_changes_what_the_purpose_reads(folder: Path) -> None:
    store = CatalogStore(folder)
    access = CatalogDirectory(store).procedure_access
    assert "address" not in getattr(access("seal-registration"), "items", ())
    edit(folder, "procedures/seal-registration.yaml", "reads: [family_name,", "reads: [address, family_name,")
    store.reload()
    assert "address" in getattr(access("seal-registration"), "items", ())
