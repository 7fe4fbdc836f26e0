"""Times as people write and read them: in the deployment's zone (TIMEZONE), to the minute.

People in the region write dates day first (`15.01.2027 10:00`), operators and computers ISO
(`2027-01-15 10:00`): both are read everywhere a date or a time is asked.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo


def local_time(moment: datetime | None, zone: str) -> str:
    """`moment` in `zone`, "YYYY-MM-DD HH:MM" ("—" for none): for operators and files; people
    read times formatted for their language (`bot.formats.format_time`)."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M") if moment else "—"


# a date: year first (2027-01-15, 2027.01.15) or day first (15.01.2027, 15/01/2027, 15-01-2027)
_DATE = r"(?:(?P<y1>\d{4})[-./](?P<m1>\d{1,2})[-./](?P<d1>\d{1,2})|(?P<d2>\d{1,2})[-./](?P<m2>\d{1,2})[-./](?P<y2>\d{4}))"
_DAY = re.compile(rf"{_DATE}\.?")
_MOMENT = re.compile(rf"{_DATE}\.?(?:[T ]|,\s*|\s+)\s*(?P<hour>\d{{1,2}})[:.](?P<minute>\d{{2}})")


def parse_date(text: str) -> date | None:
    """A day typed as 2027-01-15 or 15.01.2027 (also with / or -); None if it is not one."""
    found = _DAY.fullmatch(text.strip())
    return _day(found) if found else None


def parse_local(text: str, zone: str) -> datetime:
    """A time typed as "YYYY-MM-DD HH:MM" or "DD.MM.YYYY HH:MM" in `zone`, as an aware
    datetime; ValueError if it is not one."""
    found = _MOMENT.fullmatch(" ".join(text.split()))
    day = _day(found) if found else None
    if found is None or day is None:
        raise ValueError(f"not a time: {text!r}")
    hour, minute = int(found["hour"]), int(found["minute"])
    if hour > 23 or minute > 59:
        raise ValueError(f"not a time: {text!r}")
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(zone))


def _day(found: re.Match[str]) -> date | None:
    year, month, day = (
        (found["y1"], found["m1"], found["d1"])
        if found["y1"]
        else (found["y2"], found["m2"], found["d2"])
    )
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None
