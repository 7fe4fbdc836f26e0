"""Report periods: local days, the presets, typed dates, and the buckets of a timeline."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from handlers.reports.periods import Period, Preset, parse_day, preset_period


def test_a_period_is_whole_local_days() -> None:
    start, end = Period(date(2026, 3, 1), date(2026, 3, 31)).bounds()
    assert start == datetime(2026, 2, 28, 18, 0, tzinfo=UTC)  # Bishkek is UTC+6
    assert end == datetime(2026, 3, 31, 18, 0, tzinfo=UTC)
    with pytest.raises(ValueError):
        Period(date(2026, 3, 2), date(2026, 3, 1))


def test_presets_end_today() -> None:
    today = date(2026, 5, 17)
    zone = "Asia/Bishkek"
    assert preset_period(Preset.this_month, zone, today) == Period(date(2026, 5, 1), today)
    assert preset_period(Preset.last_30_days, zone, today) == Period(date(2026, 4, 18), today)
    assert preset_period(Preset.this_year, zone, today) == Period(date(2026, 1, 1), today)
    assert preset_period(Preset.last_30_days, zone, today).days == 30


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2026-05-31", date(2026, 5, 31)),
        (" 2026.05.31 ", date(2026, 5, 31)),
        ("2026/5/3", date(2026, 5, 3)),
        ("31.05.2026", date(2026, 5, 31)),
        ("31-05-2026", date(2026, 5, 31)),
        ("2026-02-30", None),
        ("May 31", None),
        ("", None),
    ],
)
def test_typed_days(typed: str, day: date | None) -> None:
    assert parse_day(typed) == day


def test_buckets_are_days_then_months_then_years() -> None:
    two_months = Period(date(2026, 1, 1), date(2026, 3, 3))
    assert len(two_months.buckets()) == 62 and two_months.buckets()[0].label == "2026-01-01"
    quarter = Period(date(2026, 1, 15), date(2026, 4, 10)).buckets()
    assert [b.label for b in quarter] == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert quarter[0].start == datetime(2026, 1, 14, 18, 0, tzinfo=UTC)  # from the first day
    assert quarter[-1].end == datetime(2026, 4, 10, 18, 0, tzinfo=UTC)  # to the last
    assert [b.end for b in quarter[:-1]] == [b.start for b in quarter[1:]]  # no gap, no overlap
    decade = Period(date(2020, 6, 1), date(2026, 2, 1)).buckets()
    assert [b.label for b in decade] == [str(y) for y in range(2020, 2027)]
