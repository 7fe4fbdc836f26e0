"""Leases on claimed messages: a live process's slow send is never taken and sent again by
another; a stopped process's messages are; a lease too short for one send is refused at start.

The Bot API is the fake on 127.0.0.1 (hanging on demand), the sender the real aiogram one, and
two workers on two engines stand for two processes. Times are shortened by settings, not slept.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import select

from bot.channels.telegram.sender import TelegramSender
from bot.channels.telegram.session import JsonSession
from bot.delivery import notify
from bot.delivery.worker import OutboxWorker
from bot.runtime import Runtime
from models import OutboxMessage, OutboxStatus, Person
from models.db import create_engine, create_sessionmaker
from tests.bot.channels.telegram.conftest import TOKEN
from tests.conftest import make_app
from tests.factories import create_resident
from tests.fakes.telegram_api import FakeTelegram

CHAT = 9001


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()


class Process:
    """A worker with its own engine and Bot session, as another `kenesh serve` would have."""

    def __init__(self, url: str, fake: FakeTelegram, lease: float) -> None:
        self.engine = create_engine(url)
        api = TelegramAPIServer.from_base(fake.base_url)
        self.bot = Bot(TOKEN, session=JsonSession(api=api, timeout=10))
        sender = TelegramSender(self.bot, backoff=(0.05,), rate=None)
        self.worker = OutboxWorker(
            create_sessionmaker(self.engine),
            [sender],
            idle_seconds=0.05,
            lease=timedelta(seconds=lease),
        )

    async def close(self) -> None:
        await self.worker.stop()
        await self.bot.session.close()
        await self.engine.dispose()


async def notice_to_chat(app, text: str) -> int:
    person = await create_resident(app, str(CHAT), channel="telegram")
    async with app.sessions() as session, session.begin():
        await notify.enqueue(session, await session.get(Person, person.id), text)
    async with app.sessions() as session:
        return await session.scalar(select(OutboxMessage.id))


async def message(app, message_id: int) -> OutboxMessage:
    async with app.sessions() as session:
        return await session.get(OutboxMessage, message_id)


async def wait_until(predicate, timeout: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        assert asyncio.get_running_loop().time() < deadline, "gave up waiting"
        await asyncio.sleep(0.02)


async def test_a_live_process_slow_send_is_not_taken_by_another(database, app, fake) -> None:
    message_id = await notice_to_chat(app, "Your report is in progress")
    fake.hang_next("sendMessage", 3.0, chat_id=CHAT)  # three leases long
    first, second = Process(database.url, fake, 1.0), Process(database.url, fake, 1.0)
    try:
        await first.worker.start()
        await second.worker.start()

        async def done() -> bool:
            row = await message(app, message_id)
            idle = not first.worker._held and not second.worker._held
            return idle and row.status == OutboxStatus.sent

        await wait_until(done)
    finally:
        await first.close()
        await second.close()
    sends = [call for call in fake.calls_to("sendMessage") if call.params["chat_id"] == CHAT]
    assert len(sends) == 1, "the slow send was taken again and sent twice"
    assert (await message(app, message_id)).attempts == 1


async def test_the_messages_of_a_process_that_stopped_renewing_are_sent(
    database, app, fake
) -> None:
    message_id = await notice_to_chat(app, "Your report is in progress")
    fake.hang_next("sendMessage", 5.0, chat_id=CHAT)
    dying, survivor = Process(database.url, fake, 2.0), Process(database.url, fake, 0.2)
    try:
        await dying.worker.start()

        async def taken() -> bool:
            return (await message(app, message_id)).status == OutboxStatus.sending

        await wait_until(taken)
        await dying.worker.stop()  # mid-send: no outcome, no more renewals
        assert await survivor.worker.recover() == 0, "its lease still runs: not taken yet"
        await survivor.worker.start()

        async def sent() -> bool:
            return (await message(app, message_id)).status == OutboxStatus.sent

        await wait_until(sent)
    finally:
        await dying.close()
        await survivor.close()
    row = await message(app, message_id)
    assert row.attempts == 2 and row.lease_until is not None
    assert [call.status for call in fake.sent_to(CHAT)] == [200]


async def test_a_lease_too_short_for_one_send_is_refused_naming_both(database) -> None:
    telegram = {"telegram_bot_token": TOKEN, "telegram_api_url": "http://127.0.0.1:9"}
    with pytest.raises(ValueError) as refused:
        Runtime(make_app(database, outbox_stale_seconds=30, send_timeout_seconds=20, **telegram))
    assert str(refused.value).startswith(
        "OUTBOX_STALE_SECONDS=30 is shorter than one telegram send can take: 83.5 s "
        "(SEND_TIMEOUT_SECONDS=20 for each of 4 attempts"
    )
    assert "at least 84" in str(refused.value)
    sms = {
        "twilio_account_sid": "AC" + "0" * 32,
        "twilio_auth_token": "token",
        "twilio_from": "+996700000001",
        "public_url": "https://kenesh.example",
        "secret_key": "k" * 32,
        "telegram_webhook_secret": "webhook-secret",
    }
    with pytest.raises(ValueError, match=r"one sms send can take: 43\.5 s"):
        Runtime(make_app(database, outbox_stale_seconds=40, send_timeout_seconds=10, **sms))
    Runtime(make_app(database, **telegram, **sms))  # the defaults fit
