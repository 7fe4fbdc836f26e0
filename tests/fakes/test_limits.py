"""Token buckets and the Telegram and Twilio policies built from them, on a hand-advanced clock."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.fakes.limits import (
    PER_CHAT_BURST,
    KeyedBuckets,
    TokenBucket,
    retry_after,
    telegram_limits,
    twilio_limits,
)


class Clock:
    """A clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def passed(check: Callable[[], float], count: int) -> int:
    """How many of `count` calls of `check()` were let through (answered no wait)."""
    return sum(not check() for _ in range(count))


def test_bucket_bursts_its_capacity_then_refills_continuously() -> None:
    bucket = TokenBucket(rate=4, capacity=4, now=0.0)
    for _ in range(4):
        assert bucket.wait(0.0) == 0
        bucket.take(0.0)

    assert bucket.wait(0.0) == pytest.approx(0.25)
    assert bucket.wait(0.1) == pytest.approx(0.15)
    assert bucket.wait(0.25) == 0
    assert not bucket.full(0.25) and bucket.full(1.0)
    assert bucket.wait(60.0) == 0 and bucket.tokens == 4  # never above capacity


def test_fractional_rates_still_hold_one_token() -> None:
    bucket = TokenBucket(rate=0.5, capacity=0.5, now=0.0)
    bucket.take(0.0)
    assert bucket.wait(0.0) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="positive"):
        TokenBucket(rate=0, capacity=1, now=0.0)


@pytest.mark.parametrize(
    ("wait", "seconds"), [(0.001, 1), (0.5, 1), (1.0, 1), (1.01, 2), (3.99, 4)]
)
def test_retry_after_is_whole_seconds_rounded_up(wait: float, seconds: int) -> None:
    assert retry_after(wait) == seconds


def test_telegram_overall_rate_and_retry() -> None:
    clock = Clock()
    limits = telegram_limits(rate=30, clock=clock)

    assert passed(lambda: limits.check(1), 35) == 30  # one second's burst
    assert limits.check(2) == pytest.approx(1 / 30)
    clock.now += 1 / 30
    assert limits.check(3) == 0


def test_telegram_paid_bucket_and_its_fallback() -> None:
    clock = Clock()
    limits = telegram_limits(rate=1, paid_rate=10, clock=clock)
    assert passed(lambda: limits.check(1), 3) == 1
    assert passed(lambda: limits.check(1, paid=True), 15) == 10

    shared = telegram_limits(rate=2, clock=clock)  # no paid_rate: paid sends count against rate
    assert passed(lambda: shared.check(1, paid=True), 2) == 2
    assert shared.check(1) > 0

    assert telegram_limits(paid_rate=1, clock=clock).check(1) == 0  # unpaid: unlimited


def test_telegram_per_chat_burst_and_no_cost_when_throttled() -> None:
    clock = Clock()
    limits = telegram_limits(rate=5, per_chat=1, clock=clock)

    assert passed(lambda: limits.check("a"), 10) == PER_CHAT_BURST
    assert limits.check("a") == pytest.approx(1.0)
    # The seven throttled sends to "a" took no overall tokens: two are left for other chats.
    assert passed(lambda: limits.check("b"), 3) == 2
    busy = telegram_limits(per_chat=10, clock=clock).per_key  # a second's worth, past the burst
    assert busy is not None and busy.capacity == 10


def test_twilio_limits_each_sender() -> None:
    clock = Clock()
    limits = twilio_limits(rate=2, clock=clock)

    assert passed(lambda: limits.check("+1"), 3) == 2
    assert passed(lambda: limits.check("MGservice"), 3) == 2
    clock.now += 0.5
    assert passed(lambda: limits.check("+1"), 2) == 1
    assert twilio_limits(clock=clock).check("+1") == 0


def test_keyed_buckets_forget_full_ones() -> None:
    buckets = KeyedBuckets(rate=1, capacity=1)
    for key in range(KeyedBuckets.MIN_SWEEP - 1):
        buckets.get(key, 0.0).take(0.0)
    buckets.get("busy", 0.5).take(0.5)
    assert len(buckets) == KeyedBuckets.MIN_SWEEP

    buckets.get("new", 1.0)  # the table is full: the refilled buckets go

    assert len(buckets) == 2
    assert buckets.get("busy", 1.0).wait(1.0) == pytest.approx(0.5)
