"""One-time invite codes: the only way to become staff or admin."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, str_enum, utcnow
from models.person import Role

# No 0/O, 1/I/L: codes are read aloud and typed on phone keypads.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_PREFIX = "KNS"


def new_invite_code() -> str:
    """A fresh code such as KNS-7QH4-M2XP."""
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{CODE_PREFIX}-{body[:4]}-{body[4:]}"


def normalize_invite_code(text: str) -> str | None:
    """The canonical code in a typed text ('kns 7qh4 m2xp' too), or None if it is not one."""
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    if not compact.startswith(CODE_PREFIX) or len(compact) != len(CODE_PREFIX) + 8:
        return None
    body = compact[len(CODE_PREFIX) :]
    if any(ch not in CODE_ALPHABET for ch in body):
        return None
    return f"{CODE_PREFIX}-{body[:4]}-{body[4:]}"


class Invite(Base):
    """A code that grants `role` (for staff, within `municipality_id`) to whoever redeems it first."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    role: Mapped[Role] = mapped_column(str_enum(Role))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    redeemed_by: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    redeemed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
