"""Authenticated webhook bodies that are not a Telegram Update: a 4xx and one log line, never a
5xx or a traceback; a body too large is refused while it is read."""

from __future__ import annotations

import json
import logging

import httpx
import pytest
from sqlalchemy import func, select

from bot.channels.telegram.channel import WEBHOOK_PATH
from models import Person
from tests.bot.channels.telegram.conftest import SECRET

NOT_UPDATES = [
    b"[1,2]",
    b"42",
    b"null",
    b'"update"',
    b'{"update_id":5,"message":"text"}',
    b'{"update_id":6,"message":{"message_id":1,"date":0,"chat":{"id":"abc","type":"private"}}}',
    b'{"update_id":7,"message":{"message_id":1,"date":0,"chat":{"id":1e400,"type":"private"}}}',
    b'{"update_id":8,"message":{"message_id":1,"date":0,"location":{"latitude":NaN,"longitude":1},'
    b'"chat":{"id":1,"type":"private"}}}',
    b'{"update_id":99999999999999999999999999,"message":{"message_id":1,"date":0,'
    b'"chat":{"id":1,"type":"private"},"text":"hi"}}',
    b'{"update_id":9,"message":{"message_id":1,"date":0,"text":"hi",'
    b'"chat":{"id":12345678901234567890123456789012345678901234567890,"type":"private"}}}',
    b"[" * 30_000 + b"]" * 30_000,
    b'{"update_id":10,"message":' + b"[" * 30_000 + b"]" * 30_000 + b"}",
    b"\xff\xfe{}",
    b"",
]


async def post_raw(bot, body: bytes, **headers: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=bot.http)
    async with httpx.AsyncClient(transport=transport, base_url="https://kenesh.example") as client:
        return await client.post(
            WEBHOOK_PATH,
            content=body,
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET, **headers},
        )


@pytest.mark.parametrize("body", NOT_UPDATES, ids=lambda b: b[:40].decode("latin-1"))
async def test_a_body_that_is_not_an_update_gets_400_and_one_log_line(
    webhook_bot, body: bytes, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    for _ in range(3):  # Telegram retries what it was refused a few times
        response = await post_raw(webhook_bot, body)
        assert response.status_code == 400, response.text
    refusals = [r for r in caplog.records if "not an update" in r.getMessage()]
    assert len(refusals) == 1 and refusals[0].levelno == logging.WARNING
    assert "\n" not in refusals[0].getMessage() and refusals[0].exc_info is None
    assert not [r for r in caplog.records if r.exc_info]
    async with webhook_bot.app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 0


async def test_the_log_line_never_quotes_the_body(webhook_bot, caplog) -> None:
    body = json.dumps({"update_id": 11, "message": {"text": "my phone is +996555123456"}})
    assert (await post_raw(webhook_bot, body.encode())).status_code == 400
    assert "+996555123456" not in caplog.text


async def test_the_bot_still_answers_after_hostile_bodies(webhook_bot, fake) -> None:
    for body in NOT_UPDATES:
        await post_raw(webhook_bot, body)
    update = fake.message(650, text="/start")
    assert (await webhook_bot.post(update)).status_code == 200
    await webhook_bot.settle(update["update_id"])
    assert fake.sent_to(650)


async def test_a_huge_update_is_refused_before_it_is_read_whole(webhook_bot, fake) -> None:
    update = fake.message(651, text="x" * 4000)
    padded = json.dumps(update | {"padding": "y" * 30_000_000}).encode()
    # declared length: refused at once
    assert (await post_raw(webhook_bot, padded)).status_code == 413
    # streamed without a length: refused once the limit is passed, the rest never read
    chunks_read = 0

    async def stream():
        nonlocal chunks_read
        for start in range(0, len(padded), 65536):
            chunks_read += 1
            yield padded[start : start + 65536]

    transport = httpx.ASGITransport(app=webhook_bot.http)
    async with httpx.AsyncClient(transport=transport, base_url="https://kenesh.example") as client:
        response = await client.post(
            WEBHOOK_PATH, content=stream(), headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
    assert response.status_code == 413
    assert chunks_read <= 3
    async with webhook_bot.app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 0


async def test_an_update_of_a_long_message_replying_to_another_fits(webhook_bot, fake) -> None:
    update = fake.message(652, text="ж" * 4096)
    update["message"]["reply_to_message"] = dict(update["message"], message_id=1)
    body = json.dumps(update).encode()  # ensure_ascii: \\u0436, as the Bot API sends it
    assert len(body) > 48_000
    assert (await post_raw(webhook_bot, body)).status_code == 200
