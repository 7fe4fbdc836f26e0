"""The outbox worker: sends queued messages, in order per address, recording every outcome.

Rows are claimed with `FOR UPDATE SKIP LOCKED` (PostgreSQL), so several processes can share the
outbox without sending a message twice. A row is marked `sending` before the provider is called:
if the process dies mid-send, at most that one message is sent again after a restart.

Claims are pipelined: the next batch is claimed while the last half of the current one is still
being paced out, so the provider's rate is used without a gap between batches. Each claim
reserves its send slots in the shared `send_windows` row of its channel, so all processes
together stay within the rate.
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

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.conversation.messages import Reply
from bot.delivery.pace import Pace
from bot.delivery.recorder import Recorder
from bot.delivery.sender import Delivery, Outcome, Sender
from bot.delivery.windows import reserve
from bot.metrics import Metrics
from models import Address, OutboxMessage, OutboxStatus
from models.base import utcnow

log = logging.getLogger("kenesh.delivery")


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


RETRY_DELAY = timedelta(seconds=30)  # doubled at each further attempt
MAX_RETRY_DELAY = timedelta(minutes=30)
STALE_SENDING = timedelta(minutes=2)
CLAIM_SECONDS = 0.5  # a claim holds about this much of the channel's rate


def retry_delay(attempts: int) -> timedelta:
    """How long a message waits after its `attempts`-th transient failure."""
    return min(RETRY_DELAY * 2 ** max(attempts - 1, 0), MAX_RETRY_DELAY)


class OutboxWorker:
    """Delivers queued messages for the channels it has senders for."""

    def __init__(
        self,
        sessions: async_sessionmaker,
        senders: Sequence[Sender],
        *,
        batch: int = 500,
        idle_seconds: float = 1.0,
        max_attempts: int = 5,
        linger_seconds: float = 0.01,
        metrics: Metrics | None = None,
        stale: timedelta = STALE_SENDING,
    ) -> None:
        self.sessions = sessions
        self._engine = sessions.kw["bind"]
        self._recorder = Recorder(self._engine)
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
        self._in_flight = 0  # claimed, outcome not yet written
        self._room = asyncio.Event()  # set when in-flight work falls below the low-water mark
        self._chains: dict[int, asyncio.Task[bool]] = {}  # the last group sending per address
        self._groups: set[asyncio.Task[bool]] = set()

    def wake(self) -> None:
        """Something was queued: look now instead of at the next idle tick."""
        self._wake.set()

    async def start(self) -> None:
        """Recover rows a dead process left `sending`, then run in the background."""
        await self.recover()
        self._task = asyncio.create_task(self._run(), name="outbox-worker")

    async def stop(self) -> None:
        """Stop claiming; the messages in hand stay `sending` and are recovered as stale."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        for group in list(self._groups):
            group.cancel()
        await asyncio.gather(*self._groups, return_exceptions=True)

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
        loop = asyncio.get_running_loop()
        recovered_at = loop.time()
        while True:
            if loop.time() - recovered_at > self.stale.total_seconds():
                recovered_at = loop.time()
                with contextlib.suppress(Exception):  # logged below if the database is down
                    await self.recover()
            self._wake.clear()  # before looking: a wake during the batch is not lost
            try:
                claimed = await self._claim()
                if claimed:
                    await self._dispatch(claimed)
            except Exception:
                log.exception("outbox batch failed; retrying shortly")
                claimed = []
            if claimed:
                await self._wait_for_room()
                if len(claimed) < self._claim_size():
                    # a short pause lets a burst gather into one claim instead of many tiny ones
                    await asyncio.sleep(self.linger_seconds)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.idle_seconds)

    async def run_once(self) -> int:
        """Claim one batch and send all of it; the number of messages handled."""
        claimed = await self._claim()
        if claimed:
            await asyncio.gather(*await self._dispatch(claimed))
        return len(claimed)

    async def _wait_for_room(self) -> None:
        """Until at most half a claim is still in flight: then the next claim is due."""
        while self._in_flight > self._claim_size() // 2:
            self._room.clear()
            await self._room.wait()

    async def _dispatch(self, claimed: list[Claimed]) -> list[asyncio.Task[bool]]:
        """Reserve the batch's send slots, then start one task per address (each after the
        address's previous one, so its messages keep their order across batches)."""
        per_channel: dict[str, int] = defaultdict(int)
        for item in claimed:
            per_channel[item.channel] += 1
        for channel, count in per_channel.items():
            pace = self.pace(channel)
            if pace.interval:
                pace.grant(await reserve(self._engine, channel, count, pace.interval))
        by_address: dict[int, list[Claimed]] = defaultdict(list)
        for item in claimed:
            by_address[item.address_id].append(item)
        self._in_flight += len(claimed)
        tasks = []
        for address_id, group in by_address.items():
            task = asyncio.create_task(self._send_in_order(group, self._chains.get(address_id)))
            self._chains[address_id] = task
            self._groups.add(task)
            task.add_done_callback(lambda done, key=address_id: self._forget(key, done))
            tasks.append(task)
        return tasks

    def _forget(self, address_id: int, task: asyncio.Task[bool]) -> None:
        self._groups.discard(task)
        if self._chains.get(address_id) is task:
            del self._chains[address_id]

    def _done(self, count: int) -> None:
        if not count:
            return
        self._in_flight -= count
        if self._in_flight <= self._claim_size() // 2:
            self._room.set()

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

    async def _send_in_order(
        self, group: list[Claimed], previous: asyncio.Task[bool] | None = None
    ) -> bool:
        """Send one address's messages one after another; stop at the first that cannot go.
        Whether all went (the next group for the address waits for this answer)."""
        pending = len(group)
        try:
            if previous is not None and not await _succeeded(previous):
                await self._release([m.id for m in group], skipped=None)
                return False
            for position, message in enumerate(group):
                delivery = await self._send(message)
                await self._record(message, delivery)
                pending -= 1
                self._done(1)
                if delivery.outcome != Outcome.sent:
                    rest = [m.id for m in group[position + 1 :]]
                    blocked = delivery.outcome in (Outcome.unreachable, Outcome.opted_out)
                    await self._release(rest, skipped=str(delivery.outcome) if blocked else None)
                    return False
            return True
        except Exception:  # left `sending`: recovered as stale, never lost
            log.exception("sending to address %s failed", group[0].address_id)
            return False
        finally:
            self._done(pending)

    def _claim_size(self) -> int:
        """About half a second's worth of sends: a live reply queued behind a bulk batch waits
        for the next claim, so a batch must not hold minutes of paced sends."""
        rates = [getattr(s, "rate", None) for s in self.senders.values()]
        if any(rate is None for rate in rates):
            return self.batch
        return max(1, min(self.batch, int(sum(rates) * CLAIM_SECONDS)))  # type: ignore[arg-type]

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
            status, not_before = OutboxStatus.queued, utcnow() + retry_delay(message.attempts)
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


async def _succeeded(task: asyncio.Task[bool]) -> bool:
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        if task.cancelled():
            return False
        raise
