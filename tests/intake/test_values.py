"""A resident's address is taken only with a postal code Japan Post knows."""

from __future__ import annotations

from madoguchi.catalog.models import FormField
from madoguchi.intake.values import Checked, check_value

ADDRESS = FormField(id="birth_place", label={"ja": "出生地", "en": "Place of birth"}, type="address", required=True, paper_chars=30)
KITAMI = {"prefecture": "北海道", "city": "北見市", "town": "公園町", "block": "1"}


def test_an_address_is_taken_with_a_known_postal_code_and_refused_with_an_unknown_one_each_time() -> None:
    for _ in range(2):  # the second answer comes from the codes already looked up
        taken = check_value(ADDRESS, {**KITAMI, "postal_code": "090-0015"}, people=())
        assert isinstance(taken, Checked) and isinstance(taken.value, dict)
        assert taken.value["postal_code"] == "0900015"
        assert check_value(ADDRESS, {**KITAMI, "postal_code": "0000000"}, people=()) == "no such postal code"


def test_an_address_without_a_postal_code_needs_no_lookup() -> None:
    assert isinstance(check_value(ADDRESS, KITAMI, people=()), Checked)
