"""Pacing sends within a provider's limits, exactly: never more than the rate in any sliding
second on a channel, and a gap between two messages to one address (Telegram: one a second per
chat). Every request a sender makes, a retry included, first takes a slot here.

Slots are spread evenly, `(1 + SAFETY) / rate` apart, and reserved half a second at a time
(`reserve`: in the shared `send_windows` row, so every process together keeps to the rate). A
request never goes before its slot. A process that fell behind (a busy loop, a slow database call)
may still use a slot up to `LATE` seconds after its time, but never more than the rate's worth in
any `1 + SAFETY` seconds of its own sends (a ring of its last sends says when the next may go), so
catching up never bursts; slots missed by more than `LATE` are dropped, not crammed into the time
of the next process's slots. SAFETY leaves the provider, which counts arrivals that jitter by a
few milliseconds, a margin.

A 429 says the limit is lower than we thought: the whole channel pauses for `retry_after` (here and,
through `hold`, in every process), and this process's rate drops by `SLOWDOWN`, recovering over
`RECOVERY` seconds without another 429.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

SAFETY = 0.02  # seconds added to each second's worth of slots and to the per-address gap
LATE = 0.25  # a slot missed by more than this is dropped
CHUNK_SECONDS = 0.5  # slots reserved at a time, in seconds of the rate (the next one at half)
SLOWDOWN = 0.97  # a 429 lowers the rate to this share of what it was
FLOOR = 0.5  # never below this share of the configured rate
RECOVERY = 30.0  # seconds without a 429 to climb back to the configured rate

# (count, interval, not_before) -> the first slot's time (Unix seconds)
Reserve = Callable[[int, float, float], Awaitable[float]]
Hold = Callable[[float], Awaitable[None]]  # (until): nobody sends on the channel before then


class Pace:
    """Hands out send slots on one channel: at most `rate` in any second, `per_address` seconds
    apart for one address. Without `reserve` the slots are this process's alone."""

    def __init__(
        self,
        rate: float | None,
        per_address: float = 0.0,
        *,
        reserve: Reserve | None = None,
        hold: Hold | None = None,
    ) -> None:
        self.configured = rate
        self.per_address = per_address + SAFETY if per_address else 0.0
        self._reserve = reserve or self._reserve_here
        self._hold = hold
        self._slots: deque[float] = deque()  # reserved, not yet taken, in time order
        self._next_here = 0.0  # for _reserve_here
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._dispenser: asyncio.Task[None] | None = None
        self._refilling: asyncio.Task[None] | None = None
        self._last: dict[str, float] = {}
        self._sent: deque[float] = deque()  # this process's latest sends, for the ring guard
        self.hold_until = 0.0
        self.throttled_times = 0  # 429 events (several 429s of one burst count once)
        self._lowered: float | None = None  # the rate right after the last 429
        self._lowered_at = 0.0

    @property
    def rate(self) -> float | None:
        """The rate in force: the configured one, or less for a while after a 429."""
        if self.configured is None or self._lowered is None:
            return self.configured
        climbed = (time.time() - self._lowered_at) / RECOVERY
        if climbed >= 1:
            self._lowered = None
            return self.configured
        return self._lowered + (self.configured - self._lowered) * climbed

    @property
    def interval(self) -> float:
        """Seconds between two slots (0: no channel limit)."""
        rate = self.rate
        return (1 + SAFETY) / rate if rate else 0.0

    def gate(self, address: str) -> AddressGate:
        """What a sender waits on before each request to `address`."""
        return AddressGate(self, address)

    async def wait(self, address: str) -> None:
        """Return when a request may go to `address` (its slot is taken). Waiters get slots in
        the order they asked, each when its slot comes."""
        if self.per_address:
            ready = self._last.get(address, -math.inf) + self.per_address
            while (delay := max(ready, self.hold_until) - time.time()) > 0:  # noqa: ASYNC110
                await asyncio.sleep(delay)  # (a 429 may push hold_until on meanwhile)
        if self.configured:
            turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(turn)
            if self._dispenser is None or self._dispenser.done():
                self._dispenser = asyncio.create_task(self._dispense())
            await turn
        if self.per_address:
            self._remember(address, time.time())

    async def _dispense(self) -> None:
        """Hand each slot, at its time, to the longest waiting request."""
        try:
            await self._hand_out()
        except Exception as error:  # no slots to be had (the database is down): say so to all
            while self._waiters:
                turn = self._waiters.popleft()
                if not turn.done():
                    turn.set_exception(error)

    async def _hand_out(self) -> None:
        waiters = self._waiters
        while waiters:
            slot = await self._take()
            while (delay := max(slot, self._ring_free()) - time.time()) > 0:  # noqa: ASYNC110
                await asyncio.sleep(delay)  # (the loop may wake a hair early: sleep again)
            now = time.time()
            if slot < self.hold_until or now - slot > LATE:
                continue  # a 429 came meanwhile, or this loop woke too late: the slot is gone
            while waiters:
                turn = waiters.popleft()
                if not turn.done():  # (a cancelled waiter leaves its turn done)
                    turn.set_result(None)
                    self._sent.append(now)
                    break

    def _ring_free(self) -> float:
        """When this process may send again without its last second's worth of sends and the
        next one falling within `1 + SAFETY` seconds (for rates of 1 and more)."""
        rate = self.rate or 1.0
        limit = max(1, math.floor(rate))  # sends in `limit / rate` seconds: a second at rate >= 1
        sent = self._sent
        while len(sent) > limit:
            sent.popleft()
        return sent[0] + limit / rate + SAFETY if len(sent) == limit else 0.0

    async def throttled(self, seconds: float) -> None:
        """The provider answered 429 with `retry_after=seconds`: hold the whole channel, and
        lower the rate (once per burst of 429s)."""
        now = time.time()
        until = now + seconds
        if now >= self.hold_until and self.configured:
            self.throttled_times += 1
            rate = self.rate or self.configured
            self._lowered = max(self.configured * FLOOR, rate * SLOWDOWN)
            self._lowered_at = now
        if until <= self.hold_until:
            return
        self.hold_until = until
        while self._slots and self._slots[0] < until:
            self._slots.popleft()
        if self._hold is not None:
            await self._hold(until)

    async def _take(self) -> float:
        """The next slot that can still be used on time. The next reservation is made while
        half of the last one is left, so the slots run on without a gap."""
        slots = self._slots
        while True:
            cutoff = max(time.time() - LATE, self.hold_until)
            while slots and slots[0] < cutoff:
                slots.popleft()  # missed: dropped, never sent late
            if slots:
                slot = slots.popleft()
                if len(slots) < self._chunk() // 2 and len(self._waiters) > len(slots) + 1:
                    self._refill()
                return slot
            await self._refill()

    def _chunk(self) -> int:
        return max(1, math.ceil((self.rate or 1.0) * CHUNK_SECONDS))

    def _refill(self) -> asyncio.Task[None]:
        """The reservation under way, or a new one."""
        if self._refilling is None or self._refilling.done():
            self._refilling = asyncio.create_task(self._reserve_chunk())
        return self._refilling

    async def _reserve_chunk(self) -> None:
        count, interval = self._chunk(), self.interval
        start = await self._reserve(count, interval, self.hold_until)
        self._slots.extend(start + i * interval for i in range(count))

    async def _reserve_here(self, count: int, interval: float, not_before: float) -> float:
        start = max(time.time(), self._next_here, not_before)
        self._next_here = start + count * interval
        return start

    def _remember(self, address: str, when: float) -> None:
        self._last[address] = when
        if len(self._last) > 50_000:  # forget addresses whose gap has long passed
            cutoff = when - self.per_address
            self._last = {a: t for a, t in self._last.items() if t > cutoff}


@dataclass(frozen=True, slots=True)
class AddressGate:
    """A `Pace` seen by a sender sending to one address (see `bot.delivery.sender.Gate`)."""

    pace: Pace
    address: str

    async def next(self) -> None:
        """Wait for the next slot for this address."""
        await self.pace.wait(self.address)

    def _ring_free(self) -> float:
        """When this process may send again without its last second's worth of sends and the
        next one falling within `1 + SAFETY` seconds (for rates of 1 and more)."""
        rate = self.rate or 1.0
        limit = max(1, math.floor(rate))  # sends in `limit / rate` seconds: a second at rate >= 1
        sent = self._sent
        while len(sent) > limit:
            sent.popleft()
        return sent[0] + limit / rate + SAFETY if len(sent) == limit else 0.0

    async def throttled(self, seconds: float) -> None:
        """The provider answered 429: the whole channel waits `seconds`."""
        await self.pace.throttled(seconds)
