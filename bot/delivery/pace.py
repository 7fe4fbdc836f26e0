"""Pacing sends within a provider's limits: so many messages a second on a channel, and a gap
between two messages to one address (Telegram: one a second per chat).

The channel rate is shared by every process: before sending a batch, the worker reserves its
slots in the database (`windows.reserve`) and `grant`s their start here; this process's slots
then run on from there. Times are wall-clock seconds, comparable across processes.
"""

from __future__ import annotations

import asyncio
import time

# A process that fell behind its slots by less than this (a busy loop, a slow database call)
# sends the missed ones at once to keep the rate: a burst of at most rate × CATCH_UP messages,
# well inside the one second's burst providers tolerate. Further behind, the debt is dropped.
CATCH_UP = 0.25


class Pace:
    """Hands out send slots: at most `rate` a second overall, `per_address` seconds apart for one
    address. Slots are spread evenly rather than burst, so a provider counting per second never
    sees more than the rate."""

    def __init__(self, rate: float | None, per_address: float = 0.0) -> None:
        self.interval = 1.0 / rate if rate else 0.0
        self.per_address = per_address
        self._next_slot = 0.0
        self._last: dict[str, float] = {}

    def grant(self, start: float) -> None:
        """Slots from `start` on were reserved for this process (none before it are free)."""
        self._next_slot = max(self._next_slot, start)

    def pause(self, seconds: float) -> None:
        """The provider said to slow down: no slot for anyone before `seconds` from now."""
        self._next_slot = max(self._next_slot, time.time() + seconds)

    async def wait(self, address: str) -> None:
        """Return when a message may go to `address`."""
        if self.per_address:
            ready = self._last.get(address, float("-inf")) + self.per_address
            if ready > time.time():
                await asyncio.sleep(ready - time.time())
        now = time.time()
        slot = self._next_slot if self._next_slot > now - CATCH_UP else now
        self._next_slot = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)
        if self.per_address:
            self._remember(address, time.time())

    def _remember(self, address: str, when: float) -> None:
        self._last[address] = when
        if len(self._last) > 50_000:  # forget addresses whose gap has long passed
            cutoff = when - self.per_address
            self._last = {a: t for a, t in self._last.items() if t > cutoff}
