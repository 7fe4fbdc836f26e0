"""Times and days typed as people in the region write them (day first) and as ISO."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.times import parse_date, parse_local

BISHKEK = ZoneInfo("Asia/Bishkek")


@pytest.mark.parametrize(
    "typed",
    [
        "2027-01-15 10:00",
        "2027-01-15T10:00",
        "15.01.2027 10:00",
        "15.01.2027, 10:00",
        "15/01/2027 10:00",
        "15.1.2027 10.00",
        "  15.01.2027   10:00 ",
    ],
)
def test_a_time_is_read_day_first_or_iso(typed: str) -> None:
    assert parse_local(typed, "Asia/Bishkek") == datetime(2027, 1, 15, 10, 0, tzinfo=BISHKEK)


@pytest.mark.parametrize(
    "typed", ["15.01.2027", "31.02.2027 10:00", "15.01.2027 24:00", "10:00", "tomorrow", ""]
)
def test_what_is_not_a_time_is_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        parse_local(typed, "Asia/Bishkek")


@pytest.mark.parametrize(
    ("typed", "day"),
    [("15.01.2027", date(2027, 1, 15)), ("2027-01-15", date(2027, 1, 15)), ("31.02.2027", None)],
)
def test_days(typed: str, day: date | None) -> None:
    assert parse_date(typed) == day
