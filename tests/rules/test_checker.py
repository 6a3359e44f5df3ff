from __future__ import annotations

import pytest

from madoguchi.rules.compiler import check_rule, compile_rule
from madoguchi.rules.errors import RuleNotCompilable
from madoguchi.rules.vocabulary import Kind


def only_error(rule: str) -> str:
    errors = check_rule(rule)
    assert len(errors) == 1, errors
    return errors[0]


def test_a_rule_in_the_language_has_no_errors() -> None:
    assert check_rule(
        'household.all(m, !(m.atena == applicant.atena || m.is_applicant_spouse) || m.nhi)') == []


def test_a_syntax_error_says_where() -> None:
    assert only_error("subject.nhi && ") == "syntax error at 1:13: the rule ends too early"
    assert only_error("subject.nhi ; true") == "syntax error at 1:13: unexpected character `;`"


def test_an_unknown_name_is_named_with_the_names_there_are() -> None:
    error = only_error("spouse.nhi")
    assert error.startswith("at 1:1 `spouse`: unknown name `spouse`; names: applicant, subject")


def test_an_unknown_field_is_named() -> None:
    assert "a person has no field `name`" in only_error('subject.name == "山田"')


def test_an_unknown_function_is_named() -> None:
    assert "unknown function is_parent()" in only_error("is_parent(subject)")


@pytest.mark.parametrize("rule", ['subject.relationship.startsWith("子")',
                                  'subject.relationship.contains("妻")',
                                  'subject.relationship.size() > 1'])
def test_string_functions_are_refused(rule: str) -> None:
    assert "string function" in only_error(rule)


@pytest.mark.parametrize("rule", ['timestamp("2025-04-01T00:00:00Z") > timestamp("2025-01-01T00:00:00Z")',
                                  "age(subject) + 1 > 18",
                                  "age(subject) > subject.dependents"])
def test_date_arithmetic_is_refused(rule: str) -> None:
    errors = check_rule(rule)
    assert errors
    assert all("date function" in e or "arithmetic" in e or "whole-number literal" in e for e in errors)


def test_arithmetic_on_numbers_is_refused() -> None:
    assert "arithmetic (`*`)" in only_error("subject.income * 2 > 1000000")


@pytest.mark.parametrize("rule, problem", [
    ("subject.nhi == 1", "`==` needs two booleans, numbers or strings"),
    ('subject.income < "300"', "expected a whole number, found a string"),
    ("subject.is_head && subject.relationship", "expected a boolean, found a string"),
    ("subject == applicant", "persons cannot be compared; compare their atena"),
    ("household.exists(m, m.income)", "expected a boolean, found a whole number"),
    ("subject.sex in [1, 2]", "expected a whole number, found a string"),
    ('subject.sex in ["1", 2]', "a list holds literals of one kind"),
    ("household", "expected a boolean, found the household"),
    ("household.filter(m, m.nhi)", "expected a boolean, found a filtered household"),
    ("reached(subject, subject.income)", "reached() takes a person and a whole-number literal"),
    ("income_limit(subject.income, 1) > 0", "income_limit() takes a table id"),
])
def test_a_type_misuse_is_refused(rule: str, problem: str) -> None:
    assert problem in only_error(rule)


def test_an_answer_used_as_two_types_is_refused() -> None:
    error = only_error('answers.single_parent && answers.single_parent == "yes"')
    assert "answers.single_parent is used both as a string and as a boolean" in error


def test_two_answers_compared_with_each_other_need_a_type() -> None:
    assert "cannot tell the type" in only_error("answers.a == answers.b")


def test_a_quantifier_needs_a_fresh_variable_name() -> None:
    assert "`applicant` is already taken" in only_error("household.exists(applicant, applicant.nhi)")
    assert "is already taken" in only_error("household.exists(m, household.all(m, m.nhi))")


def test_quantifiers_range_over_the_household_only() -> None:
    assert "ranges over `household` only" in only_error("answers.persons.exists(m, true)")


@pytest.mark.parametrize("rule, construct", [
    ("[1, 2][0] == 1", "indexing"),
    ('{"a": true}.a', "map literals"),
    ("subject.income > 1.5", "only whole numbers, strings, true and false"),
    ("-subject.income < 0", "negation"),
    ("household.map(m, m.nhi).size() > 0", "unknown function .map()"),
    ("subject.sex in []", "an empty list matches nothing"),
    ("age(subject) >= 200", "from 0 to 150"),
])
def test_constructs_outside_the_vocabulary_are_refused(rule: str, construct: str) -> None:
    assert construct in only_error(rule)


def test_every_problem_of_a_rule_is_listed() -> None:
    errors = check_rule("subject.bogus || foo(subject) || subject.income * 2 > 1")
    assert len(errors) == 3


def test_compile_rule_raises_with_the_rule_and_its_errors() -> None:
    with pytest.raises(RuleNotCompilable) as raised:
        compile_rule("subject.bogus")
    assert raised.value.rule == "subject.bogus"
    assert raised.value.errors == check_rule("subject.bogus")
    assert raised.value.status == 422


def test_a_rule_is_compiled_once_per_text() -> None:
    assert compile_rule("subject.nhi") is compile_rule("subject.nhi")


def test_an_answer_takes_its_type_from_what_it_is_compared_with() -> None:
    tree = compile_rule('answers.kind in ["partial", "none"] && answers.flag && has(answers.other)'
                        " && answers.count > 2").tree
    assert dict(tree.answers) == {"kind": Kind.STRING, "flag": Kind.BOOL, "other": None,
                                  "count": Kind.INT}


def test_the_persons_a_rule_reads_are_listed_in_order() -> None:
    tree = compile_rule("mother.nhi && claimant.nhi && mother.ltc").tree
    assert tree.persons == ("mother", "claimant")


def test_a_table_the_catalog_lacks_is_reported_when_tables_are_given() -> None:
    rule = 'subject.income < income_limit("single-parent-partial", subject.dependents)'
    assert check_rule(rule) == []
    assert check_rule(rule, tables={"single-parent-partial"}) == []
    assert check_rule(rule, tables=set()) == [
        "income_limit(): the catalog has no table 'single-parent-partial' keyed by dependents"]
