import pytest
from hypothesis import given
from hypothesis import strategies as st

from madoguchi.identifiers import (
    REFERENCE_SCHEME,
    is_valid_municipality_code,
    is_valid_my_number,
    my_number_check_digit,
    numbering_scheme,
)


@pytest.mark.parametrize("code", ["131041", "141003", "281000", "012084"])
def test_real_municipality_codes_are_valid(code: str) -> None:
    assert is_valid_municipality_code(code)


@pytest.mark.parametrize("code", ["131042", "14100", "abcdef", "１３１０４１"])
def test_wrong_municipality_codes_are_refused(code: str) -> None:
    assert not is_valid_municipality_code(code)


def test_reference_scheme_check_digit_by_hand() -> None:
    # serial 000000001: weight 2 on the rightmost digit → 2; 11 - 2 = 9
    assert REFERENCE_SCHEME.issue(1) == "0000000019"
    # serial 000000005: 10 → 11 - 10 = 1
    assert REFERENCE_SCHEME.issue(5) == "0000000051"


def test_reference_scheme_never_issues_check_ten() -> None:
    # serial 000000006: 12 mod 11 = 1 → check 10: never issued, and no number with it is valid
    assert REFERENCE_SCHEME.issue(6) is None
    assert not any(REFERENCE_SCHEME.is_valid(f"000000006{d}") for d in range(10))


@given(st.integers(min_value=1, max_value=999_999_999))
def test_every_issued_number_validates_and_one_digit_off_does_not(serial: int) -> None:
    number = REFERENCE_SCHEME.issue(serial)
    if number is None:
        return
    assert REFERENCE_SCHEME.is_valid(number)
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert not REFERENCE_SCHEME.is_valid(wrong)


def test_my_number_check_digit_matches_the_official_formula() -> None:
    # 12345678901: P from the right 1,0,9,8,7,6,5,4,3,2,1 × Q 2..7,2..6
    assert my_number_check_digit("12345678901") == 8
    assert is_valid_my_number("123456789018")
    assert not is_valid_my_number("123456789019")
    assert not is_valid_my_number("12345678901")


def test_unknown_scheme_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="unknown numbering scheme 'nowhere'"):
        numbering_scheme("nowhere")
