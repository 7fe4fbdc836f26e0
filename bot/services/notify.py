"""Queueing a message for a person outside their current conversation (status changes, notices)."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation.messages import Reply
from models import Address, OutboxMessage, OutboxStatus, Person

LIVE = 0  # replies in a live conversation go before everything else
NOTICE = 10
BULK = 100

log = logging.getLogger("kenesh.notify")


def preferred_address(person: Person) -> Address | None:
    """Where to reach the person: the address they wrote from most recently and that still works."""
    usable = [a for a in person.addresses if not a.opted_out and not a.unreachable]
    candidates = usable or list(person.addresses)
    return max(candidates, key=lambda a: a.last_seen_at, default=None)


async def enqueue(
    session: AsyncSession,
    person: Person,
    body: str,
    *,
    kind: str = "notice",
    priority: int = NOTICE,
) -> OutboxMessage | None:
    """Queue `body` (already in the person's language) for the person's preferred address.

    A person with no usable address gets a `skipped` row, so the gap is visible, never silent.
    """
    address = preferred_address(person)
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


async def queue_replies(
    session: AsyncSession, person: Person, address: Address, replies: list[Reply]
) -> None:
    """Queue a conversation's replies for the address the person wrote from, in order."""
    for reply in replies:
        if reply.expired:  # shown as the button's own short answer, not as a message
            continue
        session.add(
            OutboxMessage(
                person_id=person.id,
                address_id=address.id,
                channel=address.channel,
                body=reply.text,
                payload=reply.to_payload(),
                kind="reply",
                priority=LIVE,
            )
        )
    await session.flush()
