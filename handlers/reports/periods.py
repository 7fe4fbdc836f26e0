"""Report periods: whole local days (Bishkek by default), and the buckets a period is counted in.

Bucketing happens in the database with a CASE over bucket edges computed here, so it works the
same on SQLite and PostgreSQL, respects the local time zone, and never loads a row per need.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case

from bot.formats import format_day
from bot.times import parse_date

DAILY_UP_TO = 62  # days; longer periods are counted by month
MONTHLY_UP_TO = 36  # months; longer ones by year
MAX_DAYS = 366 * 10  # a custom period longer than this is refused


class Preset(enum.StrEnum):
    """The periods offered as one choice; `custom` asks for two dates."""

    this_month = "this_month"
    last_30_days = "last_30_days"
    this_year = "this_year"
    custom = "custom"


@dataclass(frozen=True)
class Bucket:
    """One bar of a timeline: its label and its [start, end) in UTC."""

    label: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Period:
    """The local days `first` to `last`, both included, in time zone `zone`."""

    first: date
    last: date
    zone: str = "Asia/Bishkek"

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("a period ends after it starts")

    @property
    def days(self) -> int:
        """How many days the period covers."""
        return (self.last - self.first).days + 1

    def _utc(self, day: date) -> datetime:
        return datetime.combine(day, time(), ZoneInfo(self.zone)).astimezone(UTC)

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) in UTC: local midnight of `first` to local midnight after `last`."""
        return self._utc(self.first), self._utc(self.last + timedelta(days=1))

    def label(self, language: str | None = None) -> str:
        """01.05.2026 – 31.05.2026 as a reader of `language` writes days; ISO without one."""

        def day(d: date) -> str:
            return format_day(d, language) if language else d.isoformat()

        if self.first == self.last:
            return day(self.first)
        return f"{day(self.first)} – {day(self.last)}"

    def buckets(self) -> list[Bucket]:
        """Days for up to two months, months for up to three years, years beyond."""
        if self.days <= DAILY_UP_TO:
            days = [self.first + timedelta(days=i) for i in range(self.days)]
            return [
                Bucket(d.isoformat(), self._utc(d), self._utc(d + timedelta(days=1))) for d in days
            ]
        edges: list[tuple[str, date]] = []
        monthly = _months_between(self.first, self.last) <= MONTHLY_UP_TO
        cursor = self.first
        while cursor <= self.last:
            if monthly:
                following = _next_month(cursor)
                edges.append((f"{cursor.year}-{cursor.month:02d}", cursor))
            else:
                following = date(cursor.year + 1, 1, 1)
                edges.append((str(cursor.year), cursor))
            cursor = following
        ends = [start for _, start in edges[1:]] + [self.last + timedelta(days=1)]
        return [
            Bucket(label, self._utc(start), self._utc(end))
            for (label, start), end in zip(edges, ends, strict=True)
        ]


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def today_in(zone: str) -> date:
    """Today's local date in `zone`."""
    return datetime.now(ZoneInfo(zone)).date()


def preset_period(preset: Preset, zone: str, today: date | None = None) -> Period:
    """This month, the last 30 days or this year, each up to today (custom has no preset)."""
    today = today or today_in(zone)
    if preset == Preset.this_month:
        return Period(today.replace(day=1), today, zone)
    if preset == Preset.last_30_days:
        return Period(today - timedelta(days=29), today, zone)
    if preset == Preset.this_year:
        return Period(date(today.year, 1, 1), today, zone)
    raise ValueError("a custom period needs its dates")


def parse_day(text: str) -> date | None:
    """A date typed as 2026-05-31 (also 2026.05.31, 2026/05/31, or 31.05.2026); None if not one."""
    return parse_date(text)


def bucket_index(column: ColumnElement[datetime], buckets: list[Bucket]) -> ColumnElement[int]:
    """The number of the bucket `column` falls in (rows are already filtered to the period).

    A binary search written as nested CASEs: about log2(n) comparisons a row instead of n/2,
    which a million needs by day (62 buckets) notice."""

    def search(first: int, last: int) -> ColumnElement[int] | int:
        if first == last:
            return first
        middle = (first + last) // 2
        return case(
            (column < buckets[middle].end, search(first, middle)),
            else_=search(middle + 1, last),
        )

    # past the last bucket: none (never, for rows of the period)
    return case((column >= buckets[-1].end, None), else_=search(0, len(buckets) - 1))
