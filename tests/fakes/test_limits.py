"""Sliding windows and the Telegram and Twilio policies built from them, on a hand-advanced clock."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.fakes.limits import (
    KeyedWindows,
    SlidingWindow,
    retry_after,
    telegram_limits,
    twilio_limits,
)
from tests.fakes.request_log import most_in_window


class Clock:
    """A clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def passed(check: Callable[[], float], count: int) -> int:
    """How many of `count` calls of `check()` were let through (answered no wait)."""
    return sum(not check() for _ in range(count))


def test_window_refuses_the_send_past_its_limit_within_any_second() -> None:
    window = SlidingWindow.for_rate(4)
    for now in (0.0, 0.1, 0.2, 0.9):  # spread or not, four in a second is the most
        assert window.wait(now) == 0
        window.take(now)

    assert window.wait(0.95) == pytest.approx(0.05)  # until the send at 0.0 is a second old
    assert window.wait(1.0) == 0
    window.take(1.0)
    assert window.wait(1.05) == pytest.approx(0.05)  # 0.1 ages out at 1.1
    assert window.idle(3.0)


def test_fractional_rates_allow_one_send_per_period() -> None:
    window = SlidingWindow.for_rate(0.5)
    assert (window.limit, window.span) == (1, 2.0)
    window.take(0.0)
    assert window.wait(1.0) == pytest.approx(1.0)
    assert window.wait(2.0) == 0
    with pytest.raises(ValueError, match="positive"):
        SlidingWindow.for_rate(0)


def test_no_sliding_second_ever_holds_more_than_the_limit() -> None:
    clock = Clock()
    limits = telegram_limits(rate=30, clock=clock)
    accepted = []
    for step in range(3000):  # 0.3 s bursts of sends every millisecond, with pauses between
        clock.now = 100.0 + step * 0.001 + (step // 300) * 0.7
        if limits.check(step) == 0:
            accepted.append(clock.now)
    assert most_in_window(accepted) == 30  # a token bucket lets 2 × 30 into some second
    assert len(accepted) >= 30 * 5


@pytest.mark.parametrize(
    ("wait", "seconds"), [(0.001, 1), (0.5, 1), (1.0, 1), (1.01, 2), (3.99, 4)]
)
def test_retry_after_is_whole_seconds_rounded_up(wait: float, seconds: int) -> None:
    assert retry_after(wait) == seconds


def test_telegram_overall_rate_and_retry() -> None:
    clock = Clock()
    limits = telegram_limits(rate=30, clock=clock)

    assert passed(lambda: limits.check(1), 35) == 30
    assert limits.check(2) == pytest.approx(1.0)  # the first of the 30 leaves the window
    clock.now += 1.0
    assert passed(lambda: limits.check(3), 35) == 30


def test_telegram_paid_window_and_its_fallback() -> None:
    clock = Clock()
    limits = telegram_limits(rate=1, paid_rate=10, clock=clock)
    assert passed(lambda: limits.check(1), 3) == 1
    assert passed(lambda: limits.check(1, paid=True), 15) == 10

    shared = telegram_limits(rate=2, clock=clock)  # no paid_rate: paid sends count against rate
    assert passed(lambda: shared.check(1, paid=True), 2) == 2
    assert shared.check(1) > 0

    assert telegram_limits(paid_rate=1, clock=clock).check(1) == 0  # unpaid: unlimited


def test_telegram_one_send_a_second_per_chat_and_no_cost_when_throttled() -> None:
    clock = Clock()
    limits = telegram_limits(rate=5, per_chat=1, clock=clock)

    assert passed(lambda: limits.check("a"), 10) == 1  # no burst in one chat
    assert limits.check("a") == pytest.approx(1.0)
    # The throttled sends to "a" took no room overall: four are left for other chats.
    assert sum(limits.check(f"chat-{n}") == 0 for n in range(6)) == 4
    clock.now += 0.999
    assert limits.check("a") > 0
    clock.now += 0.001
    assert limits.check("a") == 0


def test_twilio_limits_each_sender() -> None:
    clock = Clock()
    limits = twilio_limits(rate=2, clock=clock)

    assert passed(lambda: limits.check("+1"), 3) == 2
    assert passed(lambda: limits.check("MGservice"), 3) == 2
    clock.now += 0.5
    assert passed(lambda: limits.check("+1"), 2) == 0  # both sends are still within the second
    clock.now += 0.5
    assert passed(lambda: limits.check("+1"), 3) == 2
    assert twilio_limits(clock=clock).check("+1") == 0


def test_keyed_windows_forget_idle_ones() -> None:
    windows = KeyedWindows(rate=1)
    for key in range(KeyedWindows.MIN_SWEEP - 1):
        windows.get(key, 0.0).take(0.0)
    windows.get("busy", 0.5).take(0.5)
    assert len(windows) == KeyedWindows.MIN_SWEEP

    windows.get("new", 1.0)  # the table is full: the windows a second old go

    assert len(windows) == 2
    assert windows.get("busy", 1.0).wait(1.0) == pytest.approx(0.5)
