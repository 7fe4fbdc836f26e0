"""The fakes' request log: one line per send request, and what benchmarks and tests read from it.

A line is ``time<TAB>status<TAB>recipient<TAB>paid<TAB>digest``: the fake's ``time.time()`` when
it answered, the HTTP status it answered with, the chat or phone number, 1 for Telegram's
``allow_paid_broadcast``, and a short digest of what was sent (text, caption, file). Lost and
repeated deliveries are counted from these lines, so they are what the provider saw.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path

ROUNDING = 1e-9  # as ``tests.fakes.limits.ROUNDING``


def log_line(when: float, status: int, recipient: Hashable, paid: bool, content: Hashable) -> str:
    """One request as a log line (with its newline)."""
    digest = hashlib.blake2b(repr(content).encode(), digest_size=8).hexdigest()
    return f"{when:.6f}\t{status}\t{recipient}\t{int(paid)}\t{digest}\n"


@dataclass(frozen=True, slots=True)
class LoggedSend:
    """One send request as the fake answered it."""

    at: float
    status: int
    recipient: str
    paid: bool
    digest: str

    @property
    def accepted(self) -> bool:
        """Whether the provider took it (2xx)."""
        return 200 <= self.status < 300


def read_log(path: str | Path) -> list[LoggedSend]:
    """Every logged request, in the order the fake answered them."""
    sends = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        at, status, recipient, paid, digest = line.split("\t")
        sends.append(LoggedSend(float(at), int(status), recipient, paid == "1", digest))
    return sends


def most_in_window(times: Iterable[float], span: float = 1.0) -> int:
    """The most of `times` within any half-open `span` seconds ``(t - span, t]`` (as the fakes'
    windows count them: a send a nanosecond short of `span` old counts as gone)."""
    ordered = sorted(times)
    most, first = 0, 0
    for last, now in enumerate(ordered):
        while ordered[first] <= now - span + ROUNDING:
            first += 1
        most = max(most, last - first + 1)
    return most


@dataclass(frozen=True)
class Summary:
    """What a run looked like from the provider's side."""

    requests: int
    accepted: int
    throttled: int  # answered 429
    failed: int  # answered any other error
    duplicates: int  # accepted again: the same content to the same recipient
    lost: int  # expected recipients who got nothing
    most_in_a_second: int  # accepted sends in the busiest sliding second
    first_at: float | None
    last_at: float | None

    @property
    def rate(self) -> float:
        """Accepted sends a second between the first and the last one."""
        if self.first_at is None or self.last_at is None or self.last_at <= self.first_at:
            return 0.0
        return (self.accepted - 1) / (self.last_at - self.first_at)

    @property
    def throttled_share(self) -> float:
        """The share of requests answered 429."""
        return self.throttled / self.requests if self.requests else 0.0


def summarize(sends: list[LoggedSend], expected: Iterable[str] = ()) -> Summary:
    """The counts of `sends`; `expected` recipients that no accepted send reached are lost."""
    accepted = [send for send in sends if send.accepted]
    seen: set[tuple[str, str]] = set()
    duplicates = 0
    for send in accepted:
        key = (send.recipient, send.digest)
        duplicates += key in seen
        seen.add(key)
    reached = {send.recipient for send in accepted}
    times = [send.at for send in accepted]
    return Summary(
        requests=len(sends),
        accepted=len(accepted),
        throttled=sum(send.status == 429 for send in sends),
        failed=sum(not send.accepted and send.status != 429 for send in sends),
        duplicates=duplicates,
        lost=len(set(map(str, expected)) - reached),
        most_in_a_second=most_in_window(times),
        first_at=min(times, default=None),
        last_at=max(times, default=None),
    )
