"""Messages waiting to be delivered to a person outside the conversation they are in."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, str_enum, utcnow

# Priorities: lower goes first.
LIVE = 0  # replies in a live conversation go before everything else
NOTICE = 10  # one person's news: a status change, an alert, an invitation
URGENT = 90  # bulk that goes in quiet hours too: an urgent broadcast
BULK = 100  # broadcasts, tender alerts and reminders, survey invitations: held in quiet hours
FILE_REPLY = "reply_file"  # the kind of a reply carrying a file (a report): bytes dropped once sent
# the kind of the confirmation of STOP where it goes through the outbox (the SMS gateway): the one
# message that still goes to an address that has just opted out
FAREWELL = "farewell"


class OutboxStatus(enum.StrEnum):
    """Lifecycle of an outgoing message.

    queued: waiting for its channel's sender → sending: taken by a sender → sent: the provider
    accepted it → delivered: the provider confirmed delivery. failed: gave up, `error` says why.
    skipped: never sent, the address is opted out or unreachable.
    """

    queued = "queued"
    sending = "sending"
    sent = "sent"
    delivered = "delivered"
    failed = "failed"
    skipped = "skipped"


class OutboxMessage(Base):
    """One message to one address, written in the same transaction as the change it reports."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_pending", "status", "channel", "priority"),
        # progress and "is anything of this broadcast still waiting?" without reading its rows
        Index("ix_outbox_messages_broadcast_status", "broadcast_id", "status"),
        # a channel with several routes claims per route (one SMS gateway phone)
        Index("ix_outbox_messages_route", "channel", "route", "status", "priority"),
        # templates sent in the last 24 hours: what Meta's messaging-limit tier counts
        Index("ix_outbox_messages_template_sent", "template", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    address_id: Mapped[int | None] = mapped_column(
        ForeignKey("addresses.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    # which of the channel's routes sends it (SMS: "twilio", "android:NAME"), chosen just before
    # it is claimed; None on channels with one route, and until then
    route: Mapped[str | None] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    kind: Mapped[str] = mapped_column(String(32), default="notice")
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="SET NULL")
    )
    # LIVE, NOTICE or BULK: lower goes first
    priority: Mapped[int] = mapped_column(default=NOTICE)
    status: Mapped[OutboxStatus] = mapped_column(
        str_enum(OutboxStatus), default=OutboxStatus.queued
    )
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(300))
    provider_id: Mapped[str | None] = mapped_column(String(128), index=True)
    # the provider's own word for the message's state (Twilio: queued, sent, delivered,
    # undelivered, failed), as its status callbacks report it
    provider_status: Mapped[str | None] = mapped_column(String(20))
    # the WhatsApp template it went as (a business-initiated message outside the 24-hour
    # window): what Meta charges for, and what its messaging-limit tier counts
    template: Mapped[str | None] = mapped_column(String(64))
    # a transient failure puts the message back with the earliest time to try again
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # while `sending`: the claim holds until then, and the process working on it renews it;
    # past it, that process stopped (died) and the message goes back to the queue
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # indexed: the messages past OUTBOX_RETENTION_DAYS are found without reading the others
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class OutboxTally(Base):
    """How many messages of a broadcast, deleted from the outbox past OUTBOX_RETENTION_DAYS,
    ended in each outcome: what their rows said, counted, so that a broadcast's figures stay
    whole when its rows go (`bot/delivery/outcomes.py` adds the two). The key holds '' for "no
    provider status" and "no error": a primary key column cannot be NULL."""

    __tablename__ = "outbox_tallies"

    broadcast_id: Mapped[int] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE"), primary_key=True
    )
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    status: Mapped[OutboxStatus] = mapped_column(str_enum(OutboxStatus), primary_key=True)
    provider_status: Mapped[str] = mapped_column(String(20), primary_key=True, default="")
    # phone numbers masked: a provider's error can quote the number it refused
    error: Mapped[str] = mapped_column(String(300), primary_key=True, default="")
    count: Mapped[int] = mapped_column(default=0)
