"""Send windows: the one shared pacing of a channel across every process that sends on it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class SendWindow(Base):
    """When the next message on `channel` may go (Unix seconds). A worker takes slots for a
    batch by moving this forward in one UPDATE, so workers in several processes together stay
    within the provider's rate."""

    __tablename__ = "send_windows"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float(precision=53), default=0.0)


class RouteState(Base):
    """Whether one route of a channel (an SMS gateway phone) can send now, as its senders found
    it; shared by every process, read by /metrics and the staff view.

    online: sends go through → offline: sends stopped answering (phone off, no signal); its
    messages wait, or move to another route, until a probe or a message from it says it is back.
    """

    __tablename__ = "route_states"

    route: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    online: Mapped[bool] = mapped_column(default=True)
    # consecutive sends that failed for transport reasons (not a bad number)
    failures: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))
    since: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)  # state last changed
