"""Quiet hours: bulk messages (broadcasts, tender alerts and reminders, survey invitations) wait
outside QUIET_HOURS and go when they end, in the order they were queued; replies in a
conversation and notices to one person are never held, nor an urgent broadcast."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from models.base import utcnow

SPAN = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")


def parse_span(text: str) -> tuple[time, time] | None:
    """ "20:00-09:00" as (start, end); None for an empty setting; ValueError when malformed."""
    if not text.strip():
        return None
    match = SPAN.fullmatch(text.strip())
    if match is None:
        raise ValueError("QUIET_HOURS: HH:MM-HH:MM, like 20:00-09:00 (empty: none)")
    h1, m1, h2, m2 = (int(group) for group in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise ValueError("QUIET_HOURS: hours 0-23, minutes 0-59")
    return time(h1, m1), time(h2, m2)


@dataclass
class QuietHours:
    """The quiet span in a time zone; `clock` gives the current time (tests set it)."""

    start: time
    end: time
    zone: str
    clock: Callable[[], datetime] = utcnow

    def now(self) -> bool:
        """Whether it is quiet now."""
        return self.covers(self.clock())

    def covers(self, moment: datetime) -> bool:
        """Whether `moment` is in the quiet span (one past midnight, like 20:00-09:00, wraps)."""
        local = moment.astimezone(ZoneInfo(self.zone)).time()
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


def quiet_hours(span: str, zone: str) -> QuietHours | None:
    """QUIET_HOURS in TIMEZONE, or None when there are none."""
    parsed = parse_span(span)
    return QuietHours(parsed[0], parsed[1], zone) if parsed else None
