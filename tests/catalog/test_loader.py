"""Every kind of bad catalog file is refused with an error that names its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from madoguchi.catalog.errors import CatalogFolderMissing, CatalogInvalid, Problem
from madoguchi.catalog.loader import check_folder, load_catalog

from .files import edit, line_of


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


def test_a_yaml_syntax_error_names_the_file_and_line(folder: Path) -> None:
    (folder / "procedures" / "broken.yaml").write_text("id: broken\nname: {ja: 壊れた, en: Broken\n\n",
                                                        encoding="utf-8")
    problem = only(check_folder(folder))
    assert (problem.file, problem.line) == ("procedures/broken.yaml", 4)
    assert "YAML syntax" in problem.message


def test_an_unknown_field_is_named_at_its_line(folder: Path) -> None:
    line = edit(folder, "procedures/seal-registration.yaml", "legal_basis: 市印鑑条例\n",
                "legal_basis: 市印鑑条例\nfee: 300\n") + 1
    assert only(check_folder(folder)) == Problem("procedures/seal-registration.yaml", line, "unknown field 'fee'")


def test_each_missing_required_field_is_named_once(folder: Path) -> None:
    edit(folder, "procedures/seal-registration.yaml", "deadline_counting: civil\n", "")
    edit(folder, "procedures/seal-registration.yaml", "department: citizens\n", "")
    id_line = line_of(folder, "procedures/seal-registration.yaml", "id: seal-registration")
    assert check_folder(folder) == [
        Problem("procedures/seal-registration.yaml", id_line, "missing required field 'deadline_counting'"),
        Problem("procedures/seal-registration.yaml", id_line, "missing required field 'department'"),
    ]


def test_a_misspelt_field_type_names_the_field(folder: Path) -> None:
    line = edit(folder, "procedures/seal-registration.yaml", "type: era_date", "type: wareki")
    problem = only(check_folder(folder))
    assert (problem.file, problem.line) == ("procedures/seal-registration.yaml", line)
    assert problem.message.startswith("form.fields[2].type: 'wareki' is not one of")


def test_a_key_given_twice_is_an_error_not_a_silent_override(folder: Path) -> None:
    line = edit(folder, "tables.yaml", "      5: 3980000\n", "      5: 3980000\n      4: 1\n") + 1
    assert Problem("tables.yaml", line, "'4' is given twice") in check_folder(folder)


def test_an_unknown_procedure_in_an_event_is_named(folder: Path) -> None:
    line = edit(folder, "events/death.yaml", "- procedure: cremation-permit", "- procedure: cremation")
    assert only(check_folder(folder)) == Problem("events/death.yaml", line, "unknown procedure 'cremation'")


def test_an_unknown_department_is_named(folder: Path) -> None:
    line = edit(folder, "procedures/newborn-visit.yaml", "department: health-promotion", "department: hokenjo")
    assert only(check_folder(folder)) == Problem("procedures/newborn-visit.yaml", line, "unknown department 'hokenjo'")


def test_an_unknown_table_in_a_rule_is_named(folder: Path) -> None:
    line = edit(folder, "events/divorce.yaml", "income_limit('single-parent-partial'", "income_limit('single-parent'")
    problem = only(check_folder(folder))
    assert (problem.file, problem.line) == ("events/divorce.yaml", line)
    assert "no table 'single-parent'" in problem.message


def test_a_duplicate_question_id_is_named(folder: Path) -> None:
    line = edit(folder, "events/birth.yaml", "  - id: father\n", "  - id: mother\n")
    assert Problem("events/birth.yaml", line, "duplicate question id 'mother'") in check_folder(folder)


def test_a_duplicate_department_id_is_named(folder: Path) -> None:
    line = edit(folder, "departments.yaml", "  - id: school-education", "  - id: citizens")
    problems = check_folder(folder)
    assert Problem("departments.yaml", line, "duplicate department id 'citizens'") in problems


def test_an_item_outside_the_vocabulary_is_refused(folder: Path) -> None:
    edit(folder, "procedures/seal-registration.yaml", "reads: [family_name,", "reads: [shoe_size, family_name,")
    problem = only(check_folder(folder))
    assert problem.file == "procedures/seal-registration.yaml" and "unknown item 'shoe_size'" in problem.message


def test_reading_the_my_number_without_a_basis_is_refused(folder: Path) -> None:
    edit(folder, "procedures/seal-registration.yaml", "reads: [family_name,", "reads: [my_number, family_name,")
    problem = only(check_folder(folder))
    assert problem.file == "procedures/seal-registration.yaml"
    assert "my_number without a 番号法 basis" in problem.message


def test_a_rule_that_reads_an_item_its_procedure_does_not_read_is_refused(folder: Path) -> None:
    line = edit(folder, "events/job-start.yaml", "applies_when: subject.nhi", "applies_when: subject.nhi && subject.income > 0")
    problem = only(check_folder(folder))
    assert (problem.file, problem.line) == ("events/job-start.yaml", line)
    assert "tax" in problem.message and "nhi-withdrawal" in problem.message


def test_a_rule_that_reads_an_answer_the_event_does_not_ask_is_refused(folder: Path) -> None:
    edit(folder, "events/care-need.yaml", "&& answers.specified_disease", "&& answers.specified_illness")
    problem = only(check_folder(folder))
    rule_line = line_of(folder, "events/care-need.yaml", "  - procedure: ltc-certification") + 2
    assert (problem.file, problem.line) == ("events/care-need.yaml", rule_line)
    assert "specified_illness" in problem.message


def test_a_prefill_from_an_undeclared_certificate_claim_is_refused(folder: Path) -> None:
    line = edit(folder, "procedures/birth-registration.yaml", "birth_certificate.birth_time",
                "birth_certificate.birth_hour")
    problem = only(check_folder(folder))
    assert (problem.file, problem.line) == ("procedures/birth-registration.yaml", line)


def test_an_id_that_does_not_match_its_file_name_is_refused(folder: Path) -> None:
    (folder / "procedures" / "seal-registration.yaml").rename(folder / "procedures" / "seal.yaml")
    problems = check_folder(folder)
    assert any(p.file == "procedures/seal.yaml" and "must match the file name" in p.message for p in problems)


def test_a_file_that_is_not_yaml_is_not_silently_ignored(folder: Path) -> None:
    (folder / "procedures" / "seal-registration.yaml").rename(folder / "procedures" / "seal-registration.yml")
    problems = check_folder(folder)
    assert Problem("procedures/seal-registration.yml", 1,
                   "not a catalog file: procedures/ holds <id>.yaml files") in problems


def test_a_missing_catalog_file_is_named(folder: Path) -> None:
    (folder / "calendar.yaml").unlink()
    assert only(check_folder(folder)) == Problem("calendar.yaml", 1, "missing: every catalog has this file")


def test_a_broken_procedure_does_not_make_every_reference_to_it_an_error(folder: Path) -> None:
    edit(folder, "procedures/nhi-enrollment.yaml", "deadline_counting: civil\n", "")
    assert [p.file for p in check_folder(folder)] == ["procedures/nhi-enrollment.yaml"]


def test_every_error_of_the_folder_is_reported_at_once(folder: Path) -> None:
    edit(folder, "procedures/newborn-visit.yaml", "department: health-promotion", "department: hokenjo")
    edit(folder, "events/death.yaml", "- procedure: cremation-permit", "- procedure: cremation")
    (folder / "procedures" / "broken.yaml").write_text("id: [\n", encoding="utf-8")
    with pytest.raises(CatalogInvalid) as refused:
        load_catalog(folder)
    assert [p.file for p in refused.value.problems] == [
        "events/death.yaml", "procedures/broken.yaml", "procedures/newborn-visit.yaml"]


def test_a_folder_that_does_not_exist_is_its_own_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogFolderMissing):
        check_folder(tmp_path / "nowhere")


def test_a_rule_outside_the_rule_language_is_refused_at_its_line(folder: Path) -> None:
    line = edit(folder, "events/job-start.yaml", "applies_when: subject.nhi", "applies_when: subject.insured")
    problem = only(check_folder(folder))
    assert (problem.file, problem.line) == ("events/job-start.yaml", line)
    assert problem.message.startswith("rule: ") and "insured" in problem.message


def test_a_rule_that_uses_a_yes_no_answer_as_text_is_refused(folder: Path) -> None:
    line = edit(folder, "events/move-within.yaml", "&& answers.school_district_changes",
                "&& answers.school_district_changes == 'yes'")
    problem = only(check_folder(folder))
    assert (problem.file, problem.line) == ("events/move-within.yaml", line)
    assert "school_district_changes" in problem.message and "bool" in problem.message
