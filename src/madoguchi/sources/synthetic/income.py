"""From gross earnings to 合計所得金額, and whether 個人住民税 is levied (figures of the 2020s)."""

from __future__ import annotations

DEPENDENT_INCOME_LIMIT = 480_000
"""A spouse or relative with 合計所得金額 up to this is a dependent (控除対象)."""


def salary_income(gross: int) -> int:
    """給与所得: salary less the 給与所得控除."""
    if gross <= 1_625_000:
        deduction = 550_000
    elif gross <= 1_800_000:
        deduction = gross * 40 // 100 - 100_000
    elif gross <= 3_600_000:
        deduction = gross * 30 // 100 + 80_000
    elif gross <= 6_600_000:
        deduction = gross * 20 // 100 + 440_000
    elif gross <= 8_500_000:
        deduction = gross * 10 // 100 + 1_100_000
    else:
        deduction = 1_950_000
    return max(0, gross - deduction)


def pension_income(gross: int, age: int) -> int:
    """雑所得 from public pensions: less the 公的年金等控除 (the bracket for other income ≤ 10M yen)."""
    if age >= 65:
        if gross <= 3_300_000:
            deduction = 1_100_000
        elif gross <= 4_100_000:
            deduction = gross * 25 // 100 + 275_000
        else:
            deduction = gross * 15 // 100 + 685_000
    else:
        deduction = 600_000 if gross <= 1_300_000 else gross * 25 // 100 + 275_000
    return max(0, gross - deduction)


def is_taxed(total_income: int, dependents: int) -> bool:
    """Above the 均等割 non-taxable limit (1級地: 35万円 × persons + 10万円, + 21万円 with dependents)."""
    if dependents == 0:
        return total_income > 450_000
    return total_income > 350_000 * (1 + dependents) + 100_000 + 210_000


def round_thousand(yen: float) -> int:
    return max(0, int(yen) // 1000 * 1000)
