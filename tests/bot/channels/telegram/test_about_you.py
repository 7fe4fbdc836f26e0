"""On Telegram the optional questions about oneself are buttons, "Skip" among them, after a
first need; Settings → "About me" changes them."""

from __future__ import annotations

from sqlalchemy import select

from models import Address, GroupAnswers
from tests.bot.channels.telegram.conftest import TelegramUser

CHAT = 7303


async def stored(app) -> GroupAnswers | None:
    async with app.sessions() as session:
        address = await session.scalar(select(Address).where(Address.value == str(CHAT)))
        return await session.get(GroupAnswers, address.person_id)


async def test_the_questions_are_buttons_after_a_first_need(webhook_bot) -> None:
    user = TelegramUser(webhook_bot, CHAT)
    await user.onboard()
    await user.press("Report a need")
    await user.press("Water supply")
    await user.say("The well in our street has dried up")
    await user.press("Skip")  # no photo
    await user.press("Skip")  # no place
    await user.press("Yes")
    assert "Its number is N-" in user.screen and "Answer them?" in user.screen
    await user.press("Yes")
    assert "How old are you?" in user.screen
    await user.press("30–44")
    await user.press("Skip")
    await user.press("Yes, I do")
    row = await stored(webhook_bot.app)
    assert (row.age_band, row.gender, row.disability) == ("30_44", None, "self")

    await user.press("Settings")
    await user.press("About me")
    assert "Age: 30–44" in user.screen and "Gender: not answered" in user.screen
    await user.press("Change my answers")
    await user.press("Under 18")
    await user.press("Woman")
    await user.press("No")
    row = await stored(webhook_bot.app)
    assert (row.age_band, row.gender, row.disability) == ("under_18", "woman", "none")
