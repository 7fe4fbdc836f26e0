"""What became of a broadcast's messages, counted: from its rows still in the outbox, and from
the tallies of those already deleted past OUTBOX_RETENTION_DAYS (`bot/delivery/prune.py`), so
its progress and its report say the same before and after its rows go."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, literal_column, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from models import OutboxMessage, OutboxStatus, OutboxTally

# channel, status, provider_status, error: as an outbox row has them (None when it has none)
Outcome = tuple[str, OutboxStatus, str | None, str | None]


async def broadcast_outcomes(
    session: AsyncSession, broadcast_id: int
) -> list[tuple[str, OutboxStatus, str | None, str | None, int]]:
    """(channel, status, provider_status, error, count) over a broadcast's messages, deleted
    ones included, ordered by the rest."""
    outbox, tally = OutboxMessage, OutboxTally
    columns = (outbox.channel, outbox.status, outbox.provider_status, outbox.error)
    live = (
        select(*columns, func.count().label("n"))
        .where(outbox.broadcast_id == broadcast_id)
        .group_by(*columns)
    )
    kept = select(
        tally.channel,
        tally.status,
        func.nullif(tally.provider_status, literal_column("''")),
        func.nullif(tally.error, literal_column("''")),
        tally.count,
    ).where(tally.broadcast_id == broadcast_id)
    # one statement, so one snapshot: rows being pruned meanwhile are counted once, either
    # as rows or in their tally, never twice or not at all
    rows = await session.execute(union_all(live, kept))
    counts: Counter[Outcome] = Counter()
    for channel, status, provider_status, error, count in rows.all():
        counts[(channel, OutboxStatus(status), provider_status, error)] += count
    # in one order whatever the rows' order (the database's, which pruning changes), so reasons
    # counted alike are listed alike before and after
    return [
        (*outcome, counts[outcome])
        for outcome in sorted(counts, key=lambda o: (o[0], o[1], o[2] or "", o[3] or ""))
    ]
