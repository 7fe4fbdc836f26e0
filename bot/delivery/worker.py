"""The outbox worker: sends queued messages, in order per address, recording every outcome.

Rows are claimed with `FOR UPDATE SKIP LOCKED` (PostgreSQL), so several processes can share the
outbox without sending a message twice. A row is marked `sending` before the provider is called:
if the process dies mid-send, at most that one message is sent again after a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.conversation.messages import Reply
from bot.delivery.sender import Delivery, Outcome, Sender
from models import Address, OutboxMessage, OutboxStatus
from models.base import utcnow

log = logging.getLogger("kenesh.delivery")

RETRY_DELAY = timedelta(seconds=30)
STALE_SENDING = timedelta(minutes=2)


class OutboxWorker:
    """Delivers queued messages for the channels it has senders for."""

    def __init__(
        self,
        sessions: async_sessionmaker,
        senders: Sequence[Sender],
        *,
        batch: int = 100,
        idle_seconds: float = 1.0,
        max_attempts: int = 5,
    ) -> None:
        self.sessions = sessions
        self.senders = {sender.channel: sender for sender in senders}
        self.batch = batch
        self.idle_seconds = idle_seconds
        self.max_attempts = max_attempts
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Something was queued: look now instead of at the next idle tick."""
        self._wake.set()

    async def start(self) -> None:
        """Recover rows a dead process left `sending`, then run in the background."""
        await self.recover()
        self._task = asyncio.create_task(self._run(), name="outbox-worker")

    async def stop(self) -> None:
        """Stop after the batch in hand."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def recover(self) -> int:
        """Put back messages left `sending` by a process that died (at most its in-flight ones)."""
        async with self.sessions() as session, session.begin():
            result = await session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.status == OutboxStatus.sending,
                    OutboxMessage.channel.in_(list(self.senders)),
                    OutboxMessage.sent_at.is_(None),
                    OutboxMessage.not_before < utcnow() - STALE_SENDING,
                )
                .values(status=OutboxStatus.queued)
            )
            return result.rowcount or 0

    async def _run(self) -> None:
        while True:
            try:
                sent = await self.run_once()
            except Exception:
                log.exception("outbox batch failed; retrying shortly")
                sent = 0
            if sent:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.idle_seconds)

    async def run_once(self) -> int:
        """Claim one batch and send it; the number of messages handled."""
        claimed = await self._claim()
        if not claimed:
            return 0
        by_address: dict[int | None, list[tuple[OutboxMessage, Address | None]]] = defaultdict(list)
        for message, address in claimed:
            by_address[message.address_id].append((message, address))
        await asyncio.gather(*(self._send_in_order(group) for group in by_address.values()))
        return len(claimed)

    async def _claim(self) -> list[tuple[OutboxMessage, Address | None]]:
        now = utcnow()
        async with self.sessions() as session, session.begin():
            rows = (
                await session.execute(
                    select(OutboxMessage, Address)
                    .outerjoin(Address, OutboxMessage.address_id == Address.id)
                    .where(
                        OutboxMessage.status == OutboxStatus.queued,
                        OutboxMessage.channel.in_(list(self.senders)),
                        or_(OutboxMessage.not_before.is_(None), OutboxMessage.not_before <= now),
                    )
                    .order_by(OutboxMessage.priority, OutboxMessage.id)
                    .limit(self.batch)
                    .with_for_update(of=OutboxMessage, skip_locked=True)
                )
            ).all()
            claimed = []
            for message, address in rows:
                if address is None or address.opted_out or address.unreachable:
                    message.status = OutboxStatus.skipped
                    message.error = (
                        "no address"
                        if address is None
                        else ("opted_out" if address.opted_out else "unreachable")
                    )
                    continue
                message.status = OutboxStatus.sending
                message.attempts += 1
                message.not_before = now  # when it was taken, for recovery after a crash
                claimed.append((message, address))
            return claimed

    async def _send_in_order(self, group: list[tuple[OutboxMessage, Address | None]]) -> None:
        """Send one address's messages one after another; stop at the first that cannot go."""
        for position, (message, address) in enumerate(group):
            assert address is not None
            delivery = await self._send(message, address)
            await self._record(message, address, delivery)
            if delivery.outcome != Outcome.sent:
                rest = [m.id for m, _ in group[position + 1 :]]
                await self._release(rest, unreachable=delivery.outcome == Outcome.unreachable)
                return

    async def _send(self, message: OutboxMessage, address: Address) -> Delivery:
        reply = Reply.from_payload(message.payload) if message.payload else Reply(text=message.body)
        try:
            return await self.senders[message.channel].send(address.value, reply)
        except Exception as error:  # a sender bug must not stop the worker or lose the message
            log.exception("sender %s raised on message %s", message.channel, message.id)
            return Delivery(Outcome.retry, error=f"{type(error).__name__}")

    async def _record(self, message: OutboxMessage, address: Address, delivery: Delivery) -> None:
        async with self.sessions() as session, session.begin():
            values: dict[str, object] = {"error": delivery.error}
            if delivery.outcome == Outcome.sent:
                values |= {
                    "status": OutboxStatus.sent,
                    "provider_id": delivery.provider_id,
                    "sent_at": utcnow(),
                }
            elif delivery.outcome == Outcome.retry and message.attempts < self.max_attempts:
                values |= {"status": OutboxStatus.queued, "not_before": utcnow() + RETRY_DELAY}
            else:
                values |= {"status": OutboxStatus.failed}
            await session.execute(
                update(OutboxMessage).where(OutboxMessage.id == message.id).values(**values)
            )
            if delivery.outcome == Outcome.unreachable:
                await session.execute(
                    update(Address).where(Address.id == address.id).values(unreachable=True)
                )
        if delivery.outcome != Outcome.sent:
            log.warning(
                "message %s on %s: %s (%s)",
                message.id,
                message.channel,
                delivery.outcome,
                delivery.error,
            )

    async def _release(self, ids: list[int], *, unreachable: bool) -> None:
        """Messages behind one that could not go: skipped if the address is unreachable, else
        back to the queue to keep their order."""
        if not ids:
            return
        async with self.sessions() as session, session.begin():
            values = (
                {"status": OutboxStatus.skipped, "error": "unreachable"}
                if unreachable
                else {"status": OutboxStatus.queued, "not_before": utcnow() + RETRY_DELAY}
            )
            await session.execute(
                update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(**values)
            )
