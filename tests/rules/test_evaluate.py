from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from madoguchi.rules.errors import AnswerInvalid, NotAMember, RuleNotCompilable
from madoguchi.rules.evaluate import evaluate
from madoguchi.rules.facts import HouseholdFacts, Person, movers_household, newborn
from madoguchi.rules.outcome import NeedsAnswers, NeedsStaffCheck
from madoguchi.rules.tables import IncomeTable

ON = date(2025, 4, 1)


def family() -> HouseholdFacts:
    """A couple insured in NHI, a child of 6 who starts school today, a grandmother of unknown age."""
    father = Person("A1", date(1985, 5, 1), atena="A1", relationship="世帯主", is_head=True,
                    is_applicant=True, nhi=True, income=1_500_000, dependents=1)
    mother = Person("A2", date(1987, 8, 9), atena="A2", relationship="妻", is_applicant_spouse=True,
                    nhi=True, sex="2")
    child = Person("A3", date(2019, 4, 1), atena="A3", relationship="子", child_allowance_child=True)
    grandmother = Person("A4", None, atena="A4", relationship="母", sex="2")
    return HouseholdFacts(ON, father, (father, mother, child, grandmother))


def test_a_rule_over_the_parents_applies_when_both_are_insured() -> None:
    rule = "household.all(m, !(m.atena == applicant.atena || m.is_applicant_spouse) || m.nhi)"
    assert evaluate(rule, family()) is True
    household = family()
    uninsured = replace(household.members[1], nhi=False)
    assert evaluate(rule, replace(household, members=(household.members[0], uninsured))) is False


def test_date_law_reads_the_event_date() -> None:
    household = family()
    child = household.members[2]
    assert evaluate("compulsory_school_age(subject)", household, subject=child) is True
    assert evaluate("compulsory_school_age(subject)", replace(household, on=date(2025, 3, 31)),
                    subject=child) is False
    assert evaluate("age(subject) == 6 && reached(subject, 6) && !reached(subject, 7)",
                    household, subject=child) is True


def test_an_absent_answer_makes_the_rule_need_it() -> None:
    assert evaluate("answers.single_parent && applicant.nhi", family()) == NeedsAnswers(("single_parent",))


def test_and_or_decide_without_the_absent_answer_when_the_other_side_settles_it() -> None:
    assert evaluate("answers.single_parent && !applicant.nhi", family()) is False
    assert evaluate("applicant.nhi || answers.single_parent", family()) is True
    assert evaluate("answers.a || answers.b", family(), answers={"b": True}) is True


def test_every_absent_answer_that_kept_the_rule_open_is_listed() -> None:
    outcome = evaluate("answers.b || answers.a", family())
    assert outcome == NeedsAnswers(("a", "b"))


def test_has_tests_an_answer_without_needing_it() -> None:
    rule = "!has(answers.claimant_public_servant) || !answers.claimant_public_servant"
    assert evaluate(rule, family()) is True
    assert evaluate(rule, family(), answers={"claimant_public_servant": True}) is False


def test_an_answer_named_person_is_the_member_the_answer_names() -> None:
    rule = 'mother.nhi && answers.lump_sum_direct_payment in ["partial", "none"]'
    answers = {"mother": "A2", "lump_sum_direct_payment": "partial"}
    assert evaluate(rule, family(), answers=answers) is True
    assert evaluate(rule, family(), answers={"lump_sum_direct_payment": "partial"}) == NeedsAnswers(("mother",))


def test_an_answer_naming_nobody_makes_a_rule_that_reads_the_person_not_apply() -> None:
    assert evaluate("mother.nhi", family(), answers={"mother": ""}) is False
    assert evaluate("!mother.nhi", family(), answers={"mother": ""}) is False
    assert evaluate('answers.mother == "" || mother.nhi', family(), answers={"mother": ""}) is True


def test_an_answer_naming_someone_outside_the_household_is_refused() -> None:
    with pytest.raises(NotAMember, match="'mother': X9 is not a member of the household"):
        evaluate("mother.nhi", family(), answers={"mother": "X9"})


@pytest.mark.parametrize("rule, answers, question", [
    ("answers.single_parent", {"single_parent": "yes"}, "single_parent"),
    ('answers.lump_sum_direct_payment == "none"', {"lump_sum_direct_payment": False},
     "lump_sum_direct_payment"),
    ("answers.children > 1", {"children": True}, "children"),
    ("deceased.nhi", {"deceased": 12}, "deceased"),
])
def test_an_answer_of_the_wrong_type_is_refused_naming_the_question(rule: str, answers: dict[str, object],
                                                                    question: str) -> None:
    with pytest.raises(AnswerInvalid) as raised:
        evaluate(rule, family(), answers=answers)
    assert raised.value.question == question
    assert question in raised.value.detail


def test_asking_the_age_of_a_person_whose_birth_date_is_unknown_needs_a_staff_check() -> None:
    household = family()
    assert evaluate("household.exists(m, reached(m, 75))", household) == NeedsStaffCheck(("A4",))
    assert evaluate("household.all(m, late_elderly_age(m))", household) is False


def test_a_staff_check_is_not_needed_when_an_age_settles_the_rule_anyway() -> None:
    assert evaluate("household.exists(m, age(m) < 7)", family()) is True


def test_an_absent_answer_is_asked_before_a_staff_check() -> None:
    rule = "answers.x || household.exists(m, reached(m, 75))"
    assert evaluate(rule, family()) == NeedsAnswers(("x",))


def test_counting_and_exactly_one() -> None:
    household = family()
    assert evaluate("household.size() == 4", household) is True
    assert evaluate("household.filter(m, m.nhi).size() == 2", household) is True
    assert evaluate("household.exists_one(m, m.child_allowance_child)", household) is True
    assert evaluate("household.exists_one(m, m.nhi)", household) is False
    assert evaluate("household.filter(m, reached(m, 15)).size() >= 2", household) == NeedsStaffCheck(("A4",))


def test_a_choice_follows_its_condition() -> None:
    household = family()
    assert evaluate("applicant.nhi ? applicant.income > 1000000 : false", household) is True
    assert evaluate("answers.x ? true : true", household) == NeedsAnswers(("x",))


def test_the_income_limit_comes_from_the_catalog_table() -> None:
    tables = {"single-parent-partial": IncomeTable(((0, 1_000_000), (1, 1_400_000)), 380_000)}
    rule = 'applicant.income < income_limit("single-parent-partial", applicant.dependents)'
    assert evaluate(rule, family(), income_tables=tables) is False
    richer_table = {"single-parent-partial": IncomeTable(((0, 1_000_000), (1, 1_600_000)))}
    assert evaluate(rule, family(), income_tables=richer_table) is True


def test_a_rule_reading_a_table_the_catalog_lacks_is_refused() -> None:
    with pytest.raises(RuleNotCompilable, match="no table 'single-parent-partial'"):
        evaluate('applicant.income < income_limit("single-parent-partial", 0)', family())


def test_the_newborn_is_a_subject_of_age_zero() -> None:
    assert evaluate("child_allowance_age(subject) && age(subject) == 0 && subject.atena == \"\"",
                    family(), subject=newborn(ON)) is True


def test_a_move_in_has_no_applicant_and_its_movers_form_the_household() -> None:
    household = movers_household(ON, [{"birth_date": "1948-01-01"}, {"birth_date": "2019-04-02"}])
    assert evaluate("late_elderly_age(subject)", household, subject=household.members[0]) is True
    assert evaluate("household.exists(m, compulsory_school_age(m))", household) is False
    assert evaluate("applicant.nhi", household) is False


def test_a_rule_reading_the_subject_needs_one() -> None:
    with pytest.raises(ValueError, match="reads `subject`"):
        evaluate("subject.nhi", family())


def test_a_rule_outside_the_language_is_refused_at_evaluation_too() -> None:
    with pytest.raises(RuleNotCompilable):
        evaluate('applicant.relationship.startsWith("世帯")', family())
