"""The outbox worker: sends queued messages, in order per address, recording every outcome.

Rows are claimed with `FOR UPDATE SKIP LOCKED` (PostgreSQL), so several processes can share the
outbox without sending a message twice. A row is marked `sending` before the provider is called:
if the process dies mid-send, at most that one message is sent again after a restart.

A claim is a lease (`lease_until`): the process renews it every third of the lease for as long as
it holds the messages (pacing, a 429's wait, a provider hanging), so only the rows of a process
that stopped renewing — it died, or gave up on them after an error — go back to the queue. A live
process's slow send is never taken and sent again by another.

Each channel has its own lane — each route, where a channel has several (Twilio and every SMS
gateway phone): its own claims, sized to half a second of its rate, so a slow channel (SMS at 1
a second) or a phone that went offline never holds back another. Claims are pipelined: the next batch is
claimed while the last half of the current one is still being paced out, so the provider's rate
is used without a gap between batches. Every request to a provider, retries included, takes a
slot from its channel's `Pace`, reserved in the shared `send_windows` row, so all processes
together stay within the rate.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from functools import partial

from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.conversation.messages import Reply
from bot.delivery.blocks import RecentBlocks
from bot.delivery.claim import Claimed, claim
from bot.delivery.elsewhere import MOVED, send_elsewhere
from bot.delivery.leases import LeaseKeeper
from bot.delivery.pace import Pace
from bot.delivery.quiet import QuietHours
from bot.delivery.recorder import Recorder
from bot.delivery.retries import after, retry_delay
from bot.delivery.sender import Delivery, Outcome, Sender, lane_of
from bot.delivery.windows import hold, reserve
from bot.metrics import Metrics
from bot.phones import mask_phones
from models import OutboxMessage, OutboxStatus
from models.base import utcnow

log = logging.getLogger("kenesh.delivery")


class _Lane:
    """One channel's claiming state."""

    def __init__(self) -> None:
        self.in_flight = 0  # claimed, outcome not yet written
        self.room = asyncio.Event()  # set when in-flight work falls to the low-water mark
        self.wake = asyncio.Event()


LEASE = timedelta(minutes=2)  # OUTBOX_STALE_SECONDS
CLAIM_SECONDS = 0.5  # a claim holds about this much of the channel's rate
STOP_GRACE = 5.0  # seconds a lane may take to end its claim when stopped, before it is cancelled
RATE_LIMITED_TRIES = 4  # sends of one message through a provider's rate-limit answers


class OutboxWorker(LeaseKeeper):
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
        lease: timedelta = LEASE,
        quiet: QuietHours | None = None,
    ) -> None:
        self.sessions = sessions
        self._engine = sessions.kw["bind"]
        self._recorder = Recorder(self._engine)
        self.senders = {lane_of(sender): sender for sender in senders}  # by lane
        self._paces: dict[str, Pace] = {}
        self.batch = batch
        self.idle_seconds = idle_seconds
        self.max_attempts = max_attempts
        self.linger_seconds = linger_seconds
        self.metrics = metrics or Metrics()
        # how long a claim holds unless renewed: past it, its process stopped working on it
        self.lease = lease
        self._held: set[int] = set()  # claimed by this worker, outcome not yet written
        self._claimed_at: dict[int, float] = {}  # held messages: when their claim read the address
        self._blocks = RecentBlocks()  # addresses blocked since a claim in hand was taken
        self.quiet = quiet  # QUIET_HOURS: bulk waits while they last
        self._lanes: dict[str, _Lane] = defaultdict(_Lane)
        self._task: asyncio.Task[None] | None = None
        self._stopping = False  # stop() asked the lanes to end between two claims
        self._chains: dict[int, asyncio.Task[bool]] = {}  # the last group sending per address
        self._groups: set[asyncio.Task[bool]] = set()

    def channels(self) -> set[str]:
        """The channels this worker sends on (a message moved elsewhere must go on one)."""
        return {sender.channel for sender in self.senders.values()}

    def wake(self) -> None:
        """Something was queued: look now instead of at the next idle tick."""
        for lane in self.senders:
            self._lanes[lane].wake.set()

    async def start(self) -> None:
        """Recover rows a dead process left `sending`, then run in the background."""
        await self.recover()
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="outbox-worker")

    async def stop(self) -> None:
        """Stop claiming and renewing; the messages in hand stay `sending` and are recovered
        once their lease runs out.

        Each lane is asked to stop between two claims, and only cancelled if it does not
        within STOP_GRACE: a claim cancelled while SQLite's connection thread still waits for
        the write lock would take the lock after all and keep it, on a connection no one closes."""
        if self._task is not None:
            self._stopping = True
            for lane in self._lanes.values():
                lane.wake.set()
                lane.room.set()
            done, _ = await asyncio.wait({self._task}, timeout=STOP_GRACE)
            if not done:
                self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        for group in list(self._groups):
            group.cancel()
        await asyncio.gather(*self._groups, return_exceptions=True)

    async def _run(self) -> None:
        # named, so a test can tell that one of them outlived its worker (tests/conftest.py)
        parts = [
            asyncio.create_task(self._renew_now_and_then(), name="outbox-worker renew"),
            asyncio.create_task(self._recover_now_and_then(), name="outbox-worker recover"),
            *(
                asyncio.create_task(self._run_lane(lane), name=f"outbox-worker {lane}")
                for lane in self.senders
            ),
        ]
        try:
            await asyncio.gather(*parts[2:])  # the lanes, until they stop
        finally:
            for part in parts:
                part.cancel()
            await asyncio.gather(*parts, return_exceptions=True)

    async def _claim(self, key: str) -> list[Claimed]:
        """One claim for lane `key`, once its sender has prepared (nothing when it cannot send),
        held (its lease renewed) until each outcome is written."""
        sender = self.senders[key]
        prepare = getattr(sender, "prepare", None)
        ready = True if prepare is None else await prepare(self._engine)
        if not ready:
            return []
        size = self._claim_size(key) if ready is True else min(int(ready), self._claim_size(key))
        route = getattr(sender, "route", None)
        quiet = self.quiet is not None and self.quiet.now()
        looked = self._blocks.now()
        claimed = await claim(self.sessions, sender.channel, size, self.lease, route, quiet)
        self._held.update(message.id for message in claimed)
        self._claimed_at.update((message.id, looked) for message in claimed)
        return claimed

    async def _run_lane(self, channel: str) -> None:
        lane = self._lanes[channel]
        while not self._stopping:
            lane.wake.clear()  # before looking: a wake during the batch is not lost
            try:
                claimed = await self._claim(channel)
                if claimed:
                    await self._dispatch(claimed)
            except Exception:
                log.exception("outbox batch on %s failed; retrying shortly", channel)
                claimed = []
            if claimed:
                await self._wait_for_room(channel)
                if len(claimed) < self._claim_size(channel):
                    # a short pause lets a burst gather into one claim instead of many tiny ones
                    await asyncio.sleep(self.linger_seconds)
                continue
            # not asyncio.wait_for: on Python 3.11 it swallows a cancel that comes as the wake
            # does, and the lane would go on claiming after stop()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.idle_seconds):
                    await lane.wake.wait()

    async def run_once(self) -> int:
        """Claim one batch per channel and send all of it; the number of messages handled."""
        claimed = []
        for lane in self.senders:
            claimed += await self._claim(lane)
        if claimed:
            await asyncio.gather(*await self._dispatch(claimed))
        return len(claimed)

    async def _wait_for_room(self, channel: str) -> None:
        """Until at most half a claim is still in flight: then the next claim is due."""
        lane = self._lanes[channel]
        while lane.in_flight > self._claim_size(channel) // 2 and not self._stopping:
            lane.room.clear()
            await lane.room.wait()

    async def _dispatch(self, claimed: list[Claimed]) -> list[asyncio.Task[bool]]:
        """Start one task per address (each after the address's previous one, so its messages
        keep their order across batches)."""
        per_channel: dict[str, int] = defaultdict(int)  # per lane
        for item in claimed:
            per_channel[item.lane] += 1
        by_address: dict[int, list[Claimed]] = defaultdict(list)
        for item in claimed:
            by_address[item.address_id].append(item)
        for channel, count in per_channel.items():
            self._lanes[channel].in_flight += count
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

    def _done(self, channel: str, count: int) -> None:
        if not count:
            return
        lane = self._lanes[channel]
        lane.in_flight -= count
        if lane.in_flight <= self._claim_size(channel) // 2:
            lane.room.set()

    async def _send_in_order(
        self, group: list[Claimed], previous: asyncio.Task[bool] | None = None
    ) -> bool:
        """Send one address's messages one after another; stop at the first that cannot go.
        Whether all went (the next group for the address waits for this answer)."""
        pending = len(group)
        try:
            if previous is not None and not await _succeeded(previous):
                # skipped if the previous found the address blocked, else back to the queue
                await self._release([m.id for m in group], skipped=self._blocked(group[0]))
                return False
            for position, message in enumerate(group):
                stale = self._blocked(message)
                if stale:  # blocked by a send after this claim read the address
                    await self._release([m.id for m in group[position:]], skipped=stale)
                    return False
                delivery = await self._send(message)
                await self._record(message, delivery)
                self._held.discard(message.id)
                pending -= 1
                self._done(message.lane, 1)
                if delivery.outcome not in (Outcome.sent, Outcome.elsewhere, Outcome.later):
                    rest = [m.id for m in group[position + 1 :]]
                    blocked = delivery.outcome in (Outcome.unreachable, Outcome.opted_out)
                    await self._release(rest, skipped=str(delivery.outcome) if blocked else None)
                    return False
            return True
        except Exception:  # left `sending`, no longer renewed: recovered, never lost
            log.exception("sending to address %s failed", group[0].address_id)
            return False
        finally:
            self._held.difference_update(message.id for message in group)
            for message in group:
                self._claimed_at.pop(message.id, None)
            self._done(group[0].lane, pending)

    def _blocked(self, message: Claimed) -> str | None:
        """Why `message` must not go: its address was blocked after its claim read it."""
        claimed_at = self._claimed_at.get(message.id, 0.0)
        return self._blocks.stale(message.address_id, claimed_at, message.kind)

    def _claim_size(self, channel: str) -> int:
        """About half a second's worth of the channel's sends: a live reply queued behind a bulk
        batch waits for the next claim, so a batch must not hold minutes of paced sends."""
        rate = getattr(self.senders[channel], "rate", None)
        if rate is None:
            return self.batch
        return max(1, min(self.batch, int(rate * CLAIM_SECONDS)))

    def pace(self, channel: str) -> Pace:
        """The pacing of `channel`, as its sender declares it."""
        if channel not in self._paces:
            sender = self.senders[channel]
            self._paces[channel] = Pace(
                getattr(sender, "rate", None),
                getattr(sender, "per_address_interval", 0.0),
                reserve=partial(reserve, self._engine, channel),
                hold=partial(hold, self._engine, channel),
            )
        return self._paces[channel]

    async def _send(self, message: Claimed) -> Delivery:
        reply = Reply.from_payload(message.payload) if message.payload else Reply(text=message.body)
        pace = self.pace(message.lane)
        sender = self.senders[message.lane]
        gate = pace.gate(message.address)
        send_claimed = getattr(sender, "send_claimed", None)
        for _ in range(RATE_LIMITED_TRIES):
            try:
                if send_claimed is not None:
                    await gate.next()
                    delivery = await send_claimed(message, reply)
                else:  # the sender takes a slot for each of its requests, retries included
                    delivery = await sender.send(message.address, reply, gate)
            except Exception as error:  # a sender bug must not stop the worker or lose the message
                log.exception("sender %s raised on message %s", message.channel, message.id)
                return Delivery(Outcome.retry, error=f"{type(error).__name__}")
            if delivery.outcome != Outcome.retry or delivery.retry_after is None:
                return delivery
            # a rate limit: the whole lane holds, and this message waits its turn again
            await pace.throttled(delivery.retry_after)
        return delivery

    async def _record(self, message: Claimed, delivery: Delivery) -> None:
        """Committed right after the send, before the next message to that address goes: a
        crash can repeat at most the messages in flight (one per address)."""
        if delivery.outcome == Outcome.elsewhere:
            async with self.sessions() as session, session.begin():
                where = await send_elsewhere(session, message, self.channels())
            self.metrics.failed.labels(channel=message.channel, reason=where).inc()
            log.info(
                "message %s on %s: %s (%s)", message.id, message.channel, where, delivery.error
            )
            if where == MOVED:
                self.wake()
            return
        status, not_before, attempts = after(message.attempts, delivery, self.max_attempts)
        params = {
            "message_id": message.id,
            "status": status.value,
            "error": delivery.error,
            "provider_id": delivery.provider_id,
            "sent_at": utcnow() if status == OutboxStatus.sent else None,
            "not_before": not_before,
            "attempts": attempts,
            "template": delivery.template,
        }
        blocks = delivery.outcome in (Outcome.unreachable, Outcome.opted_out)
        await self._recorder.record(
            params, (message.address_id, delivery.outcome) if blocks else None
        )
        if blocks:
            oldest = min(self._claimed_at.values(), default=None)
            self._blocks.note(message.address_id, str(delivery.outcome), oldest)
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
                mask_phones(delivery.error),  # providers quote the number they refused
            )

    async def _release(self, ids: list[int], *, skipped: str | None) -> None:
        """Messages behind one that could not go: skipped (with the reason) when the address can
        no longer receive, else back to the queue to keep their order."""
        if not ids:
            return
        self._held.difference_update(ids)
        async with self.sessions() as session, session.begin():
            values = (
                {"status": OutboxStatus.skipped.value, "error": skipped}
                if skipped
                else {"status": OutboxStatus.queued.value, "not_before": utcnow() + retry_delay(1)}
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
