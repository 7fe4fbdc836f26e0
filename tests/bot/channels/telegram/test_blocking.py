"""Blocking the bot is Telegram's STOP: a notice queued before it is never sent after it, a
notice queued after it is skipped at once, and a stale block does not undo a later message."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.delivery import notify
from models import Address, AuditEvent, OutboxMessage, OutboxStatus, Person
from tests.conftest import until

CHAT = 721


async def address(bot, chat_id: int) -> Address:
    async with bot.app.sessions() as session:
        return await session.scalar(select(Address).where(Address.value == str(chat_id)))


async def queue_notice(bot, chat_id: int, text: str) -> int:
    async with bot.app.sessions() as session, session.begin():
        found = await session.scalar(select(Address).where(Address.value == str(chat_id)))
        row = await notify.enqueue(session, await session.get(Person, found.person_id), text)
    bot.runtime.worker.wake()
    return row.id


async def row(bot, message_id: int) -> OutboxMessage:
    async with bot.app.sessions() as session:
        return await session.get(OutboxMessage, message_id)


async def finished(bot, message_id: int) -> bool:
    return (await row(bot, message_id)).status not in (OutboxStatus.queued, OutboxStatus.sending)


async def block(bot, chat_id: int, **changes) -> None:
    """The person blocks the bot; Telegram sends the `kicked` update."""
    bot.fake.block(chat_id)
    update = bot.fake.my_chat_member(chat_id, "private", "kicked", user_id=chat_id)
    update["my_chat_member"] |= changes
    await bot.deliver(update)


def texts_to(bot, chat_id: int) -> list[str]:
    return [c.params.get("text", "") for c in bot.fake.calls_to("sendMessage")
            if c.params["chat_id"] == chat_id]  # fmt: skip


async def test_a_notice_queued_before_the_block_is_never_sent_after_it(bot, telegram_user) -> None:
    await telegram_user(CHAT).onboard()
    await bot.runtime.worker.stop()  # the notice waits in the outbox while the person blocks
    notice = await queue_notice(bot, CHAT, "Your report is in progress")
    await block(bot, CHAT)

    async def unreachable() -> bool:
        return (await address(bot, CHAT)).unreachable

    await until(unreachable)
    await bot.runtime.worker.start()
    bot.runtime.worker.wake()
    await until(lambda: finished(bot, notice))
    stored = await row(bot, notice)
    assert (stored.status, stored.error) == (OutboxStatus.skipped, "unreachable")
    assert "Your report is in progress" not in texts_to(bot, CHAT)  # not even tried
    async with bot.app.sessions() as session:
        actions = (await session.scalars(select(AuditEvent.action))).all()
    assert "telegram_blocked" in actions


async def test_a_notice_for_a_blocked_chat_is_skipped_at_once(bot, telegram_user) -> None:
    await telegram_user(CHAT).onboard()
    await bot.runtime.worker.stop()  # no worker: only the queueing itself can skip it
    await block(bot, CHAT)

    async def unreachable() -> bool:
        return (await address(bot, CHAT)).unreachable

    await until(unreachable)
    stored = await row(bot, await queue_notice(bot, CHAT, "Your report is in progress"))
    assert (stored.status, stored.error) == (OutboxStatus.skipped, "unreachable")
    await bot.runtime.worker.start()


async def test_unblocking_makes_the_chat_reachable_and_a_stale_block_is_ignored(
    bot, telegram_user
) -> None:
    user = telegram_user(CHAT)
    await user.onboard()
    await block(bot, CHAT)

    async def reachable() -> bool:
        return not (await address(bot, CHAT)).unreachable

    await until(lambda: _not(reachable))
    bot.fake.unblock(CHAT)
    await bot.deliver(bot.fake.my_chat_member(CHAT, "private", "member", user_id=CHAT))
    await until(reachable)
    await user.say("menu")
    assert "Main menu" in user.screen

    # Telegram delivers the block again, late: it is older than the person's last message
    seen = (await address(bot, CHAT)).last_seen_at
    await block(bot, CHAT, date=int((seen - timedelta(minutes=5)).timestamp()))

    async def ignored() -> bool:
        async with bot.app.sessions() as session:
            found = await session.scalars(
                select(AuditEvent.outcome).where(AuditEvent.action == "telegram_blocked")
            )
            return "ignored" in found.all()

    await until(ignored)
    assert await reachable()
    bot.fake.unblock(CHAT)  # the fake refuses while blocked; the person never blocked again
    await user.say("help")
    assert "MENU — main menu" in user.screen


async def _not(condition) -> bool:
    return not await condition()


async def test_a_notice_claimed_while_a_send_finds_the_block_is_skipped_not_requeued(
    bot, telegram_user
) -> None:
    """The worker took the second notice while the first was still out, before the 403 said
    the chat is blocked: the second is skipped then, not put back to be tried again later."""
    await telegram_user(CHAT).onboard()
    bot.fake.block(CHAT)  # Telegram's own update about it has not come (yet)
    bot.fake.hang_next("sendMessage", 2.0, chat_id=CHAT)
    first = await queue_notice(bot, CHAT, "Your report is received")

    async def status(message_id: int) -> OutboxStatus:
        return (await row(bot, message_id)).status

    async def first_out() -> bool:
        return await status(first) == OutboxStatus.sending

    await until(first_out)
    second = await queue_notice(bot, CHAT, "Your report is in progress")

    async def both_done() -> bool:
        return await finished(bot, first) and await status(second) != OutboxStatus.sending

    async def second_taken() -> bool:
        return await status(second) != OutboxStatus.queued

    await until(second_taken)
    await until(both_done)
    assert (await row(bot, first)).error.startswith("403")
    stored = await row(bot, second)
    assert (stored.status, stored.error) == (OutboxStatus.skipped, "unreachable")
    assert "Your report is in progress" not in texts_to(bot, CHAT)
