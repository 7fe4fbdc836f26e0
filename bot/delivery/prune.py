"""Files travel in the outbox (a report's chart and spreadsheet, base64 in the payload) only
until they are sent: a day after their message has an outcome, the bytes go and the text stays."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import null, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.schedule import Job, Tick
from models import OutboxMessage, OutboxStatus
from models.base import utcnow
from models.outbox import FILE_REPLY

KEEP_FILES = timedelta(days=1)
DONE = (OutboxStatus.sent, OutboxStatus.delivered, OutboxStatus.failed, OutboxStatus.skipped)


async def drop_sent_files(session: AsyncSession) -> int:
    """Forget the files of messages that ended more than KEEP_FILES ago; how many."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.kind == FILE_REPLY,
            OutboxMessage.status.in_(DONE),
            OutboxMessage.created_at < utcnow() - KEEP_FILES,
        )
        .values(payload=null(), kind="reply")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def _drop_sent_files(session: AsyncSession, tick: Tick) -> int:
    return await drop_sent_files(session)


# a scan of the outbox: hourly, not every tick
PRUNE = Job("drop sent files", _drop_sent_files, "files of %s sent messages dropped", every=3600)
