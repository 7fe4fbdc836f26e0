"""Broadcast progress from the outbox, and the one final report to the author."""

from __future__ import annotations

from sqlalchemy import func, select, update

from bot.i18n import translator
from handlers.broadcasts.broadcasts import (
    cancel_broadcast,
    create_broadcast,
    queue_broadcast,
    report,
)
from handlers.broadcasts.progress import describe, finish_broadcasts, progress
from models import (
    Address,
    Audience,
    Broadcast,
    BroadcastStatus,
    ConsentStatus,
    OutboxMessage,
    OutboxStatus,
    Person,
    Role,
)
from tests.factories import HOME, create_resident, municipality


async def author_on_sms(app, language: str = "ru") -> Person:
    """A staff member of HOME who last wrote by SMS (and earlier from the simulator)."""
    home = await municipality(app, HOME)
    async with app.sessions() as session, session.begin():
        author = Person(
            language=language,
            role=Role.staff,
            staff_municipality_id=home.id,
            consent=ConsentStatus.given,
        )
        session.add(author)
        await session.flush()
        session.add(Address(person_id=author.id, channel="sim", value="old-sim", unreachable=True))
        session.add(Address(person_id=author.id, channel="sms", value="+996555000111"))
    return author


async def queued_broadcast(app, author: Person, texts: dict[str, str]) -> Broadcast:
    home = await municipality(app, HOME)
    async with app.sessions() as session, session.begin():
        broadcast = await create_broadcast(
            session,
            await session.get(Person, author.id),
            municipality_id=home.id,
            audience=Audience.residents,
            texts=texts,
            channels=["sim"],  # the residents; the author is on SMS
        )
        await queue_broadcast(session, broadcast)
    return broadcast


async def outcome(app, person: Person, status: OutboxStatus, **values: object) -> None:
    async with app.sessions() as session, session.begin():
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.person_id == person.id, OutboxMessage.kind == "broadcast")
            .values(status=status, **values)
        )


async def reports_to(app, author: Person) -> list[OutboxMessage]:
    async with app.sessions() as session:
        return list(
            (
                await session.scalars(
                    select(OutboxMessage).where(
                        OutboxMessage.person_id == author.id,
                        OutboxMessage.kind == "broadcast_report",
                    )
                )
            ).all()
        )


async def test_progress_counts_every_outcome_by_channel(app) -> None:
    people = [await create_resident(app, f"r{i}") for i in range(6)]
    author = await author_on_sms(app)
    broadcast = await queued_broadcast(app, author, {"ky": "Жыйын"})
    await outcome(app, people[0], OutboxStatus.sent)
    await outcome(app, people[1], OutboxStatus.sent, provider_status="delivered")
    await outcome(app, people[2], OutboxStatus.delivered)
    await outcome(app, people[3], OutboxStatus.failed, error="twilio 30003")
    await outcome(app, people[4], OutboxStatus.skipped, error="unreachable")
    async with app.sessions() as session:
        figures = await progress(session, broadcast.id)
        cli = await report(session, broadcast.id)
    sim = figures["sim"]
    assert (sim.waiting, sim.sent, sim.delivered) == (1, 3, 2)
    assert (dict(sim.failed), dict(sim.skipped)) == ({"twilio 30003": 1}, {"unreachable": 1})
    assert describe(translator("en"), figures) == [
        "Terminal simulator — waiting: 1, sent: 3 (delivered: 2), failed: 1, skipped: 1",
        "  failed: twilio 30003 (1)",
        "  skipped: unreachable (1)",
    ]
    assert describe(translator("en"), figures, compact=True) == [
        "waiting: 1, sent: 3 (delivered: 2), failed: 1, skipped: 1"
    ]
    # the command line's report counts confirmed deliveries as delivered too
    assert cli == {
        "sim": {
            "queued": 1,
            "sent": 1,
            "delivered": 2,
            "failed: twilio 30003": 1,
            "skipped: unreachable": 1,
        }
    }


async def test_the_author_gets_one_report_once_the_outbox_has_drained(app) -> None:
    people = [await create_resident(app, f"r{i}") for i in range(3)]
    author = await author_on_sms(app, language="ru")
    broadcast = await queued_broadcast(app, author, {"ru": "Собрание в пятницу", "ky": "Жыйын"})
    async with app.sessions() as session, session.begin():
        assert await finish_broadcasts(session) == []  # three messages still wait
    await outcome(app, people[0], OutboxStatus.delivered)
    await outcome(app, people[1], OutboxStatus.failed, error="sim 500")
    async with app.sessions() as session, session.begin():
        assert await finish_broadcasts(session) == []  # one still waits
    await outcome(app, people[2], OutboxStatus.sending)
    async with app.sessions() as session, session.begin():
        assert await finish_broadcasts(session) == []  # in flight is not finished
    await outcome(app, people[2], OutboxStatus.sent)
    async with app.sessions() as session, session.begin():
        assert await finish_broadcasts(session) == [broadcast.id]
    async with app.sessions() as session, session.begin():
        assert await finish_broadcasts(session) == []  # never twice
        finished = await session.get(Broadcast, broadcast.id)
    assert finished.status == BroadcastStatus.done and finished.finished_at is not None

    [message] = await reports_to(app, author)
    ru = translator("ru")
    assert (message.channel, message.status, message.priority) == ("sms", "queued", 10)
    assert message.body.splitlines() == [
        ru.t(
            "Announcement {id} has finished: “{text}”", id=broadcast.id, text="Собрание в пятницу"
        ),
        f"{ru.t('Terminal simulator')} — {ru.t('sent')}: 2 ({ru.t('delivered')}: 1), {ru.t('failed')}: 1, "
        f"{ru.t('skipped')}: 0",
        f"  {ru.t('failed')}: sim 500 (1)",
    ]


async def test_a_cancelled_broadcast_reports_once_nothing_is_in_flight(app) -> None:
    people = [await create_resident(app, f"r{i}") for i in range(3)]
    author = await author_on_sms(app, language="en")
    broadcast = await queued_broadcast(app, author, {"en": "Sports day"})
    await outcome(app, people[0], OutboxStatus.sending)
    async with app.sessions() as session, session.begin():
        cancelled = await session.get(Broadcast, broadcast.id)
        assert await cancel_broadcast(session, cancelled) == 2
        assert await finish_broadcasts(session) == []  # one message is being sent
    # the process sending it died; its message went back to the queue: it must not go now
    await outcome(app, people[0], OutboxStatus.queued)
    async with app.sessions() as session, session.begin():
        assert await finish_broadcasts(session) == [broadcast.id]
        status = (await session.get(Broadcast, broadcast.id)).status
        waiting = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.broadcast_id == broadcast.id,
                OutboxMessage.status == OutboxStatus.queued,
            )
        )
    assert (status, waiting) == (BroadcastStatus.cancelled, 0)
    [message] = await reports_to(app, author)
    assert message.body.splitlines() == [
        f"Announcement {broadcast.id} was cancelled: “Sports day”",
        "Terminal simulator — sent: 0 (delivered: 0), failed: 0, skipped: 3",
        "  skipped: announcement cancelled (3)",
    ]


async def test_a_broadcast_that_reached_nobody_finishes_too(app) -> None:
    author = await author_on_sms(app, language="en")
    broadcast = await queued_broadcast(app, author, {"en": "Nobody hears this"})
    async with app.sessions() as session, session.begin():
        assert await finish_broadcasts(session) == [broadcast.id]
    [message] = await reports_to(app, author)
    assert message.body.splitlines()[1:] == ["No messages."]
