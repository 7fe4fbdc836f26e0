"""Times as people read them: in the deployment's zone (TIMEZONE), to the minute."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def local_time(moment: datetime | None, zone: str) -> str:
    """`moment` in `zone`, "YYYY-MM-DD HH:MM" ("—" for none)."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M") if moment else "—"


TYPED = "%Y-%m-%d %H:%M"


def parse_local(text: str, zone: str) -> datetime:
    """A time typed as "YYYY-MM-DD HH:MM" in `zone`, as an aware datetime; ValueError if not."""
    return datetime.strptime(text.strip(), TYPED).replace(tzinfo=ZoneInfo(zone))
