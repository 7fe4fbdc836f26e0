"""The Twilio webhook: signatures, duplicates, TwiML replies, opt-out words, statuses."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.delivery import notify
from models import Address, OutboxMessage, OutboxStatus, Person
from tests.bot.channels.sms.conftest import inbound
from tests.conftest import until


async def test_forged_and_missing_signatures_are_refused(sms_bot) -> None:
    params = inbound("+996555100100", "hello")
    for signature in (None, "", "bm90IGEgc2lnbmF0dXJl"):
        response = await sms_bot.post("/sms/twilio", params, signature=signature)
        assert response.status_code == 403
    tampered = dict(params, Body="something else")
    good = sms_bot.validator.compute_signature("https://kenesh.example/sms/twilio", params)
    assert (await sms_bot.post("/sms/twilio", tampered, signature=good)).status_code == 403
    async with sms_bot.app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 0


async def test_a_first_sms_is_answered_in_twiml(sms_user) -> None:
    user = sms_user("0555 100 101")
    (reply,) = await user.say("Salam")
    assert "Choose your language" in reply["text"] and "4 English" in reply["text"]
    assert reply["action"].startswith("https://kenesh.example/sms/twilio/status?outbox=")


async def test_a_duplicate_message_sid_changes_nothing(sms_bot) -> None:
    params = inbound("+996555100102", "hello", sid="SM" + "d" * 32)
    first = await sms_bot.post("/sms/twilio", params)
    again = await sms_bot.post("/sms/twilio", params)
    assert "<Message" in first.text and "<Message" not in again.text
    async with sms_bot.app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


async def test_phone_numbers_are_one_person_however_written(sms_bot, sms_user) -> None:
    await sms_user("0555 100 103").say("hi")
    await sms_user("+996555100103").say("4")
    async with sms_bot.app.sessions() as session:
        values = (await session.scalars(select(Address.value))).all()
    assert values == ["+996555100103"]


async def test_status_callbacks_are_stored(sms_bot, sms_user) -> None:
    user = sms_user("+996555100104")
    (reply,) = await user.say("hi")
    path = reply["action"].removeprefix("https://kenesh.example")
    status = {"MessageSid": "SM" + "e" * 32, "MessageStatus": "delivered", "AccountSid": "AC"}
    assert (await sms_bot.post(path, status, signature="forged")).status_code == 403
    assert (await sms_bot.post(path, status)).status_code == 204
    async with sms_bot.app.sessions() as session:
        message = await session.scalar(select(OutboxMessage))
    assert (message.status, message.provider_status, message.provider_id) == (
        OutboxStatus.delivered,
        "delivered",
        "SM" + "e" * 32,
    )


async def test_a_status_report_that_outruns_the_rest_answer_is_not_lost(sms_bot, sms_user) -> None:
    """Twilio reports a failure before its REST answer (with the SID) has reached us."""
    phone = "+996555100199"
    await sms_user(phone).say("hi")
    sms_bot.twilio.answer_when = answered = asyncio.Event()
    async with sms_bot.app.sessions() as session, session.begin():
        found = await session.scalar(select(Address).where(Address.value == phone))
        person = await session.get(Person, found.person_id)
        await notify.enqueue(session, person, "Your report N-000001 is now: resolved.")
    sms_bot.runtime.worker.wake()
    (sent,) = await sms_bot.twilio.wait_for(1, to=phone)  # created; the answer still held
    report = {"MessageSid": sent.sid, "MessageStatus": "undelivered", "ErrorCode": "30003"}
    posted = asyncio.create_task(sms_bot.post("/sms/twilio/status", report))
    answered.set()  # now the worker gets the SID and writes it
    assert (await posted).status_code == 204

    async def recorded() -> bool:
        async with sms_bot.app.sessions() as session:
            row = await session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "notice"))
        return row.status not in (OutboxStatus.queued, OutboxStatus.sending)

    await until(recorded)
    async with sms_bot.app.sessions() as session:
        row = await session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "notice"))
    assert (row.status, row.provider_status, row.error) == (
        OutboxStatus.failed,
        "undelivered",
        "twilio 30003",
    )
