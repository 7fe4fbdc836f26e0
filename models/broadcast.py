"""Broadcasts: one text (in several languages) to an audience of a municipality, or of all."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, str_enum, utcnow


class BroadcastStatus(enum.StrEnum):
    """Lifecycle: scheduled (waiting for send_at) → queued (its messages are in the outbox) →
    done (every message has an outcome; the author got the report), or cancelled at any point
    before its messages went (the rest are skipped)."""

    scheduled = "scheduled"
    queued = "queued"
    done = "done"
    cancelled = "cancelled"


class Audience(enum.StrEnum):
    """Who a broadcast is for."""

    residents = "residents"
    ngos = "ngos"
    everyone = "everyone"


class Broadcast(Base):
    """An announcement; `texts` maps a language to its text, missing languages fall back."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    # None: every municipality (admins only)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    audience: Mapped[Audience] = mapped_column(str_enum(Audience))
    texts: Mapped[dict[str, str]] = mapped_column(JSON)
    # optional filters: only these channels / languages / people who reported in this category
    channels: Mapped[list[str] | None] = mapped_column(JSON)
    languages: Mapped[list[str] | None] = mapped_column(JSON)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    status: Mapped[BroadcastStatus] = mapped_column(str_enum(BroadcastStatus))
    send_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # when the final report went to the author (done, or cancelled once nothing was in flight)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(String(200))
    # urgent: goes out in quiet hours too (QUIET_HOURS hold every other broadcast)
    urgent: Mapped[bool] = mapped_column(default=False)

    def summary(self) -> dict[str, Any]:
        """For logs and reports: ids only."""
        return {"id": self.id, "audience": str(self.audience), "status": str(self.status)}
