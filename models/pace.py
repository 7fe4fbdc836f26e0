"""Send windows: the one shared pacing of a channel across every process that sends on it."""

from __future__ import annotations

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class SendWindow(Base):
    """When the next message on `channel` may go (Unix seconds). A worker takes slots for a
    batch by moving this forward in one UPDATE, so workers in several processes together stay
    within the provider's rate."""

    __tablename__ = "send_windows"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float(precision=53), default=0.0)
