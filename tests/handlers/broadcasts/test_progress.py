"""Broadcast progress from the outbox, and the one final report to the author; both the same
after the broadcast's old messages are deleted (OUTBOX_RETENTION_DAYS)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from bot.delivery.prune import delete_old_messages
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
    OutboxTally,
    Person,
    Role,
)
from models.base import utcnow
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


async def age(app, broadcast: Broadcast, days: int) -> None:
    """Make every message of `broadcast` `days` old, as if it had been sent then."""
    async with app.sessions() as session, session.begin():
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.broadcast_id == broadcast.id)
            .values(created_at=utcnow() - timedelta(days=days))
        )


async def prune(app) -> int:
    """Delete what OUTBOX_RETENTION_DAYS (90) lets go, three rows a statement (so one outcome
    is tallied across several statements); how many rows went."""
    total = 0
    while True:
        async with app.sessions() as session, session.begin():
            deleted = await delete_old_messages(session, 90, batch=3, batches=2)
        if not deleted:
            return total
        total += deleted


async def figures(app, broadcast: Broadcast) -> tuple[list[str], dict[str, dict[str, int]]]:
    """What the author reads on the progress screen, and what `kenesh broadcast report` prints."""
    async with app.sessions() as session:
        return (
            describe(translator("en"), await progress(session, broadcast.id)),
            await report(session, broadcast.id),
        )


async def test_a_broadcasts_figures_stay_when_its_old_messages_are_deleted(app) -> None:
    people = [await create_resident(app, f"r{i}") for i in range(9)]
    author = await author_on_sms(app, language="en")
    broadcast = await queued_broadcast(app, author, {"en": "Water cut on Monday"})
    for person, status, values in (
        (people[0], OutboxStatus.sent, {}),
        (people[1], OutboxStatus.sent, {"provider_status": "delivered"}),
        (people[2], OutboxStatus.delivered, {}),
        (people[3], OutboxStatus.delivered, {}),
        (people[4], OutboxStatus.failed, {"error": "twilio 30003"}),
        (people[5], OutboxStatus.failed, {"error": "twilio 30003"}),
        (people[6], OutboxStatus.skipped, {"error": "unreachable"}),
        (people[7], OutboxStatus.skipped, {"error": "opted_out"}),
    ):
        await outcome(app, person, status, **values)
    await age(app, broadcast, 120)  # people[8]'s message still waits, 120 days on
    before = await figures(app, broadcast)
    assert before[0] == [
        "Terminal simulator — waiting: 1, sent: 4 (delivered: 3), failed: 2, skipped: 2",
        "  failed: twilio 30003 (2)",
        "  skipped: stopped (1), unreachable (1)",
    ]

    assert await prune(app) == 8
    assert await figures(app, broadcast) == before
    async with app.sessions() as session:
        left = (
            await session.scalars(
                select(OutboxMessage.status).where(OutboxMessage.broadcast_id == broadcast.id)
            )
        ).all()
    assert left == [OutboxStatus.queued]  # the waiting one is never deleted

    # the last one goes, and is deleted in its turn: the final report counts all nine
    await outcome(app, people[8], OutboxStatus.delivered)
    await age(app, broadcast, 120)
    assert await prune(app) == 1
    async with app.sessions() as session, session.begin():
        assert await finish_broadcasts(session) == [broadcast.id]
    [message] = await reports_to(app, author)
    assert message.body.splitlines()[1:] == [
        "Terminal simulator — sent: 5 (delivered: 4), failed: 2, skipped: 2",
        "  failed: twilio 30003 (2)",
        "  skipped: stopped (1), unreachable (1)",
    ]
    _, cli = await figures(app, broadcast)
    assert cli == {
        "sim": {
            "sent": 1,
            "delivered": 4,
            "failed: twilio 30003": 2,
            "skipped: unreachable": 1,
            "skipped: opted_out": 1,
        }
    }


async def test_a_phone_number_in_an_error_is_not_kept_past_the_retention(app) -> None:
    [person] = [await create_resident(app, "refused")]
    author = await author_on_sms(app, language="en")
    broadcast = await queued_broadcast(app, author, {"en": "Water cut on Monday"})
    refusal = "twilio 21211: The 'To' number +996555123456 is not valid"
    await outcome(app, person, OutboxStatus.failed, error=refusal)
    assert f"  failed: {refusal[:60]} (1)" in (await figures(app, broadcast))[0]  # for staff
    await age(app, broadcast, 91)
    assert await prune(app) == 1
    lines, cli = await figures(app, broadcast)
    assert "  failed: twilio 21211: The 'To' number *** is not valid (1)" in lines
    assert cli == {"sim": {"failed: twilio 21211: The 'To' number *** is not valid": 1}}
    async with app.sessions() as session:
        kept = (await session.scalars(select(OutboxTally.error))).all()
    assert kept == ["twilio 21211: The 'To' number *** is not valid"]
