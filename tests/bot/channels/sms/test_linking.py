"""Someone who shared their phone on Telegram continues the same conversation by SMS."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.channels.telegram import TELEGRAM
from bot.conversation.messages import Inbound
from models import Person


async def test_a_telegram_person_is_the_same_person_by_sms(sms_bot, sms_user) -> None:
    conversation = sms_bot.app.conversation
    for message in (
        Inbound("telegram", "777001", text="/start"),
        Inbound("telegram", "777001", text="2"),  # Русский
        Inbound("telegram", "777001", text="Барпы"),
        Inbound("telegram", "777001", text="1"),  # the place is right
        Inbound("telegram", "777001", text="1"),  # consent
        Inbound("telegram", "777001", contact_phone="+996 555 700 100", contact_verified=True),
    ):
        await conversation.handle(message, TELEGRAM.capabilities)

    user = sms_user("0555 700 100")  # the same number, written the local way
    await user.say("меню")
    assert "Главное меню" in user.screen  # their language, past onboarding: one history
    async with sms_bot.app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 1
