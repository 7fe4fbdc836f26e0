"""A per-client limit on public pages: a token bucket per address, so a person reading page
after page is never stopped, while a script fetching hundreds a minute is told to wait (429)
before it slows the bot that shares the process and the database."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

MAX_CLIENTS = 10_000  # buckets kept; past this, the full ones (idle clients) are forgotten


class RateLimit:
    """`per_minute` requests a minute per client, up to that many at once."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.refill = per_minute / 60.0  # tokens a second
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # client → (tokens, when)

    def take(self, client: str) -> int:
        """0 when `client` may go on (one request counted), else the seconds to wait."""
        now = self.clock()
        tokens, when = self._buckets.get(client, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - when) * self.refill)
        if tokens < 1:
            self._buckets[client] = (tokens, now)
            return max(1, math.ceil((1 - tokens) / self.refill))
        self._buckets[client] = (tokens - 1, now)
        if len(self._buckets) > MAX_CLIENTS:
            self._forget_idle(now)
        return 0

    def _forget_idle(self, now: float) -> None:
        full = [
            client
            for client, (tokens, when) in self._buckets.items()
            if tokens + (now - when) * self.refill >= self.capacity
        ]
        for client in full:
            del self._buckets[client]
