"""Sending to Telegram: 403 stops sending to that chat, 429 and 5xx retry, nothing vanishes."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.delivery import notify
from models import Address, OutboxMessage, OutboxStatus, Person, ProcessedInbound
from tests.bot.channels.telegram.conftest import wait_for_text


async def onboarded(telegram_user, chat_id: int):
    user = telegram_user(chat_id)
    await user.onboard()
    return user


async def outbox(bot) -> list[OutboxMessage]:
    async with bot.app.sessions() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def queue_notice(bot, chat_id: int, text: str) -> None:
    async with bot.app.sessions() as session, session.begin():
        address = await session.scalar(select(Address).where(Address.value == str(chat_id)))
        await notify.enqueue(session, await session.get(Person, address.person_id), text)
    bot.runtime.worker.wake()


async def test_a_blocked_chat_is_marked_unreachable_until_the_person_writes_again(
    bot, telegram_user
) -> None:
    user = await onboarded(telegram_user, 701)
    bot.fake.block(701)
    await user.say("help")
    failed = [m for m in await outbox(bot) if m.status == OutboxStatus.failed]
    assert len(failed) == 1 and failed[0].error.startswith("403 Forbidden: bot was blocked")
    async with bot.app.sessions() as session:
        assert (await session.scalar(select(Address).where(Address.value == "701"))).unreachable

    await queue_notice(bot, 701, "Your report is in progress")
    await bot.settle(None)
    skipped = [m for m in await outbox(bot) if m.body == "Your report is in progress"]
    assert skipped[0].status == OutboxStatus.skipped and skipped[0].error == "unreachable"
    blocked_attempts = len(bot.fake.calls_to("sendMessage"))
    await queue_notice(bot, 701, "Another notice")
    await bot.settle(None)
    assert len(bot.fake.calls_to("sendMessage")) == blocked_attempts  # nothing more was tried

    bot.fake.unblock(701)
    await user.say("menu")  # writing again makes the chat reachable
    assert "Main menu" in user.screen


async def test_429_waits_retry_after_and_sends(bot, telegram_user) -> None:
    user = await onboarded(telegram_user, 702)
    bot.fake.fail_next("sendMessage", 429, chat_id=702, retry_after=1)
    await user.say("help")
    attempts = [c for c in bot.fake.calls_to("sendMessage") if c.params["chat_id"] == 702]
    assert [c.status for c in attempts[-2:]] == [429, 200]  # refused, then sent after the wait
    assert "MENU — main menu" in user.screen


async def test_server_errors_retry_with_backoff(bot, telegram_user) -> None:
    user = await onboarded(telegram_user, 703)
    bot.fake.fail_next("sendMessage", 502, "Bad Gateway", chat_id=703, times=2)
    await user.say("help")
    assert "MENU — main menu" in user.screen
    assert all(m.status == OutboxStatus.sent for m in await outbox(bot))


async def test_a_permanent_error_is_recorded_with_its_reason(bot, telegram_user) -> None:
    user = await onboarded(telegram_user, 704)
    bot.fake.fail_next("sendMessage", 400, "Bad Request: chat not found", chat_id=704)
    await user.say("help")
    failed = [m for m in await outbox(bot) if m.status == OutboxStatus.failed]
    assert [m.error for m in failed] == ["TelegramBadRequest: Bad Request: chat not found"]


async def test_a_status_change_reaches_the_reporter_on_telegram(bot, telegram_user) -> None:
    from handlers.needs.needs import change_status
    from models import Need, NeedStatus, Role
    from tests.factories import create_need

    await onboarded(telegram_user, 705)
    async with bot.app.sessions() as session:
        reporter = await session.scalar(select(Person))
    need = await create_need(bot.app, reporter, description="No light on our street")
    async with bot.app.sessions() as session, session.begin():
        staff = Person(language="en", role=Role.admin)
        session.add(staff)
        await session.flush()
        await change_status(
            session, staff, await session.get(Need, need.id), NeedStatus.resolved, "Fixed on Monday"
        )
    bot.runtime.worker.wake()
    notice = await wait_for_text(bot.fake, 705, f"Your report {need.reference} is now: resolved.")
    assert "Comment from the municipality: Fixed on Monday" in notice.params["text"]
    assert bot.fake.sent_to(706) == []


async def test_long_replies_are_split_and_photos_sent(bot, telegram_user) -> None:
    from bot.conversation.messages import Photo, Reply

    await onboarded(telegram_user, 707)
    paragraph = "Word " * 300
    long_text = "\n\n".join([paragraph.strip()] * 5)  # about 7,500 characters
    delivered = await bot.runtime.channels["telegram"].sender.send("707", Reply(text=long_text))
    assert delivered.outcome == "sent"
    pieces = [c.params["text"] for c in bot.fake.sent_to(707)[-3:]]
    two, one = "\n\n".join([paragraph.strip()] * 2), paragraph.strip()
    assert pieces == [two, two, one]  # cut between paragraphs, each piece within 4,096
    await bot.runtime.channels["telegram"].sender.send(
        "707", Reply(text="N-000001", photo=Photo("photo-file-id"))
    )
    (photo,) = bot.fake.calls_to("sendPhoto")
    assert photo.params["photo"] == "photo-file-id" and photo.params["caption"] == "N-000001"


async def test_a_failed_turn_is_rolled_back_and_its_redelivery_handled_once(
    webhook_bot, telegram_user, monkeypatch
) -> None:
    bot = webhook_bot  # Telegram delivers an update again when the webhook did not take it
    await onboarded(telegram_user, 708)
    step = bot.app.conversation.flows["menu"].step("action")

    async def broken(ctx, message):
        ctx.person.language = "ru"  # a write of the turn, before it fails
        await ctx.session.flush()
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(step, "accept", broken)
    update = bot.fake.message(708, text="1")
    await bot.deliver(update)
    await wait_for_text(bot.fake, 708, "Sorry, something went wrong on our side.")
    assert await language_of(bot, 708) == "en"  # the turn's write was rolled back
    assert await handled(bot, update["update_id"]) == 0  # and the update id with it
    monkeypatch.undo()

    await bot.deliver(update)  # the same update again: handled afresh, now that it works
    await bot.settle(update["update_id"])
    answered = len(bot.fake.sent_to(708))
    assert "Sorry, something went wrong" not in bot.fake.sent_to(708)[-1].params["text"]
    await bot.deliver(update)  # and once more: already handled, nothing happens
    await bot.settle(update["update_id"])
    assert len(bot.fake.sent_to(708)) == answered
    assert await handled(bot, update["update_id"]) == 1


async def language_of(bot, chat_id: int) -> str | None:
    async with bot.app.sessions() as session:
        address = await session.scalar(select(Address).where(Address.value == str(chat_id)))
        return (await session.get(Person, address.person_id)).language


async def handled(bot, update_id: int) -> int:
    async with bot.app.sessions() as session:
        return await session.scalar(
            select(func.count())
            .select_from(ProcessedInbound)
            .where(ProcessedInbound.channel == "telegram", ProcessedInbound.key == str(update_id))
        )
