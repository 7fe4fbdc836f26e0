"""The outbox worker: priorities, sharing the outbox, and recovery after a crash."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from sqlalchemy import select, update

from bot.conversation.messages import Reply
from bot.delivery import notify
from bot.delivery.sender import UNPACED, Delivery, Gate, Outcome
from bot.delivery.worker import OutboxWorker
from models import OutboxMessage, OutboxStatus, Person, outbox
from models.base import utcnow
from models.db import create_engine, create_sessionmaker
from tests.factories import create_resident


class RecordingSender:
    """A channel's sender that only writes down what it was asked to send."""

    channel = "sim"

    def __init__(self, rate: float | None = None) -> None:
        self.rate = rate
        self.per_address_interval = 0.0
        self.sent: list[tuple[str, str]] = []

    async def send(self, address: str, reply: Reply, gate: Gate = UNPACED) -> Delivery:
        await gate.next()
        self.sent.append((address, reply.text))
        await asyncio.sleep(0)
        return Delivery(Outcome.sent, provider_id=str(len(self.sent)))


async def queue(app, people: list[Person], text: str, priority: int) -> None:
    async with app.sessions() as session, session.begin():
        for person in people:
            stored = await session.get(Person, person.id)
            await notify.enqueue(session, stored, f"{text} {person.id}", priority=priority)


async def test_a_live_reply_overtakes_a_bulk_queue(app) -> None:
    people = [await create_resident(app, f"bulk-{i}") for i in range(20)]
    talker = await create_resident(app, "talker")
    await queue(app, people, "bulk", outbox.BULK)
    sender = RecordingSender(rate=10)  # a second's worth (10) is claimed at a time
    worker = OutboxWorker(app.sessions, [sender], idle_seconds=0.01)
    await worker.start()
    try:
        while len(sender.sent) < 3:
            await asyncio.sleep(0.01)
        await queue(app, [talker], "live", outbox.LIVE)
        worker.wake()
        while len(sender.sent) < 21:
            await asyncio.sleep(0.01)
    finally:
        await worker.stop()
    position = [text for _, text in sender.sent].index(f"live {talker.id}")
    assert position < 20, "the live reply waited for the whole bulk queue"


async def test_two_workers_share_the_outbox_without_duplicates(database, app) -> None:
    people = [await create_resident(app, f"shared-{i}") for i in range(60)]
    await queue(app, people, "notice", outbox.NOTICE)
    engines = [create_engine(database.url), create_engine(database.url)]
    senders = [RecordingSender(), RecordingSender()]
    workers = [
        OutboxWorker(create_sessionmaker(engine), [sender], batch=7)
        for engine, sender in zip(engines, senders, strict=True)
    ]
    try:
        while sum(len(s.sent) for s in senders) < 60:
            handled = await asyncio.gather(*(w.run_once() for w in workers))
            assert any(handled), "both workers found nothing while messages were waiting"
    finally:
        for engine in engines:
            await engine.dispose()
    counts = Counter(text for sender in senders for _, text in sender.sent)
    assert len(counts) == 60 and set(counts.values()) == {1}
    assert all(sender.sent for sender in senders)  # both took part
    async with app.sessions() as session:
        statuses = (await session.scalars(select(OutboxMessage.status))).all()
    assert set(statuses) == {OutboxStatus.sent}


async def test_messages_left_sending_by_a_dead_process_are_sent_again(app) -> None:
    dead, live, old = [await create_resident(app, name) for name in ("dead", "live", "old")]
    for person, text in ((dead, "interrupted"), (live, "in hand"), (old, "before leases")):
        await queue(app, [person], text, outbox.NOTICE)
    now = utcnow()
    async with app.sessions() as session, session.begin():
        # what a killed process leaves behind, what a live one holds, what an older version left
        for person, lease_until, taken in (
            (dead, now - timedelta(seconds=1), now - timedelta(minutes=5)),
            (live, now + timedelta(minutes=1), now - timedelta(minutes=5)),
            (old, None, now - timedelta(minutes=5)),
        ):
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.person_id == person.id)
                .values(status=OutboxStatus.sending, lease_until=lease_until, not_before=taken)
            )
    sender = RecordingSender()
    worker = OutboxWorker(app.sessions, [sender])
    assert await worker.recover() == 2
    assert await worker.run_once() == 2
    assert sorted(text for _, text in sender.sent) == [
        f"before leases {old.id}",
        f"interrupted {dead.id}",
    ]


async def test_a_refused_number_is_recorded_but_never_logged(app, caplog) -> None:
    person = await create_resident(app, "refused")
    await queue(app, [person], "notice", outbox.NOTICE)

    class Refusing(RecordingSender):
        async def send(self, address: str, reply: Reply, gate: Gate = UNPACED) -> Delivery:
            return Delivery(
                Outcome.failed, error="twilio 21211: The 'To' number +996555123456 is not valid"
            )

    with caplog.at_level("WARNING", logger="kenesh.delivery"):
        assert await OutboxWorker(app.sessions, [Refusing()]).run_once() == 1
    assert "21211" in caplog.text and "555123456" not in caplog.text
    async with app.sessions() as session:
        [message] = (await session.scalars(select(OutboxMessage))).all()
    assert message.status == OutboxStatus.failed and "+996555123456" in message.error  # for staff


async def test_a_stopped_worker_claims_nothing_more_even_when_woken_as_it_stops(app) -> None:
    """A wake at the moment of stop() must not keep a lane running (asyncio.wait_for on
    Python 3.11 swallowed such a cancel, and the lane went on sending the next tests' rows)."""
    sender = RecordingSender()
    for _ in range(200):
        worker = OutboxWorker(app.sessions, [sender], idle_seconds=0.001, linger_seconds=0)
        await worker.start()
        await asyncio.sleep(0.002)  # the lane waits for a wake or for its idle time
        worker.wake()
        await worker.stop()
    lanes = [
        task
        for task in asyncio.all_tasks()
        if getattr(task.get_coro(), "__qualname__", "").startswith("OutboxWorker.")
    ]
    assert not lanes, f"{len(lanes)} parts of stopped workers still run"
    person = await create_resident(app, "after-stop", channel=sender.channel)
    await queue(app, [person], "Nobody is running: this stays queued", 0)
    await asyncio.sleep(0.05)
    async with app.sessions() as session:
        assert (await session.scalar(select(OutboxMessage.status))) == OutboxStatus.queued
    assert sender.sent == []
