"""Check digits of the identifiers the hub receives.

The 宛名番号 (atena number) has no national rule: each city numbers its own
residents, so the scheme is pluggable (`NumberingScheme`, chosen by the
setting ``MADOGUCHI_ATENA_SCHEME``). The 個人番号 (My Number) and the
全国地方公共団体コード follow national formulas.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import mul

_REFERENCE_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2)
"""The reference scheme's weights, from the serial's first digit to its last."""
_ASCII_ZERO = ord("0")


@dataclass(frozen=True)
class NumberingScheme:
    """A city's scheme for 宛名番号 and 世帯番号: a serial plus a check digit."""

    name: str
    length: int
    check_digit: Callable[[str], int | None]
    """The check digit for a serial, or None where no number may be issued."""

    def is_valid(self, number: str) -> bool:
        if len(number) != self.length or not number.isascii() or not number.isdigit():
            return False
        return self.check_digit(number[:-1]) == int(number[-1])

    def issue(self, serial: int) -> str | None:
        """The full number for a serial, or None when the serial is never issued."""
        body = str(serial).zfill(self.length - 1)
        if len(body) != self.length - 1:
            raise ValueError(f"serial {serial} does not fit {self.length - 1} digits")
        check = self.check_digit(body)
        return None if check is None else body + str(check)


def _reference_check_digit(serial: str) -> int | None:
    """Weighted over the serial's ASCII codes, each less its zero: an import checks a million of them."""
    if len(serial) != len(_REFERENCE_WEIGHTS) or not serial.isascii() or not serial.isdigit():
        raise ValueError(f"a serial is {len(_REFERENCE_WEIGHTS)} digits")
    total = sum(map(mul, serial.encode("ascii"), _REFERENCE_WEIGHTS)) - _ASCII_ZERO * sum(_REFERENCE_WEIGHTS)
    check = (11 - total % 11) % 11
    return None if check == 10 else check


REFERENCE_SCHEME = NumberingScheme("reference", 10, _reference_check_digit)
"""9-digit serial, weights 2..7,2..4 from the right, modulus 11; 10 is never issued."""

SCHEMES: dict[str, NumberingScheme] = {REFERENCE_SCHEME.name: REFERENCE_SCHEME}


def register_scheme(scheme: NumberingScheme) -> None:
    """Make a city's own numbering scheme selectable by name."""
    SCHEMES[scheme.name] = scheme


def numbering_scheme(name: str) -> NumberingScheme:
    try:
        return SCHEMES[name]
    except KeyError:
        raise ValueError(f"unknown numbering scheme {name!r}; known: {sorted(SCHEMES)}") from None


def my_number_check_digit(first_eleven: str) -> int:
    """The 個人番号 check digit (行政手続における特定の個人を識別するための番号の利用等に関する法律施行令 8条)."""
    total = 0
    for n, digit in enumerate(reversed(first_eleven), start=1):
        q = n + 1 if n <= 6 else n - 5
        total += int(digit) * q
    r = total % 11
    return 0 if r <= 1 else 11 - r


def is_valid_my_number(value: str) -> bool:
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        return False
    return my_number_check_digit(value[:11]) == int(value[11])


def municipality_check_digit(first_five: str) -> int:
    total = sum(int(d) * w for d, w in zip(first_five, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def is_valid_municipality_code(value: str) -> bool:
    if len(value) != 6 or not value.isascii() or not value.isdigit():
        return False
    return municipality_check_digit(value[:5]) == int(value[5])
