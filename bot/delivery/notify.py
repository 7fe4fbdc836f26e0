"""Queueing a message for a person outside their current conversation (status changes, notices)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation.messages import Reply
from bot.identity.people import addresses_of
from models import Address, OutboxMessage, OutboxStatus, Person
from models.base import utcnow
from models.outbox import NOTICE

log = logging.getLogger("kenesh.notify")


async def preferred_address(
    session: AsyncSession, person: Person, channel: str | None = None
) -> Address | None:
    """Where to reach the person: the address they wrote from most recently and that still
    works — on `channel` if they chose one and have an address there."""
    addresses = await addresses_of(session, person.id)
    if channel is not None:
        addresses = [a for a in addresses if a.channel == channel] or addresses
    usable = [a for a in addresses if not a.opted_out and not a.unreachable]
    return max(usable or addresses, key=lambda a: a.last_seen_at, default=None)


async def enqueue(
    session: AsyncSession,
    person: Person,
    body: str,
    *,
    kind: str = "notice",
    priority: int = NOTICE,
    channel: str | None = None,
    address: Address | None = None,
) -> OutboxMessage | None:
    """Queue `body` (already in the person's language) for the person's preferred address (on
    `channel`, when given and they have one there), or for `address` if the caller chose it.

    A person with no usable address gets a `skipped` row, so the gap is visible, never silent.
    """
    if address is None:  # unless the caller already chose it
        address = await preferred_address(session, person, channel)
    if address is None:
        log.warning("person=%s has no address; %s not queued", person.id, kind)
        return None
    blocked = address.opted_out or address.unreachable
    message = OutboxMessage(
        person_id=person.id,
        address_id=address.id,
        channel=address.channel,
        body=body,
        kind=kind,
        priority=priority,
        status=OutboxStatus.skipped if blocked else OutboxStatus.queued,
        error=("opted_out" if address.opted_out else "unreachable") if blocked else None,
    )
    session.add(message)
    await session.flush()
    return message


def notice_rows(
    person: Person, address: Address, replies: Sequence[Reply], kind: str, priority: int = NOTICE
) -> list[dict[str, Any]]:
    """Outbox rows of messages to a person outside a turn of theirs (an invitation that is a
    question carries its choices), in order; an opted-out or unreachable address gets
    `skipped` rows, so the gap is counted, never silent."""
    blocked = address.opted_out or address.unreachable
    status = OutboxStatus.skipped if blocked else OutboxStatus.queued
    error = ("opted_out" if address.opted_out else "unreachable") if blocked else None
    return [
        {
            "person_id": person.id,
            "address_id": address.id,
            "channel": address.channel,
            "body": reply.text,
            "payload": reply.to_payload(),
            "kind": kind,
            "priority": priority,
            "status": status.value,
            "error": error,
            "attempts": 0,
            "created_at": utcnow(),
        }
        for reply in replies
        if not reply.expired
    ]


async def queue_rows(session: AsyncSession, rows: list[dict[str, Any]]) -> int:
    """Write `rows` (from `notice_rows`) in one INSERT; how many."""
    if rows:
        await session.execute(OutboxMessage.__table__.insert(), rows)
    return len(rows)
