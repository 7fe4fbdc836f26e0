"""Times as people read them: in the deployment's zone (TIMEZONE), to the minute."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def local_time(moment: datetime | None, zone: str) -> str:
    """`moment` in `zone`, "YYYY-MM-DD HH:MM" ("—" for none)."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M") if moment else "—"
