"""Meta's messaging-limit tier: how many different people templates may reach in 24 hours
(250, 1K, 10K, 100K or unlimited, `WHATSAPP_TIER`), counted from the outbox by every process.

A template to someone already reached within the 24 hours costs no more of the limit; to
anyone else it waits, past the limit, until the oldest reach of the day is 24 hours old. So a
broadcast larger than the tier goes out over days.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.channels.whatsapp.kind import CODE
from models import OutboxMessage
from models.base import utcnow

DAY = timedelta(hours=24)
_outbox = OutboxMessage.__table__


async def wait_for_room(
    sessions: async_sessionmaker, address_id: int, limit: int | None
) -> datetime | None:
    """None when a template may reach `address_id` now; else the time from when it may."""
    if limit is None:
        return None
    since = utcnow() - DAY
    recent = (
        (_outbox.c.channel == CODE) & _outbox.c.template.is_not(None) & (_outbox.c.sent_at > since)
    )
    async with sessions() as session:
        if await session.scalar(
            select(_outbox.c.id).where(recent, _outbox.c.address_id == address_id).limit(1)
        ):
            return None
        reached, oldest = (
            await session.execute(
                select(
                    func.count(func.distinct(_outbox.c.address_id)), func.min(_outbox.c.sent_at)
                ).where(recent)
            )
        ).one()
    if reached < limit:
        return None
    if isinstance(oldest, str):  # SQLite may hand an aggregate back as text
        oldest = datetime.fromisoformat(oldest)
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return (oldest or utcnow()) + DAY
