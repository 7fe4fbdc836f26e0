"""Where each person is in a conversation, kept in the database so any process can continue it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class ConversationState(Base):
    """The flow and step a person is on, and the answers collected so far.

    `turn` grows by one each time a question is asked; buttons carry it, so a press on an old
    question is recognised as stale. `data` holds answers, the back-history, the return stack and
    drafts of flows left for the menu.
    """

    __tablename__ = "conversation_states"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    flow: Mapped[str | None] = mapped_column(String(64))
    step: Mapped[str | None] = mapped_column(String(64))
    turn: Mapped[int] = mapped_column(default=0)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class ProcessedInbound(Base):
    """Provider ids of inbound messages already handled, so a retried delivery changes nothing."""

    __tablename__ = "processed_inbound"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
