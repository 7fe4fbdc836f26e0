"""The Telegram sender on its own, through the real aiogram Bot against the fake Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer

from bot.channels.telegram.sender import TelegramSender
from bot.channels.telegram.session import JsonSession
from bot.conversation.messages import Reply
from bot.delivery.pace import Pace
from bot.delivery.sender import Outcome
from tests.bot.channels.telegram.conftest import TOKEN
from tests.fakes.request_log import read_log, summarize
from tests.fakes.telegram_api import FakeTelegram


@pytest.fixture
async def aiogram_bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    session = JsonSession(api=TelegramAPIServer.from_base(fake.base_url))
    bot = Bot(TOKEN, session=session)
    yield bot
    await bot.session.close()


async def test_paid_broadcast_asks_telegram_for_the_paid_limit(fake, aiogram_bot) -> None:
    paid = TelegramSender(aiogram_bot, rate=None, paid=True)
    free = TelegramSender(aiogram_bot, rate=None)
    assert (await paid.send("801", Reply(text="Жыйын"))).outcome == Outcome.sent
    assert (await free.send("802", Reply(text="Жыйын"))).outcome == Outcome.sent
    [paid_call], [free_call] = fake.sent_to(801), fake.sent_to(802)
    assert paid_call.params.get("allow_paid_broadcast") is True
    assert "allow_paid_broadcast" not in free_call.params  # no Stars spent unless configured


async def test_a_long_retry_after_goes_back_to_the_outbox(fake, aiogram_bot) -> None:
    fake.fail_next("sendMessage", retry_after=300)
    delivery = await TelegramSender(aiogram_bot, rate=None).send("803", Reply(text="Жыйын"))
    assert delivery.outcome == Outcome.retry and delivery.error == "429 retry_after=300"
    assert fake.sent_to(803) == []


async def test_a_429_holds_every_chat_and_the_retry_takes_a_paced_slot(
    fake, aiogram_bot, tmp_path
) -> None:
    fake.stats.log_to(str(tmp_path / "requests.log"))
    fake.fail_next("sendMessage", chat_id=901, retry_after=1)
    pace = Pace(rate=20, per_address=1.0)  # slots 51 ms apart: 901's answer comes before 906's
    sender = TelegramSender(aiogram_bot, rate=20)
    chats = [str(chat) for chat in range(901, 907)]
    deliveries = await asyncio.gather(
        *(sender.send(chat, Reply(text="Жыйын"), pace.gate(chat)) for chat in chats)
    )
    fake.stats.close()

    assert all(delivery.outcome == Outcome.sent for delivery in deliveries)
    sends = read_log(tmp_path / "requests.log")
    [refused] = [send for send in sends if send.status == 429]
    after = [send for send in sends if send.accepted and send.at > refused.at + 0.1]
    assert after and all(send.at >= refused.at + 1.0 for send in after)  # the channel held
    assert summarize(sends, chats).lost == summarize(sends, chats).duplicates == 0
    assert [send.status for send in sends if send.recipient == "901"] == [429, 200]
    assert pace.rate is not None and pace.rate < 20  # the limit was lower than we thought
