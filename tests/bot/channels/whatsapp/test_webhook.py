"""The webhook: Meta's handshake, signatures, each message once, statuses on the outbox."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from models import Address, OutboxMessage, OutboxStatus, Person
from tests.bot.channels.whatsapp.conftest import VERIFY, message_event, sign, status_event


async def count(bot, model) -> int:
    async with bot.app.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_the_handshake_echoes_the_challenge_for_our_verify_token_only(wa_bot) -> None:
    ok = await wa_bot.get(
        {"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"}
    )
    assert ok.status_code == 200 and ok.text == "1158201444"
    wrong = await wa_bot.get(
        {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1158201444"}
    )
    assert wrong.status_code == 403 and "1158201444" not in wrong.text


async def test_a_forged_or_missing_signature_is_refused_and_nothing_is_stored(wa_bot) -> None:
    payload = message_event("996555100001", "text", {"body": "hi"})
    body = json.dumps(payload).encode()
    forged = await wa_bot.post(payload, signature=sign(body, "not-the-secret"))
    missing = await wa_bot.post(payload, signature=None)
    assert forged.status_code == 401 and missing.status_code == 401
    assert await count(wa_bot, Person) == 0 and await count(wa_bot, OutboxMessage) == 0
    assert wa_bot.graph.messages == []


async def test_each_message_is_handled_once(wa_bot, wa_user) -> None:
    user = wa_user("996555100002")
    payload = message_event(user.wa_id, "text", {"body": "hi"}, wamid="wamid.ONCE")
    wa_bot.graph.opened(user.wa_id)
    for _ in range(3):  # Meta redelivers when it misses our 200
        assert (await wa_bot.post(payload)).status_code == 200
    await wa_bot.settle("wamid.ONCE")
    assert len(wa_bot.graph.sent_to(user.wa_id)) == 1  # one welcome, not three


async def test_statuses_update_the_outbox_row(wa_bot, wa_user) -> None:
    user = wa_user("996555100003")
    [welcome] = await user.say("hi")
    await wa_bot.post(status_event(welcome.wamid, "sent", user.wa_id))
    await wa_bot.post(status_event(welcome.wamid, "delivered", user.wa_id))
    await wa_bot.post(status_event(welcome.wamid, "read", user.wa_id))
    await wa_bot.post(status_event(welcome.wamid, "sent", user.wa_id))  # late: changes nothing
    async with wa_bot.app.sessions() as session:
        row = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.provider_id == welcome.wamid)
        )
    assert row.status == OutboxStatus.delivered and row.provider_status == "read"


async def test_a_failed_status_records_its_code_and_undeliverable_marks_the_address(
    wa_bot, wa_user
) -> None:
    user = wa_user("996555100004")
    [welcome] = await user.say("hi")
    await wa_bot.post(
        status_event(welcome.wamid, "failed", user.wa_id, 131026, "Message undeliverable")
    )
    async with wa_bot.app.sessions() as session:
        row = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.provider_id == welcome.wamid)
        )
        address = await session.scalar(select(Address).where(Address.value == user.phone))
    assert row.status == OutboxStatus.failed and row.error.startswith("whatsapp 131026")
    assert address.unreachable  # nothing more goes there until they write again
    await user.say("hello again")
    async with wa_bot.app.sessions() as session:
        address = await session.scalar(select(Address).where(Address.value == user.phone))
    assert not address.unreachable
