"""The serving catalog changes only when a reload loads cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

from madoguchi.catalog.errors import CatalogInvalid
from madoguchi.catalog.store import CatalogStore, default_store

from .files import edit


def test_a_reload_with_a_broken_file_keeps_the_previous_catalog_serving(folder: Path) -> None:
    store = CatalogStore(folder)
    serving = store.current
    edit(folder, "procedures/seal-registration.yaml", "department: citizens", "department: [")
    with pytest.raises(CatalogInvalid):
        store.reload()
    assert store.current is serving
    assert store.current.procedure("seal-registration").department == "citizens"
    assert store.last_error is not None
    assert store.last_error.problems[0].file == "procedures/seal-registration.yaml"


def test_a_new_procedure_added_as_one_file_appears_after_reload(folder: Path) -> None:
    store = CatalogStore(folder)
    assert "dog-registration" not in store.current.procedures
    (folder / "procedures" / "dog-registration.yaml").write_text(DOG_REGISTRATION, encoding="utf-8")
    catalog = store.reload()
    assert store.current is catalog
    assert catalog.procedure("dog-registration").name.ja == "犬の登録"
    assert [f.id for f in catalog.procedure("dog-registration").form.fields] == ["owner", "dog_name"]


def test_fixing_the_broken_file_clears_the_error(folder: Path) -> None:
    store = CatalogStore(folder)
    path = folder / "procedures" / "seal-registration.yaml"
    original = path.read_text(encoding="utf-8")
    path.write_text("id: [\n", encoding="utf-8")
    with pytest.raises(CatalogInvalid):
        store.reload()
    path.write_text(original, encoding="utf-8")
    store.reload()
    assert store.last_error is None


def test_a_catalog_that_never_loaded_says_why(folder: Path) -> None:
    (folder / "departments.yaml").unlink()
    store = CatalogStore(folder)
    with pytest.raises(CatalogInvalid):
        _ = store.current
    assert store.last_error is not None


DOG_REGISTRATION = """\
id: dog-registration
name: {ja: 犬の登録, en: Dog registration}
department: citizens
legal_basis: 狂犬病予防法第4条
applicants: [self]
reads: [family_name, given_name]
my_number_basis: null
deadline_counting: civil
evidence: []
signers:
  required:
    - role: applicant
form:
  fields:
    - id: owner
      label: {ja: 飼い主, en: Owner}
      type: person
      required: true
      prefill: applicant
      paper_chars: 5
    - id: dog_name
      label: {ja: 犬の名前, en: "Dog's name"}
      type: text
      required: true
      typed:
        why: {ja: 犬の名前は市の記録にありません, en: The city holds no record of dogs}
      paper_chars: 4
"""


def test_the_process_store_serves_the_configured_catalog() -> None:
    assert default_store() is default_store()
    assert "birth" in default_store().current.events
