"""Figures kept for a while: a public page that a shared link sends thousands to reads its
heavy figures (the country's totals, a municipality's chart) from here, computed once per
`PUBLIC_CACHE_SECONDS` in this process however many ask at once, not once per request."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

MAX_ENTRIES = 5_000  # past this the oldest are dropped: a crawler of every code cannot fill memory


class Memo:
    """Values by key, each recomputed when older than `seconds`; one computation at a time per
    key (the others wait for it, then share it)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._values: dict[Hashable, tuple[float, Any]] = {}
        self._locks: dict[Hashable, asyncio.Lock] = {}

    async def get(self, key: Hashable, compute: Callable[[], Awaitable[Any]]) -> Any:
        """The value of `key`, computed by `compute()` if missing or stale."""
        found = self._fresh(key)
        if found is not None:
            return found[1]
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            found = self._fresh(key)
            if found is not None:
                return found[1]
            value = await compute()
            if len(self._values) >= MAX_ENTRIES:
                oldest = min(self._values, key=lambda k: self._values[k][0])
                del self._values[oldest]
                self._locks.pop(oldest, None)
            self._values[key] = (self.clock(), value)
            return value

    def _fresh(self, key: Hashable) -> tuple[float, Any] | None:
        found = self._values.get(key)
        if found is not None and self.clock() - found[0] < self.seconds:
            return found
        return None
