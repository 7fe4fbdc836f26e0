"""What a channel's sender promises the outbox worker."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from bot.conversation.messages import Reply


class Outcome(enum.StrEnum):
    """How one send ended.

    sent: the provider took it · unreachable: the address cannot receive (blocked, deactivated) ·
    opted_out: the recipient unsubscribed (SMS STOP) · failed: a permanent error, retrying will
    not help · retry: a transient error, try later · held: the route cannot send now (its phone
    is offline): back to the queue without counting an attempt, to wait or move to another route.
    """

    sent = "sent"
    unreachable = "unreachable"
    opted_out = "opted_out"
    failed = "failed"
    retry = "retry"
    held = "held"


@dataclass(frozen=True)
class Delivery:
    """The result of one send; `error` is a short reason for people reading the outbox."""

    outcome: Outcome
    provider_id: str | None = None
    error: str | None = None


class Sender(Protocol):
    """Sends rendered replies on one channel, handling the provider's rate-limit answers itself.

    A channel with several ways out (SMS: Twilio and each gateway phone) has one sender per
    route: each also has `route` (its name, as in `outbox_messages.route`) and
    `async prepare(engine) -> bool | int`, called before each claim: it may choose the routes of
    new messages, and says whether this route can send now (False: an offline phone, nothing is
    claimed; a number: at most that many, a trial). The worker gives each route its own lane, pace and shared send window.
    """

    channel: str
    rate: float | None  # messages a second on this channel or route (None: no limit)
    per_address_interval: float  # seconds between two messages to one address

    async def send(self, address: str, reply: Reply) -> Delivery:
        """Send `reply` to `address` (a chat id, a phone number)."""
        ...


def lane_of(sender: Sender) -> str:
    """The worker's lane for a sender: its route, or its channel when that has one route."""
    return getattr(sender, "route", None) or sender.channel
