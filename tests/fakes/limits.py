"""Rate limits for the fake Bot API and Twilio servers: sliding windows, enforced exactly, so a
send over the limit answers 429 as the real services do, and no burst gets through.

A window of ``limit`` sends in ``span`` seconds lets a send through only when fewer than
``limit`` sends were accepted in the half-open second before it, ``(now - span, now]``. Unlike a
token bucket it never lets ``capacity + rate`` sends into one second: at 30 a second, the 31st
send within any sliding second is refused, however the sends before it were spread. A send takes
a place in every window it passes through, or none when any of them is full (a throttled send
costs nothing, as with the real services). ``SendLimits.check`` answers how long the sender should
wait instead; ``retry_after`` turns that into Telegram's whole seconds.

A rate R becomes a window of ``floor(R)`` sends in ``floor(R) / R`` seconds (30 a second: 30 in
1 s; one every three seconds, ``1 / 3``: 1 in 3 s).

Policies, per fake (one bot, one Twilio account):

- Telegram (``telegram_limits``): every send passes the overall window (``rate`` a second), or,
  with ``allow_paid_broadcast``, the paid one (``paid_rate``; the overall window when
  ``paid_rate`` is None); and its chat's window (``per_chat`` a second: at most one send a second
  in one chat at ``per_chat=1``, no burst).
- Twilio (``twilio_limits``): one window per sender (``From`` or ``MessagingServiceSid``) at
  ``rate`` a second.

A limit of None means no limit.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Hashable

ROUNDING = 1e-9  # float noise: a sender waiting exactly as told must get through


def window_for(rate: float) -> tuple[int, float]:
    """(sends, seconds) of the sliding window that enforces `rate` sends a second."""
    if rate <= 0:
        raise ValueError(f"rate must be positive, not {rate}")
    limit = max(1, math.floor(rate + ROUNDING))
    return limit, limit / rate


class SlidingWindow:
    """At most `limit` accepted sends in any `span` seconds."""

    __slots__ = ("limit", "span", "times")

    def __init__(self, limit: int, span: float) -> None:
        if limit < 1 or span <= 0:
            raise ValueError(f"a window needs limit >= 1 and span > 0, not {limit}, {span}")
        self.limit, self.span = limit, span
        self.times: deque[float] = deque()  # accepted sends within the last span, oldest first

    @classmethod
    def for_rate(cls, rate: float) -> SlidingWindow:
        """The window of `rate` sends a second (see ``window_for``)."""
        return cls(*window_for(rate))

    def _forget(self, now: float) -> None:
        times, cutoff = self.times, now - self.span + ROUNDING
        while times and times[0] <= cutoff:
            times.popleft()

    def wait(self, now: float) -> float:
        """Seconds from `now` until a send may go (0 if one may now)."""
        self._forget(now)
        if len(self.times) < self.limit:
            return 0.0
        return self.times[0] + self.span - now

    def take(self, now: float) -> None:
        """Count one accepted send (the caller checked ``wait`` first)."""
        self.times.append(now)

    def idle(self, now: float) -> bool:
        """Whether the window is empty (so it can be forgotten)."""
        self._forget(now)
        return not self.times


class KeyedWindows:
    """One ``SlidingWindow`` per key (a chat, a sender number), made on first use.

    Idle windows are dropped whenever the table has doubled since the last sweep, so a broadcast to
    100,000 recipients keeps only the windows of the last second, at amortised O(1) per send.
    """

    MIN_SWEEP = 1024

    def __init__(self, rate: float) -> None:
        self.limit, self.span = window_for(rate)
        self._windows: dict[Hashable, SlidingWindow] = {}
        self._sweep_at = self.MIN_SWEEP

    def __len__(self) -> int:
        return len(self._windows)

    def get(self, key: Hashable, now: float) -> SlidingWindow:
        """The window of `key`, made empty if it has none."""
        window = self._windows.get(key)
        if window is None:
            if len(self._windows) >= self._sweep_at:
                self._sweep(now)
            window = self._windows[key] = SlidingWindow(self.limit, self.span)
        return window

    def _sweep(self, now: float) -> None:
        self._windows = {key: w for key, w in self._windows.items() if not w.idle(now)}
        self._sweep_at = max(self.MIN_SWEEP, 2 * len(self._windows))


class SendLimits:
    """The windows a send must pass: overall (or paid) and its key's; None ones do not limit.

    ``clock`` is ``time.monotonic``; tests may swap it for a hand-advanced one.
    """

    def __init__(
        self,
        overall: SlidingWindow | None = None,
        paid: SlidingWindow | None = None,
        per_key: KeyedWindows | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.overall, self.paid, self.per_key, self.clock = overall, paid, per_key, clock

    def check(self, key: Hashable, *, paid: bool = False) -> float:
        """0 after counting the send in its windows, or the seconds until every window has room
        (nothing counted)."""
        now = self.clock()
        windows = [self.paid if paid else self.overall]
        if self.per_key is not None:
            windows.append(self.per_key.get(key, now))
        wait = max(window.wait(now) if window else 0.0 for window in windows)
        if wait <= 0:
            for window in windows:
                if window:
                    window.take(now)
            return 0.0
        return wait


def retry_after(wait: float) -> int:
    """`wait` seconds as Telegram's ``retry_after``: whole seconds, rounded up, at least 1."""
    return max(1, math.ceil(wait - ROUNDING))


def telegram_limits(
    rate: float | None = None,
    paid_rate: float | None = None,
    per_chat: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> SendLimits:
    """The Bot API's limits for one bot (see the module docstring)."""
    overall = SlidingWindow.for_rate(rate) if rate is not None else None
    paid = SlidingWindow.for_rate(paid_rate) if paid_rate is not None else overall
    chats = KeyedWindows(per_chat) if per_chat is not None else None
    return SendLimits(overall, paid, chats, clock)


def twilio_limits(
    rate: float | None = None, clock: Callable[[], float] = time.monotonic
) -> SendLimits:
    """Twilio's limit per sender (see the module docstring)."""
    return SendLimits(per_key=KeyedWindows(rate) if rate is not None else None, clock=clock)
