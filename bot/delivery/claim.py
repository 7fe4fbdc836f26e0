"""Claiming outbox messages for sending: `sending` at once, so no other worker takes them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from models import Address, OutboxMessage, OutboxStatus, Person
from models.base import utcnow
from models.outbox import BULK, FAREWELL


@dataclass(frozen=True, slots=True)
class Claimed:
    """A message taken for sending, with the address it goes to; `kind` (reply, notice,
    broadcast…), the person's language and when the address last wrote (`seen_at`) are for
    senders that choose how to send by them (WhatsApp's window)."""

    id: int
    channel: str
    lane: str  # the worker's lane: the route, or the channel
    body: str
    payload: dict[str, Any] | None
    attempts: int
    address_id: int
    address: str
    kind: str = "notice"
    language: str | None = None
    seen_at: datetime | None = None
    person_id: int | None = None
    broadcast_id: int | None = None
    priority: int = 10


async def claim(
    sessions: async_sessionmaker,
    channel: str,
    limit: int,
    lease: timedelta,
    route: str | None = None,
    quiet: bool = False,
) -> list[Claimed]:
    """Take up to `limit` due messages of `channel` (of its `route`, when it has several), most
    urgent first (rows locked with SKIP LOCKED: several processes never take the same one),
    leased for `lease` (the caller renews it while it works on them); messages to addresses
    that can no longer receive are marked skipped instead. In `quiet` hours bulk waits
    (priority BULK and after)."""
    now = utcnow()
    outbox, addresses, people = OutboxMessage.__table__, Address.__table__, Person.__table__
    async with sessions() as session, session.begin():
        rows = (
            await session.execute(
                select(
                    outbox.c.id,
                    outbox.c.channel,
                    outbox.c.body,
                    outbox.c.payload,
                    outbox.c.attempts,
                    outbox.c.kind,
                    outbox.c.person_id,
                    outbox.c.broadcast_id,
                    outbox.c.priority,
                    addresses.c.id.label("address_id"),
                    addresses.c.value,
                    addresses.c.opted_out,
                    addresses.c.unreachable,
                    addresses.c.last_seen_at,
                    people.c.language,
                )
                .select_from(
                    outbox.outerjoin(addresses, outbox.c.address_id == addresses.c.id).outerjoin(
                        people, outbox.c.person_id == people.c.id
                    )
                )
                .where(
                    outbox.c.status == OutboxStatus.queued.value,
                    outbox.c.channel == channel,
                    *([outbox.c.route == route] if route else []),
                    *([outbox.c.priority < BULK] if quiet else []),
                    or_(outbox.c.not_before.is_(None), outbox.c.not_before <= now),
                )
                .order_by(outbox.c.priority, outbox.c.id)
                .limit(limit)
                .with_for_update(of=outbox, skip_locked=True)
            )
        ).all()
        claimed, skipped = [], defaultdict(list)
        for row in rows:
            stopped = row.opted_out and row.kind != FAREWELL  # STOP's confirmation still goes
            if row.address_id is None or stopped or row.unreachable:
                reason = (
                    "no address"
                    if row.address_id is None
                    else ("opted_out" if row.opted_out else "unreachable")
                )
                skipped[reason].append(row.id)
            else:
                claimed.append(
                    Claimed(
                        row.id,
                        row.channel,
                        route or row.channel,
                        row.body,
                        row.payload,
                        row.attempts + 1,
                        row.address_id,
                        row.value,
                        row.kind,
                        row.language,
                        row.last_seen_at,
                        row.person_id,
                        row.broadcast_id,
                        row.priority,
                    )
                )
        for reason, ids in skipped.items():
            await session.execute(
                outbox.update()
                .where(outbox.c.id.in_(ids))
                .values(status=OutboxStatus.skipped.value, error=reason)
            )
        if claimed:
            await session.execute(
                outbox.update()
                .where(outbox.c.id.in_([c.id for c in claimed]))
                .values(
                    status=OutboxStatus.sending.value,
                    attempts=outbox.c.attempts + 1,
                    not_before=now,
                    lease_until=now + lease,
                )
            )
        return claimed
