"""Send windows: the channel rate is one budget shared by every process on the database."""

from __future__ import annotations

import asyncio
import time

from bot.delivery.windows import reserve
from bot.delivery.worker import OutboxWorker
from models import outbox
from models.db import create_engine, create_sessionmaker
from tests.bot.delivery.test_worker import RecordingSender, queue
from tests.factories import create_resident


async def test_reservations_follow_one_another(database, app) -> None:
    engines = [create_engine(database.url), create_engine(database.url)]
    try:
        before = time.time()
        first = await reserve(engines[0], "telegram", 30, 1 / 30)
        second = await reserve(engines[1], "telegram", 15, 1 / 30)  # another process
        other = await reserve(engines[1], "sms", 5, 1.0)
    finally:
        for engine in engines:
            await engine.dispose()
    assert first >= before
    assert abs(second - (first + 1.0)) < 1e-6  # right after the first process's second
    assert other < first + 0.5  # each channel has its own budget


async def test_two_workers_together_keep_to_the_channel_rate(database, app) -> None:
    people = [await create_resident(app, f"paced-{i}") for i in range(41)]
    await queue(app, people, "notice", outbox.BULK)
    engines = [create_engine(database.url), create_engine(database.url)]
    senders = [RecordingSender(rate=20), RecordingSender(rate=20)]
    stamps: list[float] = []
    for sender in senders:
        original = sender.send

        async def send(address, reply, gate, original=original):
            await gate.next()
            stamps.append(time.time())
            return await original(address, reply)

        sender.send = send  # type: ignore[method-assign]
    workers = [
        OutboxWorker(create_sessionmaker(engine), [sender], idle_seconds=0.05)
        for engine, sender in zip(engines, senders, strict=True)
    ]
    try:
        for worker in workers:
            await worker.start()
        while len(stamps) < 41:
            await asyncio.sleep(0.05)
    finally:
        for worker in workers:
            await worker.stop()
        for engine in engines:
            await engine.dispose()
    assert all(sender.sent for sender in senders)  # both took part
    # 41 sends at 20 a second between them: 40 gaps of 1/20 s at least (a slow machine only
    # makes it longer); each pacing alone would have taken half that
    assert max(stamps) - min(stamps) >= 40 / 20 - 0.05
