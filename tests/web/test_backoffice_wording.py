from __future__ import annotations

from datetime import date

import pytest

from backoffice.factories import shipped
from madoguchi.web.backoffice_wording import Deadline, deadline, shared_note, subject_label
from madoguchi.wording import era_moment, provenance

TODAY = date(2025, 6, 10)


@pytest.mark.parametrize(("due", "expected"), [
    ("2025-06-20", Deadline("令和7年6月20日")),
    ("2025-06-13", Deadline("令和7年6月13日", "期限まであと3日", "near")),
    ("2025-06-10", Deadline("令和7年6月10日", "本日が期限", "near")),
    ("2025-06-08", Deadline("令和7年6月8日", "期限超過（2日）", "past")),
])
def test_a_deadline_is_marked_in_words_when_near_or_past(due: str, expected: Deadline) -> None:
    assert deadline(due, today=TODAY, still_open=True) == expected


def test_a_decided_applications_deadline_is_not_marked_and_none_stays_none() -> None:
    assert deadline("2025-06-08", today=TODAY, still_open=False) == Deadline("令和7年6月8日")
    assert deadline(None, today=TODAY, still_open=True) is None


@pytest.mark.parametrize(("source", "label"), [
    ({"system": "juki", "as_of": "2025-05-31", "item": "family_name"}, "住民記録 令和7年5月31日時点"),
    ({"system": "accounts", "as_of": None, "item": "account"}, "公金受取口座"),
    ({"resident": True}, "申請者が入力"),
    ({"resident": True, "corrected": True}, "申請者が入力（補正）"),
    ({"event_date": True}, "届け出たできごとの日"),
    ({"answer": "single_parent"}, "申請者の回答"),
    ({"certificate": "birth-certificate", "issuer": "北見赤十字病院", "claim": "birth_date"},
     "出生証明書（北見赤十字病院）"),
    (None, "—"),
])
def test_provenance_says_where_a_value_came_from(source: dict[str, object] | None, label: str) -> None:
    assert provenance(source, shipped()) == label


def test_a_shared_value_names_the_form_it_was_asked_for() -> None:
    assert shared_note({"shared_from": "birth-registration.child_family_name"}, shipped()) == "出生届と共通"
    assert shared_note({"resident": True}, shipped()) is None


@pytest.mark.parametrize(("subject", "label"), [
    ("0000010022", "宛名番号 0000010022"), ("newborn", "新生児"), ("mover:2", "転入者2"), ("spouse", "配偶者")])
def test_whom_an_application_is_for_comes_from_its_reference_alone(subject: str, label: str) -> None:
    assert subject_label(subject) == label


def test_a_moment_is_shown_in_tokyo_time() -> None:
    assert era_moment("2025-06-01T01:05:00+00:00") == "令和7年6月1日 10時05分"
