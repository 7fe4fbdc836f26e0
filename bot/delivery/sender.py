"""What a channel's sender promises the outbox worker."""

from __future__ import annotations

import asyncio
import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.conversation.messages import Reply


class Outcome(enum.StrEnum):
    """How one send ended.

    sent: the provider took it · unreachable: the address cannot receive (blocked, deactivated) ·
    opted_out: the recipient unsubscribed (SMS STOP) · failed: a permanent error, retrying will
    not help · retry: a transient error, try later · held: the route cannot send now (its phone
    is offline): back to the queue without counting an attempt, to wait or move to another route
    · elsewhere: this address may not be sent this message now (WhatsApp's 24-hour window is
    closed and no template fits): it goes on another of the person's addresses, or is skipped
    with the reason · later: not before `Delivery.not_before` (WhatsApp's messaging limit for
    the day is reached), no attempt spent.
    """

    sent = "sent"
    unreachable = "unreachable"
    opted_out = "opted_out"
    failed = "failed"
    retry = "retry"
    held = "held"
    elsewhere = "elsewhere"
    later = "later"


@dataclass(frozen=True)
class Delivery:
    """The result of one send; `error` is a short reason for people reading the outbox.

    `retry_after`: a rate limit was hit; the worker pauses the channel's pacing this long and
    tries the message again through it. `template`: the message went as this template (a
    business-initiated message outside WhatsApp's window), which the outbox row records."""

    outcome: Outcome
    provider_id: str | None = None
    error: str | None = None
    retry_after: float | None = None
    template: str | None = None
    not_before: datetime | None = None


class Gate(Protocol):
    """The channel's pacing, as a sender sees it for one address: every request to the provider
    (each piece of a long reply, each retry) waits for `next()` first, and a 429 is reported with
    `throttled()`, which holds the whole channel, rather than slept out by the sender alone."""

    async def next(self) -> None:
        """Return when the next request to the address may go."""
        ...

    async def throttled(self, seconds: float) -> None:
        """The provider answered 429 with `retry_after=seconds`."""
        ...


class _Unpaced:
    """No pacing (a sender used outside the outbox worker): only a 429's wait is kept."""

    async def next(self) -> None:
        """Nothing to wait for."""

    async def throttled(self, seconds: float) -> None:
        """Wait as the provider asked."""
        await asyncio.sleep(seconds)


UNPACED: Gate = _Unpaced()


class Sender(Protocol):
    """Sends rendered replies on one channel, through the pacing `gate` it is given.

    A channel with several ways out (SMS: Twilio and each gateway phone) has one sender per
    route: each also has `route` (its name, as in `outbox_messages.route`) and
    `async prepare(engine) -> bool | int`, called before each claim: it may choose the routes of
    new messages, and says whether this route can send now (False: an offline phone, nothing is
    claimed; a number: at most that many, a trial). The worker gives each route its own lane, pace and shared send window.
    """

    channel: str
    rate: float | None  # messages a second on this channel or route (None: no limit)
    per_address_interval: float  # seconds between two messages to one address
    attempts: int  # calls one send makes at most on transient errors (its own quick retries)
    longest_send: float  # seconds one send can take at most: its timeouts and pauses

    async def send(self, address: str, reply: Reply, gate: Gate = UNPACED) -> Delivery:
        """Send `reply` to `address` (a chat id, a phone number).

        A sender that needs more than the address (WhatsApp: the message's kind, the person's
        language, when the address last wrote) defines `send_claimed(message, reply)` instead,
        and the worker hands it the whole claimed message (`bot.delivery.claim.Claimed`)."""
        ...


def lane_of(sender: Sender) -> str:
    """The worker's lane for a sender: its route, or its channel when that has one route."""
    return getattr(sender, "route", None) or sender.channel
