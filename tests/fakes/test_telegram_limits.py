"""Telegram's rate limits in the fake Bot API, and its send counters, through the real aiogram."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramRetryAfter

from tests.fakes.telegram_api import FakeTelegram

TOKEN = "123456:TEST-token"


def make_bot(base_url: str) -> Bot:
    """The real aiogram Bot, talking to the fake at `base_url`."""
    return Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)))


@contextlib.asynccontextmanager
async def limited(**options: Any) -> AsyncIterator[tuple[FakeTelegram, Bot]]:
    """A fake started with `options` (rates, lean), and a bot talking to it."""
    fake = FakeTelegram(**options)
    await fake.start()
    bot = make_bot(fake.base_url)
    try:
        yield fake, bot
    finally:
        await bot.session.close()
        await fake.stop()


async def send_all(bot: Bot, sends: list[tuple[int, str]], **kwargs: bool) -> list[int]:
    """Send each (chat, text) in turn; the ``retry_after`` of each throttled one (0 if sent)."""
    waits = []
    for chat_id, text in sends:
        try:
            await bot.send_message(chat_id, text, **kwargs)
            waits.append(0)
        except TelegramRetryAfter as error:
            waits.append(error.retry_after)
    return waits


async def test_overall_rate_answers_retry_after_until_a_token_refills() -> None:
    async with limited(rate=5) as (fake, bot):
        waits = await send_all(bot, [(chat, "news") for chat in range(10)])  # rate + 5

        assert waits[:5] == [0] * 5  # one second's burst
        assert 1 in waits[5:] and set(waits) <= {0, 1}
        assert fake.throttled == waits.count(1) == fake.stats.throttled
        throttled = [call for call in fake.calls_to("sendMessage") if call.status == 429]
        assert len(throttled) == fake.throttled
        assert throttled[0].params["text"] == "news"
        await asyncio.sleep(1)
        await bot.send_message(1, "after waiting")
        assert fake.stats.ok == waits.count(0) + 1


async def test_paid_broadcasts_use_their_own_bucket() -> None:
    async with limited(rate=1, paid_rate=3) as (fake, bot):
        assert await send_all(bot, [(1, "free"), (2, "free")]) == [0, 1]
        paid = [(chat, "paid") for chat in range(8)]
        waits = await send_all(bot, paid, allow_paid_broadcast=True)
        assert waits[:3] == [0] * 3 and 1 in waits[3:]  # the free sends took none of these
        assert (fake.stats.ok, fake.stats.paid) == (1 + waits.count(0), waits.count(0))
    async with limited(rate=2) as (fake, bot):  # without paid_rate, paid sends count against rate
        assert await send_all(bot, [(1, "paid")] * 2, allow_paid_broadcast=True) == [0, 0]
        assert await send_all(bot, [(2, "free")]) == [1]
    async with limited(paid_rate=1) as (fake, bot), aiohttp.ClientSession() as http:
        url = f"{fake.base_url}/bot{TOKEN}/sendMessage"
        statuses = []
        for paid in (True, True, False):  # a JSON boolean, as other clients send it
            payload = {"chat_id": 1, "text": "x", "allow_paid_broadcast": paid}
            async with http.post(url, json=payload) as response:
                statuses.append(response.status)
        assert statuses == [200, 429, 200]


async def test_per_chat_limit_allows_no_burst() -> None:
    async with limited(rate=30, per_chat=0.25) as (fake, bot):
        waits = await send_all(bot, [(7, f"line {n}") for n in range(3)] + [(8, "other")])

        assert waits[0] == 0 and waits[3] == 0
        assert waits[1] == waits[2] == 4  # one send every 4 seconds in chat 7
        refused = [call for call in fake.calls_to("sendMessage") if not call.ok]
        assert [(call.params["chat_id"], call.status) for call in refused] == [(7, 429)] * 2


async def test_stats_and_reset_routes_in_lean_mode() -> None:
    async with limited(lean=True) as (fake, bot), aiohttp.ClientSession() as http:
        before = time.time()
        for chat_id, text in [(1, "a"), (1, "b"), (1, "a"), (2, "a")]:
            await bot.send_message(chat_id, text)
        await bot.send_photo(1, "AgACphoto", caption="a")
        fake.fail_next("sendMessage", 429, retry_after=3)
        assert await send_all(bot, [(3, "x")]) == [3]

        assert fake.calls == [] and fake.messages == {}
        async with http.get(f"{fake.base_url}/_fake/stats") as response:
            stats = await response.json()
        assert {key: stats[key] for key in ("ok", "throttled", "duplicates", "recipients")} == {
            "ok": 5,
            "throttled": 1,
            "duplicates": 1,
            "recipients": 2,
        }
        assert before <= stats["first_sent_at"] <= stats["last_sent_at"] <= time.time()
        assert 1 <= stats["max_per_second"] <= 5
        assert stats["settings"] == {
            "service": "telegram",
            **dict.fromkeys(("rate", "paid_rate", "per_chat")),
            "lean": True,
        }
        async with http.post(f"{fake.base_url}/_fake/reset") as response:
            assert response.status == 200
        assert fake.stats.ok == fake.throttled == 0
