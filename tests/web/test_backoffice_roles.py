from __future__ import annotations

import pytest

from madoguchi.intake.status import ApplicationStatus as S
from madoguchi.web.backoffice_roles import may_decide


@pytest.mark.parametrize("status", [S.IN_REVIEW, S.NEEDS_CORRECTION, S.ACCEPTED])
def test_a_reviewer_and_a_manager_may_review_send_back_and_accept(status: S) -> None:
    assert may_decide("reviewer", status) and may_decide("manager", status)


def test_only_a_manager_may_reject() -> None:
    assert may_decide("manager", S.REJECTED)
    assert not may_decide("reviewer", S.REJECTED)


@pytest.mark.parametrize("status", [S.RECEIVED, S.AT_COUNTER, S.AWAITING_SIGNATURES])
def test_no_role_moves_an_application_back_to_an_intake_status(status: S) -> None:
    assert not may_decide("reviewer", status) and not may_decide("manager", status)


def test_an_unknown_role_may_decide_nothing() -> None:
    assert not any(may_decide("visitor", status) for status in S)
