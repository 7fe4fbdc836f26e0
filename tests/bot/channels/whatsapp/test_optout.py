"""A person who stopped the business's messages (WhatsApp's 131050 in a status report): a notice
queued before it is never sent after it, one queued after it is skipped at once."""

from __future__ import annotations

from sqlalchemy import select

from bot.delivery import notify
from models import Address, OutboxMessage, OutboxStatus, Person
from tests.bot.channels.whatsapp.conftest import status_event
from tests.conftest import until

NOTICE = "Your report N-000001 is now: resolved."


async def queue_notice(bot, phone: str) -> int:
    async with bot.app.sessions() as session, session.begin():
        found = await session.scalar(select(Address).where(Address.value == phone))
        row = await notify.enqueue(session, await session.get(Person, found.person_id), NOTICE)
    bot.runtime.worker.wake()
    return row.id


async def outcome(bot, message_id: int) -> tuple[OutboxStatus, str | None]:
    async with bot.app.sessions() as session:
        row = await session.get(OutboxMessage, message_id)
        return row.status, row.error


async def stop_messages(bot, user) -> None:
    """WhatsApp reports that the person stopped the business's messages."""
    last = bot.graph.sent_to(user.wa_id)[-1]
    report = status_event(last.wamid, "failed", user.wa_id, 131050, "User stopped messages")
    assert (await bot.post(report)).status_code == 200
    async with bot.app.sessions() as session:
        found = await session.scalar(select(Address).where(Address.value == user.phone))
    assert found.unreachable


async def test_a_notice_queued_before_the_stop_is_never_sent_after_it(wa_bot, wa_user) -> None:
    user = wa_user("996555600001")
    await user.onboard()
    await wa_bot.runtime.worker.stop()  # the notice waits in the outbox while the person stops
    notice = await queue_notice(wa_bot, user.phone)
    await stop_messages(wa_bot, user)
    await wa_bot.runtime.worker.start()
    wa_bot.runtime.worker.wake()

    async def finished() -> bool:
        return (await outcome(wa_bot, notice))[0] not in (OutboxStatus.queued, OutboxStatus.sending)

    await until(finished)
    assert await outcome(wa_bot, notice) == (OutboxStatus.skipped, "unreachable")
    assert not any(NOTICE in m.text for m in wa_bot.graph.sent_to(user.wa_id))  # not even tried


async def test_a_notice_after_the_stop_is_skipped_at_once(wa_bot, wa_user) -> None:
    user = wa_user("996555600002")
    await user.onboard()
    await stop_messages(wa_bot, user)
    await wa_bot.runtime.worker.stop()  # no worker: only the queueing itself can skip it
    notice = await queue_notice(wa_bot, user.phone)
    assert await outcome(wa_bot, notice) == (OutboxStatus.skipped, "unreachable")
