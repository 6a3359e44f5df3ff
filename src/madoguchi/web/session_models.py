"""The table of server-side web sessions (``web_sessions``).

A row is one logged-in browser. Its key is the SHA-256 of the random session
id the cookie carries: the table alone lets no one take over a session.
Staff and residents share the table; ``actor_kind`` tells them apart.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from madoguchi.db.base import Base, Moment


class WebSession(Base):
    __tablename__ = "web_sessions"
    __table_args__ = (
        CheckConstraint("actor_kind IN ('staff', 'resident')", name="actor_kind"),
        Index("ix_web_sessions_actor", "actor_kind", "actor_id"),
    )

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    """SHA-256 (hex) of the session id; the id itself is only in the browser's cookie."""
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str] = mapped_column(String(100))
    """The staff member's login id, or the resident's 宛名番号."""
    department: Mapped[str | None] = mapped_column(String(100))
    csrf_token: Mapped[str] = mapped_column(String(64))
    """Every state-changing request of this session must carry it (form field or header)."""
    created_at: Mapped[datetime] = mapped_column(Moment)
    last_seen_at: Mapped[datetime] = mapped_column(Moment)
    idle_timeout_seconds: Mapped[int] = mapped_column(Integer)
    """The session ends when unused this long; kept per row, as staff and residents differ."""
    expires_at: Mapped[datetime] = mapped_column(Moment, index=True)
    """The absolute end, however busy the session is."""
