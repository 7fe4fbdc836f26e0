"""A turn's replies into the outbox, in the turn's own transaction, so a crash after the commit
cannot lose them (the delivery worker sends them)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation.messages import Reply
from models import Address, OutboxMessage, OutboxStatus, Person
from models.base import utcnow
from models.outbox import FILE_REPLY, LIVE


def reply_rows(
    person: Person,
    address: Address,
    replies: list[Reply],
    hold: timedelta | None = None,
    kind: str = "reply",
) -> list[dict[str, Any]]:
    """Outbox rows for a conversation's replies, in order."""
    not_before = utcnow() + hold if hold else None
    return [
        {
            "person_id": person.id,
            "address_id": address.id,
            "channel": address.channel,
            "body": reply.text,
            "payload": reply.to_payload(),
            "kind": FILE_REPLY if reply.document is not None else kind,
            "priority": LIVE,
            "status": OutboxStatus.queued.value,
            "attempts": 0,
            "created_at": utcnow(),
            "not_before": not_before,
        }
        for reply in replies
        if not reply.expired  # shown as the button's own short answer, not as a message
    ]


async def queue_replies(
    session: AsyncSession,
    person: Person,
    address: Address,
    replies: list[Reply],
    hold: timedelta | None = None,
    kind: str = "reply",
) -> list[int]:
    """Queue a conversation's replies for the address the person wrote from, in order; their ids."""
    rows = reply_rows(person, address, replies, hold, kind)
    if not rows:
        return []
    table = OutboxMessage.__table__
    result = await session.execute(
        table.insert().returning(table.c.id, sort_by_parameter_order=True), rows
    )
    return list(result.scalars().all())
