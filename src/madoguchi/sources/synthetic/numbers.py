"""Identifiers of the synthetic city: valid, unique and derived from serials.

宛名番号 and 世帯番号 come from the reference numbering scheme. The numbers a
person carries in other systems (個人番号, insurance numbers) are fixed
permutations of the person's serial: unique without remembering every number
issued, and the same in a delta as in the full set it extends.
"""

from __future__ import annotations

from collections.abc import Iterator

from madoguchi.identifiers import REFERENCE_SCHEME, my_number_check_digit

ATENA_BASE = 100_000_000
"""宛名番号 serials start here (9 digits)."""
HOUSEHOLD_BASE = 700_000_000
"""世帯番号 serials start here, so the two kinds of number do not look alike."""


def issued_numbers(first_serial: int, end_serial: int | None = None) -> Iterator[tuple[int, str]]:
    """(serial, number) from ``first_serial`` on, skipping serials the scheme never issues.

    Raises RuntimeError when asked for a serial at or beyond ``end_serial``.
    """
    serial = first_serial
    while end_serial is None or serial < end_serial:
        number = REFERENCE_SCHEME.issue(serial)
        if number is not None:
            yield serial, number
        serial += 1
    raise RuntimeError(f"the serial range {first_serial}–{end_serial} is used up")


def serial_of(number: str) -> int:
    """The serial inside a 宛名番号 or 世帯番号."""
    return int(number[:-1])


def _permute(serial: int, multiplier: int, offset: int, modulus: int) -> int:
    # the multiplier is coprime to the modulus, so distinct serials give distinct values
    return (serial * multiplier + offset) % modulus


def my_number(serial: int) -> str:
    """The person's 個人番号: 11 digits permuted from the serial plus the official check digit."""
    body = str(_permute(serial, 48_271_947_631, 31_415_926_535, 10**11)).zfill(11)
    return body + str(my_number_check_digit(body))


def nhi_insured_number(serial: int) -> str:
    """国民健康保険 被保険者番号 (8 digits)."""
    return str(_permute(serial, 7_919_113, 53_718_294, 10**8)).zfill(8)


def nhi_insured_symbol(household_serial: int) -> str:
    """国民健康保険 記号, shared by the insured of one household (6 digits)."""
    return str(_permute(household_serial, 104_729, 618_034, 10**6)).zfill(6)


def ltc_insured_number(serial: int) -> str:
    """介護保険 被保険者番号 (10 digits)."""
    return str(_permute(serial, 1_234_567_891, 987_654_321, 10**10)).zfill(10)


def late_elderly_insured_number(serial: int) -> str:
    """後期高齢者医療 被保険者番号 (8 digits)."""
    return str(_permute(serial, 3_571_113, 17_192_329, 10**8)).zfill(8)
