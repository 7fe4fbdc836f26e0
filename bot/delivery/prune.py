"""What leaves the outbox, and when. Files travel in it (a report's chart and spreadsheet, base64
in the payload) only until they are sent: a day after their message has an outcome, the bytes go
and the text stays. The rows of finished messages go after OUTBOX_RETENTION_DAYS, a few hundred
at a time; what a broadcast's rows said is counted into `outbox_tallies` first, in the same
transaction, so its progress and report keep their figures (`bot/delivery/outcomes.py`).
Messages still waiting (queued, sending) are never deleted, however old."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import delete, func, null, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.phones import mask_phones
from bot.schedule import Job, Tick
from models import OutboxMessage, OutboxStatus, OutboxTally
from models.base import utcnow
from models.outbox import FILE_REPLY

KEEP_FILES = timedelta(days=1)
DONE = (OutboxStatus.sent, OutboxStatus.delivered, OutboxStatus.failed, OutboxStatus.skipped)
BATCH = 500  # rows per DELETE: short statements, a few kilobytes of ids
BATCHES = 10  # DELETEs per run of the job: a backlog drains over runs, never in one long one
# the key of the PostgreSQL advisory lock one pruning transaction holds ("outbox" in ASCII)
PRUNE_LOCK = 0x6F7574626F78


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


async def delete_old_messages(
    session: AsyncSession, days: int, batch: int = BATCH, batches: int = BATCHES
) -> int:
    """Delete up to `batches` × `batch` rows of messages that ended and were queued more than
    `days` ago, oldest first, their broadcasts' outcomes tallied first; how many."""
    outbox = OutboxMessage
    if not await _only_pruner(session):
        return 0
    cutoff = utcnow() - timedelta(days=days)
    deleted = 0
    for _ in range(batches):
        # SKIP LOCKED: a row a provider's late report is updating now waits for the next run
        ids = (
            await session.scalars(
                select(outbox.id)
                .where(outbox.created_at < cutoff, outbox.status.in_(DONE))
                # the created_at index both finds and orders them: the newer rows, most of
                # the table, are never read
                .order_by(outbox.created_at)
                .limit(batch)
                .with_for_update(skip_locked=True)
            )
        ).all()
        if not ids:
            break
        await _tally(session, ids)
        await session.execute(
            delete(outbox).where(outbox.id.in_(ids)).execution_options(synchronize_session=False)
        )
        deleted += len(ids)
        if len(ids) < batch:
            break
    return deleted


async def _only_pruner(session: AsyncSession) -> bool:
    """Whether this transaction is the only one deleting old rows now. Two at once would each
    add to the same tallies, the second waiting on the first's; on PostgreSQL the second skips
    its turn instead (a transaction-level advisory lock, released at commit). SQLite lets one
    writer in at a time anyway."""
    if session.bind is None or session.bind.dialect.name != "postgresql":
        return True
    return bool(await session.scalar(select(func.pg_try_advisory_xact_lock(PRUNE_LOCK))))


async def _tally(session: AsyncSession, ids: Sequence[int]) -> None:
    """Add the outcomes of these broadcast messages to their broadcasts' tallies."""
    outbox = OutboxMessage
    columns = (
        outbox.broadcast_id,
        outbox.channel,
        outbox.status,
        outbox.provider_status,
        outbox.error,
    )
    rows = await session.execute(
        select(*columns, func.count())
        .where(outbox.id.in_(ids), outbox.broadcast_id.is_not(None))
        .group_by(*columns)
    )
    counts: Counter[tuple[int, str, str, str, str]] = Counter()
    for broadcast_id, channel, status, provider_status, error, count in rows.all():
        # the figures need the reason, not the number it was refused for
        reason = (mask_phones(error) or "")[:300]
        counts[(broadcast_id, channel, str(status), provider_status or "", reason)] += count
    if not counts:
        return
    table = OutboxTally.__table__
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(table)
    key = ("broadcast_id", "channel", "status", "provider_status", "error")
    await session.execute(
        insert.on_conflict_do_update(
            index_elements=list(key), set_={"count": table.c.count + insert.excluded.count}
        ),
        # in key order, as any other writer of these rows would take them
        [
            dict(zip((*key, "count"), (*outcome, counts[outcome]), strict=True))
            for outcome in sorted(counts)
        ],
    )


async def _drop_sent_files(session: AsyncSession, tick: Tick) -> int:
    return await drop_sent_files(session)


async def _delete_old_messages(session: AsyncSession, tick: Tick) -> int:
    return await delete_old_messages(session, tick.settings.outbox_retention_days)


# a scan of the outbox: hourly, not every tick
PRUNE = Job("drop sent files", _drop_sent_files, "files of %s sent messages dropped", every=3600)
# one indexed look at the oldest rows a minute: up to BATCHES × BATCH = 5,000 rows a minute
RETAIN = Job(
    "delete old outbox rows",
    _delete_old_messages,
    "%s outbox rows past OUTBOX_RETENTION_DAYS deleted, their broadcasts' figures kept",
    every=60,
)
