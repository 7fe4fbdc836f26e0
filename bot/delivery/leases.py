"""Leases on claimed messages, for the outbox worker: renewed every third of the lease while
the messages are in hand, and the messages of a process that stopped renewing (it died, or gave
up on them after an error) put back in the queue every half lease."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sqlalchemy import ColumnElement, Select, Table, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.delivery.sender import Sender
from models import OutboxMessage, OutboxStatus
from models.base import utcnow

log = logging.getLogger("kenesh.delivery")


class LeaseKeeper:
    """The lease half of `OutboxWorker`: what it holds, renewed; what others left, recovered."""

    sessions: async_sessionmaker
    senders: dict[str, Sender]
    lease: timedelta
    _engine: AsyncEngine
    _held: set[int]

    async def recover(self) -> int:
        """Put back messages whose lease ran out: their process died (at most its in-flight
        ones) or gave up on them after an error. Never this worker's own, nor a live one's."""
        now = utcnow()
        outbox = OutboxMessage.__table__
        expired = and_(
            outbox.c.status == OutboxStatus.sending.value,
            outbox.c.channel.in_({sender.channel for sender in self.senders.values()}),
            outbox.c.sent_at.is_(None),
            or_(
                outbox.c.lease_until < now,
                # claimed before leases existed: by when it was taken
                and_(outbox.c.lease_until.is_(None), outbox.c.not_before < now - self.lease),
            ),
        )
        if self._held:
            expired = and_(expired, outbox.c.id.notin_(list(self._held)))
        async with self.sessions() as session, session.begin():
            result = await session.execute(
                outbox.update()
                .where(outbox.c.id.in_(_unlocked(outbox, expired)))
                .values(status=OutboxStatus.queued.value, lease_until=None)
            )
        if result.rowcount:
            log.warning("%s messages of a stopped process went back to the queue", result.rowcount)
        return result.rowcount or 0

    async def renew(self) -> int:
        """Extend the lease of every message this worker holds; how many."""
        held = list(self._held)
        if not held:
            return 0
        outbox = OutboxMessage.__table__
        async with self._engine.begin() as connection:
            mine = and_(outbox.c.id.in_(held), outbox.c.status == OutboxStatus.sending.value)
            result = await connection.execute(
                outbox.update()
                .where(outbox.c.id.in_(_unlocked(outbox, mine)))
                .values(lease_until=utcnow() + self.lease)
            )
        return result.rowcount or 0

    async def _renew_now_and_then(self) -> None:
        """Every third of the lease: two renewals in a row may fail (the database restarting)
        before another process would take the messages."""
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            try:
                await self.renew()
            except Exception:
                log.exception("renewing the outbox lease failed; trying again shortly")

    async def _recover_now_and_then(self) -> None:
        """Every half lease: a dead process's messages wait at most one and a half leases."""
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 2)
            try:
                await self.recover()
            except Exception:
                log.exception("recovering stale messages failed; trying again later")


def _unlocked(outbox: Table, where: ColumnElement[bool]) -> Select[tuple[int]]:
    """The ids of the rows `where` picks that no other transaction holds, locked in id order.

    Renewal and recovery touch many rows at once, while the outcome recorder writes some of the
    same rows in another order: waiting for each other's row locks, the two deadlocked, and the
    recorder's batch was lost (its messages then sent again after the lease). A row skipped
    here is being finished by its sender; the next round sees it again (PostgreSQL; SQLite
    writes one transaction at a time and has no row locks)."""
    return select(outbox.c.id).where(where).order_by(outbox.c.id).with_for_update(skip_locked=True)
