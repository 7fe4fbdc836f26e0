"""Group commit on SMS: a burst of webhooks shares transactions, and every SMS is still answered
as if it came alone — TwiML replies with their outbox rows, STOP, redeliveries, failures."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event, select

from bot.channels.sms.stop import STOPPED
from bot.i18n import translator
from models import Address, OutboxMessage, OutboxStatus
from tests.bot.channels.sms.conftest import inbound, messages, start_sms_bot
from tests.conftest import clear


def duplicate_checks(database) -> list[int]:
    """A counter of the statements that record inbound ids (one per transaction of SMS)."""
    seen: list[int] = []

    @event.listens_for(database.engine.sync_engine, "before_cursor_execute")
    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("INSERT") and "processed_inbound" in statement:
            seen.append(1)

    return seen


async def burst(bot, params: list[dict[str, str]]) -> list[list[dict]]:
    responses = await asyncio.gather(*(bot.post("/sms/twilio", p) for p in params))
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    return [messages(r) for r in responses]


async def test_a_burst_shares_transactions_and_each_sms_gets_its_own_answer(
    sms_bot, database
) -> None:
    phones = [f"+99655510{i:04d}" for i in range(20)]
    checks = duplicate_checks(database)
    answers = await burst(sms_bot, [inbound(phone, "Salam") for phone in phones])
    assert all(len(a) == 1 and "Choose your language" in a[0]["text"] for a in answers)
    assert len(checks) < len(phones)  # several SMS to a transaction
    async with sms_bot.app.sessions() as session:
        rows = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
        numbers = {a.id: a.value for a in (await session.scalars(select(Address))).all()}
    # each answer names its own row in its status callback, and that row went out in TwiML
    assert len(rows) == len(phones)
    for phone, (answer,) in zip(phones, answers, strict=True):
        (row,) = [r for r in rows if numbers[r.address_id] == phone]
        assert answer["action"].endswith(f"?outbox={row.id}")
        assert (row.status, row.provider_status) == (OutboxStatus.sent, "twiml")
        assert row.sent_at is not None and row.not_before is None
    assert await sms_bot.runtime.worker.run_once() == 0  # nothing left for the worker to send
    assert sms_bot.twilio.messages == []


async def test_stop_and_redeliveries_inside_a_burst(sms_bot, sms_user) -> None:
    quitter = sms_user("+996555120001")
    await quitter.say("hi")
    await quitter.say("4")  # English
    again = inbound("+996555120002", "hi", sid="SM" + "a" * 32)
    answers = await burst(
        sms_bot,
        [inbound(quitter.phone, "STOP"), again, again, inbound("+996555120003", "hi")],
    )
    assert [a["text"] for a in answers[0]] == [translator("en").t(STOPPED)]
    assert "outbox=" not in answers[0][0]["action"]  # a command's answer has no outbox row
    assert sorted(len(a) for a in answers[1:3]) == [0, 1]  # one MessageSid, answered once
    assert "Choose your language" in answers[3][0]["text"]
    async with sms_bot.app.sessions() as session:
        stopped = await session.scalar(select(Address).where(Address.value == quitter.phone))
    assert stopped.opted_out
    assert await quitter.say("hello?") == []  # silence for an opted-out number


async def test_one_failing_turn_does_not_cost_others_their_answer(
    sms_bot, sms_user, monkeypatch
) -> None:
    good, bad = sms_user("+996555130001"), sms_user("+996555130002")
    for user in (good, bad):
        await user.say("hi")
        await user.say("4")
    conversation = sms_bot.app.conversation
    original = conversation.run_turn

    async def explode(session, message, *args, **kwargs):
        if message.address == bad.phone:
            raise RuntimeError("boom")
        return await original(session, message, *args, **kwargs)

    monkeypatch.setattr(conversation, "run_turn", explode)
    answers = await burst(sms_bot, [inbound(good.phone, "1"), inbound(bad.phone, "1")])
    assert answers[0] and not answers[0][0]["text"].startswith("Sorry")
    assert answers[1][0]["text"].startswith("Sorry, something went wrong")


@pytest.mark.parametrize("group_commit", [True, False])
async def test_the_one_by_one_path_answers_the_same(database, twilio, group_commit) -> None:
    await clear(database)
    bot = await start_sms_bot(database, twilio, sms_group_commit=group_commit)
    try:
        response = await bot.post("/sms/twilio", inbound("+996555140001", "Salam"))
        (answer,) = messages(response)
        assert "Choose your language" in answer["text"]
        async with bot.app.sessions() as session:
            row = await session.scalar(select(OutboxMessage))
        assert answer["action"].endswith(f"?outbox={row.id}")
        assert (row.status, row.provider_status) == (OutboxStatus.sent, "twiml")
    finally:
        await bot.runtime.stop()
