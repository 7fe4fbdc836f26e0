"""STOP through a gateway phone: a notice queued before it is never sent after it (the claim
skips it), one queued after it is skipped at once; STOP's confirmation still goes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.channels.sms.segments import to_gsm
from bot.channels.sms.stop import RESUMED, STOPPED
from bot.delivery import notify
from bot.i18n import translator
from models import Address, OutboxMessage, OutboxStatus, Person

PHONE = "+996555300001"
NOTICE = "Your report N-000001 is now: resolved."


async def queue_notice(bot, phone: str, text: str) -> None:
    async with bot.app.sessions() as session, session.begin():
        found = await session.scalar(select(Address).where(Address.value == phone))
        await notify.enqueue(session, await session.get(Person, found.person_id), text)


async def notices(bot) -> list[tuple[OutboxStatus, str | None]]:
    async with bot.app.sessions() as session:
        found = await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "notice"))
        return [(row.status, row.error) for row in found]


async def test_a_notice_queued_before_stop_is_never_sent_after_it(gateway_bot, texter) -> None:
    person = texter(PHONE)
    await person.say("hi")
    await gateway_bot.runtime.worker.stop()  # the notice waits while the person stops
    await queue_notice(gateway_bot, PHONE, NOTICE)
    screen = await person.say("STOP")  # drained: the worker's claim saw both
    assert to_gsm(translator("ky").t(STOPPED)) in screen  # the confirmation still goes
    assert await notices(gateway_bot) == [(OutboxStatus.skipped, "opted_out")]
    assert not any(NOTICE in text for text in person.inbox())


async def test_a_notice_for_a_stopped_number_is_skipped_at_once(gateway_bot, texter) -> None:
    person = texter(PHONE)
    await person.say("hi")
    await person.say("STOP")
    await gateway_bot.runtime.worker.stop()  # no worker: only the queueing itself can skip it
    await queue_notice(gateway_bot, PHONE, NOTICE)
    assert await notices(gateway_bot) == [(OutboxStatus.skipped, "opted_out")]


async def test_a_stop_arriving_after_a_later_start_undoes_nothing(gateway_bot, texter) -> None:
    """The phone was offline: a STOP sent before the START that is in force arrives last."""
    person = texter(PHONE)
    await person.say("hi")
    now = datetime.now(UTC)

    async def text_at(text: str, minutes_ago: int) -> str:
        person.seen = len(person.inbox())
        sent = (now - timedelta(minutes=minutes_ago)).isoformat(timespec="milliseconds")
        assert await gateway_bot.gateway.receive("dev-barpy", PHONE, text, sent) == [204]
        await gateway_bot.drain()
        return person.screen

    assert to_gsm(translator("ky").t(STOPPED)) in await text_at("STOP", 10)
    assert to_gsm(translator("ky").t(RESUMED)) in await text_at("START", 1)
    assert await text_at("STOP", 5) == ""  # sent before the START: not applied, not answered
    async with gateway_bot.app.sessions() as session:
        found = await session.scalar(select(Address).where(Address.value == PHONE))
    assert not found.opted_out
