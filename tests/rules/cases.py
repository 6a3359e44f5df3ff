"""The rules the property tests run: the tests' own, using every construct of the
language, and the shipped catalog's entries that can be screened."""

from __future__ import annotations

from dataclasses import dataclass

from .shipped import entries, income_tables


@dataclass(frozen=True)
class Case:
    rule: str
    subjects: str = "applicant"


OWN_RULES = [
    Case("household.all(m, !(m.is_applicant || m.is_applicant_spouse) || m.nhi)"),
    Case("household.exists(m, compulsory_school_age(m))"),
    Case("household.exists(m, age(m) < 7 && !m.child_allowance_child)"),
    Case("!household.exists(m, reached(m, 18))"),
    Case("household.all(m, reached(m, 20) || child_allowance_age(m))"),
    Case("household.exists_one(m, late_elderly_age(m))"),
    Case("household.filter(m, reached(m, 15)).size() >= 2"),
    Case("household.size() == 1 || applicant.is_head && applicant.resident_kind == '1'"),
    Case("household.all(m, household.exists(n, n.atena == m.atena && n.sex == m.sex))"),
    Case("age(subject) == 74 || age(subject) != 40 && age(subject) <= 64 && 20 < age(subject)", "household"),
    Case("subject.pension_months >= 36 && subject.pension_category == '1'", "household"),
    Case("subject.pension_months < 36 || 12 > subject.pension_months || subject.pension_months == 0",
         "household"),
    Case("subject.income < income_limit('single-parent-partial', subject.dependents) && !subject.taxed"),
    Case("subject.care_level in ['要介護3', '要支援1'] || subject.ltc && subject.care_level == ''", "household"),
    Case("subject.late_elderly != late_elderly_age(subject)", "household"),
    Case("subject.sex == '2' ? reached(subject, 50) : subject.resident_kind == '2'", "household"),
    Case("reached(subject, 65) ? subject.ltc : subject.nhi", "household"),
    Case("subject.child_allowance_recipient || subject.child_allowance_child && !subject.is_applicant",
         "household"),
    Case("deceased.is_head && household.filter(m, m.atena != deceased.atena && reached(m, 15)).size() >= 2"),
    Case("mother.nhi && answers.payment in ['partial', 'none']", "mother"),
    Case("answers.flag || household.exists(m, m.child_allowance_recipient)"),
    Case("has(answers.flag) ? answers.flag : applicant.nhi"),
    Case("answers.count > 1 && household.exists(m, m.dependents >= answers.count)"),
    Case("child_allowance_age(subject) && deceased.child_allowance_recipient", "household_except_deceased"),
    Case("subject.nhi || subject.is_applicant_spouse", "persons"),
    Case("!compulsory_school_age(subject) && household.all(m, m.nhi || !m.is_applicant)", "newborn"),
    Case("subject.atena != '' && !household.exists(m, m.atena == subject.atena) || reached(subject, 30)",
         "spouse"),
    Case("claimant.child_allowance_recipient == answers.revision", "claimant"),
    Case("household.exists_one(n, reached(n, 18) && deceased.atena == n.atena) "
         "|| !household.exists(n, n.atena == applicant.atena && n.nhi)", "deceased"),
    Case("person.atena == applicant.atena || reached(person, 20) && !reached(person, 60)", "person"),
    Case("former_spouse.child_allowance_recipient && answers.stay && subject.is_applicant_spouse",
         "former_spouse"),
]
SHIPPED = [Case(e.rule, e.subjects) for e in entries() if e.screenable]
TABLES = income_tables()
