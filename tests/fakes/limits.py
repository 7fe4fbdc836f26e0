"""Rate limits for the fake Bot API and Twilio servers: token buckets that make a send over the
limit answer 429, as the real services do.

A bucket holds up to ``capacity`` tokens, starts full and refills continuously at ``rate`` tokens a
second; a send takes one token from every bucket it passes through, or none when any of them is
short (a throttled send costs nothing, as with the real services). ``SendLimits.check`` answers how
long the sender should wait instead; ``retry_after`` turns that into Telegram's whole seconds.

Policies, per fake (one bot, one Twilio account):

- Telegram (``telegram_limits``): every send passes the overall bucket (``rate`` a second, one
  second's burst), or, with ``allow_paid_broadcast``, the paid one (``paid_rate``; the overall
  bucket when ``paid_rate`` is None); and its chat's bucket (``per_chat`` a second). Telegram
  tolerates short bursts in one chat before answering 429, so a chat's bucket holds
  ``max(PER_CHAT_BURST, per_chat)`` tokens: three quick replies pass, a steady stream does not.
- Twilio (``twilio_limits``): one bucket per sender (``From`` or ``MessagingServiceSid``) at
  ``rate`` a second, one second's burst.

A limit of None means no limit. Capacities are at least one token, so fractional rates (one message
every three seconds: ``1 / 3``) work. A full bucket lets ``capacity + rate`` sends through within
one sliding second (the burst, then the refill): expect that as the stats' ``max_per_second``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Hashable

PER_CHAT_BURST = 3  # quick messages one Telegram chat takes before its steady rate applies
ROUNDING = 1e-9  # tokens lost to float arithmetic: waiting exactly as told must be enough


class TokenBucket:
    """`rate` tokens a second, at most `capacity` of them; full when created (at time `now`)."""

    __slots__ = ("capacity", "rate", "tokens", "updated")

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be positive, not {rate}")
        self.rate, self.capacity = rate, max(1.0, capacity)
        self.tokens, self.updated = self.capacity, now

    def _refill(self, now: float) -> None:
        if now > self.updated:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
            self.updated = now

    def wait(self, now: float) -> float:
        """Seconds from `now` until a token is available (0 if one is)."""
        self._refill(now)
        return 0.0 if self.tokens >= 1 - ROUNDING else (1 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        """Use one token (the caller checked ``wait`` first)."""
        self._refill(now)
        self.tokens -= 1

    def full(self, now: float) -> bool:
        """Whether the bucket is as good as new (so it can be forgotten)."""
        self._refill(now)
        return self.tokens >= self.capacity


class KeyedBuckets:
    """One full-at-first ``TokenBucket`` per key (a chat, a sender number).

    Full buckets are dropped whenever the table has doubled since the last sweep, so a broadcast to
    100,000 recipients keeps only the buckets still refilling, at amortised O(1) per send.
    """

    MIN_SWEEP = 1024

    def __init__(self, rate: float, capacity: float) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be positive, not {rate}")
        self.rate, self.capacity = rate, capacity
        self._buckets: dict[Hashable, TokenBucket] = {}
        self._sweep_at = self.MIN_SWEEP

    def __len__(self) -> int:
        return len(self._buckets)

    def get(self, key: Hashable, now: float) -> TokenBucket:
        """The bucket of `key`, created full if it has none."""
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self._sweep_at:
                self._sweep(now)
            bucket = self._buckets[key] = TokenBucket(self.rate, self.capacity, now)
        return bucket

    def _sweep(self, now: float) -> None:
        self._buckets = {key: b for key, b in self._buckets.items() if not b.full(now)}
        self._sweep_at = max(self.MIN_SWEEP, 2 * len(self._buckets))


class SendLimits:
    """The buckets a send must pass: overall (or paid) and its key's; None ones do not limit.

    ``clock`` is ``time.monotonic``; tests may swap it for a hand-advanced one.
    """

    def __init__(
        self,
        overall: TokenBucket | None = None,
        paid: TokenBucket | None = None,
        per_key: KeyedBuckets | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.overall, self.paid, self.per_key, self.clock = overall, paid, per_key, clock

    def check(self, key: Hashable, *, paid: bool = False) -> float:
        """0 after taking the send's tokens, or the seconds until every bucket has one (none
        taken)."""
        now = self.clock()
        buckets = [self.paid if paid else self.overall]
        if self.per_key is not None:
            buckets.append(self.per_key.get(key, now))
        wait = max(bucket.wait(now) if bucket else 0.0 for bucket in buckets)
        if wait == 0:
            for bucket in buckets:
                if bucket:
                    bucket.take(now)
        return wait


def retry_after(wait: float) -> int:
    """`wait` seconds as Telegram's ``retry_after``: whole seconds, rounded up, at least 1."""
    return max(1, math.ceil(wait))


def telegram_limits(
    rate: float | None = None,
    paid_rate: float | None = None,
    per_chat: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> SendLimits:
    """The Bot API's limits for one bot (see the module docstring)."""
    now = clock()
    overall = TokenBucket(rate, rate, now) if rate is not None else None
    paid = TokenBucket(paid_rate, paid_rate, now) if paid_rate is not None else overall
    chats = KeyedBuckets(per_chat, max(PER_CHAT_BURST, per_chat)) if per_chat is not None else None
    return SendLimits(overall, paid, chats, clock)


def twilio_limits(
    rate: float | None = None, clock: Callable[[], float] = time.monotonic
) -> SendLimits:
    """Twilio's limit per sender (see the module docstring)."""
    return SendLimits(per_key=KeyedBuckets(rate, rate) if rate is not None else None, clock=clock)
