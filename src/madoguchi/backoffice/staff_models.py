"""The table of the city's staff accounts (``staff_members``) for the back office."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from madoguchi.db.base import Base, Id, Moment


class StaffMember(Base):
    """A city employee who logs in to the back office of one department (課)."""

    __tablename__ = "staff_members"
    __table_args__ = (CheckConstraint("role IN ('reviewer', 'manager')", name="role"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    department: Mapped[str] = mapped_column(String(100), index=True)
    """A department id of the catalog (``citizens``, ``child-support``, …)."""
    role: Mapped[str] = mapped_column(String(16))
    """``reviewer`` or ``manager``; the back office's pages decide what each may do."""
    may_see_support_measure: Mapped[bool] = mapped_column(Boolean)
    """Authorised to see people under 支援措置 (DV/stalker support measures)."""
    password_hash: Mapped[str] = mapped_column(String(255))
    """Argon2id, in the PHC string format (parameters and salt included)."""
    active: Mapped[bool] = mapped_column(Boolean)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    """Failed logins in a row since the last success or lockout."""
    locked_until: Mapped[datetime | None] = mapped_column(Moment)
    last_login_at: Mapped[datetime | None] = mapped_column(Moment)
    created_at: Mapped[datetime] = mapped_column(Moment)
    created_by: Mapped[str] = mapped_column(String(100))
