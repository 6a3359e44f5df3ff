"""Reference numbers a person can read out on the phone: ``2611-2834-5909``.

Twelve digits in groups of four — digits are what a resident reads out most
surely in Japanese — the last a Damm check digit, which catches every single
wrong digit and every swap of two neighbours, so a number misheard on the
phone is refused instead of finding someone else's application. Eleven
random digits give 10¹¹ numbers: a clash is retried by the caller's unique
index, never guessed by a visitor.
"""

from __future__ import annotations

import re
import secrets

from stdnum import damm

SHAPE = re.compile(r"[0-9]{4}-[0-9]{4}-[0-9]{4}")


def new_reference() -> str:
    body = f"{secrets.randbelow(10 ** 11):011d}"  # one draw from the OS, not one for each digit
    digits = body + damm.calc_check_digit(body)
    return f"{digits[0:4]}-{digits[4:8]}-{digits[8:12]}"


def normalise_reference(text: str) -> str | None:
    """The reference as stored, from what a person typed (full-width digits, spaces, no dashes); None if invalid."""
    digits = re.sub(r"[\s\-‐－ー]", "", text.translate(_FULL_WIDTH))
    if not re.fullmatch(r"[0-9]{12}", digits) or not damm.is_valid(digits):
        return None
    return f"{digits[0:4]}-{digits[4:8]}-{digits[8:12]}"


_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
