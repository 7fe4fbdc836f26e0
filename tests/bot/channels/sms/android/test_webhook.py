"""The gateway's webhook: signed and fresh or refused with nothing stored; each SMS once; the
number in E.164; the person the same as on Twilio; delivery events on the outbox row."""

from __future__ import annotations

import json
import time

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import func, select

from bot.channels.sms.android.webhook import signature
from models import Address, OutboxMessage, Person, ProcessedInbound
from tests.bot.channels.sms.android.conftest import BARPY_PHONE, start_gateway_bot
from tests.bot.channels.sms.conftest import inbound, start_sms_bot
from tests.conftest import clear
from tests.fakes.twilio_api import FakeTwilio


async def counts(bot) -> tuple[int, int, int]:
    async with bot.app.sessions() as session:
        people = await session.scalar(select(func.count()).select_from(Person))
        outbox = await session.scalar(select(func.count()).select_from(OutboxMessage))
        seen = await session.scalar(select(func.count()).select_from(ProcessedInbound))
    return people, outbox, seen


def received(gateway, text: str = "Salam", sender: str = "0555 123 456") -> tuple[bytes, dict]:
    phone = gateway.phones["dev-barpy"]
    payload = {
        "messageId": "abc123",
        "message": text,
        "sender": sender,
        "recipient": BARPY_PHONE,
        "simNumber": 1,
        "receivedAt": "2026-12-01T15:46:11.000+06:00",
    }
    return gateway.signed(phone, "sms:received", payload)


@pytest.mark.parametrize(
    "tamper",
    ["forged", "missing", "stale", "future", "other key", "body changed", "not ascii digits"],
)
async def test_unsigned_or_stale_webhooks_get_401_and_store_nothing(
    gateway_bot, gateway, tamper: str
) -> None:
    body, headers = received(gateway)
    if tamper == "forged":
        headers["X-Signature"] = "0" * 64
    elif tamper == "missing":
        del headers["X-Signature"], headers["X-Timestamp"]
    elif tamper in ("stale", "future"):
        # signed properly, but more than five minutes away from now: a replay
        skew = -301 if tamper == "stale" else 301
        headers["X-Timestamp"] = str(int(time.time()) + skew)
        headers["X-Signature"] = signature(gateway.signing_key, body, headers["X-Timestamp"])
    elif tamper == "other key":
        headers["X-Signature"] = signature("not-our-key", body, headers["X-Timestamp"])
    elif tamper == "not ascii digits":  # "²" is a digit to str.isdigit, not to int()
        headers["X-Timestamp"] = "¹²³¹²³¹²³¹".encode("latin-1")  # as a header can carry it
        headers["X-Signature"] = signature(gateway.signing_key, body, "1231231231")
    else:
        body = body.replace(b"Salam", b"STOP!")
    response = await gateway_bot.post(body, headers)
    assert response.status_code == 401
    assert await counts(gateway_bot) == (0, 0, 0)


async def test_a_body_larger_than_any_event_is_refused_unread(gateway_bot, gateway) -> None:
    body, headers = received(gateway, text="x" * 70_000)
    response = await gateway_bot.post(body, headers)
    assert response.status_code == 413
    assert await counts(gateway_bot) == (0, 0, 0)


async def test_a_webhook_four_minutes_old_is_still_taken(gateway_bot, gateway) -> None:
    body, headers = received(gateway)
    headers["X-Timestamp"] = str(int(time.time()) - 240)
    headers["X-Signature"] = signature(gateway.signing_key, body, headers["X-Timestamp"])
    assert (await gateway_bot.post(body, headers)).status_code == 204
    people, outbox, _ = await counts(gateway_bot)
    assert people == 1 and outbox >= 1


async def test_a_redelivered_sms_is_handled_once_but_the_same_words_again_are_new(
    gateway_bot, gateway
) -> None:
    body, headers = received(gateway)
    assert (await gateway_bot.post(body, headers)).status_code == 204
    after_first = await counts(gateway_bot)
    # the phone retries (a new event id and timestamp, the same message) …
    again = json.loads(body)
    again["id"] = "another-event-id"
    retry, retry_headers = gateway.signed(
        gateway.phones["dev-barpy"], "sms:received", again["payload"]
    )
    assert (await gateway_bot.post(retry, retry_headers)).status_code == 204
    assert await counts(gateway_bot) == after_first
    # … but the same text sent again later has the same content id and is a new message
    later = {**again["payload"], "receivedAt": "2026-12-01T15:47:30.000+06:00"}
    body3, headers3 = gateway.signed(gateway.phones["dev-barpy"], "sms:received", later)
    assert (await gateway_bot.post(body3, headers3)).status_code == 204
    people, outbox, seen = await counts(gateway_bot)
    assert people == 1 and seen == after_first[2] + 1 and outbox > after_first[1]


async def test_the_number_is_stored_in_e164_and_replies_go_back_through_that_phone(
    gateway_bot, gateway
) -> None:
    body, headers = received(gateway, sender="0555 123 456")
    await gateway_bot.post(body, headers)
    await gateway_bot.drain()
    async with gateway_bot.app.sessions() as session:
        address = await session.scalar(select(Address))
    assert (address.channel, address.value, address.route) == (
        "sms",
        "+996555123456",
        "android:barpy",
    )
    (reply,) = gateway.order
    assert reply.phone_numbers == ["+996555123456"] and reply.device_id == "dev-barpy"
    assert reply.request["withDeliveryReport"] is True


async def test_delivery_events_update_the_outbox_row(gateway_bot, gateway) -> None:
    await gateway_bot.post(*received(gateway))
    await gateway_bot.drain()
    async with gateway_bot.app.sessions() as session:
        row = await session.scalar(select(OutboxMessage))
    assert row.provider_id == gateway.order[0].id
    assert (row.status, row.provider_status) == ("delivered", "delivered")
    # a failure reported later is recorded with the phone's reason
    phone = gateway.phones["dev-barpy"]
    failed = {"messageId": row.provider_id, "recipient": "+996555123456", "reason": "No signal"}
    await gateway_bot.post(*gateway.signed(phone, "sms:failed", failed))
    async with gateway_bot.app.sessions() as session:
        row = await session.get(OutboxMessage, row.id, populate_existing=True)
    assert (row.status, row.error) == ("failed", "android: No signal")


async def test_webhooks_are_registered_with_the_gateway_on_start(gateway_bot, gateway) -> None:
    registered = {(w["url"], w["event"]) for w in gateway.webhooks.values()}
    events = {"sms:received", "sms:sent", "sms:delivered", "sms:failed", "system:ping"}
    assert registered == {("https://kenesh.example/sms/android", e) for e in events}


async def test_one_person_across_twilio_and_the_gateway(database, gateway) -> None:
    await clear(database)
    twilio = FakeTwilio()
    await twilio.start()
    bot = await start_sms_bot(
        database,
        twilio,
        smsgate_url=gateway.base_url,
        smsgate_username=gateway.username,
        smsgate_password=gateway.password,
        smsgate_signing_key=gateway.signing_key,
        smsgate_devices=json.dumps([{"name": "barpy", "id": "dev-barpy", "rate": 6000}]),
    )
    try:
        response = await bot.post("/sms/twilio", inbound("+996555123456", "Salam"))
        assert response.status_code == 200
        body, headers = received(gateway, text="2", sender="0555123456")
        # the same HTTP app serves both webhooks
        transport = ASGITransport(app=bot.http)
        async with AsyncClient(transport=transport, base_url="https://kenesh.example") as client:
            answer = await client.post("/sms/android", content=body, headers=headers)
        assert answer.status_code == 204
        async with bot.app.sessions() as session:
            people = await session.scalar(select(func.count()).select_from(Person))
            address = await session.scalar(select(Address))
            person = await session.get(Person, address.person_id)
        # one person, one SMS address: the "2" they sent to the phone answered Twilio's question
        assert people == 1 and address.route == "android:barpy" and person.language == "ru"
    finally:
        await bot.runtime.stop()
        await twilio.stop()


async def test_a_deployment_with_only_the_gateway_starts(database, gateway) -> None:
    await clear(database)
    bot = await start_gateway_bot(database, gateway)
    try:
        assert [lane for lane in bot.runtime.worker.senders] == ["android:barpy", "android:pool"]
    finally:
        await bot.runtime.stop()
