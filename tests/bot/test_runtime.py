"""The runtime's schedule ticker: due broadcasts are queued, and finished ones reported, by
whichever process looks first."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from bot.runtime import Runtime
from handlers.broadcasts.broadcasts import create_broadcast, queue_broadcast
from models import Audience, Broadcast, BroadcastStatus, OutboxMessage, OutboxStatus, Person
from models.base import utcnow
from tests.conftest import make_app
from tests.factories import (
    HOME,
    create_home_broadcast,
    create_resident,
    create_staff,
    municipality,
)


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


async def test_the_ticker_reports_a_drained_broadcast_to_its_author_once(database, app) -> None:
    home = await municipality(app, HOME)
    await create_resident(app, "listener")
    officer = await create_staff(app, "officer")
    author = await officer.person()
    async with app.sessions() as session, session.begin():
        broadcast = await create_broadcast(
            session,
            await session.get(Person, author.id),
            municipality_id=home.id,
            audience=Audience.residents,
            texts={"en": "Sports day on Sunday"},
        )
        await queue_broadcast(session, broadcast)
    first, second = Runtime(make_app(database)), Runtime(make_app(database))
    await first.tick()
    assert (await status_of(app, broadcast.id)) == BroadcastStatus.queued  # not yet

    async with app.sessions() as session, session.begin():  # what the delivery worker does
        await session.execute(
            OutboxMessage.__table__.update()
            .where(OutboxMessage.broadcast_id == broadcast.id)
            .values(status=OutboxStatus.sent.value)
        )
    await asyncio.gather(first.tick(), second.tick())
    await second.tick()
    await first.tick()

    async with app.sessions() as session:
        reports = (
            await session.scalars(
                select(OutboxMessage.body).where(
                    OutboxMessage.person_id == author.id,
                    OutboxMessage.kind == "broadcast_report",
                )
            )
        ).all()
    assert (await status_of(app, broadcast.id)) == BroadcastStatus.done
    assert len(reports) == 1
    assert reports[0].splitlines() == [
        f"Announcement {broadcast.id} has finished: “Sports day on Sunday”",
        # the listener and the officer; the channel by its name, never its code
        "Terminal simulator — sent: 2 (delivered: 0), failed: 0, skipped: 0",
    ]
    await officer.say("menu")  # the officer's chat shows the report
    assert f"Announcement {broadcast.id} has finished" in officer.screen


async def status_of(app, broadcast_id: int) -> BroadcastStatus:
    async with app.sessions() as session:
        return (await session.get(Broadcast, broadcast_id)).status


async def test_a_scheduled_broadcast_goes_out_after_a_restart(database, app) -> None:
    home = await municipality(app, HOME)
    await create_resident(app, "listener")
    async with app.sessions() as session, session.begin():
        broadcast = await create_home_broadcast(
            session, home.id, "Жыйын", send_at=utcnow() + timedelta(seconds=1.5)
        )
    before = Runtime(make_app(database, schedule_tick_seconds=0.2))
    await before.start()
    await before.tick()  # not due yet
    await before.stop()  # the process goes away before the time comes
    await asyncio.sleep(1.6)

    after = Runtime(make_app(database, schedule_tick_seconds=0.2))  # a new process
    await after.start()
    try:
        for _ in range(100):
            async with app.sessions() as session:
                status = (await session.get(Broadcast, broadcast.id)).status
            if status != BroadcastStatus.scheduled:
                break
            await asyncio.sleep(0.1)
    finally:
        await after.stop()
    async with app.sessions() as session:
        queued = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.broadcast_id == broadcast.id)
        )
    assert status != BroadcastStatus.scheduled and queued == 1  # from the database's schedule
