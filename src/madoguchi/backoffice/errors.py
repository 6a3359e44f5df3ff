"""What can go wrong with the back office's staff accounts.

A failed login never says whether the login id or the password was wrong,
nor whether the account is locked or disabled: each is the same answer.
"""

from __future__ import annotations

from madoguchi.errors import AppError


class StaffLoginFailed(AppError):
    status = 401
    type = "staff-login-failed"
    title = "Login failed"


class StaffInvalid(AppError):
    """A login id, name, role or password that does not meet the rules."""

    status = 400
    type = "staff-invalid"
    title = "Invalid staff account"


class StaffDepartmentUnknown(AppError):
    status = 400
    type = "staff-department-unknown"
    title = "No such department"


class StaffLoginTaken(AppError):
    status = 409
    type = "staff-login-taken"
    title = "A staff member has that login id"


class StaffNotFound(AppError):
    status = 404
    type = "staff-not-found"
    title = "No such staff member"
