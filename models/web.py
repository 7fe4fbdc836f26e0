"""The staff web workspace: one-time sign-in links and the sessions they open.

Neither table holds a token itself, only its SHA-256: a copy of the database opens nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class WebSignInLink(Base):
    """A link the bot or `kenesh web link` gave a staff member: works once, until `expires_at`.

    Lifecycle: issued (used_at NULL) → used (a session was opened with it), or left to expire.
    """

    __tablename__ = "web_sign_in_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WebSession(Base):
    """A signed-in browser. Lifecycle: open → ended (logout, the role withdrawn) or expired
    (`expires_at` passed). Each request checks it, and the person's role, again."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    # the workspace's language, chosen with its switch (at first the person's own)
    language: Mapped[str] = mapped_column(String(8))
    # the token every form of this session carries (CSRF)
    csrf: Mapped[str] = mapped_column(String(64))
    # what the next page says first ("3 reports are now in progress"), then forgets
    notice: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # logout, revoked (the role was withdrawn)
    end_reason: Mapped[str | None] = mapped_column(String(16))
