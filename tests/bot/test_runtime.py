"""The runtime's schedule ticker: due broadcasts are queued by whichever process looks first."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.runtime import Runtime
from models import Broadcast, BroadcastStatus, OutboxMessage
from models.base import utcnow
from tests.conftest import make_app
from tests.factories import HOME, create_home_broadcast, create_resident, municipality


async def test_the_ticker_queues_due_broadcasts_once_across_processes(database, app) -> None:
    home = await municipality(app, HOME)
    await create_resident(app, "listener")
    async with app.sessions() as session, session.begin():
        broadcast = await create_home_broadcast(
            session, home.id, "Жыйын", send_at=utcnow() - timedelta(seconds=1)
        )
    first, second = (
        Runtime(make_app(database, schedule_tick_seconds=60)),
        Runtime(make_app(database)),
    )
    await first.start()
    try:
        assert first.scheduler.get_jobs(), "the ticker is scheduled"
        await first.tick()
        await second.tick()
    finally:
        await first.stop()
    async with app.sessions() as session:
        queued = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.broadcast_id == broadcast.id)
        )
        status = (await session.get(Broadcast, broadcast.id)).status
    assert (queued, status) == (1, BroadcastStatus.queued)
