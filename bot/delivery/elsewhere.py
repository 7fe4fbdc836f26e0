"""A message its address may not receive now goes on another of the person's addresses.

WhatsApp takes free-form messages only within 24 hours of the person's last message, and
templates only for the kinds of message an operator has had approved. A message that fits
neither is skipped on WhatsApp with the reason and, when the person has another address that
works on a channel this process sends on (SMS, Telegram), queued there instead: the skipped row
says so, and the broadcast report counts both.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.claim import Claimed
from models import Address, OutboxMessage, OutboxStatus
from models.base import utcnow

# The outbox `error` of a message skipped on its address: sent on another one instead / on none
MOVED = "moved"
NOWHERE = "no_template"
MAX_BODY = 1600  # what every channel takes in one message (an SMS's REST limit)


async def other_address(
    session: AsyncSession, person_id: int | None, channel: str, channels: Collection[str]
) -> Address | None:
    """The person's most recently used address on another of `channels` that still works."""
    if person_id is None:
        return None
    return await session.scalar(
        select(Address)
        .where(
            Address.person_id == person_id,
            Address.channel.in_([c for c in channels if c != channel]),
            Address.opted_out.is_(False),
            Address.unreachable.is_(False),
        )
        .order_by(Address.last_seen_at.desc(), Address.id.desc())
        .limit(1)
    )


async def send_elsewhere(session: AsyncSession, message: Claimed, channels: Collection[str]) -> str:
    """Skip `message` on its address and queue it on another one if the person has one; the
    outbox `error` written: MOVED or NOWHERE."""
    address = await other_address(session, message.person_id, message.channel, channels)
    outbox = OutboxMessage.__table__
    error = NOWHERE if address is None else MOVED
    await session.execute(
        outbox.update()
        .where(outbox.c.id == message.id)
        .values(status=OutboxStatus.skipped.value, error=error, not_before=None)
    )
    if address is not None:
        payload: dict[str, Any] | None = dict(message.payload) if message.payload else None
        if payload is not None:
            payload.pop("window_closed", None)
        await session.execute(
            outbox.insert().values(
                person_id=message.person_id,
                address_id=address.id,
                channel=address.channel,
                body=message.body[:MAX_BODY],
                payload=payload,
                kind=message.kind,
                broadcast_id=message.broadcast_id,
                priority=message.priority,
                status=OutboxStatus.queued.value,
                attempts=0,
                created_at=utcnow(),
            )
        )
    return error
