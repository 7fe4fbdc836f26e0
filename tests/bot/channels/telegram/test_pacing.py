"""One message a second to one chat, end to end: the real aiogram sender, the worker's pace on
(the other tests switch it off), against a fake Bot API that enforces Telegram's limits strictly
(at most one message a second in a chat, 30 a second overall, 429 past either)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from itertools import pairwise

import pytest

from bot.delivery import notify
from models import Person
from tests.bot.channels.telegram.conftest import start_bot
from tests.conftest import clear
from tests.factories import create_resident
from tests.fakes.limits import ROUNDING
from tests.fakes.telegram_api import FakeTelegram

TELEGRAM_PER_CHAT = 1.0  # seconds between two messages to one chat (Telegram's FAQ)
LONG = "\n\n".join(["Word " * 300] * 5)  # about 7,500 characters: three messages


@pytest.fixture
async def strict() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram(max_poll_wait=0.2, rate=30, per_chat=1)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def paced(database, strict):
    await clear(database)
    bot = await start_bot(database, strict, webhook=True, per_address_interval=TELEGRAM_PER_CHAT)
    yield bot
    await bot.runtime.stop()


async def queue_notices(app, chat_id: int, texts: list[str]) -> None:
    resident = await create_resident(app, str(chat_id), channel="telegram")
    async with app.sessions() as session, session.begin():
        person = await session.get(Person, resident.id)
        for text in texts:
            await notify.enqueue(session, person, text)


async def test_messages_to_one_chat_are_a_second_apart_and_never_refused(paced, strict) -> None:
    await queue_notices(paced.app, 741, ["Your report is received", LONG, "It is resolved"])
    await queue_notices(paced.app, 742, ["A tender is open", "It closes on Friday"])
    paced.runtime.worker.wake()
    first = await strict.wait_for_calls("sendMessage", 5, timeout=60, chat_id=741)
    second = await strict.wait_for_calls("sendMessage", 2, timeout=60, chat_id=742)

    assert strict.throttled == 0  # no 429: we kept the pace, the fake never had to refuse
    assert [c.params["text"][:12] for c in first] == [
        "Your report ", "Word Word Wo", "Word Word Wo", "Word Word Wo", "It is resolv",
    ]  # fmt: skip
    for calls in (first, second):
        gaps = [later.at - earlier.at for earlier, later in pairwise(calls)]
        assert all(gap >= TELEGRAM_PER_CHAT - ROUNDING for gap in gaps), gaps
