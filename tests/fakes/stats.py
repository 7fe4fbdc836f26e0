"""Send counters for the fake Bot API and Twilio servers, and the ``/_fake/…`` routes that expose
them to a benchmark running a fake as its own process (``python -m tests.fakes.serve``).

The counters cost O(1) per send and keep no per-send objects: a set of recipients, a set of
64-bit hashes of (recipient, content) to spot repeated deliveries, and the sends of the last second
for the sliding per-second maximum. 100,000 sends take a few megabytes.

With ``log_to(path)`` every send request (accepted or not) is also written to a file, one line
each (``tests.fakes.request_log``), so a benchmark counts lost and repeated deliveries from what
the fake really answered rather than from what the sender believes.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable
from typing import Any, TextIO

from aiohttp import web

from tests.fakes.request_log import log_line

WINDOW = 1.0  # seconds, for max_per_second


class SendStats:
    """What a fake has done with the sends it was asked for; ``as_json()`` is ``/_fake/stats``.

    ``settings`` (the fake's limits, lean mode, …) is echoed in the JSON under ``"settings"``.
    ``clock`` times the sliding window; tests may swap it for a hand-advanced one.
    """

    clock: Callable[[], float] = staticmethod(time.monotonic)

    def __init__(self, **settings: Any) -> None:
        self.settings = settings
        self._log: TextIO | None = None
        self.reset()

    def log_to(self, path: str) -> None:
        """Write every send from now on to `path` (appended; see ``tests.fakes.request_log``)."""
        # line-buffered: a reader sees every answered request at once (a write per request)
        self._log = open(path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 (until close)

    def flush(self) -> None:
        """Make every logged send readable from the file."""
        if self._log is not None:
            self._log.flush()

    def close(self) -> None:
        """Flush and close the request log."""
        if self._log is not None:
            self._log.close()
            self._log = None

    def reset(self) -> None:
        """Forget every send."""
        self.ok = 0  # accepted (HTTP 2xx)
        self.throttled = 0  # answered 429 (over a rate limit, or injected)
        self.failed = 0  # answered any other error
        self.paid = 0  # accepted with Telegram's allow_paid_broadcast
        self.duplicates = 0  # accepted, though the same content already reached the recipient
        self.first_sent_at: float | None = None  # time.time() of the first accepted send
        self.last_sent_at: float | None = None
        self.max_per_second = 0  # most accepted sends within any WINDOW (sliding)
        self._recipients: set[Hashable] = set()
        self._delivered: set[int] = set()  # hash((recipient, content))
        self._window: deque[float] = deque()  # clock() of the sends within WINDOW

    def record(
        self, status: int, recipient: Hashable, content: Hashable, paid: bool = False
    ) -> None:
        """Count one send answered with HTTP `status`; `content` identifies what was sent."""
        if self._log is not None:
            self._log.write(log_line(time.time(), status, recipient, paid, content))
        if status == 429:
            self.throttled += 1
            return
        if not 200 <= status < 300:
            self.failed += 1
            return
        self.ok += 1
        self.paid += paid
        self._recipients.add(recipient)
        key = hash((recipient, content))
        if key in self._delivered:
            self.duplicates += 1
        else:
            self._delivered.add(key)
        self.last_sent_at = time.time()
        if self.first_sent_at is None:
            self.first_sent_at = self.last_sent_at
        now = self.clock()
        window = self._window
        window.append(now)
        while window[0] <= now - WINDOW:
            window.popleft()
        self.max_per_second = max(self.max_per_second, len(window))

    @property
    def recipients(self) -> int:
        """How many distinct recipients got at least one send."""
        return len(self._recipients)

    def as_json(self) -> dict[str, Any]:
        """The counters (see ``reset``), ``recipients`` and ``settings``, JSON-ready."""
        counters = ("ok", "throttled", "failed", "paid", "duplicates", "max_per_second")
        times = {"first_sent_at": self.first_sent_at, "last_sent_at": self.last_sent_at}
        return (
            {name: getattr(self, name) for name in counters}
            | times
            | {
                "recipients": self.recipients,
                "settings": self.settings,
            }
        )


def add_control_routes(app: web.Application, stats: SendStats, reset: Callable[[], None]) -> None:
    """``GET /_fake/stats`` (``stats.as_json()``) and ``POST /_fake/reset`` (calls `reset`)."""

    async def get_stats(request: web.Request) -> web.Response:
        stats.flush()  # whoever asks for the figures may read the log next
        return web.json_response(stats.as_json())

    async def post_reset(request: web.Request) -> web.Response:
        reset()
        return web.json_response({"ok": True})

    app.router.add_get("/_fake/stats", get_stats)
    app.router.add_post("/_fake/reset", post_reset)
