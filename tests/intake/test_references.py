from hypothesis import given, settings
from hypothesis import strategies as st

from madoguchi.intake.references import SHAPE, new_reference, normalise_reference


def test_a_new_reference_has_the_shape_and_a_valid_check_digit() -> None:
    for _ in range(50):
        reference = new_reference()
        assert SHAPE.fullmatch(reference)
        assert normalise_reference(reference) == reference


def test_a_reference_read_out_with_full_width_digits_or_no_dashes_is_understood() -> None:
    reference = new_reference()
    digits = reference.replace("-", "")
    wide = digits.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert normalise_reference(digits) == reference
    assert normalise_reference(f"{wide[:4]}－{wide[4:8]} {wide[8:]}") == reference


@settings(max_examples=50)
@given(position=st.integers(0, 11), step=st.integers(1, 9))
def test_one_misheard_digit_is_refused(position: int, step: int) -> None:
    digits = list(new_reference().replace("-", ""))
    digits[position] = str((int(digits[position]) + step) % 10)
    assert normalise_reference("".join(digits)) is None


@settings(max_examples=50)
@given(position=st.integers(0, 10))
def test_two_swapped_neighbours_are_refused(position: int) -> None:
    digits = list(new_reference().replace("-", ""))
    if digits[position] == digits[position + 1]:
        return
    digits[position], digits[position + 1] = digits[position + 1], digits[position]
    assert normalise_reference("".join(digits)) is None


def test_other_text_is_refused() -> None:
    assert normalise_reference("1234-5678") is None
    assert normalise_reference("abcd-efgh-ijkl") is None
