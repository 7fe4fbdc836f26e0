"""Twilio webhook bodies no Twilio would send: refused with 403 or 413, never a 5xx."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from bot.channels.sms.sender import STATUS_PATH
from models import Person
from tests.bot.channels.sms.conftest import PUBLIC, inbound

PATHS = ["/sms/twilio", STATUS_PATH]


async def post_raw(bot, path: str, body, **headers: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=bot.http)
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC) as client:
        return await client.post(
            path,
            content=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
        )


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("body", [b"\xff", b"Body=\xc3\x28&From=%2B996555", b"\x00\x80\xfe"])
async def test_a_body_that_is_not_utf8_is_refused_unsigned(sms_bot, path, body) -> None:
    response = await post_raw(sms_bot, path, body, **{"X-Twilio-Signature": "forged"})
    assert response.status_code == 403
    response = await post_raw(sms_bot, path, body)
    assert response.status_code == 403
    async with sms_bot.app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 0


@pytest.mark.parametrize("path", PATHS)
async def test_a_huge_form_is_refused_while_it_is_read(sms_bot, path) -> None:
    form = "&".join(f"{k}={v}" for k, v in inbound("+996555100900", "hi").items())
    body = (form + "&Padding=" + "x" * 5_000_000).encode()
    assert (await post_raw(sms_bot, path, body)).status_code == 413
    chunks_read = 0

    async def stream():
        nonlocal chunks_read
        for start in range(0, len(body), 16384):
            chunks_read += 1
            yield body[start : start + 16384]

    assert (await post_raw(sms_bot, path, stream())).status_code == 413
    assert chunks_read <= 4


async def test_a_long_body_in_cyrillic_still_fits(sms_user) -> None:
    # 1,600 characters of a four-byte script, each percent-encoded to 12 bytes: Twilio's worst
    (reply,) = await sms_user("+996555100901").say("𐰀" * 1600)
    assert "Choose your language" in reply["text"]


async def test_a_status_report_never_touches_another_channels_message(sms_bot) -> None:
    from bot.delivery import notify
    from models import Address, OutboxMessage, OutboxStatus
    from tests.factories import create_resident

    person = await create_resident(sms_bot.app, "sim-reader")  # a simulator chat
    async with sms_bot.app.sessions() as session, session.begin():
        await notify.enqueue(session, await session.get(Person, person.id), "A notice")
        row = await session.scalar(select(OutboxMessage))
    status = {"MessageSid": "SM\x00" + "f" * 32, "MessageStatus": "undelivered\x00"}
    status |= {"ErrorCode": "21610", "AccountSid": "AC"}
    response = await sms_bot.post(f"{STATUS_PATH}?outbox={row.id}", status)
    assert response.status_code == 204
    async with sms_bot.app.sessions() as session:
        after = await session.get(OutboxMessage, row.id)
        address = await session.get(Address, row.address_id)
    assert (after.status, after.provider_status, after.error) == (row.status, None, None)
    assert after.status != OutboxStatus.failed and not address.opted_out
