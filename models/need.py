"""Needs residents report, the support other residents give them, and their status history."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Float, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, str_enum, utcnow


class NeedStatus(enum.StrEnum):
    """Lifecycle of a need.

    new: submitted, not yet looked at → received: staff saw it → in_progress: being worked on →
    resolved, or rejected (with a reason). Staff may move between any of these.
    """

    new = "new"
    received = "received"
    in_progress = "in_progress"
    resolved = "resolved"
    rejected = "rejected"

    @property
    def is_open(self) -> bool:
        """Open needs are the ones residents can still support."""
        return self in (NeedStatus.new, NeedStatus.received, NeedStatus.in_progress)


class Need(Base):
    """A need a resident reported for their municipality."""

    __tablename__ = "needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    # NULL once the reporter deleted their data: the text stays, anonymized, for statistics.
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL"), index=True
    )
    language: Mapped[str] = mapped_column(String(8))
    description: Mapped[str] = mapped_column(Text)
    photo_ref: Mapped[str | None] = mapped_column(String(512))
    # staff looked at the photo and marked it fit for the need's public page (faces, house
    # numbers, plates stay private): until then only staff see it
    photo_public: Mapped[bool] = mapped_column(default=False, server_default=false())
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    place: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[NeedStatus] = mapped_column(str_enum(NeedStatus), default=NeedStatus.new)
    # how many NeedSupport rows it has: kept by triggers on need_supports (migration 0018), for
    # reports that sum a million needs' supports without joining them; read-only here
    supports_total: Mapped[int] = mapped_column(default=0, server_default="0")
    staff_comment: Mapped[str | None] = mapped_column(Text)
    # Moderation: what others (priorities, Open311, public pages) read instead of `description`,
    # which staff still see. `hidden`: no text at all; `redacted`: set, shown in its place.
    hidden: Mapped[bool] = mapped_column(default=False)
    redacted: Mapped[str | None] = mapped_column(Text)
    moderation_reason: Mapped[str | None] = mapped_column(String(300))
    moderated_by: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    @property
    def public_description(self) -> str | None:
        """The text others may read: None when hidden, the redacted text when there is one."""
        if self.hidden:
            return None
        return self.redacted if self.redacted is not None else self.description

    @property
    def reference(self) -> str:
        """The number residents and staff quote, for example N-000123."""
        return format_reference(self.id)


def format_reference(need_id: int) -> str:
    """N-000123 for need 123."""
    return f"N-{need_id:06d}"


def parse_reference(text: str) -> int | None:
    """The need id in a typed reference: 'N-000123', 'n 123', '#123', 'Н-123' (Cyrillic).

    A bare number is not a reference: on a list it means the option with that number.
    """
    cleaned = text.strip().upper().replace("Н", "N")
    if cleaned.startswith("#"):
        cleaned = cleaned[1:]
    elif cleaned.startswith("N"):
        cleaned = cleaned[1:].lstrip(" -")
    else:
        return None
    return int(cleaned) if cleaned.isdigit() and 0 < len(cleaned) <= 9 else None


class NeedSupport(Base):
    """One person's "me too" for a need; once per person per need."""

    __tablename__ = "need_supports"
    __table_args__ = (UniqueConstraint("need_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    # NULL once the supporter deleted their data: the support still counts. Indexed: the
    # figures by group start from the people who answered the questions (migration 0021)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NeedStatusChange(Base):
    """The history of a need: who set which status, with what comment, when."""

    __tablename__ = "need_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    status: Mapped[NeedStatus] = mapped_column(str_enum(NeedStatus))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
