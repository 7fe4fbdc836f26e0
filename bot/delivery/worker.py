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
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.conversation.messages import Reply
from bot.delivery.pace import Pace
from bot.delivery.sender import Delivery, Outcome, Sender
from bot.metrics import Metrics
from models import Address, OutboxMessage, OutboxStatus
from models.base import UTCDateTime, utcnow

log = logging.getLogger("kenesh.delivery")

_outbox = OutboxMessage.__table__
_addresses = Address.__table__
# Built once: these run for every message sent.
RECORD = (
    _outbox.update()
    .where(_outbox.c.id == bindparam("message_id"))
    .values(
        status=bindparam("status"),
        error=bindparam("error"),
        provider_id=bindparam("provider_id"),
        sent_at=bindparam("sent_at"),
        not_before=func.coalesce(
            bindparam("not_before", type_=UTCDateTime()), _outbox.c.not_before
        ),
    )
)
BLOCK = {
    Outcome.unreachable: _addresses.update()
    .where(_addresses.c.id == bindparam("address_id"))
    .values(unreachable=True),
    # the one source of truth every sender respects: nothing more goes there until START
    Outcome.opted_out: _addresses.update()
    .where(_addresses.c.id == bindparam("address_id"))
    .values(opted_out=True),
}


@dataclass(frozen=True, slots=True)
class Claimed:
    """A message taken for sending, with the address it goes to."""

    id: int
    channel: str
    body: str
    payload: dict[str, Any] | None
    attempts: int
    address_id: int
    address: str


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
        linger_seconds: float = 0.01,
        metrics: Metrics | None = None,
        stale: timedelta = STALE_SENDING,
    ) -> None:
        self.sessions = sessions
        self._recorder = _Recorder(sessions.kw["bind"])
        self.senders = {sender.channel: sender for sender in senders}
        self._paces: dict[str, Pace] = {}
        self.batch = batch
        self.idle_seconds = idle_seconds
        self.max_attempts = max_attempts
        self.linger_seconds = linger_seconds
        self.metrics = metrics or Metrics()
        # a message `sending` for longer than this was taken by a process that died
        self.stale = stale
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
        """Put back messages left `sending` for too long: by a process that died (at most its
        in-flight ones), or whose outcome could not be written."""
        async with self.sessions() as session, session.begin():
            result = await session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.status == OutboxStatus.sending,
                    OutboxMessage.channel.in_(list(self.senders)),
                    OutboxMessage.sent_at.is_(None),
                    OutboxMessage.not_before < utcnow() - self.stale,
                )
                .values(status=OutboxStatus.queued)
            )
            return result.rowcount or 0

    async def _run(self) -> None:
        recovered_at = asyncio.get_running_loop().time()
        while True:
            if asyncio.get_running_loop().time() - recovered_at > self.stale.total_seconds():
                recovered_at = asyncio.get_running_loop().time()
                with contextlib.suppress(Exception):  # logged below if the database is down
                    await self.recover()
            self._wake.clear()  # before looking: a wake during the batch is not lost
            try:
                sent = await self.run_once()
            except Exception:
                log.exception("outbox batch failed; retrying shortly")
                sent = 0
            if sent:
                if sent < self.batch:
                    # a short pause lets a burst gather into one claim instead of many tiny ones
                    await asyncio.sleep(self.linger_seconds)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.idle_seconds)

    async def run_once(self) -> int:
        """Claim one batch and send it; the number of messages handled."""
        claimed = await self._claim()
        if not claimed:
            return 0
        by_address: dict[int, list[Claimed]] = defaultdict(list)
        for item in claimed:
            by_address[item.address_id].append(item)
        await asyncio.gather(*(self._send_in_order(group) for group in by_address.values()))
        return len(claimed)

    async def _claim(self) -> list[Claimed]:
        """Take a batch of due messages: `sending` now, so no other worker takes them."""
        now = utcnow()
        outbox, addresses = OutboxMessage.__table__, Address.__table__
        async with self.sessions() as session, session.begin():
            rows = (
                await session.execute(
                    select(
                        outbox.c.id,
                        outbox.c.channel,
                        outbox.c.body,
                        outbox.c.payload,
                        outbox.c.attempts,
                        addresses.c.id.label("address_id"),
                        addresses.c.value,
                        addresses.c.opted_out,
                        addresses.c.unreachable,
                    )
                    .select_from(outbox.outerjoin(addresses, outbox.c.address_id == addresses.c.id))
                    .where(
                        outbox.c.status == OutboxStatus.queued.value,
                        outbox.c.channel.in_(list(self.senders)),
                        or_(outbox.c.not_before.is_(None), outbox.c.not_before <= now),
                    )
                    .order_by(outbox.c.priority, outbox.c.id)
                    .limit(self._claim_size())
                    .with_for_update(of=outbox, skip_locked=True)
                )
            ).all()
            claimed, skipped = [], defaultdict(list)
            for row in rows:
                if row.address_id is None or row.opted_out or row.unreachable:
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
                            row.body,
                            row.payload,
                            row.attempts + 1,
                            row.address_id,
                            row.value,
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
                    )
                )
            return claimed

    async def _send_in_order(self, group: list[Claimed]) -> None:
        """Send one address's messages one after another; stop at the first that cannot go."""
        for position, message in enumerate(group):
            delivery = await self._send(message)
            await self._record(message, delivery)
            if delivery.outcome != Outcome.sent:
                rest = [m.id for m in group[position + 1 :]]
                blocked = delivery.outcome in (Outcome.unreachable, Outcome.opted_out)
                await self._release(rest, skipped=str(delivery.outcome) if blocked else None)
                return

    def _claim_size(self) -> int:
        """About a second's worth of sends: a live reply queued behind a bulk batch waits for
        the next claim, so a batch must not hold minutes of paced sends."""
        rates = [getattr(s, "rate", None) for s in self.senders.values()]
        if any(rate is None for rate in rates):
            return self.batch
        return max(1, min(self.batch, int(sum(rates))))  # type: ignore[arg-type]

    def pace(self, channel: str) -> Pace:
        """The pacing of `channel`, as its sender declares it."""
        if channel not in self._paces:
            sender = self.senders[channel]
            self._paces[channel] = Pace(
                getattr(sender, "rate", None), getattr(sender, "per_address_interval", 0.0)
            )
        return self._paces[channel]

    async def _send(self, message: Claimed) -> Delivery:
        reply = Reply.from_payload(message.payload) if message.payload else Reply(text=message.body)
        await self.pace(message.channel).wait(message.address)
        try:
            return await self.senders[message.channel].send(message.address, reply)
        except Exception as error:  # a sender bug must not stop the worker or lose the message
            log.exception("sender %s raised on message %s", message.channel, message.id)
            return Delivery(Outcome.retry, error=f"{type(error).__name__}")

    async def _record(self, message: Claimed, delivery: Delivery) -> None:
        """Committed right after the send, before the next message to that address goes: a
        crash can repeat at most the messages in flight (one per address)."""
        if delivery.outcome == Outcome.sent:
            status, not_before = OutboxStatus.sent, None
        elif delivery.outcome == Outcome.retry and message.attempts < self.max_attempts:
            status, not_before = OutboxStatus.queued, utcnow() + RETRY_DELAY
        else:
            status, not_before = OutboxStatus.failed, None
        params = {
            "message_id": message.id,
            "status": status.value,
            "error": delivery.error,
            "provider_id": delivery.provider_id,
            "sent_at": utcnow() if status == OutboxStatus.sent else None,
            "not_before": not_before,
        }
        blocks = delivery.outcome in (Outcome.unreachable, Outcome.opted_out)
        await self._recorder.record(
            params, (message.address_id, delivery.outcome) if blocks else None
        )
        if delivery.outcome == Outcome.sent:
            self.metrics.sent.labels(channel=message.channel).inc()
        else:
            reason = str(delivery.outcome)
            self.metrics.failed.labels(channel=message.channel, reason=reason).inc()
            log.warning(
                "message %s on %s: %s (%s)",
                message.id,
                message.channel,
                delivery.outcome,
                delivery.error,
            )

    async def _release(self, ids: list[int], *, skipped: str | None) -> None:
        """Messages behind one that could not go: skipped (with the reason) when the address can
        no longer receive, else back to the queue to keep their order."""
        if not ids:
            return
        async with self.sessions() as session, session.begin():
            values = (
                {"status": OutboxStatus.skipped.value, "error": skipped}
                if skipped
                else {"status": OutboxStatus.queued.value, "not_before": utcnow() + RETRY_DELAY}
            )
            outbox = OutboxMessage.__table__
            await session.execute(outbox.update().where(outbox.c.id.in_(ids)).values(**values))


class _Recorder:
    """Group commit for send outcomes: outcomes that arrive while one write is in progress are
    written together in the next, each caller waiting until its own outcome is durable."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self._waiting: list[
            tuple[dict[str, Any], tuple[int, Outcome] | None, asyncio.Future[None]]
        ] = []
        self._running: asyncio.Task[None] | None = None

    async def record(self, params: dict[str, Any], block: tuple[int, Outcome] | None) -> None:
        """Write one outcome (and block its address, if it says so); return once durable."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((params, block, done))
        if self._running is None or self._running.done():
            self._running = asyncio.create_task(self._drain())
        await done

    async def _drain(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                async with self.engine.begin() as connection:
                    await connection.execute(RECORD, [params for params, _, _ in batch])
                    for _, block, _ in batch:
                        if block is not None:
                            address_id, outcome = block
                            await connection.execute(BLOCK[outcome], {"address_id": address_id})
            except Exception as error:
                for _, _, done in batch:
                    if not done.done():
                        done.set_exception(error)
                continue
            for _, _, done in batch:
                if not done.done():
                    done.set_result(None)
