"""What leaves the outbox: a report's files a day after they were sent (their text stays), and
the rows of finished messages after OUTBOX_RETENTION_DAYS (never a waiting one)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select, update

from bot.conversation.messages import Document, Reply
from bot.conversation.outbox import reply_rows
from bot.delivery.prune import delete_old_messages, drop_sent_files
from bot.identity.people import addresses_of
from bot.runtime import Runtime
from bot.settings import Settings
from handlers.broadcasts.broadcasts import queue_broadcast, report
from models import OutboxMessage, OutboxStatus, Person
from models.base import utcnow
from models.outbox import FILE_REPLY
from tests.conftest import make_app
from tests.factories import create_home_broadcast, create_resident


async def test_files_are_dropped_a_day_after_sending_and_the_text_stays(app) -> None:
    resident = await create_resident(app, "reader")
    sheet = Reply(text="Needs report", document=Document("needs.xlsx", "application/x", b"PK" * 9))
    async with app.sessions() as session, session.begin():
        person = await session.get(Person, resident.id)
        [address] = await addresses_of(session, person.id)
        rows = reply_rows(person, address, [sheet, sheet, sheet, Reply(text="Menu")])
        assert [row["kind"] for row in rows] == [FILE_REPLY] * 3 + ["reply"]
        old, recent, waiting = utcnow() - timedelta(days=2), utcnow(), utcnow() - timedelta(days=2)
        for row, status, when in zip(
            rows,
            (OutboxStatus.sent, OutboxStatus.sent, OutboxStatus.queued, OutboxStatus.sent),
            (old, recent, waiting, old),
            strict=True,
        ):
            session.add(OutboxMessage(**(row | {"status": status, "created_at": when})))
    async with app.sessions() as session, session.begin():
        assert await drop_sent_files(session) == 1
    async with app.sessions() as session:
        messages = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    assert messages[0].payload is None and messages[0].body == "Needs report"  # sent long ago
    assert messages[1].payload["document"]["name"] == "needs.xlsx"  # sent just now: kept a day
    assert messages[2].payload["document"]["name"] == "needs.xlsx"  # not sent yet
    assert messages[3].payload is not None  # no file: nothing to drop


async def messages_of(app, person: Person, ages: list[tuple[OutboxStatus, timedelta]]) -> None:
    """Notices to `person`, one per (status, age)."""
    async with app.sessions() as session, session.begin():
        [address] = await addresses_of(session, person.id)
        for status, age in ages:
            session.add(
                OutboxMessage(
                    person_id=person.id,
                    address_id=address.id,
                    channel=address.channel,
                    body=f"{status} {age.days} days ago",
                    status=status,
                    created_at=utcnow() - age,
                )
            )


async def bodies(app) -> list[str]:
    async with app.sessions() as session:
        return list((await session.scalars(select(OutboxMessage.body).order_by("id"))).all())


async def test_the_tick_deletes_finished_messages_past_the_retention_and_no_waiting_one(
    database, app
) -> None:
    resident = await create_resident(app, "reader")
    old, recent = timedelta(days=91), timedelta(days=89)
    finished = (OutboxStatus.sent, OutboxStatus.delivered, OutboxStatus.failed)
    await messages_of(
        app,
        resident,
        [(status, old) for status in (*finished, OutboxStatus.skipped)]
        + [(OutboxStatus.queued, timedelta(days=400)), (OutboxStatus.sending, old)]
        + [(status, recent) for status in finished],
    )
    await Runtime(make_app(database)).tick()  # OUTBOX_RETENTION_DAYS: 90 by default
    assert await bodies(app) == [
        "queued 400 days ago",  # still waiting for its channel, however old
        "sending 91 days ago",  # a process is on it
        "sent 89 days ago",
        "delivered 89 days ago",
        "failed 89 days ago",
    ]
    await Runtime(make_app(database, outbox_retention_days=30)).tick()
    assert await bodies(app) == ["queued 400 days ago", "sending 91 days ago"]


async def test_a_backlog_goes_a_bounded_number_of_small_batches_at_a_time(app) -> None:
    resident = await create_resident(app, "reader")
    await messages_of(
        app, resident, [(OutboxStatus.sent, timedelta(days=100 + i)) for i in range(8)]
    )
    await messages_of(app, resident, [(OutboxStatus.queued, timedelta(days=200))])
    deleted = []
    for _ in range(4):
        async with app.sessions() as session, session.begin():
            deleted.append(await delete_old_messages(session, 90, batch=3, batches=2))
    assert deleted == [6, 2, 0, 0]
    assert await bodies(app) == ["queued 200 days ago"]


async def test_two_processes_deleting_at_once_count_each_message_once(database, app) -> None:
    people = [await create_resident(app, f"r{i}") for i in range(10)]
    async with app.sessions() as session, session.begin():
        broadcast = await create_home_broadcast(session, people[0].municipality_id, "Жыйын")
        await queue_broadcast(session, broadcast)
        await session.execute(
            update(OutboxMessage).values(
                status=OutboxStatus.delivered, created_at=utcnow() - timedelta(days=91)
            )
        )
    holding, release = asyncio.Event(), asyncio.Event()

    async def first() -> int:  # takes three rows, and holds them until told
        async with app.sessions() as session, session.begin():
            deleted = await delete_old_messages(session, 90, batch=3, batches=1)
            holding.set()
            await release.wait()
        return deleted

    async def second() -> int:
        await holding.wait()
        async with app.sessions() as session, session.begin():
            return await delete_old_messages(session, 90)

    one, other = asyncio.create_task(first()), asyncio.create_task(second())
    if database.backend == "postgres":
        # the other process does not wait for the first: it skips its turn
        assert await other == 0
        release.set()
        assert await one == 3
        async with app.sessions() as session, session.begin():  # its next turn
            assert await delete_old_messages(session, 90) == 7
    else:  # SQLite lets one writer in at a time: the other waits, then finds the rest
        release.set()
        assert (await one, await other) == (3, 7)
    async with app.sessions() as session:
        assert await report(session, broadcast.id) == {"sim": {"delivered": 10}}
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_the_retention_is_at_least_a_day() -> None:
    assert Settings(outbox_retention_days=1).outbox_retention_days == 1
    with pytest.raises(ValidationError, match="OUTBOX_RETENTION_DAYS: at least 1"):
        Settings(outbox_retention_days=0)
